# Shape doctor example: TimeDistributed(Dense) after an LSTM that returns only its last output
# x_shape: 200,30,4
# y_shape: 200,1
# loss: mse
# expect: time_distributed_needs_sequence
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import LSTM, Dense, TimeDistributed, Input

model = Sequential()
model.add(Input(shape=(30, 4)))
model.add(LSTM(64, return_sequences=False))
model.add(TimeDistributed(Dense(1)))
model.compile(optimizer="adam", loss="mse")
model.fit(X_train, y_train, epochs=20, batch_size=16)
