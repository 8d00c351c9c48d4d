# Shape doctor example: word indices through an Embedding into an LSTM, one label per review
# x_shape: 25000,200
# y_shape: 25000,1
# loss: binary_crossentropy
# expect: ok
import keras
from keras import layers

max_features = 20000
maxlen = 200
inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(max_features, 128)(inputs)
x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
x = layers.Bidirectional(layers.LSTM(64))(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
