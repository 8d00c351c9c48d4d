# Shape doctor example: two Dense layers before the LSTM, the first told input_shape=(1,), on windows of 20 steps of one feature (trainY not given: one value per window)
# source: https://techfeed.net/pt/443267/
# x_shape: 650,20,1
# y_shape: 650,1
# loss: mean_squared_error
# verdict: problem
# asked: 2017
from keras.models import Sequential
from keras.layers import Dense, LSTM, Dropout

batch_size = 1
model = Sequential()
model.add(Dense(5, input_shape=(1,)))
model.add(Dense(10))
model.add(LSTM(32))
model.add(Dropout(0.3))
model.add(Dense(5))
model.add(Dense(1))
model.compile(loss='mean_squared_error', optimizer='adam')
