"""Keras's own results kept on disk: a restarted server answers from them, and only with what the same Keras and
the same code made."""

import logging

import numpy as np
import pytest

from rnnlab import engine, shelf
from rnnlab.params import parse


@pytest.fixture
def config():
    return parse("units=5&timesteps=4&return_sequences=true&return_state=true&seed=7").config


def test_a_restarted_engine_answers_keras_s_run_from_disk_without_a_worker(tmp_path, config):
    first = engine.Engine(engine.Lane(workers=1), shelf.Shelf(tmp_path, limit=64 * 2**20))
    try:
        computed = first.submit("run", config).result(timeout=300)
    finally:
        first.close()
    restarted = engine.Engine(engine.Lane(workers=1), shelf.Shelf(tmp_path, limit=64 * 2**20))
    try:
        hit, kept = restarted.cached("run", config)
        assert hit and restarted.stats["tasks"] == 0  # read from disk: no worker computed it
        assert kept.confirmed
        inline = engine.compute("run", config)  # what the installed Keras returns now, in this process
        assert [r.name for r in kept.returns] == [r.name for r in inline.returns]
        for was, now, fresh in zip(computed.returns, kept.returns, inline.returns):
            assert np.array_equal(was.value, now.value) and np.allclose(now.value, fresh.value, atol=1e-6)
    finally:
        restarted.close()


def test_a_result_made_by_another_keras_or_other_code_is_not_read_back(tmp_path, monkeypatch, config):
    kept = shelf.Shelf(tmp_path, limit=16 * 2**20)
    kept.put(("run", config), "made by the versions installed now")
    assert kept.get(("run", config)) == (True, "made by the versions installed now")
    monkeypatch.setattr(shelf, "made_by", lambda: "keras 3.99.0, tensorflow 2.99, numpy 9, rnnlab 0")
    assert kept.get(("run", config)) == (False, None)


def test_only_results_that_depend_on_their_arguments_alone_are_kept(tmp_path, config):
    kept = shelf.Shelf(tmp_path, limit=16 * 2**20)
    for task in ("preview", "diagnose", "train", "describe"):
        kept.put((task, config), "value")
        assert kept.get((task, config)) == (False, None)
    kept.put(("run", config), "value")
    kept.put(("run", parse("units=6").config), "other")
    assert kept.get(("run", config)) == (True, "value")


def test_the_folder_stays_within_its_bound_in_bytes(tmp_path):
    limit = 8 * 2**20
    kept = shelf.Shelf(tmp_path, limit=limit)
    for units in range(1, 81):  # 80 results of 256 kB: two and a half times the bound
        kept.put(("run", parse(f"units={units}").config), np.full(32 * 1024, units, dtype=np.float64))
    assert kept.disk.volume() <= limit
    assert kept.get(("run", parse("units=80").config))[0]  # the newest stays, the oldest went
    assert not kept.get(("run", parse("units=1").config))[0]


def test_a_bad_setting_leaves_the_server_without_a_shelf_or_with_the_default_bound(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(shelf.FOLDER, "off")
    assert shelf.from_environment() is None
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    monkeypatch.setenv(shelf.FOLDER, str(blocked / "results"))
    with caplog.at_level(logging.WARNING):
        assert shelf.from_environment() is None
    assert "not kept on disk" in caplog.text
    monkeypatch.setenv(shelf.FOLDER, str(tmp_path / "results"))
    monkeypatch.setenv(shelf.LIMIT_MB, "lots")
    with caplog.at_level(logging.WARNING):
        made = shelf.from_environment()
    assert made is not None and made.disk.size_limit == shelf.DEFAULT_MB * 2**20
    assert "RNNLAB_RESULTS_MB" in caplog.text
