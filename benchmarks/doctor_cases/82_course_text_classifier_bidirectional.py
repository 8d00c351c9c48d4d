# Shape doctor example: a course's text classifier (Embedding, Bidirectional LSTM, Dense, six softmax classes) that failed from a TensorFlow/NumPy mismatch, not from its shapes (sizes not in the thread: 10000 words, 64 dimensions, 100 tokens; no target given)
# source: https://github.com/somosnlp/nlp-de-cero-a-cien/issues/6
# x_shape: 1000,100
# expect: ok
# asked: 2021-08-10
# held out: 2
import tensorflow as tf

vocab_size = 10000
embedding_dim = 64

model=tf.keras.Sequential([tf.keras.layers.Embedding(vocab_size,embedding_dim),
    tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(embedding_dim)),
    tf.keras.layers.Dense(embedding_dim,activation='relu'),
    tf.keras.layers.Dense(6,activation='softmax')])
