# Shape doctor example: a softmax over one unit with categorical_crossentropy
# x_shape: 800,15,3
# y_shape: 800,1
# loss: categorical_crossentropy
# expect: one_unit_categorical
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import LSTM, Dense, Dropout, Input

model = Sequential()
model.add(Input(shape=(15, 3)))
model.add(LSTM(50))
model.add(Dropout(0.2))
model.add(Dense(1, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
