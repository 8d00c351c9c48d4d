# Shape doctor example: a learner asking whether Dense(2) after an LSTM returning sequences differs from TimeDistributed(Dense(2)); the summary gives (None, 10, 3), 168 parameters: 10 steps of 10 features (sample count not given)
# source: https://github.com/keras-team/keras/issues/1029
# x_shape: 100,10,10
# y_shape: 100,10,2
# loss: mse
# expect: ok
# asked: 2021-09-12
# held out: 2
from keras.models import Sequential
from keras.layers import LSTM, Dense

shape = (100, 10, 10)
model = Sequential()
model.add(LSTM(3 , return_sequences=True, input_shape = (shape[1],shape[2] ) ))
model.add( Dense(2))
model.compile(loss='mse', optimizer='adam')
model.summary()
