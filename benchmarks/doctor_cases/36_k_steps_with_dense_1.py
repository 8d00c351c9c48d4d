# Shape doctor example: y(t+1) ... y(t+k) wanted at once, from a Dense(1)
# source: https://gamwe6.github.io/obafuro/keras/2019/05/27/55287.html
# x_shape: 500,3,10
# y_shape: 500,5
# loss: mean_squared_error
# verdict: problem
from keras.models import Sequential
from keras.layers import LSTM, Dense, Dropout, Activation
from keras.optimizers import Adam

nhd, lookback = 32, 10
model = Sequential()
model.add(LSTM(nhd, input_shape=(testX.shape[1], lookback)))
model.add(Dropout(0.2))
model.add(Dense(1))
model.add(Activation("tanh"))
optimizer = Adam(learning_rate=0.001)
model.compile(loss="mean_squared_error", optimizer=optimizer)
