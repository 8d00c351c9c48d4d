# Shape doctor example: Conv1D, pooling, an LSTM returning sequences, Flatten and 919 sigmoid outputs
# source: https://github.com/tensorflow/tensorflow/issues/15165
# x_shape: 64,1000,4
# y_shape: 64,919
# loss: binary_crossentropy
# expect: ok
from keras.models import Sequential
from keras.layers import Input, Conv1D, MaxPooling1D, LSTM, Flatten, Dense

model = Sequential()
model.add(Input(shape=(1000, 4)))
model.add(Conv1D(filters=320, kernel_size=26, strides=1, padding="valid", activation="relu"))
model.add(MaxPooling1D(pool_size=13, strides=13))
model.add(LSTM(320, return_sequences=True))
model.add(Flatten())
model.add(Dense(925, activation="relu"))
model.add(Dense(919, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
