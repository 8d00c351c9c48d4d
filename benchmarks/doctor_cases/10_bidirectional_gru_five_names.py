# Shape doctor example: unpacking a Bidirectional GRU as if it returned an LSTM's states
# x_shape: 64,40,16
# expect: unpack_count
import keras
from keras import layers

encoder_inputs = keras.Input(shape=(40, 16))
encoder = layers.Bidirectional(layers.GRU(128, return_state=True))
encoder_outputs, forward_h, forward_c, backward_h, backward_c = encoder(encoder_inputs)
state_h = layers.Concatenate()([forward_h, backward_h])
