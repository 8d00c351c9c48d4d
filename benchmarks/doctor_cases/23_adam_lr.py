# Shape doctor example: a right model compiled with Adam(lr=...)
# x_shape: 240,12,2
# y_shape: 240,1
# expect: optimizer_lr_removed
from keras.models import Sequential
from keras.layers import LSTM, Dense, Input
from keras.optimizers import Adam

model = Sequential([Input(shape=(12, 2)), LSTM(24), Dense(1)])
model.compile(loss="mean_absolute_error", optimizer=Adam(lr=0.005))
