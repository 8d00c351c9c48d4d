# Shape doctor example: RepeatVector repeats the input length, not the forecast length
# x_shape: 1000,20,1
# y_shape: 1000,5,1
# loss: mse
# expect: output_vs_target
from keras.models import Sequential
from keras.layers import LSTM, Dense, RepeatVector, TimeDistributed, Input

model = Sequential()
model.add(Input(shape=(20, 1)))
model.add(LSTM(100, activation="relu"))
model.add(RepeatVector(20))
model.add(LSTM(100, activation="relu", return_sequences=True))
model.add(TimeDistributed(Dense(1)))
model.compile(optimizer="adam", loss="mse")
