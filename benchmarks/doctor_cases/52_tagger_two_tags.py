# Shape doctor example: two tags per word, one-hot, from an LSTM that returns every step
# source: https://github.com/keras-team/keras/issues/1029
# x_shape: 2,2
# y_shape: 2,2,2
# loss: categorical_crossentropy
# expect: ok
# held out: 1
from keras.models import Sequential
from keras.layers import Embedding, LSTM, TimeDistributed, Dense, Activation
from keras.optimizers import RMSprop

nb_word, nb_tag = 4, 2
model = Sequential()
model.add(Embedding(nb_word, 128))
model.add(LSTM(128, return_sequences=True))
model.add(TimeDistributed(Dense(nb_tag)))
model.add(Activation("softmax"))
rms = RMSprop()
model.compile(loss="categorical_crossentropy", optimizer=rms)
