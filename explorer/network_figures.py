"""Plotly figures of what goes on inside the network: its weights and biases as a
diagram, each hidden unit's output over the input plane, and how gradients and
weights change layer by layer over training.

Pure functions of numpy arrays and DataFrames, in `figures`' projector-sized look.
"""

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from explorer.figures import (
    FONT_SIZE,
    GREY,
    HEIGHT,
    LEGEND_BELOW,
    LEGEND_RIGHT,
    NOTE_LINE,
    NOTE_SIZE,
    PALETTE,
    _add_note,
    _axis,
    _empty,
    _epoch_ticks,
    _figure,
    _layout,
    _log_ticks,
    _text,
    _vertical,
)

# Blue below zero, white at zero, orange above: the weights' sign colours.
DIVERGING: list[list] = [[0, PALETTE[0]], [0.5, "#ffffff"], [1, PALETTE[1]]]
# One colour per layer; yellow, the hardest to see on white, comes last.
LAYER_COLORS: list[str] = [*PALETTE[:6], PALETTE[7], PALETTE[6]]
SIGN_COLOR = {"positive": PALETTE[1], "negative": PALETTE[0]}
# Line widths in pixels for |weight| up to 1/4, 1/2, 3/4 and all of the largest.
LINK_WIDTHS = (1.0, 2.0, 3.5, 5.5)
MAX_LINKS = 400
COMPACT_COLUMNS = 5  # more columns than this get shorter labels
MAX_NAMED = 12  # input and output nodes are labelled by name up to this many
CHAR_WIDTH = 0.55 * FONT_SIZE  # pixels per character of a label, roughly
COLORBAR_ROOM = 90  # pixels right of the plot for a colour bar and its ticks
LEGEND_ROOM = 50  # pixels under the plot for one row of legend
AXIS_OFF = {"visible": False, "showgrid": False, "zeroline": False}
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


def _colorbar(title: str, **place) -> dict:
    return {
        "title": {"text": title, "side": "top"},
        "thickness": 16,
        "len": 0.6,
        "y": 0.5,
        "yanchor": "middle",
        **place,
    }


def _domain(low: float, high: float) -> list[float]:
    # Rounding can put an edge a hair outside [0, 1], which plotly refuses.
    return [min(max(low, 0.0), 1.0), min(max(high, 0.0), 1.0)]


def _limit(values: np.ndarray) -> float:
    # A colour scale symmetric around 0 that reaches the largest finite magnitude.
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size and finite.max() > 0 else 1.0


# The network diagram


def _node_ys(widths: list[int]) -> list[np.ndarray]:
    # Each column's units evenly over the height, unit 1 on top.
    return [(1 - (np.arange(n) + 0.5) / n).astype(np.float32) for n in widths]


def _node_sizes(widths: list[int], plot_height: float) -> list[float]:
    # Marker diameters in pixels: as large as the column leaves room for.
    return [float(np.clip(0.6 * plot_height / n, 4, 24)) for n in widths]


def _node_names(widths, input_names, output_names) -> list[list[str]]:
    hidden = [
        [f"hidden {layer}, unit {k + 1}" for k in range(n)]
        for layer, n in enumerate(widths[1:-1], start=1)
    ]
    inputs = [f"input {name}" for name in input_names]
    return [inputs, *hidden, [f"output {name}" for name in output_names]]


def _strongest(weights: list, max_links: int) -> tuple[np.ndarray, ...]:
    """Every link as (layer, from unit, to unit, weight): past `max_links`, the
    strongest of each layer, every layer getting an equal share (a small layer's
    unused share goes to the others), so that no layer looks unconnected."""
    sizes = [W.size for W, _ in weights]
    shares, budget = [0] * len(weights), max_links
    for left, k in enumerate(sorted(range(len(weights)), key=sizes.__getitem__)):
        shares[k] = min(sizes[k], budget // (len(weights) - left))
        budget -= shares[k]
    layer, src, dst, w = [], [], [], []
    for k, (W, _) in enumerate(weights):
        to, fro = np.indices(W.shape)  # W is (out, in)
        keep = np.arange(W.size)
        if shares[k] < W.size:
            keep = np.sort(
                np.argpartition(-np.abs(W.ravel()), shares[k] - 1)[: shares[k]]
            )
        layer.append(np.full(keep.size, k))
        src.append(fro.ravel()[keep])
        dst.append(to.ravel()[keep])
        w.append(W.ravel()[keep])
    return tuple(np.concatenate(a) for a in (layer, src, dst, w))


def _segments(x0, y0, x1, y1) -> tuple[np.ndarray, np.ndarray]:
    # One polyline for many links: a NaN after each breaks the line there.
    gap = np.full_like(x0, np.nan)
    x = np.stack([x0, x1, gap], axis=1).ravel()
    y = np.stack([y0, y1, gap], axis=1).ravel()
    return x.astype(np.float32), y.astype(np.float32)


def _link_traces(ends: tuple, w: np.ndarray) -> list[dict]:
    # One trace per (width bin, sign): plotly draws one width per trace. Thin
    # first, so that the strongest links lie on top; many links get thinner lines,
    # so that they do not merge into one block.
    strength = np.abs(w) / _limit(w)
    bins = np.minimum((strength * len(LINK_WIDTHS)).astype(int), len(LINK_WIDTHS) - 1)
    thinning = float(np.clip(np.sqrt(40 / max(w.size, 1)), 0.4, 1))
    traces = {}
    for b, width in enumerate(LINK_WIDTHS):
        for rank, (sign, is_sign) in enumerate(
            (("positive", w >= 0), ("negative", w < 0))
        ):
            mask = is_sign & (bins == b)
            if not mask.any():
                continue
            x, y = _segments(*(e[mask] for e in ends))
            traces[b, sign] = {
                "type": "scatter",
                "x": x,
                "y": y,
                "mode": "lines",
                "line": {"color": SIGN_COLOR[sign], "width": width * thinning},
                "opacity": 0.8,
                "name": f"{sign} weight",
                "legendgroup": sign,
                "legendrank": rank + 1,
                "showlegend": False,
                "hoverinfo": "skip",
            }
    # Each sign's legend entry shows its thickest line, the easiest to see.
    for sign in SIGN_COLOR:
        thickest = [trace for (_, s), trace in traces.items() if s == sign]
        if thickest:
            thickest[-1]["showlegend"] = True
    return list(traces.values())


def _link_hover(ends: tuple, names: tuple[list, list], w: np.ndarray) -> dict:
    # Lines cannot carry a hover per segment: an invisible marker at each middle does.
    x0, y0, x1, y1 = ends
    return {
        "type": "scatter",
        "x": ((x0 + x1) / 2).astype(np.float32),
        "y": ((y0 + y1) / 2).astype(np.float32),
        "mode": "markers",
        "marker": {"size": 10, "color": "rgba(0,0,0,0)"},
        "customdata": w.astype(np.float32),
        "hovertext": [f"{a} → {b}: {v:.3g}" for a, b, v in zip(*names, w, strict=True)],
        "hovertemplate": "%{hovertext}<extra></extra>",
        "showlegend": False,
    }


def _nodes(xs, ys, names, sizes, labels, side: str, **marker) -> dict:
    # A column's markers; `labels` are drawn beside them ("" for none).
    size = np.repeat(np.asarray(sizes, dtype=np.float32), [len(x) for x in xs])
    outline = {"color": "#333333", "width": np.where(size >= 8, 1.0, 0.5)}
    return {
        "type": "scatter",
        "x": np.concatenate(xs),
        "y": np.concatenate(ys),
        "mode": "markers+text",
        # Sizes given one by one would otherwise make plotly draw see-through bubbles.
        "marker": {"size": size, "opacity": 1, "line": outline, **marker},
        "text": labels,
        "textposition": f"middle {side}",
        "cliponaxis": False,
        "hovertext": [name for column in names for name in column],
        "showlegend": False,
    }


def _node_traces(xs, ys, names, biases, sizes, labels) -> list[dict]:
    """The inputs in grey, then every other node coloured by its bias."""
    inputs = _nodes(xs[:1], ys[:1], names[:1], sizes[:1], labels[0], "left")
    inputs["marker"]["color"] = "#bbbbbb"
    inputs["hovertemplate"] = "%{hovertext}<br>no bias<extra></extra>"

    bias = np.concatenate(biases).astype(np.float32)
    limit = _limit(bias)
    scale = {"color": bias, "colorscale": DIVERGING, "cmin": -limit, "cmax": limit}
    colorbar = _colorbar("bias", x=1, xref="container", xanchor="right")
    hidden = [""] * (len(bias) - len(labels[1]))
    units = _nodes(xs[1:], ys[1:], names[1:], sizes[1:], hidden + labels[1], "right")
    units["marker"].update(scale, showscale=True, colorbar=colorbar)
    units["customdata"] = bias
    units["hovertemplate"] = "%{hovertext}<br>bias %{customdata:.3g}<extra></extra>"
    return [inputs, units]


def _labels(names: list[str]) -> list[str]:
    # Names beside the nodes only while there are few enough to read.
    return [f" {name} " for name in names] if len(names) <= MAX_NAMED else []


def _column_label(x: int, title: str, n: int, compact: bool) -> dict:
    # Many columns leave each label little width: a word a line, the bare count.
    text = f"{title}<br>{n:,} unit{'s' * (n != 1)}"
    if compact:
        text = "<br>".join([*title.split(), f"{n:,}"])
    label = _text(text, x, 0, xref="x", yanchor="top", yshift=-4)
    if compact:
        label["font"] = {"size": FONT_SIZE - 2}
    return label


def _network_layout(widths, labels, height: int, n_drawn: int) -> dict:
    compact = len(widths) > COMPACT_COLUMNS
    layout = _layout("weights and biases", "", "", legend=LEGEND_BELOW)
    below = LEGEND_ROOM + NOTE_LINE * compact  # the legend, and a third label line
    layout.update(height=height + below, hovermode="closest")
    layout["legend"]["title"] = {"text": "line width: |weight|  "}

    # Room in the margins for the names beside the nodes and the column labels.
    left, right = (max(map(len, names), default=0) for names in labels)
    layout["margin"].update(
        l=max(50, 15 + int(CHAR_WIDTH * left)),
        r=COLORBAR_ROOM + int(CHAR_WIDTH * right),
        b=60 + below,
    )
    layout["xaxis"].update(AXIS_OFF, range=[-0.1, len(widths) - 0.9])
    layout["yaxis"].update(AXIS_OFF, range=[-0.02, 1.02])
    titles = ["inputs", *(f"hidden {k}" for k in range(1, len(widths) - 1))]
    titles.append("outputs")
    layout["annotations"] += [
        _column_label(k, title, n, compact)
        for k, (title, n) in enumerate(zip(titles, widths, strict=True))
    ]
    n_links = sum(a * b for a, b in zip(widths[:-1], widths[1:], strict=True))
    if n_links > n_drawn:
        _add_note(layout, f"strongest {n_drawn:,} of {n_links:,} links drawn")
    return layout


def network_figure(
    weights: list[tuple[np.ndarray, np.ndarray]],
    input_names: list[str],
    output_names: list[str],
    max_links: int = MAX_LINKS,
) -> go.Figure:
    """The network as a diagram: inputs, hidden layers and outputs in columns.

    `weights` holds (W (out, in), b (out,)) per Linear layer, as
    `inside.layer_weights` returns them. A node's colour is its bias; a link's
    colour is its weight's sign and its width |weight|. Past `max_links` links only
    the strongest by |weight| are drawn, and a note says so. Hovering a node or the
    middle of a link gives its values.
    """
    widths = [weights[0][0].shape[1], *(W.shape[0] for W, _ in weights)]
    names = _node_names(widths, input_names, output_names)
    ys = _node_ys(widths)
    xs = [np.full(n, float(k), dtype=np.float32) for k, n in enumerate(widths)]
    # Taller for wide layers, so that a column of 128 units still fits.
    height = HEIGHT + int(np.clip(4 * (max(widths) - 32), 0, 400))

    # Links: the strongest ones, their two ends and the names of those.
    layer, src, dst, w = _strongest(weights, max_links)
    start = np.cumsum([0, *widths])
    src, dst = start[layer] + src, start[layer + 1] + dst  # indices among all nodes
    ys_flat, flat = np.concatenate(ys), [name for column in names for name in column]
    ends = (layer.astype(np.float32), ys_flat[src], layer + np.float32(1), ys_flat[dst])
    ends_names = ([flat[i] for i in src], [flat[i] for i in dst])

    labels = [_labels(input_names), _labels(output_names)]
    sizes = _node_sizes(widths, height - 200)
    traces = _link_traces(ends, w) + [_link_hover(ends, ends_names, w)]
    traces += _node_traces(xs, ys, names, [b for _, b in weights], sizes, labels)
    return _figure(traces, _network_layout(widths, labels, height, len(w)))


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
    limit = _limit(values)
    colorbar = _colorbar("unit output", x=1.02, xanchor="left")
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
    title = _text(label, 0.5, 1, yanchor="bottom") | on_tile
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
        return _empty(title, *axis_titles, "this layer has no units to show")
    # As few rows as TILE_COLUMNS allows, filled as evenly as they can be.
    rows = math.ceil(n / TILE_COLUMNS)
    cols = math.ceil(n / rows)

    # Tiles about as tall as they are wide in a page column some 700 pixels wide.
    tile = float(np.clip(560 / cols, 80, 240))
    where = f"{axis_titles[0]} %{{x:.3g}}<br>{axis_titles[1]} %{{y:.3g}}"
    layout = _layout(title, "", "")
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
    note = _text("<br>".join(lines), 0, 0, xanchor="left", yanchor="top", yshift=-8)
    layout["annotations"].append(
        note | {"align": "left", "font": {"size": NOTE_SIZE, "color": GREY}}
    )
    layout["coloraxis"] = _coloraxis(units[:n])
    layout["margin"].update(t=70 + TILE_TITLE, b=20 + NOTE_LINE * len(lines))
    plot = rows * tile + (rows - 1) * TILE_TITLE
    layout["height"] = int(plot + layout["margin"]["t"] + layout["margin"]["b"])
    return _figure(traces, layout)


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
    layout = _layout(title, *axis_titles, coloraxis=_coloraxis(np.asarray(values)))
    bare = {"showgrid": False, "zeroline": False}
    layout["xaxis"].update(bare)
    layout["yaxis"].update(bare)
    return _figure([_heatmap(xs, ys, values, ("x", "y"), hover)], layout)


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
    ticks = _log_ticks(values)
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
        layout[f"yaxis{r + 1}" if r else "yaxis"] = _axis(
            name, domain=domain, anchor="x"
        )
        for line in _layer_lines(frame, column, axis, hover):
            # One legend entry per layer; clicking it hides the layer in every row.
            line["showlegend"] = line["name"] not in seen
            seen.add(line["name"])
            traces.append(line)
        if epoch_marker is not None:
            marker = _vertical(epoch_marker) | {"yref": f"{axis} domain"}
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
        return _empty(title, "epoch", "gradient norm", message)

    rows = [
        ("gradient norm", grad, "norm", ".3g"),
        ("weight norm", weights, "norm", ".3g"),
    ]
    if not dead.empty:
        rows.append(("dead units", dead, "fraction", ".0%"))
    height = ROW_HEIGHT * len(rows) + 130
    layout = _layout(title, "epoch", "", height=height, hovermode="x unified")
    layout["legend"] = LEGEND_RIGHT
    traces = _stack(layout, rows, epoch_marker)

    # Log axis for the gradients: they span decades from the last layer to the first.
    norms = grad["norm"].to_numpy(np.float64) if not grad.empty else np.empty(0)
    layout["yaxis"].update(type="log", exponentformat="power", **_decade_ticks(norms))
    if (norms <= 0).any():
        _add_note(layout, "gradient norms of exactly 0 cannot be drawn on a log axis")
    if not dead.empty:
        layout[f"yaxis{len(rows)}"].update(range=[0, 1.02], tickformat=".0%")
    epochs = pd.concat([f["epoch"] for f in (grad, weights, dead) if not f.empty])
    _epoch_ticks(layout, epochs.to_frame())
    return _figure(traces, layout)
