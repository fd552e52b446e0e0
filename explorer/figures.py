"""Plotly figures for the explorer, made from plain arrays and DataFrames.

Pure functions: data in, `go.Figure` out; no torch, no Streamlit. Sized for a
projector: large fonts, the Okabe-Ito colour-blind-safe palette, a legend or a colour
bar for every colour.
"""

import base64
import io

import contourpy
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from PIL import Image

from explorer.plot_style import (
    FONT_SIZE,
    GREY,
    LEGEND_BELOW,
    LEGEND_RIGHT,
    LEGEND_ROOM,
    NOTE_SIZE,
    PALETTE,
    SEQUENTIAL,
    add_note,
    annotation,
    base_layout,
    centre_message,
    empty_figure,
    epoch_ticks,
    log_ticks,
    new_figure,
    titled_axis,
    vertical_line,
)

SPLITS = ("train", "test")
SPLIT_COLOR = {"train": PALETTE[0], "test": PALETTE[1]}
SPLIT_DASH = {"train": "solid", "test": "dash"}
RUN_COLOR = {"A": PALETTE[3], "B": PALETTE[0]}  # a pinned run and the current one
REGION_STRENGTH = 0.6  # how far a class region goes from white at full confidence
METRIC_NAMES = ("accuracy", "R²")
TASK_NAMES = ("binary", "multiclass", "regression")
# A bare 0 leaves room for "100%" of the panel to its left.
PERCENT_TICKS = {"tickvals": [0, 0.5, 1], "ticktext": ["0", "50%", "100%"]}


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


def _mark_epoch(layout: dict, epoch: int | None) -> None:
    # The line, and its epoch in the axis title, where no curve or legend hides it.
    if epoch is None:
        return
    layout["shapes"].append(vertical_line(epoch))
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
        return empty_figure("loss", "epoch", "loss", message, type=y_type)

    layout = base_layout("loss", "epoch", "loss", hovermode="x unified")
    epoch_ticks(layout, history)
    # 5×10⁹ rather than plotly's "5B", which reads as a unit.
    layout["yaxis"].update(type=y_type, exponentformat="power")
    if log_y:
        layout["yaxis"].update(log_ticks(_f32(history["loss"])))
    _mark_epoch(layout, epoch_marker)
    return new_figure(_curves(history, "loss", ".4g"), layout)


def compare_loss_figure(
    a: pd.DataFrame, b: pd.DataFrame, losses: tuple[str, str], log_y: bool = False
) -> go.Figure:
    """Run A's and run B's losses per epoch on one chart, from long-format histories.

    `losses` names each run's loss. When they differ (a regression run against a
    classification run), their values are not comparable, so B gets an axis of its
    own on the right.
    """
    if a.empty and b.empty:
        return empty_figure("loss, A and B", "epoch", "loss", "no history yet")
    shared = losses[0] == losses[1]
    y_title = "loss" if shared else f"A: {losses[0]}"
    layout = base_layout("loss, A and B", "epoch", y_title, hovermode="x unified")
    y_type = "log" if log_y else "linear"
    layout["yaxis"].update(type=y_type, exponentformat="power")
    if not shared:
        layout["yaxis2"] = titled_axis(
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
    return new_figure(traces, layout)


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
        return empty_figure(metric_name, "epoch", metric_name, message)

    layout = base_layout(metric_name, "epoch", metric_name, hovermode="x unified")
    epoch_ticks(layout, history)
    _mark_epoch(layout, epoch_marker)
    if metric_name == "accuracy":
        layout["yaxis"].update(range=[0, 1.02], tickformat=".0%")
        return new_figure(_curves(history, "metric", ".1%"), layout)

    lowest = float(history["metric"].min())
    layout["yaxis"]["range"] = [max(min(0.0, lowest), -1.0) - 0.02, 1.02]
    if lowest < -1:
        note = annotation("R² below −1 is off the chart", 1, 0, xanchor="right")
        note.update(yanchor="bottom", font={"size": NOTE_SIZE, "color": GREY})
        layout["annotations"].append(note)
    return new_figure(_curves(history, "metric", ".3f"), layout)


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
    layout = base_layout(title, *axis_titles, images=[image], legend=LEGEND_BELOW)
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
        add_note(layout, note)
    return new_figure(traces, layout)


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
    return new_figure(traces, base_layout("fitted curve", x_title, y_title))


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
        layout = base_layout("output by true class", panel_title, "count", bargap=0.1)
        layout["shapes"] += [vertical_line(0.5, "x"), vertical_line(0.5, "x2")]
        layout["legend"] = LEGEND_RIGHT
    else:
        # One x title under both panels; the y tick labels name each box's colour,
        # so no legend is needed.
        panel_title, panel = "", {"range": [0, 1.02], **PERCENT_TICKS}
        layout = base_layout(
            "confidence by true class", "", "true class", showlegend=False
        )
        layout["yaxis"].update(
            categoryorder="array", categoryarray=class_names, autorange="reversed"
        )
        x_title = "confidence of the predicted class"
        layout["annotations"].append(
            annotation(x_title, 0.5, 0, yanchor="top", yshift=-32)
        )

    layout["xaxis"].update(domain=[0, 0.43], anchor="y", **panel)
    layout["xaxis2"] = titled_axis(panel_title, domain=[0.57, 1], anchor="y", **panel)
    layout["margin"]["t"] = 90
    for x, split in ((0.215, "train"), (0.785, "test")):
        layout["annotations"].append(annotation(split, x, 1.01, yanchor="bottom"))
    return new_figure(_panels(points, task, class_names), layout)


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
    layout = base_layout("predicted vs true", "true value", "predicted value")
    layout["xaxis"]["range"] = span
    layout["yaxis"]["range"] = span
    return new_figure(traces, layout)


def output_figure(points: pd.DataFrame, task: str, class_names: list[str]) -> go.Figure:
    """What the network outputs, against the truth, for train and test points.

    binary: histograms of P(class 1) per true class; multiclass: the confidence of
    the predicted class per true class; regression: predicted against true, with the
    line of perfect fit.
    """
    if task not in TASK_NAMES:
        raise ValueError(f"task must be one of {', '.join(TASK_NAMES)}; got {task!r}")
    if points.empty:
        return empty_figure("outputs", "", "", "no predictions to show yet")
    if task == "regression":
        return _regression_outputs(points)
    return _class_outputs(points, task, class_names)


def residual_figure(points: pd.DataFrame) -> go.Figure:
    """Regression residuals (target − prediction) against the prediction."""
    title, x_title, y_title = "residuals", "predicted value", "true − predicted"
    if points.empty:
        return empty_figure(title, x_title, y_title, "no predictions to show yet")

    points = points.assign(residual=points["target"] - points["prediction"])
    hover = "predicted %{x:.3g}<br>residual %{y:.3g}"
    traces = _split_scatter(points, "prediction", "residual", hover)
    layout = base_layout(title, x_title, y_title)
    line = {"color": "black", "width": 2}
    zero = {"type": "line", "xref": "paper", "yref": "y", "line": line}
    layout["shapes"].append({**zero, "x0": 0, "x1": 1, "y0": 0, "y1": 0})
    return new_figure(traces, layout)


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
    layout = base_layout(f"confusion matrix ({split}){score}", "predicted", "true")
    layout["xaxis"].update(type="category", showgrid=False)
    layout["yaxis"].update(type="category", autorange="reversed", showgrid=False)
    if not total:
        layout["annotations"].append(centre_message(f"no {split} points yet"))
    return new_figure([heatmap], layout)
