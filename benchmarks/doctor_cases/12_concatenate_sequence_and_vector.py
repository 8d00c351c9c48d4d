# Shape doctor example: concatenating a whole sequence with a last output
# x_shape: 256,12,8
# y_shape: 256,1
# loss: mse
# expect: merge_shapes_differ
import keras
from keras import layers

inp = keras.Input(shape=(12, 8))
seq = layers.LSTM(32, return_sequences=True)(inp)
last = layers.LSTM(32)(inp)
both = layers.concatenate([seq, last])
out = layers.Dense(1)(both)
model = keras.Model(inp, out)
model.compile(optimizer="adam", loss="mse")
