"""Inside the network: its weights as a diagram, what each hidden unit computes
over the input plane, and how gradients and weights flow through its layers."""

import weakref

import streamlit as st

from app_charts import chart
from app_state import TRAINER
from explorer import inside, network_diagram, network_figures
from explorer.training import BackgroundTrainer, Run, Snapshot

# Session-state keys: dead-unit shares by run and epoch, and the view chosen
DEAD_UNITS = "dead_units"
VIEW = "inside_view"
VIEWS = ("Network", "Hidden units", "Gradient flow")


def output_names(run: Run | Snapshot) -> list[str]:
    task, split = run.config.task, run.split
    if task == "multiclass":
        return [f"logit {name}" for name in split.class_names]
    if task == "binary":
        return [f"logit for {split.class_names[1]}"]
    return ["value (standardised)"]


def show_network(run: Run | Snapshot) -> None:
    weights = inside.layer_weights(run.model)
    fig = network_diagram.network_figure(
        weights, run.split.input_names, output_names(run)
    )
    chart(st, fig, "network_chart")
    st.caption(
        "Line width: |weight|; orange positive, blue negative. A unit's colour is "
        "its bias. The outputs are raw: the loss applies the task's activation."
    )


def show_units(run: Run | Snapshot, axes: tuple[int, int]) -> None:
    names = run.split.feature_names
    if len(names) < 2 or not run.config.hidden:
        st.info(
            "Unit maps need a hidden layer and data with at least two inputs to "
            "draw over: add a layer, or pick two-input data."
        )
        return
    maps = inside.unit_maps(run, axes)
    left, right = st.columns(2)
    layer = left.selectbox(
        "Hidden layer",
        range(1, len(maps.layers) + 1),
        key="unit_layer",
        format_func=lambda k: f"layer {k} ({maps.layers[k - 1].shape[0]} units)",
    )
    units = maps.layers[min(layer, len(maps.layers)) - 1]
    unit = right.selectbox(
        "Unit to see large",
        range(1, units.shape[0] + 1),
        key=f"unit_{layer}",
        format_func=lambda k: f"unit {k}",
    )
    unit = min(unit, units.shape[0])
    titles = (names[axes[0]], names[axes[1]])
    fig = network_figures.unit_maps_figure(
        maps.xs, maps.ys, units, layer, axis_titles=titles, highlight=unit
    )
    small, large = st.columns([3, 2])
    chart(small, fig, "unit_maps_chart")
    fig = network_figures.unit_map_figure(
        maps.xs, maps.ys, units[unit - 1], f"layer {layer}, unit {unit}", titles
    )
    chart(large, fig, "unit_map_chart")


def show_gradient_flow(run: Run, epoch: int | None) -> None:
    # A kept snapshot never changes: its dead-unit shares are computed once per
    # run, not on every redraw while the trainer waits.
    known = st.session_state.setdefault(DEAD_UNITS, weakref.WeakKeyDictionary())
    fig = network_figures.gradient_flow_figure(
        inside.gradient_norm_frame(run.gradient_norms),
        inside.weight_norms(run.snapshots),
        inside.dead_fraction_frame(run, run.snapshots, known.setdefault(run, {})),
        epoch_marker=epoch,
    )
    chart(st, fig, "gradient_flow_chart")
    st.caption(
        "Gradient norms are each layer's at the last step of every epoch; weight "
        "norms and dead units (ReLU and LeakyReLU: units that never leave their "
        "negative part on the training set) at every kept snapshot."
    )


def show_inside(view: dict) -> None:
    trainer: BackgroundTrainer = st.session_state[TRAINER]
    trainer.heartbeat()
    # One view at a time: tabs would draw all three, and every chart drawn costs
    # the browser a repaint on each redraw.
    st.session_state.setdefault(VIEW, VIEWS[0])
    chosen = st.segmented_control("View", VIEWS, key=VIEW, label_visibility="collapsed")
    with trainer.hold() as run:
        shown = run if view["epoch"] is None else run.at(view["epoch"])
        if chosen == "Hidden units":
            show_units(shown, view["axes"])
        elif chosen == "Gradient flow":
            show_gradient_flow(run, view["epoch"])
        else:
            show_network(shown)


def inside_controls(view: dict, running: bool) -> None:
    st.subheader("Inside the network")
    if running:
        # Redrawn on its own timer, slower than the live charts above.
        st.fragment(show_inside, run_every=2.0)(view)
    else:
        # Drawn with the page: a second timed fragment would stall the history
        # replay's timer.
        show_inside(view)
