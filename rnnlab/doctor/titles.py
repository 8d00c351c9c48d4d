"""Each kind of problem the doctor reports, in a few plain words: the heading a learner reads above its
explanation. The kinds themselves (snake_case ids) stay in the JSON and the tests.

    >>> title("batch_in_input_shape")
    'The batch size is written into the input shape'
"""

from __future__ import annotations

TITLES: dict[str, str] = {
    "batch_in_input_shape": "The batch size is written into the input shape",
    "batch_input_shape_removed": "batch_input_shape is gone in Keras 3",
    "go_backwards_in_bidirectional": "go_backwards inside Bidirectional",
    "go_backwards_not_flipped": "A sequence read backwards is never turned round",
    "ignored_input_shape": "An input shape on a layer that is not the first",
    "inner_layer_needs_sequences": "A layer below another does not return sequences",
    "input_argument_removed": "An input argument Keras 3 no longer accepts",
    "input_shape_argument": "The input shape given on a layer instead of an Input",
    "input_vs_x": "The model's input does not match X",
    "integer_labels_with_categorical": "Class numbers with a loss that wants one column per class",
    "keras1_argument": "Argument names from Keras 1",
    "keras1_merge": "Keras 1's merge(mode=...)",
    "keras1_model_arguments": "Keras 1's Model(input=..., output=...)",
    "keras_error": "Keras stops with its own error",
    "misspelt_name": "A name that is not defined (misspelt?)",
    "last_layer_returns_sequences": "The last layer returns a whole sequence",
    "layer_removed": "A layer Keras 3 no longer has",
    "merge_mode_none_into_layer": "Two separate outputs (merge_mode=None) go into one layer",
    "merge_shapes_differ": "Tensors of different shapes are merged",
    "misspelt_argument": "A misspelt argument",
    "model_reset_states": "A reset the model no longer has",
    "old_module_path": "A module path from Keras 1 or 2",
    "one_hot_labels_with_sparse": "One column per class with a loss that wants class numbers",
    "one_unit_categorical": "One output unit with a loss over several classes",
    "optimizer_lr_removed": "The old name of the learning rate",
    "output_vs_target": "The model's output does not match y",
    "return_state_in_sequential": "return_state inside a Sequential model",
    "samples_differ": "X and y have different numbers of samples",
    "several_outputs": "Several outputs but one y",
    "shape_not_a_tuple": "A shape that is not a tuple",
    "stateful_batch_does_not_divide": "The batch size does not divide the samples",
    "stateful_fit_batch": "fit's batch size differs from the stateful model's",
    "stateful_needs_batch_size": "A stateful layer without a fixed batch size",
    "stateful_shuffle": "fit shuffles what a stateful layer must read in order",
    "states_into_layer": "States go into a layer as if they were a sequence",
    "target_is_a_sequence": "y is a sequence but the output is not",
    "time_distributed_needs_sequence": "TimeDistributed without a sequence",
    "trailing_comma_tuple": "A trailing comma makes a tuple of a tensor",
    "units_vs_target": "The last layer's size does not match y",
    "unknown_argument": "Arguments Keras 3 does not know",
    "unpack_count": "The wrong number of names to unpack",
    "x_needs_feature_axis": "X needs a features axis",
    "x_with_extra_axis": "X has a trailing axis of size 1 the input does not",
    "x_without_feature_axis": "X lacks the input's trailing axis of size 1",
}


def title(kind: str) -> str:
    """The heading for a kind of problem; an unknown kind is still shown in words, never as an id."""
    return TITLES.get(kind) or kind.replace("_", " ").capitalize()
