# Shape doctor example: Keras 1 arguments from an old tutorial
# x_shape: 500,50,1
# y_shape: 500,1
# loss: mse
# expect: keras1_argument, input_argument_removed
from keras.models import Sequential
from keras.layers import LSTM, Dense, Activation

model = Sequential()
model.add(LSTM(input_dim=1, output_dim=50, return_sequences=True))
model.add(LSTM(100, return_sequences=False))
model.add(Dense(output_dim=1))
model.add(Activation("linear"))
model.compile(loss="mse", optimizer="rmsprop")
