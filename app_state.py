"""What the page keeps per browser session, shared by the page's modules."""

import streamlit as st

from explorer.classroom import Page
from explorer.config import Config
from explorer.datasets import Split, make_split
from explorer.training import BackgroundTrainer, Run

# Session-state keys: the BackgroundTrainer that holds the session's run, and a
# copy of a run pinned for comparison (run A; the current run is B).
TRAINER = "trainer"
PINNED = "pinned"
PAGE = "page"  # the explorer.classroom.Page a link opened: lesson, classroom, ...
PRESENT = "present"  # the presenter-mode toggle: larger type, the essential charts


def current_page() -> Page:
    """The page's lesson, challenge and classroom locks, as its link set them."""
    return st.session_state.get(PAGE, Page())


@st.cache_data(max_entries=32, show_spinner=False)
def cached_split(config: Config) -> Split:
    return make_split(config)


def start_afresh(config: Config) -> None:
    """Set the current run aside and make a new, untrained one of `config`.

    While a run is pinned, the new run starts from the pinned run's initial
    weights wherever the two networks have the same shapes.
    """
    trainer = st.session_state.get(TRAINER)
    if trainer is not None:
        trainer.pause()
    split = cached_split(config.data_only())
    pinned = st.session_state.get(PINNED)
    initial = pinned.snapshots[0] if pinned is not None else None
    run = Run(config, split=split, initial_state=initial)
    st.session_state[TRAINER] = BackgroundTrainer(run)
