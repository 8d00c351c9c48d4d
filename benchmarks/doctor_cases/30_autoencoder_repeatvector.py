# Shape doctor example: an encoder-decoder whose output has its own number of steps, done with RepeatVector
# source: https://github.com/keras-team/keras/issues/7342
# x_shape: 300,40
# y_shape: 300,12,50
# loss: categorical_crossentropy
# expect: ok
from keras.models import Sequential
from keras.layers import Embedding, LSTM, RepeatVector, TimeDistributed, Dense

vocab_size, embedding_size, hidden_size = 5000, 64, 128
max_out_length, num_class = 12, 50
model = Sequential()
model.add(Embedding(vocab_size, embedding_size))
model.add(LSTM(units=hidden_size, return_sequences=False))
model.add(RepeatVector(max_out_length))
model.add(LSTM(units=hidden_size, return_sequences=True))
model.add(TimeDistributed(Dense(num_class, activation="softmax")))
model.compile(optimizer="adam", loss="categorical_crossentropy")
