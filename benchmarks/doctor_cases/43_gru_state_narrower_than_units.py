# Shape doctor example: a GRU of 400 units started from a state of 300
# source: https://github.com/keras-team/keras/issues/6088
# x_shape: 64,20,32
# verdict: problem
from keras.layers import Input, GRU, Dense
from keras.models import Model

context_input = Input(shape=(20, 32))
context = Dense(300)(GRU(64)(context_input))
decoder_input = Input(shape=(15, 32))
shared_gru_decoder = GRU(400, return_sequences=True)
first_decoder_gru = shared_gru_decoder(decoder_input, initial_state=[context])
model = Model([context_input, decoder_input], first_decoder_gru)
model.compile(optimizer="adam", loss="mse")
