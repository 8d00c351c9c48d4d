# Shape doctor example: a stateful LSTM(4) with batch_input_shape=(1, 1, 7) that ran two weeks before, refused after an upgrade to Keras 3 (sample count not given; one value per sample)
# source: https://github.com/keras-team/keras/issues/20106
# x_shape: 100,1,7
# y_shape: 100,1
# loss: mean_squared_error
# verdict: problem
# asked: 2024-08-09
# held out: 2
import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense

X_train = np.zeros((100, 1, 7))

model = Sequential()
model.add(LSTM(4, batch_input_shape=(1, X_train.shape[1], X_train.shape[2]), stateful=True))
model.add(Dense(1))
model.compile(loss='mean_squared_error', optimizer='adam')
