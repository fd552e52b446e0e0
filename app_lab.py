"""The page's mistake lab and diagnosis panel."""

import pandas as pd
import streamlit as st

from app_controls import in_classroom, set_widgets
from app_state import TRAINER, current_page, start_afresh
from explorer import lab
from explorer.findings import Finding, diagnose
from explorer.presets import PRESETS
from explorer.tasks import TASKS
from explorer.training import BackgroundTrainer


@st.cache_data(show_spinner="Training every step of the walk-through...")
def lab_walk() -> list[dict]:
    return lab.walk()


def apply_changes(changes: dict) -> None:
    """Set the sidebar to the current config with `changes`, and start a fresh run
    of it (also when only the learning rate or the epochs change)."""
    config = st.session_state[TRAINER].run.config.replace(**changes)
    set_widgets(config)
    start_afresh(config)


def train_step(index: int) -> None:
    """Put the step's setup in the sidebar and train it."""
    config = lab.step_configs()[index]
    set_widgets(config)
    start_afresh(config)
    st.session_state[TRAINER].start()


def show_finding(finding: Finding, index: int) -> None:
    with st.expander(f"⚠️ {finding.title}", expanded=True):
        st.markdown(f"**What the run shows:** {finding.evidence}.")
        st.markdown(finding.explanation)
        if finding.task_row:
            row = TASKS[finding.task_row].label
            st.markdown(f"See the [task table](#task-table), row *{row}*.")
        # A classroom link offers only the fixes students are allowed to make.
        if finding.fix and all(map(current_page().may_change, finding.fix)):
            st.button(
                finding.fix_label,
                key=f"fix_{index}",
                on_click=apply_changes,
                args=(finding.fix,),
                help="Changes the settings in the sidebar and starts a fresh run.",
            )


def show_diagnosis(trainer: BackgroundTrainer) -> None:
    st.subheader("Diagnosis")
    if trainer.running or trainer.run.epoch == 0:
        # Not before: a lesson's question should not be answered before its run.
        st.caption("The run is checked when it pauses or ends.")
        return
    with trainer.hold() as run:
        findings = diagnose(run)
    if not findings:
        st.success("Nothing looks wrong with this run.")
    for index, finding in enumerate(findings):
        show_finding(finding, index)


def show_lab() -> None:
    if in_classroom():
        return  # its steps change settings a classroom link may lock
    with st.expander("The mistake lab: the notebook, fixed one step at a time"):
        steps = lab.NOTEBOOK_STEPS
        index = st.radio(
            "Step",
            range(len(steps)),
            format_func=lambda i: f"{i}. {steps[i].title}",
            key="lab_step",
            horizontal=True,
        )
        st.markdown(steps[index].explanation)
        st.button(
            "Train this step in the explorer",
            key="train_step",
            on_click=train_step,
            args=(index,),
        )
        table = pd.DataFrame(lab_walk(), index=[s.title for s in steps])
        # A table, not a scrolling frame: every column in view, test accuracy
        # (the walk-through's point) included, at any width.
        st.table(
            table.style.format("{:.3f}").apply(
                lambda row: (
                    ["font-weight: bold" if row.name == steps[index].title else ""]
                    * len(row)
                ),
                axis=1,
            ),
        )
        notebook = PRESETS["notebook"].config
        st.caption(
            f"Each step trained to its end ({notebook.epochs} epochs), "
            f"seed {notebook.seed}."
        )
