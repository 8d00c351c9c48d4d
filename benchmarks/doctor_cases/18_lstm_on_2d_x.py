# Shape doctor example: a 2-D table fed to an LSTM without a feature axis
# x_shape: 1000,30
# y_shape: 1000,1
# loss: mse
# expect: x_needs_feature_axis
from keras.models import Sequential
from keras.layers import LSTM, Dense

model = Sequential()
model.add(LSTM(50, input_shape=(30,)))
model.add(Dense(1))
model.compile(optimizer="adam", loss="mse")
model.fit(X_train, y_train, epochs=50, batch_size=72, validation_split=0.1)
