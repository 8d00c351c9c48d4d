"""The engine: answers from Keras's built model and the NumPy trace are what Keras's forward pass returns, and the
worker processes compute each task once, survive a lost worker and bound a task's time."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import CancelledError

import numpy as np
import pytest

from rnnlab import engine, spawning
from rnnlab.params import parse
from rnnlab.result import TOLERANCE
from rnnlab.run import preview, run
from tests.conftest import ROOT

HEAVY = "units=256&timesteps=300&batch=64&depth=3&inner_return_sequences=true"  # seconds of a worker's time
HEAVIER = "units=512&timesteps=390&batch=64&depth=3&inner_return_sequences=true"  # longer than TensorFlow's start
# Every layer kind, both flags, every wrapper the answer-first path serves (padding and stateful go to run()).
GRID = [f"layer={layer}&return_sequences={seq}&return_state={state}{extra}"
        for layer in ("lstm", "gru", "simple_rnn") for seq in ("false", "true") for state in ("false", "true")
        for extra in ("", "&bidirectional=true", "&bidirectional=true&merge_mode=none", "&go_backwards=true",
                      "&depth=2&inner_return_sequences=true", "&head=time_distributed&head_units=3",
                      "&mask=true", "&activation=relu&units=5&timesteps=4")]


@pytest.mark.parametrize("query", GRID)
def test_an_answer_before_keras_runs_is_what_keras_then_returns(query):
    config = parse(query).config
    early, keras_run = preview(config), run(config)
    assert keras_run.confirmed and early.confirmed == bool(early.refusal)  # a refusal is Keras's own answer
    assert bool(early.refusal) == bool(keras_run.refusal)
    if keras_run.refusal:
        assert early.refusal.message == keras_run.refusal.message
        return
    assert [(t.name, t.shape, t.axes) for t in early.returns] == [(t.name, t.shape, t.axes) for t in keras_run.returns]
    for said, returned in zip(early.returns, keras_run.returns):
        np.testing.assert_allclose(said.value, returned.value, atol=TOLERANCE)
    assert early.params == keras_run.params
    assert [(c.claim, c.holds) for c in early.checks] == [(c.claim, c.holds) for c in keras_run.checks]


PADDED_AND_STATEFUL = ["lengths=3,5&timesteps=6", "lengths=3,5&timesteps=6&mask=true&padding=post",
                       "lengths=2,4&timesteps=5&mask=true&bidirectional=true&layer=gru",
                       "stateful=true", "stateful=true&return_sequences=true&return_state=true",
                       "stateful=true&bidirectional=true&return_sequences=true&layer=simple_rnn",
                       "stateful=true&depth=2&inner_return_sequences=true&go_backwards=true"]


@pytest.mark.parametrize("query", PADDED_AND_STATEFUL)
def test_padding_and_stateful_comparisons_before_keras_runs_are_what_keras_then_measures(query):
    config = parse(query).config
    early, keras_run = preview(config), run(config)
    assert not early.confirmed and keras_run.confirmed
    for said, returned in zip(early.returns, keras_run.returns):
        np.testing.assert_allclose(said.value, returned.value, atol=TOLERANCE)
    assert [(c.claim, c.holds) for c in early.all_checks] == [(c.claim, c.holds) for c in keras_run.all_checks]
    if config.stateful:
        for said, returned in zip(early.stateful.second + early.stateful.after_reset,
                                  keras_run.stateful.second + keras_run.stateful.after_reset):
            np.testing.assert_allclose(said.value, returned.value, atol=TOLERANCE)


@pytest.fixture(scope="module")
def workers():
    """An engine of its own with one worker process, stopped at the end."""
    pool = engine.Engine(engine.Lane(workers=1, cache_bytes=50_000))
    yield pool
    pool.close()


def test_a_worker_returns_what_the_same_run_gives_in_process(workers):
    config = parse("units=6&return_state=true").config
    there = workers.submit("run", config).result(timeout=120)
    here = run(config)
    assert there.confirmed and [t.shape for t in there.returns] == [t.shape for t in here.returns]
    for a, b in zip(there.returns, here.returns):
        np.testing.assert_array_equal(a.value, b.value)


def test_identical_requests_are_computed_once_and_then_cached(workers):
    config = parse("units=7&timesteps=3").config
    before = workers.stats["tasks"]
    futures = [workers.submit("preview", config) for _ in range(5)]
    assert len({id(f) for f in futures}) == 1
    futures[0].result(timeout=120)
    assert workers.stats["tasks"] == before + 1
    assert workers.cached("preview", config)[0]
    assert workers.submit("preview", config).result() is futures[0].result()


def test_the_cache_is_bounded_by_bytes(workers):
    for units in range(10, 16):
        workers.submit("preview", parse(f"units={units}&batch=8").config).result(timeout=120)
    assert workers.cache.lru.currsize <= workers.cache.lru.maxsize
    assert not workers.cached("preview", parse("units=10&batch=8").config)[0]


def test_a_task_past_its_time_limit_is_stopped_and_the_next_one_runs(workers):
    slow = parse("units=512&timesteps=390&batch=10&depth=3&return_sequences=true&inner_return_sequences=true").config
    with pytest.raises(engine.WorkerLost, match="longer than"):
        workers.submit("run", slow, timeout=0.05).result(timeout=120)
    assert workers.submit("preview", parse("units=3").config).result(timeout=120).returns


def _running(future, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not future.running() and not future.done() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_task_whose_worker_is_killed_is_given_to_a_fresh_worker_once(workers):
    replaced, retried = workers.stats["replaced"], workers.stats["retried"]
    task = workers.submit("run", parse(f"{HEAVY}&seed=1").config)
    _running(task)
    os.kill(workers.pids()[0], signal.SIGKILL)  # from outside (the kernel's OOM killer, an operator): not its fault
    assert task.result(timeout=180).returns
    assert workers.stats["replaced"] == replaced + 1 and workers.stats["retried"] == retried + 1


def test_a_task_that_loses_two_workers_is_told_in_plain_words(workers):
    task = workers.submit("run", parse(f"{HEAVY}&seed=2").config)
    for _ in range(2):
        _running(task)
        pid = workers.pids()[0]
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 120
        while not task.done() and workers.pids() in ([pid], []) and time.monotonic() < deadline:
            time.sleep(0.01)
        while not task.done() and not all(w.ready for w in workers._workers) and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3)  # the fresh worker has been given the task again
    with pytest.raises(engine.WorkerLost, match="ended unexpectedly") as lost:
        task.result(timeout=180)
    assert not lost.value.too_big
    assert workers.submit("preview", parse("units=4").config).result(timeout=120).returns


def test_a_worker_killed_while_idle_is_replaced_at_once(workers):
    workers.submit("preview", parse("units=3&seed=3").config).result(timeout=120)
    pid = workers.pids()[0]
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (workers.pids() == [pid] or not workers._workers[0].ready):
        time.sleep(0.05)
    assert workers.pids() != [pid] and workers._workers[0].ready  # before anybody asked for anything


A, B = engine.Owner("tab-a", "browser-a"), engine.Owner("tab-b", "browser-b")


def test_a_tabs_newer_answer_cancels_its_older_one_still_queued(workers):
    blocker = workers.submit("run", parse(f"{HEAVY}&seed=4").config)
    _running(blocker)
    older = workers.submit("preview", parse("units=21").config, owner=A)
    newer = workers.submit("preview", parse("units=22").config, owner=A)
    other = workers.submit("preview", parse("units=23").config, owner=B)
    assert older.cancelled() and not newer.cancelled() and not other.cancelled()
    assert workers.ahead_of(other) == 1  # A's one request, not two
    assert newer.result(timeout=180).returns and other.result(timeout=180).returns


def test_an_answer_is_cancelled_only_when_nobody_waits_for_it_any_more(workers):
    blocker = workers.submit("run", parse(f"{HEAVY}&seed=5").config)
    _running(blocker)
    shared = workers.submit("preview", parse("units=24").config, owner=A)
    assert workers.submit("preview", parse("units=24").config, owner=B) is shared
    moved_on = workers.submit("preview", parse("units=25").config, owner=A)
    assert not shared.cancelled()  # B still waits for it
    workers.release(shared, B)  # B's tab closed, or B changed something
    assert shared.cancelled() and not moved_on.cancelled()
    anonymous = workers.submit("preview", parse("units=26").config)  # the command line, a lesson's check
    workers.submit("preview", parse("units=26").config, owner=B)
    workers.release(anonymous, B)
    assert not anonymous.cancelled() and anonymous.result(timeout=180).returns


@pytest.fixture(scope="module")
def pair():
    """An engine with two worker processes, as on the two-core server."""
    pool = engine.Engine(engine.Lane(workers=2, cache_bytes=50_000))
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not (len(pool._workers) == 2 and all(w.ready for w in pool._workers)):
        time.sleep(0.1)  # both warm (they warm one after the other)
    yield pool
    pool.close()


def test_one_browser_never_keeps_every_worker_busy(pair):
    hog = [pair.submit("run", parse(f"{HEAVY}&seed={10 + k}").config, owner=engine.Owner(f"hog-{k}", "browser-hog"))
           for k in range(4)]
    _running(hog[0])
    time.sleep(0.5)
    assert [f.running() for f in hog] == [True, False, False, False]  # a worker stays free for the others
    mine = pair.submit("preview", parse("units=27&seed=10").config, owner=B)
    _running(mine, 5)
    assert mine.running() or mine.done()
    assert sum(f.running() for f in hog) <= pair.lane.share  # the hog's next may start once its first is done
    assert mine.result(timeout=60).returns
    for k, future in enumerate(hog):
        pair.release(future, engine.Owner(f"hog-{k}", "browser-hog"))


def test_a_worker_grown_while_idle_is_replaced(monkeypatch):
    monkeypatch.setattr(engine, "IDLE_S", 1.0)
    pool = engine.Engine(engine.Lane(workers=1, idle_growth_mb=1.0, cache_bytes=50_000))
    try:
        pool.submit("run", parse(f"{HEAVY}&seed=20").config).result(timeout=180)  # grows the worker
        grown = pool.pids()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (pool.pids() == grown or not pool._workers[0].ready):
            time.sleep(0.1)
        assert pool.stats["recycled"] >= 1 and pool.pids() != grown
        assert pool._workers[0].rss_mb < pool._workers[0].warm_mb + 150
    finally:
        pool.close()


def _until(condition, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_server_starts_one_tensorflow_however_many_tasks_wait_for_its_warm_up():
    """The playground's lane at start: the tasks queued while its first worker imports TensorFlow wait for it
    (a second TensorFlow starting at the same time would only slow both); Keras's answers are the same."""
    pool = engine.Engine(dataclasses.replace(engine.PLAYGROUND, cache_bytes=50_000))
    try:
        configs = [parse(f"units={units}&timesteps=2&batch=2&seed=22").config for units in (3, 4)]
        answers = [pool.submit("run", config) for config in configs]
        for config, answer in zip(configs, answers):
            for a, b in zip(answer.result(timeout=180).returns, run(config).returns, strict=True):
                np.testing.assert_array_equal(a.value, b.value)
        assert len(pool.pids()) == 1
    finally:
        pool.close()


def test_a_spare_worker_starts_while_the_standing_one_is_busy_and_ends_when_idle(monkeypatch):
    """One worker at rest; a visitor who waits behind another's long task gets a second, which ends once idle."""
    monkeypatch.setattr(engine, "NEED_S", 0.3)  # the long task surely lasts longer
    pool = engine.Engine(engine.Lane(workers=2, standing=1, linger_s=5.0, cache_bytes=50_000))
    try:
        _until(pool.warm)
        standing = pool.pids()
        assert len(standing) == 1
        long = pool.submit("run", parse(f"{HEAVIER}&seed=23").config, owner=A)
        _running(long)
        config = parse("units=9&seed=23").config
        mine = pool.submit("run", config, owner=B)
        answer = mine.result(timeout=180)
        assert len(pool.pids()) == 2  # it waited behind the long task: a spare started
        for a, b in zip(answer.returns, run(config).returns, strict=True):
            np.testing.assert_array_equal(a.value, b.value)
        long.result(timeout=180)
        _until(lambda: len(pool.pids()) == 1)
        assert pool.pids() == standing and pool.stats["retired"] == 1
    finally:
        pool.close()


def test_a_second_browser_on_the_playground_starts_the_spare_and_it_ends_once_both_have_gone():
    """Two people on the playground keep two workers (one of them losing its worker never stops the other's
    answers for TensorFlow's start); one alone, or nobody for linger_s, keeps one."""
    pool = engine.Engine(engine.Lane(workers=2, standing=1, linger_s=5.0, cache_bytes=50_000))
    try:
        _until(pool.warm)
        pool.present(A)
        time.sleep(2 * engine.LIVENESS_S)
        assert len(pool.pids()) == 1  # one browser: one worker
        pool.present(B)
        _until(lambda: len(pool.pids()) == 2 and all(w.ready for w in pool._workers))
        assert len(pool.pids()) == 2
        standing, spare = pool.pids()
        os.kill(standing, signal.SIGKILL)
        config = parse("units=8&seed=24").config
        answer = pool.submit("run", config, owner=B).result(timeout=60)
        for a, b in zip(answer.returns, run(config).returns, strict=True):
            np.testing.assert_array_equal(a.value, b.value)
        _until(lambda: len(pool.pids()) == 1, seconds=60)
        assert spare not in pool.pids() and standing not in pool.pids() and pool.stats["retired"] == 1
    finally:
        pool.close()


def test_a_worker_idle_past_its_lanes_linger_ends_and_the_next_task_starts_one():
    pool = engine.Engine(engine.Lane(workers=1, standing=0, linger_s=1.0, cache_bytes=50_000))
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not pool.warm():
            time.sleep(0.1)
        first = pool.pids()
        while time.monotonic() < deadline and pool.pids():
            time.sleep(0.1)
        gone = [pid for pid in first if os.path.exists(f"/proc/{pid}")]
        assert pool.pids() == [] and pool.stats["retired"] == 1 and not pool.warm() and gone == []
        config = parse("units=3&seed=21").config
        there = pool.submit("run", config).result(timeout=180)
        assert len(pool.pids()) == 1 and pool.pids() != first and pool.stats["tasks"] == 1
        for a, b in zip(there.returns, run(config).returns, strict=True):
            np.testing.assert_array_equal(a.value, b.value)
    finally:
        pool.close()


def test_a_reply_that_came_too_late_is_never_taken_for_the_next_tasks(monkeypatch):
    """A worker whose warm-up ran past the time allowed keeps taking tasks: the late reply of its warm-up (a
    version string) must not be read as the answer to the task after it."""
    worker = engine._Worker(multiprocessing.get_context("spawn"), engine.Lane(workers=1))
    try:
        monkeypatch.setattr(engine, "START_S", 0.01)
        with pytest.raises(engine.WorkerLost, match="did not start in time"):
            worker.ask("warm", (), None)
        monkeypatch.setattr(engine, "START_S", 180.0)
        assert worker.ask("loaded", (("keras",),), None)["imported"] == ["keras"]
        config = parse("units=2&seed=22").config
        assert worker.ask("run", (config,), None).config == config
    finally:
        worker.close()


def test_only_the_newest_confirmations_wait(workers):
    blocker = workers.submit("run", parse("units=128&timesteps=200&batch=64&depth=2").config)
    while not blocker.running():
        pass
    waiting = [workers.submit("run", parse(f"units={u}&seed=5").config, priority=engine.CONFIRM)
               for u in range(1, engine.MAX_CONFIRMS + 6)]
    dropped = [f for f in waiting if f.cancelled()]
    assert len(dropped) == 5 and all(f in waiting[:5] for f in dropped)  # the oldest go
    with pytest.raises(CancelledError):
        dropped[0].result()


def test_unknown_tasks_are_refused(workers):
    with pytest.raises(KeyError):
        workers.submit("os.system", "true")


def test_a_task_its_caller_gave_up_on_is_never_run(workers):
    blocker = workers.submit("run", parse("units=128&timesteps=200&batch=64&depth=2&seed=6").config)
    while not blocker.running():
        pass
    given_up = workers.submit("preview", parse("units=9&seed=6").config)
    assert given_up.cancel()
    blocker.result(timeout=120)
    assert workers.submit("preview", parse("units=10&seed=6").config).result(timeout=120).returns
    assert not workers.cached("preview", parse("units=9&seed=6").config)[0]  # never computed
    again = workers.submit("preview", parse("units=9&seed=6").config)  # asked again: computed now
    assert again is not given_up and again.result(timeout=120).returns


def test_past_its_ceiling_an_allocation_fails_and_below_it_succeeds():
    script = ("from rnnlab.engine import _limit_memory; import numpy as np; _limit_memory(200); "
              "np.ones(100 * 2**20 // 8); print('below: allocated'); np.ones(400 * 2**20 // 8)")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert "below: allocated" in proc.stdout
    assert proc.returncode != 0 and "MemoryError" in proc.stderr


WORST_PASTE = "model = keras.Sequential([keras.layers.Reshape((1024, 1024)), keras.layers.LSTM(1024), " \
              "keras.layers.Dense(1)])"


@pytest.fixture(scope="module")
def doctor_lane():
    """The doctor's own engine, as the server runs it: its own workers, memory bounded."""
    pool = engine.Engine(engine.DOCTOR)
    pool.submit("warm").result(timeout=180)
    yield pool
    pool.close()


def test_the_largest_paste_is_bounded_and_never_holds_up_the_playground(workers, doctor_lane):
    pasted = doctor_lane.submit("diagnose", WORST_PASTE, "4,1024,1024", "4,1", "mse", timeout=9)
    while not pasted.running():
        pass
    answer = workers.submit("preview", parse("units=11&seed=7").config).result(timeout=120)
    assert answer.returns and not pasted.done()  # the playground's answer came while the doctor worked
    try:
        diagnosis = pasted.result(timeout=60)
    except engine.WorkerLost as lost:  # stopped at its time or memory limit, said plainly
        assert "longer than 9 s" in str(lost) or "MB of memory" in str(lost)
    else:
        assert diagnosis.problems or diagnosis.layer_shapes
    assert doctor_lane.submit("diagnose", "model = keras.Sequential([keras.layers.LSTM(4)])", "8,5,2", "8,4",
                              "mse", timeout=60).result(timeout=180).layer_shapes


def test_killed_doctor_workers_are_replaced_and_no_paste_is_blamed(doctor_lane):
    pasted = doctor_lane.submit("diagnose", "model = keras.Sequential([keras.layers.LSTM(6)])", "8,5,2", "8,6",
                                "mse", timeout=60)
    _running(pasted)
    for pid in doctor_lane.pids():
        os.kill(pid, signal.SIGKILL)
    following = doctor_lane.submit("diagnose", "model = keras.Sequential([keras.layers.GRU(3)])", "8,5,2", "8,3",
                                   "mse", timeout=60)  # at once, before the kills have landed
    assert pasted.result(timeout=180).layer_shapes
    assert following.result(timeout=180).layer_shapes


def test_a_tabs_own_tasks_are_not_other_requests_ahead_of_it(workers):
    """A server busy only with this tab: its own newer confirmation (they run newest first) is not '1 other
    request ahead of yours'; for another tab it is."""
    blocker = workers.submit("run", parse(f"{HEAVY}&seed=40").config)
    _running(blocker)
    older = workers.submit("run", parse("units=41&seed=40").config, owner=A, priority=engine.CONFIRM)
    newer = workers.submit("run", parse("units=42&seed=40").config, owner=A, priority=engine.CONFIRM)
    assert workers.ahead_of(older, A) == 0 and workers.ahead_of(older, B) == 1
    for future in (older, newer):
        assert future.result(timeout=180).returns


def test_the_servers_own_tasks_are_not_other_visitors_requests(workers):
    blocker = workers.submit("run", parse(f"{HEAVY}&seed=30").config)
    _running(blocker)
    own = workers.submit("preview", parse("units=31&seed=30").config)  # the server's warm-up, say: nobody's
    theirs = workers.submit("preview", parse("units=32&seed=30").config, owner=A)
    mine = workers.submit("preview", parse("units=33&seed=30").config, owner=B)
    assert workers.ahead_of(mine) == 1  # A's request; not the server's own
    for future in (own, theirs, mine):
        assert future.result(timeout=180).returns


def test_the_workers_of_an_engine_warm_up_one_after_another(pair):
    """Alone, the first worker imports TensorFlow sooner (a fresh server's first answer); the second follows."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not all(w.warmed for w in pair._workers):
        time.sleep(0.2)
    first, second = sorted(w.warmed for w in pair._workers)
    assert first[1] <= second[0]


def test_a_worker_runs_its_lanes_steps_below_the_server_from_its_start_and_not_twice_that(workers):
    """Lowered by the server as it is started (its own start-up yields to the server's); lowering it again
    changes nothing."""
    server = os.getpriority(os.PRIO_PROCESS, 0)
    assert [os.getpriority(os.PRIO_PROCESS, pid) for pid in workers.pids()] == [min(19, server + workers.lane.nice)]
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        engine.lower_priority(sleeper.pid, 5)
        engine.lower_priority(sleeper.pid, 5)
        assert os.getpriority(os.PRIO_PROCESS, sleeper.pid) == min(19, server + 5)
    finally:
        sleeper.kill()
        sleeper.wait()


def _status(pid: int) -> dict[str, str]:
    with open(f"/proc/{pid}/status") as status:
        return dict(line.rstrip("\n").split(":\t", 1) for line in status if ":\t" in line)


def _memory_mb(pid: int) -> dict[str, float]:
    """The process's resident, proportional and own (private) memory in MB, from /proc/<pid>/smaps_rollup."""
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        kb = {line.split()[0].rstrip(":"): int(line.split()[1]) for line in rollup if line.split()[-1] == "kB"}
    return {"rss": kb["Rss"] / 1024, "pss": kb["Pss"] / 1024,
            "own": (kb["Private_Clean"] + kb["Private_Dirty"]) / 1024}


def test_every_worker_is_forked_from_one_process_that_holds_tensorflow_for_them_all(workers):
    """One fork server, below the server's priority, has TensorFlow's library loaded; each worker (of every
    engine) is forked from it, shares its pages, and answers what Keras returns in this process."""
    other = engine.Engine(engine.Lane(workers=1, nice=15))
    try:
        config = parse("units=9&seed=31&return_state=true").config
        answers = [pool.submit("run", config).result(timeout=180) for pool in (workers, other)]
        pids = workers.pids() + other.pids()
        parents = {int(_status(pid)["PPid"]) for pid in pids}
        assert len(parents) == 1 and os.getpid() not in parents
        (zygote,) = parents
        with open(f"/proc/{zygote}/maps") as maps:
            assert "_pywrap_tensorflow_internal" in maps.read()
        assert os.getpriority(os.PRIO_PROCESS, zygote) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + engine.NICE)
        for pid in pids:
            memory = _memory_mb(pid)
            assert memory["own"] < memory["rss"] / 2, memory  # TensorFlow's pages are the fork server's, shared
        for answer in answers:
            for a, b in zip(answer.returns, run(config).returns, strict=True):
                np.testing.assert_array_equal(a.value, b.value)
    finally:
        other.close()


def _own_mb_around_a_collection(answers) -> None:
    """In a worker: its own memory before and after a full garbage collection."""
    import gc

    before = _memory_mb(os.getpid())["own"]
    gc.collect()
    answers.put((before, _memory_mb(os.getpid())["own"]))


def test_a_workers_garbage_collection_leaves_the_fork_servers_pages_shared():
    """A full collection marks every object it scans: were the fork server's imported objects (tens of MB of
    Python objects: TensorFlow's, Keras's) in its reach, each worker would copy every page of them."""
    forking = spawning.context(engine.NICE)
    answers = forking.Queue()
    with spawning.bare_main():
        worker = forking.Process(target=_own_mb_around_a_collection, args=(answers,))
        worker.start()
    try:
        before, after = answers.get(timeout=300)
    finally:
        worker.join(timeout=60)
    assert after - before < 10, (before, after)


def test_what_the_fork_server_imports_starts_none_of_tensorflows_runtime():
    """A fork copies only the thread that forks: TensorFlow's runtime (its thread pools) must start in each
    worker, never in the fork server. Importing what the fork server imports initializes none of it."""
    code = ("import rnnlab.zygote\n"
            "from tensorflow.python.eager import context\n"
            "print('initialized', context.context()._initialized, context.context()._context_handle is not None)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert "initialized False False" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
