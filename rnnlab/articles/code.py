"""The two articles' example code, verbatim, and our versions of it: the smallest fix, and the corrected code.

The article code is quoted from "Why is the LSTM output predicting a different shape than expected?" (SHAPE_*)
and "How can I obtain results at each time step using an LSTM Keras model?" (STEP_*). It is our fixed
text, run only in the engine's workers (rnnlab.articles.evidence), never a visitor's.
"""

SHAPE_1 = """\
import numpy as np
from tensorflow import keras
from keras.layers import LSTM, Dense

# Define the LSTM model with return_sequences=False and return_state=False
model = keras.Sequential([
    LSTM(units=64, input_shape=(10, 3), return_sequences=False, return_state=False),  # Input shape: (timesteps, features)
    Dense(1, activation='linear') # Output layer for a single prediction.
])

# Sample input data
X = np.random.rand(32, 10, 3) # Batch size = 32, timesteps = 10, features = 3

# Make predictions
predictions = model.predict(X)
print(predictions.shape) # Output shape: (32, 1) - one prediction per sample
"""

SHAPE_2 = """\
import numpy as np
from tensorflow import keras
from keras.layers import LSTM, Dense

model = keras.Sequential([
    LSTM(units=64, input_shape=(10, 3), return_sequences=True, return_state=False),
    Dense(1, activation='linear')
])

X = np.random.rand(32, 10, 3)

predictions = model.predict(X)
print(predictions.shape)  # Output shape: (32, 10, 1) - one prediction per timestep per sample
"""

SHAPE_3 = """\
import numpy as np
from tensorflow import keras
from keras.layers import LSTM, Dense

model = keras.Sequential([
    LSTM(units=64, input_shape=(10, 3), return_sequences=False, return_state=True)
])

X = np.random.rand(32, 10, 3)

output, hidden_state, cell_state = model.predict(X) #Tuple unpacking the output.

print("Output shape:", output.shape) # Output shape: (32, 64)
print("Hidden state shape:", hidden_state.shape) # Hidden state shape: (32, 64)
print("Cell state shape:", cell_state.shape) # Cell state shape: (32, 64)
"""

STEP_1 = """\
import numpy as np
from tensorflow import keras
from tensorflow.keras.layers import LSTM, Dense

# Define the model
model = keras.Sequential([
    LSTM(units=64, activation='relu', return_sequences=True, input_shape=(timesteps, features)),
    Dense(units=1)
])

# Compile the model
model.compile(optimizer='adam', loss='mse')

# Generate sample data (replace with your own)
timesteps = 10
features = 1
X = np.random.rand(100, timesteps, features)
y = np.random.rand(100, timesteps, 1)

# Train the model
model.fit(X, y, epochs=10)

# Make predictions
predictions = model.predict(X)
print(predictions.shape) # Output: (100, 10, 1) - 100 samples, 10 timesteps, 1 feature
"""

STEP_2 = """\
import numpy as np
from tensorflow import keras
from tensorflow.keras.layers import LSTM, Dense

# Define the model
model = keras.Sequential([
    LSTM(units=128, activation='tanh', return_sequences=True, input_shape=(timesteps, features)),
    Dense(units=3) # Predicting 3 variables
])

# Compile the model
model.compile(optimizer='rmsprop', loss='mse')

# Generate sample data (replace with your own)
timesteps = 20
features = 1
X = np.random.rand(50, timesteps, features)
y = np.random.rand(50, timesteps, 3) # 3 output variables

# Train the model
model.fit(X, y, epochs=20)

# Make predictions
predictions = model.predict(X)
print(predictions.shape) # Output: (50, 20, 3) - 50 samples, 20 timesteps, 3 features
"""

STEP_3 = """\
import numpy as np
from tensorflow import keras
from tensorflow.keras.layers import LSTM, Dense
from tensorflow.keras.preprocessing.sequence import pad_sequences

# Generate sample data with variable lengths (replace with your own)
sequences = [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10]]
labels = [[1, 2, 3], [4, 5, 0], [6, 7, 8, 9, 10]] # Padded labels


max_len = max(len(seq) for seq in sequences)
padded_sequences = pad_sequences(sequences, maxlen=max_len, padding='post', value=0)
padded_labels = pad_sequences(labels, maxlen=max_len, padding='post', value=0)


# Reshape for LSTM input (samples, timesteps, features)
X = padded_sequences.reshape(len(padded_sequences), max_len, 1)
y = padded_labels.reshape(len(padded_labels), max_len, 1)

# Define the model
model = keras.Sequential([
    LSTM(units=32, activation='relu', return_sequences=True, input_shape=(max_len, 1)),
    Dense(units=1)
])

# Compile the model
model.compile(optimizer='adam', loss='mse')

# Train the model
model.fit(X, y, epochs=10)

# Make predictions
predictions = model.predict(X)
print(predictions.shape) # Output: (3, 5, 1) - 3 samples, max_length 5 timesteps, 1 feature

"""

# --- the smallest change that makes an example run (only where it does not as written) -----------------

STEP_1_FIX = STEP_1.replace(
    "# Define the model\n", "timesteps = 10\nfeatures = 1\n\n# Define the model\n").replace(
    "# Generate sample data (replace with your own)\ntimesteps = 10\nfeatures = 1\n",
    "# Generate sample data (replace with your own)\n")

STEP_2_FIX = STEP_2.replace(
    "# Define the model\n", "timesteps = 20\nfeatures = 1\n\n# Define the model\n").replace(
    "# Generate sample data (replace with your own)\ntimesteps = 20\nfeatures = 1\n",
    "# Generate sample data (replace with your own)\n")

# --- the corrected code: Keras 3 style (keras.Input, no warning) with every correction applied ---------

SHAPE_1_CORRECTED = """\
import numpy as np
import keras
from keras.layers import LSTM, Dense

model = keras.Sequential([
    keras.Input(shape=(10, 3)),  # (timesteps, features): no input_shape= on the layer
    LSTM(units=64, return_sequences=False, return_state=False),
    Dense(1, activation='linear'),
])

X = np.random.rand(32, 10, 3)  # (batch, timesteps, features)

predictions = model.predict(X)
print(predictions.shape)  # (32, 1): one prediction per sample
"""

SHAPE_2_CORRECTED = """\
import numpy as np
import keras
from keras.layers import LSTM, Dense

model = keras.Sequential([
    keras.Input(shape=(10, 3)),
    LSTM(units=64, return_sequences=True, return_state=False),
    Dense(1, activation='linear'),
])

X = np.random.rand(32, 10, 3)

predictions = model.predict(X)
print(predictions.shape)  # (32, 10, 1): one prediction per input timestep, computed from steps 0..t
"""

SHAPE_3_CORRECTED = """\
import numpy as np
import keras
from keras.layers import LSTM, Dense

inputs = keras.Input(shape=(10, 3))
output, state_h, state_c = LSTM(units=64, return_sequences=False, return_state=True)(inputs)
model = keras.Model(inputs, [output, state_h, state_c])  # the functional API: several outputs are fine
head = keras.Model(inputs, Dense(1)(output))  # and a layer can follow the output

X = np.random.rand(32, 10, 3)

out, h, c = model.predict(X)  # Keras's order: output, state_h, state_c
print("output shape:", out.shape)
print("state_h shape:", h.shape)
print("state_c shape:", c.shape)
print("output == state_h:", np.allclose(out, h))

head.compile(optimizer='adam', loss='mse')
head.fit(X, np.random.rand(32, 1), epochs=1, verbose=0)  # one target per sample
print("head prediction shape:", head.predict(X).shape)
"""

STEP_1_CORRECTED = """\
import numpy as np
import keras
from keras.layers import LSTM, Dense

timesteps = 10  # defined before the model uses them
features = 1

model = keras.Sequential([
    keras.Input(shape=(timesteps, features)),
    LSTM(units=64, return_sequences=True),  # tanh, the default: h stays in [-1, 1] and cuDNN can run it
    Dense(units=1),
])
model.compile(optimizer='adam', loss='mse')

X = np.random.rand(100, timesteps, features)
y = np.random.rand(100, timesteps, 1)  # one target per timestep: the same shape as the output
model.fit(X, y, epochs=1)  # one epoch is enough to see the shapes

predictions = model.predict(X)
print(predictions.shape)  # (100, 10, 1)
"""

STEP_2_CORRECTED = """\
import numpy as np
import keras
from keras.layers import LSTM, Dense

timesteps = 20  # defined before the model uses them
features = 1

model = keras.Sequential([
    keras.Input(shape=(timesteps, features)),
    LSTM(units=128, activation='tanh', return_sequences=True),
    Dense(units=3),  # 3 variables per timestep
])
model.compile(optimizer='rmsprop', loss='mse')

X = np.random.rand(50, timesteps, features)
y = np.random.rand(50, timesteps, 3)  # must be (50, 20, 3): Keras does not check it under mse
model.fit(X, y, epochs=1)  # one epoch is enough to see the shapes

predictions = model.predict(X)
print(predictions.shape)  # (50, 20, 3)
"""

STEP_3_CORRECTED = """\
import numpy as np
import keras
from keras.layers import LSTM, Dense, Masking

sequences = [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10]]
labels = [[1, 2, 3], [4, 5, 0], [6, 7, 8, 9, 10]]  # the 0 falls on a padded step: the mask leaves it out

max_len = max(len(seq) for seq in sequences)
X = keras.utils.pad_sequences(sequences, maxlen=max_len, padding='post', value=0).reshape(-1, max_len, 1)
y = keras.utils.pad_sequences(labels, maxlen=max_len, padding='post', value=0).reshape(-1, max_len, 1)

model = keras.Sequential([
    keras.Input(shape=(max_len, 1)),
    Masking(mask_value=0.0),  # all-zero steps are skipped, and left out of the loss
    LSTM(units=32, return_sequences=True),  # tanh, the default: h stays in [-1, 1] and cuDNN can run it
    Dense(units=1),
])
model.compile(optimizer='adam', loss='mse')
model.fit(X, y, epochs=1)  # one epoch is enough to see the shapes

predictions = model.predict(X)
print(predictions.shape)  # (3, 5, 1): the padded steps still have a (meaningless) prediction
"""
