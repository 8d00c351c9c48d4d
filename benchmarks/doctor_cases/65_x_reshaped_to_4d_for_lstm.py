# Shape doctor example: X reshaped to 4-D (836, 400, 3, 1) for a Conv2D, then given to an LSTM built for (400, 3): Keras 3 drops the trailing axis of 1 and trains (y not given: one class number per segment)
# source: https://github.com/keras-team/keras/issues/7403
# x_shape: 836,400,3,1
# y_shape: 836
# loss: sparse_categorical_crossentropy
# expect: ok
# asked: 2020-04-15
# held out: 2
from keras.models import Sequential
from keras.layers import LSTM, Dropout, Dense, Flatten
from keras.optimizers import Adam

model = Sequential()
model.add(LSTM(32, input_shape = (400,3), return_sequences=True))

model.add(Dropout(0.5))
model.add(Dense(100, activation='relu'))
model.add(Flatten())
#Then Here we have Dense Layer
model.add(Dense(64, activation= 'relu'))
model.add(Dropout(0.5))
model.add(Dense(3, activation='softmax'))
model.compile(optimizer=Adam(learning_rate = 0.001), loss = 'sparse_categorical_crossentropy', metrics=['accuracy'])
