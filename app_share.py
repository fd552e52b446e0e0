"""Sharing and saving: the URL holds the whole config, so that a link reproduces
the setup; a run's weights, history and config download as files, and a config
file restores its setup."""

from pathlib import Path

import streamlit as st

from app_classroom import classroom_link, config_for, link_query, page_link, use_page
from app_controls import in_classroom, set_widgets
from app_state import TRAINER
from explorer import classroom, export, saving
from explorer.config import Config
from explorer.links import from_query
from explorer.training import BackgroundTrainer, available_devices

# Session-state keys
LINK_READ = "link_read"  # the URL was read on the session's first run
LINK_NOTES = "link_notes"  # what the link asked for that could not be used as is
UPLOAD = "config_upload"


def read_link() -> None:
    """On a session's first run, set the sidebar from the URL's query parameters;
    call before the sidebar is drawn."""
    if st.session_state.get(LINK_READ):
        return
    st.session_state[LINK_READ] = True
    params = st.query_params.to_dict()
    if not params:
        return
    settings, page_params = classroom.split_query(params)
    page, notes = classroom.from_query(page_params)
    if settings:
        config, config_notes = from_query(settings)
        notes += config_notes
    else:
        config = config_for(page)  # a lesson's or a challenge's link, by name
    use_page(page, use_config(config, notes))


def use_config(config: Config, notes: list[str]) -> Config:
    """Set the sidebar to `config`, noting what could not be used as it was;
    return the config the sidebar shows."""
    if config.device not in available_devices():
        notes.append(f"it trains on {config.device}, not present here: cpu instead")
        config = config.replace(device="cpu")
    set_widgets(config)
    st.session_state[LINK_NOTES] = notes
    return config


def restore_upload() -> None:
    upload = st.session_state.get(UPLOAD)
    if upload is None:
        return
    try:
        use_config(*saving.read_config_file(upload.getvalue()))
    except ValueError as error:
        st.session_state[LINK_NOTES] = [f"{upload.name}: {error}"]


def write_link(config: Config) -> None:
    """Keep the URL's query parameters equal to `config`, every field included."""
    query = link_query(config)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def show_link_notes() -> None:
    if notes := st.session_state.pop(LINK_NOTES, None):
        st.warning(
            "Some settings could not be used as they were: " + "; ".join(notes) + ".",
            icon=":material/link:",
        )


def share_controls(config: Config) -> None:
    with st.expander("Share, save and restore this setup"):
        st.code(page_link(link_query(config)), language=None, wrap_lines=True)
        st.caption(
            "This link holds every setting, the seed and the device included: "
            "opening it rebuilds the same data and the same initial weights, and "
            "training gives the same curve. Copy it with the button at its right."
        )
        trainer: BackgroundTrainer = st.session_state[TRAINER]

        def saved(write):
            # Written when the button is pressed, from the run as it is then.
            def data():
                with trainer.hold() as run:
                    return write(run)

            return data

        columns = st.columns(4)
        columns[0].download_button(
            "Weights (.safetensors)",
            saved(saving.weights_file),
            file_name=f"{config.dataset}-weights.safetensors",
            help="The model's state_dict; it loads without unpickling code: "
            "safetensors.torch.load_file(path), then model.load_state_dict(...).",
            key="download_weights",
        )
        columns[1].download_button(
            "History (.csv)",
            saved(saving.history_file),
            file_name=f"{config.dataset}-history.csv",
            mime="text/csv",
            key="download_history",
        )
        columns[2].download_button(
            "Config (.json)",
            saving.config_file(config),
            file_name=f"{config.dataset}-config.json",
            mime="application/json",
            key="download_config",
        )
        columns[3].download_button(
            "PyTorch script (.py)",
            lambda: export.script(config),
            file_name=f"{Path(config.csv).stem or config.dataset}-run.py",
            mime="text/x-python",
            help="One standalone file that trains this setup with plain PyTorch "
            "and prints the losses every few epochs: on the cpu, the same losses "
            "as here.",
            key="download_script",
        )
        if in_classroom():
            return
        st.file_uploader(
            "Restore a setup from a config file",
            type=["json"],
            key=UPLOAD,
            on_change=restore_upload,
            help="A config file downloaded here sets every setting in the sidebar.",
        )
        classroom_link(config)
