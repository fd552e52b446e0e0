"""What went wrong in a run, in plain words: each check is a function of the run
(its config, history, model and data) that returns a finding, or None when the run
shows no sign of that problem. A healthy run raises none."""

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from explorer import mistakes
from explorer.training import Run

STUCK_EPOCHS = 20  # epochs before a flat loss counts as stuck
STUCK_FALL = 0.01  # ... falling less than this fraction of where it started,
# ... or, at a learning rate this low or lower, less than this fraction while the
# model still does no better than knowing nothing of the inputs
SLOW_LR, SLOW_FALL = 1e-3, 0.25
EXPLODING = 10.0  # a loss this many times its start is exploding
DEAD_SHARE = 0.5  # a ReLU layer with this share of silent units
VANISHING = 1e-3  # first layer's gradient this small against the last layer's
OVERFIT_RISE = 1.3  # test loss this many times its lowest, train loss still falling
OVERFIT_DROP = 0.05  # ... and the test metric this far below its best
MEMORISED_GAP = 0.2  # train accuracy above test accuracy by this much
IMBALANCED = 0.7  # the largest class holds this share of the training data
LINEAR_ENOUGH = 0.95  # a linear model fits this well: no nonlinearity needed


@dataclass(frozen=True)
class Finding:
    name: str
    title: str
    evidence: str
    explanation: str  # two or three sentences a first-year student follows
    fix: dict = field(default_factory=dict)  # config changes that cure it
    fix_label: str = ""
    task_row: str = ""  # the task table row it concerns, if one


def _train_outputs(run: Run) -> torch.Tensor:
    with torch.no_grad():
        return run.model(run.X_train).cpu()


def _first_loss(run: Run) -> float:
    return run.history[0]["train_loss"]


def diverged(run: Run) -> Finding | None:
    """A loss that became non-finite, or rose far above where it started."""
    first = _first_loss(run)
    peak = max(run.history, key=lambda row: row["train_loss"])
    if run.stopped is None and not peak["train_loss"] > EXPLODING * first:
        return None
    if run.stopped is not None:
        evidence = (
            f"training stopped after epoch {run.stopped['epoch']:,}: the next loss "
            "was not a finite number"
        )
    else:
        evidence = (
            f"the training loss rose to {peak['train_loss']:.3g} at epoch "
            f"{peak['epoch']:,}, from {first:.3g}"
        )
    # Exploding gradients show here: the steps they cause blow the loss up.
    finite = [max(norms) for norms in run.gradient_norms if math.isfinite(max(norms))]
    if finite:
        evidence += f"; the largest layer gradient reached {max(finite):.3g}"
    lower = max(run.config.lr / 10, 1e-5)  # 1e-5: the lowest learning rate offered
    return Finding(
        "diverged",
        "The loss is exploding",
        evidence,
        "Each step moves the weights so far that it overshoots the valley it "
        "aims for, and the next step overshoots further. A smaller learning rate "
        "takes smaller steps.",
        {"lr": lower},
        f"Lower the learning rate to {lower:g}",
    )


def stuck(run: Run) -> Finding | None:
    """A training loss that has hardly moved from its starting value."""
    if run.epoch < STUCK_EPOCHS or run.stopped is not None:
        return None
    first = _first_loss(run)
    best = min(row["train_loss"] for row in run.history)
    # A loss that starts near 0 has nowhere to fall.
    if first < 1e-3:
        return None
    fall = (first - best) / first
    slow = run.config.lr <= SLOW_LR and fall < SLOW_FALL and not _learned_something(run)
    if fall >= STUCK_FALL and not slow:
        return None
    fix, label = {"optimizer": "adam", "lr": 0.01}, "Switch to Adam at lr 0.01"
    if run.config.optimizer == "adam":
        higher = min(run.config.lr * 10, 1.0)  # Adam rarely wants more than 1
        fix, label = {"lr": higher}, f"Raise the learning rate to {higher:g}"
    return Finding(
        "stuck",
        "The loss is stuck near where it started",
        f"after {run.epoch:,} epochs the training loss fell "
        f"{100 * (first - best) / first:.1f}% ({first:.4f} → {best:.4f})",
        "Either the steps are too small to get anywhere: a learning rate too low, "
        "or plain SGD on a flat start. Or there is nothing to learn: labels that "
        "do not depend on the inputs give the network no signal to follow.",
        fix,
        label,
    )


def _learned_something(run: Run) -> bool:
    # Better on the test split than a model that knows nothing of the inputs: an
    # R² above 0.1, or an accuracy 5 points above always answering the majority.
    metric = run.history[-1]["test_metric"]
    if run.config.task == "regression":
        return metric > 0.1
    counts = np.bincount(run.split.y_train_raw.astype(np.int64))
    return metric > counts.max() / counts.sum() + 0.05


def _head_floor(run: Run, head: nn.Module) -> float:
    """The lowest loss the task's loss can reach behind `head`."""
    if isinstance(head, nn.Sigmoid):
        # sigmoid(sigmoid(z)) lies in (0.5, sigmoid(1)): class 1 at best costs
        # -log sigmoid(1), class 0 at best log 2.
        share = float(run.y_train.float().mean())
        one = -math.log(1 / (1 + math.exp(-1)))
        return share * one + (1 - share) * math.log(2)
    # A softmax of probabilities is at most e / (e + K - 1) for the right class.
    k = run.split.n_classes
    return math.log((math.e + k - 1) / math.e)


def squashed_outputs(run: Run) -> Finding | None:
    """A sigmoid or softmax inside the model, before a loss that applies its own."""
    head = run.model[-1]
    if not isinstance(head, nn.Sigmoid | nn.Softmax):
        return None
    name = "sigmoid" if isinstance(head, nn.Sigmoid) else "softmax"
    loss = "BCEWithLogitsLoss" if name == "sigmoid" else "CrossEntropyLoss"
    raw = _train_outputs(run)
    # What the loss reads: its own sigmoid or softmax over outputs that had one.
    if name == "sigmoid":
        read = torch.sigmoid(raw)
    else:
        read = torch.softmax(raw, dim=1).max(dim=1).values
    floor = _head_floor(run, head)
    spread = f"({read.min():.2f}, {read.max():.2f})"
    what = "P(class 1)" if name == "sigmoid" else "the top class's probability"
    return Finding(
        "squashed_outputs",
        f"A {name} is applied twice",
        f"the model's raw outputs are already in [0, 1], so {what} stays within "
        f"{spread}; the training loss cannot go below {floor:.3f} "
        f"(now {run.history[-1]['train_loss']:.3f})",
        f"The model ends in a {name}, and {loss} applies its own {name} to what it "
        f"gets. The loss then sees a {name} of a {name}, which can never say "
        f"'certain': predictions are squashed and the gradients with them.",
        {
            "mistakes": tuple(
                m for m in run.config.mistakes if m != f"{name}_before_loss"
            )
        },
        f"Remove the {name} from the model",
        "binary" if name == "sigmoid" else "multiclass",
    )


def squared_error_classes(run: Run) -> Finding | None:
    """Mean squared error of probabilities in place of cross-entropy."""
    if not isinstance(run.loss_fn, mistakes.ProbabilityMSE):
        return None
    proper = {"binary": nn.BCEWithLogitsLoss, "multiclass": nn.CrossEntropyLoss}
    loss = proper[run.config.task]()
    with torch.no_grad():
        cross_entropy = loss(run.model(run.X_train), run.y_train).item()
    return Finding(
        "squared_error_classes",
        "Mean squared error used for classification",
        f"the loss is the squared error of the probabilities "
        f"({run.history[-1]['train_loss']:.3f}); the {loss.__class__.__name__} "
        f"this model would have is {cross_entropy:.3f}",
        "Squared error of a probability flattens out where the model is sure and "
        "wrong, so the points that most need correcting push back the least. "
        "Cross-entropy grows without bound there, which is why classification "
        "uses it.",
        {
            "mistakes": tuple(
                m for m in run.config.mistakes if m != "mse_for_classification"
            )
        },
        f"Use {loss.__class__.__name__}",
        run.config.task,
    )


def broadcast_warning(run: Run) -> Finding | None:
    """A shape mismatch between predictions and targets that PyTorch warned about."""
    if not run.warnings:
        return None
    return Finding(
        "broadcast",
        "Predictions and targets have different shapes",
        f"PyTorch warned: {run.warnings[0]}",
        "The loss compared every prediction with every target (an N×N table), so "
        "the best the network can do is predict the mean for everything. Targets "
        "must have the predictions' shape, [N, 1] here.",
        {"mistakes": tuple(m for m in run.config.mistakes if m != "target_shape")},
        "Give the targets the shape [N, 1]",
        "regression",
    )


def collapsed_map(model: nn.Sequential) -> tuple[torch.Tensor, torch.Tensor]:
    """The single linear map (A, c), y = x Aᵀ + c, that a stack of linear layers
    with no activation between them computes."""
    linears = [m for m in model if isinstance(m, nn.Linear)]
    with torch.no_grad():
        A, c = linears[0].weight.clone(), linears[0].bias.clone()
        for layer in linears[1:]:
            A = layer.weight @ A
            c = layer.weight @ c + layer.bias
    return A, c


def _linear_fit(run: Run) -> float:
    """How well a linear model fits the training split: accuracy, or R²."""
    from sklearn.linear_model import LinearRegression, LogisticRegression

    X = run.X_train.cpu().numpy()
    y = run.split.y_train_raw
    model = (
        LinearRegression()
        if run.config.task == "regression"
        else LogisticRegression(max_iter=1_000)
    )
    with warnings.catch_warnings():
        # On unscaled inputs lbfgs may stop short; its fit is still a fair answer
        # to "can a linear model do this?", and the warning is no use in a log.
        warnings.simplefilter("ignore")
        return float(model.fit(X, y).score(X, y))


def no_nonlinearity(run: Run) -> Finding | None:
    """Hidden layers with no activation, on data a linear model cannot fit."""
    config = run.config
    if config.activation != "none" or not config.hidden:
        return None
    fit = _linear_fit(run)
    if fit >= LINEAR_ENOUGH:
        return None
    # The linear stack, without an activation a mistake put after it.
    stack = run.model if isinstance(run.model[-1], nn.Linear) else run.model[:-1]
    A, c = collapsed_map(stack)
    with torch.no_grad():
        gap = (stack(run.X_train) - (run.X_train @ A.T + c)).abs().max().item()
    n_layers = len(config.hidden) + 1
    return Finding(
        "no_nonlinearity",
        "No activation between the layers",
        f"the {n_layers} linear layers multiply out to one {A.shape[0]}×{A.shape[1]} "
        f"map that gives the same outputs (largest difference {gap:.1e}); the best "
        f"linear model scores {fit:.2f} on this training data",
        "A linear layer after a linear layer is still one linear layer, so depth "
        "adds nothing: the network can only draw a straight boundary or fit a flat "
        "surface. An activation between the layers lets it bend.",
        {"activation": "tanh"},
        "Put tanh between the layers",
    )


def unscaled_inputs(run: Run) -> Finding | None:
    """Unstandardised inputs whose spreads differ tenfold or more."""
    if run.config.standardize:
        return None
    if not mistakes.scales_differ(run.split.X_train_raw):
        return None
    spread = run.split.X_train_raw.std(axis=0)
    spread = spread[spread > 0]
    return Finding(
        "unscaled_inputs",
        "Inputs on very different scales",
        f"the inputs' standard deviations run from {spread.min():.3g} to "
        f"{spread.max():.3g}",
        "The largest inputs dominate the first layer's sums and its gradients, so "
        "one learning rate is too big for some weights and too small for others. "
        "Standardising gives every input the same footing.",
        {"standardize": True},
        "Standardise the inputs",
    )


def _hidden_outputs(run: Run) -> list[torch.Tensor]:
    outputs = []
    with torch.no_grad():
        x = run.X_train
        for module in run.model:
            x = module(x)
            if isinstance(module, nn.ReLU):
                outputs.append(x.cpu())
    return outputs


def dead_units(run: Run) -> Finding | None:
    """A ReLU layer at least half of whose units are silent on every training point."""
    if run.config.activation != "relu":
        return None
    worst = None
    for i, out in enumerate(_hidden_outputs(run)):
        dead = (out <= 0).all(dim=0)
        share = float(dead.float().mean())
        if (
            out.shape[1] >= 2
            and share >= DEAD_SHARE
            and (worst is None or share > worst[1])
        ):
            worst = (i + 1, share, int(dead.sum()), out.shape[1])
    if worst is None:
        return None
    layer, _, n_dead, width = worst
    return Finding(
        "dead_units",
        "Many ReLU units are dead",
        f"{n_dead} of the {width} units in hidden layer {layer} output 0 for every "
        "training point",
        "A ReLU that outputs 0 everywhere also passes back a gradient of 0, so it "
        "never recovers: the network is smaller than it looks. A large learning "
        "rate often kills them; LeakyReLU keeps a small slope below zero.",
        {"activation": "leaky_relu"},
        "Use LeakyReLU",
    )


def vanishing_gradients(run: Run) -> Finding | None:
    """A first layer whose gradient is a tiny fraction of the last layer's."""
    if len(run.config.hidden) < 2 or not run.gradient_norms:
        return None
    # At the start, before a stuck network's gradients all shrink together.
    norms = run.gradient_norms[0]
    first, last = norms[0], norms[-1]
    if not last > 0 or first / last >= VANISHING:
        return None
    if run.history[-1]["train_loss"] < 0.5 * _first_loss(run):
        return None  # it learns anyway: the loss has halved
    fix = {"activation": "relu"} if run.config.activation in ("sigmoid", "tanh") else {}
    return Finding(
        "vanishing_gradients",
        "Gradients vanish before they reach the first layer",
        f"in the first epoch the first layer's gradient was {first:.1e} and the "
        f"last layer's {last:.1e} ({first / last:.0e} of it)",
        "Each sigmoid or tanh layer multiplies the gradient passing back by its "
        "slope, at most 0.25 for a sigmoid; through several layers it shrinks "
        "towards nothing, and the first layers stop learning. ReLU keeps a slope "
        "of 1 where it is active.",
        fix,
        "Use ReLU" if fix else "",
    )


def overfitting(run: Run) -> Finding | None:
    """Memorising (train accuracy far above test) or a rising test loss."""
    history = run.history
    if run.epoch < STUCK_EPOCHS:
        return None
    last = history[-1]
    if run.config.task != "regression":
        gap = last["train_metric"] - last["test_metric"]
        if gap >= MEMORISED_GAP:
            return Finding(
                "memorising",
                "The network memorises the training data",
                f"training accuracy {last['train_metric']:.2f}, test accuracy "
                f"{last['test_metric']:.2f}",
                "It has learned the training points one by one, not a rule that "
                "carries over to new points. Fewer units, weight decay or more data "
                "help; if the labels carry no signal at all, nothing will.",
                {"weight_decay": 0.01} if run.config.weight_decay < 0.01 else {},
                "Add weight decay 0.01" if run.config.weight_decay < 0.01 else "",
            )
    best = min(range(len(history)), key=lambda k: history[k]["test_loss"])
    lowest = history[best]["test_loss"]
    rising = last["test_loss"] >= OVERFIT_RISE * lowest and lowest > 0
    still_falling = last["train_loss"] < history[best]["train_loss"]
    # A test loss can creep up while the predictions stay as good (the model only
    # grows more confident); it counts once the test metric drops too.
    top = max(row["test_metric"] for row in history)
    worse = top - last["test_metric"] >= OVERFIT_DROP
    # The lowest point must lie well back: not a wobble in the last epochs.
    if not (rising and still_falling and worse and best <= 0.8 * run.epoch):
        return None
    return Finding(
        "overfitting",
        "Overfitting: test loss rises while training loss falls",
        f"test loss was lowest at epoch {best:,} ({lowest:.4f}) and is now "
        f"{last['test_loss']:.4f}; test {run.metric_name} fell from {top:.2f} to "
        f"{last['test_metric']:.2f}",
        "Past that epoch the network fits quirks of the training points that new "
        "points do not share. Stop earlier, add weight decay, or use a smaller "
        "network or more data.",
        {"epochs": max(best, 1)},
        f"Train {max(best, 1):,} epochs instead",
    )


def imbalance(run: Run) -> Finding | None:
    """One class holding most of the training data."""
    if run.config.task == "regression":
        return None
    y = run.split.y_train_raw.astype(np.int64)
    counts = np.bincount(y, minlength=run.split.n_classes)
    share = counts.max() / counts.sum()
    if share < IMBALANCED:
        return None
    majority = run.split.class_names[int(counts.argmax())]
    return Finding(
        "imbalance",
        "One class dominates",
        f"{100 * share:.0f}% of the training points are {majority}: always "
        f"answering {majority} scores accuracy {share:.2f}; this model's test "
        f"accuracy is {run.history[-1]['test_metric']:.2f}",
        "Accuracy flatters a model on imbalanced data: compare it with the "
        "majority baseline, not with 0.5.",
    )


CHECKS: list[Callable[[Run], Finding | None]] = [
    diverged,
    squashed_outputs,
    squared_error_classes,
    broadcast_warning,
    stuck,
    no_nonlinearity,
    unscaled_inputs,
    dead_units,
    vanishing_gradients,
    overfitting,
    imbalance,
]


def diagnose(run: Run) -> list[Finding]:
    """Every finding the run shows, most serious first."""
    return [finding for check in CHECKS if (finding := check(run)) is not None]
