"""The settings table: any query gives a valid value and readable notices, limits between settings are applied, and
a value survives the round trip through its query."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnlab.settings import ConfigError, Notice, Table, setting
from rnnlab.training import settings as training


@dataclass(frozen=True)
class Window:
    size: int = setting(8, "How many steps a window holds.", 1, 64)
    stride: int = setting(1, "How far the next window starts.", 1, 64)
    rate: float = setting(0.5, "A fraction.", high=1)
    shape: str = setting("square", "Its shape.", choices=("square", "round"))
    closed: bool = setting(False, "Whether it is closed.")
    marks: tuple[int, ...] = setting((), "Where it is marked.", 0, 9, most=3, distinct=True)


def _stride_within_size(window: Window, notices: list[Notice]) -> Window:
    if window.stride <= window.size:
        return window
    notices.append(Notice(f"stride={window.stride} is past size={window.size}", f"using stride={window.size}"))
    return dataclasses.replace(window, stride=window.size)


TABLE = Table(Window, noun="window setting", limits=_stride_within_size)


def test_a_query_is_read_into_a_typed_value_and_written_back_without_its_defaults():
    read = TABLE.read("size=16&rate=0.25&shape=ROUND&closed=1&marks=3,1")
    assert read.value == Window(size=16, rate=0.25, shape="round", closed=True, marks=(3, 1)) and not read.notices
    assert TABLE.query(read.value) == {"size": "16", "rate": "0.25", "shape": "round", "closed": "true",
                                       "marks": "3,1"}
    assert TABLE.read(urlencode(TABLE.query(read.value))).value == read.value


@pytest.mark.parametrize("query, problem", [
    ("size=0", "size=0 is outside 1..64"),
    ("size=ten", "size='ten' is not a whole number"),
    ("rate=2", "rate=2 must be above 0 and at most 1"),
    ("rate=nan", "rate must be a number"),
    ("shape=oval", "shape='oval' is not one of square, round"),
    ("closed=maybe", "closed='maybe' is not true/false/1/0"),
    ("colour=red", "unknown window setting 'colour'"),
])
def test_a_bad_value_takes_its_default_with_a_notice_naming_it(query, problem):
    read = TABLE.read(query)
    assert read.value == Window() and read.problems == [problem]
    with pytest.raises(ConfigError, match=problem.split("=")[0]):
        read.strict()


def test_a_list_keeps_its_allowed_entries_and_names_the_others():
    read = TABLE.read("marks=2,2,x,11,4,5,6")
    assert read.value.marks == (2, 4, 5)
    assert "listed more than once" in read.problems[0] and "set aside" in read.problems[0]


def test_values_allowed_alone_but_not_together_are_fitted_with_a_notice():
    read = TABLE.read("size=4&stride=9")
    assert (read.value.size, read.value.stride) == (4, 4)
    assert [str(n) for n in read.notices] == ["stride=9 is past size=4; using stride=4"]


def test_typed_values_of_the_wrong_type_fall_back():
    read = TABLE.resolve({"size": "8", "closed": 1, "rate": True})
    assert read.value == Window() and len(read.notices) == 3


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([*training.TRAIN, "x", ""]), st.text(max_size=30)), max_size=12))
def test_any_query_gives_valid_training_settings_and_readable_notices(pairs):
    read = training.parse(urlencode(pairs))
    assert training.check(dataclasses.asdict(read.value)).notices == ()
    assert all(len(problem) < 200 for problem in read.problems)
