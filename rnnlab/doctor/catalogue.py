"""What the doctor knows about Keras layers: their positional arguments, which arguments are sizes, and the
argument names older Keras versions used.

Only the layers named here are ever built; any other call in pasted code is reported as not understood.
"""

from __future__ import annotations

# Class -> the names of its positional arguments, in Keras 3's order (the first few: code that passes more by
# position is noted, not read).
_GATED = ("units", "activation", "recurrent_activation", "use_bias")
POSITIONAL: dict[str, tuple[str, ...]] = {
    "LSTM": _GATED, "GRU": _GATED, "SimpleRNN": ("units", "activation", "use_bias"),
    "RNN": ("cell", "return_sequences", "return_state", "go_backwards", "stateful", "unroll"),
    "LSTMCell": _GATED, "GRUCell": _GATED, "SimpleRNNCell": ("units", "activation", "use_bias"),
    "Bidirectional": ("layer", "merge_mode"), "TimeDistributed": ("layer",),
    "Dense": ("units", "activation", "use_bias"), "RepeatVector": ("n",), "Masking": ("mask_value",),
    "Embedding": ("input_dim", "output_dim"), "Dropout": ("rate", "noise_shape", "seed"), "SpatialDropout1D": ("rate",),
    "Flatten": ("data_format",), "Activation": ("activation",),
    "Add": (), "Concatenate": ("axis",), "Average": (), "Multiply": (), "Subtract": (), "Maximum": (),
    "Minimum": (),
    "Conv1D": ("filters", "kernel_size", "strides", "padding"), "MaxPooling1D": ("pool_size", "strides", "padding"),
    "AveragePooling1D": ("pool_size", "strides", "padding"), "GlobalAveragePooling1D": ("data_format",),
    "GlobalMaxPooling1D": ("data_format",), "BatchNormalization": ("axis",), "LayerNormalization": ("axis",),
    "Reshape": ("target_shape",), "Permute": ("dims",),
    "Input": ("shape", "batch_size", "dtype"), "InputLayer": ("shape", "batch_size", "dtype"),
    "CuDNNLSTM": ("units",), "CuDNNGRU": ("units",),
}
# Layers Keras 3 no longer has -> the layer that does the job now.
REMOVED_LAYERS = {"CuDNNLSTM": "LSTM", "CuDNNGRU": "GRU"}
RECURRENT = frozenset({"LSTM", "GRU", "SimpleRNN", "RNN", "CuDNNLSTM", "CuDNNGRU"})
MERGES = {"Add": "add", "Concatenate": "concatenate", "Average": "average", "Multiply": "multiply",
          "Subtract": "subtract", "Maximum": "maximum", "Minimum": "minimum"}
# Layers whose input_dim= (Keras 1/2) is the features of each timestep: the input is a sequence (Convolution1D is
# Keras 1's name of Conv1D, still an alias in Keras 3).
READS_SEQUENCES = frozenset({"Conv1D", "Convolution1D", "TimeDistributed"})
# Layers that work on each timestep alone: a time axis passes through them unchanged.
PER_STEP = frozenset({"Dense", "Dropout", "Activation", "BatchNormalization", "LayerNormalization", "Masking",
                      "SpatialDropout1D", "TimeDistributed"})
# Arguments that are sizes: the trial run may shrink them (ranks are kept).
SIZES: dict[str, tuple[str, ...]] = {
    "LSTM": ("units",), "GRU": ("units",), "SimpleRNN": ("units",), "LSTMCell": ("units",), "GRUCell": ("units",),
    "SimpleRNNCell": ("units",), "Dense": ("units",), "RepeatVector": ("n",), "Conv1D": ("filters", "kernel_size"),
    "MaxPooling1D": ("pool_size",), "AveragePooling1D": ("pool_size",), "CuDNNLSTM": ("units",), "CuDNNGRU": ("units",),
    "Embedding": ("input_dim", "output_dim"), "Input": ("shape", "batch_shape", "batch_size"),
    "Reshape": ("target_shape",), "Dropout": ("noise_shape",), "SpatialDropout1D": ("noise_shape",),
    "Permute": (),
}
INPUT_ARGUMENTS = ("input_shape", "batch_input_shape", "input_dim", "input_length", "batch_size")
# Argument names Keras 3 no longer accepts -> the name it uses now (None: leave it out).
RENAMED: dict[str, str | None] = {
    "output_dim": "units", "init": "kernel_initializer", "inner_init": "recurrent_initializer",
    "dropout_W": "dropout", "dropout_U": "recurrent_dropout", "W_regularizer": "kernel_regularizer",
    "U_regularizer": "recurrent_regularizer", "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint", "U_constraint": "recurrent_constraint", "b_constraint": "bias_constraint",
    "forget_bias_init": None, "consume_less": None, "time_major": None,
    "nb_filter": "filters", "filter_length": "kernel_size", "border_mode": "padding",
    "subsample_length": "strides", "pool_length": "pool_size",
}
# Keras 1's merge(mode=...) -> the Keras 3 merge function that does it.
KERAS1_MERGE_MODES = {"sum": "add", "concat": "concatenate", "mul": "multiply", "ave": "average", "max": "maximum"}
# Keras 1/2 module paths that Keras 3 no longer has -> where their layers are now.
OLD_MODULES = {f"keras.layers.{m}": "keras.layers" for m in (
    "recurrent", "core", "embeddings", "wrappers", "convolutional", "convolutional_recurrent", "pooling", "merge",
    "normalization", "advanced_activations", "noise", "cudnn_recurrent")}
MISSPELT = {"return_sequence": "return_sequences", "return_states": "return_state",
            "returns_sequences": "return_sequences", "return_sequnces": "return_sequences"}
KEEPS_NAME = {("Embedding", "output_dim")}  # a Keras 1 name that is still right for this layer
OPTIMIZERS = frozenset({"Adam", "AdamW", "SGD", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam"})
# Calls that change nothing about shapes: skipped without a note.
QUIET_CALLS = frozenset({"print", "summary", "plot_model", "predict", "evaluate", "save", "save_weights",
                         "load_weights", "set_random_seed", "seed", "set_seed", "show", "plot", "figure",
                         "legend", "title", "xlabel", "ylabel", "count_params", "get_weights"})
