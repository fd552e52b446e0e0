import numpy as np
import pytest
import torch

from explorer.config import Config
from explorer.datasets import DATASETS, DEFAULT_DATASET, check, datasets_for, make_split


def config_for(name: str, **changes) -> Config:
    entry = DATASETS[name]
    classes = entry.classes_range[0] if entry.classes_range else 3
    return Config(
        task=entry.task, dataset=name, n_samples=100, classes=classes, **changes
    )


@pytest.mark.parametrize("name", list(DATASETS))
def test_dataset_shapes_dtypes_and_labels(name):
    entry = DATASETS[name]
    split = make_split(config_for(name))
    n_train, n_test = len(split.y_train_raw), len(split.y_test_raw)
    if not entry.real:
        assert n_train + n_test == 100
    assert split.X_train.shape == (n_train, entry.n_inputs)
    assert split.X_train.dtype == torch.float32
    if entry.task == "multiclass":
        assert split.y_train.dtype == torch.int64 and split.y_train.shape == (n_train,)
        assert set(np.unique(split.y_train_raw)) == set(range(split.n_classes))
    else:
        assert split.y_train.dtype == torch.float32
        assert split.y_train.shape == (n_train, 1)
    if entry.task == "binary":
        assert set(np.unique(split.y_train_raw)) == {0, 1}


@pytest.mark.parametrize("name", list(DATASETS))
def test_dataset_same_seed_same_data(name):
    a, b = make_split(config_for(name)), make_split(config_for(name))
    assert torch.equal(a.X_train, b.X_train) and torch.equal(a.y_test, b.y_test)
    if not DATASETS[name].real:
        c = make_split(config_for(name, seed=1))
        assert not torch.equal(a.X_train, c.X_train)


def test_every_task_has_datasets_and_a_default():
    for task, default in DEFAULT_DATASET.items():
        assert default in datasets_for(task)
    assert set(datasets_for("binary")) >= {
        "moons",
        "circles",
        "xor",
        "gaussians",
        "spiral",
        "breast_cancer",
    }
    assert set(datasets_for("multiclass")) >= {"blobs", "spirals", "iris", "wine"}
    assert set(datasets_for("regression")) >= {"sine", "plane", "ripple", "diabetes"}


def test_split_is_stratified_and_scaled_on_training_part():
    split = make_split(Config(dataset="moons", n_samples=200, test_fraction=0.3))
    assert np.bincount(split.y_test_raw).tolist() == [30, 30]
    X = split.X_train.numpy()
    assert np.allclose(X.mean(axis=0), 0, atol=1e-5)
    assert np.allclose(X.std(axis=0), 1, atol=1e-3)


def test_regression_targets_standardised_and_mapped_back():
    split = make_split(Config(task="regression", dataset="line", n_samples=100))
    assert split.y_train.mean().item() == pytest.approx(0, abs=1e-5)
    back = split.target_units(split.y_train.numpy()[:, 0])
    assert np.allclose(back, split.y_train_raw, atol=1e-5)


def test_extra_features_append_columns():
    config = Config(
        dataset="circles", features=("x1_squared", "x1_x2"), standardize=False
    )
    split = make_split(config)
    X_raw, X = split.X_train_raw, split.X_train.numpy()
    assert split.input_names == ["x1", "x2", "x1²", "x1·x2"]
    assert np.allclose(X[:, 2], X_raw[:, 0] ** 2, atol=1e-6)
    assert np.allclose(X[:, 3], X_raw[:, 0] * X_raw[:, 1], atol=1e-6)


@pytest.mark.parametrize(
    "changes, words",
    [
        (dict(dataset="iris"), "'iris' is for multiclass, not binary"),
        (dict(dataset="nope"), "dataset must be one of"),
        (
            dict(task="multiclass", dataset="spirals", classes=6),
            "classes must be between 3 and 5",
        ),
        (
            dict(task="regression", dataset="sine", features=("sin_x1",)),
            "apply to data with two inputs",
        ),
    ],
)
def test_check_refuses_mismatches(changes, words):
    with pytest.raises(ValueError, match=words):
        check(Config(**changes))


def test_split_too_small_for_the_classes_is_explained():
    # 20 points, 10 % test: 2 test points cannot hold 3 classes.
    config = Config(task="multiclass", dataset="blobs", n_samples=20, test_fraction=0.1)
    with pytest.raises(ValueError, match="too few points to put each of the 3 classes"):
        make_split(config)


def test_noise_applies_where_it_changes_the_data():
    from explorer.datasets import DATASETS

    assert DATASETS["moons"].uses_noise
    assert not DATASETS["iris"].uses_noise
    # The notebook's data ignores noise: the same points whatever it is set to.
    make = DATASETS["notebook"].make
    first, second = make(100, 0.0, 42, 3), make(100, 1.5, 42, 3)
    assert first[0].equals(second[0]) and (first[1] == second[1]).all()
    assert not DATASETS["notebook"].uses_noise
