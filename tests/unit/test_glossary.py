"""The glossary: its terms named as Keras names them, and its marking of our Markdown (never of learner text)."""

from __future__ import annotations

import html
import inspect
import re

import keras
import pytest

from rnnlab.glossary import TERMS, defined, gloss, term_at
from rnnlab.learner_text import code, escape, message
from rnnlab.params import PARAMS

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


def test_our_escaped_sentences_have_their_terms_marked_and_their_escapes_kept():
    """A sentence shown through escape or message (the articles' corrections, the Train page's notes) writes a
    term's underscore escaped; it is marked all the same, and the escapes that are not in a term stay."""
    out = gloss(escape("With return_sequences=True, whole_seq holds h_t < 5."))
    assert marked(out) == [("return\\_sequences", "return_sequences"), ("whole\\_seq", "whole_seq_output")]
    assert "=True" in out and "h\\_t" in out and "\\&lt;" not in out and "\\<" in out.replace("&lt;", "<")
    assert marked(gloss(message("Keras returns `state_h` last"))) == [("`state_h`", "state_h")]


def test_a_widgets_help_gets_the_definitions_of_the_terms_it_uses_but_its_own():
    """Streamlit shows a widget's help as plain Markdown (no marks): the definitions follow it, one a line."""
    for name in ("units", "return_state", "mask"):
        shown = defined(PARAMS[name].help, name)
        lines = shown.split("\n\n", 1)[1].splitlines() if "\n\n" in shown else []
        named = [line.split("**")[1].replace("\\_", "_") for line in lines]
        assert shown.startswith(PARAMS[name].help) and name not in named, (name, named)
        for term in named:
            assert f"- **{term.replace('_', chr(92) + '_')}**: {term_at(term).definition.replace('_', chr(92) + '_')}" \
                in lines
    assert [line.split("**")[1] for line in defined(PARAMS["return_state"].help, "return_state").splitlines()
            if line.startswith("- ")] == ["state\\_h", "state\\_c"]
    assert defined("No term here.") == "No term here."


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
