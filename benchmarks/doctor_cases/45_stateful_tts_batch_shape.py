# Shape doctor example: a stateful text-to-speech model built for batches of 2000, fitted in batches of 5
# source: https://github.com/keras-team/keras/issues/4010
# x_shape: 55,2000,425
# y_shape: 55,2000,199
# loss: mean_squared_error
# verdict: problem
from keras.models import Sequential
from keras.layers import LSTM, SimpleRNN
from keras.optimizers import SGD

n_input, n_output, size, batch = 425, 199, 2000, 5
model = Sequential()
model.add(LSTM(64, return_sequences=True, batch_input_shape=(size, size, n_input), activation="linear", stateful=True))
model.add(SimpleRNN(n_output, return_sequences=True, activation="tanh", stateful=True))
sgd = SGD(learning_rate=0.01, momentum=0.9, nesterov=True)
model.compile(optimizer=sgd, loss="mean_squared_error")
model.fit(X_train, y_train, batch_size=batch, epochs=2)
