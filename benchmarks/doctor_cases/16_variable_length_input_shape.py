# Shape doctor example: input_shape with None timesteps (a Keras 2 habit that still trains)
# x_shape: 400,20,3
# y_shape: 400,1
# loss: mse
# expect: ok, input_shape_argument
from keras.models import Sequential
from keras.layers import LSTM, Dense

model = Sequential()
model.add(LSTM(32, input_shape=(None, 3)))
model.add(Dense(1))
model.compile(loss="mse", optimizer="adam")
