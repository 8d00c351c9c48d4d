# Shape doctor example: a Bidirectional LSTM returning sequences with Dense layers after it, against one of 10 classes per sample
# source: https://github.com/kamalkraj/Named-Entity-Recognition-with-Bidirectional-LSTM-CNNs/issues/3
# x_shape: 10000,128,10
# y_shape: 10000,10
# loss: categorical_crossentropy
# verdict: problem
# asked: 2018-05-31
from keras.models import Sequential
from keras.layers import Bidirectional, LSTM, Dense

kind = 10

model = Sequential()
model.add(Bidirectional(LSTM(100, return_sequences=True),input_shape=(128, 10)))
model.add((Dense(units=200,activation='tanh')))
model.add((Dense(kind, activation='softmax')))
model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
