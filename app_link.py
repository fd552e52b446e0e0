"""The page's URL holds the whole config, so that a link reproduces the setup."""

from urllib.parse import urlencode

import streamlit as st

from app_controls import set_widgets
from explorer.config import Config, from_query, to_query
from explorer.training import available_devices

# Session-state keys
LINK_READ = "link_read"  # the URL was read on the session's first run
LINK_NOTES = "link_notes"  # what the link asked for that could not be used as is


def read_link() -> None:
    """On a session's first run, set the sidebar from the URL's query parameters;
    call before the sidebar is drawn."""
    if st.session_state.get(LINK_READ):
        return
    st.session_state[LINK_READ] = True
    params = st.query_params.to_dict()
    if not params:
        return
    config, notes = from_query(params)
    if config.device not in available_devices():
        notes.append(f"this link trains on {config.device}, not present here: cpu")
        config = config.replace(device="cpu")
    set_widgets(config)
    st.session_state[LINK_NOTES] = notes


def write_link(config: Config) -> None:
    """Keep the URL's query parameters equal to `config`, every field included."""
    query = to_query(config)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def show_link_notes() -> None:
    if notes := st.session_state.pop(LINK_NOTES, None):
        st.warning(
            "This link had settings that could not be used as they were: "
            + "; ".join(notes)
            + ".",
            icon="🔗",
        )


def share_controls(config: Config) -> None:
    with st.expander("Share this setup"):
        base = (st.context.url or "").split("?")[0]
        st.code(f"{base}?{urlencode(to_query(config))}", language=None, wrap_lines=True)
        st.caption(
            "The link holds every setting, the seed and the device included: "
            "opening it rebuilds the same data and the same initial weights, and "
            "training gives the same curve. Copy it with the button at its right."
        )
