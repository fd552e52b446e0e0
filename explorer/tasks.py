"""What the target decides: the last layer, how its raw outputs are read, the loss
and the metric, for regression, binary and multi-class classification."""

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn


@dataclass(frozen=True)
class Task:
    """One row of the task table."""

    name: str
    label: str
    target: str
    output_layer: str
    output_activation: str  # applied once to raw outputs to read them
    loss: str  # the torch loss class, which takes raw outputs
    metric: str


TASKS: dict[str, Task] = {
    "regression": Task(
        name="regression",
        label="Regression",
        target='a continuous value ("how much")',
        output_layer="1 neuron (or one per target)",
        output_activation="none",
        loss="MSELoss",
        metric="R²",
    ),
    "binary": Task(
        name="binary",
        label="Binary classification",
        target="one of two classes",
        output_layer="1 neuron",
        output_activation="sigmoid",
        loss="BCEWithLogitsLoss",
        metric="accuracy",
    ),
    "multiclass": Task(
        name="multiclass",
        label="Multi-class classification",
        target="one of n classes",
        output_layer="n neurons",
        output_activation="softmax",
        loss="CrossEntropyLoss",
        metric="accuracy",
    ),
}


def n_outputs(task: str, n_classes: int) -> int:
    """Output units of the last layer: one, except one per class for multi-class."""
    return n_classes if task == "multiclass" else 1


def head_summary(task: str, n_classes: int, inside: str = "", loss: str = "") -> str:
    """The current head in words, e.g. `3 output units → softmax → CrossEntropyLoss`.

    A mistake can put an activation inside the model (`inside`, shown before the
    task's own) or swap the loss (`loss`, shown in place of the task's).
    """
    units = n_outputs(task, n_classes)
    noun = "output unit" if units == 1 else "output units"
    spec = TASKS[task]
    made = f" → {inside} (inside the model)" if inside else ""
    return f"{units} {noun}{made} → {spec.output_activation} → {loss or spec.loss}"


def loss_function(task: str) -> nn.Module:
    """The loss for `task`. Every one of them takes the network's raw outputs."""
    return {
        "regression": nn.MSELoss,
        "binary": nn.BCEWithLogitsLoss,
        "multiclass": nn.CrossEntropyLoss,
    }[task]()


def target_tensor(task: str, y: np.ndarray) -> torch.Tensor:
    """Targets in the dtype and shape the task's loss needs.

    float32 (N, 1) for MSE and BCE; int64 (N,) class indices for cross-entropy.
    """
    if task == "multiclass":
        return torch.as_tensor(np.asarray(y), dtype=torch.int64).reshape(-1)
    return torch.as_tensor(np.asarray(y), dtype=torch.float32).reshape(-1, 1)


def read_outputs(task: str, logits: torch.Tensor) -> torch.Tensor:
    """What the raw outputs mean: exactly one sigmoid or softmax, or nothing.

    (N, 1) -> P(class 1) for binary; (N, K) -> class probabilities for multi-class;
    values unchanged for regression.
    """
    if task == "binary":
        return torch.sigmoid(logits)
    if task == "multiclass":
        return torch.softmax(logits, dim=1)
    return logits


def metric(task: str, logits: torch.Tensor, target: torch.Tensor) -> float:
    """Accuracy for classification, R² for regression, from raw outputs.

    R² does not change under the affine scaling of standardised targets, so it is
    the same in standardised and in the target's own units.
    """
    if task == "binary":
        return ((logits > 0).float() == target).float().mean().item()
    if task == "multiclass":
        return (logits.argmax(dim=1) == target).float().mean().item()
    residual = ((target - logits) ** 2).sum()
    total = ((target - target.mean()) ** 2).sum()
    return (1.0 - residual / total).item() if total > 0 else 0.0
