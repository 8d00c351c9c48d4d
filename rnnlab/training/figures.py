"""Plotly figures (plain dicts) of a training: the loss curve, predictions against targets, h_t before
and after. Pure functions of the losses or of a Result and the sample looked at; built with the
playground's chart helpers so both pages look alike."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rnnlab.colours import PALETTE
from rnnlab.figures import (Figure, axis_id, axis_key, base_figure, heatmap, panel_label, plain_axis, stacked_domains,
                            symmetric_bound, unit_window)
from rnnlab.training.plan import Glimpse, Result
from rnnlab.training.tasks import TASKS

TARGET, BEFORE, AFTER, INPUT = "#222222", "#9e9e9e", PALETTE[3], PALETTE[0]


def loss_figure(loss: Sequence[float], val_loss: Sequence[float], epochs: int,
                baseline: float | None = None) -> Figure:
    """Training and validation loss per epoch on a log scale, the x axis already as long as the training."""
    epoch = np.arange(1, len(loss) + 1)
    traces = [
        {"type": "scatter", "x": epoch, "y": list(loss), "mode": "lines+markers", "name": "training loss",
         "line": {"color": PALETTE[0], "width": 3}, "hovertemplate": "epoch %{x}<br>loss %{y:.4g}<extra></extra>"},
        {"type": "scatter", "x": epoch, "y": list(val_loss), "mode": "lines+markers", "name": "validation loss",
         "line": {"color": PALETTE[1], "width": 3, "dash": "dash"},
         "hovertemplate": "epoch %{x}<br>val_loss %{y:.4g}<extra></extra>"},
    ]
    if baseline is not None:
        traces.append({"type": "scatter", "x": [0.5, epochs + 0.5], "y": [baseline, baseline], "mode": "lines",
                       "name": "always predicting the average", "line": {"color": BEFORE, "width": 2, "dash": "dot"},
                       "hovertemplate": "always predicting the average: %{y:.4g}<extra></extra>"})
    shown = [v for v in (*loss, *val_loss, *([baseline] if baseline else [])) if np.isfinite(v) and v > 0]
    ends = {} if shown else {"range": [-3, 0]}  # log10 of the axis ends, before the first epoch
    ticks = _log_ticks(min(shown, default=1e-3), max(shown, default=1.0))
    return base_figure(traces, "loss after every epoch", 380,
                   xaxis=plain_axis("epoch", range=[0.5, epochs + 0.5], dtick=next(d for d in (1, 2, 5, 10)
                                                                               if epochs <= 8 * d)),
                   yaxis=plain_axis("MSE (log scale)", type="log", tickvals=ticks, ticktext=[f"{v:g}" for v in ticks],
                               **ends),
                   margin={"l": 70, "r": 20, "t": 60, "b": 110},
                   legend={"orientation": "h", "yanchor": "top", "y": -0.25, "x": 0})


def _log_ticks(low: float, high: float) -> list[float]:
    """Tick values for a log axis from low to high, written out in full: 1, 2 and 5 times powers of ten,
    or only the powers when that would make more than five."""
    powers = [10.0 ** k for k in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)]
    ticks = [m * p for p in powers for m in (1, 2, 5) if low / 1.5 <= m * p <= high * 1.5]
    return ticks if len(ticks) <= 5 else [p for p in powers if low / 10 <= p <= high * 10]


def _last_real(real: np.ndarray) -> int:
    return int(np.flatnonzero(real)[-1]) if real.any() else real.size - 1


def predictions_figure(result: Result | Glimpse, sample: int) -> Figure:
    """Targets, predictions before and after training (or, while it trains, after its latest epoch) for one
    validation sample, one panel per target.

    With return_sequences every timestep has a target; without it the sequence has one, drawn at its
    last real timestep, next to the input that led to it."""
    task = TASKS[result.settings.task]
    real = result.real[sample]
    steps = np.arange(real.size)
    per_step = result.y_val.ndim == 3
    rows = stacked_domains(task.width, 0.1)[::-1]
    now = f"after epoch {result.epoch + 1}" if isinstance(result, Glimpse) else "after training"
    traces, layout, labels = [], {}, []
    for k, (name, domain) in enumerate(zip(task.targets, rows), start=1):
        axes = {"xaxis": axis_id("x", k), "yaxis": axis_id("y", k)}
        first = k == 1
        traces.append({"type": "scatter", "x": steps[real], "y": result.x_val[sample, real, 0], "mode": "lines",
                       "name": "input x[t, 0]", "line": {"color": INPUT, "width": 1.5}, "opacity": 0.45,
                       "showlegend": first, "legendgroup": "x", **axes,
                       "hovertemplate": "t %{x}<br>x[t, 0] %{y:.3f}<extra></extra>"})
        if per_step:
            where, picked = steps[real], (lambda a: a[sample, real, k - 1])
            mode = "lines+markers"
        else:
            where, picked = [_last_real(real)], (lambda a: a[sample, k - 1:k])
            mode = "markers"
        for label, values, style in (
                ("target y", result.y_val, {"color": TARGET, "width": 3}),
                ("before training", result.prediction_before, {"color": BEFORE, "width": 2, "dash": "dot"}),
                (now, result.prediction, {"color": AFTER, "width": 3, "dash": "dash"})):
            traces.append({"type": "scatter", "x": where, "y": picked(values), "mode": mode, "name": label,
                           "line": style, "marker": {"size": 9 if per_step else 16, "color": style["color"],
                                                     "symbol": "circle" if label == "target y" else "x"},
                           "showlegend": first, "legendgroup": label, **axes,
                           "hovertemplate": f"t %{{x}}<br>{label} %{{y:.3f}}<extra></extra>"})
        layout[axis_key("x", k)] = plain_axis("timestep t" if k == task.width else None, anchor=axis_id("y", k),
                                          range=[-0.5, real.size - 0.5], **({} if k == 1 else {"matches": "x"}))
        layout[axis_key("y", k)] = plain_axis(None, domain=domain, anchor=axis_id("x", k))
        labels.append(panel_label(f"target: {name}", 0.5, domain[1]))
    what = "at every timestep" if per_step else "one per sequence, at its last real timestep"
    return base_figure(traces, f"validation sample {sample}: targets and predictions ({what})",
                   160 + 190 * task.width, annotations=labels, margin={"l": 60, "r": 20, "t": 90, "b": 100},
                   # at the figure's foot, clear of the time axis's title whatever the panels' height
                   legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0},
                   **layout)


def states_figure(result: Result, sample: int) -> Figure:
    """h_t of the last recurrent layer at every timestep for one sample, before and after training,
    side by side on one colour scale."""
    before, after = result.states_before[sample], result.states_after[sample]
    drawn, note = unit_window(before.shape[1])
    bound = max(symmetric_bound(before[:, drawn]), symmetric_bound(after[:, drawn]))
    traces, layout, labels = [], {}, []
    units = np.arange(before.shape[1])[drawn]
    columns = stacked_domains(2, 0.06)
    for k, (title, values) in enumerate((("before training", before), ("after training", after)), start=1):
        domain = columns[k - 1]
        traces.append(heatmap(values[:, drawn].T, "timestep", "unit", f"h_t {title}", bound, y=units,
                               xaxis=axis_id("x", k), yaxis="y", showscale=k == 2))
        layout[axis_key("x", k)] = plain_axis("timestep t", domain=domain, anchor="y")
        labels.append(panel_label(title, sum(domain) / 2, 1.0))
    return base_figure(traces, f"h_t at every timestep, validation sample {sample}{note}", 380,
                   yaxis=plain_axis("unit", autorange="reversed"), annotations=labels, **layout)
