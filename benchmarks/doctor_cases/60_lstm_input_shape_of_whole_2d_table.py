# Shape doctor example: a 2-D table of 700 rows and 57 columns given to an LSTM whose input_shape is (700, 57), with Adam(lr=)
# source: https://github.com/keras-team/keras/issues/16764
# x_shape: 700,57
# y_shape: 700
# loss: sparse_categorical_crossentropy
# verdict: problem
# asked: 2022-07-07
# held out: 2
import tensorflow as tf

model = tf.keras.Sequential()
model.add(tf.keras.layers.LSTM(64, input_shape = (700, 57), return_sequences=True))
model.add(tf.keras.layers.LSTM(64))
model.add(tf.keras.layers.Dense(64, activation='relu'))
model.add(tf.keras.layers.Dense(10, activation='softmax'))

optimizer = tf.keras.optimizers.Adam(lr=0.001)

model.compile(optimizer=optimizer,
             loss='sparse_categorical_crossentropy',
             metrics=['accuracy'])
