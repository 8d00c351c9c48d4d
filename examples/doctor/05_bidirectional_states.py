# Shape doctor example: unpacking what a Bidirectional LSTM returns
# x_shape: 8,12,50
import tensorflow as tf
from tensorflow.keras.layers import LSTM, Bidirectional

encoder = Bidirectional(LSTM(64, return_state=True), merge_mode="mul")
encoder_outputs, state_h, state_c = encoder(encoder_inputs)
