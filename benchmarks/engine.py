"""The engine in-process: rnnlab.describe against the naive Keras way, and the largest accepted configurations."""

from __future__ import annotations

import cProfile
import importlib
import logging
import os
import pstats
import statistics
import time
from pathlib import Path

from benchmarks.report import Row, load_average, ms, summary
from rnnlab.params import parse

LARGEST_TARGET_MS = 2000
DESCRIBE_QUERIES = ("", "return_sequences=true&return_state=true",
                    "units=128&timesteps=50&features=8&batch=64&return_sequences=true")
_FLAGS = "return_sequences=true&return_state=true"
_LARGEST = "units=512&timesteps=500&features=64&batch=256"  # every limit hit; parse lowers what must be lowered


def _corner(query: str) -> tuple[str, str]:
    """label -> the query string of the largest configuration parse() accepts for `query`."""
    config = parse(query).config
    sizes = ("units", "timesteps", "features", "batch")
    rest = [p for p in query.split("&") if p.split("=")[0] not in sizes]
    options = " ".join(p for p in rest if not p.startswith("return_"))
    label = f"U{config.units} T{config.timesteps} F{config.features} B{config.batch} {options}".strip()
    return label, "&".join([f"{n}={getattr(config, n)}" for n in sizes] + rest)


# The corners of the size limits, every output on: label -> query string.
CORNERS = dict(_corner(q) for q in (
    f"{_LARGEST}&{_FLAGS}",
    f"units=15&timesteps=500&features=64&batch=256&{_FLAGS}",
    f"units=512&timesteps=10&features=64&batch=256&{_FLAGS}",
    f"{_LARGEST}&{_FLAGS}&depth=3&bidirectional=true",
    f"{_LARGEST}&return_sequences=true&depth=3&bidirectional=true&stateful=true",  # (states: a Keras bug)
    f"{_LARGEST}&{_FLAGS}&lengths=30,15&mask=true&depth=3&bidirectional=true",
))
_ENGINE = str(Path(__file__).resolve().parent.parent / "rnnlab")


def _config(query: str):
    return parse(query).strict().config


def naive(config, x):
    """What a learner writes: a fresh Sequential model and model.predict on every request."""
    import keras

    keras.utils.set_random_seed(config.seed)
    model = keras.Sequential([keras.Input((config.timesteps, config.features)),
                              keras.layers.LSTM(config.units, return_sequences=config.return_sequences,
                                                return_state=config.return_state)])
    return model.predict(x, verbose=0)


def _timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def compare_describe(repeats: int) -> tuple[dict, list[Row]]:
    """rnnlab.describe(query) vs naive(config, x), interleaved so both see the same machine load."""
    import rnnlab
    from rnnlab.inputs import make_input

    data, rows = {}, []
    for query in DESCRIBE_QUERIES:
        config = _config(query)
        x = make_input(config.input, config.batch, config.timesteps, config.features, config.seed)
        first = _timed(rnnlab.describe, query)  # builds this structure's model once
        ours, theirs = [], []
        for _ in range(repeats):
            ours.append(_timed(rnnlab.describe, query))
            theirs.append(_timed(naive, config, x))
        label = query or "(defaults)"
        ratio = statistics.median(theirs) / statistics.median(ours)
        data[label] = {"describe_first_ms": ms(first), "describe": summary(ours), "naive": summary(theirs),
                       "naive_over_describe": round(ratio, 1)}
        rows.append(Row("engine", f"describe {label}", ms(statistics.median(ours)),
                        note=f"naive {ms(statistics.median(theirs)):.0f} ms; naive / describe = {ratio:.1f}; "
                             f"first call {ms(first):.0f} ms"))
    return data, rows


def _clear_engine_caches() -> None:
    """Forget every built model and drawn weight, so the next run starts uncached (benchmark only)."""
    from rnnlab import model

    model._MODELS.clear()
    model._WEIGHTS.clear()


def _breakdown(config) -> dict[str, float]:
    """One uncached run under cProfile: cumulative ms of rnnlab's own functions (profiler overhead included)."""
    from rnnlab.run import run

    _clear_engine_caches()
    profile = cProfile.Profile()
    profile.runcall(run, config)
    stats = pstats.Stats(profile).stats
    parts = {f"{Path(f).stem}.{name}": ms(ct) for (f, _, name), (_, _, _, ct, _) in stats.items()
             if f.startswith(_ENGINE) and not name.startswith("<")}
    return dict(sorted(parts.items(), key=lambda kv: -kv[1])[:8])


def largest(repeats: int) -> tuple[dict, list[Row]]:
    """rnnlab.run.run(config) for the corners, uncached each time, in a process whose engine is warm."""
    from rnnlab.run import run

    run(_config(""))  # warm: TensorFlow loaded and one model called
    data, rows = {}, []
    for label, query in CORNERS.items():
        config = _config(query)
        uncached = []
        for _ in range(repeats):
            _clear_engine_caches()
            uncached.append(_timed(run, config))
        cached = _timed(run, config)
        data[label] = {"query": query, "uncached": summary(uncached), "uncached_each_ms": [ms(s) for s in uncached],
                       "cached_ms": ms(cached), "profile_ms": _breakdown(config)}
        rows.append(Row("engine", f"run() {label}, uncached (worst of {repeats})", ms(max(uncached)),
                        LARGEST_TARGET_MS, note=f"median {ms(statistics.median(uncached)):.0f} ms; "
                                                f"model cached {ms(cached):.0f} ms"))
    return data, rows


def measure(repeats: int = 10, largest_repeats: int = 3) -> tuple[dict, list[Row]]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)  # the naive way's retracing warnings are expected
    load_before = load_average()
    imported = _timed(importlib.import_module, "rnnlab.run")  # TensorFlow and Keras, unless already loaded
    describe_data, describe_rows = compare_describe(repeats)
    largest_data, largest_rows = largest(largest_repeats)
    data = {"import_rnnlab_run_ms": ms(imported), "describe": describe_data, "largest": largest_data,
            "load_average": [load_before, load_average()]}
    rows = [Row("engine", "import rnnlab.run (TensorFlow + Keras)", ms(imported))]
    return data, rows + describe_rows + largest_rows
