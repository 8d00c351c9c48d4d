# Shape doctor example: Keras 1's output_dim/input_dim/inner_activation in two Bidirectional LSTMs over one timestep, Flatten and two sigmoid outputs (sample count and loss not given)
# source: https://github.com/keras-team/keras/issues/5662
# x_shape: 1000,1,4
# y_shape: 1000,2
# verdict: problem
# asked: 2017-03-08
import time
from keras.models import Sequential
from keras.layers import Bidirectional, LSTM, Dropout, Dense, Flatten, Activation

model = Sequential()
layers = [4, 100, 150, 200, 300, 2]
model.add(Bidirectional(LSTM(output_dim=layers[1], input_dim=layers[0], return_sequences=True), input_shape=(1,4)))
model.add(Dropout(0.2))
model.add(Dense(output_dim=layers[2]))
model.add(Dropout(0.2))
model.add(Bidirectional(LSTM(layers[3],return_sequences = True, activation='sigmoid', inner_activation='hard_sigmoid')))
model.add(Dropout(0.2))
model.add(Flatten())
model.add(Dense(output_dim=layers[5]))
model.add(Activation("sigmoid"))
start = time.time()
