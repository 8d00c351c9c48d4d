# Shape doctor example: a stock model whose y has one value per timestep, behind an LSTM that returns only its last step
# source: https://github.com/keras-team/keras/issues/11554
# x_shape: 64,20,4
# y_shape: 64,20,1
# loss: mse
# verdict: problem
from keras.models import Sequential
from keras.layers import LSTM, Dense, Dropout

model = Sequential()
model.add(LSTM(20, return_sequences=True, input_shape=(20, 4)))
model.add(Dropout(0.2))
model.add(LSTM(20, return_sequences=True))
model.add(Dropout(0.2))
model.add(LSTM(20))
model.add(Dense(20, activation="relu"))
model.add(Dense(1, activation="linear"))
model.compile(loss="mse", optimizer="adam")
