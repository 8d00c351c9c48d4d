"""What the engine's fork server imports once, before it forks any worker (`rnnlab.spawning.context`).

TensorFlow, Keras and the modules behind the engine's tasks are imported here and nothing is run: TensorFlow's
runtime and its threads start in each forked worker with its first task, never in the fork server. So a worker
starts in a fraction of a second instead of importing TensorFlow again (3-5 s of CPU), and the workers share
these pages instead of each holding a copy of its own (the imported objects are frozen out of the garbage
collector's reach, so that sharing lasts).

Only the fork server imports this module. Before TensorFlow's import begins it lowers its own priority by the
steps the server put in NICE_VARIABLE (the server's start-up goes first; its workers inherit the priority).
"""

from __future__ import annotations

import gc
import os

from rnnlab.spawning import NICE_VARIABLE, quiet_environment


def _prepare() -> None:
    quiet_environment()  # before NumPy's and TensorFlow's imports: one BLAS thread (a fork can copy it), no notes
    steps = os.environ.pop(NICE_VARIABLE, "")
    if steps.isdigit():
        os.nice(int(steps))
    import keras  # noqa: F401  (and TensorFlow with it)

    from rnnlab import engine

    for name in engine.TASKS:
        engine.task(name)  # its module imported
    # What is imported now stays shared: a worker's garbage collections never write to these objects (a
    # collection marks every object it scans, which would copy each page of them into every worker).
    gc.freeze()


_prepare()
