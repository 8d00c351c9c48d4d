"""The glossary: its terms named as Keras names them, and its marking of our Markdown (never of learner text)."""

from __future__ import annotations

import html
import inspect
import re

import keras
import pytest

from rnnlab.glossary import TERMS, gloss, term_at
from rnnlab.learner_text import code

MARK = re.compile(r'<span class="rl-term" tabindex="0" aria-description="([^"]*)">(.*?)</span>')


def marked(markdown: str) -> list[tuple[str, str]]:
    """(the words marked, the definition's term) of each mark in glossed Markdown."""
    return [(shown, html.unescape(definition).split(":", 1)[0]) for definition, shown in MARK.findall(markdown)]


@pytest.mark.parametrize("term", [t for t in TERMS if t.keras], ids=lambda t: t.name)
def test_a_term_naming_an_argument_names_one_the_installed_keras_takes(term):
    layer, argument = term.keras.split(".")
    assert argument in inspect.signature(getattr(keras.layers, layer).__init__).parameters


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.name)
def test_every_term_is_found_by_its_own_name_and_defined_in_one_line(term):
    shown = "whole_seq" if term.name == "whole_seq_output" else term.name
    assert marked(gloss(f"Here {shown} matters.")) == [(shown, term.name)]
    assert "\n" not in term.definition and "|" not in term.definition  # it may stand in a table's cell


def test_the_first_mention_of_a_term_is_marked_and_the_others_left_as_written():
    text = "The units of h; units again, and the cell state c, then `state_c` and state_h."
    assert marked(gloss(text)) == [("units", "units"), ("cell state", "state_c"), ("state_h", "state_h")]
    assert re.sub(MARK, "", gloss(text)).count("units") == 1  # the second mention, as written


def test_a_term_as_a_code_span_is_marked_around_the_span():
    assert marked(gloss("Turn on `return_state`.")) == [("`return_state`", "return_state")]


def test_code_maths_and_link_addresses_are_left_as_they_are():
    text = ("`units=4` and $units$ and [the lesson](/lessons?lesson=units)\n```python\nbatch = 3\n```\n"
            "then the batch")
    out = gloss(text)
    assert marked(out) == [("batch", "batch")]
    assert out.startswith(text[:text.index("then")]), out


def test_learner_text_in_a_code_span_stays_literal_and_the_prose_holds_no_html_but_the_glossary_s():
    typed = '<img src=x onerror="alert(1)"> units `state_h`'
    out = gloss(f"You typed {code(typed)}; the units are < 5 & more.")
    assert code(typed) in out
    assert "the <span" in out and "are &lt; 5" in out
    assert marked(out) == [("units", "units")]
    tags = re.compile(r'<span class="rl-term" tabindex="0" aria-description="[^"<>]*">|</span>')
    assert "<" not in tags.sub("", out).replace(code(typed), "")


def test_a_definition_is_an_attribute_that_holds_no_markup():
    definition = MARK.fullmatch(gloss("c̃"))[1]
    assert html.unescape(definition) == f"candidate: {term_at('candidate').definition}"
    assert not set('<>"') & set(definition)  # a quote would end the attribute, brackets would be markup


def test_the_states_are_explained_with_the_names_kerass_own_documentation_gives_them():
    """A learner who read Keras's LSTM documentation (`whole_seq_output, final_memory_state, final_carry_state =
    lstm(inputs)`) finds those names on the page: each name in the installed Keras's own unpacking line is in a
    definition, and found as a term where it stands in our text."""
    unpacked = re.search(r"(\w+), (\w+), (\w+) = lstm\(", keras.layers.LSTM.__doc__ or "")
    assert unpacked, "the installed Keras's LSTM documentation unpacks no states"
    names = [name.removeprefix("final_").replace("_", " ") if "state" in name else name for name in unpacked.groups()]
    assert names == ["whole_seq_output", "memory state", "carry state"], names
    definitions = " ".join(f"{t.name}: {t.definition}" for t in TERMS)
    for name in names:
        assert name in definitions, name
        assert marked(gloss(f"Keras calls it the {name}.")), name
