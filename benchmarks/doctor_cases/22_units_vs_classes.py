# Shape doctor example: ten output units for five one-hot classes
# x_shape: 700,20,3
# y_shape: 700,5
# loss: categorical_crossentropy
# expect: units_vs_target
from keras.models import Sequential
from keras.layers import LSTM, Dense, Input

num_classes = 10
model = Sequential()
model.add(Input(shape=(20, 3)))
model.add(LSTM(64))
model.add(Dense(num_classes, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam")
