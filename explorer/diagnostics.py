"""What a run's model says about its data, as numpy arrays and DataFrames the
figures draw: history, per-point outputs, and outputs over a grid of the input plane."""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from explorer import tasks
from explorer.datasets import Split
from explorer.training import Run

GRID_RESOLUTION = 100
# Points a scatter draws at most: a large file trains on every row, but each page
# update stays small.
MAX_DRAWN_POINTS = 3_000
# A grid point costs one forward pass: a large network gets a coarser grid, down
# to MIN_GRID_RESOLUTION, so that a redraw stays near this many multiply-adds.
GRID_BUDGET = 2e8
MIN_GRID_RESOLUTION = 50
GRID_MARGIN = 0.1  # extend the drawn plane beyond the data by this fraction


def default_axes(split: Split) -> tuple[int, int]:
    """The two raw inputs that, one at a time, say most about the target on the
    training split (scikit-learn's F statistic): a sensible first plane to draw.
    They come in the data's own order, so x1 is drawn across and x2 up."""
    from sklearn.feature_selection import f_classif, f_regression

    X, y = split.X_train_raw, split.y_train_raw
    if X.shape[1] <= 2:
        return (0, min(1, X.shape[1] - 1))
    score = f_regression if split.task == "regression" else f_classif
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.nan_to_num(score(X, y)[0], nan=0.0, posinf=np.finfo(float).max)
    first, second = sorted(np.argsort(-f, kind="stable")[:2])
    return int(first), int(second)


def history_frame(history: list[dict]) -> pd.DataFrame:
    """Long format: one row per epoch and split, columns epoch, split, loss, metric."""
    rows = [
        {
            "epoch": row["epoch"],
            "split": split,
            "loss": row[f"{split}_loss"],
            "metric": row[f"{split}_metric"],
        }
        for row in history
        for split in ("train", "test")
    ]
    return pd.DataFrame(rows, columns=["epoch", "split", "loss", "metric"])


@torch.no_grad()
def raw_outputs(run: Run, X_raw: np.ndarray) -> np.ndarray:
    """The network's raw outputs (n, n_outputs) for raw inputs (n, d)."""
    X = run.split.inputs(X_raw).to(run.device)
    return run.model(X).cpu().numpy()


def read(run: Run, logits: np.ndarray) -> np.ndarray:
    """Raw outputs as the task reads them: P(class 1) (n,), class probabilities
    (n, K), or values (n,) in the target's own units."""
    task = run.config.task
    out = tasks.read_outputs(task, torch.from_numpy(logits)).numpy()
    if task == "multiclass":
        return out
    if task == "regression":
        return run.split.target_units(out[:, 0])
    return out[:, 0]


def points_frame(run: Run, axes: tuple[int, int] = (0, 1)) -> pd.DataFrame:
    """One row per data point: split, the two drawn inputs as x1 and x2 (x1 alone
    for one input), target, prediction, p (the probability read from the model)
    and label (the true class name)."""
    split = run.split
    frames = []
    for name, X, y in (
        ("train", split.X_train_raw, split.y_train_raw),
        ("test", split.X_test_raw, split.y_test_raw),
    ):
        out = read(run, raw_outputs(run, X))
        frame = pd.DataFrame({"split": name, "x1": X[:, axes[0]].astype(np.float32)})
        if X.shape[1] > 1:
            frame["x2"] = X[:, axes[1]].astype(np.float32)
        frame["target"] = y
        if run.config.task == "regression":
            frame["prediction"] = out
        elif run.config.task == "binary":
            frame["prediction"] = (out > 0.5).astype(np.int64)
            frame["p"] = out
        else:
            frame["prediction"] = out.argmax(axis=1)
            frame["p"] = out.max(axis=1)
        if run.config.task != "regression":
            frame["label"] = [split.class_names[k] for k in y]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def drawn_points(
    points: pd.DataFrame, limit: int = MAX_DRAWN_POINTS, seed: int = 0
) -> tuple[pd.DataFrame, str]:
    """At most `limit` of `points_frame`'s rows for a chart to draw, a seeded random
    sample in their order, and a note saying so ("" when every point is kept)."""
    if len(points) <= limit:
        return points, ""
    rows = np.random.default_rng(seed).choice(len(points), limit, replace=False)
    note = f"drawing a random {limit:,} of the {len(points):,} points"
    return points.iloc[np.sort(rows)].reset_index(drop=True), note


@dataclass
class Grid:
    """The model's read outputs over a plane of two inputs.

    `values` is (ny, nx) for binary (P(class 1)) and regression (target units),
    (ny, nx, K) for multi-class. `held` names the other inputs and the medians they
    are held at.
    """

    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray
    held: dict[str, float]

    @property
    def note(self) -> str:
        if not self.held:
            return ""
        if len(self.held) > 4:
            # A list of dozens would bury the plot; the count says enough.
            return f"the other {len(self.held)} inputs held at their training median"
        values = ", ".join(f"{name} {value:.3g}" for name, value in self.held.items())
        return f"other inputs held at their training median: {values}"


def _span(split: Split, column: int, resolution: int) -> np.ndarray:
    # Evenly spaced values over all the data in one raw input, a little beyond it.
    values = np.concatenate([split.X_train_raw[:, column], split.X_test_raw[:, column]])
    low, high = values.min(), values.max()
    pad = GRID_MARGIN * max(high - low, 1e-9)
    return np.linspace(low - pad, high + pad, resolution, dtype=np.float32)


def grid_resolution(model: torch.nn.Module) -> int:
    """Points per side of the plane grid: GRID_RESOLUTION, or fewer for a network
    whose forward pass is dear."""
    weights = sum(p.numel() for name, p in model.named_parameters() if "weight" in name)
    fits = int(math.sqrt(GRID_BUDGET / max(weights, 1)))
    return max(MIN_GRID_RESOLUTION, min(GRID_RESOLUTION, fits))


def plane_inputs(
    split: Split, axes: tuple[int, int], resolution: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, float]]:
    """Raw inputs over a resolution × resolution grid spanning the data in inputs
    `axes`: xs, ys, the points X (ny * nx, d) row by row from the smallest y, and
    the medians over the training split that every other input is held at."""
    i, j = axes
    xs, ys = _span(split, i, resolution), _span(split, j, resolution)

    # Every grid point starts at the medians, then takes its own two coordinates.
    median = np.median(split.X_train_raw, axis=0)
    gx, gy = np.meshgrid(xs, ys)  # (ny, nx) each
    X = np.tile(median, (gx.size, 1))
    X[:, i], X[:, j] = gx.ravel(), gy.ravel()

    held = {
        name: float(median[k])
        for k, name in enumerate(split.feature_names)
        if k not in axes
    }
    return xs, ys, X, held


def plane_grid(
    run: Run, axes: tuple[int, int] = (0, 1), resolution: int | None = None
) -> Grid:
    """Outputs over a resolution × resolution grid spanning the data in inputs
    `axes` (by default `grid_resolution`); every other input is held at its
    median over the training split."""
    resolution = resolution or grid_resolution(run.model)
    xs, ys, X, held = plane_inputs(run.split, axes, resolution)
    out = read(run, raw_outputs(run, X)).astype(np.float32)
    values = (
        out.reshape(resolution, resolution, -1)
        if out.ndim == 2
        else out.reshape(resolution, resolution)
    )
    return Grid(xs=xs, ys=ys, values=values, held=held)


def fitted_curve(run: Run, resolution: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """For one-input regression: x values spanning the data and the model's
    predictions there, in the target's own units."""
    xs = _span(run.split, 0, resolution)
    predictions = read(run, raw_outputs(run, xs[:, None].astype(np.float64)))
    return xs, predictions.astype(np.float32)
