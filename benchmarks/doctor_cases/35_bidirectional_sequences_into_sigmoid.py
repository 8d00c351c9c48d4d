# Shape doctor example: a movie review classifier whose Bidirectional LSTM returns every step
# source: https://github.com/lovedlim/tensorflow/issues/15
# x_shape: 2000,74
# y_shape: 2000
# loss: binary_crossentropy
# verdict: problem
import tensorflow as tf
from tensorflow.keras import Sequential
from tensorflow.keras.layers import Dense, LSTM, Embedding, Bidirectional

vocab_size = 10000
def create_model():
    model = Sequential([
        Embedding(vocab_size, 32),
        Bidirectional(LSTM(32, return_sequences=True)),
        Dense(32, activation="relu"),
        Dense(1, activation="sigmoid"),
    ])
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model

model = create_model()
