"""The six examples of the two articles learners arrive from: code, the sentences put right, the links.

Each Claim quotes the article verbatim (a sentence, or a line of its code) and names the check
(rnnlab.articles.checks) whose measurements on the installed Keras back what the page says about it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rnnlab.articles import code

SHAPE = "Why is the LSTM output predicting a different shape than expected?"
STEPS = "How can I obtain results at each time step using an LSTM Keras model?"
WRONG, MISLEADING, OUTDATED, RIGHT = "wrong", "misleading", "out of date", "right"


@dataclass(frozen=True)
class Claim:
    """What the article says, our verdict on it, and the check that shows what Keras does."""

    quote: str
    verdict: str  # WRONG, MISLEADING, OUTDATED or RIGHT
    check: str  # a name in rnnlab.articles.checks
    correction: str  # what Keras does, in plain words (the check's facts carry the numbers)
    in_code: bool = False  # the quote is a line of the article's code
    elsewhere: tuple[str, str] = ("", "")  # a lead-in, and where the same article says otherwise, verbatim


@dataclass(frozen=True)
class Link:
    """Where to try the example in the app, or read about it: the playground, the Train page or a lesson with a
    query string, or the shape doctor with its inputs (code, X shape, y shape, loss)."""

    page: str  # "playground", "train", "lesson" or "doctor"
    label: str
    query: str = ""
    doctor: tuple[str, str, str, str] = ("", "", "", "")


@dataclass(frozen=True)
class Example:
    id: str
    article: str  # SHAPE or STEPS
    number: int  # the example's number in its article
    title: str  # its heading there, verbatim
    code: str  # the article's code, verbatim
    fix: str | None  # the smallest change that makes it run; None when it runs as written
    corrected: str  # Keras 3 style (keras.Input), every correction applied
    says_prints: tuple[str, ...]  # what the article's comments say its print() calls show
    claims: tuple[Claim, ...]
    links: tuple[Link, ...]
    heading: str = ""  # our own heading, where the article's title misleads (a claim then quotes the title)

    @property
    def shown_title(self) -> str:
        """The heading the page shows: ours where the article's title misleads, else the article's."""
        return self.heading or self.title


def _warns(quote: str, in_code: bool = False) -> Claim:
    return Claim(quote, OUTDATED, "input_shape_warning", "Keras 3 warns when a layer is given input_shape=: "
                 "keras.Input(shape=...) as the model's first entry defines the same input without a warning.",
                 in_code)


def _relu(quote: str) -> Claim:
    return Claim(quote, MISLEADING, "relu_unbounded", "It runs, but relu takes away what bounds h: with tanh (the "
                 "default) h = o × tanh(c) stays between -1 and 1, with relu each step can multiply h, up to "
                 "overflow on a long sequence. And on a GPU Keras runs an LSTM on cuDNN only with tanh: relu falls "
                 "back to the slower generic loop. Keep the default; the corrected code does.", in_code=True)


def _lesson(slug: str, label: str) -> Link:
    return Link("lesson", label, f"lesson={slug}")


def _prints(quote: str) -> Claim:
    return Claim(quote, RIGHT, "prints", "The shapes the article's comments give are the ones Keras prints.",
                 in_code=True)


_NAME_ERROR = ("These lines come after the model that uses timesteps and features (in input_shape): Python "
               "stops with a NameError before Keras sees the model. The smallest fix defines them first.")
_BROADCAST_STEPS = ("A y of the wrong shape does not always raise: under mse, Keras 3 broadcasts it silently and "
                    "trains on the wrong thing. The doctor catches it before training.")
_SEQ = "units=64&timesteps=10&features=3&batch=32"
_PAD = ("units=32&timesteps=5&features=1&batch=3&activation=relu&return_sequences=true&head=dense&head_units=1"
        "&lengths=3,2,5&padding=post")

SHAPE_EXAMPLES = (
    Example(
        "shape-1", SHAPE, 1, "Single prediction based on the entire sequence.", code.SHAPE_1, None,
        code.SHAPE_1_CORRECTED, ("(32, 1)",),
        (_prints("print(predictions.shape) # Output shape: (32, 1) - one prediction per sample"),
         _warns("Note the input shape is clearly defined.")),
        (Link("playground", "This model in the playground", f"{_SEQ}&head=dense&head_units=1"),
         Link("doctor", "Shape doctor: this model with one target per sample",
              doctor=(code.SHAPE_1, "32,10,3", "32,1", "mse")),
         _lesson("return-sequences", "Lesson: return_sequences, the whole sequence or the last step"),
         _lesson("a-head", "Lesson: a Dense head after the layer")),
    ),
    Example(
        "shape-2", SHAPE, 2, "Sequence-to-sequence prediction (many to many).", code.SHAPE_2, None,
        code.SHAPE_2_CORRECTED, ("(32, 10, 1)",),
        (Claim("Sequence-to-sequence prediction (many to many).", MISLEADING, "aligned_steps",
               "This model is aligned many-to-many, like a tagger: exactly one prediction "
               "at each input step, prediction t read from steps 0..t. Sequence-to-sequence usually names an "
               "encoder–decoder, whose output sequence may have another length than its input."),
         Claim("This is crucial for tasks like time series forecasting where we aim to predict future values based "
               "on past sequences.", MISLEADING, "aligned_steps",
               "The predictions are aligned with the input steps: prediction t is computed from steps 0..t and "
               "belongs to step t. They forecast nothing unless the targets are shifted."),
         Claim("print(predictions.shape)  # Output shape: (32, 10, 1) - one prediction per timestep per sample",
               RIGHT, "prints", "One prediction per input timestep: (32, 10, 1) is what Keras prints.", True),
         Claim("Failure to account for this parameter combination often leads to shape mismatches.", MISLEADING,
               "mse_broadcast_one_target", "A mismatch is not always reported: this model's (32, 10, 1) output "
               "against one target per sample trains under mse without a word."),
         _warns("Again, input shaping is consistent.")),
        (Link("playground", "This model in the playground", f"{_SEQ}&return_sequences=true&head=dense&head_units=1"),
         Link("train", "Train it to forecast the next step (sine_next)",
              "units=64&timesteps=10&features=3&return_sequences=true&head=dense&head_units=1&task=sine_next"),
         Link("doctor", "Shape doctor: this model with one target per sample",
              doctor=(code.SHAPE_2, "32,10,3", "32,1", "mse")),
         _lesson("targets", "Lesson: targets, what y must look like for each model"),
         _lesson("windowing-a-series", "Lesson: windowing a series, next-step and horizon targets"),
         _lesson("encoder-decoder-inference", "Lesson: an encoder-decoder, a sequence of another length")),
        "One prediction per input step (many to many, aligned).",
    ),
    Example(
        "shape-3", SHAPE, 3, "Accessing the hidden state.", code.SHAPE_3, None, code.SHAPE_3_CORRECTED,
        ("Output shape: (32, 64)", "Hidden state shape: (32, 64)", "Cell state shape: (32, 64)"),
        (Claim("Therefore, setting `return_sequences=False` and `return_state=True` will produce an output with "
               "three tensors: one representing the last hidden state (samples, units), one for the last cell "
               "state (samples, units), and one for the  output (samples, units).", WRONG, "state_order",
               "Keras returns output, state_h, state_c in that order, and output is state_h: the same values.",
               elsewhere=("Elsewhere the article itself says that the output is the last hidden state",
                          "The model returns not only the final hidden state (`hidden_state`) and the final cell "
                          "state (`cell_state`), but also the default output, which is the last hidden state.")),
         Claim("If you set both parameters to true, you get the hidden states for all timesteps, plus the final "
               "cell and hidden states.", WRONG, "both_true_order",
               "The final hidden state comes before the cell state: whole sequence, state_h, state_c.",
               elsewhere=("Elsewhere the article has them the right way round",
                          "Note that `return_sequences` is set to `False` here; if set to `True`, you would have "
                          "received a tuple containing the full sequence of hidden states plus the final hidden and "
                          "cell states.")),
         Claim("output, hidden_state, cell_state = model.predict(X) #Tuple unpacking the output.", MISLEADING,
               "sequential_states", "It runs, and in the right order. What can follow such a layer in a "
               "Sequential is limited: it hands on a list of three tensors, so no single-input layer (Dense, "
               "Flatten, another LSTM) can come next, while a layer that takes a list (Concatenate, Add, a "
               "Lambda) can, and that model fits one y. The functional API names each tensor, so a head can read "
               "the output alone.", True),
         _warns("LSTM(units=64, input_shape=(10, 3), return_sequences=False, return_state=True)", True)),
        (Link("playground", "This layer in the playground", f"{_SEQ}&return_state=true"),
         Link("playground", "Both return_sequences and return_state",
              f"{_SEQ}&return_sequences=true&return_state=true"),
         Link("doctor", "Shape doctor: this model", doctor=(code.SHAPE_3, "32,10,3", "", "")),
         _lesson("return-state", "Lesson: return_state, what comes back and in which order"),
         _lesson("why-return-the-states", "Lesson: why return the states")),
    ),
)

STEPS_EXAMPLES = (
    Example(
        "steps-1", STEPS, 1, "Single-variate prediction per timestep.", code.STEP_1, code.STEP_1_FIX,
        code.STEP_1_CORRECTED, ("(100, 10, 1)",),
        (Claim("timesteps = 10\nfeatures = 1", WRONG, "name_error", _NAME_ERROR, True),
         Claim("Note the use of `input_shape` defining the number of timesteps and features in the input data.  "
               "This is essential for correct model definition.", WRONG, "input_shape_optional",
               "input_shape= is neither essential nor current: a Sequential builds on its first call, and Keras 3 "
               "warns about input_shape= on a layer."),
         _warns("LSTM(units=64, activation='relu', return_sequences=True, input_shape=(timesteps, features)),", True),
         _relu("LSTM(units=64, activation='relu', return_sequences=True, input_shape=(timesteps, features)),"),
         _prints("print(predictions.shape) # Output: (100, 10, 1) - 100 samples, 10 timesteps, 1 feature")),
        (Link("train", "Train this model on random targets, as the article does",
              "units=64&timesteps=10&features=1&activation=relu&return_sequences=true&head=dense&head_units=1"
              "&task=random&optimizer=adam&learning_rate=0.001&epochs=10&samples=100"),
         Link("playground", "This model in the playground",
              "units=64&timesteps=10&features=1&activation=relu&return_sequences=true&head=dense&head_units=1"),
         _lesson("the-input", "Lesson: the input, (batch, timesteps, features)"),
         _lesson("myths", "Lesson: myths, relu in an LSTM among them")),
    ),
    Example(
        "steps-2", STEPS, 2, "Multi-variate prediction per timestep.", code.STEP_2, code.STEP_2_FIX,
        code.STEP_2_CORRECTED, ("(50, 20, 3)",),
        (Claim("timesteps = 20\nfeatures = 1", WRONG, "name_error", _NAME_ERROR, True),
         Claim("Failing to account for this multi-dimensional output often leads to errors concerning tensor shapes "
               "during model compilation and prediction.", MISLEADING, "mse_broadcast_targets", _BROADCAST_STEPS),
         _warns("LSTM(units=128, activation='tanh', return_sequences=True, input_shape=(timesteps, features)),",
                True),
         _prints("print(predictions.shape) # Output: (50, 20, 3) - 50 samples, 20 timesteps, 3 features")),
        (Link("train", "Train it on three targets per timestep (multi)",
              "units=128&timesteps=20&features=1&return_sequences=true&head=dense&head_units=3&task=multi"
              "&optimizer=rmsprop&learning_rate=0.001&epochs=20&samples=50"),
         Link("doctor", "Shape doctor: this model with one variable per timestep",
              doctor=(code.STEP_2_FIX, "50,20,1", "50,20,1", "mse")),
         _lesson("targets", "Lesson: targets, what y must look like for each model"),
         _lesson("a-head", "Lesson: a Dense head after the layer")),
    ),
    Example(
        "steps-3", STEPS, 3, "Handling variable-length sequences.", code.STEP_3, None, code.STEP_3_CORRECTED,
        ("(3, 5, 1)",),
        (Claim("Padding with a consistent value (here, 0) ensures that the model processes all sequences "
               "uniformly.", MISLEADING, "padding_processed",
               "Without a mask, the padding is processed as data: the zeros change the states after a short "
               "sequence ends. Masking(mask_value=0.0) skips them."),
         Claim("Remember to appropriately handle the padded values during evaluation.", MISLEADING, "padding_loss",
               "Not only during evaluation: the code trains without a mask, so the padded targets count in the "
               "loss it minimises. A mask (or sample_weight) leaves them out."),
         _warns("LSTM(units=32, activation='relu', return_sequences=True, input_shape=(max_len, 1)),", True),
         _relu("LSTM(units=32, activation='relu', return_sequences=True, input_shape=(max_len, 1)),"),
         _prints("print(predictions.shape) # Output: (3, 5, 1) - 3 samples, max_length 5 timesteps, 1 feature")),
        (Link("playground", "These lengths, padded, in the playground", _PAD),
         Link("playground", "The same with a mask", f"{_PAD}&mask=true"),
         Link("train", "Train on padded data: the loss with and without the mask",
              f"{_PAD}&task=random&optimizer=adam&learning_rate=0.001&epochs=10&samples=48"),
         _lesson("padding-and-masking", "Lesson: padding and masking"),
         _lesson("masks-through-layers", "Lesson: masks through other layers")),
    ),
)

EXAMPLES: tuple[Example, ...] = SHAPE_EXAMPLES + STEPS_EXAMPLES
BY_ID = {e.id: e for e in EXAMPLES}
