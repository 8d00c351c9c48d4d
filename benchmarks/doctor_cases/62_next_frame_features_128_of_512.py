# Shape doctor example: 20 frames of 512 features in, the next 20 frames out, from an LSTM of 128 units alone (number of videos not given)
# source: https://github.com/keras-team/keras/issues/5030
# x_shape: 100,20,512
# y_shape: 100,20,512
# loss: mean_squared_error
# verdict: problem
# asked: 2017-01-13
import numpy as np
from keras.models import Sequential
from keras.layers import LSTM
from keras.optimizers import SGD

X_train = np.zeros((100, 20, 512))

model = Sequential()
model.add(LSTM(128, input_shape=X_train.shape[1:], return_sequences=True))

sgd = SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True)
model.compile(loss='mean_squared_error', optimizer='sgd')
print(model.summary())
