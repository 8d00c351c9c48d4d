"""The shape doctor: why is my output shape not what I expected? Answered for the learner's own model.

Pasted Keras code is read (never run), the real Keras model is built from it, its output is compared
with y, one training step runs on zeros (without y, on targets of the output's own shape), and every problem
found gets plain words. The fix is the rules' own when Keras verifies it, else the smallest edit a search finds
(repair.py): every fix is built and trained one step before it is shown. The verdict is 'ok' only when the
model built and trained one step, 'unsure' when lines that build the model could not be read.

    >>> d = diagnose("model = Sequential([LSTM(8, input_shape=(5, 3), return_sequences=True), Dense(1)])",
    ...              "32,5,3", "32,1", "mse")  # doctest: +SKIP
    >>> d.verdict, [p.kind for p in d.problems]  # doctest: +SKIP
    ('problem', ['input_shape_argument', 'last_layer_returns_sequences'])
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rnnlab.doctor.reading import MAX_DIM, DoctorInputError, read
from rnnlab.learner_text import quoted

if TYPE_CHECKING:
    from rnnlab.doctor.verdict import Diagnosis

Shape = tuple[int, ...]


def parse_shape(text: str | Shape, name: str = "shape", ranks: range = range(1, 6)) -> Shape:
    """'118,45,2', '(118, 45, 2)' or a tuple -> (118, 45, 2); DoctorInputError with the reason otherwise."""
    text = text if isinstance(text, (tuple, list)) else str(text).strip()
    parts = _shape_parts(text, name)
    if not all(re.fullmatch(r"\d+", p) for p in parts):
        raise DoctorInputError(f"{name} {quoted(text)} is not a list of whole numbers such as 118,45,2")
    shape = tuple(int(p) for p in parts)
    if len(shape) not in ranks:
        raise DoctorInputError(f"{name} {quoted(text)} has {len(shape)} axes; the doctor takes {ranks.start} to "
                               f"{ranks.stop - 1}")
    if any(not 1 <= d <= MAX_DIM for d in shape):
        raise DoctorInputError(f"{name} {quoted(text)}: every size must be between 1 and {MAX_DIM:,}")
    return shape


def _shape_parts(text: str | Shape, name: str) -> list[str]:
    """The sizes a shape is written with, as text."""
    if isinstance(text, (tuple, list)):
        return [str(d) for d in text]
    if len(text) > 100:
        raise DoctorInputError(f"{name}: {len(text)} characters is too long for a shape")
    return [p for p in re.split(r"[\s,]+", text.strip("()[] ")) if p]


def diagnose(code: str, x_shape: str | Shape, y_shape: str | Shape | None = None,
             loss: str | None = None) -> Diagnosis:
    """Pasted Keras code and the shapes of X (and y) -> Diagnosis.

    Raises DoctorInputError (a ValueError) when there is nothing to diagnose: bad shapes, empty or
    oversized code, a syntax error (with its line), no Keras layers, an unknown loss.
    """
    x = parse_shape(x_shape, "X shape", range(2, 6))
    y = parse_shape(y_shape, "y shape") if y_shape not in (None, "") else None
    loss = (loss or "").strip() or None
    if loss is not None and not re.fullmatch(r"[A-Za-z_]{1,60}", loss):
        raise DoctorInputError(f"loss {quoted(loss)} is not a loss name")
    try:
        program = read(code, x, y)  # before the heavy imports: bad input fails fast

        from rnnlab.doctor.diagnosis import examine, unjudged
        from rnnlab.doctor.trial import Data

        try:
            return examine(program, Data(x, y, loss))
        except (DoctorInputError, MemoryError, RecursionError):
            raise
        except Exception as err:  # noqa: BLE001 - a failure of the doctor's own: every paste gets a diagnosis
            return unjudged(program, code, err)
    except RecursionError:  # layers wrapped in layers, hundreds deep
        raise DoctorInputError("its layers are nested too deeply to diagnose (a wrapper inside a wrapper, "
                               "hundreds of times)") from None


__all__ = ["DoctorInputError", "diagnose", "parse_shape"]
