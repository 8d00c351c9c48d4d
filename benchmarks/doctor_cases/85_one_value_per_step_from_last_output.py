# Shape doctor example: one sequence of 229 steps of 2 inputs and one target per step, from an LSTM that returns only its last step (loss not given)
# source: https://github.com/keras-team/keras/issues/8934
# x_shape: 1,229,2
# y_shape: 1,229
# verdict: problem
# asked: 2018-01-01
from keras.models import Sequential
from keras.layers import LSTM, Dense

model = Sequential()
model.add(LSTM(10, input_shape=(None, 2), return_sequences=False))
model.add(Dense(4, activation='tanh'))
model.add(Dense(1, activation='tanh'))
