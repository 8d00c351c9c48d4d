# Shape doctor example: a learner asking whether input_shape=(32, 1) on an LSTM after an Embedding overrides the Embedding's output (it is ignored); no target given
# source: https://github.com/keras-team/keras/issues/11539
# x_shape: 64,32
# expect: ok
# asked: 2018-10-31
from keras.models import Sequential
from keras.layers import Embedding, LSTM

embedding_input_dim = 500
model = Sequential()
model.add(Embedding(embedding_input_dim, 10))
model.add( LSTM(20, input_shape = (32,1)))
