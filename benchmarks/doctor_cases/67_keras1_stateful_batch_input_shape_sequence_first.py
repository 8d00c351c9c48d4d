# Shape doctor example: a stateful char model whose batch_input_shape puts the sequence length where the batch goes, Keras 1's forget_bias_init, RMSprop(lr=)
# source: https://github.com/keras-team/keras/issues/5262
# x_shape: 32,173,38
# y_shape: 32,173,38
# loss: categorical_crossentropy
# verdict: problem
# asked: 2017-02-03
from keras.models import Sequential
from keras.layers import LSTM, Dropout, TimeDistributed, Dense, Activation
from keras.optimizers import RMSprop

maxSequenceLength = 173
char_2_id = {chr(65 + i): i for i in range(38)}

hiddenStateSize = 256
hiddenLayerSize = 256
timesteps = 8

model = Sequential()
model.add(LSTM(hiddenStateSize, return_sequences = True, stateful=True, 
batch_input_shape=(maxSequenceLength, len(char_2_id),1),forget_bias_init='one')) 
model.add(Dropout(0.3))
model.add(TimeDistributed(Dense(hiddenLayerSize)))
model.add(TimeDistributed(Activation('relu')))

model.add(TimeDistributed(Dense(len(char_2_id)))) 
model.add(TimeDistributed(Activation('softmax')))

model.compile(loss='categorical_crossentropy', optimizer = RMSprop(lr=0.001), metrics=['accuracy'])
