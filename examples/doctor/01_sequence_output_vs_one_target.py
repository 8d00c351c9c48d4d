# Shape doctor example: a (118, 45, 1) output against a (118, 1) target
# x_shape: 118,45,2
# y_shape: 118,1
# loss: mse
from keras.models import Sequential
from keras.layers import LSTM, Dense

model = Sequential()
model.add(LSTM(512, input_shape=(45, 2), return_sequences=True))
model.add(LSTM(512, return_sequences=True))
model.add(Dense(1))
model.compile(loss="mse", optimizer="adam")
