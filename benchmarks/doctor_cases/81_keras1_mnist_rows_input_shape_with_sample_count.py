# Shape doctor example: MNIST rows as timesteps, Keras 1's LSTM(output_dim=) told input_shape=(60000, 28, 28) with the image count in it (hidden units not given: 100; no target given)
# source: https://github.com/keras-team/keras/issues/4400
# x_shape: 60000,28,28
# verdict: problem
# asked: 2016-11-16
from keras.models import Sequential
from keras.layers import LSTM

hidden_units = 100
input_shape = (60000,28,28) # nbImage = 60000

model = Sequential()
model.add(LSTM(
       output_dim=hidden_units, 
       input_shape=input_shape, 
       ))
