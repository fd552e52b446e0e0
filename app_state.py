"""What the page keeps per browser session, shared by the page's modules."""

import streamlit as st

from explorer.config import Config
from explorer.datasets import Split, make_split
from explorer.training import BackgroundTrainer, Run

# The session-state key of the BackgroundTrainer that holds the session's run.
TRAINER = "trainer"


@st.cache_data(max_entries=32, show_spinner=False)
def cached_split(config: Config) -> Split:
    return make_split(config)


def start_afresh(config: Config) -> None:
    """Set the current run aside and make a new, untrained one of `config`."""
    trainer = st.session_state.get(TRAINER)
    if trainer is not None:
        trainer.pause()
    split = cached_split(config.data_only())
    st.session_state[TRAINER] = BackgroundTrainer(Run(config, split=split))
