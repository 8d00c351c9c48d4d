# Shape doctor example: 30 tokens in, 15 labels out, with an LSTM that returns all 30 steps
# source: https://github.com/keras-team/keras/issues/9764
# x_shape: 200,30
# y_shape: 200,15,127
# loss: categorical_crossentropy
# verdict: problem
from keras.models import Sequential
from keras.layers import Embedding, LSTM, Dense, TimeDistributed

n_vocab = 1000
n_classes = 127
model = Sequential()
model.add(Embedding(n_vocab, 127))
model.add(LSTM(127, return_sequences=True))
model.add(TimeDistributed(Dense(n_classes, activation="softmax")))
model.compile("rmsprop", "categorical_crossentropy")
