# Shape doctor example: a masked LSTM with Keras 1's dropout_W/dropout_U returns sequences, y has one row per sequence
# source: https://github.com/keras-team/keras/issues/5214
# x_shape: 3000,40,100
# y_shape: 3000,97
# loss: categorical_crossentropy
# expect: keras1_argument, last_layer_returns_sequences
from keras.models import Sequential
from keras.layers import Masking, LSTM, TimeDistributed, Dense

model = Sequential()
model.add(Masking(mask_value=0., input_shape=(None,100)))
model.add(LSTM(128, dropout_W=0.2, dropout_U=0.2, return_sequences=True))
model.add(TimeDistributed(Dense(97, activation='softmax')))
model.compile(loss='categorical_crossentropy', optimizer='adam')
