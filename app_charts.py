"""Drawing a run's model over its data: shared by the live view and the comparison."""

import streamlit as st

from app_state import PRESENT
from explorer import diagnostics, figures, plot_style
from explorer.training import Run, Snapshot

CHART_CONFIG = {"displaylogo": False}


def chart(container, fig, key: str) -> None:
    # The figures carry their own template and font sizes: no Streamlit theme.
    if st.session_state.get(PRESENT):
        fig = plot_style.for_projector(fig)
    container.plotly_chart(fig, key=key, theme=None, config=CHART_CONFIG)


def chart_data(run: Run | Snapshot, axes: tuple[int, int]) -> dict:
    # Everything read from the run, in one go, while the trainer waits.
    points = diagnostics.points_frame(run, axes)
    points, note = diagnostics.drawn_points(points, seed=run.config.seed)
    data = {"points": points, "drawn_note": note}
    if len(run.split.feature_names) == 1:
        data["curve"] = diagnostics.fitted_curve(run)
    else:
        data["grid"] = diagnostics.plane_grid(run, axes)
    return data


def model_figure(run: Run | Snapshot, data: dict, axes: tuple[int, int]):
    """The decision boundary, the fitted curve or the fitted surface."""
    split, names = run.split, run.split.feature_names
    if "curve" in data:
        xs, predictions = data["curve"]
        return figures.fit_curve_figure(
            xs, predictions, data["points"], (names[0], "y")
        )
    grid = data["grid"]
    return figures.decision_boundary_figure(
        grid.xs,
        grid.ys,
        grid.values,
        data["points"],
        run.config.task,
        split.class_names,
        (names[axes[0]], names[axes[1]]),
        grid.note,
    )


def axes_for(run: Run | Snapshot, view: dict) -> tuple[int, int]:
    """The drawn inputs: the page's choice for the current dataset, else the two
    that say most about the target."""
    if len(run.split.feature_names) <= 2 or run.config.dataset == view["dataset"]:
        return view["axes"]
    return diagnostics.default_axes(run.split)
