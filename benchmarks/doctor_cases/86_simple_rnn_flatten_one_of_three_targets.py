# Shape doctor example: two SimpleRNNs from keras.layers.recurrent returning sequences, Flatten and Dense(1) against three targets per window (sequence count not given)
# source: https://github.com/keras-team/keras/issues/12116
# x_shape: 13107,3,13
# y_shape: 13107,3
# loss: binary_crossentropy
# verdict: problem
# asked: 2019-01-23
import pandas as pd
from keras.models import Sequential
from keras.layers.recurrent import SimpleRNN
from keras.layers.core import Dense, Activation, Dropout, Flatten
from keras.callbacks import EarlyStopping

model = Sequential()
#input layer
model.add(SimpleRNN(units=10, return_sequences=True, input_shape=(3, 13), activation ='sigmoid')) #input shape parameters 1 is for timesteps and 13 for number of indicators
model.add(Dropout(0.3))
#hidden layer 1
model.add(SimpleRNN(units=10, return_sequences=True, activation ='sigmoid'))  
model.add(Dropout(0.3))
#output layer for prediction
model.add(Flatten())
model.add(Dense(units=1, activation = 'sigmoid'))

model.compile(optimizer = 'adam', loss = 'binary_crossentropy') #use categorical crossentropy if more than one category predicted
