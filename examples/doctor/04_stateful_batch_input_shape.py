# Shape doctor example: a stateful LSTM with batch_input_shape
# x_shape: 100,1,7
# y_shape: 100,1
# loss: mse
from keras.models import Sequential
from keras.layers import LSTM, Dense

model = Sequential()
model.add(LSTM(4, batch_input_shape=(1, 1, 7), stateful=True))
model.add(Dense(1))
model.compile(loss="mean_squared_error", optimizer="adam")
for i in range(100):
    model.fit(X, y, epochs=1, batch_size=1, verbose=2, shuffle=False)
    model.reset_states()
