# Shape doctor example: the caption language model of an old example, with Keras 1's output_dim
# source: https://github.com/keras-team/keras/issues/1055
# x_shape: 200,16
# y_shape: 200,16,128
# loss: mse
# verdict: problem
# held out: 1
from keras.models import Sequential
from keras.layers import Embedding, GRU, Dense

language_model = Sequential()
language_model.add(Embedding(10000, 256, input_length=16))
language_model.add(GRU(output_dim=128, return_sequences=True))
language_model.add(Dense(128))
language_model.compile(loss="mse", optimizer="adam")
