"""Plotly figures for the explorer, made from plain arrays and DataFrames.

Pure functions: data in, `go.Figure` out; no torch, no Streamlit. Sized for a
projector: large fonts, the Okabe-Ito colour-blind-safe palette, a legend or a colour
bar for every colour.
"""

import base64
import functools
import io
import math
import textwrap

import contourpy
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from PIL import Image

# Okabe-Ito: blue, orange, green, purple, vermillion, sky blue, yellow, black.
PALETTE: list[str] = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#D55E00",
    "#56B4E9",
    "#F0E442",
    "#000000",
]
# Viridis: sequential, and readable with every common colour-vision deficiency.
SEQUENTIAL: list[str] = [
    "#440154",
    "#482878",
    "#3E4989",
    "#31688E",
    "#26828E",
    "#1F9E89",
    "#35B779",
    "#6ECE58",
    "#B5DE2B",
    "#FDE725",
]

FONT_SIZE = 16
TITLE_SIZE = 20
NOTE_SIZE = 13
HEIGHT = 420
MARGIN = {"l": 70, "r": 35, "t": 70, "b": 60}
NOTE_WIDTH = 60  # characters per line of a note, so that it fits a narrow column
NOTE_LINE = 18  # pixels per line of a note
GREY = "#555555"
SPLITS = ("train", "test")
SPLIT_COLOR = {"train": PALETTE[0], "test": PALETTE[1]}
SPLIT_DASH = {"train": "solid", "test": "dash"}
RUN_COLOR = {"A": PALETTE[3], "B": PALETTE[0]}  # a pinned run and the current one
REGION_STRENGTH = 0.6  # how far a class region goes from white at full confidence
METRIC_NAMES = ("accuracy", "R²")
TASK_NAMES = ("binary", "multiclass", "regression")
LEGEND_RIGHT = {"x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"}
# Under the x axis title, so that the plane keeps the column's whole width.
LEGEND_BELOW = {
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    "y": 0,
    "yanchor": "bottom",
    "yref": "container",  # pinned to the figure's bottom edge, whatever its size
}
LEGEND_ROOM = 90  # pixels added under a plane for up to three rows of legend
LEGEND_TOP = {
    "orientation": "h",
    "x": 1,
    "xanchor": "right",
    "y": 1.02,
    "yanchor": "bottom",
}
# A bare 0 leaves room for "100%" of the panel to its left.
PERCENT_TICKS = {"tickvals": [0, 0.5, 1], "ticktext": ["0", "50%", "100%"]}


# Figures as plain dicts, checked by the tests rather than on every call


@functools.cache
def _template() -> dict:
    # plotly_white, cut to the flat figures and the trace types drawn here.
    template = go.Layout(template="plotly_white").template.to_plotly_json()
    kinds = ("scatter", "bar", "box", "heatmap")
    data = {kind: template["data"][kind] for kind in kinds if kind in template["data"]}
    keys = ("font", "hoverlabel", "paper_bgcolor", "plot_bgcolor", "xaxis", "yaxis")
    layout = {key: template["layout"][key] for key in keys}
    return {"data": data, "layout": {**layout, "colorway": PALETTE}}


def _figure(traces: list[dict], layout: dict) -> go.Figure:
    # Plotly's per-property validation costs ~20 ms a figure, too slow to redraw
    # during training; tests/test_figures.py validates every figure instead.
    return go.Figure(data=traces, layout=layout, _validate=False)


def _axis(title: str, **settings) -> dict:
    return {"title": {"text": title}, "automargin": True, **settings}


def _layout(title: str, x_title: str, y_title: str, **settings) -> dict:
    layout = {
        "template": _template(),
        "height": HEIGHT,
        "font": {"size": FONT_SIZE},
        "title": {
            "text": title,
            "font": {"size": TITLE_SIZE},
            "x": 0.01,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
            "pad": {"t": 14},
        },
        "margin": dict(MARGIN),
        "hoverlabel": {"font": {"size": FONT_SIZE}},
        "legend": LEGEND_TOP,
        "xaxis": _axis(x_title),
        "yaxis": _axis(y_title),
        "annotations": [],
        "shapes": [],
    }
    return {**layout, **settings}


def _text(text: str, x: float, y: float, **settings) -> dict:
    """An annotation placed on the plot area, (0, 0) bottom left to (1, 1)."""
    place = {"xref": "paper", "yref": "paper", "x": x, "y": y, "showarrow": False}
    return {"text": text, **place, **settings}


def _message(text: str) -> dict:
    return _text(text, 0.5, 0.5, font={"size": FONT_SIZE + 2, "color": GREY})


def _empty(title: str, x_title: str, y_title: str, message: str, **yaxis) -> go.Figure:
    """The axes a figure will have, bare, with a sentence saying why they are empty."""
    layout = _layout(title, x_title, y_title, annotations=[_message(message)])
    bare = {"showticklabels": False, "showgrid": False, "zeroline": False}
    layout["xaxis"].update(bare)
    layout["yaxis"].update(bare, **yaxis)
    return _figure([], layout)


def _vertical(x: float, axis: str = "x", **line) -> dict:
    line = {"color": GREY, "dash": "dot", "width": 2, **line}
    ends = {"x0": x, "x1": x, "y0": 0, "y1": 1}
    return {"type": "line", "xref": axis, "yref": "paper", "line": line, **ends}


def _by_split(frame: pd.DataFrame, columns: list[str]) -> dict[str, dict]:
    """Each split that has rows: its `columns` as float32 arrays, by column name."""
    if frame.empty:
        return {}
    split = frame["split"].to_numpy()
    arrays = {column: _f32(frame[column]) for column in columns}
    masks = {s: split == s for s in SPLITS}
    return {
        s: {column: a[mask] for column, a in arrays.items()}
        for s, mask in masks.items()
        if mask.any()
    }


def _f32(column: pd.Series) -> np.ndarray:
    # A diverging run's losses can pass float32's range: clip them to it first.
    values = column.to_numpy(dtype=np.float64)
    limit = np.finfo(np.float32).max
    return np.clip(values, -limit, limit).astype(np.float32)


def _marker(split: str, color: str | np.ndarray) -> dict:
    # Train points: filled circles; test points: diamonds with a darker outline.
    if split == "train":
        return {"color": color, "size": 9, "line": {"color": "#333333", "width": 1}}
    outline = {"color": "black", "width": 1.5}
    return {"color": color, "size": 10, "symbol": "diamond", "line": outline}


# Training curves


def _curves(history: pd.DataFrame, column: str, hover: str) -> list[dict]:
    traces = []
    history = history.sort_values("epoch", kind="stable")
    for split, rows in _by_split(history, ["epoch", column]).items():
        line = {"color": SPLIT_COLOR[split], "dash": SPLIT_DASH[split], "width": 3}
        traces.append(
            {
                "type": "scatter",
                "x": rows["epoch"],
                "y": rows[column],
                "name": split,
                # A lone point (epoch 0, before training) needs a marker to show.
                "mode": "lines" if len(rows["epoch"]) > 1 else "markers",
                "marker": {"color": SPLIT_COLOR[split], "size": 10},
                "line": line,
                "hovertemplate": f"{split}: %{{y:{hover}}}<extra></extra>",
            }
        )
    return traces


def _epoch_ticks(layout: dict, history: pd.DataFrame) -> None:
    # Whole epochs only: plotly would put ticks at 0.5 on a short history.
    if history["epoch"].max() < 10:
        layout["xaxis"]["dtick"] = 1


def _log_ticks(values: np.ndarray) -> dict:
    # Ticks at 1, 2, 5 × 10^k with plain labels: plotly's own log ticks label the
    # in-between digits in a small font that cannot be read from the back row.
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return {}
    low, high = float(values.min()), float(values.max())
    decades = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    ticks = [m * 10.0**e for e in decades for m in (1, 2, 5)]
    ticks = [t for t in ticks if low <= t <= high]
    if len(ticks) < 2:
        return {}
    return {
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": [f"{t:g}" for t in ticks],
    }


def _mark_epoch(layout: dict, epoch: int | None) -> None:
    # The line, and its epoch in the axis title, where no curve or legend hides it.
    if epoch is None:
        return
    layout["shapes"].append(_vertical(epoch))
    layout["xaxis"]["title"]["text"] = f"epoch (dotted line: epoch {epoch:,})"


def loss_figure(
    history: pd.DataFrame, log_y: bool = False, epoch_marker: int | None = None
) -> go.Figure:
    """Train and test loss per epoch, from the long-format history.

    `history` has columns epoch, split ("train"/"test"), loss and metric; epoch 0 is
    the untrained model. `epoch_marker` draws a vertical line at that epoch.
    """
    y_type = "log" if log_y else "linear"
    if history.empty:
        message = "press Train to see the loss curve"
        return _empty("loss", "epoch", "loss", message, type=y_type)

    layout = _layout("loss", "epoch", "loss", hovermode="x unified")
    _epoch_ticks(layout, history)
    # 5×10⁹ rather than plotly's "5B", which reads as a unit.
    layout["yaxis"].update(type=y_type, exponentformat="power")
    if log_y:
        layout["yaxis"].update(_log_ticks(_f32(history["loss"])))
    _mark_epoch(layout, epoch_marker)
    return _figure(_curves(history, "loss", ".4g"), layout)


def compare_loss_figure(
    a: pd.DataFrame, b: pd.DataFrame, losses: tuple[str, str], log_y: bool = False
) -> go.Figure:
    """Run A's and run B's losses per epoch on one chart, from long-format histories.

    `losses` names each run's loss. When they differ (a regression run against a
    classification run), their values are not comparable, so B gets an axis of its
    own on the right.
    """
    if a.empty and b.empty:
        return _empty("loss, A and B", "epoch", "loss", "no history yet")
    shared = losses[0] == losses[1]
    y_title = "loss" if shared else f"A: {losses[0]}"
    layout = _layout("loss, A and B", "epoch", y_title, hovermode="x unified")
    y_type = "log" if log_y else "linear"
    layout["yaxis"].update(type=y_type, exponentformat="power")
    if not shared:
        layout["yaxis2"] = _axis(
            f"B: {losses[1]}",
            overlaying="y",
            side="right",
            type=y_type,
            exponentformat="power",
            showgrid=False,
            tickmode="auto",
        )
        layout["margin"]["r"] = 90
    traces = []
    for run, history, color in (("A", a, RUN_COLOR["A"]), ("B", b, RUN_COLOR["B"])):
        for trace in _curves(history, "loss", ".4g"):
            split = trace["name"]
            trace["name"] = f"{run} {split}"
            trace["line"]["color"] = trace["marker"]["color"] = color
            trace["hovertemplate"] = f"{run} {split}: %{{y:.4g}}<extra></extra>"
            if run == "B" and not shared:
                trace["yaxis"] = "y2"
            traces.append(trace)
    return _figure(traces, layout)


def metric_figure(
    history: pd.DataFrame, metric_name: str, epoch_marker: int | None = None
) -> go.Figure:
    """Train and test metric per epoch; `metric_name` is "accuracy" or "R²";
    `epoch_marker` draws a vertical line at that epoch.

    Accuracy is drawn on 0..100 %. R² can be hugely negative before training, so its
    axis stops at -1; the hover still shows the true value.
    """
    if metric_name not in METRIC_NAMES:
        raise ValueError(
            f"metric_name must be one of {', '.join(METRIC_NAMES)}; got {metric_name!r}"
        )
    if history.empty:
        message = f"press Train to see the {metric_name} curve"
        return _empty(metric_name, "epoch", metric_name, message)

    layout = _layout(metric_name, "epoch", metric_name, hovermode="x unified")
    _epoch_ticks(layout, history)
    _mark_epoch(layout, epoch_marker)
    if metric_name == "accuracy":
        layout["yaxis"].update(range=[0, 1.02], tickformat=".0%")
        return _figure(_curves(history, "metric", ".1%"), layout)

    lowest = float(history["metric"].min())
    layout["yaxis"]["range"] = [max(min(0.0, lowest), -1.0) - 0.02, 1.02]
    if lowest < -1:
        note = _text("R² below −1 is off the chart", 1, 0, xanchor="right")
        note.update(yanchor="bottom", font={"size": NOTE_SIZE, "color": GREY})
        layout["annotations"].append(note)
    return _figure(_curves(history, "metric", ".3f"), layout)


# Decision boundary and fitted surface: the grid travels as one PNG image


def _rgb(color: str) -> np.ndarray:
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)


def _toward_white(color: np.ndarray, strength: np.ndarray | float) -> np.ndarray:
    """Strength 0 gives white, 1 the colour itself; broadcasts over pixels."""
    return 255 + (color - 255) * np.asarray(strength)[..., None]


def _hex(rgb: np.ndarray) -> str:
    return "#" + "".join(f"{round(float(c)):02x}" for c in rgb)


def _binary_colorscale() -> list[list]:
    blue = _toward_white(_rgb(PALETTE[0]), REGION_STRENGTH)
    orange = _toward_white(_rgb(PALETTE[1]), REGION_STRENGTH)
    return [[0, _hex(blue)], [0.5, "#ffffff"], [1, _hex(orange)]]


def _sequential_colorscale() -> list[list]:
    stops = np.linspace(0, 1, len(SEQUENTIAL))
    return [[float(s), c] for s, c in zip(stops, SEQUENTIAL, strict=True)]


def _binary_pixels(p: np.ndarray) -> np.ndarray:
    # P = 0 is class 0's colour, P = 0.5 white, P = 1 class 1's colour.
    p = np.clip(p, 0, 1)
    color = np.where((p < 0.5)[..., None], _rgb(PALETTE[0]), _rgb(PALETTE[1]))
    return _toward_white(color, np.abs(2 * p - 1) * REGION_STRENGTH)


def _multiclass_pixels(probs: np.ndarray) -> np.ndarray:
    # The argmax class's colour, fading to white as confidence falls to 1/K.
    n_classes = probs.shape[-1]
    colors = np.stack([_rgb(PALETTE[k % len(PALETTE)]) for k in range(n_classes)])
    confidence = probs.max(axis=-1)
    certainty = np.clip((confidence - 1 / n_classes) / (1 - 1 / n_classes), 0, 1)
    return _toward_white(colors[probs.argmax(axis=-1)], certainty * REGION_STRENGTH)


def _sequential_pixels(values: np.ndarray, low: float, high: float) -> np.ndarray:
    t = np.clip((values - low) / (high - low), 0, 1)
    stops = np.linspace(0, 1, len(SEQUENTIAL))
    colors = np.stack([_rgb(c) for c in SEQUENTIAL])  # (n_stops, 3)
    return np.stack([np.interp(t, stops, colors[:, i]) for i in range(3)], axis=-1)


def _png_uri(pixels: np.ndarray) -> str:
    """A data URI of the (ny, nx, 3) image; row 0 of `pixels` is the smallest y."""
    # A diverged model's NaN outputs show as white.
    pixels = np.nan_to_num(np.flipud(pixels), nan=255.0, posinf=255.0, neginf=255.0)
    image = Image.fromarray(pixels.round().astype(np.uint8), "RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _boundary_line(xs: np.ndarray, ys: np.ndarray, p: np.ndarray) -> dict:
    # All pieces in one array with NaN rows between them: plotly breaks the line
    # at each NaN, as it would at a None.
    generator = contourpy.contour_generator(xs, ys, p, line_type="ChunkCombinedNan")
    (chunks,) = generator.lines(0.5)
    pieces = [c for c in chunks if c is not None]
    line = np.concatenate(pieces) if pieces else np.empty((0, 2))
    line = line.astype(np.float32)
    return {
        "type": "scatter",
        "x": line[:, 0],
        "y": line[:, 1],
        "mode": "lines",
        "name": "P = 0.5 boundary",
        "line": {"color": "#222222", "width": 3},
        "hoverinfo": "skip",
    }


def _colorbar(colorscale: list, low: float, high: float, title: str) -> dict:
    """A trace with no visible point that carries the shading's colour bar."""
    colorbar = {
        "title": {"text": title, "side": "right"},
        "x": 1.02,
        "xanchor": "left",
        "y": 0,
        "yanchor": "bottom",
        "len": 0.5,
        "thickness": 16,
    }
    marker = {"color": [low], "colorscale": colorscale, "cmin": low, "cmax": high}
    marker.update(showscale=True, colorbar=colorbar)
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "markers",
        "marker": marker,
        "showlegend": False,
        "hoverinfo": "skip",
    }


def _class_points(
    points: pd.DataFrame, task: str, class_names: list[str], axis_titles: tuple
) -> list[dict]:
    if points.empty:
        return []
    x, y, p = _f32(points["x1"]), _f32(points["x2"]), _f32(points["p"])
    split = points["split"].to_numpy()
    target = points["target"].to_numpy(np.int64)
    if task == "multiclass":
        predicted = np.asarray(class_names)[points["prediction"].to_numpy(np.int64)]
        output = "predicted: %{text}, confidence %{customdata:.3f}"
    else:
        output = _positive(class_names) + " %{customdata:.3f}"

    traces = []
    where = f"{axis_titles[0]} %{{x:.3g}}<br>{axis_titles[1]} %{{y:.3g}}"
    for k, name in enumerate(class_names):
        for s in SPLITS:
            mask = (split == s) & (target == k)
            if not mask.any():
                continue
            trace = {
                "type": "scatter",
                "x": x[mask],
                "y": y[mask],
                "mode": "markers",
                "name": f"{name} ({s})",
                "marker": _marker(s, PALETTE[k % len(PALETTE)]),
                "customdata": p[mask],
                "hovertemplate": f"{where}<br>true: {name}<br>{output}<extra></extra>",
            }
            if task == "multiclass":
                trace["text"] = predicted[mask].tolist()
            traces.append(trace)
    return traces


def _value_points(
    points: pd.DataFrame, colorscale: list, low: float, high: float, axis_titles: tuple
) -> list[dict]:
    traces = []
    where = f"{axis_titles[0]} %{{x:.3g}}<br>{axis_titles[1]} %{{y:.3g}}"
    columns = ["x1", "x2", "target", "prediction"]
    for split, rows in _by_split(points, columns).items():
        marker = _marker(split, rows["target"])
        marker.update(colorscale=colorscale, cmin=low, cmax=high, showscale=False)
        traces.append(
            {
                "type": "scatter",
                "x": rows["x1"],
                "y": rows["x2"],
                "mode": "markers",
                "name": split,
                "marker": marker,
                "customdata": np.stack([rows["target"], rows["prediction"]], axis=-1),
                "hovertemplate": f"{where}<br>true %{{customdata[0]:.3g}}"
                "<br>predicted %{customdata[1]:.3g}<extra></extra>",
                "legendgroup": split,
                "showlegend": False,
            }
        )
        # The points' colours are their values; the legend shows only the shape.
        traces.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "markers",
                "name": f"{split} (colour: true value)",
                "marker": _marker(split, GREY),
                "legendgroup": split,
                "hoverinfo": "skip",
            }
        )
    return traces


def _positive(class_names: list[str]) -> str:
    # What a binary model's probability is of: P(benign) reads better than P(class 1).
    return f"P({class_names[1]})" if len(class_names) > 1 else "P(class 1)"


def _shade(xs, ys, values, points, task, class_names, axis_titles):
    """The grid's pixels, the traces drawn over them, and the figure's title."""
    if task == "binary":
        colorscale = _binary_colorscale()
        traces = [_boundary_line(xs, ys, values)]
        traces.append(_colorbar(colorscale, 0, 1, _positive(class_names)))
        traces += _class_points(points, task, class_names, axis_titles)
        return _binary_pixels(values), traces, "decision boundary"
    if task == "multiclass":
        traces = _class_points(points, task, class_names, axis_titles)
        return _multiclass_pixels(values), traces, "decision regions"

    # Regression: the surface and the points share one colour scale and range.
    targets = _f32(points["target"]) if not points.empty else np.empty(0, np.float32)
    both = np.concatenate([np.ravel(values), targets])
    both = both[np.isfinite(both)]
    low, high = (float(both.min()), float(both.max())) if both.size else (0.0, 1.0)
    high = high if high > low else low + 1
    colorscale = _sequential_colorscale()
    traces = [_colorbar(colorscale, low, high, "predicted value")]
    traces += _value_points(points, colorscale, low, high, axis_titles)
    return _sequential_pixels(values, low, high), traces, "fitted surface"


def _add_note(layout: dict, note: str) -> None:
    # Between the title and the plot, wrapped so that it is never cut off; the
    # figure grows by the note's height, so the plot keeps its size.
    lines = textwrap.wrap(note, NOTE_WIDTH)
    text = _text("<br>".join(lines), 0, 1.01, xanchor="left", yanchor="bottom")
    text.update(align="left", font={"size": NOTE_SIZE, "color": GREY})
    layout["annotations"].append(text)
    layout["margin"]["t"] += NOTE_LINE * len(lines)
    layout["height"] += NOTE_LINE * len(lines)


def decision_boundary_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    values: np.ndarray,
    points: pd.DataFrame,
    task: str,
    class_names: list[str],
    axis_titles: tuple[str, str],
    note: str = "",
) -> go.Figure:
    """The model's output over a grid of the two drawn inputs, with the data on top.

    `xs` (nx,) and `ys` (ny,) are ascending grid coordinates. `values` is (ny, nx):
    P(class 1) for task "binary", the prediction in target units for "regression";
    or (ny, nx, K) class probabilities for "multiclass". The grid is sent as one PNG
    image, not a heatmap trace, because a browser redraws an image far faster.
    `note` (such as the values other inputs are held at) is shown above the plot.
    """
    if task not in TASK_NAMES:
        raise ValueError(f"task must be one of {', '.join(TASK_NAMES)}; got {task!r}")
    if values.shape[:2] != (len(ys), len(xs)):
        raise ValueError(
            f"values must be (len(ys), len(xs)) = ({len(ys)}, {len(xs)}) in its "
            f"first two axes, got {values.shape}"
        )
    pixels, traces, title = _shade(
        xs, ys, values, points, task, class_names, axis_titles
    )

    # The image covers exactly the grid's extent, under everything else.
    x0, x1, y0, y1 = float(xs[0]), float(xs[-1]), float(ys[0]), float(ys[-1])
    image = {"source": _png_uri(pixels), "xref": "x", "yref": "y", "x": x0, "y": y1}
    image.update(sizex=x1 - x0, sizey=y1 - y0, sizing="stretch", layer="below")
    layout = _layout(title, *axis_titles, images=[image], legend=LEGEND_BELOW)
    layout["margin"]["b"] += LEGEND_ROOM
    layout["height"] += LEGEND_ROOM
    bare = {"showgrid": False, "zeroline": False}
    layout["xaxis"].update(range=[x0, x1], **bare)
    layout["yaxis"].update(range=[y0, y1], **bare)

    # Equal scales keep circles round, but only mean something when both inputs
    # share units: the synthetic planes, which have no other inputs and so no note.
    # Otherwise the plot fills its box, which matters in a narrow column.
    if not note and 2 / 3 <= (x1 - x0) / (y1 - y0) <= 3 / 2:
        layout["xaxis"]["constrain"] = "domain"
        layout["yaxis"].update(scaleanchor="x", scaleratio=1, constrain="domain")
    if note:
        _add_note(layout, note)
    return _figure(traces, layout)


# One input: the fitted curve


def _split_scatter(points: pd.DataFrame, x: str, y: str, hover: str) -> list[dict]:
    traces = []
    for split, rows in _by_split(points, [x, y]).items():
        traces.append(
            {
                "type": "scatter",
                "x": rows[x],
                "y": rows[y],
                "mode": "markers",
                "name": split,
                "marker": _marker(split, SPLIT_COLOR[split]),
                "hovertemplate": f"{split}<br>{hover}<extra></extra>",
            }
        )
    return traces


def fit_curve_figure(
    xs: np.ndarray,
    predictions: np.ndarray,
    points: pd.DataFrame,
    axis_titles: tuple[str, str],
) -> go.Figure:
    """The model's prediction along one input, with the train and test points.

    `xs` (n,) ascending and `predictions` (n,) in the target's units; `points` has
    columns split, x1 and target.
    """
    x_title, y_title = axis_titles
    hover = f"{x_title} %{{x:.3g}}<br>{y_title} %{{y:.3g}}"
    traces = _split_scatter(points, "x1", "target", hover)
    traces.append(
        {
            "type": "scatter",
            "x": np.asarray(xs, dtype=np.float32),
            "y": np.asarray(predictions, dtype=np.float32),
            "mode": "lines",
            "name": "model",
            "line": {"color": "black", "width": 3},
            "hovertemplate": f"model<br>{x_title} %{{x:.3g}}"
            "<br>predicted %{y:.3g}<extra></extra>",
        }
    )
    return _figure(traces, _layout("fitted curve", x_title, y_title))


# What the network outputs


def _histogram(p: np.ndarray, name: str, color: str) -> dict:
    # Binned here, not in the browser: 20 bins of 0.05, the last one closed at 1.
    edges = np.linspace(0, 1, 21)
    counts, _ = np.histogram(np.clip(p, 0, 1), bins=edges)
    return {
        "type": "bar",
        "x": ((edges[:-1] + edges[1:]) / 2).astype(np.float32),
        "y": counts.astype(np.int32),
        "marker": {"color": color},
        "customdata": np.stack([edges[:-1], edges[1:]], axis=-1).astype(np.float32),
        "hovertemplate": f"true: {name}<br>P(class 1) %{{customdata[0]:.2f}}"
        "–%{customdata[1]:.2f}<br>count %{y}<extra></extra>",
    }


def _confidence_box(p: np.ndarray, name: str, color: str) -> dict:
    return {
        "type": "box",
        "x": p,
        "y0": name,
        "orientation": "h",
        "marker": {"color": color},
        "line": {"width": 2},
        "boxpoints": "outliers",
        "hoverinfo": "x",
    }


def _panels(points: pd.DataFrame, task: str, class_names: list[str]) -> list[dict]:
    """One trace per (split, true class): train on axis x, test on axis x2."""
    traces, shown = [], set()
    make = _histogram if task == "binary" else _confidence_box
    splits = _by_split(points, ["target", "p"])
    for axis, split in zip(("x", "x2"), SPLITS, strict=True):
        rows = splits.get(split, {"target": np.empty(0), "p": np.empty(0)})
        for k, name in enumerate(class_names):
            p = rows["p"][rows["target"] == k]
            if p.size == 0:
                continue
            trace = make(p, name, PALETTE[k % len(PALETTE)])
            trace.update(name=f"true: {name}", legendgroup=name, xaxis=axis)
            trace["showlegend"] = name not in shown
            traces.append(trace)
            shown.add(name)
    return traces


def _class_outputs(
    points: pd.DataFrame, task: str, class_names: list[str]
) -> go.Figure:
    # Two panels side by side, train and test, sharing the y axis.
    if task == "binary":
        panel_title, panel = _positive(class_names), {"range": [0, 1]}
        layout = _layout("output by true class", panel_title, "count", bargap=0.1)
        layout["shapes"] += [_vertical(0.5, "x"), _vertical(0.5, "x2")]
        layout["legend"] = LEGEND_RIGHT
    else:
        # One x title under both panels; the y tick labels name each box's colour,
        # so no legend is needed.
        panel_title, panel = "", {"range": [0, 1.02], **PERCENT_TICKS}
        layout = _layout("confidence by true class", "", "true class", showlegend=False)
        layout["yaxis"].update(
            categoryorder="array", categoryarray=class_names, autorange="reversed"
        )
        x_title = "confidence of the predicted class"
        layout["annotations"].append(_text(x_title, 0.5, 0, yanchor="top", yshift=-32))

    layout["xaxis"].update(domain=[0, 0.43], anchor="y", **panel)
    layout["xaxis2"] = _axis(panel_title, domain=[0.57, 1], anchor="y", **panel)
    layout["margin"]["t"] = 90
    for x, split in ((0.215, "train"), (0.785, "test")):
        layout["annotations"].append(_text(split, x, 1.01, yanchor="bottom"))
    return _figure(_panels(points, task, class_names), layout)


def _regression_outputs(points: pd.DataFrame) -> go.Figure:
    hover = "true %{x:.3g}<br>predicted %{y:.3g}"
    traces = _split_scatter(points, "target", "prediction", hover)

    # The identity line runs corner to corner: both axes share one range.
    values = points[["target", "prediction"]].to_numpy(np.float32)
    values = values[np.isfinite(values)]
    low, high = (float(values.min()), float(values.max())) if values.size else (0, 1)
    pad = 0.05 * (high - low) or 1.0
    span = [low - pad, high + pad]
    traces.append(
        {
            "type": "scatter",
            "x": np.array(span, dtype=np.float32),
            "y": np.array(span, dtype=np.float32),
            "mode": "lines",
            "name": "perfect fit",
            "line": {"color": "black", "width": 2, "dash": "dot"},
            "hoverinfo": "skip",
        }
    )
    layout = _layout("predicted vs true", "true value", "predicted value")
    layout["xaxis"]["range"] = span
    layout["yaxis"]["range"] = span
    return _figure(traces, layout)


def output_figure(points: pd.DataFrame, task: str, class_names: list[str]) -> go.Figure:
    """What the network outputs, against the truth, for train and test points.

    binary: histograms of P(class 1) per true class; multiclass: the confidence of
    the predicted class per true class; regression: predicted against true, with the
    line of perfect fit.
    """
    if task not in TASK_NAMES:
        raise ValueError(f"task must be one of {', '.join(TASK_NAMES)}; got {task!r}")
    if points.empty:
        return _empty("outputs", "", "", "no predictions to show yet")
    if task == "regression":
        return _regression_outputs(points)
    return _class_outputs(points, task, class_names)


def residual_figure(points: pd.DataFrame) -> go.Figure:
    """Regression residuals (target − prediction) against the prediction."""
    title, x_title, y_title = "residuals", "predicted value", "true − predicted"
    if points.empty:
        return _empty(title, x_title, y_title, "no predictions to show yet")

    points = points.assign(residual=points["target"] - points["prediction"])
    hover = "predicted %{x:.3g}<br>residual %{y:.3g}"
    traces = _split_scatter(points, "prediction", "residual", hover)
    layout = _layout(title, x_title, y_title)
    line = {"color": "black", "width": 2}
    zero = {"type": "line", "xref": "paper", "yref": "y", "line": line}
    layout["shapes"].append({**zero, "x0": 0, "x1": 1, "y0": 0, "y1": 0})
    return _figure(traces, layout)


def confusion_figure(
    points: pd.DataFrame, class_names: list[str], split: str = "test"
) -> go.Figure:
    """Counts of (true, predicted) class pairs in one split, true classes downwards."""
    n = len(class_names)
    rows = _by_split(points, ["target", "prediction"]).get(split)
    counts = np.zeros((n, n), dtype=np.int64)
    if rows is not None:
        true = rows["target"].astype(np.int64)
        predicted = rows["prediction"].astype(np.int64)
        counts = np.bincount(true * n + predicted, minlength=n * n).reshape(n, n)

    heatmap = {
        "type": "heatmap",
        "z": counts.astype(np.int32),
        "x": class_names,
        "y": class_names,
        "zmin": 0,
        "zmax": max(1, int(counts.max(initial=0))),
        "colorscale": [[0, "#ffffff"], [1, PALETTE[0]]],
        "showscale": False,
        "texttemplate": "%{z}",
        "textfont": {"size": FONT_SIZE + 2},
        "xgap": 2,
        "ygap": 2,
        "hovertemplate": "true: %{y}<br>predicted: %{x}<br>count %{z}<extra></extra>",
    }
    total, correct = int(counts.sum()), int(np.trace(counts))
    score = f": {correct}/{total} correct" if total else ""
    layout = _layout(f"confusion matrix ({split}){score}", "predicted", "true")
    layout["xaxis"].update(type="category", showgrid=False)
    layout["yaxis"].update(type="category", autorange="reversed", showgrid=False)
    if not total:
        layout["annotations"].append(_message(f"no {split} points yet"))
    return _figure([heatmap], layout)


# Presenter mode


def _scaled_fonts(value, scale: float):
    # Every font size in a layout or a trace, wherever it is nested.
    if isinstance(value, dict):
        scaled = {k: _scaled_fonts(v, scale) for k, v in value.items()}
        for key in ("font", "tickfont", "textfont"):
            font = scaled.get(key)
            if isinstance(font, dict) and isinstance(font.get("size"), int | float):
                font["size"] = round(font["size"] * scale)
        return scaled
    if isinstance(value, list | tuple):
        return [_scaled_fonts(v, scale) for v in value]
    return value


def for_projector(fig: go.Figure, scale: float = 1.4) -> go.Figure:
    """`fig` with every text `scale` times larger and the plot taller to match,
    readable from the back of a room. Text set by no font size of its own (tick
    labels) follows the layout's font."""
    layout = fig.layout.to_plotly_json()
    layout.setdefault("font", {}).setdefault("size", FONT_SIZE)
    layout = _scaled_fonts(layout, scale)
    if "height" in layout:
        layout["height"] = round(layout["height"] * (1 + (scale - 1) / 2))
    margin = layout.get("margin", {})
    for side in ("l", "t", "b"):
        if side in margin:
            margin[side] = round(margin[side] * scale)
    traces = [_scaled_fonts(trace.to_plotly_json(), scale) for trace in fig.data]
    return _figure(traces, layout)
