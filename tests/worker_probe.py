"""Run inside a worker process by tests: what that process has imported. Imports nothing itself."""

import multiprocessing
import sys


def imported(names: list[str]) -> dict:
    """Which of `names` this process has imported, the file its `__mp_main__` came from, and how many
    processes it started."""
    main = sys.modules.get("__mp_main__")
    return {"imported": [name for name in names if name in sys.modules],
            "main_file": getattr(main, "__file__", None), "children": len(multiprocessing.active_children())}
