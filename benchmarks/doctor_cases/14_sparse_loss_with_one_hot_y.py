# Shape doctor example: one-hot labels with sparse_categorical_crossentropy
# x_shape: 600,30,5
# y_shape: 600,4
# loss: sparse_categorical_crossentropy
# expect: one_hot_labels_with_sparse
from keras.models import Sequential
from keras.layers import GRU, Dense, Input
from keras.utils import to_categorical

y = to_categorical(labels, num_classes=4)
model = Sequential([Input((30, 5)), GRU(32), Dense(4, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
