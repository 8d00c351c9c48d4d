# Shape doctor example: MFCC spectrogram images of shape (288, 864, 4) given straight to an LSTM (image count and labels not given)
# source: https://github.com/tensorflow/tensorflow/issues/56640
# x_shape: 100,288,864,4
# verdict: problem
# asked: 2022-06-30
# held out: 2
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import LSTM

model = Sequential()
model.add(LSTM(128,input_shape=(288, 864, 4)))
