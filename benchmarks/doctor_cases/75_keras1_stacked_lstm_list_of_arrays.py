# Shape doctor example: Keras 1's LSTM(input_dim=, output_dim=) stacked, 30 candles of 10 values in, 10 values out (the learner passed lists, not arrays)
# source: https://github.com/keras-team/keras/issues/7587
# x_shape: 19541,30,10
# y_shape: 19541,10
# loss: mse
# verdict: problem
# asked: 2017-08-10
import keras
from keras.models import Sequential
from keras.layers import Dense, Dropout

lengthvector = 10

def create_model():
    model = Sequential() 
    
    #primera capa, esta retorna secuencias.....
    model.add(keras.layers.LSTM(input_dim=lengthvector, output_dim=20, return_sequences=True))  
    model.add(Dropout(0.2))  
    model.add(keras.layers.LSTM(20, return_sequences=False))
    model.add(Dropout(0.2))
    model.add(Dense(output_dim=lengthvector, activation='sigmoid'))   
    
    model.compile(loss='mse', optimizer='rmsprop', metrics=['accuracy'])
 
    return model

model = create_model()
