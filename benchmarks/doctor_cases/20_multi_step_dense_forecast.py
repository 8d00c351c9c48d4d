# Shape doctor example: a vector output for a 7-day forecast, y with a trailing axis of 1
# x_shape: 900,30,1
# y_shape: 900,7,1
# loss: mse
# expect: ok
from keras.models import Sequential
from keras.layers import LSTM, Dense, Input

n_steps, n_out = 30, 7
model = Sequential()
model.add(Input(shape=(n_steps, 1)))
model.add(LSTM(64))
model.add(Dense(n_out))
model.compile(optimizer="adam", loss="mse")
