# Shape doctor example: a stacked GRU in the functional API, done right
# x_shape: 512,48,7
# y_shape: 512,1
# loss: huber
# expect: ok
import tensorflow as tf

inputs = tf.keras.layers.Input(shape=(48, 7))
x = tf.keras.layers.GRU(64, return_sequences=True)(inputs)
x = tf.keras.layers.Dropout(0.2)(x)
x = tf.keras.layers.GRU(32)(x)
outputs = tf.keras.layers.Dense(1)(x)
model = tf.keras.Model(inputs=inputs, outputs=outputs)
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3), loss="huber")
