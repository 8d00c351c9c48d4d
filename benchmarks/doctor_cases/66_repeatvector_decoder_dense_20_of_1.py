# Shape doctor example: 20 steps of 4 in, 25 steps of 1 out through RepeatVector(25), a decoder LSTM and TimeDistributed(Dense(20)) (units not given: 50)
# source: https://github.com/keras-team/keras/issues/12395
# x_shape: 1000,20,4
# y_shape: 1000,25,1
# loss: mse
# verdict: problem
# asked: 2019-03-05
from keras.models import Sequential
from keras.layers import LSTM, RepeatVector, TimeDistributed, Dense

un = 50
model = Sequential()
model.add(LSTM(units = un , input_shape = (20, 4), return_sequences = False))
model.add(RepeatVector(25))
model.add(LSTM(un , return_sequences=True))
model.add(TimeDistributed(Dense(20)))
model.compile(loss='mse', optimizer='adam')
