"""Each mistake the engine can make on purpose shows its symptom; off, it is gone."""

import math

import numpy as np
import pytest
import torch

from explorer import diagnostics, mistakes
from explorer.config import Config
from explorer.training import Run

pytestmark = pytest.mark.slow


def trained(config: Config) -> Run:
    run = Run(config)
    run.advance()
    return run


def test_config_refuses_an_unknown_mistake():
    with pytest.raises(ValueError, match="mistakes must be one of"):
        Config(mistakes=("forgot_zero_grad",))


def test_a_mistake_for_another_task_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="applies to multiclass only, not binary"):
        Config(mistakes=("softmax_before_loss",))


def test_sigmoid_before_the_loss_confines_probabilities():
    config = Config(n_samples=200, epochs=150)
    wrong = trained(config.replace(mistakes=("sigmoid_before_loss",)))
    p = diagnostics.read(wrong, diagnostics.raw_outputs(wrong, wrong.split.X_train_raw))
    # sigmoid of a sigmoid lives in (0.5, 0.731).
    assert p.min() >= 0.5 and p.max() <= 1 / (1 + math.exp(-1)) + 1e-6
    right = trained(config)
    assert right.history[-1]["train_loss"] < 0.5 * wrong.history[-1]["train_loss"]


def test_softmax_before_cross_entropy_keeps_the_loss_above_its_floor():
    config = Config(task="multiclass", dataset="blobs", n_samples=300, epochs=150)
    wrong = trained(config.replace(mistakes=("softmax_before_loss",)))
    # Cross-entropy of a softmax of probabilities is at least log((e + K - 1) / e).
    floor = math.log((math.e + 2) / math.e)
    assert min(row["train_loss"] for row in wrong.history) >= floor - 1e-6
    assert trained(config).history[-1]["train_loss"] < floor


def test_mse_for_classification_barely_corrects_a_confident_error():
    run = Run(Config(mistakes=("mse_for_classification",), n_samples=40, epochs=1))
    assert isinstance(run.loss_fn, mistakes.ProbabilityMSE)
    # A class-1 point the model puts at P = 0.00005: cross-entropy pulls hard,
    # squared error of the probability hardly at all.
    target = torch.ones(1, 1)
    pulls = []
    for loss_fn in (run.loss_fn, torch.nn.BCEWithLogitsLoss()):
        logit = torch.full((1, 1), -10.0, requires_grad=True)
        loss_fn(logit, target).backward()
        pulls.append(abs(logit.grad.item()))
    squared, cross_entropy = pulls
    assert cross_entropy > 0.99 and squared < 1e-3


@pytest.mark.filterwarnings("ignore:Using a target size")
def test_flattened_regression_targets_broadcast_and_warn():
    config = Config(task="regression", dataset="sine", n_samples=200, epochs=200)
    wrong = trained(config.replace(mistakes=("target_shape",)))
    assert any("different to the input size" in w for w in wrong.warnings)
    assert wrong.history[-1]["train_metric"] < 0.1  # pulled to the mean: R² near 0
    right = trained(config)
    assert right.warnings == [] and right.history[-1]["train_metric"] > 0.5


def test_noise_labels_are_memorised_not_learned():
    config = Config(
        n_samples=200, hidden=(64, 64), activation="relu", epochs=400, noise=0.1
    )
    wrong = trained(config.replace(mistakes=("noise_labels",)))
    last = wrong.history[-1]
    assert last["train_metric"] >= 0.75
    assert last["test_metric"] <= 0.65
    clean = Run(config)

    def labels(run):
        return torch.cat([run.split.y_train, run.split.y_test]).reshape(-1).long()

    def pairs(run):
        X = np.concatenate([run.split.X_train_raw, run.split.X_test_raw])
        return {tuple(x): int(y) for x, y in zip(X, labels(run), strict=True)}

    # The same labels, shuffled: the class balance is kept, the pairing is not.
    assert torch.equal(torch.bincount(labels(wrong)), torch.bincount(labels(clean)))
    truth, noisy = pairs(clean), pairs(wrong)
    agree = np.mean([noisy[x] == truth[x] for x in truth])
    assert 0.35 <= agree <= 0.65


def test_active_names_listed_and_setting_mistakes():
    config = Config(
        activation="none",
        standardize=False,
        lr=5.0,
        mistakes=("sigmoid_before_loss",),
    )
    assert mistakes.active(config) == [
        "sigmoid before BCEWithLogitsLoss",
        "no activation between layers",
        "inputs left unscaled",
        "a learning rate far too high",
    ]
    assert mistakes.active(Config()) == []


def test_unscaled_inputs_count_only_where_scales_differ():
    config = Config(standardize=False)
    unscaled = "inputs left unscaled"
    moons = Run(config.replace(n_samples=40, epochs=1)).split.X_train_raw
    assert unscaled not in mistakes.active(config, moons)
    cancer = Config(dataset="breast_cancer", standardize=False, epochs=1)
    spread = Run(cancer).split.X_train_raw
    assert unscaled in mistakes.active(cancer, spread)
