"""Inside the network, as numpy arrays and DataFrames the figures draw: each layer's
weights, what each hidden unit computes over the input plane, and how weight norms,
gradient norms and dead units change over training."""

import copy
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn

from explorer.diagnostics import plane_inputs
from explorer.training import Run

UNIT_MAP_RESOLUTION = 40
# Activations whose units can die: an input that stays in the flat (or, for
# LeakyReLU, the shallow) negative part for every training point.
DYING_ACTIVATIONS = ("relu", "leaky_relu")

# epoch -> a cpu copy of model.state_dict() at the end of that epoch
Snapshots = dict[int, dict[str, torch.Tensor]]


@dataclass
class UnitMaps:
    """Each hidden unit's output over a plane of two raw inputs.

    `layers[k]` is (units, ny, nx) float32 for hidden layer k + 1, the output after
    its activation; `xs` (nx,) and `ys` (ny,) ascending. `held` names the other raw
    inputs and the training medians they are held at.
    """

    xs: np.ndarray
    ys: np.ndarray
    layers: list[np.ndarray]
    held: dict[str, float]


def layer_weights(model: nn.Sequential) -> list[tuple[np.ndarray, np.ndarray]]:
    """(W (out, in), b (out,)) as float32 numpy for each Linear layer, in order."""
    return [
        (
            m.weight.detach().cpu().numpy().astype(np.float32),
            m.bias.detach().cpu().numpy().astype(np.float32),
        )
        for m in model
        if isinstance(m, nn.Linear)
    ]


@torch.no_grad()
def _hidden(model: nn.Sequential, X: torch.Tensor) -> list[tuple]:
    """Each hidden layer's (pre-activation, activation) on X, both (n, units)."""
    linear = [i for i, m in enumerate(model) if isinstance(m, nn.Linear)]
    hidden = set(linear[:-1])  # every Linear but the last feeds an activation
    layers, h = [], X
    for i, module in enumerate(model[: linear[-1]]):
        z, h = h, module(h)
        if i - 1 in hidden:
            layers.append((z, h))
    return layers


def _device(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def unit_maps(
    run: Run, axes: tuple[int, int] = (0, 1), resolution: int = UNIT_MAP_RESOLUTION
) -> UnitMaps:
    """Every hidden unit's output over a resolution × resolution grid spanning the
    data in raw inputs `axes`, the others held at their training median (as
    `diagnostics.plane_grid` draws the model's output). No hidden layer: no maps."""
    split = run.split
    if len(split.feature_names) < 2:
        raise ValueError(
            "unit maps need a plane of two inputs; this dataset has "
            f"{len(split.feature_names)}"
        )
    xs, ys, X_raw, held = plane_inputs(split, axes, resolution)
    X = split.inputs(X_raw).to(run.device)

    # (ny * nx, units) -> (units, ny, nx): the grid's rows run from the smallest y.
    layers = [
        h.cpu().numpy().T.reshape(-1, len(ys), len(xs)).astype(np.float32)
        for _, h in _hidden(run.model, X)
    ]
    return UnitMaps(xs=xs, ys=ys, layers=layers, held=held)


def _linear_weights(state: dict[str, torch.Tensor]) -> list[torch.Tensor]:
    # nn.Sequential names its parameters "<module index>.weight"; only Linear
    # layers have 2-D weights here.
    keys = [k for k, v in state.items() if k.endswith(".weight") and v.dim() == 2]
    keys.sort(key=lambda k: int(k.split(".")[0]))
    return [state[k] for k in keys]


def weight_norms(snapshots: Snapshots) -> pd.DataFrame:
    """Frobenius norm of each Linear layer's weights per snapshot, long format:
    columns epoch, layer (1-based Linear index), norm."""
    rows = [
        {"epoch": epoch, "layer": k + 1, "norm": float(torch.linalg.norm(w.float()))}
        for epoch, state in sorted(snapshots.items())
        for k, w in enumerate(_linear_weights(state))
    ]
    return pd.DataFrame(rows, columns=["epoch", "layer", "norm"])


def gradient_norm_frame(gradient_norms: list[list[float]]) -> pd.DataFrame:
    """`Run.gradient_norms` in long format: columns epoch (entry k is epoch k + 1),
    layer (1-based Linear index), norm of that layer's weight gradient."""
    rows = [
        {"epoch": k + 1, "layer": j + 1, "norm": float(norm)}
        for k, norms in enumerate(gradient_norms)
        for j, norm in enumerate(norms)
    ]
    return pd.DataFrame(rows, columns=["epoch", "layer", "norm"])


def dead_fractions(model: nn.Sequential, X: torch.Tensor) -> list[float]:
    """Per hidden layer, the share of units whose pre-activation is <= 0 for every
    row of the model inputs X: a ReLU unit that never fires, or a LeakyReLU unit
    that never leaves its negative part."""
    X = X.to(_device(model))
    return [float((z <= 0).all(dim=0).float().mean()) for z, _ in _hidden(model, X)]


def dead_fraction_frame(
    run: Run, snapshots: Snapshots, known: dict[int, list[float]] | None = None
) -> pd.DataFrame:
    """`dead_fractions` on the training inputs at every snapshot, long format:
    columns epoch, layer (1-based hidden layer), fraction. Empty unless the
    activation is relu or leaky_relu. `run.model` is left untouched.

    `known`, fractions by epoch from an earlier call on the same run, spares
    recomputing them (a kept snapshot never changes); it gains the new ones.
    """
    columns = ["epoch", "layer", "fraction"]
    if run.config.activation not in DYING_ACTIVATIONS or not snapshots:
        return pd.DataFrame(columns=columns)

    known = {} if known is None else known
    scratch = None
    rows = []
    for epoch, state in sorted(snapshots.items()):
        if epoch not in known:
            # Into a scratch copy, never into the model being trained.
            scratch = scratch or copy.deepcopy(run.model)
            scratch.load_state_dict(state)
            known[epoch] = dead_fractions(scratch, run.split.X_train)
        for k, share in enumerate(known[epoch]):
            rows.append({"epoch": epoch, "layer": k + 1, "fraction": share})
    return pd.DataFrame(rows, columns=columns)
