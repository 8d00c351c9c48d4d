"""What the doctor says about a problem, kept apart from the rules that find it: for each wording (a kind of
problem, or kind:variant), the explanation and the smallest fix as templates filled from the rule's facts.

    >>> said("optimizer_lr_removed", 3, optimizer="Adam", rate="0.01").fix
    'Adam(learning_rate=0.01)'
"""

from __future__ import annotations

from rnnlab.doctor.verdict import Problem

_FIRST_ITEM = "{input_code} as the first item, and no {names} on the {name}"

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
    "keras_error": (
        "Keras stops here, and the doctor has no simpler explanation than its own message: {error}",
        "read Keras's message: it names the layer and the shapes it received"),
}


def said(wording: str, at: int | None, severity: str = "error", /, **facts: object) -> Problem:
    """The Problem a wording names (its kind is the part before ':') at line `at`, filled from the rule's
    facts."""
    message, fix = WORDINGS[wording]
    return Problem(wording.partition(":")[0], message.format(**facts), fix.format(**facts), at, severity)
