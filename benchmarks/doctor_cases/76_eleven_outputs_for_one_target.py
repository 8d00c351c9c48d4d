# Shape doctor example: one sequence of 10 steps of 11 features, an LSTM(11) and Dense(11) against a single target value reshaped to (1, 1, 1): y keeps a time axis of 1
# source: https://github.com/keras-team/keras/issues/7124
# x_shape: 1,10,11
# y_shape: 1,1,1
# loss: mean_squared_error
# verdict: problem
# asked: 2017-06-25
import numpy as np
from keras.models import Sequential
from keras.layers import Dense, Activation
from keras.layers import LSTM

# Build Model
model = Sequential()
model.add(LSTM(11, input_shape=(10, 11), unroll=True, return_sequences=False))
model.add(Dense(11))
model.add(Activation('linear'))
model.compile(loss='mean_squared_error', optimizer='adam')
