# Shape doctor example: one of four labels per sentence, from an LSTM turned to sequence-to-sequence
# source: https://github.com/keras-team/keras/issues/502
# x_shape: 1000,50
# y_shape: 1000,4
# loss: categorical_crossentropy
# verdict: problem
# held out: 1
from keras.models import Sequential
from keras.layers import Embedding, LSTM, Dropout, TimeDistributed, Dense, Activation

max_features = 20000
model = Sequential()
model.add(Embedding(max_features, 128))
model.add(LSTM(128, return_sequences=True))
model.add(Dropout(0.5))
model.add(TimeDistributed(Dense(4)))
model.add(Activation("softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam")
