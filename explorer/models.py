"""The network: a multilayer perceptron whose weights come from the run's own random
generator, so that runs in parallel threads stay reproducible."""

import logging
import math

import torch
from torch import nn

log = logging.getLogger(__name__)

ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "gelu": nn.GELU,
    "none": nn.Identity,
}

# Config name -> (torch optimizer, its settings beyond lr and weight decay).
OPTIMIZERS: dict[str, tuple[type[torch.optim.Optimizer], dict]] = {
    "sgd": (torch.optim.SGD, {}),
    "momentum": (torch.optim.SGD, {"momentum": 0.9}),
    "adam": (torch.optim.Adam, {}),
    "adamw": (torch.optim.AdamW, {}),
    "rmsprop": (torch.optim.RMSprop, {}),
}

ACTIVATION_LABELS = {
    "relu": "ReLU",
    "leaky_relu": "LeakyReLU",
    "tanh": "tanh",
    "sigmoid": "sigmoid",
    "gelu": "GELU",
    "none": "none (linear)",
}


def init_linear(layer: nn.Linear, generator: torch.Generator) -> None:
    """PyTorch's default nn.Linear initialisation, drawn from `generator`.

    Weights ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (kaiming uniform with a = sqrt 5),
    and the bias from the same range. torch's global generator is shared by every
    thread of the process, so drawing from it would mix concurrent runs.
    """
    with torch.no_grad():
        nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
        bound = 1 / math.sqrt(layer.in_features)
        nn.init.uniform_(layer.bias, -bound, bound, generator=generator)


def build_model(
    n_inputs: int,
    hidden: tuple[int, ...],
    activation: str,
    n_outputs: int,
    generator: torch.Generator,
    output_layer: nn.Module | None = None,
) -> nn.Sequential:
    """Linear layers of widths `hidden`, `activation` after each hidden one.

    The last layer returns raw outputs (logits): no sigmoid or softmax inside the
    model, since the losses apply their own. `output_layer` puts one there anyway,
    to show what that mistake does. Deterministic given `generator`.
    """
    widths = [n_inputs, *hidden, n_outputs]
    layers: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:], strict=True)):
        linear = nn.Linear(fan_in, fan_out)
        init_linear(linear, generator)
        layers.append(linear)
        if i < len(hidden):
            layers.append(ACTIVATIONS[activation]())
    if output_layer is not None:
        layers.append(output_layer)
    model = nn.Sequential(*layers)
    log.info(
        "model %s: %s parameters",
        "-".join(map(str, widths)),
        f"{parameter_count(model):,}",
    )
    return model


def parameter_count(model: nn.Module) -> int:
    """Trainable weights and biases."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def make_optimizer(
    name: str, parameters, lr: float, weight_decay: float
) -> torch.optim.Optimizer:
    """The optimizer by its config name; `momentum` is SGD with momentum 0.9."""
    if name not in OPTIMIZERS:
        raise ValueError(
            f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {name!r}"
        )
    kind, extra = OPTIMIZERS[name]
    return kind(parameters, lr=lr, weight_decay=weight_decay, **extra)
