# Shape doctor example: 1506 features per row and no time axis, given to LSTM(1, input_shape=(None, 1506)) under categorical_crossentropy (labels not given)
# source: https://github.com/keras-team/keras/issues/6419
# x_shape: 203158,1506
# loss: categorical_crossentropy
# verdict: problem
# asked: 2017-04-27
from keras.models import Sequential
from keras.layers import LSTM

model = Sequential()
model.add(LSTM(1,input_shape=(None,1506),dropout=0.2))

model.compile(loss='categorical_crossentropy',optimizer='sgd')
