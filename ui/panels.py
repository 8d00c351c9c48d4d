"""The page's panels: each takes a Run (and what is looked at) and lays out text and charts."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any, NamedTuple

import streamlit as st
from cachetools import LRUCache

from rnnlab import cell, colours, explain, figures, timestep, tour
from rnnlab.codegen import below_name, code_for, head_line, unpack_line
from rnnlab.learner_text import code as literal, escape
from rnnlab.params import Config, PARAMS, View
from rnnlab.settings import Notice
from rnnlab.result import TOLERANCE, Check, Run
from ui import plot
from ui.classroom_view import PRESENTER_ZOOM
from ui.controls import apply, classroom, load, sync_url, widget
from ui.runs import await_confirmation
from ui.terms import note, prose
from ui.chart_text import describe

DEFAULT_SHOWN = 4  # units drawn in the h_t / c_t chart when none are chosen
KERAS_NAMES = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN"}
NBSP = "\u00a0"  # the space inside a shape written in a sentence


def title(config: Config) -> str:
    """The page title names the layer as it is built, e.g. 'Bidirectional(LSTM)'."""
    name = KERAS_NAMES[config.layer]
    return f"What does a Keras {f'Bidirectional({name})' if config.bidirectional else name} return?"


class _Drawn(NamedTuple):
    """A figure in Plotly's wire form (arrays as base64), sent as it is: no validation, no deep copy."""

    figure: dict
    text: str  # the chart in words (ui.chart_text), for readers who cannot see it
    sent: bytes  # the figure as the page receives it (ui.plot.wire), encoded once


_DRAWN: LRUCache[tuple, tuple[weakref.ref, _Drawn | None]] = LRUCache(512)  # charts of cached Runs
_DRAWN_LOCK = threading.Lock()


def _wire(figure: figures.Figure | None) -> _Drawn | None:
    if figure is None:
        return None
    text = describe(figure)  # before the arrays become base64
    plot.typed_arrays(figure)  # the builders return fresh dicts: converted in place
    return _Drawn(figure, text, plot.wire(figure))


def _show(drawn: _Drawn | None, name: str) -> None:
    if drawn is not None:
        # charts are not zoomed with the presenter view's page: drawn larger instead
        sent = plot.wire(figures.enlarged(drawn.figure, PRESENTER_ZOOM)) if classroom().present else drawn.sent
        plot.plotly_chart(sent, f"chart-{name}")
        st.caption(escape(drawn.text))


def chart(figure: figures.Figure | None, name: str) -> None:
    """Show a figure dict (built unvalidated: the builders are tested, validation costs 20-100 ms)."""
    _show(_wire(figure), name)


def run_chart(name: str, build: Callable[..., figures.Figure | None], run: Run, *args: Any,
              scheme: str = colours.DEFAULT) -> None:
    """Show build(run, *args) in the colour scheme chosen, drawn once per Run, arguments and scheme: Runs are
    cached and read-only, so a rerun that looks at the same thing again (most reruns) reuses the drawn figure
    (by its builder too: a chart that follows the timestep and the same chart drawn still are not one)."""
    key = (name, build, id(run), tuple(a if isinstance(a, (int, str, tuple)) else id(a) for a in args), scheme)
    with _DRAWN_LOCK:
        hit = _DRAWN.get(key)
    if hit is None or hit[0]() is not run:  # an id can be reused once its Run is gone
        figure = build(run, *args)
        hit = (weakref.ref(run), _wire(None if figure is None else colours.recoloured(figure, scheme)))
        with _DRAWN_LOCK:
            _DRAWN[key] = hit
    _show(hit[1], name)


def notices(items: tuple[Notice, ...]) -> None:
    """What a link or a control asked for that was not used; the learner's text quoted literally, never as
    Markdown (an image in a link must not make the browser fetch it)."""
    if items:
        lines = "\n".join(f"- {literal(n.problem)}; {escape(n.outcome)}" for n in items)
        st.warning(f"Some of the settings could not be used:\n{lines}", icon=":material/info:")


def checks(items: tuple[Check, ...]) -> None:
    for check in items:
        mark = ":green[**✓ holds**]" if check.holds else ":red[**✗ fails**]"  # read aloud as words
        st.markdown(f"{mark} `{check.claim}`: max |difference| = `{check.max_abs_diff:.3g}`")


def refusal(run: Run) -> None:
    """Keras would not build this: its own message, what it means, and a one-click fix."""
    st.header("Keras refuses this model")
    st.error(f"Keras says: {run.refusal.message}", icon=":material/block:")
    st.markdown(run.refusal.explanation)
    if run.refusal.fix:
        st.button(f"Fix it: {run.refusal.fix_text}", on_click=apply, args=(run.refusal.fix,), type="primary")


def returns(run: Run, level: int = 2, hints: bool = True) -> None:
    """What Keras returns: the unpack line, every tensor with its shape and axes, and the identity checks;
    under a heading of `level` (2 on a page of its own, 3 inside a lesson); hints=False: no advice to turn a
    control the page does not have."""
    config = run.config
    (st.header if level == 2 else st.subheader)("What Keras returns")
    with st.container(key="shapes"):
        prose(f"Input `x`: (batch, timesteps, features) = `{run.x.shape}`")
        stack = [f"# {below_name(config)}: the sequence the layer below returns"] if config.depth > 1 else []
        lines = stack + [unpack_line(config)] + ([head_line(config)] if config.head != "none" else [])
        st.code("\n".join(lines), language="python", wrap_lines=True)
        rows = "\n".join(f"| `{r.name}` | `{r.shape}` | {r.axes} | {r.meaning} |" for r in explain.returns_table(run))
        prose(f"| returned | shape | axes | what it is |\n|---|---|---|---|\n{rows}")
    count = len(explain.returns_table(run)) - (config.head != "none")
    prose(f"The layer returns {count} tensor{'s' * (count > 1)}, in the order Keras {run.keras_version} "
          "returns them" + (", then the head's prediction." if config.head != "none" else "."), caption=True)
    checks(run.checks)
    if hints and not config.return_state and not (classroom().hides("return_state")
                                                  or classroom().locks("return_state")):
        prose("Turn on return_state to get the final states as well, and compare them with the output.",
              caption=True)
    agreement(run)
    notes(run)


def agreement(run: Run) -> None:
    """How far the NumPy recomputation is from Keras's own numbers, in red when they disagree; before Keras's
    forward pass has run, that the values are the trace's, and the page redraws once Keras has confirmed."""
    if not run.confirmed:
        st.markdown("Shapes, parameter count and weights above are Keras's own; the **values are the NumPy "
                    "recomputation** from those weights, shown while Keras's forward pass runs.")
        await_confirmation(run.config)
    elif run.agreement <= TOLERANCE:
        st.markdown(f"NumPy recomputation of every step agrees with Keras: max |difference| = "
                    f"`{run.agreement:.2g}` over every returned tensor.")
    else:
        st.markdown(f":red[**NumPy recomputation disagrees with Keras**: max |difference| = `{run.agreement:.2g}` "
                    f"over the returned tensors.] The tensors shown are Keras's own; the step-by-step charts are "
                    "the recomputation's.")


def notes(run: Run) -> None:
    """What this configuration changes, in plain words, with the numbers that show it."""
    config = run.config
    if config.layer != "lstm":
        note(f"{KERAS_NAMES[config.layer]} keeps one state, h: there is no cell state c, so return_state adds "
             "only h (per direction).")
    if config.go_backwards:
        note("go_backwards=True: the layer reads x from its last timestep to its first, and the sequence it "
             "returns comes in that order: `whole_seq[:, k]` is the state after reading `x[:, T-1-k]`.")
    if config.bidirectional and config.return_sequences:
        note("With Bidirectional, the backward half of the sequence at the last timestep has read only the "
             "last input; the backward copy's final state sits at timestep 0.")
    if config.activation != "tanh":
        st.warning(f"activation={config.activation}: on a GPU, Keras's fast cuDNN kernel needs tanh, so this "
                   f"layer would run the slower generic loop. Largest |h_t| here: "
                   f"{explain.largest_state(run):.3g} (tanh keeps it below 1; relu does not bound it, and it can "
                   "grow without limit on long sequences).", icon=":material/warning:")


def unrolled(run: Run, view: View, corner: Any = st, region: str = "") -> None:
    """The layer unrolled over time, what Keras returns lit in its colours; play moves the timestep in the
    browser (Plotly frames), with the chosen part's h_t, c_t and gates following under it. The play switch goes
    in `corner` (beside the page's title), the colour scale in the sidebar: the picture and the table of what
    Keras returns come first. `region`: the part of the picture the tour's step outlines (rnnlab.tour)."""
    widget(PARAMS["play"], container=corner)
    widget(PARAMS["colours"], shown={name: scheme.label for name, scheme in colours.SCHEMES.items()},
           container=st.sidebar)
    picture(run, view, region)


def title_row(config: Config) -> Any:
    """The page's title, with room on its right (under it on a phone) for the picture's play switch."""
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    left.title(title(config))
    return right


def picture(run: Run, view: View, region: str = "") -> None:
    """The unrolled layer alone, without its controls (colour scale, play); `region` outlined for the tour."""
    shown = view.show or tuple(range(min(DEFAULT_SHOWN, run.config.units)))
    run_chart("unrolled", tour.tour_figure, run, region, view.sample, view.part, shown, view.unit, view.step,
              view.play, scheme=view.colours)
    if view.play:
        prose("Play, step and the slider move the timestep t of the whole page: the picture and the chart "
              "chosen under \"Inside the layer\". Keyboard: Tab to the picture, then space plays or pauses, "
              "and ← → step back and forward.", caption=True)


SECTIONS = {"states": "h and c at every timestep", "gates": "the gates", "step": "one timestep up close",
            "weights": "the weights"}


def inside(run: Run, view: View) -> None:
    """Input and output for one sample, then the one section chosen (only that one is drawn: each is a
    chart or two that a class would otherwise compute and send on every change)."""
    st.header("Inside the layer, step by step")
    left, middle, right = st.columns(3)
    widget(PARAMS["sample"], high=run.config.batch - 1, container=left)
    if len(run.parts) > 1:
        widget(PARAMS["part"], container=middle, names=[p.label for p in run.parts])
    widget(PARAMS["show"], high=run.config.units - 1, container=right)
    left, right = st.columns(2)
    with left:
        run_chart("input", figures.input_figure, run, view.sample, scheme=view.colours)
    with right:
        run_chart("output", figures.output_figure, run, view.sample, scheme=view.colours)
    section(run)


@st.fragment
def section(run: Run) -> None:
    """The section chosen and what it draws. A fragment: choosing another section reruns this block alone, not
    the page (nothing else on it depends on the choice)."""
    parsed = load()
    sync_url(parsed)
    widget(PARAMS["section"], shown=SECTIONS)
    view = parsed.view
    {"states": states, "gates": gates, "step": lambda r, v: one_step(r), "weights": weights}[view.section](run, view)


def states(run: Run, view: View) -> None:
    """h_t (and c_t) of the chosen part at every step, what Keras returns drawn solid."""
    shown = view.show or tuple(range(min(DEFAULT_SHOWN, run.config.units)))
    if view.play:  # following the picture's timestep
        run_chart("states", timestep.states_chart, run, run.parts[view.part], view.sample, shown, view.step,
                  scheme=view.colours)
    else:
        run_chart("states", figures.states_figure, run, run.parts[view.part], view.sample, shown, scheme=view.colours)
    prose("Keras never returns the states of every step (only h_t, with return_sequences), nor the gates: "
          "they are recomputed here in NumPy from the layer's own weights, and checked against what Keras "
          "returns.", caption=True)


def gates(run: Run, view: View) -> None:
    """The gates of the chosen part at every step."""
    if view.play:  # following the picture's timestep
        run_chart("gates", timestep.gates_chart, run, run.parts[view.part], view.sample, view.unit, view.step,
                  scheme=view.colours)
    else:
        run_chart("gates", figures.gates_figure, run, run.parts[view.part], view.sample, scheme=view.colours)
    st.caption("Recomputed in NumPy from the layer's own weights: Keras never returns the gates.")


@st.fragment
def one_step(run: Run) -> None:
    """One step up close: every vector at that step, and one unit's cell drawn with its gates beside its update
    written out with its numbers; while the picture plays, at the picture's timestep (the charts carry every
    step's numbers).

    A fragment: moving through the timesteps reruns only this block, not the page.
    """
    parsed = load()
    sync_url(parsed)
    view = parsed.view
    part = run.parts[view.part]
    left, right = st.columns(2)
    if view.play:
        prose("The timestep t is the picture's: play, step, its slider or the keys.", caption=True, container=left)
    else:
        widget(PARAMS["step"], high=run.config.timesteps - 1, container=left)
    widget(PARAMS["unit"], high=run.config.units - 1, container=right)
    if view.play:
        run_chart("step", timestep.step_chart, run, part, view.sample, view.unit, view.step, scheme=view.colours)
    else:
        run_chart("step", figures.step_figure, run, part, view.sample, view.step, view.unit, scheme=view.colours)
    drawn, update = st.columns([3, 2])
    with drawn:  # the cell, following the picture's timestep while it plays
        run_chart("cell", cell.cell_chart if view.play else cell.cell_figure, run, part, view.sample, view.unit,
                  view.step, scheme=view.colours)
    with update:
        if view.play:
            st.caption("The same unit's update is written out under the chart above, at the same timestep t.")
        else:
            read = explain.time_read(run, part, view.step)
            lines = explain.unit_update(run, part, view.sample, view.step, view.unit)
            st.code(f"# {part.label}, unit {view.unit}, t={read}" + (f" (its step {view.step})"
                    if part.reads_backwards else "") + f", reads x[{view.sample}, {read}]\n" + "\n".join(lines),
                    language="text", wrap_lines=True)  # wrapped, not cut, on a phone
        prose(cell.key(run), caption=True)


def weights(run: Run, view: View) -> None:
    """The chosen part's kernels and bias with their gate blocks, and the parameter count two ways."""
    part = run.parts[view.part]
    shapes = ", ".join(f"`{name}` {str(tuple(w.shape)).replace(' ', NBSP)}" for name, w in part.weights.items())
    st.markdown(f"{part.label}: {shapes}.")
    if part.weights["bias"].ndim == 2:  # the GRU, with Keras's default reset_after=True
        st.markdown(f"The bias has two rows: row 0 is added to x_t · W, row 1 to h_(t-1) · U. Keras's GRU keeps "
                    f"them apart (`reset_after=True`) because the reset gate r multiplies the recurrent part "
                    f"with its bias, after they are added; each row holds {part.weights['bias'].shape[1]:,} "
                    "numbers, one per unit of each block z | r | h̃.")
    terms = explain.param_terms(run)
    st.markdown("\n".join(f"- {text}" for text, _ in terms)
                + f"\n\nTotal {sum(c for _, c in terms):,}; Keras's `model.count_params()` says **{run.params:,}**.")
    run_chart("weights", figures.weights_figure, run, part, scheme=view.colours)


def padding(run: Run) -> None:
    """Padded sequences with and without a mask, against each sequence run unpadded."""
    st.header("Padding and masking")
    prose(f"Sequences of lengths {list(run.config.lengths)} are zero-padded ({run.config.padding}) to "
                f"{run.config.timesteps} timesteps. Is the final output the same as running each sequence "
                "unpadded? Measured with Keras, both ways:")
    for column, check in zip(st.columns(2), run.padding_effect):
        with column:
            checks((check,))
    prose("With the mask, a padded step repeats the last real output and the final state is that of the "
               "last real step. Without it, the zeros are read as real data" + (
                   " (pre-padding zeros leave an untrained layer's zero state unchanged, which is why they look "
                   "harmless here; after training they do not)." if run.config.padding == "pre" else "."),
          caption=True)


def stateful(run: Run) -> None:
    """Two consecutive chunks through a stateful layer, then reset_state()."""
    st.header("Stateful: the state carries over to the next batch")
    prose(f"The data is two consecutive chunks of {run.config.timesteps} timesteps. The second call starts "
                "from the states the first one left; `reset_state()` on each recurrent layer sets them back to "
                "zeros. Keras 3 models have no `reset_states()`.")
    checks(run.stateful.checks)
    prose(f"The carried state changes the second chunk's `{run.returns[0].name}` by max |difference| = "
                f"`{run.stateful.carried_effect:.3g}` compared with a fresh start (how much depends on how long "
                "the layer remembers).")


def code(run: Run) -> None:
    """Runnable code that rebuilds exactly this model and data and prints the same shapes."""
    st.header("The same in code")
    st.caption("Runs as printed, with the same data and weights as on this page.")
    st.code(code_for(run.config, {t.name: t.shape for t in run.returns}, run.params), language="python",
            wrap_lines=True)  # wrapped on a phone: a block that scrolled sideways could not be reached by keyboard
