# Shape doctor example: the next word at every step, a softmax over the vocabulary
# source: https://github.com/keras-team/keras/issues/90
# x_shape: 64,16
# y_shape: 64,16,500
# loss: categorical_crossentropy
# expect: ok
# held out: 1
from keras.models import Sequential
from keras.layers import Embedding, GRU, Dense, Activation

vocabsize = 500
model = Sequential()
model.add(Embedding(vocabsize, 128))
model.add(GRU(128, return_sequences=True))
model.add(Dense(vocabsize))
model.add(Activation("softmax"))
model.compile(loss="categorical_crossentropy", optimizer="rmsprop")
