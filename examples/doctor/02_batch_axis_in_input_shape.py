# Shape doctor example: the batch axis inside input_shape
# x_shape: 1,6,30
# y_shape: 1,1
# loss: binary_crossentropy
from keras.models import Sequential
from keras.layers import LSTM, Dense

model = Sequential()
model.add(LSTM(100, input_shape=(1, 6, 30), return_sequences=True))
model.add(Dense(1, activation='sigmoid'))
model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])
