# Shape doctor example: x and y of a unit circle, 25 steps in, 2 values out
# source: https://github.com/keras-team/keras/issues/1272
# x_shape: 5000,25,2
# y_shape: 5000,2
# loss: mse
# expect: ok, input_shape_argument
from keras.models import Sequential
from keras.layers import LSTM, Dense

model = Sequential()
model.add(LSTM(128, input_shape=(25, 2)))
model.add(Dense(2))
model.compile(loss="mse", optimizer="adam")
