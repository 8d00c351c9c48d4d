# Shape doctor example: the IMDB LSTM example with Keras 1's dropout_W/dropout_U and Embedding(dropout=) reused for 24 one-hot classes, still ending in Dense(1) and a sigmoid (max_features and maxlen from the example and the 41 features)
# source: https://github.com/keras-team/keras/issues/3237
# x_shape: 395216,41
# y_shape: 395216,24
# loss: categorical_crossentropy
# verdict: problem
# asked: 2016-07-17
from keras.models import Sequential
from keras.layers import Embedding, LSTM, Dense, Activation

max_features = 20000
maxlen = 41

print('Build model...')
model = Sequential()
model.add(Embedding(max_features, 128, input_length=maxlen, dropout=0.2))
model.add(LSTM(128, dropout_W=0.2, dropout_U=0.2))  # try using a GRU instead, for fun
model.add(Dense(1))
model.add(Activation('sigmoid'))
# try using different optimizers and different optimizer configs

model.compile(loss='categorical_crossentropy',
              optimizer='adam',
              metrics=['accuracy'])
