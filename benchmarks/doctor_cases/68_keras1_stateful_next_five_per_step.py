# Shape doctor example: n_nxt=5 values ahead from 100 previous ones, two stateful LSTMs returning sequences and TimeDistributed(Dense(5)), Keras 1's forget_bias_init (sample count not given: 1000)
# source: https://github.com/keras-team/keras/issues/2403
# x_shape: 1000,100,1
# y_shape: 1000,5,1
# loss: mse
# verdict: problem
# asked: 2016-04-20
from keras.models import Sequential
from keras.layers import LSTM, Dropout, TimeDistributed, Dense

n_nxt = 5
batch_size = 50
epochs = 12
n_prev = 100

print("creating model...")
unit_number = 12
model = Sequential()
model.add(LSTM(unit_number,
         batch_input_shape=(batch_size, n_prev, 1),
         forget_bias_init='one',
         return_sequences=True,
         stateful=True))
model.add(Dropout(0.2))
model.add(LSTM(unit_number,
         batch_input_shape=(batch_size, n_prev, 1),
         forget_bias_init='one',
         return_sequences=True,
         stateful=True))
model.add(Dropout(0.2))
model.add(TimeDistributed(Dense(n_nxt)))
model.compile(loss='mse', optimizer='rmsprop')
