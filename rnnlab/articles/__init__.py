"""The two articles learners arrive from, their six examples run on the installed Keras and put right.

    >>> from rnnlab.articles import EXAMPLES
    >>> [e.id for e in EXAMPLES]
    ['shape-1', 'shape-2', 'shape-3', 'steps-1', 'steps-2', 'steps-3']

`example_evidence(example_id)` runs one example (our own copy of the article's code, never a visitor's) and
returns plain data: whether the code runs as written, Keras's (or Python's) error and warnings, what it
prints, and the measured checks behind every correction. It imports Keras when called, not before.
"""

from __future__ import annotations

from rnnlab.articles.examples import (BY_ID, EXAMPLES, MISLEADING, OUTDATED, RIGHT, SHAPE, STEPS, WRONG, Claim,
                                     Example, Link)
from rnnlab.articles.evidence import Evidence, example_evidence


__all__ = ["BY_ID", "EXAMPLES", "MISLEADING", "OUTDATED", "RIGHT", "SHAPE", "STEPS", "WRONG", "Claim", "Evidence",
           "Example", "Link", "example_evidence"]
