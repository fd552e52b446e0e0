"""Classic beginner mistakes the engine can make on purpose, so a learner sees each
one's symptom beside the correct setup.

Some mistakes are settings a config already has (no activation, unscaled inputs,
an extreme learning rate); the others are not settings anyone would choose, so the
config lists them by name in `mistakes` and the engine applies them.
"""

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from explorer.config import Config


@dataclass(frozen=True)
class Mistake:
    name: str
    label: str  # "softmax before CrossEntropyLoss"
    tasks: tuple[str, ...]  # the task types it can be made on
    symptom: str


# Mistakes listed in Config.mistakes, applied by the engine.
MISTAKES: dict[str, Mistake] = {
    m.name: m
    for m in [
        Mistake(
            "sigmoid_before_loss",
            "sigmoid before BCEWithLogitsLoss",
            ("binary",),
            "the loss applies a second sigmoid: probabilities stay in (0.5, 0.73)",
        ),
        Mistake(
            "softmax_before_loss",
            "softmax before CrossEntropyLoss",
            ("multiclass",),
            "the loss applies a second softmax: confidences stay low, learning crawls",
        ),
        Mistake(
            "mse_for_classification",
            "mean squared error for classification",
            ("binary", "multiclass"),
            "gradients vanish where the model is confidently wrong",
        ),
        Mistake(
            "target_shape",
            "predictions [N, 1] against targets [N]",
            ("regression",),
            "the loss broadcasts to an N×N table: every prediction is pulled to the "
            "mean",
        ),
        Mistake(
            "noise_labels",
            "labels that are pure noise",
            ("binary", "multiclass"),
            "train accuracy rises as the network memorises; test stays at chance",
        ),
    ]
}

# Mistakes that are settings; the lab switches them by changing the config.
SETTING_MISTAKES = {
    "no_activation": "no activation between layers",
    "unscaled_inputs": "inputs left unscaled",
    "lr_too_high": "a learning rate far too high",
    "lr_too_low": "a learning rate far too low",
}
LR_TOO_HIGH, LR_TOO_LOW = 3.0, 1e-4
UNSCALED_RATIO = 10.0


def make_setting_mistake(config: Config, name: str) -> Config:
    """`config` with one of the setting mistakes made. Unscaled inputs only matter
    where the inputs' scales differ, so that one also moves to data where they do
    (breast cancer: measurements from about 0.001 to 1,000)."""
    if name == "no_activation":
        return config.replace(activation="none")
    if name == "unscaled_inputs":
        if config.dataset in ("breast_cancer", "wine", "diabetes"):
            return config.replace(standardize=False)
        return config.replace(
            task="binary", dataset="breast_cancer", standardize=False, features=()
        )
    if name == "lr_too_high":
        return config.replace(lr=10.0)
    if name == "lr_too_low":
        return config.replace(lr=1e-5)
    raise ValueError(
        f"no setting mistake {name!r}; one of {', '.join(SETTING_MISTAKES)}"
    )


def check(config: Config) -> None:
    """Refuse a mistake the config's task cannot make."""
    for name in config.mistakes:
        if config.task not in MISTAKES[name].tasks:
            raise ValueError(
                f"the mistake {MISTAKES[name].label!r} applies to "
                f"{' and '.join(MISTAKES[name].tasks)} only, not {config.task}"
            )


def active(config: Config, X_train_raw: np.ndarray | None = None) -> list[str]:
    """Labels of every mistake this config makes, listed ones and settings alike.

    Unscaled inputs count as a mistake only where the raw training inputs' spreads
    differ by a factor of ten or more (or, without `X_train_raw`, always).
    """
    labels = [MISTAKES[name].label for name in config.mistakes]
    if config.activation == "none" and config.hidden:
        labels.append(SETTING_MISTAKES["no_activation"])
    if not config.standardize and _scales_differ(X_train_raw):
        labels.append(SETTING_MISTAKES["unscaled_inputs"])
    if config.lr >= LR_TOO_HIGH:
        labels.append(SETTING_MISTAKES["lr_too_high"])
    if config.lr <= LR_TOO_LOW:
        labels.append(SETTING_MISTAKES["lr_too_low"])
    return labels


def _scales_differ(X: np.ndarray | None) -> bool:
    if X is None:
        return True
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
