# Shape doctor example: states taken with encoder_output[1:] from an RNN of stacked cells
# source: https://github.com/tensorflow/tensorflow/issues/27817
# x_shape: 32,10,8
# expect: ok
import tensorflow.keras as keras

timesteps = 10
input_dim = 8
output_dim = 8
cells = [
    keras.layers.LSTMCell(output_dim),
    keras.layers.LSTMCell(output_dim),
    keras.layers.LSTMCell(output_dim),
]
inputs = keras.Input((timesteps, input_dim))
encoder_output = keras.layers.RNN(cells, return_state=True)(inputs)
states = encoder_output[1:]
decoder_output = keras.layers.RNN(cells)(inputs, initial_state=states)
model = keras.Model(inputs, decoder_output)
model.compile(optimizer="adam", loss="mse")
