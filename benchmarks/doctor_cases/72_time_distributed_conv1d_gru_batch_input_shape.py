# Shape doctor example: TimeDistributed Conv1D, MaxPooling1D and Flatten over 4-D X into two GRUs, batch_input_shape fixing the batch at 24 while fit uses 32
# source: https://github.com/keras-team/keras/issues/13425
# x_shape: 17520,1,18,1
# y_shape: 17520
# loss: mse
# verdict: problem
# asked: 2019-10-13
# held out: 2
from keras.models import Sequential
from keras.layers import Dense,LSTM,TimeDistributed,Dropout,Conv1D,Flatten,concatenate,MaxPooling1D,GRU

model = Sequential()
model.add(TimeDistributed(Conv1D(filters=64, kernel_size=2, activation='relu'), batch_input_shape=(24,1, 18, 1)))
model.add(TimeDistributed(MaxPooling1D(pool_size=2)))
model.add(TimeDistributed(Flatten()))
model.add(GRU(50, return_sequences=True))
model.add(GRU(50))
model.add(Dense(1))
model.compile(optimizer='adam', loss='mse')
model.summary()
