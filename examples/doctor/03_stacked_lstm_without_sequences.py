# Shape doctor example: a stacked LSTM whose first layer does not return sequences
# x_shape: 64,20,8
# y_shape: 64,1
# loss: mse
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import LSTM, Dense

model = Sequential()
model.add(LSTM(100, input_shape=(20, 8)))
model.add(LSTM(100))
model.add(Dense(1))
model.compile(optimizer="adam", loss="mse")
