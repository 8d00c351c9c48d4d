# Shape doctor example: the stateful LSTM of a popular tutorial, trained epoch by epoch with reset_states
# source: https://stackovercoder.com.de/programming/38714959/understanding-keras-lstms
# x_shape: 100,3,1
# y_shape: 100,1
# loss: mean_squared_error
# verdict: problem
from keras.models import Sequential
from keras.layers import LSTM, Dense

look_back = 3
batch_size = 1
model = Sequential()
model.add(LSTM(4, batch_input_shape=(batch_size, look_back, 1), stateful=True))
model.add(Dense(1))
model.compile(loss="mean_squared_error", optimizer="adam")
for i in range(100):
    model.fit(trainX, trainY, epochs=1, batch_size=batch_size, verbose=2, shuffle=False)
    model.reset_states()
