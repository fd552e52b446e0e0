"""The look every figure shares: colours, sizes, the template and the building
blocks of a layout, and the same figure enlarged for a projector.

Figures are built as plain dicts with plotly's validation skipped, for speed; the
tests validate every figure instead.
"""

import functools
import math
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

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


# Figures as plain dicts, checked by the tests rather than on every call


@functools.cache
def plotly_template() -> dict:
    # plotly_white, cut to the flat figures and the trace types drawn here.
    template = go.Layout(template="plotly_white").template.to_plotly_json()
    kinds = ("scatter", "bar", "box", "heatmap")
    data = {kind: template["data"][kind] for kind in kinds if kind in template["data"]}
    keys = ("font", "hoverlabel", "paper_bgcolor", "plot_bgcolor", "xaxis", "yaxis")
    layout = {key: template["layout"][key] for key in keys}
    return {"data": data, "layout": {**layout, "colorway": PALETTE}}


def new_figure(traces: list[dict], layout: dict) -> go.Figure:
    # Plotly's per-property validation costs ~20 ms a figure, too slow to redraw
    # during training; tests/test_figures.py validates every figure instead.
    return go.Figure(data=traces, layout=layout, _validate=False)


def titled_axis(title: str, **settings) -> dict:
    return {"title": {"text": title}, "automargin": True, **settings}


def base_layout(title: str, x_title: str, y_title: str, **settings) -> dict:
    """A figure's layout: the shared look, a title and two titled axes, and
    `settings` on top. Every dict in it is the figure's own to change."""
    layout = {
        "template": plotly_template(),
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
        "xaxis": titled_axis(x_title),
        "yaxis": titled_axis(y_title),
        "annotations": [],
        "shapes": [],
    }
    layout |= settings
    # The shared legend positions are copied, or a change to one figure's legend
    # would show in every figure drawn after it.
    layout["legend"] = dict(layout["legend"])
    return layout


def annotation(text: str, x: float, y: float, **settings) -> dict:
    """An annotation placed on the plot area, (0, 0) bottom left to (1, 1)."""
    place = {"xref": "paper", "yref": "paper", "x": x, "y": y, "showarrow": False}
    return {"text": text, **place, **settings}


def centre_message(text: str) -> dict:
    return annotation(text, 0.5, 0.5, font={"size": FONT_SIZE + 2, "color": GREY})


def empty_figure(
    title: str, x_title: str, y_title: str, message: str, **yaxis
) -> go.Figure:
    """The axes a figure will have, bare, with a sentence saying why they are empty."""
    layout = base_layout(title, x_title, y_title, annotations=[centre_message(message)])
    bare = {"showticklabels": False, "showgrid": False, "zeroline": False}
    layout["xaxis"].update(bare)
    layout["yaxis"].update(bare, **yaxis)
    return new_figure([], layout)


def vertical_line(x: float, axis: str = "x", **line) -> dict:
    line = {"color": GREY, "dash": "dot", "width": 2, **line}
    ends = {"x0": x, "x1": x, "y0": 0, "y1": 1}
    return {"type": "line", "xref": axis, "yref": "paper", "line": line, **ends}


def epoch_ticks(layout: dict, history: pd.DataFrame) -> None:
    # Whole epochs only: plotly would put ticks at 0.5 on a short history.
    if history["epoch"].max() < 10:
        layout["xaxis"]["dtick"] = 1


def log_ticks(values: np.ndarray) -> dict:
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


def add_note(layout: dict, note: str) -> None:
    # Between the title and the plot, wrapped so that it is never cut off; the
    # figure grows by the note's height, so the plot keeps its size.
    lines = textwrap.wrap(note, NOTE_WIDTH)
    text = annotation("<br>".join(lines), 0, 1.01, xanchor="left", yanchor="bottom")
    text.update(align="left", font={"size": NOTE_SIZE, "color": GREY})
    layout["annotations"].append(text)
    layout["margin"]["t"] += NOTE_LINE * len(lines)
    layout["height"] += NOTE_LINE * len(lines)


# Blue below zero, white at zero, orange above: the weights' sign colours.
DIVERGING: list[list] = [[0, PALETTE[0]], [0.5, "#ffffff"], [1, PALETTE[1]]]


def colorbar_layout(title: str, **place) -> dict:
    return {
        "title": {"text": title, "side": "top"},
        "thickness": 16,
        "len": 0.6,
        "y": 0.5,
        "yanchor": "middle",
        **place,
    }


def symmetric_limit(values: np.ndarray) -> float:
    # A colour scale symmetric around 0 that reaches the largest finite magnitude.
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size and finite.max() > 0 else 1.0


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


def for_projector(fig: go.Figure, scale: float = 1.3) -> go.Figure:
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
    return new_figure(traces, layout)
