# Shape doctor example: unpacking an LSTM's states without return_state=True
# x_shape: 128,25,10
# y_shape: 128,3
# loss: categorical_crossentropy
# expect: unpack_count
from tensorflow import keras

inputs = keras.Input(shape=(25, 10))
output, state_h, state_c = keras.layers.LSTM(64)(inputs)
probs = keras.layers.Dense(3, activation="softmax")(state_h)
model = keras.Model(inputs, probs)
model.compile(optimizer="adam", loss="categorical_crossentropy")
