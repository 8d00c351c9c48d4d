# Shape doctor example: a hand-made bidirectional layer with go_backwards, concatenated without flipping
# x_shape: 300,16,10
# y_shape: 300,16,5
# loss: categorical_crossentropy
# expect: go_backwards_not_flipped
import keras
from keras import layers

tokens = keras.Input(shape=(16, 10))
forward = layers.LSTM(32, return_sequences=True)(tokens)
backward = layers.LSTM(32, return_sequences=True, go_backwards=True)(tokens)
both = layers.concatenate([forward, backward])
tags = layers.TimeDistributed(layers.Dense(5, activation="softmax"))(both)
model = keras.Model(tokens, tags)
model.compile(optimizer="adam", loss="categorical_crossentropy")
