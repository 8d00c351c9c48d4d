# Shape doctor example: the same course's translation model with two GRUs returning sequences and a per-step softmax, failing only on another backend (sizes not in the thread: the course's 21 steps and 344 French words)
# source: https://github.com/plaidml/plaidml/issues/1198
# x_shape: 137861,21,1
# y_shape: 137861,21,1
# loss: sparse_categorical_crossentropy
# expect: ok
# asked: 2020-06-30
# held out: 2
import numpy as np
from keras.layers import Input, GRU, Dense
from keras.models import Model
from keras.losses import sparse_categorical_crossentropy
from keras.optimizers import Adam

def simple_model(input_shape, output_sequence_length, english_vocab_size, 
                 french_vocab_size, learning_rate=0.01, gru1_units=128, gru2_units=256):
    """
    Build and train a basic RNN on x and y
    :param input_shape: Tuple of input shape
    :param output_sequence_length: Length of output sequence
    :param english_vocab_size: Number of unique English words in the dataset
    :param french_vocab_size: Number of unique French words in the dataset
    :return: Keras model built, but not trained
    """
    # TODO: Build the layers
    print('input_shape=', input_shape)
    inputs = Input(shape=input_shape[1:])
    print(inputs.shape)
    gru1 = GRU(gru1_units, return_sequences=True)(inputs)
    print(gru1.shape)
    gru2 = GRU(gru2_units, return_sequences=True)(gru1)
    print(gru2.shape)
    logits = Dense(french_vocab_size, activation='softmax')(gru2)
    print(logits.shape)
    model = Model(inputs=inputs, outputs=logits)
    model.compile(loss=sparse_categorical_crossentropy,
                  optimizer=Adam(learning_rate),
                  metrics=['accuracy'])
    model.summary()
    return model

tmp_x = np.zeros((137861, 21, 1))
simple_rnn_model = simple_model(tmp_x.shape, 21, 199, 344)
