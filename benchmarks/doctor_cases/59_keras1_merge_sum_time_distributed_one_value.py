# Shape doctor example: Keras 1's merge(mode='sum') of two LSTM sequences, a per-step Dense and one target per sample (timesteps not given: Input(shape=(None, 24)))
# source: https://github.com/keras-team/keras/issues/6318
# x_shape: 1822,10,24
# y_shape: 1822,1
# loss: mse
# verdict: problem
# asked: 2017-04-19
from keras.layers import Input, LSTM, TimeDistributed, Dense, merge
from keras.models import Model

input = Input(shape=(None, 24), name='input')
x1 = LSTM(50, return_sequences=True, kernel_initializer="orthogonal", dropout=0.2)(input)
x2 = LSTM(50, return_sequences=True, kernel_initializer="orthogonal", dropout=0.2)(x1)
x3 = LSTM(50, return_sequences=True, kernel_initializer="orthogonal", dropout=0.2)(x2)
merge = merge([x3, x1], mode='sum')
output = TimeDistributed(Dense(output_dim=1, activation='linear', init='orthogonal'))(merge)
model = Model(input=input, output=output)
model.compile(optimizer='adam', loss='mse', metrics=['accuracy'])
