"""The articles' page in AppTest: each example's code, what Keras did with it, every claim with the measured facts
from the engine, the fix where the code fails, the links; a bad address and a lost worker are plain messages."""

from __future__ import annotations

import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from rnnlab import engine
from rnnlab.articles import BY_ID, EXAMPLES
from rnnlab.learner_text import escape
from tests.conftest import ROOT
from tests.helpers import open_page, plain
from ui import article_view
from ui.runs import playground


def open_articles(example_id: str | None = None) -> AppTest:
    at = open_page("pages/articles.py", {} if example_id is None else {"example": example_id})
    assert not at.exception
    return at


def text_of(at: AppTest) -> str:
    return plain("\n".join(str(e.value) for e in (*at.markdown, *at.code, *at.caption, *at.error, *at.success,
                                                  *at.warning)))


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_each_example_shows_its_code_keras_outcome_and_every_claim_with_its_facts(example):
    at = open_articles(example.id)
    assert at.header[0].value == f"{example.number}. {example.shown_title}"
    codes = [c.value.strip() for c in at.code]
    assert example.code.strip() in codes and example.corrected.strip() in codes
    hit, evidence = playground().cached("article", example.id)  # what the page was given
    assert hit and evidence.example == example.id
    text = text_of(at)
    for claim in example.claims:
        for fact in evidence.checks[claim.check].facts:
            assert escape(fact) in text
    assert "did not come out as the page says" not in text
    if example.fix is None:
        assert at.success[0].value.startswith("The article's code runs as written on Keras")
    else:
        assert "does not run as written" in at.error[0].value
        assert evidence.as_written.error in codes
        assert "The smallest fix" in [s.value for s in at.subheader]
    assert at.query_params["example"] == example.id


def test_the_picker_moves_between_examples():
    at = open_articles()
    assert at.header[0].value.startswith("1. Single prediction")
    at.selectbox[0].select_index(5).run()
    assert at.header[0].value == f"3. {BY_ID['steps-3'].shown_title}"
    assert at.query_params["example"] == "steps-3"


def test_an_unknown_example_in_the_address_falls_back_to_the_first_with_a_notice():
    at = open_articles("![x](http://example.com/x.png)")
    assert "There is no example" in at.warning[0].value and "`![x](http://example.com/x.png)`" in at.warning[0].value
    assert at.header[0].value.startswith("1. ")


@pytest.mark.parametrize("values", [["shape-1", "steps-3"], ["x" * 5000], ["\x00`|$x$:smile:"], [""]])
def test_a_hostile_example_in_the_address_shows_no_exception(values):
    at = open_page("pages/articles.py", {"example": values})
    assert not at.exception
    assert at.header and at.query_params["example"] in [e.id for e in EXAMPLES]


def test_the_doctor_button_opens_the_doctor_with_the_example_diagnosed():
    at = open_articles("shape-2")
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Shape doctor"
    assert at.text_area(key="doctor_code").value == BY_ID["shape-2"].code
    assert (at.text_input(key="doctor_x").value, at.text_input(key="doctor_y").value) == ("32,10,3", "32,1")
    assert at.session_state["doctor_asked"] == (BY_ID["shape-2"].code, "32,10,3", "32,1", "mse")
    assert at.error  # the diagnosis is shown at once: a problem (or, on a machine too busy, the doctor's time limit)


def test_a_lost_worker_is_a_plain_message(monkeypatch):
    def lost(*args, **kwargs):
        raise engine.WorkerLost("the process computing it ended unexpectedly")

    monkeypatch.setattr(article_view.engine, "running", lambda: type("Lost", (), {"submit": lost})())
    at = open_articles("steps-3")
    assert "could not be run just now: the process computing it ended unexpectedly" in at.error[0].value
    assert not at.code and not at.exception


def test_the_page_module_loads_no_tensorflow_in_the_web_server():
    code = "import sys, ui.article_view; sys.exit('tensorflow' in sys.modules or 'keras' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
