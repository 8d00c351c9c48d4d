# Shape doctor example: adding two LSTM branches of different sizes
# x_shape: 256,12,8
# y_shape: 256,1
# loss: mse
# expect: merge_shapes_differ
import keras
from keras.layers import Input, LSTM, Dense, add

inp = Input(shape=(12, 8))
a = LSTM(32)(inp)
b = LSTM(64)(inp)
merged = add([a, b])
out = Dense(1)(merged)
model = keras.Model(inputs=inp, outputs=out)
model.compile(optimizer="adam", loss="mse")
