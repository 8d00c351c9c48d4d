# Shape doctor example: input_dim=look_back on an LSTM fed (samples, look_back, 1)
# source: https://github.com/keras-team/keras/issues/2415
# x_shape: 500,10,1
# y_shape: 500,1
# loss: mse
# verdict: problem
from keras.models import Sequential
from keras.layers import LSTM, Dense

look_back = 10
batch_size = 100
model = Sequential()
model.add(LSTM(10, input_dim=look_back))
model.add(Dense(1))
model.compile(loss="mean_squared_error", optimizer="adam")
