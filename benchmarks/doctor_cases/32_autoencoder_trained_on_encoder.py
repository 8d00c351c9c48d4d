# Shape doctor example: a sequence autoencoder, but the model trained is the encoder alone
# source: https://github.com/keras-team/keras/issues/7949
# x_shape: 1,316,1
# y_shape: 1,316,1
# loss: mse
# verdict: problem
from keras.layers import Input, LSTM
from keras.models import Model

inputs = Input(shape=(None, 1))
encoded = LSTM(100)(inputs)
model = Model(inputs, encoded)
model.compile(optimizer="adam", loss="mse")
