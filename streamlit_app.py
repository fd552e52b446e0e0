import logging

import streamlit as st

from app_charts import chart, chart_data, model_figure
from app_classroom import (
    challenge_card,
    classroom_note,
    enforce,
    gallery,
    hidden_controls_css,
    lesson_card,
    presenter_css,
    restore_locked,
)
from app_compare import compare_controls
from app_controls import config_controls
from app_history import forget_shown_epoch, history_controls
from app_inside import inside_controls
from app_lab import show_diagnosis, show_lab
from app_live import live_loss
from app_share import read_link, share_controls, show_link_notes, write_link
from app_state import PRESENT, TRAINER, start_afresh
from explorer import diagnostics, figures, mistakes
from explorer.config import Config
from explorer.tasks import TASKS, head_summary
from explorer.training import BackgroundTrainer, Run, Snapshot, use_one_thread

st.set_page_config(
    page_title="Neural Network Explorer",
    page_icon="🧠",
    layout="wide",
    # A presenter's link opens with the sidebar folded away, the charts wide.
    initial_sidebar_state="collapsed"
    if st.query_params.get("present") == "true"
    else "auto",
)
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
use_one_thread()

# Session-state keys (TRAINER, the BackgroundTrainer holding the session's run,
# lives in app_state)
LIVE = "live"  # whether the live view was armed to redraw on a timer
NOTICE = "notice"

# Training runs on its own thread; meanwhile the page redraws on timers: the loss
# curve at most this often (a Streamlit rerun costs tens of milliseconds here, so a
# shorter interval only queues reruns) ...
LOSS_REDRAW_SECONDS = 0.2
# ... and the charts that are dearer to repaint less often.
MODEL_REDRAW_SECONDS = 1.0
METRIC_REDRAW_SECONDS = 2.0


# Button callbacks: they run before the page redraws.


def fresh_run() -> None:
    start_afresh(st.session_state[TRAINER].run.config)


def train() -> None:
    if st.session_state[TRAINER].run.done:
        fresh_run()
    st.session_state[TRAINER].start()


def pause() -> None:
    st.session_state[TRAINER].pause()


def step() -> None:
    trainer = st.session_state[TRAINER]
    trainer.pause()
    trainer.run.advance(epochs=1)
    forget_shown_epoch()


def current_trainer(config: Config) -> BackgroundTrainer:
    """The session's trainer; its run starts afresh when the data or network change."""
    trainer = st.session_state.get(TRAINER)
    if trainer is None or trainer.run.config.restarts_run(config):
        if trainer is not None and trainer.run.epoch > 0:
            st.session_state[NOTICE] = (
                "The data or the network changed: the trained model was set "
                "aside and a new, untrained one is ready. Press Train."
            )
        start_afresh(config)
        trainer = st.session_state[TRAINER]
    elif trainer.run.config != config:
        with trainer.lock:
            trainer.run.set_live(config)
    return trainer


def training_buttons(trainer: BackgroundTrainer) -> None:
    run, running = trainer.run, trainer.running
    started = run.epoch > 0
    columns = st.columns(5)
    columns[0].button(
        "Train",
        key="train",
        on_click=train,
        type="primary",
        disabled=running or (started and not run.done),
        width="stretch",
    )
    columns[1].button(
        "Pause", key="pause", on_click=pause, disabled=not running, width="stretch"
    )
    columns[2].button(
        "Resume",
        key="resume",
        on_click=train,
        disabled=running or not started or run.done,
        width="stretch",
    )
    columns[3].button(
        "Step",
        key="step",
        on_click=step,
        disabled=running or run.done,
        width="stretch",
        help="Train one epoch.",
    )
    columns[4].button("Reset", key="reset", on_click=fresh_run, width="stretch")


def show_task_table(config: Config, run: Run) -> None:
    st.html('<div id="task-table"></div>')
    rows = [
        "| task | target | output layer | output activation | loss |",
        "|---|---|---|---|---|",
    ]
    for name, task in TASKS.items():
        cells = [
            task.label,
            task.target,
            task.output_layer,
            task.output_activation,
            f"`{task.loss}`",
        ]
        if name == config.task:
            cells = [f"**▶ {cells[0]}**"] + [f"**{c}**" for c in cells[1:]]
        rows.append("| " + " | ".join(cells) + " |")
    st.markdown("\n".join(rows))
    reading = (
        "outputs read as values, in the target's own units"
        if config.task == "regression"
        else f"probabilities shown are one {TASKS[config.task].output_activation} "
        "applied to the raw outputs"
    )
    head = head_summary(
        config.task,
        run.split.n_classes,
        mistakes.inside_name(config),
        mistakes.loss_name(config),
    )
    st.markdown(
        f"This model: **{head}** · {run.n_parameters:,} parameters · {reading}."
    )
    if made := mistakes.active(config, run.split.X_train_raw):
        st.warning("Mistake on: " + "; ".join(made) + ".", icon="⚠️")
    for message in run.warnings:
        st.warning(f"PyTorch printed a warning to the server's console: {message}")


def view_controls(run: Run) -> dict:
    names = run.split.feature_names
    toggles = st.columns(3)
    log_loss = toggles[0].toggle("Log-scale loss", key="log_loss")
    one_column = toggles[1].toggle(
        "One chart per row",
        key="one_column",
        help="Larger charts, for a narrow window or a projector.",
    )
    present = toggles[2].toggle(
        "Presenter mode",
        key=PRESENT,
        help="Larger type and the essential charts only, readable from the back "
        "of a room. The link keeps it.",
    )
    axes = (0, 1)
    if len(names) > 2:
        # Keys per dataset: each remembers its own pair, starting from the inputs
        # that say most about the target.
        first, second = diagnostics.default_axes(run.split)
        columns = st.columns(2)
        x = columns[0].selectbox(
            "Drawn input (x)",
            range(len(names)),
            index=first,
            key=f"draw_x_{run.config.dataset}",
            format_func=names.__getitem__,
        )
        y = columns[1].selectbox(
            "Drawn input (y)",
            range(len(names)),
            index=second,
            key=f"draw_y_{run.config.dataset}",
            format_func=names.__getitem__,
        )
        if x == y:
            st.info("Pick two different inputs to draw the model's output over them.")
            y = (x + 1) % len(names)
        axes = (x, y)
    return {
        "log_loss": log_loss,
        "one_column": one_column,
        "present": present,
        "axes": axes,
        "dataset": run.config.dataset,
    }


def show_status(
    trainer: BackgroundTrainer, shown_epoch: int | None, brief: bool = False
) -> None:
    """The epoch line, and what to do next; `brief` leaves out the advice."""
    run = trainer.run
    spe = run.seconds_per_epoch
    speed = f" · {spe * 1000:.2f} ms per epoch" if spe else ""
    if shown_epoch is not None:
        speed += f" · **showing epoch {shown_epoch:,}**"
    if run.epoch and not run.done and not trainer.running:
        speed += " · **paused**"
    st.markdown(
        f"**Epoch {run.epoch:,} / {run.config.epochs:,}**{speed} · {run.device_note}"
    )
    if trainer.idle_paused:
        st.info(
            "Training paused itself while the page was not redrawing (a hidden "
            "tab or a slow connection). Press Resume to go on."
        )
    if run.stopped:
        st.error(f"Training stopped: {run.stopped['reason']}.")
    elif run.done and not brief:
        st.success(
            "Training finished. Raise the epochs and press Resume to train on, "
            "or press Train to start again from fresh weights."
        )


def chart_slots(view: dict):
    if view["one_column"]:
        return st.container(), st.container()
    return st.columns(2)


# The live view is three fragments, each redrawn on its own timer while training
# runs. The browser spends tens of milliseconds on every Plotly chart it repaints,
# so only the loss curve is repainted at the full rate; the charts of what the
# model says about the data follow less often.


def live_trainer() -> BackgroundTrainer:
    trainer = st.session_state[TRAINER]
    trainer.heartbeat()
    if st.session_state.get(LIVE) and not trainer.running:
        st.session_state[LIVE] = False
        st.rerun()  # training ended: a full rerun stops the timers and updates buttons
    return trainer


def shown(run: Run, view: dict) -> Run | Snapshot:
    """The run itself, or the run as it was at the epoch the slider shows."""
    return run if view["epoch"] is None else run.at(view["epoch"])


def show_model(view: dict) -> None:
    """The status line, the model over the data and its outputs."""
    trainer = live_trainer()
    with trainer.hold() as run:
        show_status(trainer, view["epoch"], brief=view["present"])
        run = shown(run, view)
        data = chart_data(run, view["axes"])
    split, task = run.split, run.config.task
    if view["present"]:
        chart(st, model_figure(run, data, view["axes"]), "boundary_chart")
        return
    left, right = chart_slots(view)
    chart(left, model_figure(run, data, view["axes"]), "boundary_chart")
    fig = figures.output_figure(data["points"], task, split.class_names)
    chart(right, fig, "output_chart")


def show_loss(view: dict) -> None:
    trainer = live_trainer()
    # No need to stop the trainer: rows are only ever appended, whole, to the
    # history, and copying the list takes them as they are at that moment.
    history = list(trainer.run.history)
    if trainer.running:
        live_loss(history, view["log_loss"])
        return
    frame = diagnostics.history_frame(history)
    fig = figures.loss_figure(frame, log_y=view["log_loss"], epoch_marker=view["epoch"])
    chart(st, fig, "loss_chart")


def show_metric(view: dict) -> None:
    """The task's metric over epochs, and the confusion matrix or the residuals."""
    trainer = live_trainer()
    with trainer.hold() as run:
        history = diagnostics.history_frame(run.history)
        points = diagnostics.points_frame(shown(run, view), view["axes"])
    split, task = run.split, run.config.task
    fig = figures.metric_figure(history, run.metric_name, epoch_marker=view["epoch"])
    chart(st, fig, "metric_chart")
    if task == "multiclass":
        chart(
            st, figures.confusion_figure(points, split.class_names), "confusion_chart"
        )
    elif task == "regression":
        chart(st, figures.residual_figure(points), "residual_chart")


def show_live(view: dict, running: bool) -> None:
    def every(seconds: float) -> float | None:
        return seconds if running else None

    if view["present"]:
        # The model over the data and the loss, side by side, and nothing else.
        left, right = st.columns(2)
        with left:
            st.fragment(show_model, run_every=every(MODEL_REDRAW_SECONDS))(view)
        with right:
            st.fragment(show_loss, run_every=every(LOSS_REDRAW_SECONDS))(view)
        return
    st.fragment(show_model, run_every=every(MODEL_REDRAW_SECONDS))(view)
    left, right = chart_slots(view)
    with left:
        st.fragment(show_loss, run_every=every(LOSS_REDRAW_SECONDS))(view)
    with right:
        st.fragment(show_metric, run_every=every(METRIC_REDRAW_SECONDS))(view)


def main() -> None:
    st.title("Neural Network Explorer")
    st.caption(
        "Train a real PyTorch network and watch it learn: pick a task, data "
        "and a network in the sidebar, then press Train."
    )
    read_link()
    restore_locked()
    presenter_css()
    hidden_controls_css()
    try:
        config = enforce(config_controls())
    except ValueError as error:
        st.error(f"{error}. Change that setting in the sidebar.")
        st.stop()
    try:
        trainer = current_trainer(config)
    except ValueError as error:
        st.error(f"These settings cannot make a run: {error}.")
        st.stop()
    run = trainer.run
    write_link(config)
    show_link_notes()

    classroom_note()
    if notice := st.session_state.pop(NOTICE, None):
        st.info(notice)
    lesson_card()
    challenge_card(trainer)
    present = st.session_state.get(PRESENT)
    # Folded in presenter mode, so that the charts fit a projector's screen.
    with st.expander("What decides the last layer and the loss", expanded=not present):
        show_task_table(config, run)
    if not present:
        gallery()
        show_lab()
        share_controls(config)
    training_buttons(trainer)
    view = view_controls(run)

    st.session_state[LIVE] = trainer.running
    charts = st.container()
    view["epoch"] = history_controls(trainer)
    with charts:
        show_live(view, trainer.running)
    if view["present"]:
        return
    inside_controls(view, trainer.running)
    show_diagnosis(trainer)
    compare_controls(view, trainer.running)


main()
