"""The mistake lab's walk-through: the notebook's setup, then one fix at a time,
each a config to train and compare with the step before."""

from dataclasses import dataclass

import numpy as np

from explorer import diagnostics
from explorer.config import Config
from explorer.presets import PRESETS
from explorer.training import Run


@dataclass(frozen=True)
class Step:
    title: str
    changes: dict  # config changes from the step before
    explanation: str


NOTEBOOK_STEPS = (
    Step(
        "The notebook as it ran",
        {},
        "Four mistakes at once. The model ends in a sigmoid and the loss applies "
        "another, so predictions cannot leave (0.5, 0.73); three linear layers "
        "with nothing between them are one linear map; the labels are coin flips; "
        "and plain SGD at lr 0.01 barely moves in 80 epochs.",
    ),
    Step(
        "Remove the extra sigmoid",
        {"mistakes": ()},
        "The model now returns raw outputs and BCEWithLogitsLoss applies the one "
        "sigmoid it needs, so probabilities can reach 0 and 1 and the loss can "
        "fall below its old floor. Accuracy stays at chance: the other mistakes "
        "remain.",
    ),
    Step(
        "Add an activation between the layers",
        {"activation": "tanh"},
        "With tanh between them the layers no longer multiply out to one linear "
        "map, so the network can bend its boundary. It still has nothing to learn: "
        "coin-flip labels do not depend on the inputs.",
    ),
    Step(
        "Give it data with a real signal",
        {"dataset": "notebook_signal"},
        "Same inputs, same shapes, but now a point is class 1 when it lies within "
        "0.5 of the cube's centre. The signal is there, yet plain SGD at lr 0.01 "
        "is too slow to find it in 80 epochs.",
    ),
    Step(
        "Switch to Adam at lr 0.03",
        {"optimizer": "adam", "lr": 0.03},
        "Adam scales each weight's step by its own gradient history, so it moves "
        "quickly where plain SGD crawls. Within the same 80 epochs the network "
        "learns the sphere: the loss falls and test accuracy climbs.",
    ),
)


def step_configs(steps: tuple[Step, ...] = NOTEBOOK_STEPS) -> list[Config]:
    """Each step's config: the notebook's, with every change so far applied."""
    config, configs = PRESETS["notebook"].config, []
    for step in steps:
        config = config.replace(**step.changes)
        configs.append(config)
    return configs


def summarise(run: Run) -> dict:
    """What a step changes that a learner can see: the loss floor, how far the
    test outputs spread, and the test accuracy."""
    read = diagnostics.read(run, diagnostics.raw_outputs(run, run.split.X_test_raw))
    return {
        "lowest train loss": min(row["train_loss"] for row in run.history),
        "test P(class 1) from": float(np.min(read)),
        "test P(class 1) to": float(np.max(read)),
        "test accuracy": run.history[-1]["test_metric"],
    }


def walk(steps: tuple[Step, ...] = NOTEBOOK_STEPS) -> list[dict]:
    """Train every step to its end; one summary per step."""
    summaries = []
    for config in step_configs(steps):
        run = Run(config)
        run.advance()
        summaries.append(summarise(run))
    return summaries
