"""Plotly figures of what goes on inside the network: each hidden unit's output
over the input plane, and how gradients and weights change layer by layer over
training (the diagram of its weights is in `network_diagram`).

Pure functions of numpy arrays and DataFrames, in `plot_style`'s look.
"""

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from explorer.plot_style import (
    DIVERGING,
    FONT_SIZE,
    GREY,
    LEGEND_RIGHT,
    NOTE_LINE,
    NOTE_SIZE,
    PALETTE,
    add_note,
    annotation,
    base_layout,
    colorbar_layout,
    empty_figure,
    epoch_ticks,
    log_ticks,
    new_figure,
    symmetric_limit,
    titled_axis,
    vertical_line,
)

# One colour per layer; yellow, the hardest to see on white, comes last.
LAYER_COLORS: list[str] = [*PALETTE[:6], PALETTE[7], PALETTE[6]]
MAX_UNITS = 32
# No ticks on a tile, but a frame, so that a unit whose output is 0 everywhere
# still shows as a (white) tile.
TILE_AXIS = {
    "showticklabels": False,
    "showgrid": False,
    "zeroline": False,
    "showline": True,
    "mirror": True,
    "linecolor": "#bbbbbb",
}
TILE_COLUMNS = 6  # so that "unit 32" fits over a tile in a narrow column
TILE_TITLE = 28  # pixels over each tile for its title
ROW_HEIGHT = 170  # pixels per row of the gradient flow figure


def _domain(low: float, high: float) -> list[float]:
    # Rounding can put an edge a hair outside [0, 1], which plotly refuses.
    return [min(max(low, 0.0), 1.0), min(max(high, 0.0), 1.0)]


# What each hidden unit computes over the input plane


def _heatmap(xs, ys, values, axes: tuple[str, str], hover: str) -> dict:
    return {
        "type": "heatmap",
        "x": np.asarray(xs, dtype=np.float32),
        "y": np.asarray(ys, dtype=np.float32),
        "z": np.asarray(values, dtype=np.float32),
        "xaxis": axes[0],
        "yaxis": axes[1],
        "coloraxis": "coloraxis",
        "hovertemplate": hover,
    }


def _coloraxis(values: np.ndarray) -> dict:
    # 0 is white. Outputs that are never negative (ReLU, sigmoid) get the whole
    # scale from white to orange rather than half of a blue-white-orange one.
    limit = symmetric_limit(values)
    colorbar = colorbar_layout("unit output", x=1.02, xanchor="left")
    finite = values[np.isfinite(values)]
    if finite.size and finite.min() >= 0:
        scale = [[0, "#ffffff"], [1, PALETTE[1]]]
        return {"colorscale": scale, "cmin": 0, "cmax": limit, "colorbar": colorbar}
    return {
        "colorscale": DIVERGING,
        "cmin": -limit,
        "cmax": limit,
        "colorbar": colorbar,
    }


def _tile_axes(k: int, cols: int, rows: int, tile: float) -> tuple[dict, dict]:
    # Tile k's two axes, row by row from the top left; `tile` is its height in
    # pixels, and every row but the first has a title's height above it.
    row, col = divmod(k, cols)
    gap_x = 0.03
    width = (1 - gap_x * (cols - 1)) / cols
    plot = rows * tile + (rows - 1) * TILE_TITLE
    left, top = col * (width + gap_x), 1 - row * (tile + TILE_TITLE) / plot
    suffix = str(k + 1) if k else ""
    x = {**TILE_AXIS, "domain": _domain(left, left + width), "anchor": f"y{suffix}"}
    y = {**TILE_AXIS, "domain": _domain(top - tile / plot, top), "anchor": f"x{suffix}"}
    return x, y


def _tile_title(k: int, chosen: bool) -> tuple[dict, list[dict]]:
    # The title over tile k, bold and the tile framed for the highlighted unit.
    suffix = str(k + 1) if k else ""
    on_tile = {"xref": f"x{suffix} domain", "yref": f"y{suffix} domain"}
    label = f"<b>unit {k + 1}</b>" if chosen else f"unit {k + 1}"
    title = annotation(label, 0.5, 1, yanchor="bottom") | on_tile
    if not chosen:
        return title, []
    frame = {"type": "rect", "x0": 0, "x1": 1, "y0": 0, "y1": 1, **on_tile}
    return title, [frame | {"line": {"color": "black", "width": 4}}]


def unit_maps_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    units: np.ndarray,
    layer_index: int,
    max_units: int = MAX_UNITS,
    axis_titles: tuple[str, str] = ("x1", "x2"),
    highlight: int | None = None,
) -> go.Figure:
    """Small multiples: one map per unit of hidden layer `layer_index` (1-based) of
    its output over the plane of the two drawn inputs, on one colour scale.

    `units` is (units, ny, nx), one entry of `inside.UnitMaps.layers`. Past
    `max_units` units only the first are drawn, and a note says so. `highlight`
    frames the tile of that unit, numbered from 1 as the tiles are titled.
    """
    n = min(len(units), max_units)
    title = f"hidden layer {layer_index}: each unit's output"
    if n == 0:
        return empty_figure(title, *axis_titles, "this layer has no units to show")
    # As few rows as TILE_COLUMNS allows, filled as evenly as they can be.
    rows = math.ceil(n / TILE_COLUMNS)
    cols = math.ceil(n / rows)

    # Tiles about as tall as they are wide in a page column some 700 pixels wide.
    tile = float(np.clip(560 / cols, 80, 240))
    where = f"{axis_titles[0]} %{{x:.3g}}<br>{axis_titles[1]} %{{y:.3g}}"
    layout = base_layout(title, "", "")
    traces = []
    for k in range(n):
        suffix = str(k + 1) if k else ""
        layout[f"xaxis{suffix}"], layout[f"yaxis{suffix}"] = _tile_axes(
            k, cols, rows, tile
        )
        hover = f"unit {k + 1}<br>{where}<br>output %{{z:.3g}}<extra></extra>"
        traces.append(_heatmap(xs, ys, units[k], (f"x{suffix}", f"y{suffix}"), hover))
        label, frame = _tile_title(k, highlight == k + 1)
        label["font"] = {"size": FONT_SIZE - 2 * (cols > 4)}
        layout["annotations"].append(label)
        layout["shapes"] += frame

    # How to read the tiles, and how many there are, under the last row.
    lines = [f"each tile: {axis_titles[0]} across, {axis_titles[1]} up"]
    if len(units) > max_units:
        lines.append(f"the first {n} of {len(units)} units shown")
    note = annotation(
        "<br>".join(lines), 0, 0, xanchor="left", yanchor="top", yshift=-8
    )
    layout["annotations"].append(
        note | {"align": "left", "font": {"size": NOTE_SIZE, "color": GREY}}
    )
    layout["coloraxis"] = _coloraxis(units[:n])
    layout["margin"].update(t=70 + TILE_TITLE, b=20 + NOTE_LINE * len(lines))
    plot = rows * tile + (rows - 1) * TILE_TITLE
    layout["height"] = int(plot + layout["margin"]["t"] + layout["margin"]["b"])
    return new_figure(traces, layout)


def unit_map_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    values: np.ndarray,
    title: str,
    axis_titles: tuple[str, str],
) -> go.Figure:
    """One unit's output (ny, nx) over the plane of the two drawn inputs, large;
    white is 0."""
    where = f"{axis_titles[0]} %{{x:.3g}}<br>{axis_titles[1]} %{{y:.3g}}"
    hover = f"{where}<br>output %{{z:.3g}}<extra></extra>"
    layout = base_layout(title, *axis_titles, coloraxis=_coloraxis(np.asarray(values)))
    bare = {"showgrid": False, "zeroline": False}
    layout["xaxis"].update(bare)
    layout["yaxis"].update(bare)
    return new_figure([_heatmap(xs, ys, values, ("x", "y"), hover)], layout)


# Gradient flow: per-layer norms over training


def _layer_color(layer: int) -> str:
    return LAYER_COLORS[(layer - 1) % len(LAYER_COLORS)]


def _layer_lines(frame: pd.DataFrame, column: str, axis: str, hover: str) -> list:
    traces = []
    for layer, rows in frame.sort_values("epoch").groupby("layer", sort=True):
        color = _layer_color(int(layer))
        traces.append(
            {
                "type": "scatter",
                "x": rows["epoch"].to_numpy(np.int32),
                "y": rows[column].to_numpy(np.float32),
                "yaxis": axis,
                "mode": "lines" if len(rows) > 1 else "markers",
                "line": {"color": color, "width": 3},
                "marker": {"color": color, "size": 9},
                "name": f"layer {layer}",
                "legendgroup": f"layer {layer}",
                "hovertemplate": f"layer {layer}: %{{y:{hover}}}<extra></extra>",
            }
        )
    return traces


def _decade_ticks(values: np.ndarray) -> dict:
    # figures' 1-2-5 ticks crowd a row that spans many decades, as a vanishing
    # gradient's does: then powers of ten only, at most about five of them.
    ticks = log_ticks(values)
    if len(ticks.get("tickvals", [])) <= 7:
        return ticks
    values = values[np.isfinite(values) & (values > 0)]
    low, high = math.log10(values.min()), math.log10(values.max())
    powers = list(range(math.ceil(low), math.floor(high) + 1))
    powers = powers[:: math.ceil(len(powers) / 5)]
    text = [f"10<sup>{p}</sup>".replace("-", "−") if p else "1" for p in powers]
    return {
        "tickmode": "array",
        "tickvals": [10.0**p for p in powers],
        "ticktext": text,
    }


def _stack(layout: dict, rows: list, epoch_marker: int | None) -> list[dict]:
    """Each row's lines on a y axis of its own, rows from the top over one x axis."""
    gap, traces, seen = 0.08, [], set()
    step = (1 + gap) / len(rows)  # a row's height plus one gap
    for r, (name, frame, column, hover) in enumerate(rows):
        axis, top = (f"y{r + 1}" if r else "y"), 1 - r * step
        domain = _domain(top - step + gap, top)
        layout[f"yaxis{r + 1}" if r else "yaxis"] = titled_axis(
            name, domain=domain, anchor="x"
        )
        for line in _layer_lines(frame, column, axis, hover):
            # One legend entry per layer; clicking it hides the layer in every row.
            line["showlegend"] = line["name"] not in seen
            seen.add(line["name"])
            traces.append(line)
        if epoch_marker is not None:
            marker = vertical_line(epoch_marker) | {"yref": f"{axis} domain"}
            layout["shapes"].append(marker)
    layout["xaxis"]["anchor"] = f"y{len(rows)}"
    return traces


def gradient_flow_figure(
    grad: pd.DataFrame,
    weights: pd.DataFrame,
    dead: pd.DataFrame,
    epoch_marker: int | None = None,
) -> go.Figure:
    """Per layer over training, in rows sharing the epoch axis: the weight-gradient
    norm (log axis), the weight norm, and the share of dead units (only when `dead`
    has rows).

    `grad` and `weights` have columns epoch, layer, norm (`inside.gradient_norm_frame`
    and `inside.weight_norms`); `dead` has epoch, layer, fraction. One colour per
    layer in every row; `epoch_marker` draws a dotted line at that epoch.
    """
    title = "gradient flow"
    if grad.empty and weights.empty:
        message = "train a few epochs to see the gradients layer by layer"
        return empty_figure(title, "epoch", "gradient norm", message)

    rows = [
        ("gradient norm", grad, "norm", ".3g"),
        ("weight norm", weights, "norm", ".3g"),
    ]
    if not dead.empty:
        rows.append(("dead units", dead, "fraction", ".0%"))
    height = ROW_HEIGHT * len(rows) + 130
    layout = base_layout(title, "epoch", "", height=height, hovermode="x unified")
    layout["legend"] = LEGEND_RIGHT
    traces = _stack(layout, rows, epoch_marker)

    # Log axis for the gradients: they span decades from the last layer to the first.
    norms = grad["norm"].to_numpy(np.float64) if not grad.empty else np.empty(0)
    layout["yaxis"].update(type="log", exponentformat="power", **_decade_ticks(norms))
    if (norms <= 0).any():
        add_note(layout, "gradient norms of exactly 0 cannot be drawn on a log axis")
    if not dead.empty:
        layout[f"yaxis{len(rows)}"].update(range=[0, 1.02], tickformat=".0%")
    epochs = pd.concat([f["epoch"] for f in (grad, weights, dead) if not f.empty])
    epoch_ticks(layout, epochs.to_frame())
    return new_figure(traces, layout)
