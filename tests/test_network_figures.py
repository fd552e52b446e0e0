import subprocess
import sys

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from test_figures import keys_with_underscores

from explorer import network_diagram as nd
from explorer import network_figures as nf
from explorer import plot_style
from explorer.figures import PALETTE

LARGEST = [30, 128, 128, 128, 128, 128, 128, 6]


def tiny_weights() -> list[tuple[np.ndarray, np.ndarray]]:
    # 2-2-1 by hand. Largest |weight| is 2: widths bin |w| / 2 by quarters.
    W1 = np.array([[1.0, -2.0], [0.5, -0.25]], dtype=np.float32)
    W2 = np.array([[2.0, -1.0]], dtype=np.float32)
    b1 = np.array([0.5, -1.0], dtype=np.float32)
    return [(W1, b1), (W2, np.array([0.25], dtype=np.float32))]


def tiny_network(**settings) -> go.Figure:
    return nd.network_figure(tiny_weights(), ["x1", "x2"], ["logit"], **settings)


def random_weights(widths: list[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(0)
    return [
        (
            rng.normal(size=(n_out, n_in)).astype(np.float32),
            rng.normal(size=n_out).astype(np.float32),
        )
        for n_in, n_out in zip(widths[:-1], widths[1:], strict=True)
    ]


def largest_network() -> go.Figure:
    inputs = [f"feature {k}" for k in range(30)]
    outputs = [f"class {k}" for k in range(6)]
    return nd.network_figure(random_weights(LARGEST), inputs, outputs)


def unit_grid(n_units: int, shift: float = -0.5) -> tuple[np.ndarray, ...]:
    # Unit k's output is k · (x + shift) on a 5 × 4 grid.
    xs = np.linspace(0, 1, 5, dtype=np.float32)
    ys = np.linspace(0, 1, 4, dtype=np.float32)
    X, _ = np.meshgrid(xs, ys)  # (ny, nx)
    k = np.arange(1, n_units + 1, dtype=np.float32)[:, None, None]
    return xs, ys, (k * (X + shift)).astype(np.float32)


def norms(epochs: list[int], by_layer: dict[int, list[float]]) -> pd.DataFrame:
    rows = [
        {"epoch": epoch, "layer": layer, "norm": value}
        for layer, values in by_layer.items()
        for epoch, value in zip(epochs, values, strict=True)
    ]
    return pd.DataFrame(rows, columns=["epoch", "layer", "norm"])


def flow(dead: bool = False, **settings) -> go.Figure:
    grad = norms([1, 2, 3], {1: [1e-3, 2e-3, 1e-3], 2: [0.1, 0.2, 0.3]})
    weights = norms([0, 1, 2, 3], {1: [1.0, 1.1, 1.2, 1.3], 2: [0.5, 0.6, 0.7, 0.8]})
    frame = pd.DataFrame({"epoch": [0, 3], "layer": [1, 1], "fraction": [0.0, 0.5]})
    no_rows = pd.DataFrame(columns=["epoch", "layer", "fraction"])
    return nf.gradient_flow_figure(
        grad, weights, frame if dead else no_rows, **settings
    )


def empty_flow() -> go.Figure:
    no_rows = pd.DataFrame(columns=["epoch", "layer", "norm"])
    return nf.gradient_flow_figure(no_rows, no_rows, pd.DataFrame())


def links(fig: go.Figure) -> list:
    return [t for t in fig.data if t.mode == "lines"]


def legend_names(fig: go.Figure) -> list[str]:
    return [t.name for t in fig.data if t.showlegend]


def annotation_texts(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


ALL_FIGURES = {
    "network": tiny_network,
    "network_largest": largest_network,
    "unit_maps": lambda: nf.unit_maps_figure(*unit_grid(3), 1, highlight=2),
    "unit_maps_clipped": lambda: nf.unit_maps_figure(*unit_grid(40), 2),
    "unit_maps_empty": lambda: nf.unit_maps_figure(*unit_grid(0), 1),
    "unit_map": lambda: nf.unit_map_figure(
        *(a[0] if a.ndim == 3 else a for a in unit_grid(1)), "unit 1", ("x1", "x2")
    ),
    "gradient_flow": lambda: flow(epoch_marker=2),
    "gradient_flow_dead": lambda: flow(dead=True),
    "gradient_flow_empty": empty_flow,
}


# Every figure


@pytest.mark.parametrize("name", ALL_FIGURES)
def test_figure_is_valid_plotly(name):
    # The figures skip validation for speed, so it is done here: plotly rebuilds
    # each one from its dict with every property checked.
    fig = ALL_FIGURES[name]()
    go.Figure(fig.to_dict())
    assert keys_with_underscores(fig.to_dict()) == []
    assert fig.to_json()


@pytest.mark.parametrize("name", ALL_FIGURES)
def test_figure_is_styled_for_a_projector(name):
    fig = ALL_FIGURES[name]()
    assert fig.layout.font.size == plot_style.FONT_SIZE
    assert fig.layout.template.layout.plot_bgcolor == "white"
    assert fig.layout.title.text


def test_network_figures_import_neither_torch_nor_streamlit():
    code = (
        "import sys, explorer.network_figures; "
        "print(sorted({'torch', 'streamlit', 'plotly.express'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# The network diagram


def test_network_has_a_node_per_unit_in_columns():
    # Inputs grey in column 0; the two hidden units and the output coloured.
    fig = tiny_network()
    inputs, units = (t for t in fig.data if t.mode == "markers+text")
    assert list(inputs.x) == [0, 0] and inputs.marker.color == "#bbbbbb"
    assert list(units.x) == [1, 1, 2]
    assert list(inputs.y) == list(units.y[:2]) == [0.75, 0.25]  # unit 1 on top
    assert units.y[2] == 0.5


def test_network_colours_nodes_by_bias_symmetric_around_zero():
    units = [t for t in tiny_network().data if t.mode == "markers+text"][1]
    assert list(units.marker.color) == [0.5, -1.0, 0.25]
    assert (units.marker.cmin, units.marker.cmax) == (-1.0, 1.0)
    scale = units.marker.colorscale
    assert [scale[0][1], scale[1][1], scale[-1][1]] == [
        PALETTE[0],
        "#ffffff",
        PALETTE[1],
    ]
    assert units.marker.colorbar.title.text == "bias"
    assert units.marker.showscale


def test_network_links_are_coloured_by_sign_and_wide_by_size():
    # |w| / 2 per quarter: positive 2, 1, 0.5 and negative -2, -1, -0.25 fall in
    # bins 3, 2, 1 and 3, 2, 0.
    fig = tiny_network()
    by_color = {c: [] for c in (PALETTE[1], PALETTE[0])}
    for trace in links(fig):
        by_color[trace.line.color].append(trace.line.width)
    widths = nd.LINK_WIDTHS
    assert by_color[PALETTE[1]] == [widths[1], widths[2], widths[3]]
    assert by_color[PALETTE[0]] == [widths[0], widths[2], widths[3]]
    # Thin links first, so that the strongest are drawn on top.
    assert [t.line.width for t in links(fig)] == sorted(
        t.line.width for t in links(fig)
    )


def test_network_legend_has_one_entry_per_sign_with_its_thickest_line():
    fig = tiny_network()
    shown = [t for t in fig.data if t.showlegend]
    assert [t.name for t in shown] == ["positive weight", "negative weight"]
    assert [t.legendrank for t in shown] == [1, 2]
    assert {t.line.width for t in shown} == {nd.LINK_WIDTHS[3]}


def test_network_link_runs_between_its_two_nodes():
    # The only positive link of |w| 2: hidden 1 unit 1 (1, 0.75) to the output.
    positive = [t for t in links(tiny_network()) if t.line.color == PALETTE[1]]
    thickest = positive[-1]
    assert list(thickest.x[:2]) == [1, 2] and list(thickest.y[:2]) == [0.75, 0.5]
    assert np.isnan(thickest.x[2])  # the break before the next segment


def test_network_hover_names_nodes_and_links_with_values():
    fig = tiny_network()
    midpoints = next(t for t in fig.data if t.mode == "markers")
    assert len(midpoints.x) == 6
    assert "input x1 → hidden 1, unit 1: 1" in midpoints.hovertext
    assert "hidden 1, unit 2 → output logit: -1" in midpoints.hovertext
    inputs, units = (t for t in fig.data if t.mode == "markers+text")
    assert list(inputs.hovertext) == ["input x1", "input x2"]
    assert units.hovertext[1] == "hidden 1, unit 2"
    assert "bias %{customdata:.3g}" in units.hovertemplate


def test_network_names_inputs_and_outputs_and_labels_columns():
    fig = tiny_network()
    inputs, units = (t for t in fig.data if t.mode == "markers+text")
    assert [t.strip() for t in inputs.text] == ["x1", "x2"]
    assert [t.strip() for t in units.text] == ["", "", "logit"]
    assert annotation_texts(fig) == [
        "inputs<br>2 units",
        "hidden 1<br>2 units",
        "outputs<br>1 unit",
    ]


def test_network_draws_only_the_strongest_links_and_says_so():
    weights = random_weights(LARGEST)
    fig = nd.network_figure(weights, ["x"] * 30, ["y"] * 6, max_links=400)
    midpoints = next(t for t in fig.data if t.mode == "markers")
    drawn = np.abs(midpoints.customdata)
    # Seven layers share the 400: the 30 × 128 ... 128 × 6 layers get 57 each
    # (the last one 58), each its own strongest.
    layer = np.floor(midpoints.x).astype(int)
    for k, (W, _) in enumerate(weights):
        mine = np.sort(drawn[layer == k])
        assert mine.size in (57, 58)
        assert np.array_equal(mine, np.sort(np.abs(W).ravel())[-mine.size :])
    assert "strongest 400 of 86,528 links drawn" in annotation_texts(fig)[-1]
    assert sum(np.isnan(t.x).sum() for t in links(fig)) == 400


def test_network_keeps_all_links_and_no_note_when_few():
    fig = tiny_network(max_links=6)
    assert not any("strongest" in text for text in annotation_texts(fig))


def test_largest_network_shrinks_dense_columns_and_names_nothing_unreadable():
    fig = largest_network()
    inputs, units = (t for t in fig.data if t.mode == "markers+text")
    hidden, outputs = units.marker.size[:-6], units.marker.size[-6:]
    assert 4 <= hidden.max() < 8 and outputs.min() > hidden.max()
    assert len(inputs.text) == 0  # 30 input names would overlap
    assert [t.strip() for t in units.text[-6:]] == [f"class {k}" for k in range(6)]
    assert fig.layout.height > plot_style.HEIGHT


def test_largest_network_labels_its_eight_columns_a_word_a_line():
    texts = annotation_texts(largest_network())
    assert texts[:2] == ["inputs<br>30", "hidden<br>1<br>128"]
    assert texts[7] == "outputs<br>6"


# Unit maps


def test_unit_maps_tile_per_unit_on_one_colour_scale():
    xs, ys, units = unit_grid(3)
    fig = nf.unit_maps_figure(xs, ys, units, 1)
    assert [t.type for t in fig.data] == ["heatmap"] * 3
    assert [(t.xaxis, t.yaxis) for t in fig.data] == [
        ("x", "y"),
        ("x2", "y2"),
        ("x3", "y3"),
    ]
    assert {t.coloraxis for t in fig.data} == {"coloraxis"}
    assert np.array_equal(fig.data[2].z, units[2])
    # Unit 3 reaches ±1.5: the scale is symmetric, blue below zero.
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (-1.5, 1.5)
    assert fig.layout.coloraxis.colorbar.title.text == "unit output"
    assert annotation_texts(fig)[:3] == ["unit 1", "unit 2", "unit 3"]
    assert fig.layout.title.text.startswith("hidden layer 1")


def test_unit_maps_frame_the_highlighted_unit():
    fig = nf.unit_maps_figure(*unit_grid(3), 1, highlight=2)
    assert annotation_texts(fig)[1] == "<b>unit 2</b>"
    (frame,) = fig.layout.shapes
    assert (frame.xref, frame.yref) == ("x2 domain", "y2 domain")


def test_unit_maps_show_the_first_units_and_say_how_many():
    fig = nf.unit_maps_figure(*unit_grid(40), 2, max_units=32)
    assert len(fig.data) == 32
    assert "the first 32 of 40 units shown" in annotation_texts(fig)[-1]


def test_unit_maps_leave_room_between_rows_for_the_titles():
    # 18 units: three rows of six, each row's bottom above the next row's top.
    fig = nf.unit_maps_figure(*unit_grid(18), 1)
    axes = ["yaxis", *(f"yaxis{k}" for k in range(2, 19))]
    rows = sorted({tuple(fig.layout[a].domain) for a in axes}, reverse=True)
    assert len(rows) == 3
    for upper, lower in zip(rows[:-1], rows[1:], strict=True):
        assert upper[0] > lower[1]


def test_unit_maps_of_outputs_never_below_zero_use_white_to_orange():
    fig = nf.unit_maps_figure(*unit_grid(2, shift=0.0), 1)
    assert fig.layout.coloraxis.cmin == 0
    assert fig.layout.coloraxis.colorscale[-1][1] == PALETTE[1]


def test_unit_maps_of_an_empty_layer_say_so():
    fig = nf.unit_maps_figure(*unit_grid(0), 1)
    assert not fig.data and "no units" in annotation_texts(fig)[0]


def test_unit_map_is_one_large_heatmap_with_a_colour_bar():
    xs, ys, units = unit_grid(2)
    fig = nf.unit_map_figure(xs, ys, units[1], "hidden 1, unit 2", ("a", "b"))
    (heatmap,) = fig.data
    assert np.array_equal(heatmap.z, units[1])
    assert fig.layout.coloraxis.colorbar.title.text == "unit output"
    assert fig.layout.xaxis.title.text == "a" and fig.layout.yaxis.title.text == "b"


# Gradient flow


def test_gradient_flow_rows_share_the_epoch_axis():
    fig = flow()
    assert [t.yaxis for t in fig.data] == ["y", "y", "y2", "y2"]
    assert {t.xaxis for t in fig.data} == {None}  # all on the one x axis
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.yaxis.title.text == "gradient norm"
    assert fig.layout.yaxis2.title.text == "weight norm"
    assert fig.layout.xaxis.anchor == "y2"


def test_gradient_flow_gives_each_layer_one_colour_and_one_legend_entry():
    fig = flow(dead=True)
    colors = {}
    for trace in fig.data:
        colors.setdefault(trace.name, set()).add(trace.line.color)
    assert colors == {"layer 1": {PALETTE[0]}, "layer 2": {PALETTE[1]}}
    assert legend_names(fig) == ["layer 1", "layer 2"]


def test_gradient_flow_adds_a_dead_unit_row_in_percent():
    fig = flow(dead=True)
    dead = [t for t in fig.data if t.yaxis == "y3"]
    assert [t.name for t in dead] == ["layer 1"] and list(dead[0].y) == [0.0, 0.5]
    assert fig.layout.yaxis3.tickformat == ".0%"
    assert tuple(fig.layout.yaxis3.range) == (0, 1.02)
    assert fig.layout.xaxis.anchor == "y3"


def test_gradient_flow_marks_the_epoch_on_every_row():
    fig = flow(dead=True, epoch_marker=2)
    assert [s.yref for s in fig.layout.shapes] == ["y domain", "y2 domain", "y3 domain"]
    assert {s.x0 for s in fig.layout.shapes} == {2}


def test_gradient_flow_labels_many_decades_by_powers_of_ten():
    grad = norms([1, 2], {1: [1e-7, 2e-7], 2: [0.1, 0.5]})
    weights = norms([1, 2], {1: [1.0, 1.0], 2: [1.0, 1.0]})
    fig = nf.gradient_flow_figure(grad, weights, pd.DataFrame())
    assert all(np.log10(v) == round(np.log10(v)) for v in fig.layout.yaxis.tickvals)
    assert len(fig.layout.yaxis.tickvals) <= 6
    assert fig.layout.yaxis.ticktext[0] == "10<sup>−7</sup>"


def test_gradient_flow_says_when_a_zero_norm_cannot_be_drawn():
    grad = norms([1, 2], {1: [0.0, 0.1]})
    fig = nf.gradient_flow_figure(grad, grad, pd.DataFrame())
    assert "exactly 0" in annotation_texts(fig)[-1]


def test_gradient_flow_without_history_says_so():
    fig = empty_flow()
    assert not fig.data and "train a few epochs" in annotation_texts(fig)[0]


def test_the_diagram_leaves_the_shared_legend_settings_alone():
    from explorer import plot_style

    before = dict(plot_style.LEGEND_BELOW)
    tiny_network()
    assert plot_style.LEGEND_BELOW == before
    assert "title" not in plot_style.base_layout("t", "x", "y", legend=before)["legend"]
