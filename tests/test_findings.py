"""Each diagnosis fires on a run built to show it, says why, and stays quiet on
healthy runs (the learning-threshold setups check that too, in test_learning)."""

import math

import pytest
import torch

from explorer.config import Config
from explorer.findings import IMBALANCED, collapsed_map, diagnose
from explorer.mistakes import make_setting_mistake
from explorer.presets import PRESETS
from explorer.training import Run

pytestmark = pytest.mark.slow


def names(config: Config) -> list[str]:
    run = Run(config)
    run.advance()
    return [finding.name for finding in diagnose(run)]


@pytest.mark.parametrize(
    "config",
    [
        Config(),
        Config(task="multiclass", dataset="blobs"),
        Config(task="regression", dataset="sine"),
        Config(task="regression", dataset="ripple"),
    ],
    ids=["binary", "multiclass", "regression", "surface"],
)
def test_default_runs_raise_nothing(config):
    assert names(config) == []


def test_the_notebook_shows_its_three_visible_mistakes():
    run = Run(PRESETS["notebook"].config)
    run.advance()
    findings = {finding.name: finding for finding in diagnose(run)}
    assert list(findings) == ["squashed_outputs", "stuck", "no_nonlinearity"]
    squashed = findings["squashed_outputs"]
    # At best a class-1 point costs -log σ(1) = 0.313 and a class-0 point log 2.
    share = float(run.y_train.mean())
    floor = share * -math.log(1 / (1 + math.exp(-1))) + (1 - share) * math.log(2)
    assert f"below {floor:.3f}" in squashed.evidence
    assert "(0.62, 0.63)" in squashed.evidence
    assert squashed.fix == {"mistakes": ()} and squashed.task_row == "binary"
    assert findings["stuck"].fix == {"optimizer": "adam", "lr": 0.01}
    # Each fix, applied, cures its finding.
    for name, finding in findings.items():
        assert name not in names(run.config.replace(**finding.fix))


@pytest.mark.parametrize(
    "config, expected",
    [
        (Config(lr=10.0, optimizer="sgd"), "diverged"),
        (
            Config(
                task="multiclass", dataset="blobs", mistakes=("softmax_before_loss",)
            ),
            "squashed_outputs",
        ),
        (
            Config(task="regression", dataset="sine", mistakes=("target_shape",)),
            "broadcast",
        ),
        (Config(dataset="circles", noise=0.1, activation="none"), "no_nonlinearity"),
        (
            Config(dataset="breast_cancer", standardize=False, hidden=(16,)),
            "unscaled_inputs",
        ),
        (Config(activation="relu", lr=3.0), "dead_units"),
        (
            Config(hidden=(16,) * 6, activation="sigmoid", optimizer="sgd", lr=0.1),
            "vanishing_gradients",
        ),
        (
            Config(
                n_samples=200,
                noise=0.1,
                hidden=(64, 64),
                activation="relu",
                epochs=400,
                mistakes=("noise_labels",),
            ),
            "memorising",
        ),
        (
            Config(
                task="regression",
                dataset="sine",
                n_samples=30,
                noise=0.5,
                hidden=(128, 128),
                lr=0.01,
                epochs=2000,
            ),
            "overfitting",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
@pytest.mark.filterwarnings("ignore:Using a target size")
def test_each_diagnosis_fires_and_explains_itself(config, expected):
    run = Run(config)
    run.advance()
    found = {finding.name: finding for finding in diagnose(run)}
    assert expected in found
    finding = found[expected]
    assert finding.title and finding.evidence
    # Two or three sentences a first-year student reads at a glance.
    assert 2 <= finding.explanation.count(". ") + 1 <= 3, finding.explanation


def test_imbalance_shows_the_majority_baseline():
    run = Run(Config(dataset="breast_cancer", hidden=(8,), epochs=20))
    counts = torch.bincount(run.split.y_train.reshape(-1).long())
    share = float(counts.max() / counts.sum())
    findings = [f.name for f in diagnose(run)]
    # Breast cancer is 63% benign: below the line, so no alarm.
    assert share < IMBALANCED and "imbalance" not in findings
    run.split.y_train_raw[:] = 1  # now every training label is benign
    imbalance = [f for f in diagnose(run) if f.name == "imbalance"]
    assert imbalance and "always answering benign scores accuracy 1.00" in (
        imbalance[0].evidence
    )


def test_collapsed_map_gives_the_networks_outputs():
    config = Config(hidden=(5, 4, 3), activation="none", epochs=5)
    run = Run(config)
    run.advance()
    A, c = collapsed_map(run.model)
    assert A.shape == (1, 2)
    with torch.no_grad():
        assert torch.allclose(run.model(run.X_train), run.X_train @ A.T + c, atol=1e-5)


SWITCHABLE = [
    # (the correct setup, how to make the mistake, the finding that names it)
    (Config(), dict(mistakes=("sigmoid_before_loss",)), "squashed_outputs"),
    (
        Config(task="multiclass", dataset="blobs"),
        dict(mistakes=("softmax_before_loss",)),
        "squashed_outputs",
    ),
    (Config(), dict(mistakes=("mse_for_classification",)), "squared_error_classes"),
    (
        Config(task="regression", dataset="sine"),
        dict(mistakes=("target_shape",)),
        "broadcast",
    ),
    (
        Config(
            n_samples=200, noise=0.1, hidden=(64, 64), activation="relu", epochs=400
        ),
        dict(mistakes=("noise_labels",)),
        "memorising",
    ),
    (Config(dataset="circles", noise=0.1), "no_activation", "no_nonlinearity"),
    (
        Config(task="binary", dataset="breast_cancer", hidden=(16,)),
        "unscaled_inputs",
        "unscaled_inputs",
    ),
    (Config(), "lr_too_high", "diverged"),
    (Config(), "lr_too_low", "stuck"),
]


@pytest.mark.parametrize(
    "correct, mistake, finding", SWITCHABLE, ids=[row[2] for row in SWITCHABLE]
)
@pytest.mark.filterwarnings("ignore:Using a target size")
def test_a_switched_on_mistake_is_named_and_switching_it_off_cures_it(
    correct, mistake, finding
):
    if isinstance(mistake, str):
        wrong = make_setting_mistake(correct, mistake)
    else:
        wrong = correct.replace(**mistake)
    assert finding in names(wrong)
    assert names(correct) == []


def test_an_exploding_loss_reports_its_gradients():
    run = Run(Config(lr=10.0, optimizer="sgd"))
    run.advance()
    (finding,) = [f for f in diagnose(run) if f.name == "diverged"]
    assert "largest layer gradient reached" in finding.evidence
    assert finding.fix == {"lr": 1.0}
