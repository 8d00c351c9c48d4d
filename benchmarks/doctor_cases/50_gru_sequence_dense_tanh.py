# Shape doctor example: a GRU over embedded tokens, one tanh value per step
# source: https://github.com/keras-team/keras/issues/8877
# x_shape: 100,60
# expect: ok
# held out: 1
from keras.layers import Input, Embedding, GRU, Dense
from keras.models import Model

seq = Input(shape=[60], name="seq_var")
y = Embedding(1000, 10)(seq)
y = GRU(8, return_sequences=True)(y)
out = Dense(1, activation="tanh")(y)
model = Model(seq, out)
