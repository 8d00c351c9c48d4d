# Shape doctor example: one tag of three per token, from a Bidirectional LSTM that returns only its last step
# source: https://github.com/keras-team/keras/issues/9233
# x_shape: 2560,69
# y_shape: 2560,69,3
# loss: categorical_crossentropy
# verdict: problem
# held out: 1
from keras.models import Sequential
from keras.layers import Embedding, Bidirectional, LSTM, Dense

vocab_size, embedding_dim, max_len = 8000, 100, 69
m = Sequential([
    Embedding(vocab_size + 1, embedding_dim, weights=[embedding_matrix], input_length=max_len, trainable=False),
    Bidirectional(LSTM(150, activation="relu")),
    Dense(150, activation="relu"),
    Dense(max_len, activation="sigmoid"),
])
m.compile(loss="categorical_crossentropy", optimizer="adam")
