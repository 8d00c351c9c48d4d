"""The shape doctor page in AppTest: examples loaded, diagnoses shown with the checked fix, bad input refused, and
models assembled with widgets from the parameter table diagnosed like pasted code."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import ui.doctor_view
from rnnlab import doctor
from rnnlab.doctor import assemble
from rnnlab.doctor.examples import all_examples
from rnnlab.learner_text import message
from tests.conftest import ROOT
from rnnlab.glossary import defined
from tests.helpers import open_page, plain
from ui import doctor_view
from rnnlab import engine


def open_doctor() -> AppTest:
    at = open_page("pages/doctor.py")
    assert not at.exception
    return at


def diagnose_on_page(at: AppTest, code: str | None = None, x: str | None = None, y: str | None = None) -> AppTest:
    if code is not None:
        at.text_area(key="doctor_code").input(code)
    if x is not None:
        at.text_input(key="doctor_x").input(x)
    if y is not None:
        at.text_input(key="doctor_y").input(y)
    at.button[0].click().run()
    assert not at.exception
    return at


def page_text(at: AppTest) -> str:
    return plain("\n".join(str(e.value) for e in (*at.markdown, *at.code, *at.caption, *at.error, *at.success,
                                                  *at.warning)))


def test_the_page_opens_with_example_1_ready():
    at = open_doctor()
    first = all_examples()[0]
    assert at.text_area(key="doctor_code").value == first.code
    assert (at.text_input(key="doctor_x").value, at.text_input(key="doctor_y").value) == (first.x_shape,
                                                                                        first.y_shape)
    assert at.selectbox(key="doctor_loss").value == first.loss
    assert at.info and not at.error and [b.label for b in at.button] == ["Diagnose"]


def test_example_1_shows_the_problem_keras_error_table_and_checked_fix():
    at = diagnose_on_page(open_doctor())
    first = all_examples()[0]
    expected = doctor.diagnose(first.code, first.x_shape, first.y_shape, first.loss)
    text = page_text(at)
    assert at.error[0].value == "1 problem and 1 warning found."  # both listed below, both counted
    assert "**2. The last layer returns a whole sequence** · line 10" in text
    assert "last_layer_returns_sequences" not in text and "input_shape_argument" not in text  # no ids
    for row in expected.layer_shapes:
        assert f"`{row.layer}` | `{', '.join(str(s) for s in row.shapes)}`" in text
    assert at.code[-1].value == expected.fixed_code.rstrip("\n")
    assert at.success[0].value == f"Checked with Keras: {message(expected.verification.summary)}"
    assert message("built: output (None, 1) matches y (118, 1); one training step ran") in at.success[0].value


def test_loading_example_5_shows_pythons_unpack_error_in_a_code_block():
    at = open_doctor()
    at.selectbox(key="doctor_example").select(all_examples()[4].slug).run()
    assert at.text_area(key="doctor_code").value == all_examples()[4].code
    assert at.text_input(key="doctor_y").value == "" and at.selectbox(key="doctor_loss").value == "(none)"
    at = diagnose_on_page(at)
    assert "too many values to unpack (expected 3)" in [c.value for c in at.code]
    assert "The wrong number of names to unpack" in page_text(at)


@pytest.mark.parametrize("code, x, said", [
    (None, "118,forty,2", "X shape `118,forty,2` is not a list of whole numbers"),
    ("model = Sequential([LSTM(4)", None, "line 1: this is not valid Python"),
    ("print('no model here')", None, "no Keras layers found"),
])
def test_bad_input_is_a_clear_error_not_a_traceback(code, x, said):
    at = diagnose_on_page(open_doctor(), code, x)
    assert len(at.error) == 1 and message(said) in at.error[0].value
    assert at.error[0].value.startswith("The doctor cannot diagnose this:")
    assert not at.code and not at.exception


def test_lines_the_doctor_does_not_understand_are_listed_not_run(tmp_path):
    mark = tmp_path / "ran"
    code = all_examples()[2].code + f'\nimport os\nos.system("touch {mark}")\n'
    at = diagnose_on_page(open_doctor(), code, "64,20,8", "64,1")
    assert not mark.exists()
    assert "Not understood (read, never run)" in [s.value for s in at.header]
    assert "A layer below another does not return sequences" in page_text(at)


def test_a_repeated_diagnosis_comes_from_the_cache():
    at = diagnose_on_page(open_doctor(), all_examples()[1].code, "1,6,31", "1,1")
    first, computed = page_text(at), engine.doctor().stats["tasks"]
    at = diagnose_on_page(at)
    assert engine.doctor().stats["tasks"] == computed and page_text(at) == first


# --- a model assembled with the parameter table's widgets ------------------------------------------

def assemble_mode(at: AppTest) -> AppTest:
    at.radio(key="doctor_mode").set_value(doctor_view.ASSEMBLE).run()
    assert not at.exception
    return at


def test_assemble_mode_shows_a_widget_for_every_row_the_model_needs():
    at = assemble_mode(open_doctor())
    shown = {w.key.removeprefix("doctor_arg_"): w for w in (*at.toggle, *at.selectbox, *at.slider)
             if w.key.startswith("doctor_arg_")}
    assert set(shown) == {p.name for p in assemble.PARAMS}
    for param in assemble.PARAMS:
        widget = shown[param.name]
        assert widget.label == param.name and widget.help == defined(param.help, param.name.lower())
        assert widget.disabled == (param.name in ("merge_mode", "inner_return_sequences", "head_units",
                                                  "head_activation", "batch"))
        if param.choices:
            assert tuple(widget.options) == param.choices
        elif param.kind is int:
            assert (widget.min, widget.max) == (param.low, param.high)
    # the first example's X (118, 45, 2) sets timesteps and features; X and y stay as they were
    assert (shown["timesteps"].value, shown["features"].value, shown["units"].value) == (45, 2, 64)
    assert (at.text_input(key="doctor_x").value, at.text_input(key="doctor_y").value) == ("118,45,2", "118,1")
    assert at.code[0].value == assemble.code(assemble.config({"timesteps": 45, "features": 2}), "mse").rstrip()
    assert [b.label for b in at.button] == ["Diagnose"] and at.info


def test_assembled_sequence_output_with_one_target_gets_the_same_diagnosis_as_pasted_code():
    at = assemble_mode(open_doctor())
    at.toggle(key="doctor_arg_return_sequences").set_value(True)
    at.selectbox(key="doctor_arg_head").set_value("dense")
    at.slider(key="doctor_arg_units").set_value(16).run()
    assert not at.slider(key="doctor_arg_head_units").disabled
    at.text_input(key="doctor_y").input("118,1").run()
    at.button(key="doctor_assemble").click().run()
    assert not at.exception
    code = at.code[0].value + "\n"
    assert "keras.layers.LSTM(16, return_sequences=True)" in code and "keras.Model(inputs, prediction)" in code
    expected = doctor.diagnose(code, "118,45,2", "118,1", "mse")
    pasted = doctor.diagnose("model = Sequential([Input((45, 2)), LSTM(16, return_sequences=True), Dense(1)])",
                             "118,45,2", "118,1", "mse")
    assert [p.kind for p in expected.problems] == [p.kind for p in pasted.problems] == \
        ["last_layer_returns_sequences"]
    assert at.error[0].value == "1 problem found."
    assert f"**1. The last layer returns a whole sequence** · line {expected.problems[0].line}" in page_text(at)
    assert at.code[-1].value == expected.fixed_code.rstrip("\n")
    assert at.success[0].value == f"Checked with Keras: {message(expected.verification.summary)}"


def test_x_follows_timesteps_and_features_and_a_change_asks_for_a_new_diagnosis():
    at = assemble_mode(open_doctor())
    at.button(key="doctor_assemble").click().run()
    assert at.error[0].value == "1 problem found." and "several_outputs" not in page_text(at)  # (None, 64) vs y
    at.slider(key="doctor_arg_timesteps").set_value(12)
    at.slider(key="doctor_arg_features").set_value(5).run()
    assert at.text_input(key="doctor_x").value == "118,12,5"  # the learner's samples are kept
    assert not at.error and at.info  # the diagnosis shown was of the model before the change
    assert "keras.Input(shape=(12, 5))" in at.code[0].value
    at.toggle(key="doctor_arg_stateful").set_value(True).run()
    assert not at.slider(key="doctor_arg_batch").disabled
    assert "keras.Input(batch_shape=(32, 12, 5))" in at.code[0].value


def test_switching_modes_keeps_both_inputs():
    at = diagnose_on_page(open_doctor(), all_examples()[2].code, "64,20,8", "64,1")
    at = assemble_mode(at)
    assert at.info and not at.error  # the pasted code's diagnosis is not shown for the assembled model
    at.selectbox(key="doctor_arg_layer").set_value("gru").run()
    at.radio(key="doctor_mode").set_value(doctor_view.PASTE).run()
    assert at.text_area(key="doctor_code").value == all_examples()[2].code
    assert at.text_input(key="doctor_x").value == "64,20,8"
    assert "A layer below another does not return sequences" in page_text(at)  # the pasted code's diagnosis is back
    at = assemble_mode(at)
    assert at.selectbox(key="doctor_arg_layer").value == "gru" and "keras.layers.GRU(64)" in at.code[0].value


@pytest.mark.parametrize("severities, said", [
    ((), "No shape problem found."),
    (("warning",), "No shape problem found; 1 warning below."),
    (("error",), "1 problem found."),
    (("warning", "error"), "1 problem and 1 warning found."),
    (("error", "error", "warning", "warning"), "2 problems and 2 warnings found."),
])
def test_the_header_counts_every_item_listed(severities, said):
    from rnnlab.doctor.rules import Problem

    assert doctor_view.headline([Problem("keras_error", "m", "f", None, s) for s in severities]) == said


def test_every_kind_of_problem_has_a_title_in_plain_words():
    import re

    from rnnlab.doctor.titles import TITLES, title
    from rnnlab.doctor.wording import WORDINGS

    kinds = {wording.partition(":")[0] for wording in WORDINGS}  # the problems said through the wordings' table
    for path in (ROOT / "rnnlab" / "doctor").glob("*.py"):
        for call in re.finditer(r'Problem\(\s*((?:"[a-z0-9_]+"(?:\s+if\s+\w+\s+else\s+)?)+)', path.read_text()):
            kinds |= set(re.findall(r'"([a-z0-9_]+)"', call[1]))
    assert len(kinds) > 30
    assert kinds <= set(TITLES), kinds - set(TITLES)
    assert not any(kind in text for kind in kinds for text in TITLES.values())  # words, not ids
    assert title("a_new_kind") == "A new kind"


def test_a_model_partly_unread_is_shown_as_unsure_naming_the_lines():
    code = "inp = Input((10, 3))\nx = LSTM(8, return_sequences=True)(inp)\nx = MyAttention(8)(x)\n" \
           "out = Dense(1)(x)\nmodel = Model(inp, out)"
    at = diagnose_on_page(open_doctor(), code, "32,10,3", "32,1")
    expected = doctor.diagnose(code, "32,10,3", "32,1", "mse")
    assert expected.verdict == "unsure"
    assert at.warning[0].value == message(doctor_view.unsure_text(expected))
    assert "line" in at.warning[0].value and "3" in at.warning[0].value and not at.success


def test_a_fix_found_by_search_is_named_and_its_alternatives_listed():
    code = "model = Sequential([Input((30, 2)), LSTM(16), Dense(1)])"
    at = diagnose_on_page(open_doctor(), code, "64,30,2", "64,5")
    expected = doctor.diagnose(code, "64,30,2", "64,5", "mse")
    assert expected.fix_what and expected.verification.verified
    text = page_text(at)
    assert f"**The smallest change that works:** {message(expected.fix_what)}" in text
    assert expected.fixed_code.rstrip("\n") in [c.value for c in at.code]
    assert at.success[0].value == f"Checked with Keras: {message(expected.verification.summary)}"


def test_the_example_picker_names_no_example_once_other_code_is_diagnosed():
    at = open_doctor()
    assert at.selectbox(key="doctor_example").value == all_examples()[0].slug
    at = diagnose_on_page(at, "model = Sequential([Input((30, 2)), LSTM(16), Dense(1)])", "64,30,2", "64,1")
    assert at.selectbox(key="doctor_example").value is None
    at.selectbox(key="doctor_example").select(all_examples()[1].slug).run()
    assert at.text_area(key="doctor_code").value == all_examples()[1].code


def test_a_warning_about_the_learners_code_is_not_shown_under_the_fixed_code():
    at = diagnose_on_page(open_doctor())
    warned = [c.value for c in at.caption if "input_shape" in c.value and "Keras warns" in c.value]
    assert warned and all(w.startswith(message("Keras warns about your code: ")) for w in warned)
