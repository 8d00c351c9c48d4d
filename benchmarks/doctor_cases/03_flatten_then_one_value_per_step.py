# Shape doctor example: Flatten after the LSTM, but y has one value per timestep
# x_shape: 300,24,6
# y_shape: 300,24,1
# loss: mae
# expect: output_vs_target
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(24, 6)),
    tf.keras.layers.LSTM(32, return_sequences=True),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(1),
])
model.compile(optimizer="adam", loss="mae")
