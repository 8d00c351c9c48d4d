"""Start the app: `python -m ui.serve [streamlit options]` (what `make run` does).

The one place where the server process starts up: the engine's worker processes are started first, so
that they import TensorFlow and warm up while the web server starts (Keras's results kept on disk by an
earlier run answer at once meanwhile: rnnlab.shelf), then Streamlit serves app.py in
this same process (pages find the running engine). When Streamlit stops, trainings still queued or
running and the worker processes end at once. `streamlit run app.py` works too; the engine then starts
with the first page shown.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def main(args: list[str]) -> None:
    from rnnlab import spawning

    spawning.quiet_environment()  # before NumPy's import: its traces do not fight the workers for the cores
    from rnnlab import engine, shelf

    engine.start(shelf=shelf.from_environment())  # first: TensorFlow's import is the longest wait of a fresh server
    from streamlit.web import cli
    sys.argv = ["streamlit", "run", str(APP), *args]
    try:
        cli.main()
    finally:  # the server has stopped: end the trainings and the workers now, not after them
        from rnnlab.training import jobs

        jobs.close()
        engine.close()


if __name__ == "__main__":
    main(sys.argv[1:])
