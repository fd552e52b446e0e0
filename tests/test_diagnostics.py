import numpy as np
import pandas as pd
import pytest
import torch

from explorer import diagnostics
from explorer.config import Config
from explorer.training import Run


def test_points_frame_reads_outputs_with_one_sigmoid():
    run = Run(Config(n_samples=60, epochs=1))
    points = diagnostics.points_frame(run)
    assert len(points) == 60
    assert set(points.columns) >= {"split", "x1", "x2", "target", "prediction", "p"}
    with torch.no_grad():
        logits = run.model(run.split.X_train)
    expected = torch.sigmoid(logits)[:, 0].numpy()
    train = points[points["split"] == "train"]
    assert np.allclose(train["p"], expected, atol=1e-6)
    assert (train["prediction"] == (expected > 0.5)).all()


def test_plane_grid_holds_other_inputs_at_the_training_median():
    run = Run(Config(task="multiclass", dataset="iris", epochs=1))
    grid = diagnostics.plane_grid(run, axes=(2, 3), resolution=20)
    assert grid.values.shape == (20, 20, 3)
    assert np.allclose(grid.values.sum(axis=2), 1, atol=1e-5)  # softmax, once
    median = np.median(run.split.X_train_raw, axis=0)
    assert grid.held == pytest.approx(
        {"sepal length (cm)": median[0], "sepal width (cm)": median[1]}
    )
    assert "held at their training median" in grid.note


def test_fitted_curve_is_in_the_target_units():
    run = Run(Config(task="regression", dataset="line", noise=0.0, epochs=1))
    xs, predictions = diagnostics.fitted_curve(run, resolution=50)
    assert xs.shape == predictions.shape == (50,)
    # The model works in standardised units; the curve is mapped back.
    with torch.no_grad():
        raw = run.model(run.split.inputs(xs[:, None].astype(np.float64)))[:, 0]
    expected = raw.numpy() * run.split.y_scale + run.split.y_mean
    assert np.allclose(predictions, expected, atol=1e-4)


def test_default_axes_pick_the_inputs_that_tell_most():
    # On iris the petal measurements separate the species far better.
    run = Run(Config(task="multiclass", dataset="iris", epochs=1))
    assert set(diagnostics.default_axes(run.split)) == {2, 3}


def test_history_frame_is_long_format():
    run = Run(Config(n_samples=60, epochs=2))
    run.advance()
    frame = diagnostics.history_frame(run.history)
    assert list(frame.columns) == ["epoch", "split", "loss", "metric"]
    assert len(frame) == 6 and set(frame["split"]) == {"train", "test"}


def test_drawn_points_keep_a_stated_sample_of_a_large_frame():
    points = pd.DataFrame(
        {"split": ["train"] * 7000 + ["test"] * 3000, "x1": range(10_000)}
    )
    drawn, note = diagnostics.drawn_points(points, limit=3000, seed=1)
    assert len(drawn) == 3000 and note == "drawing a random 3,000 of the 10,000 points"
    assert drawn["x1"].is_monotonic_increasing  # the sample keeps the data's order
    assert 0.6 < (drawn["split"] == "train").mean() < 0.8
    same, _ = diagnostics.drawn_points(points, limit=3000, seed=1)
    assert same.equals(drawn)
    small = points.head(50)
    kept, none = diagnostics.drawn_points(small, limit=3000)
    assert kept is small and none == ""
