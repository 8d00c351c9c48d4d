"""The page's panels: each takes a Run (and what is looked at) and lays out text and charts."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from rnnlab import explain, figures
from rnnlab.codegen import code_for, unpack_line
from rnnlab.params import PARAMS, Notice
from rnnlab.run import Run
from ui.controls import widget

DEFAULT_SHOWN = 4  # units drawn in the h_t / c_t chart when none are chosen


def chart(figure: figures.Figure, name: str) -> None:
    """Show a figure dict (built unvalidated: the builders are tested, validation costs 20-100 ms)."""
    st.plotly_chart(go.Figure(figure, _validate=False), theme=None, key=f"chart-{name}",
                    config={"displaylogo": False, "responsive": True})


def notices(items: tuple[Notice, ...]) -> None:
    if items:
        lines = "\n".join(f"- {n}" for n in items)
        st.warning(f"Some of the link's settings could not be used:\n{lines}", icon=":material/info:")


def returns(run: Run) -> None:
    """What Keras returns: the unpack line, every tensor with its shape and axes, and the identity checks."""
    config = run.config
    st.subheader("What Keras returns")
    st.markdown(f"Input `x`: (batch, timesteps, features) = `{run.x.shape}`")
    st.code(unpack_line(config), language="python")
    rows = "\n".join(f"| `{r.name}` | `{r.shape}` | {r.axes} | {r.meaning} |" for r in explain.returns_table(run))
    st.markdown(f"| returned | shape | axes | what it is |\n|---|---|---|---|\n{rows}")
    st.caption(f"{len(run.returns)} tensor{'s' * (len(run.returns) > 1)}, in the order Keras {run.keras_version} "
               "returns them.")
    for check in run.checks:
        mark = ":green[:material/check_circle:]" if check.holds else ":red[:material/cancel:]"
        st.markdown(f"{mark} `{check.claim}`: max |difference| = `{check.max_abs_diff:.3g}`")
    if not run.checks:
        st.caption("Turn on return_state to get state_h and state_c as well, and compare them with the output.")
    st.markdown(f"NumPy recomputation of every step agrees with Keras: max |difference| = `{run.agreement:.2g}` "
                "over every returned tensor.")


def every_step(run: Run, view: Any) -> None:
    """Input and output for one sample, then h_t, c_t and the gates at every timestep."""
    st.subheader("Inside the layer, step by step")
    left, right = st.columns(2)
    widget(PARAMS["sample"], high=run.config.batch - 1, container=left)
    widget(PARAMS["show"], high=run.config.units - 1, container=right)
    shown = view.show or tuple(range(min(DEFAULT_SHOWN, run.config.units)))
    left, right = st.columns(2)
    with left:
        chart(figures.input_figure(run, view.sample), "input")
    with right:
        chart(figures.output_figure(run, view.sample), "output")
    chart(figures.states_figure(run, view.sample, shown), "states")
    st.caption("Keras never returns c_t for every step, nor the gates: they are recomputed here in NumPy from "
               "the layer's own weights, and checked against what Keras returns.")
    chart(figures.gates_figure(run, view.sample), "gates")


def one_step(run: Run, view: Any) -> None:
    """One timestep up close: every vector at t, and one unit's update written out with its numbers."""
    st.subheader("One timestep up close")
    left, right = st.columns(2)
    widget(PARAMS["step"], high=run.config.timesteps - 1, container=left)
    widget(PARAMS["unit"], high=run.config.units - 1, container=right)
    chart(figures.step_figure(run, view.sample, view.step, view.unit), "step")
    cell, hidden = explain.unit_update(run, view.sample, view.step, view.unit)
    st.code(f"# unit {view.unit}, t = {view.step}, sample {view.sample}\n{cell}\n{hidden}", language="text")


def weights(run: Run) -> None:
    """The kernels and bias with their gate blocks, and the parameter count two ways."""
    st.subheader("Weights and parameters")
    shapes = ", ".join(f"`{name}` {tuple(w.shape)}" for name, w in run.weights.items())
    st.markdown(f"{shapes}. Columns come in blocks of `units`, in Keras's gate order **i | f | c | o**.")
    st.markdown(f"{explain.param_formula(run)}; Keras's `model.count_params()` says **{run.params:,}**.")
    chart(figures.weights_figure(run), "weights")


def code(run: Run) -> None:
    """Runnable code that rebuilds exactly this model and data and prints the same shapes."""
    st.subheader("The same in code")
    st.caption("Runs as printed, with the same data and weights as on this page.")
    st.code(code_for(run.config, {t.name: t.shape for t in run.returns}, run.params), language="python")
