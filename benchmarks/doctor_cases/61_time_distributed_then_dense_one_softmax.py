# Shape doctor example: LSTM sequences, TimeDistributed(Dense(650)) and Dense(1) with softmax, against one label per run (loss not given)
# source: https://github.com/keras-team/keras/issues/7509
# x_shape: 200,2000,13
# y_shape: 200,1
# verdict: problem
# asked: 2017-08-03
from keras.models import Sequential
from keras.layers import LSTM, Dropout, TimeDistributed, Dense, Activation

model = Sequential()
model.add(LSTM(650, input_shape=(2000, 13), return_sequences=True))
model.add(Dropout(0.2))
model.add(TimeDistributed(Dense(650)))
model.add(Dense(1))
model.add(Activation("softmax"))
