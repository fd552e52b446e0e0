"""The epoch slider under the charts: replaying a paused or finished run's past."""

import streamlit as st

from explorer.training import BackgroundTrainer

# Session-state keys
SHOWN = "shown_epoch"  # the slider: the epoch the charts show
PLAYING = "playing_history"  # the index in the kept epochs the replay is at
PLAY_STRIDE = "history_stride"  # kept epochs the replay moves on per frame
TICK_ARMED = "history_tick_armed"
PLAY_SECONDS = 0.4  # between two frames of a replay
PLAY_FRAMES = 40  # a replay shows at most this many of the kept epochs


def play(n_epochs: int) -> None:
    st.session_state[PLAYING] = 0
    st.session_state[PLAY_STRIDE] = max(1, -(-n_epochs // PLAY_FRAMES))


def stop_playing() -> None:
    st.session_state.pop(PLAYING, None)


def forget_shown_epoch() -> None:
    """Back to the run's latest epoch: for a fresh run, or one that trains on."""
    stop_playing()
    st.session_state.pop(SHOWN, None)


def _tick() -> None:
    # Called once by the full rerun that armed it, then on the timer: each timer
    # call moves the replay one kept epoch on and redraws the whole page.
    if st.session_state.pop(TICK_ARMED, False):
        return
    if PLAYING in st.session_state:
        st.session_state[PLAYING] += st.session_state[PLAY_STRIDE]
        st.rerun()


def history_controls(trainer: BackgroundTrainer) -> int | None:
    """Draw the slider; return the epoch to show, or None for the latest one."""
    run = trainer.run
    if trainer.running or run.epoch == 0:
        forget_shown_epoch()
        return None
    epochs = run.shown_epochs()
    if PLAYING in st.session_state:
        # The last frame is always the run's latest epoch.
        at = min(st.session_state[PLAYING], len(epochs) - 1)
        st.session_state[SHOWN] = epochs[at]
        if at == len(epochs) - 1:
            stop_playing()
    if st.session_state.get(SHOWN) not in epochs:
        st.session_state[SHOWN] = run.epoch

    left, right = st.columns([5, 1], vertical_alignment="bottom")
    every = f"every {run.snapshot_every:,} epochs" if run.snapshot_every > 1 else ""
    shown = left.select_slider(
        "Epoch shown",
        epochs,
        key=SHOWN,
        format_func=lambda e: f"{e:,}",
        on_change=stop_playing,
        # While a replay plays, the slider only follows it: a browser busy
        # drawing can send back the value it held before, which would stop it.
        disabled=PLAYING in st.session_state,
        help="Replays the charts above and the network at a kept epoch "
        f"(the weights are kept {every or 'every epoch'}). Scrubbing never retrains.",
    )
    if PLAYING in st.session_state:
        right.button("Stop", key="stop_history", on_click=stop_playing, width="stretch")
        st.session_state[TICK_ARMED] = True
        st.fragment(_tick, run_every=PLAY_SECONDS)()
    else:
        right.button(
            "Play history",
            key="play_history",
            on_click=play,
            args=(len(epochs),),
            width="stretch",
            help="Replays the kept epochs from the first.",
        )
    return None if shown == run.epoch else shown
