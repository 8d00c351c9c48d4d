# Shape doctor example: a custom attention layer the doctor cannot build
# source: https://github.com/datalogue/keras-attention/issues/14
# x_shape: 50,600,4
# y_shape: 50,70,66
# loss: categorical_crossentropy
# verdict: unsure
from keras.layers import Input, LSTM, Bidirectional, RepeatVector
from keras.models import Model

inputs = Input(shape=(600, 4))
rnn_encoded = Bidirectional(LSTM(32, return_sequences=False), name="bidirectional_1", merge_mode="concat")(inputs)
encoded = RepeatVector(70)(rnn_encoded)
y_hat = AttentionDecoder(70, name="attention_decoder_1", output_dim=66, return_probabilities=False)(encoded)
model = Model(inputs=inputs, outputs=y_hat)
model.compile(optimizer="adam", loss="categorical_crossentropy")
