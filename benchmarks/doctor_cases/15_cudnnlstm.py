# Shape doctor example: CuDNNLSTM from a Keras 2 GPU tutorial
# x_shape: 2000,60,1
# y_shape: 2000,1
# loss: mean_squared_error
# expect: layer_removed
from keras.models import Sequential
from keras.layers import CuDNNLSTM, Dense, Dropout

regressor = Sequential()
regressor.add(CuDNNLSTM(units=50, return_sequences=True, input_shape=(60, 1)))
regressor.add(Dropout(0.2))
regressor.add(CuDNNLSTM(units=50))
regressor.add(Dropout(0.2))
regressor.add(Dense(units=1))
regressor.compile(optimizer="adam", loss="mean_squared_error")
regressor.fit(X_train, y_train, epochs=100, batch_size=32)
