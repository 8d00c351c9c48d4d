# Shape doctor example: two stacked decoders both started from the encoder's states
# source: https://github.com/jacoxu/encoder_decoder/issues/5
# x_shape: 100,40,512
# loss: categorical_crossentropy
# expect: ok
from keras.layers import Input, LSTM, Dense
from keras.models import Model

latent_dim, max_video_length, n_chars = 256, 40, 30
encoder_inputs = Input(shape=(max_video_length, 512), dtype="float32")
encoder = LSTM(latent_dim, return_state=True)
encoder_outputs, state_h, state_c = encoder(encoder_inputs)
encoder_states = [state_h, state_c]
decoder_inputs = Input(shape=(None, n_chars), name="decoder_inputs")
decoder_lstm1 = LSTM(latent_dim, return_sequences=True, return_state=True, name="decoder_lstm1")
decoder_lstm2 = LSTM(latent_dim, return_sequences=True, return_state=True, name="decoder_lstm2")
decoder_dense = Dense(n_chars, activation="softmax")
decoder_outputs, a1, b1 = decoder_lstm1(decoder_inputs, initial_state=encoder_states)
decoder_outputs, a2, b2 = decoder_lstm2(decoder_outputs, initial_state=encoder_states)
decoder_outputs = decoder_dense(decoder_outputs)
model = Model([encoder_inputs, decoder_inputs], decoder_outputs)
model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
