import logging

import streamlit as st

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
from app_data import show_your_data
from app_history import forget_shown_epoch, history_controls
from app_inside import inside_controls
from app_lab import show_diagnosis, show_lab
from app_share import read_link, share_controls, show_link_notes, write_link
from app_state import PRESENT, TRAINER, start_afresh
from app_view import LIVE, show_live, view_controls
from explorer import mistakes
from explorer.config import CSV, Config
from explorer.tasks import TASKS, head_summary
from explorer.training import BackgroundTrainer, Run, use_one_thread

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
NOTICE = "notice"


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
        st.warning("Mistake on: " + "; ".join(made) + ".", icon=":material/warning:")
    for message in run.warnings:
        st.warning(f"PyTorch printed a warning to the server's console: {message}")


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
        if st.session_state.get("dataset") == CSV and not st.session_state.get("csv"):
            st.info(
                "To train on your own data, upload a CSV file in the sidebar (under "
                "Dataset), or open one of the example files.",
                icon=":material/upload_file:",
            )
        else:
            st.error(f"{error}. Change that setting in the sidebar.")
        st.stop()
    try:
        trainer = current_trainer(config)
    except ValueError as error:
        st.error(f"These settings cannot make a run: {error}.")
        show_your_data(config, ())  # what is in the file, to choose better
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
    show_your_data(config, run.split.notes)
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
