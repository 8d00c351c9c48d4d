# Shape doctor example: 11 classes per sequence, but the LSTM returns every step and the head is per step
# source: https://github.com/keras-team/keras/issues/1838
# x_shape: 500,398,40
# y_shape: 500,11
# loss: categorical_crossentropy
# verdict: problem
# held out: 1
from keras.models import Sequential
from keras.layers import LSTM, Activation, Dropout, TimeDistributed, Dense

model = Sequential()
model.add(LSTM(128, input_shape=(398, 40), activation="sigmoid", recurrent_activation="hard_sigmoid",
               return_sequences=True))
model.add(Activation("sigmoid"))
model.add(Dropout(0.2))
model.add(TimeDistributed(Dense(11)))
model.add(Activation("softmax"))
model.compile(loss="categorical_crossentropy", optimizer="rmsprop")
