# Shape doctor example: the model built for 50 timesteps, the windows made 60 long
# x_shape: 3000,60,1
# y_shape: 3000,1
# loss: mse
# expect: input_vs_x
import keras

window = 50
model = keras.Sequential()
model.add(keras.Input(shape=(window, 1)))
model.add(keras.layers.LSTM(64))
model.add(keras.layers.Dense(1))
model.compile(optimizer="adam", loss="mse")
