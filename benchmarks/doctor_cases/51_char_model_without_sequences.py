# Shape doctor example: the text generation model with return_sequences removed, trained on a character per step
# source: https://github.com/tensorflow/tensorflow/issues/27789
# x_shape: 6400,100
# y_shape: 6400,100
# loss: sparse_categorical_crossentropy
# verdict: problem
# held out: 1
import tensorflow as tf

vocab_size, embedding_dim, rnn_units, batch_size = 65, 256, 1024, 64
model = tf.keras.Sequential([
    tf.keras.layers.Embedding(vocab_size, embedding_dim, batch_input_shape=[batch_size, None]),
    tf.keras.layers.GRU(rnn_units, stateful=True),
    tf.keras.layers.Dense(vocab_size),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
