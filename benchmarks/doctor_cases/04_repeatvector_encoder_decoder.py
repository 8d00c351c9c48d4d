# Shape doctor example: an encoder-decoder with RepeatVector for a 5-step forecast
# x_shape: 1000,20,1
# y_shape: 1000,5,1
# loss: mse
# expect: ok
from keras.models import Sequential
from keras.layers import LSTM, Dense, RepeatVector, TimeDistributed, Input

n_steps_in, n_steps_out, n_features = 20, 5, 1
model = Sequential()
model.add(Input(shape=(n_steps_in, n_features)))
model.add(LSTM(100, activation="relu"))
model.add(RepeatVector(n_steps_out))
model.add(LSTM(100, activation="relu", return_sequences=True))
model.add(TimeDistributed(Dense(1)))
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=100, verbose=0)
