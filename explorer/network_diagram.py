"""The network as a diagram: every unit and link, line width for |weight| and
colour for its sign, each unit coloured by its bias. A pure function of the
layers' weight matrices and bias vectors."""

import numpy as np
import plotly.graph_objects as go

from explorer.plot_style import (
    DIVERGING,
    FONT_SIZE,
    HEIGHT,
    LEGEND_BELOW,
    NOTE_LINE,
    PALETTE,
    add_note,
    annotation,
    base_layout,
    colorbar_layout,
    new_figure,
    symmetric_limit,
)

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
    strength = np.abs(w) / symmetric_limit(w)
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
    limit = symmetric_limit(bias)
    scale = {"color": bias, "colorscale": DIVERGING, "cmin": -limit, "cmax": limit}
    colorbar = colorbar_layout("bias", x=1, xref="container", xanchor="right")
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
    label = annotation(text, x, 0, xref="x", yanchor="top", yshift=-4)
    if compact:
        label["font"] = {"size": FONT_SIZE - 2}
    return label


def _network_layout(widths, labels, height: int, n_drawn: int) -> dict:
    compact = len(widths) > COMPACT_COLUMNS
    layout = base_layout("weights and biases", "", "", legend=LEGEND_BELOW)
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
        add_note(layout, f"strongest {n_drawn:,} of {n_links:,} links drawn")
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
    return new_figure(traces, _network_layout(widths, labels, height, len(w)))
