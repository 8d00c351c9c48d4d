# Shape doctor example: sequences of characters in and out, with an LSTM that returns only its last step
# source: https://github.com/keras-team/keras/issues/3105
# x_shape: 100,9,15
# y_shape: 100,9,15
# loss: categorical_crossentropy
# verdict: problem
from keras.models import Sequential
from keras.layers import LSTM, Dense, Activation, Dropout

maxlen, n_chars = 9, 15
model = Sequential()
model.add(LSTM(512, input_shape=(maxlen, n_chars)))
model.add(Dropout(0.2))
model.add(Dense(n_chars))
model.add(Activation("softmax"))
model.compile(loss="categorical_crossentropy", optimizer="rmsprop")
