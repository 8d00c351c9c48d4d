# Shape doctor example: Keras 1's Convolution1D and MaxPooling1D halve 200 steps to 100, TimeDistributed Dense layers end in one unit against 5 features per step
# source: https://github.com/keras-team/keras/issues/2405
# x_shape: 128,200,5
# y_shape: 128,100,5
# loss: mse
# verdict: problem
# asked: 2016-04-19
from keras.models import  Sequential
from keras.layers import Dense,  TimeDistributed, Convolution1D, MaxPooling1D
import numpy as np

num_examples = 128
num_times = 200
num_features = 5
inputs = np.random.random((num_examples,num_times,num_features))
targets = np.random.random((num_examples,num_times/2,num_features))
model = Sequential()

model.add(Convolution1D(input_dim=num_features, #input_length=num_times,
                        nb_filter=5,filter_length=3,activation='relu',border_mode='same'))
model.add(MaxPooling1D(pool_length=2,border_mode='valid'))

## This fails:
model.add(TimeDistributed(Dense(output_dim=16,activation='tanh')))
model.add(TimeDistributed(Dense(output_dim=1,activation='linear')))

model.compile(optimizer='rmsprop',loss='mse')
