"""Classroom links in AppTest: hidden and locked controls, answers kept for Reveal, the link builder."""

import pytest
from streamlit.testing.v1 import AppTest

from rnnlab import lessons
from tests.app.charts import charts
from tests.app.test_playground_app import expected_shapes, open_app, shapes_listed

LINK = {"units": "8", "return_state": "true", "hide": "return_state,units", "lock": "return_sequences",
        "reveal": "true"}


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def has_widget(at: AppTest, key: str) -> bool:
    return any(getattr(w, "key", None) == key for kind in ("toggle", "slider", "selectbox", "number_input")
               for w in at.get(kind))


def test_hidden_controls_are_gone_and_keep_the_links_values_locked_ones_are_greyed_out():
    at = open_app(LINK)
    assert not at.exception
    assert not has_widget(at, "units") and not has_widget(at, "return_state")
    assert at.toggle(key="return_sequences").disabled
    assert not at.slider(key="timesteps").disabled
    at.slider(key="timesteps").set_value(5).run()  # another control changes: the hidden ones stay as linked
    assert not at.exception
    for key, value in LINK.items():
        assert at.query_params[key] in (value, [value])
    assert "LSTM(8, return_state=True)" in at.code[0].value


def test_answers_stay_hidden_until_reveal_then_show_what_keras_returns():
    at = open_app(LINK)
    query = "units=8&return_state=true"
    assert not any(s.value == "What Keras returns" for s in (*at.header, *at.subheader))
    assert not charts(at)
    assert not any(shape in "\n".join(c.value for c in at.code) for shape in expected_shapes(query))
    next(t for t in at.text_input if t.label == "Every shape returned, in order").input("(32, 8)")
    button(at, "Check").click().run()  # Check: wrong (three tensors), without saying how many
    assert at.error and "different number of tensors" in at.error[0].value
    button(at, "Reveal the answers").click().run()
    assert not at.exception
    assert shapes_listed(at) == expected_shapes(query)
    assert charts(at)


def test_a_lesson_kept_for_reveal_hides_its_shapes_and_its_picker():
    lesson = lessons.find("padding-and-masking")  # its text holds numbers from Keras that wait for Reveal
    at = open_app().switch_page("pages/lessons.py")
    for key, value in {"lesson": lesson.slug, "reveal": "true", "hide": "lesson"}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception and not at.selectbox
    text = "\n".join(m.value for m in (*at.markdown, *at.code))
    shapes = [str(s) for s in lessons.shapes_of(lesson.preset)]
    assert lessons.HIDDEN in text and not any(s in text for s in shapes)
    button(at, "Reveal the answers").click().run()
    text = "\n".join(m.value for m in (*at.markdown, *at.code))
    assert all(s in text for s in shapes)


def test_the_builder_makes_the_link_a_teacher_asked_for():
    at = open_app()
    at = at.switch_page("pages/classroom.py").run()
    assert not at.exception
    at.tabs[1].radio[0].set_value("the playground").run()
    at.tabs[1].text_input[0].input("http://any.host/?units=8&return_sequences=true").run()
    at.tabs[1].multiselect[0].set_value(["return_state", "units"]).run()
    at.tabs[1].multiselect[1].set_value(["return_sequences"]).run()
    url = at.tabs[1].code[-1].value
    assert "units=8" in url and "return_sequences=true" in url
    assert "hide=return_state,units" in url and "lock=return_sequences" in url and "reveal=true" in url


def test_the_builder_makes_a_train_page_link_that_hides_a_training_setting():
    at = open_app().switch_page("pages/classroom.py").run()
    at.tabs[1].radio[0].set_value("the Train page").run()
    at.tabs[1].text_input[0].input("http://any.host/train?units=8&head=dense&epochs=3").run()
    at.tabs[1].multiselect[0].set_value(["epochs"]).run()
    assert not at.exception and not at.tabs[1].warning
    url = at.tabs[1].code[-1].value
    assert "/train?" in url and "units=8" in url and "epochs=3" in url and "hide=epochs" in url


def open_builder() -> AppTest:
    at = open_app().switch_page("pages/classroom.py").run()
    assert not at.exception
    return at


def test_the_builder_warns_that_students_cannot_open_a_localhost_link_and_takes_the_class_address():
    at = open_builder()  # AppTest, like a teacher on the machine that serves the app, is on localhost
    address = at.text_input(key="classroom_base")
    assert address.value.startswith("http://localhost")
    assert any("students cannot open it" in w.value for w in at.warning)
    address.input("https://rnnlab.school.example/lab/").run()
    assert not at.exception and not at.warning
    assert at.tabs[1].code[-1].value.startswith("https://rnnlab.school.example/lab/lessons?lesson=")
    address.input("http://127.0.0.1:8501").run()
    assert any("students cannot open it" in w.value for w in at.warning)


@pytest.mark.parametrize("typed", ["javascript:alert(1)", "[click](http://evil.example)", "http://evil.example/<img>",
                                   "http://user:pw@evil.example", "ftp://host", "https://host/?units=8"])
def test_an_address_that_is_not_plain_http_is_refused_without_being_shown(typed):
    at = open_builder()
    at.text_input(key="classroom_base").input(typed).run()
    assert not at.exception
    assert at.error and "cannot be used" in at.error[0].value
    shown = "\n".join(str(e.value) for e in (*at.markdown, *at.error, *at.warning, *at.caption, *at.code))
    assert typed[:20] not in shown  # never quoted back, never rendered
    assert at.tabs[1].code[-1].value.startswith("http://localhost")  # the link keeps the page's own address


def test_the_embed_tab_goes_down_one_heading_level_at_a_time():
    """The page's title is h1: the tab's own heading is h2, not h3."""
    at = open_builder()
    assert at.tabs[2].header and not at.tabs[2].subheader
