# Shape doctor example: 96 points in, 96 points out, but TimeDistributed(Dense(96)) gives 96 values per step
# source: https://github.com/keras-team/keras/issues/5663
# x_shape: 2688,96,1
# y_shape: 2688,96,1
# loss: mean_squared_error
# verdict: problem
from keras.models import Sequential
from keras.layers import LSTM, Dense, TimeDistributed, Activation

in_out_neurons = 96
model = Sequential()
model.add(LSTM(960, batch_input_shape=(2688, in_out_neurons, 1), return_sequences=True))
model.add(LSTM(480, return_sequences=True))
model.add(LSTM(180, return_sequences=True))
model.add(TimeDistributed(Dense(96, activation="relu")))
model.add(Activation("linear"))
model.compile(loss="mean_squared_error", optimizer="adam")
model.fit(X, y, batch_size=10, epochs=1, verbose=2)
