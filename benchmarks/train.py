"""Training: how long the Train page's default training takes, and what trainings do to everybody else.

- engine (in-process): `train(config, settings)` for the model a first visit to the Train page shows
  (`ui.train_view.FIRST_VISIT`) with the default settings: the first training of that structure (Keras
  traces the train step) and a repeat (the compiled model is reused); then every task once, next to
  `estimate_seconds`, the estimate that refuses trainings too long for a shared server.
- page (a real server, WebSocket visitors): one visitor opens /train, presses Train and reruns the
  progress fragment every POLL_S seconds as the browser does, until the results are drawn; meanwhile a
  second visitor flips return_state on the playground, and its flips are compared with the same flips
  before the training.
- class: visitors press Train within a second of each other: most of them on the same model (one
  training, watched by all), a few on their own (they queue); each visitor's time to results.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import statistics
import time
from urllib.parse import parse_qsl, urlencode

from benchmarks.report import Row, load_average, ms, summary
from benchmarks.server import StreamlitServer
from benchmarks.streamlit_client import RunResult, Visitor, checked

TARGET_S = 15.0  # the default training, from pressing Train to the results
TRAIN_PAGE = "train"  # the page's address; Streamlit's page hash is derived from it
RESULTS_WIDGET = "train_sample"  # drawn once the results are
STOP_WIDGET = "train-stop"  # inside the live fragment while a training is queued or running
SELECT_SLIDERS = ("train_learning_rate", "train_samples")


def engine() -> tuple[dict, list[Row]]:
    """The default training in-process: first (traced) and repeated; each task once."""
    from rnnlab.params import parse
    from rnnlab.training.fit import train
    from rnnlab.training.plan import estimate_seconds
    from rnnlab.training.settings import TASK_NAMES, Settings
    from rnnlab.training.tasks import TASKS
    from ui.train_view import FIRST_VISIT

    config = parse(FIRST_VISIT).strict().config
    data, rows = {"query": FIRST_VISIT, "tasks": {}}, []
    for label in ("first", "repeat"):
        began = time.perf_counter()
        result = train(config, Settings())
        total = time.perf_counter() - began
        data[label] = {"total_ms": ms(total), "fit_ms": ms(result.seconds), "epochs": len(result.loss),
                       "final_val_loss": result.val_loss[-1], "baseline": result.baseline}
        rows.append(Row("train", f"default training in-process, {label} of its structure", ms(total),
                        TARGET_S * 1000, note=f"fit {result.seconds:.1f} s; estimate "
                                              f"{estimate_seconds(config, Settings()):.1f} s"))
    for task in TASK_NAMES:
        width = str(TASKS[task].width)
        task_config = parse(urlencode(dict(parse_qsl(FIRST_VISIT)) | {"head_units": width})).strict().config
        settings = Settings(task=task)
        began = time.perf_counter()
        result = train(task_config, settings)
        data["tasks"][task] = {"total_ms": ms(time.perf_counter() - began), "fit_ms": ms(result.seconds),
                               "estimate_s": round(estimate_seconds(task_config, settings), 1),
                               "loss_first_last": [result.loss[0], result.loss[-1]], "learned": result.learned}
        rows.append(Row("train", f"task {task}, in-process", ms(time.perf_counter() - began),
                        note=f"estimate {estimate_seconds(task_config, settings):.1f} s; "
                             f"{'learned' if result.learned else 'not learned'}"))
    return data, rows


class TrainVisitor(Visitor):
    """A visitor of the Train page. Its select sliders (learning_rate, samples) keep the value the server
    holds: the client sends plain sliders' numbers, which a select slider does not take."""

    async def rerun(self, triggers: tuple[str, ...] = (), fragment_id: str = "") -> RunResult:
        for key in SELECT_SLIDERS:
            if key in self.widgets:
                self.values.pop(self.widgets[key].id, None)
        return await super().rerun(triggers, fragment_id)


def _train_visitor(server: StreamlitServer, query: str) -> Visitor:
    from streamlit.util import calc_hash

    visitor = TrainVisitor(server.ws_url, query_string=query, timeout=300)
    visitor.page_script_hash = calc_hash(TRAIN_PAGE)
    return visitor


async def _train_to_results(visitor: Visitor, poll: float) -> tuple[float, list[RunResult]]:
    """Press Train, then rerun the progress fragment every `poll` seconds until the results are drawn."""
    began = time.perf_counter()
    checked(await visitor.click("train-start"), "pressing Train")
    polls = []
    while RESULTS_WIDGET not in visitor.widgets:
        await asyncio.sleep(poll)
        fragment = visitor.widget(STOP_WIDGET).fragment_id if STOP_WIDGET in visitor.widgets else ""
        polls.append(checked(await visitor.rerun(fragment_id=fragment), "polling the progress"))
        if time.perf_counter() - began > 600:
            raise TimeoutError("no results after 600 s")
    return time.perf_counter() - began, polls


async def _flips(visitor: Visitor, until: asyncio.Event | None, count: int, pause: float) -> list[RunResult]:
    """Flip return_state `count` times, or until `until` is set."""
    runs = []
    for state in itertools.islice(itertools.cycle((True, False)), count):
        if until is not None and until.is_set():
            break
        await asyncio.sleep(pause)
        runs.append(checked(await visitor.set(return_state=state), "flip"))
    return runs


async def _page(server: StreamlitServer, poll: float, pause: float) -> dict:
    from ui.train_view import FIRST_VISIT

    query = urlencode(dict(parse_qsl(FIRST_VISIT)) | {"seed": "11"})  # never trained in this server before
    async with Visitor(server.ws_url) as player, _train_visitor(server, query) as trainer:
        checked(await player.load(), "playground")  # the first visitor imports TensorFlow
        checked(await trainer.load(query), "train page")
        idle = await _flips(player, None, 20, pause)
        done = asyncio.Event()

        async def train() -> tuple[float, list[RunResult]]:
            try:
                return await _train_to_results(trainer, poll)
            finally:
                done.set()

        (seconds, polls), busy = await asyncio.gather(train(), _flips(player, done, 10_000, pause))
    return {"seconds": seconds, "polls": polls, "idle": idle, "busy": busy}


async def _class(server: StreamlitServer, same: int, own: int, poll: float) -> dict:
    """`same` visitors on one model and `own` visitors each on their own press Train together."""
    from ui.train_view import FIRST_VISIT

    base = dict(parse_qsl(FIRST_VISIT))
    queries = [urlencode(base | {"seed": "21"})] * same + [urlencode(base | {"seed": str(30 + k)}) for k in range(own)]
    visitors = [_train_visitor(server, q) for q in queries]
    for visitor, query in zip(visitors, queries):
        await visitor.connect()
        checked(await visitor.load(query), "train page")
    try:
        results = await asyncio.gather(*(_train_to_results(v, poll) for v in visitors))
    finally:
        for visitor in visitors:
            await visitor.close()
    seconds = [s for s, _ in results]
    return {"same": seconds[:same], "own": seconds[same:],
            "polls": [p.seconds for _, polls in results for p in polls]}


def measure(pause: float = 0.25, same: int = 10, own: int = 3) -> tuple[dict, list[Row]]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from ui.train_view import POLL_S

    load_before = load_average()
    engine_data, rows = engine()
    with StreamlitServer() as server:
        server.wait_healthy()
        page = asyncio.run(_page(server, POLL_S, pause))
        crowd = asyncio.run(_class(server, same, own, POLL_S))
    idle = [r.seconds for r in page["idle"]]
    busy = [r.seconds for r in page["busy"]]
    polls = [r.seconds for r in page["polls"]]
    data = {"engine": engine_data, "poll_s": POLL_S,
            "page": {"train_to_results_ms": ms(page["seconds"]), "polls": summary(polls),
                     "playground_flips_idle": summary(idle), "playground_flips_during_training": summary(busy)},
            "class": {"same_model": summary(crowd["same"]), "own_models": [ms(s) for s in crowd["own"]],
                      "polls": summary(crowd["polls"]), "visitors": same + own},
            "load_average": [load_before, load_average()]}
    rows += [
        Row("train", "page: Train pressed -> results drawn (default model, polled)", ms(page["seconds"]),
            TARGET_S * 1000, note=f"{len(polls)} fragment polls, median {ms(statistics.median(polls)):.0f} ms"),
        Row("train", "playground flip, median, no training", ms(statistics.median(idle)),
            note=f"p95 {summary(idle)['p95_ms']:.0f} ms over {len(idle)} flips"),
        Row("train", "playground flip, median, while training", ms(statistics.median(busy)),
            note=f"p95 {summary(busy)['p95_ms']:.0f} ms over {len(busy)} flips"),
        Row("train", f"class: {same} visitors on one model, slowest to results", ms(max(crowd["same"])),
            note=f"fastest {ms(min(crowd['same'])) / 1000:.1f} s: one training for all"),
        Row("train", f"class: {own} more visitors each on their own model, slowest", ms(max(crowd["own"])),
            note="they queue: " + ", ".join(f"{s:.1f} s" for s in sorted(crowd["own"]))),
    ]
    return data, rows


if __name__ == "__main__":
    from benchmarks.report import table

    print(table(measure()[1]))
