# Shape doctor example: a course's first translation model, an LSTM returning sequences and a softmax over the French words at every step, built in a function, the loss given as Keras's function (vocabulary sizes not in the thread: the course's 199 and 344)
# source: https://github.com/keras-team/keras/issues/9603
# x_shape: 137861,21,1
# y_shape: 137861,21,1
# loss: sparse_categorical_crossentropy
# expect: ok
# asked: 2018-03-09
import numpy as np
from keras.layers import Input, LSTM, Dense
from keras.models import Model
from keras.losses import sparse_categorical_crossentropy
from keras.optimizers import Adam

def simple_model(input_shape, output_sequence_length, english_vocab_size, french_vocab_size):
    input = Input(shape=input_shape[1:], name="input")
    rnn = LSTM(256, return_sequences=True,name="lstm_1")(input)
    output = Dense(french_vocab_size, activation='softmax',name="softmax_output")(rnn)
    model = Model(inputs=input, outputs=output)
    model.compile(loss=sparse_categorical_crossentropy,
                  optimizer=Adam(),
                  metrics=['accuracy'])
    return model

max_french_sequence_length = 21
english_vocab_size = 199
french_vocab_size = 344
tmp_x = np.zeros((137861, 21, 1))

# Train the neural network
simple_rnn_model = simple_model(
    tmp_x.shape,
    max_french_sequence_length,
    english_vocab_size,
    french_vocab_size)
print(simple_rnn_model.summary())
