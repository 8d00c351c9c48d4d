# Shape doctor example: Keras 1's merge(mode='sum') of a masked LSTM's sequence and a masked input
# source: https://github.com/keras-team/keras/issues/4148
# x_shape: 2,3,4
# y_shape: 2,3,4
# loss: mse
# expect: keras1_merge
import numpy as np
from keras.layers import Input, merge, Masking, LSTM
from keras.models import Model

input_a = Input(shape=(3, 4))
input_b = Input(shape=(3, 4))

masked_a = Masking()(input_a)
masked_b = Masking()(input_b)
masked_a = LSTM(4, return_sequences=True)(masked_a)

merged_sum = merge([masked_a, masked_b], mode='sum')

model_sum = Model([input_a, input_b], [merged_sum])
model_sum.compile(loss='mse', optimizer='sgd')
