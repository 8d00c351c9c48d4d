# Shape doctor example: padded IMDB reviews (25000, 100) into Dense(64, input_shape=(100, 1)), a Bidirectional LSTM returning sequences and softmax heads, one label per review (the call is not shown: biLSTM(maxlen, 1))
# source: https://github.com/keras-team/keras/issues/13688
# x_shape: 25000,100
# y_shape: 25000
# loss: binary_crossentropy
# verdict: problem
# asked: 2020-01-11
# held out: 2
from keras.models import Sequential
from keras.layers import Dense, Dropout, Embedding, LSTM, Bidirectional, Flatten, Input

max_features = 10
maxlen = 100
batch_size = 32

def biLSTM(input_shape,output_shape):
	model = Sequential()
	model.add(Dense(64, input_shape=(input_shape,1),activation='relu'))
	model.add(Bidirectional(LSTM(64,return_sequences=True)))
	model.add(Dropout(0.5))
	# model.add(Flatten())
	model.add(Dense(64, activation='softmax'))
	model.add(Dense(output_shape, activation='softmax'))
	model.compile('adam', 'binary_crossentropy', metrics=['accuracy'])
	return model

model = biLSTM(maxlen, 1)
