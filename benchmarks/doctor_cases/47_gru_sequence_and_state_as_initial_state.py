# Shape doctor example: a GRU decoder given the encoder's whole sequence and its state as initial states
# source: https://github.com/tensorflow/tensorflow/issues/58460
# x_shape: 64,9,20
# verdict: problem
from keras.layers import Input, GRU, Dense
from keras.models import Model

n_input, n_output, n_units = 20, 30, 128
encoder_inputs = Input(shape=(None, n_input))
encoder = GRU(n_units, return_sequences=True, return_state=True)
encoder_outputs, state_h = encoder(encoder_inputs)
decoder_inputs = Input(shape=(None, n_output))
decoder_gru = GRU(n_units, return_sequences=True, return_state=True)
decoder_outputs, _ = decoder_gru(decoder_inputs, initial_state=[encoder_outputs, state_h])
decoder_dense = Dense(n_output, activation="softmax")
decoder_outputs = decoder_dense(decoder_outputs)
model = Model([encoder_inputs, decoder_inputs], decoder_outputs)
model.compile(optimizer="adam", loss="categorical_crossentropy")
