"""One glossary: the words of a recurrent layer, each with a one-line definition, in Keras's own names.

`gloss(markdown)` marks the first mention of each term in our own Markdown (never learner text: that stays a
code span, see rnnlab.learner_text) so that the page shows its definition on hover, keyboard focus or a tap
(ui.terms draws it from the attribute, which screen readers read as the term's description):

    <span class="rl-term" tabindex="0" aria-description="units: ...">units</span>

A term written as a code span (`return_state`) is marked around the span, which stays a code span. Text in
other code spans, fenced code blocks, maths and link addresses is left as it is; a `<` of the prose is written
`&lt;`, so the Markdown holds no HTML but the glossary's.

Where no HTML may stand (a widget's help, which Streamlit shows as plain Markdown), `defined(text)` gives the text
followed by the definitions of the terms it uses.
"""

from __future__ import annotations

import html
import re
import threading
from typing import NamedTuple

from cachetools import LRUCache, cached


class Term(NamedTuple):
    name: str  # as shown at the head of the definition
    forms: str  # a regular expression for the ways it is written in prose (matched as a whole word)
    definition: str  # one line, plain text (no Markdown, no "|": it may stand in a table)
    keras: str = ""  # the Keras argument it names, e.g. "LSTM.units" (checked against the installed Keras)


TERMS = (
    Term("units", r"units", "the size of the layer's state h (and c): each timestep's output has this many numbers "
         "per sample (Keras: dimensionality of the output space).", "LSTM.units"),
    Term("timesteps", r"timesteps?", "the positions of a sequence the layer reads one after another: axis 1 of the "
         "input (batch, timesteps, features)."),
    Term("batch", r"batch(?:es)?", "how many sequences go through the layer together: axis 0 of every tensor; each "
         "one is computed on its own."),
    Term("features", r"features", "the numbers the layer reads at one timestep: axis 2 of the input (batch, "
         "timesteps, features)."),
    Term("return_sequences", r"return_sequences", "True: the layer returns h at every timestep, shape (batch, "
         "timesteps, units); False (default): only the last one, (batch, units).", "LSTM.return_sequences"),
    Term("return_state", r"return_state", "True: the layer also returns its final states after its output "
         "(an LSTM: state_h then state_c).", "LSTM.return_state"),
    Term("whole_seq_output", r"whole_seq(?:_output)?", "what return_sequences=True returns first: the hidden state "
         "h at every timestep, shape (batch, timesteps, units)."),
    Term("state_h", r"state_h|hidden states?|memory state", "the hidden state h at the last timestep (Keras calls "
         "it the memory state); for an LSTM without return_sequences it equals the output."),
    Term("state_c", r"state_c|cell states?|carry state", "the LSTM's cell state c at the last timestep (Keras calls "
         "it the carry state): the memory the gates write to, never the output."),
    Term("candidate", r"candidates?|c̃|g_t", "c̃ (g): the new content the input gate may write into the cell "
         "state, tanh of x_t and h_(t-1); Keras's weight block c."),
    Term("forget gate", r"forget gates?", "f: how much of the previous cell state c_(t-1) each unit keeps "
         "(0 forgets, 1 keeps)."),
    Term("input gate", r"input gates?", "i: how much of the candidate c̃ each unit writes into the cell state."),
    Term("output gate", r"output gates?", "o: how much of tanh(c_t) each unit shows as its hidden state h_t."),
    Term("mask", r"mask(?:s|ed|ing)?|Masking", "a True/False per sample and timestep: False steps are skipped "
         "(the state is carried over unchanged); Masking(mask_value=0) makes it from padded zeros."),
    Term("stateful", r"stateful", "True: the final states of one batch are the initial states of the next, "
         "sample by sample, until reset_state().", "LSTM.stateful"),
    Term("go_backwards", r"go_backwards", "True: the layer reads the sequence from its last timestep to its "
         "first, and returns its sequence in that order.", "LSTM.go_backwards"),
    Term("Bidirectional", r"Bidirectional", "a wrapper running a copy of the layer forward and another backward "
         "over the sequence, their outputs merged (merge_mode, concat by default).", "Bidirectional.merge_mode"),
    Term("Dense head", r"(?:Dense )?head", "the Dense layer after the recurrent layer that turns its output "
         "into the prediction; on a sequence it acts at every timestep."),
)

# A term's underscore may be written escaped (`return\\_state`), as our sentences shown through
# rnnlab.learner_text.escape or message are
_FORMS = [t.forms.replace("_", r"(?:\\)?_") for t in TERMS]
_PATTERN = re.compile("|".join(f"(?P<t{k}>\\b(?:{forms})(?!\\w))" for k, forms in enumerate(_FORMS)))
# What is left as it is: fenced code blocks, code spans, maths, link addresses, and raw HTML already present
# (none in our prose; a Markdown escape such as `\<` included so it is not doubled, but for `\_`, which a term
# may hold).
_KEEP = re.compile(r"(?ms)^(?P<fence>```|~~~).*?^(?P=fence)[^\n]*$"
                   r"|(?P<ticks>(?<!`)`+)(?P<span>.+?)(?<!`)(?P=ticks)(?!`)"
                   r"|\$[^$\n]+\$|\]\([^)\n]*\)|\\[^_]")


def term_at(name: str) -> Term:
    return next(t for t in TERMS if t.name == name)


def _marked(term: Term, shown: str) -> str:
    described = html.escape(f"{term.name}: {term.definition}", quote=True)
    return f'<span class="rl-term" tabindex="0" aria-description="{described}">{shown}</span>'


@cached(LRUCache(maxsize=2048), lock=threading.Lock())  # the same texts come back at every page run
def gloss(markdown: str) -> str:
    """Our Markdown with the first mention of each term marked with its definition (see the module's doc)."""
    done: set[int] = set()
    out: list[str] = []

    def words(text: str) -> str:
        def mark(m: re.Match[str]) -> str:
            k = _index(m)
            if k in done:
                return m[0]
            done.add(k)
            return _marked(TERMS[k], m[0])
        return _PATTERN.sub(mark, text.replace("<", "&lt;"))

    pos = 0
    for kept in _KEEP.finditer(markdown):
        out.append(words(markdown[pos:kept.start()]))
        term = _whole(kept["span"].strip()) if kept["span"] else None
        if term is not None and term not in done:
            done.add(term)
            out.append(_marked(TERMS[term], kept[0]))
        else:
            out.append(kept[0])
        pos = kept.end()
    out.append(words(markdown[pos:]))
    return "".join(out)


def _whole(span: str) -> int | None:
    """The term a code span names exactly (`return_state`, `state_h`), None for any other code."""
    m = _PATTERN.fullmatch(span)
    return _index(m) if m else None


def _index(m: re.Match[str]) -> int:
    """The index in TERMS of the term a match of _PATTERN found (its group is named t<index>)."""
    return int(str(m.lastgroup)[1:])


@cached(LRUCache(maxsize=512), lock=threading.Lock())  # every control's help, at every page run
def defined(text: str, own: str = "") -> str:
    """Our Markdown followed by the definitions of the terms it uses, one a line (for a widget's help, where the
    marks of `gloss` cannot stand); `own`: the setting the help is about, whose own term is left out."""
    used = dict.fromkeys(_index(m) for m in _PATTERN.finditer(text))
    shown = [TERMS[k] for k in used if TERMS[k].name != own]
    lines = [f"- **{_escaped(t.name)}**: {_escaped(t.definition)}" for t in shown]
    return "\n\n".join([text, "\n".join(lines)]) if lines else text


def _escaped(text: str) -> str:
    """Plain text for Markdown, its underscores shown as themselves."""
    return text.replace("_", "\\_")
