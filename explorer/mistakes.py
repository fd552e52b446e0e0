"""Classic beginner mistakes the engine can make on purpose, so a learner sees each
one's symptom beside the correct setup.

Some mistakes are settings a config already has (no activation, unscaled inputs,
an extreme learning rate); the others are not settings anyone would choose, so the
config lists them by name in `mistakes` and the engine applies them.
"""

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from explorer.config import MISTAKE_TASKS, Config

# Mistakes listed in Config.mistakes, applied by the engine, as the page names them.
# config.MISTAKE_TASKS says which tasks each can be made on.
LABELS = {
    "sigmoid_before_loss": "sigmoid before BCEWithLogitsLoss",
    "softmax_before_loss": "softmax before CrossEntropyLoss",
    "mse_for_classification": "mean squared error for classification",
    "target_shape": "predictions [N, 1] against targets [N]",
    "noise_labels": "labels that are pure noise",
}


def for_task(task: str) -> list[str]:
    """Names of the listed mistakes that `task` can make."""
    return [name for name, tasks in MISTAKE_TASKS.items() if task in tasks]


# Mistakes that are settings; the lab switches them by changing the config.
SETTING_MISTAKES = {
    "no_activation": "no activation between layers",
    "unscaled_inputs": "inputs left unscaled",
    "lr_too_high": "a learning rate far too high",
    "lr_too_low": "a learning rate far too low",
}
# A learning rate at or past these is named as a mistake ...
LR_TOO_HIGH, LR_TOO_LOW = 3.0, 1e-4
# ... and these are the ones the lab sets to show it.
LR_FAR_TOO_HIGH, LR_FAR_TOO_LOW = 10.0, 1e-5
# Inputs whose spreads differ this many times over need scaling.
UNSCALED_RATIO = 10.0
# Real data whose measurements differ in scale a thousandfold and more.
SPREAD_OUT_DATASETS = ("breast_cancer", "wine", "diabetes")


def make_setting_mistake(config: Config, name: str) -> Config:
    """`config` with one of the setting mistakes made. Unscaled inputs only matter
    where the inputs' scales differ, so that one also moves to data where they do
    (breast cancer: measurements from about 0.001 to 1,000)."""
    if name == "no_activation":
        return config.replace(activation="none")
    if name == "unscaled_inputs":
        if config.dataset in SPREAD_OUT_DATASETS:
            return config.replace(standardize=False)
        return config.replace(
            task="binary", dataset="breast_cancer", standardize=False, features=()
        )
    if name == "lr_too_high":
        return config.replace(lr=LR_FAR_TOO_HIGH)
    if name == "lr_too_low":
        return config.replace(lr=LR_FAR_TOO_LOW)
    raise ValueError(
        f"no setting mistake {name!r}; one of {', '.join(SETTING_MISTAKES)}"
    )


def active(config: Config, X_train_raw: np.ndarray | None = None) -> list[str]:
    """Labels of every mistake this config makes, listed ones and settings alike.

    Unscaled inputs count as a mistake only where the raw training inputs' spreads
    differ by a factor of ten or more (or, without `X_train_raw`, always).
    """
    labels = [LABELS[name] for name in config.mistakes]
    if config.activation == "none" and config.hidden:
        labels.append(SETTING_MISTAKES["no_activation"])
    unscaled = X_train_raw is None or scales_differ(X_train_raw)
    if not config.standardize and unscaled:
        labels.append(SETTING_MISTAKES["unscaled_inputs"])
    if config.lr >= LR_TOO_HIGH:
        labels.append(SETTING_MISTAKES["lr_too_high"])
    if config.lr <= LR_TOO_LOW:
        labels.append(SETTING_MISTAKES["lr_too_low"])
    return labels


def scales_differ(X: np.ndarray) -> bool:
    """True if the columns' standard deviations differ `UNSCALED_RATIO` times over."""
    spread = X.std(axis=0)
    spread = spread[spread > 0]
    return spread.size > 1 and spread.max() >= UNSCALED_RATIO * spread.min()


def loss_name(config: Config) -> str:
    """The loss a mistake swapped in, in words, or ''."""
    if "mse_for_classification" in config.mistakes:
        return "MSELoss on the probabilities (mistake)"
    if "target_shape" in config.mistakes:
        return "MSELoss against targets of shape [N] (mistake)"
    return ""


def inside_name(config: Config) -> str:
    """The name of the activation a mistake puts inside the model, or ''."""
    layer = output_layer(config)
    return type(layer).__name__.lower() if layer is not None else ""


def output_layer(config: Config) -> nn.Module | None:
    """An activation the mistake puts inside the model, after its last layer."""
    if "sigmoid_before_loss" in config.mistakes:
        return nn.Sigmoid()
    if "softmax_before_loss" in config.mistakes:
        return nn.Softmax(dim=1)
    return None


class ProbabilityMSE(nn.Module):
    """Mean squared error between the read probabilities and the one-hot targets."""

    def __init__(self, task: str) -> None:
        super().__init__()
        self.task = task

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if self.task == "binary":
            return F.mse_loss(torch.sigmoid(logits), target)
        one_hot = F.one_hot(target, logits.shape[1]).to(logits.dtype)
        return F.mse_loss(torch.softmax(logits, dim=1), one_hot)


class FlatTargetMSE(nn.Module):
    """MSELoss handed targets of shape [N] for predictions of shape [N, 1]."""

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return F.mse_loss(prediction, target.reshape(-1))


def loss_function(config: Config) -> nn.Module | None:
    """The loss a mistake puts in place of the task's own, or None."""
    if "mse_for_classification" in config.mistakes:
        return ProbabilityMSE(config.task)
    if "target_shape" in config.mistakes:
        return FlatTargetMSE()
    return None
