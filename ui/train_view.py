"""The Train page's parts: settings, shapes, refusals with a fix, the live training, the results.

Live progress: each session's training is a Job that the server's one training process runs
(`rnnlab.training.jobs`). While it is queued or running, a fragment reruns itself every POLL_S
seconds (less often when many pages watch: MAX_POLLS_PER_S, never less than every jobs.MAX_POLL_S) and
draws the progress bar and the loss curve from a copy of the job's state; each poll tells the job this
session still watches (a training nobody watches stops). When the job finishes, the fragment reruns the
whole page once, which shows the results and stops the polling. A browser (every tab of it,
`visitor.browser()`) holds one training at a time: another tab asking for a different one is told so.
A script run never waits for a training, so a long training holds none of the server's script
threads, and nothing polls while no training is under way.

The model is the playground's Config, read from the same query parameters. Arriving through the
navigation (which drops the query string), the page takes the configuration the playground last put in
this session's URL; a first visit to this page starts from a model that can be trained as it is. The
training settings (task, optimizer, ...) join the query string too, so a link restores them, and a
teacher's link may hide them (they keep the link's values) or lock them like any other setting.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import streamlit as st

from rnnlab.learner_text import code as literal
from rnnlab.params import MODEL_PARAMS, Config, Parsed
from rnnlab.refusals import Refusal
from rnnlab.training import jobs, plan, settings as table, tasks
from rnnlab.training.figures import loss_figure, predictions_figure, states_figure
from rnnlab.training.settings import TRAIN, Settings
from ui import controls, panels, visitor
from ui.terms import prose

POLL_S = 0.5  # how often a running training's progress is redrawn
POLL_QUEUED_S = 2.0  # ... and a queued one's place in the queue
# Progress polls the whole server answers per second, at most (one costs 10-20 ms): with more pages
# watching, each polls less often (60 watchers: every 3 s).
MAX_POLLS_PER_S = 20
# A first visit to this page: per-timestep targets with a Dense(1) head, trainable as it is.
FIRST_VISIT = "return_sequences=true&head=dense&head_units=1"
_JOB, _NOTE = "train_job", "train_note"
_WRITTEN, _SAVED = "_train_query_written", "_train_settings"  # settings as last put in the URL; as last used
_MODEL_NAMES = {p.name for p in MODEL_PARAMS}


def _key(name: str) -> str:
    return f"train_{name}"


def _store(values: Settings) -> None:
    for name in TRAIN:
        st.session_state[_key(name)] = getattr(values, name)


def load() -> tuple[Parsed, Settings, list[str]]:
    """The Config (as the playground reads it), the training settings and what could not be used.

    Call before controls.model_controls: the training settings leave the query string while the
    playground's controls read it, and `write_url` puts them back."""
    arrived = _key("task") not in st.session_state  # the last run drew another page
    query = {key: st.query_params.get_all(key) for key in st.query_params}
    given = {k: v[-1] for k, v in query.items() if k in TRAIN}
    for name in given:
        del st.query_params[name]
    has_model = any(k in _MODEL_NAMES for k in query)
    if arrived or (not has_model and st.session_state.get(controls.SYNCED)):  # a dropped query string
        _arrive(has_model, restore_settings=arrived)
    problems = []
    linked = table.parse(given)
    if given and (arrived or given != st.session_state.get(_WRITTEN)):  # a link sets the settings
        _store(linked.value)
        problems = linked.problems
    room = controls.classroom()
    checked = table.check({name: st.session_state[_key(name)] for name in TRAIN}
                          | {name: getattr(linked.value, name) for name in TRAIN if room.hides(name)})
    st.session_state[_SAVED] = checked.value
    return controls.load(), checked.value, problems + checked.problems


def _arrive(has_model: bool, restore_settings: bool) -> None:
    """The first run of this page after another page (or of the session), or the navigation dropped
    the query string.

    The playground's query string is read afresh (widgets of another page hand their values to
    nobody): the URL's own, or the one the playground (or this page) last wrote, or for a session
    that has written none, FIRST_VISIT. The training settings come back from this session's last
    visit."""
    written = st.session_state.pop(controls.SYNCED, None)
    if not has_model:
        st.query_params.update(dict(parse_qsl(FIRST_VISIT)) if written is None else written)
    if restore_settings:
        _store(st.session_state.get(_SAVED, Settings()))


def write_url(settings: Settings) -> None:
    """Put the non-default training settings into the query string, after controls.sync_url."""
    wanted = table.to_query(settings)
    st.query_params.update(wanted)
    st.session_state[_WRITTEN] = wanted


def _apply(fix: dict[str, str]) -> None:
    """A one-click fix: model parameters through the playground's controls, training settings here."""
    model_part = {k: v for k, v in fix.items() if k not in TRAIN}
    for name, text in fix.items():
        if name in TRAIN:
            st.session_state[_key(name)] = TRAIN[name].parse(text)
    if model_part:
        controls.apply(model_part)


def settings_controls(config: Config) -> None:
    """Task and hyperparameters, one widget per training setting (a link may hide or lock each)."""
    controls.widget(TRAIN["task"], key=_key("task"), labels={name: f"{name}: {task.title}"
                                                               for name, task in tasks.TASKS.items()})
    room = controls.classroom()
    shown = [name for name in ("optimizer", "learning_rate", "epochs", "samples") if not room.hides(name)]
    boxes = [box for _ in range(0, len(shown), 2) for box in st.columns(2)]  # two a row, no gap where one is hidden
    for name, box in zip(shown, boxes):
        controls.widget(TRAIN[name], key=_key(name), container=box)
    prose(f"batch_size is `batch` in the sidebar ({config.batch}): the sequences each gradient step sees. "
          "The data comes from the sidebar's `seed`.", caption=True)


def _shape(values: tuple[int, ...]) -> str:
    return f"`{tuple(values)}`"


def task_and_shapes(config: Config, settings: Settings) -> None:
    """What x and y are, why the task can or cannot be learned, and the shapes that must agree."""
    task = tasks.TASKS[settings.task]
    x_shape, y_shape = tasks.shapes(config, settings.task, settings.samples)
    per = "timestep" if config.return_sequences else "sequence"
    prose(f"**{task.name}**: {task.about} {task.why}" if task.learnable else f"**{task.name}**: {task.about}")
    if not task.learnable:
        st.warning(f"The model cannot learn this. {task.why}", icon=":material/casino:")
    predicted = plan.prediction_shape(config, settings.samples) if config.head != "none" else None
    prose(
        f"x {_shape(x_shape)} (samples, timesteps, features) · y {_shape(y_shape)} "
        f"({'samples, timesteps, targets' if config.return_sequences else 'samples, targets'}) · "
        + (f"the head predicts {_shape(predicted)}" if predicted else "no head yet"))
    prose(f"With return_sequences={config.return_sequences}, there is one target per {per}"
          + ("." if config.return_sequences else ": the one at the sequence's last real timestep. Turn "
             "return_sequences on in the sidebar for a target at every timestep."), caption=True)


def refused(refusal: Refusal, key: str = "train-fix") -> None:
    """Why this cannot be trained as it is, and a button that makes the smallest fix."""
    st.error(refusal.message, icon=":material/block:")
    st.markdown(refusal.explanation)
    if refusal.fix:
        st.button(f"Fix it: {refusal.fix_text}", on_click=_apply, args=(refusal.fix,), type="primary", key=key)


def _progress_of(job: Any) -> jobs.Progress:
    """The job's state; looking at it says this session still watches it."""
    return job.progress(visitor.session())


def _start(config: Config, settings: Settings) -> None:
    previous = st.session_state.pop(_JOB, None)
    if previous is not None:
        previous.leave(visitor.session())
    st.session_state[_NOTE] = ""
    try:
        job = jobs.submit(config, settings, visitor.session(), visitor.browser())
    except jobs.Busy as busy:
        st.session_state[_NOTE] = str(busy)
        return
    st.session_state[_JOB] = job
    if _progress_of(job).finished:
        st.session_state[_NOTE] = ("This exact training (same model, data, seed and settings) already ran on "
                                   "this server: here is its result. Press New random data in the sidebar to "
                                   "train on other data.")


def _stop() -> None:
    """Stop: the training stops if nobody else watches it; otherwise this session stops watching."""
    job = st.session_state.get(_JOB)
    if job is not None and not job.leave(visitor.session()):
        del st.session_state[_JOB]
        st.session_state[_NOTE] = "You stopped watching. The same training goes on for the others who started it."


def train_button(config: Config, settings: Settings, blocked: bool) -> None:
    job = st.session_state.get(_JOB)
    running = job is not None and not _progress_of(job).finished
    st.button("Train", type="primary", icon=":material/model_training:", disabled=blocked or running,
              on_click=_start, args=(config, settings), key="train-start")
    if st.session_state.get(_NOTE):
        st.info(st.session_state[_NOTE], icon=":material/info:")


def _progress(progress: jobs.Progress) -> None:
    done = len(progress.loss)
    if progress.status == "queued":
        st.progress(0.0, text=f"Waiting for the training process: {progress.ahead} training"
                              f"{'s' * (progress.ahead != 1)} ahead of yours, about {progress.wait_s:.0f} s by "
                              "their sizes. The server trains one model at a time, for everyone, so that the "
                              "playground stays quick.")
        return
    last = f": loss {progress.loss[-1]:.4g}, val_loss {progress.val_loss[-1]:.4g}" if done else ""
    st.progress(min(1.0, done / progress.epochs), text=f"epoch {done} of {progress.epochs}{last} "
                                                       f"({progress.seconds:.1f} s)")
    if progress.watchers > 1 and not progress.finished:
        st.caption(f"{progress.watchers} people started this same training (same model, data and settings): it "
                   "runs once, for all of them.")


def _live(polling: bool, epochs: int) -> None:
    """The job's progress bar, loss curve and Stop button. When a polling fragment sees the job finished,
    it reruns the whole page, which draws the results and stops the polling."""
    job = st.session_state.get(_JOB)
    if job is None:
        st.progress(0.0, text="Press Train: the loss after every epoch appears here.")
        panels.chart(loss_figure([], [], epochs), "train-loss")
        return
    progress = _progress_of(job)
    if progress.finished and polling:
        st.rerun()
    _progress(progress)
    if not progress.finished:
        st.button("Stop", icon=":material/stop_circle:", on_click=_stop, key="train-stop")
    baseline = progress.result.baseline if progress.result else None
    panels.chart(loss_figure(progress.loss, progress.val_loss, progress.epochs, baseline), "train-loss")
    if progress.glimpse is not None and not progress.finished:
        panels.chart(predictions_figure(progress.glimpse, 0), "train-live-predictions")
        st.caption("The model as it trains: its predictions for validation sample 0 after every epoch, computed by "
                   "Keras in the training process, beside the targets and the predictions before training.")


def live(epochs: int) -> None:
    """The live part, in a fragment that reruns itself while the job is queued or running."""
    job = st.session_state.get(_JOB)
    status = _progress_of(job).status if job is not None else "none"
    every = {"queued": POLL_QUEUED_S, "running": POLL_S}.get(status)
    if every is not None:
        every = min(max(every, jobs.watching() / MAX_POLLS_PER_S), jobs.MAX_POLL_S)
    st.fragment(_live, run_every=every)(every is not None, epochs)


def _verdict(result: plan.Result) -> None:
    task = tasks.TASKS[result.settings.task]
    final = result.val_loss[-1]
    ratio = final / result.baseline if result.baseline else 1.0
    against = f"{1 / ratio:.0f} times lower than" if ratio < 0.1 else f"{ratio:.0%} of"
    compared = (f"validation loss {final:.4g}, {against} the loss of always predicting the average "
                f"({result.baseline:.4g})")
    if result.stop_reason:
        why = "you stopped it" if result.stop_reason == "stopped" else \
            f"it reached the time limit of {plan.MAX_SECONDS:.0f} s"
        st.warning(f"Training ended after {len(result.loss)} of {result.settings.epochs} epochs: {why}.",
                   icon=":material/stop_circle:")
    if result.diverged:
        st.error(f"The loss became NaN or infinite: learning_rate={result.settings.learning_rate:g} is too large "
                 f"for {result.settings.optimizer} on this task. Try a smaller one.", icon=":material/error:")
    elif result.learned:
        st.success(f"Learned: {compared}.", icon=":material/check_circle:")
    elif not task.learnable:
        st.info(f"Not learned, as expected: {compared}. {task.why}", icon=":material/casino:")
    else:
        st.warning(f"Not learned yet: {compared}. More epochs, another learning rate or more units may help.",
                   icon=":material/trending_flat:")
    st.caption(f"As Keras saw them: x {_shape(result.x_shape)}, y {_shape(result.y_shape)}, and "
               f"model.predict(x) returned {_shape(result.prediction_shape)}. fit took {result.seconds:.1f} s.")


def _padding(result: plan.Result) -> None:
    """The trained model's validation loss with and without the Masking layer, counted two ways."""
    config = result.config
    per_step = config.return_sequences
    st.header("Padding: the loss with and without the mask")
    columns = ["loss over real timesteps", "loss over every timestep, padding too"] if per_step else \
        ["loss (one target per sequence)"]
    lines = ["| the trained weights, evaluated | " + " | ".join(columns) + " |", "|---" * (1 + len(columns)) + "|"]
    for loss in result.padding:
        name = ("with" if loss.masked else "without") + " the Masking layer" + \
            (" (as trained)" if loss.masked == config.mask else "")
        values = (loss.real_steps, loss.every_step) if per_step else (loss.real_steps,)
        lines.append(f"| {name} | " + " | ".join(f"{v:.4g}" for v in values) + " |")
    st.markdown("\n".join(lines))
    if result.keras_check:
        panels.checks((result.keras_check,))
    prose(("With the Masking layer, Keras leaves padded timesteps out of the loss: the mask reaches the "
                "loss through the recurrent layer (return_sequences) and the head. " if per_step else "")
               + f"Sequences are padded '{config.padding}': "
               + ("the real timesteps come first, so the mask changes nothing before them; it changes what "
                  "the padded ones return and whether they count." if config.padding == "post" else
                  "the zeros come first, so without the mask they run through the layer before the data."),
          caption=True)


@st.fragment
def results() -> None:
    """After training: verdict, predictions against targets, h_t before and after, padding."""
    job = st.session_state.get(_JOB)
    progress = _progress_of(job) if job is not None else None
    if progress is None or not progress.finished:
        return
    if progress.refusal:
        refused(progress.refusal, key="train-fix-after")
        return
    if progress.error:
        st.error(progress.error if progress.error == jobs.LOST else f"The training failed: {progress.error}",
                 icon=":material/error:")
        return
    result = progress.result
    st.header("After training")
    _verdict(result)
    sample = st.slider("validation sample", 0, len(result.x_val) - 1, 0, key="train_sample")
    panels.chart(predictions_figure(result, sample), "train-predictions")
    panels.chart(states_figure(result, sample), "train-states")
    prose("h_t is what the layer returns at every timestep (its whole sequence, asked for here whatever "
          "return_sequences says). Before training it is the playground's layer, with the same weights; "
          "after training its units carry what the task needs.", caption=True)
    if result.padding:
        _padding(result)


def stale(config: Config, settings: Settings) -> None:
    job = st.session_state.get(_JOB)
    if job is not None and job.key != (config, settings):
        st.caption("The training shown is of another model or other settings: press Train for these ones.")


def show(parsed: Parsed, settings: Settings, problems: list[str]) -> None:
    """The whole page below its title: settings and shapes beside the live training, then the results."""
    jobs.warm()  # the training process imports TensorFlow while the first visitor reads the page
    config = parsed.config
    panels.notices(parsed.notices)
    if problems:
        st.warning("Some of the training settings could not be used:\n" + "\n".join(f"- {literal(p)}" for p in problems),
                   icon=":material/info:")
    left, right = st.columns([5, 4], gap="large")
    with left:
        settings_controls(config)
        task_and_shapes(config, settings)
        refusal = plan.refusal(config, settings)
        if not refusal:
            st.code(_calls(config, settings), language="python")
    with right:
        train_button(config, settings, blocked=refusal is not None)
        if refusal:
            refused(refusal)
        stale(config, settings)
        live(settings.epochs)
    results()


def _calls(config: Config, settings: Settings) -> str:
    """The Keras calls behind the Train button (the model is the playground's, ending in its head)."""
    optimizer = plan.OPTIMIZER_NAMES[settings.optimizer]
    return (f"model = keras.Model(inputs, prediction)\n"
            f"opt = keras.optimizers.{optimizer}(learning_rate={settings.learning_rate:g})\n"
            f"model.compile(optimizer=opt, loss=\"mse\")\n"
            f"history = model.fit(\n"
            f"    x, y, epochs={settings.epochs}, batch_size={config.batch},\n"
            f"    validation_data=(x_val, y_val),\n"
            f"    shuffle=False)")
