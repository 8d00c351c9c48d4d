"""The two articles learners arrive from, their six examples run on the installed Keras and put right.

    >>> from rnnlab.articles import EXAMPLES
    >>> [e.id for e in EXAMPLES]
    ['shape-1', 'shape-2', 'shape-3', 'steps-1', 'steps-2', 'steps-3']

`example_evidence(example_id)` runs one example (our own copy of the article's code, never a visitor's) and
returns plain data: whether the code runs as written, Keras's (or Python's) error and warnings, what it
prints, and the measured checks behind every correction. It imports Keras when called, not before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rnnlab.articles.examples import BY_ID, EXAMPLES, SHAPE, STEPS, Claim, Example, Link

if TYPE_CHECKING:
    from rnnlab.articles.evidence import Evidence


def example_evidence(example_id: str) -> Evidence:
    """The evidence for one example, computed here (the engine's task "article" calls this in a worker)."""
    from rnnlab.articles.evidence import example_evidence as compute

    return compute(example_id)


def evidence(example_id: str, timeout: float | None = None) -> Evidence:
    """The evidence from the engine's workers when the engine runs in this process, else computed here."""
    from rnnlab import engine

    running = engine.running()
    if running is not None:
        return running.submit("article", example_id, timeout=timeout).result()
    return example_evidence(example_id)


__all__ = ["BY_ID", "EXAMPLES", "SHAPE", "STEPS", "Claim", "Evidence", "Example", "Link", "evidence",
           "example_evidence"]
