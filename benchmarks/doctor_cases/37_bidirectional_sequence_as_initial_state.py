# Shape doctor example: a Bidirectional encoder's sequence passed as the decoder's initial state
# source: https://github.com/wanasit/katakana/issues/1
# x_shape: 100,50
# loss: categorical_crossentropy
# verdict: problem
from keras.layers import Input, Embedding, LSTM, Bidirectional, TimeDistributed, Dense
from keras.models import Model

input_length, output_length = 50, 30
input_dict_size, output_dict_size, UNITS = 60, 90, 64
encoder_input = Input(shape=(input_length,))
decoder_input = Input(shape=(output_length,))
encoder = Embedding(input_dict_size, 64, mask_zero=True)(encoder_input)
encoder = Bidirectional(LSTM(UNITS, return_sequences=True))(encoder)
decoder = Embedding(output_dict_size, 64, mask_zero=True)(decoder_input)
decoder = LSTM(UNITS * 2, return_sequences=True)(decoder, initial_state=[encoder])
decoder = TimeDistributed(Dense(output_dict_size, activation="softmax"))(decoder)
model = Model(inputs=[encoder_input, decoder_input], outputs=[decoder])
model.compile(optimizer="adam", loss="categorical_crossentropy")
