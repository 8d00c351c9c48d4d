# Shape doctor example: 12 values per timestep wanted, the second LSTM returns only the last one
# source: https://github.com/google-parfait/tensorflow-federated/issues/3920
# x_shape: 320,998,12
# y_shape: 320,998,12
# loss: mse
# verdict: problem
from keras.models import Sequential
from keras.layers import Input, LSTM, Dense

model = Sequential()
model.add(Input(shape=(998, 12)))
model.add(LSTM(64, name="lstm_layer1", return_sequences=True))
model.add(LSTM(32, name="lstm_layer2"))
model.add(Dense(12))
model.compile(optimizer="adam", loss="mse")
