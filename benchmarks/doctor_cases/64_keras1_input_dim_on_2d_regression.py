# Shape doctor example: Keras 1's LSTM(32, input_dim=9) on make_regression's 2-D X with two targets
# source: https://www.pythond.com/52081/como-procesar-la-forma-de-entrada-y-salida-para-keras-lstm.html
# x_shape: 100,9
# y_shape: 100,2
# loss: mean_squared_error
# verdict: problem
# asked: 2016
from sklearn.datasets import make_regression
from keras.models import Sequential
from keras.layers import Dense,Activation,LSTM
#creating sample dataset
X,Y=make_regression(100,9,9,2)
#creating LSTM model
model = Sequential()
model.add(LSTM(32, input_dim=9))
model.add(Dense(2))
model.compile(loss='mean_squared_error', optimizer='adam')
