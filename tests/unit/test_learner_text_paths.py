"""Every page shows learner text one way: what a page puts into a text element (Markdown, a caption, a notice, a
title, a label or help, a metric, a code block) is our own words, or goes through rnnlab.learner_text.

The test reads ui/ and pages/ with `ast`. Every value interpolated into a text element's text (an f-string's
fields, `+`, `.format`, `.join`, a variable assigned in the same function) must be

- wrapped by one of learner_text's functions for learner text (`code`, `message`, `chart`, `visible`), or
- a number (len(...), a numeric format such as `{x:.3g}`), a constant, a comparison, or
- ours: on OURS below, by its file and the dotted name it is reached by, with the reason it holds no learner
  text. `escape(...)` is for our own text: what it wraps must be ours too.

Raw HTML (st.html, unsafe_allow_html=True) takes our constants only, or `gloss(...)` (rnnlab.glossary: our
Markdown with its terms marked) of text checked like any element's. `prose(...)` (ui.terms, which shows glossed
Markdown) and `note(...)` are elements too: what they are given is checked.

A new element that shows a value not on OURS fails here with its file, line and expression: wrap it, or, when
it is ours, add it to OURS with its reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*(ROOT / "ui").glob("*.py"), *(ROOT / "pages").glob("*.py")])
WRAPPERS = {"code", "message", "chart", "visible"}  # rnnlab.learner_text's functions for learner text
OURS_ONLY = {"escape"}  # learner_text's function for our own text: its argument is checked like any other
GLOSSED = {"prose", "note"}  # ui.terms's elements for our own Markdown, its terms explained
# Elements whose first argument is shown (Markdown for most), and the keywords shown of any element.
ELEMENTS = {"markdown", "caption", "warning", "error", "info", "success", "write", "toast", "metric", "header",
            "title", "subheader", "code", "text", "expander", "popover", "text_input", "text_area", "number_input",
            "selectbox", "multiselect", "radio", "toggle", "checkbox", "button", "form_submit_button",
            "segmented_control", "slider", "select_slider", "download_button", "link_button", "tabs", "spinner",
            *GLOSSED}
KEYWORDS_ONLY = {"page_link", "image"}  # elements whose first argument is a page or a picture, not text
SHOWN_KEYWORDS = {"label", "help", "body", "caption", "alt", "format_func"}
METRIC_KEYWORDS = {"value", "delta"}
NOT_ELEMENTS = {"log", "logger", "logging", "warnings", "re", "parser"}  # receivers whose .error/.info are no text
NUMBERS = {"len", "sum", "round", "int", "float", "abs", "min", "max", "bool", "isinstance"}
SAME_TEXT = {"str", "repr"}

# file stem (or *) : dotted name -> why it holds no learner text. A name matches itself and a call of it;
# "name.*" also everything reached from it (its attributes, items and calls).
OURS = {
    # checked settings, and what our code computes from them
    "*:config.*": "a Config: every field checked against its parameter's bounds or choices (rnnlab.params)",
    "*:run.*": "a Keras run of a checked Config: shapes, names, numbers and Keras's words about our own model",
    "panels:title": "the playground's title, from a checked Config",
    "*:lost": "WorkerLost: our sentence about a worker that ended or a queue that was full",
    "*:notice.outcome": "a Notice's outcome is ours ('ignored', 'using 64'); its problem quotes the input",
    "*:n.outcome": "a Notice's outcome (see notice.outcome)",
    "*:ls.*": "a shipped lesson (its number and title)",
    "*:question.ask": "a lesson's question, shipped with the app",
    "*:question.choices.get": "a question's choices, shipped with the app",
    "*:posed.choices.get": "the posed question's choices, from the question kinds' table",
    "*:question.code": "a quiz question's code, written from a checked Config",
    "*:quiz.question_code": "Keras code written from a checked Config",
    "*:titles.get": "the titles of the doctor's shipped examples",
    "*:lesson.*": "a shipped lesson (title, text rendered with numbers from Keras)",
    "*:lessons.render": "a shipped lesson's Markdown with numbers filled in from Keras",
    "lesson_view:before.*": "the lesson before: shipped", "lesson_view:after.*": "the lesson after: shipped",
    "tour_view:step.*": "a step of the tour, shipped (rnnlab.tour)", "tour_view:first.*": "the first lesson: shipped",
    "tour_view:tour.REGIONS[]": "the words for a part of the picture, shipped (rnnlab.tour)",
    "answers:ask": "the question a form asks, written by the page",
    "terms:text": "prose's or note's text: checked where they are called (elements, GLOSSED)",
    "terms:icon": "a note's icon, given by our code",
    # the articles page shows the two articles' shipped examples and what this server measured running them
    "article_view:_label": "an example's number and title", "article_view:title": "our heading",
    "article_view:attempt.*": "the output of running a shipped example", "article_view:warning": "Keras's warning "
    "on a shipped example", "article_view:keras_version": "the installed Keras's version",
    "article_view:version": "the installed Keras's version", "article_view:example.*": "a shipped example",
    "article_view:difflib.unified_diff": "the diff of two shipped versions of an example",
    "article_view:claim.quote": "a shipped quote of the article", "article_view:lead": "our words",
    "article_view:written.error_line": "a line number", "article_view:fact": "a fact this server measured, in our "
    "words", "article_view:evidence.keras_version": "the installed Keras's version", "article_view:link.label": "ours",
    # the classroom's tools
    "classroom_view:problem": "base_address's reason, which never quotes the typed address",
    "classroom_view:help": "the help text the page passes in", "classroom_view:link": "a link built from an "
    "address base_address checked (http(s), printable, no markup characters) and checked settings",
    "controls:shown.__getitem__": "a parameter's choice labels, from the parameter table",
    "controls:labels.__getitem__": "a setting's choice labels, given by the page (the task table's titles)",
    "controls:label": "a setting's label, or its name",
    "controls:names.__getitem__": "a parameter's choice labels, from the parameter table",
    "controls:title": "a group's title, from GROUPS",
    "embed_view:parse().config": "a checked Config",
    "embed_view:embed.snippet": "HTML of an address built from a checked base and checked settings (in st.code)",
    # the doctor: its sentences, the numbers of lines, and code it writes from its own widgets
    "doctor_view:assemble.code": "code written from the assemble widgets' bounded values",
    "doctor_view:headline": "counts of problems", "doctor_view:n": "a problem's number",
    "doctor_view:n.line": "a line number",
    "doctor_view:r.line": "a line number", "doctor_view:diagnosis.keras_error_line": "a line number",
    "doctor_view:problem.line": "a line number",
    "doctor_view:shapes_text": "shapes Keras built",
    # the live class
    "live_view:upcoming.ask": "a prepared question's ask: a shipped lesson's question, or our sentence for a "
                              "playground configuration (rnnlab.live.question)",
    "live_view:_countdown": "the timer in words, from a number of seconds",
    "live_view:err": "a StoreUnavailable or ClassError: our sentences (a code in them is a checked code)",
    "live_view:code.*": "a join code, checked by read_code: six characters of its alphabet",
    "live_view:_address": "an address of the checked class address and a checked code",
    "live_view:classes().tally().joined": "a count", "live_view:now.answered": "a count",
    "live_view:now.joined": "a count", "live_view:second": "our words for the second vote",
    "live_view:n": "a question's number", "live_view:state.asked": "a question's number",
    "live_view:state.question.*": "the posed question: a shipped lesson's or the playground's (checked Config)",
    "live_view:question.code": "Keras code of the posed question, written from a checked Config or a lesson",
    # the playground's panels
    "panels:drawn.text": "a chart in words (ui.chart_text) of a figure built from a run",
    "panels:check.claim": "an identity check written by rnnlab.returned", "panels:below_name": "a tensor name",
    "panels:r.*": "a returned tensor of a run (its name, shape, axes)", "panels:part.label": "a weight part's label",
    "panels:text": "a parameter-count term written by rnnlab.explain", "panels:list": "sequence lengths",
    "panels:code_for": "Keras code written from a run",
    "panels:unpack_line": "Keras code written from a checked Config",
    "panels:head_line": "Keras code written from a checked Config",
    "panels:explain.*": "our explanation of a run, with its numbers", "panels:tuple": "a weight's shape",
    "panels:cell.key": "how to read the cell drawn (rnnlab.cell), naming the run's checked activation",
    "panels:view.*": "the view's settings, checked like a Config", "panels:name": "a weight's name in Keras",
    # the quiz
    "quiz_view:state[]": "the quiz's question number", "quiz_view:right": "a score", "quiz_view:asked": "a score",
    "quiz_view:_link": "this page's address with a quiz seed (a number) and a level (one of LEVELS)",
    # runs and training
    "runs:what": "what the page waits for, written by the page",
    "train_view:task.*": "a task from the task table",
    "train_view:_shape": "a shape", "train_view:refusal.*": "Keras's refusal of a checked Config, explained by us",
    "train_view:st.session_state[]": "our note about a training already running or stopped",
    "train_view:progress.*": "a training's progress: counts, and the failure of Keras on a checked Config",
    "train_view:result.settings.*": "checked training settings", "train_view:_calls": "Keras code written from "
    "checked settings",
}


def _dotted(node: ast.AST) -> str | None:
    """`a.b.c` -> 'a.b.c'; `a[k].b` -> 'a[].b'; `f(x).y` -> 'f().y'; None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return base and f"{base}.{node.attr}"
    if isinstance(node, ast.Subscript):
        base = _dotted(node.value)
        return base and f"{base}[]"
    if isinstance(node, ast.Call):
        base = _dotted(node.func)
        return base and f"{base}()"
    return None


USED: set[str] = set()  # the entries of OURS that some element needed


def _ours(stem: str, path: str | None) -> bool:
    if path is None:
        return False
    root = re.split(r"[.\[(]", path)[0]
    if root.strip("_").isupper():  # a constant: written in the code
        return True
    for key in (f"{stem}:", "*:"):
        for name in OURS:
            if name.startswith(key):
                wanted = name[len(key):]
                base = wanted.removesuffix(".*")
                if path in (base, base + "()") or wanted.endswith(".*") and path.startswith(
                        (base + ".", base + "[", base + "(")):
                    USED.add(name)
                    return True
    return False


def _numeric(spec: ast.JoinedStr | None) -> bool:
    text = "".join(v.value for v in spec.values if isinstance(v, ast.Constant)) if spec else ""
    return bool(text) and (text[-1] in "bcdeEfFgGnoxX%" or "," in text)


class Checker:
    """One file: the text elements it calls and the values they show that are neither wrapped nor ours."""

    def __init__(self, path: Path):
        self.path = path
        self.stem = path.stem if path.parent.name == "ui" else f"pages/{path.stem}"
        self.tree = ast.parse(path.read_text(), str(path))
        self.wrappers, self.ours_only = set(), set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom) and node.module == "rnnlab.learner_text":
                for alias in node.names:
                    (self.wrappers if alias.name in WRAPPERS else self.ours_only).add(alias.asname or alias.name)
        self.module = {t.id: n.value for n in self.tree.body if isinstance(n, ast.Assign)
                       for t in n.targets if isinstance(t, ast.Name)}
        self.problems: list[str] = []

    def run(self) -> list[str]:
        self._visit(self.tree, {})
        return self.problems

    def _visit(self, node: ast.AST, local: dict[str, list[ast.AST]]) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            local = self._assigned(node)
        if isinstance(node, ast.Call) and self._raw_html(node):
            for shown in node.args[:1]:  # HTML: our constants only, nothing a wrapper made for Markdown
                if self._glossed(shown):  # our Markdown with the glossary's markup: its text checked as Markdown
                    self._check(shown.args[0], local)
                elif not (isinstance(shown, ast.Constant) or isinstance(shown, ast.Name) and shown.id.isupper()):
                    self.problems.append(f"{self.path.relative_to(ROOT)}:{shown.lineno}: {ast.unparse(shown)}")
        elif isinstance(node, ast.Call):
            for shown in self._shown(node):
                self._check(shown, local)
        for child in ast.iter_child_nodes(node):
            self._visit(child, local)

    @staticmethod
    def _assigned(function: ast.AST) -> dict[str, list[ast.AST]]:
        """name -> the values assigned to it in this function (None for one it gets any other way)."""
        local: dict[str, list] = {}
        for node in ast.walk(function):
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        local.setdefault(target.id, []).append(node.value)
                    else:
                        for name in ast.walk(target):
                            if isinstance(name, ast.Name):
                                local.setdefault(name.id, []).append(None)
        return local

    @staticmethod
    def _glossed(node: ast.AST) -> bool:
        """gloss(text): rnnlab.glossary's marking of our Markdown."""
        return isinstance(node, ast.Call) and len(node.args) == 1 and _dotted(node.func) in ("gloss", "glossary.gloss")

    @staticmethod
    def _raw_html(call: ast.Call) -> bool:
        """st.html(...), or an element told unsafe_allow_html=True."""
        return (isinstance(call.func, ast.Attribute) and call.func.attr == "html"
                or any(k.arg == "unsafe_allow_html" and not (isinstance(k.value, ast.Constant) and not k.value.value)
                       for k in call.keywords))

    def _shown(self, call: ast.Call) -> list[ast.AST]:
        if isinstance(call.func, ast.Name) and call.func.id in GLOSSED:
            return call.args[:1]
        funcs = [call.func.body, call.func.orelse] if isinstance(call.func, ast.IfExp) else [call.func]
        if not all(isinstance(f, ast.Attribute) and f.attr in ELEMENTS | KEYWORDS_ONLY for f in funcs):
            return []
        if any(isinstance(f.value, ast.Name) and f.value.id in NOT_ELEMENTS for f in funcs):
            return []
        kind = funcs[0].attr
        shown = call.args[:3] if kind == "metric" else [] if kind in KEYWORDS_ONLY else call.args[:1]
        keywords = SHOWN_KEYWORDS | (METRIC_KEYWORDS if kind == "metric" else set())
        return shown + [k.value for k in call.keywords if k.arg in keywords]

    def _check(self, node: ast.AST, local: dict) -> None:
        bad = self._unsafe(node, local, set())
        if bad is not None:
            self.problems.append(f"{self.path.relative_to(ROOT)}:{bad.lineno}: {ast.unparse(bad)}")

    def _unsafe(self, node: ast.AST, local: dict, seen: set) -> ast.AST | None:
        """The first part of `node` that may hold learner text (None when there is none)."""
        parts: list[ast.AST] = []
        if isinstance(node, (ast.Constant, ast.Compare)) or _ours(self.stem, _dotted(node)):
            return None
        if isinstance(node, ast.JoinedStr):
            parts = [v.value for v in node.values if isinstance(v, ast.FormattedValue) and not _numeric(v.format_spec)]
        elif isinstance(node, ast.FormattedValue):
            parts = [node.value]
        elif isinstance(node, ast.BinOp):
            parts = [node.left, node.right]
        elif isinstance(node, ast.IfExp):
            parts = [node.body, node.orelse]
        elif isinstance(node, (ast.BoolOp,)):
            parts = node.values
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            parts = node.elts
        elif isinstance(node, ast.UnaryOp):
            parts = [node.operand]
        elif isinstance(node, ast.Lambda):
            parts = [node.body]
        elif isinstance(node, (ast.GeneratorExp, ast.ListComp)):
            parts = [node.elt]
        elif isinstance(node, ast.Starred):
            parts = [node.value]
        elif isinstance(node, ast.Call):
            parts = self._call_parts(node)
            if parts is None:
                return node
        elif isinstance(node, ast.Name) and node.id in local and node.id not in seen \
                and None not in local[node.id]:
            parts = local[node.id]
            seen = seen | {node.id}
        elif isinstance(node, ast.Name) and node.id in self.module and node.id not in local:
            parts = [self.module[node.id]]
        else:
            return node
        return next((bad for part in parts if (bad := self._unsafe(part, local, seen)) is not None), None)

    def _call_parts(self, call: ast.Call) -> list[ast.AST] | None:
        """What a call's text is made of ([] when it is learner-safe or a number), None when it is unknown."""
        func = call.func
        name = func.id if isinstance(func, ast.Name) else None
        if name in self.wrappers or name in NUMBERS:
            return []
        if name in self.ours_only or name in SAME_TEXT:
            return list(call.args)
        if isinstance(func, ast.Attribute) and func.attr in ("format", "join", "strip", "rstrip", "lstrip",
                                                              "lower", "upper", "replace", "capitalize"):
            if isinstance(func.value, ast.Name) and func.value.id == "learner_text":
                return []
            return [func.value, *call.args, *(k.value for k in call.keywords)]
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "learner_text" \
                and func.attr in WRAPPERS:
            return []
        return None


def test_the_checker_finds_learner_text_shown_any_other_way(tmp_path):
    """The checker itself: it fails on a raw value (the class's answers in words, as the live class once showed
    them), on one passed through a variable or escape(), on anything but our constants in raw HTML, and not on
    a wrapped one or a number; and on learner text given to prose or to gloss for raw HTML, but not on it
    wrapped there."""
    page = ROOT / "ui" / "_probe_for_the_checker.py"
    source = '''
from rnnlab.learner_text import code, escape
import streamlit as st
def show(answer, rounds, n):
    st.caption(tally_text(rounds))
    st.markdown(f"**{n:,}** said {answer}")
    said = f"said {answer}"
    st.info(said)
    st.warning(escape(answer))
    (st.success if n else st.error)(answer)
    st.text_input("Your answer", help=answer)
    st.markdown(f"**{n:,}** said {code(answer)} " + "ok")
    st.metric("answers", len(rounds))
    st.html(code(answer))
    st.markdown(STYLE, unsafe_allow_html=True)
    prose(f"the {answer}")
    terms.prose(code(answer))
    st.markdown(gloss(f"said {answer}"), unsafe_allow_html=True)
    st.caption(gloss(f"said {code(answer)}"), unsafe_allow_html=True)
    st.html(gloss(code(answer)) + "")
'''
    page.write_text(source)
    try:
        found = Checker(page).run()
    finally:
        page.unlink()
    assert [f.split(": ", 1)[1] for f in found] == ["tally_text(rounds)", "answer", "answer", "answer", "answer",
                                                     "answer", "code(answer)", "answer", "answer",
                                                     'gloss(code(answer)) + \'\''], found


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_page_shows_learner_text_one_way(path: Path):
    problems = Checker(path).run()
    assert not problems, ("shown without rnnlab.learner_text and not on OURS (wrap it, or add it to OURS with the "
                          "reason it holds no learner text):\n" + "\n".join(problems))


def test_every_entry_of_ours_is_still_needed():
    """An entry no element needs any more goes, so that the list says only what pages show."""
    for path in FILES:
        Checker(path).run()
    assert not set(OURS) - USED, sorted(set(OURS) - USED)
