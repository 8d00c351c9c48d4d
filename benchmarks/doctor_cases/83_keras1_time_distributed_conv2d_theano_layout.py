# Shape doctor example: MNIST cut into 4 slices as timesteps, Keras 1's TimeDistributed Convolution2D(nb_filters, 3, 3) on Theano's channels-first layout (1, 56, 14), MaxPooling2D, Flatten, an LSTM and a softmax over 10 digits
# source: https://github.com/keras-team/keras/issues/4172
# x_shape: 60000,4,1,56,14
# y_shape: 60000,10
# loss: categorical_crossentropy
# verdict: problem
# asked: 2016-10-24
from keras.models import Sequential
from keras.layers import TimeDistributed, Convolution2D, Activation, MaxPooling2D, Flatten, Dropout, LSTM, Dense

nb_filters=32
kernel_size=(3,3)
pool_size=(2,2)
nb_classes=10
batch_size=64

model=Sequential()

model.add(TimeDistributed(
    Convolution2D(
        nb_filters, kernel_size[0], kernel_size[1], border_mode="valid"), input_shape=[4, 1, 56,14]))
model.add(TimeDistributed(Activation("relu")))
model.add(TimeDistributed(Convolution2D(nb_filters, kernel_size[0], kernel_size[1])))
model.add(TimeDistributed(Activation("relu")))
model.add(TimeDistributed(MaxPooling2D(pool_size=pool_size)))
model.add(TimeDistributed(Flatten()))
model.add(TimeDistributed(Dropout(0.25)))
model.add(LSTM(5))
model.add(Dense(50))
model.add(Dense(nb_classes))
model.add(Activation("softmax"))
