# Shape doctor example: a stateful LSTM built for batches of 32, trained with batch_size=64
# x_shape: 1024,10,2
# y_shape: 1024,1
# loss: mse
# expect: stateful_fit_batch, stateful_shuffle
import keras

model = keras.Sequential([
    keras.Input(batch_shape=(32, 10, 2)),
    keras.layers.LSTM(16, stateful=True),
    keras.layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, batch_size=64, epochs=5)
