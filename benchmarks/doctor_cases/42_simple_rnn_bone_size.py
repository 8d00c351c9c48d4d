# Shape doctor example: three monthly measurements in, one yes/no out
# source: https://python-pypi.developreference.com/article/18792441/Understanding+Keras+LSTMs+Role+of+Batch+size+and+Statefulness
# x_shape: 4000,3,1
# y_shape: 4000,1
# loss: binary_crossentropy
# expect: ok, input_shape_argument
from keras.models import Sequential
from keras import layers

model = Sequential()
model.add(layers.SimpleRNN(units=10, input_shape=(3, 1), use_bias=True, bias_initializer="zeros", activation="relu",
                           kernel_initializer="random_uniform"))
model.add(layers.Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="sgd")
model.fit(trainX, train_op, epochs=100, batch_size=50, verbose=2)
