import base64
import io
import subprocess
import sys

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from PIL import Image

from explorer import figures, plot_style
from explorer.figures import PALETTE

HISTORY_COLUMNS = ["epoch", "split", "loss", "metric"]
BINARY_NAMES = ["no", "yes"]
IRIS_NAMES = ["setosa", "versicolor", "virginica"]
AXES = ("x1", "x2")


def make_history(metric: list[float] | None = None) -> pd.DataFrame:
    # Three epochs, train and test interleaved the way the engine writes them.
    metric = metric or [0.5, 0.4, 0.8, 0.7, 0.9, 0.8]
    return pd.DataFrame(
        {
            "epoch": [0, 0, 1, 1, 2, 2],
            "split": ["train", "test"] * 3,
            "loss": [0.9, 1.0, 0.5, 0.6, 0.2, 0.3],
            "metric": metric,
        }
    )


def empty_history() -> pd.DataFrame:
    return pd.DataFrame(columns=HISTORY_COLUMNS)


def binary_points() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "split": ["train", "train", "test", "test"],
            "x1": [-1.0, 1.0, -0.5, 0.5],
            "x2": [0.0, 0.0, 0.5, -0.5],
            "target": [0, 1, 0, 1],
            "prediction": [0, 1, 1, 1],
            "p": [0.1, 0.9, 0.6, 1.0],
            "label": ["no", "yes", "no", "yes"],
        }
    )


def multiclass_points() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "split": ["train", "train", "train", "test", "test", "test"],
            "x1": [0.0, 1.0, 2.0, 0.1, 1.1, 2.1],
            "x2": [0.0, 1.0, 0.0, 0.1, 0.9, 0.2],
            "target": [0, 1, 2, 0, 1, 2],
            "prediction": [0, 1, 2, 0, 2, 2],
            "p": [0.9, 0.8, 0.7, 0.95, 0.5, 0.6],
            "label": IRIS_NAMES * 2,
        }
    )


def regression_points() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "split": ["train", "train", "test"],
            "x1": [0.0, 1.0, 2.0],
            "x2": [0.0, 1.0, 0.5],
            "target": [1.0, 3.0, 10.0],
            "prediction": [1.5, 2.0, 9.0],
        }
    )


def grid(task: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # A 5 × 4 grid whose output depends on x only: the boundary is the line x = 0.
    xs = np.linspace(-2, 2, 5, dtype=np.float32)
    ys = np.linspace(-1, 2, 4, dtype=np.float32)
    X, _ = np.meshgrid(xs, ys)  # (ny, nx)
    if task == "binary":
        return xs, ys, 1 / (1 + np.exp(-3 * X))
    if task == "regression":
        return xs, ys, 2 * X
    logits = np.stack([-X, np.zeros_like(X), X], axis=-1)
    probs = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    return xs, ys, probs


def boundary(task: str, points: pd.DataFrame | None = None, note: str = ""):
    samples = {
        "binary": (binary_points, BINARY_NAMES),
        "multiclass": (multiclass_points, IRIS_NAMES),
        "regression": (regression_points, []),
    }
    make_points, names = samples[task]
    points = make_points() if points is None else points
    xs, ys, values = grid(task)
    return figures.decision_boundary_figure(
        xs, ys, values, points, task, names, AXES, note
    )


def decode_image(fig: go.Figure) -> np.ndarray:
    header, data = fig.layout.images[0].source.split(",", 1)
    assert header == "data:image/png;base64"
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB"))


def names(fig: go.Figure) -> list[str]:
    return [trace.name for trace in fig.data if trace.showlegend is not False]


def annotation_texts(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def keys_with_underscores(tree, path: str = "") -> list[str]:
    # Plotly's "font_size" shorthand only works through validation, which the
    # figures skip; in a plain dict it would reach plotly.js and be ignored.
    found = []
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key == "template":
                continue
            if "_" in key:
                found.append(f"{path}/{key}")
            found += keys_with_underscores(value, f"{path}/{key}")
    elif isinstance(tree, list | tuple):
        for i, value in enumerate(tree):
            found += keys_with_underscores(value, f"{path}/{i}")
    return found


ALL_FIGURES = {
    "loss": lambda: figures.loss_figure(make_history(), log_y=True, epoch_marker=1),
    "loss_empty": lambda: figures.loss_figure(empty_history()),
    "compare_loss": lambda: figures.compare_loss_figure(
        make_history(), make_history(), ("MSELoss", "BCEWithLogitsLoss"), log_y=True
    ),
    "compare_loss_empty": lambda: figures.compare_loss_figure(
        empty_history(), empty_history(), ("loss", "loss")
    ),
    "accuracy": lambda: figures.metric_figure(make_history(), "accuracy"),
    "r2": lambda: figures.metric_figure(make_history([-50, -60, 0, 0, 1, 1]), "R²"),
    "metric_empty": lambda: figures.metric_figure(empty_history(), "R²"),
    "boundary_binary": lambda: boundary("binary"),
    "boundary_note": lambda: boundary("multiclass", note="other inputs held at 0"),
    "boundary_multiclass": lambda: boundary("multiclass"),
    "boundary_regression": lambda: boundary("regression"),
    "boundary_empty": lambda: boundary("binary", binary_points().iloc[:0]),
    "fit_curve": lambda: figures.fit_curve_figure(
        np.linspace(0, 2, 5), np.arange(5.0), regression_points(), ("x", "y")
    ),
    "output_binary": lambda: figures.output_figure(
        binary_points(), "binary", BINARY_NAMES
    ),
    "output_multiclass": lambda: figures.output_figure(
        multiclass_points(), "multiclass", IRIS_NAMES
    ),
    "output_regression": lambda: figures.output_figure(
        regression_points(), "regression", []
    ),
    "output_empty": lambda: figures.output_figure(
        binary_points().iloc[:0], "binary", BINARY_NAMES
    ),
    "residual": lambda: figures.residual_figure(regression_points()),
    "confusion": lambda: figures.confusion_figure(multiclass_points(), IRIS_NAMES),
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
    # Same height (plus a line for a one-line note, and room for the legend under a
    # plane), base font and white template everywhere, and a title.
    fig = ALL_FIGURES[name]()
    note_lines = 1 if name == "boundary_note" else 0
    legend = plot_style.LEGEND_ROOM if name.startswith("boundary") else 0
    assert (
        fig.layout.height
        == plot_style.HEIGHT + plot_style.NOTE_LINE * note_lines + legend
    )
    assert fig.layout.font.size == plot_style.FONT_SIZE
    assert fig.layout.template.layout.plot_bgcolor == "white"
    assert fig.layout.title.text


def test_figures_import_neither_torch_streamlit_nor_plotly_express():
    code = (
        "import sys, explorer.figures; "
        "print(sorted({'torch', 'streamlit', 'plotly.express'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_palette_is_okabe_ito_in_order():
    assert PALETTE[:4] == ["#0072B2", "#E69F00", "#009E73", "#CC79A7"]
    assert len(PALETTE) == len(set(PALETTE)) == 8


def test_changing_one_figure_leaves_the_next_untouched():
    # The figures share a cached template and legend settings: no aliasing.
    fig = boundary("binary")
    fig.update_layout(legend_x=0.3, template_layout_plot_bgcolor="red")
    fresh = boundary("binary")
    assert fresh.layout.legend.x == plot_style.LEGEND_BELOW["x"]
    assert fresh.layout.template.layout.plot_bgcolor == "white"


# Training curves


def test_loss_figure_draws_train_solid_and_test_dashed():
    fig = figures.loss_figure(make_history())
    assert [t.type for t in fig.data] == ["scatter", "scatter"]
    assert names(fig) == ["train", "test"]
    train, test = fig.data
    assert (train.line.color, train.line.dash) == (PALETTE[0], "solid")
    assert (test.line.color, test.line.dash) == (PALETTE[1], "dash")
    assert list(train.x) == [0, 1, 2]
    assert np.allclose(test.y, [1.0, 0.6, 0.3])
    assert fig.layout.xaxis.title.text == "epoch"
    assert fig.layout.yaxis.title.text == "loss"
    assert "%{y" in train.hovertemplate


def test_curves_of_one_epoch_show_markers_and_whole_epochs():
    # Before training there is one point per split: a line would draw nothing.
    one = make_history()
    one = one[one["epoch"] == 0]
    for fig in (figures.loss_figure(one), figures.metric_figure(one, "accuracy")):
        assert [t.mode for t in fig.data] == ["markers", "markers"]
        assert fig.layout.xaxis.dtick == 1
    assert [t.mode for t in figures.loss_figure(make_history()).data] == ["lines"] * 2


def test_loss_figure_sorts_epochs():
    history = make_history().iloc[::-1]
    assert list(figures.loss_figure(history).data[0].x) == [0, 1, 2]


def test_loss_figure_log_axis_and_epoch_marker():
    fig = figures.loss_figure(make_history(), log_y=True, epoch_marker=1)
    assert fig.layout.yaxis.type == "log"
    (line,) = fig.layout.shapes
    assert (line.x0, line.x1, line.xref) == (1, 1, "x")
    assert "epoch 1" in fig.layout.xaxis.title.text


def test_metric_figure_marks_the_epoch_shown():
    fig = figures.metric_figure(make_history(), "accuracy", epoch_marker=2)
    (line,) = fig.layout.shapes
    assert (line.x0, line.x1) == (2, 2)
    assert "epoch 2" in fig.layout.xaxis.title.text


def test_compare_loss_overlays_both_runs_on_one_axis_for_one_loss():
    fig = figures.compare_loss_figure(make_history(), make_history(), ("loss", "loss"))
    assert names(fig) == ["A train", "A test", "B train", "B test"]
    colors = [trace.line.color for trace in fig.data]
    assert colors == [figures.RUN_COLOR["A"]] * 2 + [figures.RUN_COLOR["B"]] * 2
    assert {trace.line.dash for trace in fig.data} == {"solid", "dash"}
    assert all(trace.yaxis in (None, "y") for trace in fig.data)
    assert "yaxis2" not in fig.to_dict()["layout"]


def test_compare_loss_gives_another_loss_its_own_axis():
    # MSE in the target's units and cross-entropy share no scale.
    fig = figures.compare_loss_figure(
        make_history(), make_history(), ("MSELoss", "BCEWithLogitsLoss")
    )
    assert [trace.yaxis for trace in fig.data] == [None, None, "y2", "y2"]
    assert fig.layout.yaxis.title.text == "A: MSELoss"
    assert fig.layout.yaxis2.title.text == "B: BCEWithLogitsLoss"
    assert fig.layout.yaxis2.overlaying == "y"


def test_loss_figure_without_marker_has_no_line():
    assert figures.loss_figure(make_history()).layout.shapes == ()


@pytest.mark.parametrize("log_y", [False, True])
def test_loss_figure_empty_history_says_press_train(log_y):
    fig = figures.loss_figure(empty_history(), log_y=log_y, epoch_marker=3)
    assert fig.data == ()
    assert annotation_texts(fig) == ["press Train to see the loss curve"]
    assert fig.layout.xaxis.title.text == "epoch"
    assert fig.layout.yaxis.title.text == "loss"
    assert fig.layout.yaxis.type == ("log" if log_y else "linear")


def test_accuracy_axis_is_fixed_and_in_percent():
    fig = figures.metric_figure(make_history(), "accuracy")
    assert names(fig) == ["train", "test"]
    assert list(fig.layout.yaxis.range) == [0, 1.02]
    assert fig.layout.yaxis.tickformat == ".0%"
    assert fig.layout.yaxis.title.text == "accuracy"


def test_r2_axis_stops_at_minus_one_but_data_keep_true_values():
    fig = figures.metric_figure(make_history([-50, -60, 0, 0, 1, 1]), "R²")
    low, high = fig.layout.yaxis.range
    assert -1.05 < low <= -1 and high == 1.02
    assert fig.data[1].y.min() == -60
    assert any("off the chart" in text for text in annotation_texts(fig))


def test_r2_axis_starts_near_zero_when_all_values_are_positive():
    fig = figures.metric_figure(make_history([0.2, 0.1, 0.5, 0.4, 0.9, 0.8]), "R²")
    low, _ = fig.layout.yaxis.range
    assert -0.05 < low <= 0
    assert annotation_texts(fig) == []


def test_metric_figure_empty_history_names_the_metric():
    fig = figures.metric_figure(empty_history(), "accuracy")
    assert fig.data == ()
    assert annotation_texts(fig) == ["press Train to see the accuracy curve"]
    assert fig.layout.yaxis.title.text == "accuracy"


def test_metric_figure_rejects_an_unknown_metric():
    with pytest.raises(ValueError, match="metric_name"):
        figures.metric_figure(make_history(), "f1")


# Decision boundary and fitted surface


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_boundary_grid_is_an_image_covering_exactly_the_grid(task):
    fig = boundary(task)
    assert {t.type for t in fig.data} == {"scatter"}  # no heatmap, no contour
    (image,) = fig.layout.images
    assert (image.xref, image.yref, image.layer) == ("x", "y", "below")
    assert (image.x, image.y, image.sizex, image.sizey) == (-2, 2, 4, 3)
    assert list(fig.layout.xaxis.range) == [-2, 2]
    assert list(fig.layout.yaxis.range) == [-1, 2]
    assert decode_image(fig).shape == (4, 5, 3)
    assert fig.layout.xaxis.title.text == "x1"
    assert fig.layout.yaxis.title.text == "x2"


def test_boundary_image_puts_the_largest_y_on_top():
    # P(class 1) rises with y: the top row is orange (class 1), the bottom blue.
    xs = np.linspace(0, 1, 3)
    ys = np.linspace(0, 1, 4)
    values = np.repeat(np.linspace(0, 1, 4)[:, None], 3, axis=1)  # (ny, nx)
    fig = figures.decision_boundary_figure(
        xs, ys, values, binary_points().iloc[:0], "binary", BINARY_NAMES, AXES
    )
    pixels = decode_image(fig).astype(int)
    top, bottom = pixels[0, 0], pixels[-1, 0]
    assert top[0] > top[2]  # orange: more red than blue
    assert bottom[2] > bottom[0]  # blue


def test_binary_boundary_line_follows_p_one_half():
    fig = boundary("binary")
    line = next(t for t in fig.data if t.name == "P = 0.5 boundary")
    assert line.mode == "lines"
    x = np.asarray(line.x, dtype=float)
    assert x.size >= 2 and np.allclose(x[np.isfinite(x)], 0, atol=1e-6)


def test_binary_boundary_line_joins_pieces_with_gaps():
    # Two boundaries (at x = -1 and x = 1) travel as one trace broken by a gap.
    xs = np.linspace(-2, 2, 9)
    ys = np.linspace(0, 1, 3)
    values = np.tile((np.abs(xs) < 1).astype(float), (3, 1))
    fig = figures.decision_boundary_figure(
        xs, ys, values, binary_points().iloc[:0], "binary", BINARY_NAMES, AXES
    )
    (line,) = [t for t in fig.data if t.name == "P = 0.5 boundary"]
    x = np.asarray(line.x, dtype=float)
    assert np.isnan(x).sum() == 1
    assert set(np.round(x[np.isfinite(x)], 6)) == {-0.75, 0.75}


def test_binary_boundary_has_a_colour_bar_for_p():
    fig = boundary("binary")
    (bar,) = [t for t in fig.data if t.marker.showscale]
    assert bar.marker.colorbar.title.text == "P(yes)"  # named after class 1
    assert (bar.marker.cmin, bar.marker.cmax) == (0, 1)
    assert bar.showlegend is False


def test_binary_boundary_points_per_class_and_split():
    fig = boundary("binary")
    assert names(fig) == [
        "P = 0.5 boundary",
        "no (train)",
        "no (test)",
        "yes (train)",
        "yes (test)",
    ]
    points = {t.name: t for t in fig.data}
    assert points["no (train)"].marker.color == PALETTE[0]
    assert points["yes (test)"].marker.color == PALETTE[1]
    assert points["yes (test)"].marker.symbol == "diamond"
    assert np.allclose(points["yes (test)"].customdata, [1.0])
    assert "P(yes) %{customdata:.3f}" in points["no (train)"].hovertemplate
    assert "true: no" in points["no (train)"].hovertemplate


def test_multiclass_points_hover_names_the_predicted_class():
    fig = boundary("multiclass")
    assert names(fig) == [
        f"{name} ({split})" for name in IRIS_NAMES for split in ("train", "test")
    ]
    misread = next(t for t in fig.data if t.name == "versicolor (test)")
    assert list(misread.text) == ["virginica"]
    assert "confidence" in misread.hovertemplate
    assert misread.marker.color == PALETTE[1]


def test_multiclass_shading_is_class_colour_when_sure_and_white_when_not():
    xs, ys = np.array([0.0, 1.0]), np.array([0.0, 1.0])
    sure = [0.0, 0.0, 1.0]  # class 2, green
    unsure = [1 / 3, 1 / 3, 1 / 3]
    values = np.array([[sure, unsure], [sure, unsure]])  # (ny, nx, K)
    fig = figures.decision_boundary_figure(
        xs, ys, values, multiclass_points().iloc[:0], "multiclass", IRIS_NAMES, AXES
    )
    pixels = decode_image(fig).astype(int)
    assert list(pixels[0, 1]) == [255, 255, 255]
    green = np.array([0x00, 0x9E, 0x73])
    expected = 255 + (green - 255) * figures.REGION_STRENGTH
    assert np.abs(pixels[0, 0] - expected).max() <= 1


def test_regression_surface_and_points_share_one_colour_range():
    fig = boundary("regression")
    (bar,) = [t for t in fig.data if t.marker.showscale]
    assert bar.marker.colorbar.title.text == "predicted value"
    # Grid values span -4..4, targets 1..10: the shared range covers both.
    assert (bar.marker.cmin, bar.marker.cmax) == (-4, 10)
    train, test = (t for t in fig.data if t.name in ("train", "test"))
    for trace in (train, test):
        assert (trace.marker.cmin, trace.marker.cmax) == (-4, 10)
    assert np.allclose(train.marker.color, [1.0, 3.0])
    assert np.allclose(test.customdata, [[10.0, 9.0]])
    assert "predicted" in test.hovertemplate


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_boundary_copes_with_zero_points(task):
    empty = {
        "binary": binary_points,
        "multiclass": multiclass_points,
        "regression": regression_points,
    }[task]().iloc[:0]
    fig = boundary(task, empty)
    assert not [t for t in fig.data if t.mode == "markers" and t.x[0] is not None]
    assert len(fig.layout.images) == 1


def test_boundary_copes_with_a_frame_without_columns():
    fig = boundary("multiclass", pd.DataFrame())
    assert fig.data == ()


def test_boundary_note_is_wrapped_and_given_room():
    note = "other inputs held at their median: " + ", ".join(
        f"input {i} 1.{i}" for i in range(12)
    )
    fig = boundary("multiclass", note=note)
    (text,) = annotation_texts(fig)
    lines = text.split("<br>")
    assert len(lines) > 1
    assert all(len(line) <= plot_style.NOTE_WIDTH for line in lines)
    assert " ".join(lines) == note
    # The figure grows by the note's height; the plot keeps its own.
    plain = boundary("multiclass").layout
    extra = fig.layout.margin.t - plain.margin.t
    assert extra >= plot_style.NOTE_LINE * len(lines)
    assert fig.layout.height - plain.height == extra


def test_boundary_keeps_equal_scales_only_for_a_square_plane_without_note():
    square = boundary("binary")  # x spans 4, y spans 3
    assert square.layout.yaxis.scaleanchor == "x"
    assert boundary("binary", note="other inputs held").layout.yaxis.scaleanchor is None
    xs, ys = np.linspace(0, 10, 6), np.linspace(0, 1, 3)
    wide = figures.decision_boundary_figure(
        xs, ys, np.zeros((3, 6)), binary_points(), "binary", BINARY_NAMES, AXES
    )
    assert wide.layout.yaxis.scaleanchor is None
    assert list(wide.layout.xaxis.range) == [0, 10]


def test_boundary_without_note_has_no_annotation():
    assert annotation_texts(boundary("binary")) == []


def test_boundary_shows_a_diverged_model_as_white():
    xs, ys, values = grid("binary")
    values[0, 0] = np.nan
    fig = figures.decision_boundary_figure(
        xs, ys, values, binary_points(), "binary", BINARY_NAMES, AXES
    )
    assert list(decode_image(fig)[-1, 0]) == [255, 255, 255]


def test_boundary_rejects_a_grid_of_the_wrong_shape():
    xs, ys, values = grid("binary")
    with pytest.raises(ValueError, match="len\\(ys\\), len\\(xs\\)"):
        figures.decision_boundary_figure(
            xs, ys, values.T, binary_points(), "binary", BINARY_NAMES, AXES
        )


def test_boundary_rejects_an_unknown_task():
    xs, ys, values = grid("binary")
    with pytest.raises(ValueError, match="task"):
        figures.decision_boundary_figure(
            xs, ys, values, binary_points(), "ranking", BINARY_NAMES, AXES
        )


def test_boundary_sends_coordinates_as_float32():
    fig = boundary("binary")
    points = next(t for t in fig.data if t.name == "no (train)")
    assert points.x.dtype == np.float32


# One input


def test_fit_curve_has_points_and_the_model_line():
    xs = np.linspace(0, 2, 5)
    fig = figures.fit_curve_figure(xs, 2 * xs, regression_points(), ("hours", "score"))
    assert names(fig) == ["train", "test", "model"]
    model = fig.data[-1]
    assert model.mode == "lines"
    assert np.allclose(model.y, 2 * xs)
    assert np.allclose(fig.data[0].y, [1.0, 3.0])
    assert fig.layout.xaxis.title.text == "hours"
    assert fig.layout.yaxis.title.text == "score"


def test_fit_curve_copes_with_zero_points():
    fig = figures.fit_curve_figure(
        np.linspace(0, 1, 3), np.zeros(3), regression_points().iloc[:0], ("x", "y")
    )
    assert names(fig) == ["model"]


# Outputs


def test_binary_output_histograms_per_true_class_and_split():
    fig = figures.output_figure(binary_points(), "binary", BINARY_NAMES)
    assert [t.type for t in fig.data] == ["bar"] * 4
    assert names(fig) == ["true: no", "true: yes"]  # one legend entry per class
    assert [t.xaxis for t in fig.data] == ["x", "x", "x2", "x2"]
    assert [t.marker.color for t in fig.data] == [PALETTE[0], PALETTE[1]] * 2
    assert [int(t.y.sum()) for t in fig.data] == [1, 1, 1, 1]
    # P = 1.0 lands in the last bin, not outside the histogram.
    assert fig.data[3].y[-1] == 1
    assert len(fig.data[0].x) == 20
    assert list(fig.layout.xaxis.range) == list(fig.layout.xaxis2.range) == [0, 1]
    assert fig.layout.xaxis.title.text == "P(yes)"
    assert fig.layout.yaxis.title.text == "count"
    assert {"train", "test"} <= set(annotation_texts(fig))


def test_multiclass_output_shows_confidence_per_true_class():
    fig = figures.output_figure(multiclass_points(), "multiclass", IRIS_NAMES)
    assert [t.type for t in fig.data] == ["box"] * 6
    assert [t.y0 for t in fig.data[:3]] == IRIS_NAMES
    assert [t.marker.color for t in fig.data[:3]] == PALETTE[:3]
    assert np.allclose(fig.data[4].x, [0.5])  # test, true versicolor
    assert "confidence of the predicted class" in annotation_texts(fig)
    assert fig.layout.yaxis.autorange == "reversed"


def test_regression_output_has_the_line_of_perfect_fit():
    fig = figures.output_figure(regression_points(), "regression", [])
    assert names(fig) == ["train", "test", "perfect fit"]
    line = fig.data[-1]
    assert np.allclose(line.x, line.y)
    assert line.x[0] <= 1.0 and line.x[-1] >= 10.0
    assert np.allclose(fig.data[1].x, [10.0]) and np.allclose(fig.data[1].y, [9.0])
    assert fig.layout.xaxis.title.text == "true value"
    assert fig.layout.yaxis.title.text == "predicted value"


def test_regression_output_copes_with_a_diverged_model():
    points = regression_points().assign(prediction=np.nan)
    fig = figures.output_figure(points, "regression", [])
    low, high = fig.layout.xaxis.range
    assert np.isfinite([low, high]).all() and low < 1.0 and high > 10.0


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_output_figure_empty_frame_says_so(task):
    fig = figures.output_figure(pd.DataFrame(), task, IRIS_NAMES)
    assert fig.data == ()
    assert annotation_texts(fig) == ["no predictions to show yet"]


def test_output_figure_rejects_an_unknown_task():
    with pytest.raises(ValueError, match="task"):
        figures.output_figure(binary_points(), "ranking", BINARY_NAMES)


def test_residuals_are_target_minus_prediction():
    fig = figures.residual_figure(regression_points())
    assert names(fig) == ["train", "test"]
    train, test = fig.data
    assert np.allclose(train.x, [1.5, 2.0])
    assert np.allclose(train.y, [-0.5, 1.0])
    assert np.allclose(test.y, [1.0])
    (zero,) = fig.layout.shapes
    assert (zero.y0, zero.y1) == (0, 0)
    assert fig.layout.xaxis.title.text == "predicted value"


def test_residual_figure_empty_frame_says_so():
    fig = figures.residual_figure(regression_points().iloc[:0])
    assert fig.data == ()
    assert annotation_texts(fig) == ["no predictions to show yet"]


# Confusion matrix


def test_confusion_counts_a_hand_worked_case():
    # Test split: setosa → setosa, versicolor → virginica, virginica → virginica.
    fig = figures.confusion_figure(multiclass_points(), IRIS_NAMES)
    (heatmap,) = fig.data
    assert heatmap.type == "heatmap"
    assert np.array_equal(heatmap.z, [[1, 0, 0], [0, 0, 1], [0, 0, 1]])
    assert list(heatmap.x) == list(heatmap.y) == IRIS_NAMES
    assert heatmap.texttemplate == "%{z}"
    assert fig.layout.yaxis.autorange == "reversed"  # first class on top
    assert fig.layout.xaxis.title.text == "predicted"
    assert fig.layout.yaxis.title.text == "true"
    assert "2/3 correct" in fig.layout.title.text


def test_confusion_of_the_train_split():
    fig = figures.confusion_figure(multiclass_points(), IRIS_NAMES, split="train")
    assert np.array_equal(fig.data[0].z, np.eye(3))
    assert "(train)" in fig.layout.title.text


def test_confusion_copes_with_an_empty_split():
    fig = figures.confusion_figure(multiclass_points().iloc[:0], IRIS_NAMES)
    assert np.array_equal(fig.data[0].z, np.zeros((3, 3)))
    assert annotation_texts(fig) == ["no test points yet"]


def test_surface_legend_shows_shapes_not_value_colours():
    fig = boundary("regression")
    assert names(fig) == ["train (colour: true value)", "test (colour: true value)"]
    for trace in fig.data:
        if trace.showlegend is not False and trace.name.endswith("true value)"):
            assert trace.marker.color == plot_style.GREY and trace.x == (None,)


# Presenter mode


@pytest.mark.parametrize("name", ALL_FIGURES)
def test_for_projector_enlarges_every_font_and_leaves_the_figure_alone(name):
    fig = ALL_FIGURES[name]()
    before = fig.to_dict()
    big = plot_style.for_projector(fig, scale=1.5)
    go.Figure(big.to_dict())  # still valid plotly
    assert fig.to_dict() == before

    def sizes(value, found):
        # Every font size, by where it sits in the figure.
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in ("font", "tickfont", "textfont") and "size" in inner:
                    found.append(inner["size"])
                sizes(inner, found)
        elif isinstance(value, list):
            for inner in value:
                sizes(inner, found)
        return found

    small_sizes = sizes({k: v for k, v in before.items() if k != "layout"}, [])
    small_sizes += sizes({"layout": {**before["layout"], "template": None}}, [])
    big_dict = big.to_dict()
    big_sizes = sizes({k: v for k, v in big_dict.items() if k != "layout"}, [])
    big_sizes += sizes({"layout": {**big_dict["layout"], "template": None}}, [])
    assert big_dict["layout"]["font"]["size"] == round(plot_style.FONT_SIZE * 1.5)
    assert len(big_sizes) >= len(small_sizes) and big_sizes
    assert min(big_sizes) >= round(min(small_sizes, default=10) * 1.5) - 1
    assert big_dict["layout"]["height"] > before["layout"]["height"]
