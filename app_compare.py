"""Comparing two runs: the current run (B) beside a run pinned earlier (A)."""

import pandas as pd
import streamlit as st

from app_charts import axes_for, chart, chart_data, model_figure
from app_controls import in_classroom, set_widgets
from app_state import PINNED, TRAINER, cached_split, start_afresh
from explorer import diagnostics, figures, mistakes
from explorer.presets import COMPARISONS
from explorer.tasks import TASKS, head_summary
from explorer.training import BackgroundTrainer, Run


def pin() -> None:
    """Pin a copy of the current run as A; B starts afresh from its settings."""
    trainer = st.session_state[TRAINER]
    trainer.pause()
    st.session_state[PINNED] = trainer.run.copy()
    start_afresh(trainer.run.config)


def unpin() -> None:
    st.session_state.pop(PINNED, None)


def load_comparison(name: str) -> None:
    """Train the comparison's A and pin it, then set up B and start training it."""
    comparison = COMPARISONS[name]
    a = Run(comparison.a, split=cached_split(comparison.a.data_only()))
    a.advance()
    st.session_state[PINNED] = a
    set_widgets(comparison.b)
    start_afresh(comparison.b)
    st.session_state[TRAINER].start()


def head(run: Run) -> str:
    config = run.config
    return head_summary(
        config.task,
        run.split.n_classes,
        mistakes.inside_name(config),
        mistakes.loss_name(config),
    )


def differences(a: Run, b: Run) -> pd.DataFrame:
    rows = [
        {"setting": name, "A": str(value_a), "B": str(value_b)}
        for name, value_a, value_b in a.config.differences(b.config)
    ]
    return pd.DataFrame(rows, columns=["setting", "A", "B"])


def side(run: Run, view: dict) -> dict:
    """What one side of the comparison draws, read from its run in one go."""
    axes = axes_for(run, view)
    final = run.history[-1]
    return {
        "run": run,
        "axes": axes,
        "data": chart_data(run, axes),
        "history": diagnostics.history_frame(run.history),
        "shares_weights": run.shares_weights,
        "summary": f"{TASKS[run.config.task].label.lower()} · epoch {run.epoch:,} · "
        f"test {run.metric_name} {final['test_metric']:.3f}",
        "head": head(run),
    }


def show_side(name: str, side: dict, column) -> None:
    run, data = side["run"], side["data"]
    column.markdown(f"**{name}** · {side['summary']}  \n`{side['head']}`")
    chart(column, model_figure(run, data, side["axes"]), f"compare_model_{name}")
    fig = figures.output_figure(data["points"], run.config.task, run.split.class_names)
    chart(column, fig, f"compare_output_{name}")


def show_comparison(view: dict) -> None:
    trainer: BackgroundTrainer = st.session_state[TRAINER]
    trainer.heartbeat()
    a: Run = st.session_state[PINNED]
    with trainer.hold() as b:
        sides = {"A": side(a, view), "B": side(b, view)}
        table = differences(a, b)

    for comparison in COMPARISONS.values():
        if comparison.a == a.config:
            st.info(comparison.text)
    if table.empty:
        st.caption("A and B have the same settings.")
    else:
        st.markdown("**Settings that differ**")
        st.dataframe(table, hide_index=True)
    if sides["B"]["shares_weights"]:
        st.caption("B started from A's initial weights.")
    else:
        st.caption(
            "B's network has other shapes than A's, so its initial weights are its own."
        )

    left, right = st.columns(2)
    show_side("A", sides["A"], left)
    show_side("B", sides["B"], right)
    tasks = [sides[name]["run"].config.task for name in ("A", "B")]
    losses = ("loss", "loss")
    if tasks[0] != tasks[1]:
        losses = (TASKS[tasks[0]].loss, TASKS[tasks[1]].loss)
    fig = figures.compare_loss_figure(
        sides["A"]["history"], sides["B"]["history"], losses, log_y=view["log_loss"]
    )
    chart(st, fig, "compare_loss_chart")


def compare_controls(view: dict, running: bool) -> None:
    st.subheader("Compare two runs")
    if PINNED not in st.session_state:
        st.caption(
            "Pin the current run as A, change any settings and train B: the two "
            "are drawn side by side, and B starts from A's initial weights "
            "wherever the networks have the same shapes."
        )
        left, right = st.columns(2)
        left.button("Pin this run as A", key="pin", on_click=pin, width="stretch")
        # A ready comparison changes settings a classroom link may lock.
        for name, comparison in () if in_classroom() else COMPARISONS.items():
            right.button(
                comparison.label,
                key=f"compare_{name}",
                on_click=load_comparison,
                args=(name,),
                help=comparison.text,
                width="stretch",
            )
        return
    left, right = st.columns(2)
    left.button("Pin this run as A instead", key="pin", on_click=pin, width="stretch")
    right.button("Unpin A", key="unpin", on_click=unpin, width="stretch")
    st.fragment(show_comparison, run_every=2.0 if running else None)(view)
