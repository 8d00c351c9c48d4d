# Shape doctor example: an Embedding that carries the batch shape into a stateful LSTM, multi-label output
# source: https://github.com/keras-team/keras/issues/1902
# x_shape: 500,10
# y_shape: 500,5
# loss: binary_crossentropy
# verdict: problem
from keras.models import Sequential
from keras.layers import Embedding, LSTM, Dropout, Dense, Activation

vocab_size, max_len, n_labels = 20, 10, 5
embedding_size, batch_size = 100, 16
model = Sequential()
model.add(Embedding(vocab_size, embedding_size, input_length=max_len, batch_input_shape=(batch_size, max_len)))
model.add(LSTM(300, stateful=True))
model.add(Dropout(0.5))
model.add(Dense(n_labels))
model.add(Activation("sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(X_train, y_train, batch_size=batch_size, epochs=10)
