# Shape doctor example: a Conv1D branch and an LSTM branch joined by concatenate, each call ending in a stray comma (a tuple), 180 steps of 4 features, 4 values out (sample count and loss not given)
# source: https://github.com/keras-team/keras/issues/14613
# x_shape: 1000,180,4
# y_shape: 1000,4
# verdict: problem
# asked: 2021-04-22
# held out: 2
from tensorflow import keras
from tensorflow.keras import layers

batch_lenght = 180

inputs = layers.Input(shape=(batch_length, 4))
conv1d = layers.Conv1D(filters=35, kernel_size=6)(inputs),
maxpool = layers.MaxPool1D()(conv1d),
lstm = layers.LSTM(32)(inputs),
conc = layers.concatenate([maxpool, lstm])
dense = layers.Dense(32, activation='relu')(conc)
output = layers.Dense(4)(dense)

keras_model = keras.Model(inputs=inputs, outputs=output)
