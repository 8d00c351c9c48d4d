# Shape doctor example: return_state=True inside a Sequential to "get the hidden state"
# x_shape: 150,10,4
# y_shape: 150,2
# loss: categorical_crossentropy
# expect: states_into_layer
from tensorflow.keras import Sequential
from tensorflow.keras.layers import LSTM, Dense

model = Sequential()
model.add(LSTM(20, input_shape=(10, 4), return_state=True))
model.add(Dense(2, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam")
