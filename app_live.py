"""The loss curve while a run trains: a canvas that grows epoch by epoch.

A Plotly chart costs the browser tens of milliseconds to repaint and each page
update costs a Streamlit rerun, so together they manage a few repaints a second.
This canvas takes the history five times a second and draws the epochs that
arrived one animation frame at a time. When training stops, the page shows the
Plotly chart again, with its hover.
"""

from pathlib import Path

import streamlit as st

from explorer import plot_style

HERE = Path(__file__).parent / "components"
# Every row of a recent stretch of history, and an even sample of the rest, so
# each update stays small however long the run.
RECENT_ROWS, OLDER_ROWS = 300, 1_000

_component = st.components.v2.component(
    "live_loss",
    js=(HERE / "live_loss.js").read_text(),
    css=(HERE / "live_loss.css").read_text(),
    isolate_styles=False,
)


def _sample(history: list[dict]) -> list[dict]:
    older, recent = history[:-RECENT_ROWS], history[-RECENT_ROWS:]
    step = max(1, -(-len(older) // OLDER_ROWS))
    return older[::step] + recent


def live_loss(history: list[dict], log_y: bool) -> None:
    rows = _sample(history)
    _component(
        data={
            "epoch": [row["epoch"] for row in rows],
            "train": [row["train_loss"] for row in rows],
            "test": [row["test_loss"] for row in rows],
            "log_y": log_y,
            "font_size": plot_style.FONT_SIZE,
            "height": plot_style.HEIGHT,
        },
        key="live_loss",
    )
