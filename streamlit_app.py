import logging

import streamlit as st

from app_controls import config_controls
from explorer import diagnostics, figures
from explorer.config import Config
from explorer.datasets import Split, make_split
from explorer.tasks import TASKS, head_summary
from explorer.training import BackgroundTrainer, Run, use_one_thread

st.set_page_config(page_title="Neural Network Explorer", page_icon="🧠", layout="wide")
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
use_one_thread()

# Session-state keys
TRAINER = "trainer"  # a BackgroundTrainer holding the session's run
LIVE = "live"  # whether the live view was armed to redraw on a timer
NOTICE = "notice"

# Training runs on its own thread; the page redraws on a timer meanwhile, as often
# as the browser keeps up with, at most this often.
REDRAW_SECONDS = 0.1
CHART_CONFIG = {"displaylogo": False}


@st.cache_data(max_entries=32, show_spinner=False)
def cached_split(config: Config) -> Split:
    return make_split(config)


# Button callbacks: they run before the page redraws.


def fresh_run() -> None:
    trainer = st.session_state[TRAINER]
    trainer.pause()
    run = trainer.run
    st.session_state[TRAINER] = BackgroundTrainer(Run(run.config, split=run.split))


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


def current_trainer(config: Config) -> BackgroundTrainer:
    """The session's trainer; its run starts afresh when the data or network change."""
    trainer = st.session_state.get(TRAINER)
    if trainer is None or trainer.run.config.restarts_run(config):
        if trainer is not None:
            trainer.pause()
            if trainer.run.epoch > 0:
                st.session_state[NOTICE] = (
                    "The data or the network changed: the trained model was set "
                    "aside and a new, untrained one is ready. Press Train."
                )
        trainer = BackgroundTrainer(Run(config, split=cached_split(config.data_only())))
        st.session_state[TRAINER] = trainer
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
    st.markdown(
        f"This model: **{head_summary(config.task, run.split.n_classes)}** · "
        f"{run.n_parameters:,} parameters · {reading}."
    )


def view_controls(run: Run) -> dict:
    names = run.split.feature_names
    columns = st.columns(3)
    log_loss = columns[0].toggle("Log-scale loss", key="log_loss")
    one_column = columns[0].toggle(
        "One chart per row",
        key="one_column",
        help="Larger charts, for a narrow window or a projector.",
    )
    axes = (0, 1)
    if len(names) > 2:
        # Keys per dataset: each remembers its own pair, starting from the inputs
        # that say most about the target.
        first, second = diagnostics.default_axes(run.split)
        x = columns[1].selectbox(
            "Drawn input (x)",
            range(len(names)),
            index=first,
            key=f"draw_x_{run.config.dataset}",
            format_func=names.__getitem__,
        )
        y = columns[2].selectbox(
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
    return {"log_loss": log_loss, "one_column": one_column, "axes": axes}


def show_status(trainer: BackgroundTrainer) -> None:
    run = trainer.run
    spe = run.seconds_per_epoch
    speed = f" · {spe * 1000:.2f} ms per epoch" if spe else ""
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
    elif run.done:
        st.success(
            "Training finished. Raise the epochs and press Resume to train on, "
            "or press Train to start again from fresh weights."
        )


def chart(container, fig, key: str) -> None:
    # The figures carry their own template and font sizes: no Streamlit theme.
    container.plotly_chart(fig, key=key, theme=None, config=CHART_CONFIG)


def chart_data(run: Run, axes: tuple[int, int]) -> dict:
    # Everything read from the run, in one go, while the trainer waits.
    data = {
        "points": diagnostics.points_frame(run, axes),
        "history": diagnostics.history_frame(run.history),
    }
    if len(run.split.feature_names) == 1:
        data["curve"] = diagnostics.fitted_curve(run)
    else:
        data["grid"] = diagnostics.plane_grid(run, axes)
    return data


def chart_slots(view: dict):
    if view["one_column"]:
        return st.container(), st.container()
    return st.columns(2)


def show_charts(run: Run, data: dict, view: dict) -> None:
    split, task, axes = run.split, run.config.task, view["axes"]
    points, history, names = data["points"], data["history"], split.feature_names

    left, right = chart_slots(view)
    if "curve" in data:
        xs, predictions = data["curve"]
        fig = figures.fit_curve_figure(xs, predictions, points, (names[0], "y"))
    else:
        grid = data["grid"]
        fig = figures.decision_boundary_figure(
            grid.xs,
            grid.ys,
            grid.values,
            points,
            task,
            split.class_names,
            (names[axes[0]], names[axes[1]]),
            grid.note,
        )
    chart(left, fig, "boundary_chart")
    chart(right, figures.output_figure(points, task, split.class_names), "output_chart")

    left, right = chart_slots(view)
    chart(left, figures.loss_figure(history, log_y=view["log_loss"]), "loss_chart")
    chart(right, figures.metric_figure(history, run.metric_name), "metric_chart")
    if task == "multiclass":
        chart(
            left, figures.confusion_figure(points, split.class_names), "confusion_chart"
        )
    elif task == "regression":
        chart(left, figures.residual_figure(points), "residual_chart")


def show_live(view: dict) -> None:
    trainer = st.session_state[TRAINER]
    trainer.heartbeat()
    if st.session_state.get(LIVE) and not trainer.running:
        st.session_state[LIVE] = False
        st.rerun()  # training ended: a full rerun stops the timer and updates buttons
    with trainer.hold() as run:
        show_status(trainer)
        show_charts(run, chart_data(run, view["axes"]), view)


def main() -> None:
    st.title("Neural Network Explorer")
    st.caption(
        "Train a real PyTorch network and watch it learn: pick a task, data "
        "and a network in the sidebar, then press Train."
    )
    try:
        config = config_controls()
    except ValueError as error:
        st.error(f"{error}. Change that setting in the sidebar.")
        st.stop()
    try:
        trainer = current_trainer(config)
    except ValueError as error:
        st.error(f"These settings cannot make a run: {error}.")
        st.stop()
    run = trainer.run

    if notice := st.session_state.pop(NOTICE, None):
        st.info(notice)
    with st.expander("What decides the last layer and the loss", expanded=True):
        show_task_table(config, run)
    training_buttons(trainer)
    view = view_controls(run)

    st.session_state[LIVE] = trainer.running
    st.fragment(show_live, run_every=REDRAW_SECONDS if trainer.running else None)(view)


main()
