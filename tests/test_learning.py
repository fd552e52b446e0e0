"""Seeded learning thresholds: each setup must learn (or, without an activation,
must fail to learn circles) for seeds 0, 1 and 2, and raise no false diagnosis."""

import pytest

from explorer.config import Config
from explorer.findings import diagnose
from explorer.training import Run

pytestmark = pytest.mark.slow

TANH_NET = dict(hidden=(8, 8), optimizer="adam", lr=0.03, epochs=300)
SMALL_NET = dict(hidden=(16,), activation="relu", optimizer="adam", lr=0.01, epochs=300)

SETUPS = {
    "moons": (
        Config(dataset="moons", noise=0.2, activation="tanh", **TANH_NET),
        ">=",
        0.92,
    ),
    "circles, no activation": (
        Config(dataset="circles", noise=0.1, activation="none", **TANH_NET),
        "<=",
        0.70,
    ),
    "circles, tanh": (
        Config(dataset="circles", noise=0.1, activation="tanh", **TANH_NET),
        ">=",
        0.95,
    ),
    "blobs": (
        Config(
            task="multiclass",
            dataset="blobs",
            classes=4,
            noise=1.0,
            hidden=(16, 16),
            activation="relu",
            optimizer="adam",
            lr=0.01,
            epochs=300,
        ),
        ">=",
        0.90,
    ),
    "sine": (
        Config(
            task="regression",
            dataset="sine",
            noise=0.1,
            hidden=(32, 32),
            activation="tanh",
            optimizer="adam",
            lr=0.01,
            epochs=1_000,
        ),
        ">=",
        0.95,
    ),
    "iris": (Config(task="multiclass", dataset="iris", **SMALL_NET), ">=", 0.90),
    "wine": (Config(task="multiclass", dataset="wine", **SMALL_NET), ">=", 0.90),
    "breast cancer": (
        Config(task="binary", dataset="breast_cancer", **SMALL_NET),
        ">=",
        0.93,
    ),
}


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", list(SETUPS))
def test_learning_threshold(name, seed):
    config, direction, threshold = SETUPS[name]
    run = Run(config.replace(seed=seed, test_fraction=0.3, batch_size=None))
    run.advance()
    score = run.history[-1]["test_metric"]
    if direction == ">=":
        assert score >= threshold, f"{name} seed {seed}: test metric {score:.3f}"
    else:
        assert score <= threshold, f"{name} seed {seed}: test metric {score:.3f}"
    # The diagnosis panel raises no false alarm on a healthy run, and names the
    # missing activation where it is missing.
    findings = [finding.name for finding in diagnose(run)]
    if config.activation == "none":
        assert findings == ["no_nonlinearity"]
    else:
        assert findings == [], f"{name} seed {seed}: {findings}"
