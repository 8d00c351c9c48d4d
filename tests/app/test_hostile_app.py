"""Hostile addresses: every page opened with query strings meant to break it shows notices, never an exception."""

import pytest

from tests.helpers import GROUPS_OPEN, open_page

HOSTILE = [
    "units=99999999999999999999999999&timesteps=-5&batch=0",
    "units=1e9&features=NaN&seed=-1",
    "units=%00&layer=%3Cscript%3Ealert(1)%3C/script%3E",
    "layer=lstm&layer=gru&layer=transformer&units=8&units=9",
    "lengths=" + ",".join(["500"] * 300),
    "lengths=-1,0,abc&padding=sideways&mask=maybe",
    "return_sequences=" + "x" * 5000,
    "ünits=８&ｕｎｉｔｓ=8&units=٣",
    "depth=3&bidirectional=true&merge_mode=none&stateful=true&lengths=3,2&units=512&timesteps=500&batch=256",
    "sample=999&step=-1&unit=100000&part=99&show=1,2,3,1000000",
    "hide=" + ",".join(["units"] * 500) + "&lock=../../etc/passwd&reveal=2&present=yes%0A",
    "hide=lesson&lesson=../../../etc/passwd",
    "&&&=&==&%%%&?&#&units",
    "head=time_distributed&head_units=65&head_activation=softmax",
    "task=%F0%9F%92%A5&epochs=100000&learning_rate=-1&optimizer=__import__('os')&samples=1e99",
    "task=echo&epochs=50&learning_rate=nan&batch=0&return_state=true",
    "show=" + ",".join(map(str, range(16))),
    "show=" + ",".join(["3"] * 40) + "&lengths=" + ",".join(map(str, range(1, 40))),
    "show=-1,-2,99999999999999999999999999,1e9,0x10,%00&lengths=4,4,4,-4,99999999999999999999",
    "show=" + ",".join(map(str, range(600))) + "&units=512",
    "hide=" + ",".join(["units"] * 40 + ["return_state", "show"]) + "&lock=" + ",".join(["-1"] * 40 + ["show"]),
    "quiz_seed=-1&level=expert",
    "quiz_seed=" + "9" * 400 + "&quiz_seed=abc",
    "focus=<img src=x onerror=alert(1)>&tour=99&focus=states",
    "focus=states&tour=-1&layer=gru&go_backwards=true&stateful=true&return_state=true&return_sequences=true&depth=3",
]
PAGES = ["pages/playground.py", "pages/lessons.py", "pages/quiz.py", "pages/doctor.py", "pages/train.py",
         "pages/classroom.py"]


def query_pairs(query: str) -> dict[str, list[str]]:
    from urllib.parse import parse_qsl

    pairs: dict[str, list[str]] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        pairs.setdefault(key, []).append(value)
    return pairs


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("page", PAGES)
def test_a_hostile_address_shows_no_exception(page, query):
    at = open_page(page, query_pairs(query))
    assert not at.exception, [e.value for e in at.exception]
    if page == "pages/playground.py" and query_pairs(query):
        assert at.warning, "whatever was set aside is named in a notice"


def test_a_learners_text_in_a_notice_is_quoted_as_code_never_read_as_markdown():
    """An image in a link's value must not make the browser fetch it, nor a link in a key look like ours."""
    import re

    image, link = "![x](http://127.0.0.1:9999/i)", "[Log in](http://evil.example/)"
    at = open_page(query={"units": image, link: "1"})
    assert not at.exception
    notice = at.warning[0].value
    spans = [m.group(2) for m in re.finditer(r"(`+)(.+?)\1", notice)]
    for text in (image, link):
        assert any(text in span for span in spans), notice
        assert text not in re.sub(r"(`+)(.+?)\1", "", notice), notice  # nowhere outside a code span


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_a_non_finite_seed_sent_by_a_client_falls_back_and_the_session_goes_on(number):
    at = open_page(state=GROUPS_OPEN)
    default = at.number_input(key="seed").value
    at.number_input(key="seed").set_value(number).run()
    assert not at.exception and at.number_input(key="seed").value == default
    at.slider(key="units").set_value(7).run()  # the next change is answered as usual
    assert not at.exception and at.slider(key="units").value == 7
