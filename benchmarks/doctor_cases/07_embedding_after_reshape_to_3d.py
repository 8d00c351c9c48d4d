# Shape doctor example: word indices reshaped to 3-D "because an LSTM needs 3-D" before an Embedding
# x_shape: 5000,100,1
# y_shape: 5000,1
# loss: binary_crossentropy
# expect: ok, x_with_extra_axis
from keras.models import Sequential
from keras.layers import Embedding, LSTM, Dense, Input

X = X.reshape((X.shape[0], X.shape[1], 1))
model = Sequential()
model.add(Input(shape=(100,)))
model.add(Embedding(10000, 32))
model.add(LSTM(32))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam")
