"""What the doctor says about a problem, kept apart from the rules that find it: for each wording (a kind of
problem, or kind:variant), the explanation and the smallest fix as templates filled from the rule's facts.

    >>> said("optimizer_lr_removed", 3, optimizer="Adam", rate="0.01").fix
    'Adam(learning_rate=0.01)'
"""

from __future__ import annotations

from rnnlab.doctor.verdict import Problem

_FIRST_ITEM = "{input_code} as the first item, and no {names} on the {name}"
_STATES_PASSED = ("The {name} on line {line} has return_state=True, so it returns {count} tensors (its output, then "
                  "its final states), but the {next} on line {next_line} takes one tensor.")
_LAST_OUTPUT_ONLY = ("the {below} on line {below_line} below it hands on only its last output, {shape}: without "
                     "return_sequences=True a recurrent layer drops the time axis.")
_MERGE_REFUSED = "The {merge} on line {line} joins tensors of shapes {shapes}: {rule}."
_AXES_DIFFER = (" A recurrent layer with return_sequences=True hands on its whole sequence (3 axes), one without only "
                "its last output (2 axes).")
_COMPARED = "The model's output is {out} and y is {target}."
_UNITS = "The model's output is {out}: its last axis has {units}, but y's {target} has {wanted}.{consequence}"
_STATEFUL = ("The {name} on line {line} is stateful: it keeps one state per row of the batch, so the batch size must "
             "be fixed when the model is built, and this input ")

WORDINGS: dict[str, tuple[str, str]] = {
    "ignored_input_shape:refused": (
        "{written} on the {name} on line {line}: only the model's first layer can say the input's shape. "
        "Keras 3 refuses this argument.", "leave out {written}"),
    "ignored_input_shape:ignored": (
        "{written} on the {name} on line {line}: only the model's first layer can say the input's shape. "
        "Keras ignores it here without a word.", "leave out {written}"),
    "batch_input_shape_removed": (
        "{written} on the {name} (line {line}) is a Keras 2 argument that Keras 3 no longer accepts. The fixed "
        "batch size it carried (which stateful layers need) now goes on the model's input.", _FIRST_ITEM),
    "input_argument_removed": (
        "{written} on the {name} (line {line}): Keras 3 no longer reads these arguments on a layer.", _FIRST_ITEM),
    "input_argument_removed:input_dim": (
        "{written} on the {name} (line {line}): Keras 3 no longer reads these arguments on a layer (input_dim=F "
        "alone becomes a sample shape (F,), with no time axis).", _FIRST_ITEM),
    "input_shape_argument:embedding": (
        "{written} on the {name} (line {line}): Keras 3 ignores input_length (it warns that the argument is "
        "deprecated); the input's shape comes from an Input as the model's first item.", _FIRST_ITEM),
    "input_shape_argument": (
        "{written} on the {name} (line {line}) still works in Keras 3, but Keras warns about it: the Keras 3 way "
        "is an Input as the model's first item.", _FIRST_ITEM),
    "shape_not_a_tuple": (
        "keras.Input(shape={size}) on line {line}: a shape is a tuple, even with one axis; Keras 3 refuses a bare "
        "number.", "keras.Input(shape=({size},))"),
    "optimizer_lr_removed": (
        "{optimizer}(lr=...) uses the old name of the learning rate; Keras 3 does not accept lr.",
        "{optimizer}(learning_rate={rate})"),
    "keras1_merge": (
        "{written} is Keras 1's merge, which Keras 3 no longer has; the doctor read it as {meant}.{keras_says}",
        "{meant} instead of {written}"),
    "keras1_model_arguments": (
        "Model({written_calls}) uses Keras 1's argument names; Keras 3 takes {meant} and the doctor read them "
        "so.{keras_says}", "{meant} instead of {written}"),
    "old_module_path": (
        "{written} is a Keras 1/2 module path; Keras 3's layers are all in {meant}, where the doctor looked them "
        "up.{keras_says}", "{meant} instead of {written}"),
    "layer_removed": (
        "Keras 3 has no {cls} (line {line}): {now} uses the cuDNN kernel by itself on a GPU when its options allow "
        "it.", "{now}(...) instead of {cls}(...)"),
    "keras1_argument": (
        "The {cls} on line {line} uses argument names from Keras 1 that Keras 3 does not accept: {says}.{extra}",
        "{renames}"),
    "misspelt_argument": (
        "The {cls} on line {line} has an argument Keras does not know: {typos} (a misspelling). Keras 3 refuses "
        "unknown arguments.", "{renames}"),
    "misspelt_name": (
        "`{written}` on line {line} is not defined, so Python stops there with a NameError; the doctor read it as "
        "`{meant}`, the name defined above it (a misspelling?).", "write `{meant}` (or define `{written}`)"),
    "keras_error": (
        "Keras stops here, and the doctor has no simpler explanation than its own message: {error}",
        "read Keras's message: it names the layer and the shapes it received"),
    # why Keras refused to build a step (rules_build)
    "trailing_comma_tuple": (
        "The line {made_line} ends with a comma, so Python makes a tuple holding the tensor, not the tensor itself; "
        "the {name} on line {line} is then called on that tuple and Keras refuses it: {error}",
        "remove the comma at the end of line {made_line}"),
    "unknown_argument": (
        "The {cls} on line {line} gets arguments Keras 3 does not know: {names}.", "leave out {names}"),
    "unpack_count:return_state": (
        "`{written}` on line {line} asks for {wanted} tensors, but without return_state=True the {name} returns one "
        "tensor (Python: {error}). With return_state=True it returns {wanted}: {with_states}.",
        "return_state=True on the {name}"),
    "unpack_count": (
        "`{written}` on line {line} names {wanted} tensors, but the {name} returns {returned} (Python: {error})."
        "{note}", "{names} = ..."),
    "merge_mode_none_into_layer": (
        "The {name} on line {line} has merge_mode=None, so it returns its two directions as two tensors, but the "
        "{next} on line {next_line} takes one tensor.",
        "a merge mode on the {name}: merge_mode='concat' (the default), 'sum', 'mul' or 'ave'"),
    "states_into_layer:sequential": (
        _STATES_PASSED, "remove return_state=True from the {name} on line {line}; to get its states, use the "
        "functional API"),
    "states_into_layer:functional": (
        _STATES_PASSED, "pass on only the first tensor it returns (the output), e.g. output, *states = ..."),
    "go_backwards_in_bidirectional": (
        "The {name} on line {line} wraps a layer with go_backwards=True, but Bidirectional makes the backward copy "
        "itself, so the layer it wraps must read forwards.", "leave out go_backwards=True inside Bidirectional"),
    "inner_layer_needs_sequences": (
        "The {name} on line {line} reads a sequence (batch, timesteps, features), but " + _LAST_OUTPUT_ONLY,
        "return_sequences=True on the {below} on line {below_line}"),
    "time_distributed_needs_sequence": (
        "TimeDistributed on line {line} applies its layer at every timestep, so it needs a sequence, but "
        + _LAST_OUTPUT_ONLY, "return_sequences=True on the {below} on line {below_line}"),
    "time_distributed_needs_sequence:per_sample": (
        "TimeDistributed on line {line} applies its layer at every timestep, so it needs a sequence, but "
        + _LAST_OUTPUT_ONLY, "use the layer inside TimeDistributed directly on line {line}"),
    "x_needs_feature_axis": (
        "The {name} on line {line} reads sequences (batch, timesteps, features), but X {x} and the model's input "
        "{sample} have no feature axis: each sample is {count} numbers in a row. With one number per timestep, the "
        "feature axis has size 1.", "X.reshape({wanted}) and keras.Input({kind}={shape})"),
    "merge_shapes_differ": (_MERGE_REFUSED, "make the tensors it joins agree"),
    "merge_shapes_differ:sequences_on": (
        _MERGE_REFUSED + _AXES_DIFFER, "return_sequences=True on {layers}"),
    "merge_shapes_differ:sequences_off": (
        _MERGE_REFUSED + _AXES_DIFFER, "remove return_sequences=True from {layers}"),
    "merge_shapes_differ:widths": (
        _MERGE_REFUSED, "the same size on every branch ({width}), or keras.layers.concatenate to join different "
        "sizes"),
    # the model's input against X and its output against y (rules_output)
    "batch_in_input_shape": (
        "The input shape {shape} (line {line}) includes the batch axis. Keras adds the batch axis itself, so each "
        "sample is taken to be {shape} and the input becomes {becomes}, {axes} axes where the model needs {needs}.",
        "give one sample's shape only: keras.Input(shape={sample})"),
    "x_without_feature_axis": (
        "The input takes samples of shape {sample}, X's are {given}: Keras 3 adds the trailing axis of size 1 "
        "itself (a training step ran).", "X.reshape({reshaped}) makes it explicit"),
    "x_with_extra_axis": (
        "The input takes samples of shape {sample}, X's are {given}: Keras 3 drops the trailing axis of size 1 "
        "itself (a training step ran).", "X.reshape({reshaped}) makes it explicit"),
    "input_vs_x": (
        "The model's input takes samples of shape {sample}, but X {x} has samples of shape {given}.{quiet}",
        "keras.Input({kind}={shape})"),
    "return_state_in_sequential": (
        "The {name} on line {line} has return_state=True, so the model has {count} outputs (its output, then its "
        "final states), but there is one y.{keras_says}",
        "remove return_state=True; to get the states, use the functional API"),
    "several_outputs": (
        "The model has {count} outputs but there is one y {y}.", "make the model's output the one tensor y describes"),
    "one_hot_labels_with_sparse": (
        "The model's output is {out} and y is {target}: one column per class (one-hot rows), but {loss} expects one "
        "class number per sample.{consequence}", "loss='categorical_crossentropy' (it takes one-hot rows)"),
    "output_vs_target:extra_time_axis": (
        _COMPARED + " The output has a time axis y does not have.{consequence}",
        "end the model with one prediction per sample"),
    "last_layer_returns_sequences": (
        "The model's output is {out}: one prediction per timestep, because the {name} returns its whole sequence "
        "(return_sequences=True) and the layers after it work on every timestep. y is {target}: one value per "
        "sample.{consequence}", "remove return_sequences=True from the {name}: it then hands on only its last "
        "output"),
    "output_vs_target:missing_time_axis": (
        _COMPARED + " y has a time axis the output does not have.{consequence}",
        "make the model return a sequence as long as y's"),
    "target_is_a_sequence": (
        "y is {target}: one value per timestep, but the output is {out}, because the {name} hands on only its last "
        "output.{consequence}", "return_sequences=True on the {name}"),
    "integer_labels_with_categorical": (
        _COMPARED + " y holds one class number per sample, but categorical_crossentropy expects one-hot rows, one "
        "column per class.", "loss='sparse_categorical_crossentropy' (it takes class numbers)"),
    "output_vs_target": (
        _COMPARED + " Their shapes do not correspond.{consequence}", "make the last layers produce y's shape"),
    "units_vs_target:dense": (_UNITS, "{cls}({wanted}) on line {dense_line}"),
    "units_vs_target:added": (_UNITS, "add keras.layers.Dense({wanted}) at the end"),
    "one_unit_categorical": (
        "The output {out} has one unit and the loss is {loss}: a softmax over one unit is always 1, so the loss "
        "cannot change and nothing is learnt (Keras only warns). One unit suits two classes with a sigmoid and "
        "binary_crossentropy; k classes need k units with a softmax.",
        "two classes: activation='sigmoid' and loss='binary_crossentropy'; k classes: Dense(k, "
        "activation='softmax') with one-hot y (categorical_crossentropy) or class numbers "
        "(sparse_categorical_crossentropy)"),
    "samples_differ": (
        "X has {x_samples} samples but y has {y_samples}: every sample needs its target.",
        "give X and y the same first axis"),
    # states across batches and time order (rules_state)
    "stateful_needs_batch_size:open": (
        _STATEFUL + "leaves it open.{keras_says}", "keras.Input(batch_shape={batch_shape})"),
    "stateful_needs_batch_size:fixed": (
        _STATEFUL + "fixes it at {batch}, which is no number of samples.{keras_says}",
        "keras.Input(batch_shape={batch_shape})"),
    "stateful_fit_batch": (
        "fit uses batch_size={fit_batch} but the stateful model is built for batches of {batch}.",
        "fit(..., batch_size={batch})"),
    "stateful_batch_does_not_divide": (
        "The {name} on line {line} is stateful with batch size {batch}: it carries each row's state on to the same "
        "row of the next batch, so every batch must hold exactly {batch} samples. {samples} samples do not split "
        "into batches of {batch}: the last one holds {left}. {keras_says}",
        "a batch size that divides {samples}: {size}, in keras.Input(batch_shape=...) and in fit"),
    "stateful_shuffle": (
        "fit shuffles the samples by default, so a stateful layer would carry its state between samples that do "
        "not follow each other.", "fit(..., shuffle=False)"),
    "go_backwards_not_flipped": (
        "The {name} on line {line} has go_backwards=True: it reads the sequence from the last step to the first and "
        "returns its outputs in that reversed order (its output step t belongs to input step T-1-t). The {merge} on "
        "line {merge_line} merges it step by step with another sequence, so step t meets step T-1-t.",
        "flip it back first: keras.ops.flip(x, axis=1) (Bidirectional does this itself)"),
    "model_reset_states": (
        "Keras 3 models have no {method}(): only recurrent layers hold states, and each layer has reset_state()."
        "{keras_says}", "reset each layer: for layer in model.layers: if hasattr(layer, 'reset_state'): "
        "layer.reset_state()"),
}

# Sentences a rule adds or not, or chooses between, by what Keras did.
PARTS: dict[str, str] = {
    "keras_says": " Keras says: {error}",
    "trained_quietly": " Keras 3 does not complain (a training step ran).",
    "trained_wrong": " Keras 3 does not complain: one training step ran with {loss}{spread}, so the model would "
                     "learn the wrong thing.",
    "broadcasts": " (it broadcasts y against the output)",
    "stops_training": " Keras stops at the first training step (its message is shown).",
    "stops_at_batch": "Keras stops at that batch: {error}",
    "trains_out_of_step": "Keras 3 trains on it without an error, so states and samples fall out of step.",
    "directions_apart": " The states are not merged: each direction keeps its own h (and c).",
    "concatenate_rule": "every axis but the last must agree",
    "merge_rule": "they must have the same shape",
    "time_major": " Keras 3 layers take (batch, timesteps, features) only: transpose X to that order.",
}


def part(name: str, **facts: object) -> str:
    """One of PARTS, filled from the rule's facts."""
    return PARTS[name].format(**facts)


def said(wording: str, at: int | None, severity: str = "error", /, **facts: object) -> Problem:
    """The Problem a wording names (its kind is the part before ':') at line `at`, filled from the rule's
    facts."""
    message, fix = WORDINGS[wording]
    return Problem(wording.partition(":")[0], message.format(**facts), fix.format(**facts), at, severity)
