# Shape doctor example: a forward and a backward LSTM joined by Keras 1's merge(mode='concat'), then a max over time
# source: https://github.com/keras-team/keras/issues/4296
# x_shape: 1,4
# y_shape: 1,30
# loss: categorical_crossentropy
# expect: keras1_merge, old_module_path
import numpy as np

from keras import backend
from keras.layers import Dense, Input, Lambda, merge, LSTM, TimeDistributed
from keras.layers.embeddings import Embedding

MAX_TOKENS = 100
embedding_dim = 40
hidden_dim = 50
NUM_CLASSES = 30

document = Input(shape = (None, ), dtype = "int32")
embedding = Embedding(MAX_TOKENS + 1, embedding_dim)(document)
forward = LSTM(hidden_dim, return_sequences = True)(embedding)
backward = LSTM(hidden_dim, return_sequences = True, go_backwards = True)(embedding)
together = merge([forward, embedding, backward], mode = "concat", concat_axis = 2)
semantic = TimeDistributed(Dense(NUM_CLASSES, activation = "tanh"))(together)
pool_rnn = Lambda(lambda x: x.max(axis = 1), output_shape = (hidden_dim, ))(semantic)
output = Dense(NUM_CLASSES, activation = "softmax")(pool_rnn)
