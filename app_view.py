"""The live view: how the charts are laid out, the status line, and the charts
of the run (or of the epoch the slider shows), redrawn on timers while it trains."""

import streamlit as st

from app_charts import chart, chart_data, model_figure
from app_live import live_loss
from app_state import PRESENT, TRAINER
from explorer import diagnostics, figures
from explorer.training import BackgroundTrainer, Run, Snapshot

# Session-state key: whether the live view was armed to redraw on a timer
LIVE = "live"

# Training runs on its own thread; meanwhile the page redraws on timers: the loss
# curve at most this often (a Streamlit rerun costs tens of milliseconds here, so a
# shorter interval only queues reruns) ...
LOSS_REDRAW_SECONDS = 0.2
# ... and the charts that are dearer to repaint less often.
MODEL_REDRAW_SECONDS = 1.0
METRIC_REDRAW_SECONDS = 2.0


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
    else:
        left, right = chart_slots(view)
        chart(left, model_figure(run, data, view["axes"]), "boundary_chart")
        fig = figures.output_figure(data["points"], task, split.class_names)
        chart(right, fig, "output_chart")
    if data["drawn_note"]:
        st.caption(
            f"These charts are {data['drawn_note']}, so that each redraw stays "
            "small; training and the loss use every point."
        )


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
        # The model over the data, then the loss, each the page's whole width:
        # side by side, larger type would leave a projector's charts smaller.
        st.fragment(show_model, run_every=every(MODEL_REDRAW_SECONDS))(view)
        st.fragment(show_loss, run_every=every(LOSS_REDRAW_SECONDS))(view)
        return
    st.fragment(show_model, run_every=every(MODEL_REDRAW_SECONDS))(view)
    left, right = chart_slots(view)
    with left:
        st.fragment(show_loss, run_every=every(LOSS_REDRAW_SECONDS))(view)
    with right:
        st.fragment(show_metric, run_every=every(METRIC_REDRAW_SECONDS))(view)
