"""Datasets by short name, all made by one signature, and the train/test split the
model sees: extra inputs, scaling fitted on the training part, targets as tensors."""

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from explorer import tasks
from explorer.config import CSV, Config

log = logging.getLogger(__name__)

# (n_samples, noise, seed, classes) -> (X, y). X's columns name the inputs; y holds
# class indices 0..K-1 or continuous values. Real datasets ignore the first, second
# and fourth arguments, and are split with `seed`.
Generator = Callable[[int, float, int, int], tuple[pd.DataFrame, np.ndarray]]

FEATURE_LABELS = {
    "x1_squared": "x1²",
    "x2_squared": "x2²",
    "x1_x2": "x1·x2",
    "sin_x1": "sin x1",
    "sin_x2": "sin x2",
}


@dataclass(frozen=True)
class Dataset:
    """A registry entry: how to make the data and what kind of target it has."""

    name: str
    label: str
    task: str
    make: Generator
    n_inputs: int = 2
    default_noise: float = 0.2
    real: bool = False
    classes_range: tuple[int, int] | None = None  # None: a fixed number of classes
    class_names: tuple[str, ...] | None = None
    note: str = ""
    # True: the first rows train and the rest test, in order, as a notebook that
    # slices its tensors splits them.
    ordered: bool = False
    # Where the initial weights' random numbers come from, if not a generator
    # seeded with the config's seed.
    weights_generator: Callable[[Config], torch.Generator] | None = None
    has_noise: bool = True  # False: the noise setting changes nothing

    @property
    def uses_noise(self) -> bool:
        return self.has_noise and not self.real

    def class_count(self, classes: int) -> int:
        """Classes this dataset has for the `classes` setting (1 for regression)."""
        if self.task == "regression":
            return 1
        if self.classes_range is not None:
            return classes
        return len(self.class_names) if self.class_names else 2


def _plane(X: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        X, columns=["x1", "x2"][: X.shape[1]] if X.shape[1] > 1 else ["x"]
    )


# Two-class generators


def _moons(n_samples, noise, seed, classes):
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples, noise=noise, random_state=seed)
    return _plane(X), y


def _circles(n_samples, noise, seed, classes):
    from sklearn.datasets import make_circles

    X, y = make_circles(n_samples, noise=noise, factor=0.5, random_state=seed)
    return _plane(X), y


def _xor(n_samples, noise, seed, classes):
    rng = np.random.default_rng(seed)
    # Keep points off the axes so the four quadrants are separable without noise.
    X = rng.uniform(0.1, 1.0, (n_samples, 2)) * rng.choice([-1.0, 1.0], (n_samples, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    return _plane(X + noise * rng.standard_normal(X.shape)), y


def _gaussians(n_samples, noise, seed, classes):
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % 2
    centres = np.where(y[:, None] == 1, 1.0, -1.0)
    X = centres + (0.5 + noise) * rng.standard_normal((n_samples, 2))
    return _plane(X), y


def _spiral_arms(n_samples, noise, seed, arms):
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % arms
    t = rng.uniform(0.05, 1.0, n_samples)
    angle = 1.75 * 2 * np.pi * t + 2 * np.pi * y / arms
    X = np.column_stack([t * np.cos(angle), t * np.sin(angle)]) * 5
    return _plane(X + noise * rng.standard_normal(X.shape)), y


def _spiral(n_samples, noise, seed, classes):
    return _spiral_arms(n_samples, noise, seed, 2)


# Multi-class generators


def _blobs(n_samples, noise, seed, classes):
    from sklearn.datasets import make_blobs

    # Centres evenly spaced on a circle, so no two classes start on top of each other.
    angle = 2 * np.pi * np.arange(classes) / classes
    centres = 4 * np.column_stack([np.cos(angle), np.sin(angle)])
    X, y = make_blobs(n_samples, centers=centres, cluster_std=noise, random_state=seed)
    return _plane(X), y


def _spirals(n_samples, noise, seed, classes):
    return _spiral_arms(n_samples, noise, seed, classes)


# The notebook this project grew from: 3 uniform inputs and coin-flip labels, drawn
# by torch in that order from the seed. "With a signal" keeps the same inputs and
# labels a point by whether it lies within 0.5 of the cube's centre (about half do).


def _notebook_draws(n_samples: int, generator: torch.Generator):
    X = torch.rand(n_samples, 3, generator=generator)
    coin = torch.randint(0, 2, (n_samples, 1), generator=generator)
    return X, coin


def _notebook(n_samples, noise, seed, classes):
    X, coin = _notebook_draws(n_samples, torch.Generator().manual_seed(seed))
    frame = pd.DataFrame(X.numpy(), columns=["x1", "x2", "x3"])
    return frame, coin.reshape(-1).numpy()


def _notebook_signal(n_samples, noise, seed, classes):
    frame, _ = _notebook(n_samples, noise, seed, classes)
    inside = np.linalg.norm(frame.to_numpy(np.float64) - 0.5, axis=1) < 0.5
    return frame, inside.astype(np.int64)


def _notebook_weights(config: Config) -> torch.Generator:
    """The generator as the notebook's trained model found it: after the data, and
    after three earlier instances of its 3-10-20-1 model (its cells ran out of
    order). Those instances were always 3-10-20-1, whatever the network now is."""
    generator = torch.Generator().manual_seed(config.seed)
    _notebook_draws(config.n_samples, generator)
    # Each instance drew its weights and biases layer by layer: uniform draws of
    # these sizes advance the generator exactly as nn.Linear's initialisation did.
    for _ in range(3):
        for fan_in, fan_out in ((3, 10), (10, 20), (20, 1)):
            torch.empty(fan_out * fan_in).uniform_(generator=generator)
            torch.empty(fan_out).uniform_(generator=generator)
    return generator


# Regression generators: noise is the standard deviation added to y.


def _curve(f: Callable[[np.ndarray], np.ndarray], low: float, high: float) -> Generator:
    def make(n_samples, noise, seed, classes):
        rng = np.random.default_rng(seed)
        x = rng.uniform(low, high, n_samples)
        y = f(x) + noise * rng.standard_normal(n_samples)
        return _plane(x[:, None]), y

    return make


def _surface(f: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> Generator:
    def make(n_samples, noise, seed, classes):
        rng = np.random.default_rng(seed)
        X = rng.uniform(-3, 3, (n_samples, 2))
        y = f(X[:, 0], X[:, 1]) + noise * rng.standard_normal(n_samples)
        return _plane(X), y

    return make


# Houses: one set of inputs with a continuous target (the price), or with that
# target cut at its median into two classes, for comparing the two heads.


def _house_prices(
    n_samples: int, noise: float, seed: int
) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    size = rng.uniform(40, 200, n_samples)  # m²
    age = rng.uniform(0, 60, n_samples)  # years
    # In thousands: dearer per m² for larger homes, cheaper as they age.
    price = (2.0 + 0.008 * size) * size * np.exp(-age / 70)
    price = price + noise * 40 * rng.standard_normal(n_samples)
    return pd.DataFrame({"size (m²)": size, "age (years)": age}), price


def _houses(n_samples, noise, seed, classes):
    return _house_prices(n_samples, noise, seed)


def _houses_expensive(n_samples, noise, seed, classes):
    frame, price = _house_prices(n_samples, noise, seed)
    return frame, (price > np.median(price)).astype(np.int64)


# Real data shipped inside scikit-learn: nothing is downloaded.


def _bundled(loader_name: str, **options) -> Generator:
    def make(n_samples, noise, seed, classes):
        import sklearn.datasets

        bunch = getattr(sklearn.datasets, loader_name)(as_frame=True, **options)
        return bunch.data.astype(np.float64), bunch.target.to_numpy()

    return make


DATASETS: dict[str, Dataset] = {
    entry.name: entry
    for entry in [
        Dataset("moons", "Two moons", "binary", _moons),
        Dataset("circles", "Circles", "binary", _circles),
        Dataset("xor", "XOR", "binary", _xor),
        Dataset("gaussians", "Two Gaussians", "binary", _gaussians),
        Dataset("spiral", "Two-arm spiral", "binary", _spiral),
        # Blobs' noise is the clusters' standard deviation: 1.0 makes fair overlap.
        Dataset(
            "blobs",
            "Gaussian blobs",
            "multiclass",
            _blobs,
            classes_range=(3, 6),
            default_noise=1.0,
        ),
        Dataset("spirals", "Spirals", "multiclass", _spirals, classes_range=(3, 5)),
        Dataset(
            "notebook",
            "The notebook's data: coin-flip labels",
            "binary",
            _notebook,
            n_inputs=3,
            ordered=True,
            weights_generator=_notebook_weights,
            has_noise=False,
            note="3 uniform inputs; labels are coin flips, unrelated to them",
        ),
        Dataset(
            "notebook_signal",
            "The notebook's inputs, labels with a signal",
            "binary",
            _notebook_signal,
            n_inputs=3,
            ordered=True,
            weights_generator=_notebook_weights,
            has_noise=False,
            note="3 uniform inputs; class 1 within 0.5 of the cube's centre",
        ),
        Dataset(
            "houses_expensive",
            "Houses: expensive or not",
            "binary",
            _houses_expensive,
            class_names=("not expensive", "expensive"),
            note="size and age; class: whether the price is above the median",
        ),
        Dataset("sine", "Sine curve", "regression", _curve(np.sin, -5, 5), 1),
        Dataset(
            "cubic", "Cubic", "regression", _curve(lambda x: x**3 - 3 * x, -2, 2), 1
        ),
        Dataset("abs", "Absolute value", "regression", _curve(np.abs, -3, 3), 1),
        Dataset(
            "step", "Step", "regression", _curve(lambda x: 1.0 * (x > 0), -3, 3), 1
        ),
        Dataset(
            "line",
            "Straight line",
            "regression",
            _curve(lambda x: 0.8 * x + 0.5, -3, 3),
            1,
        ),
        Dataset("plane", "Plane", "regression", _surface(lambda a, b: a - 0.5 * b)),
        Dataset(
            "ripple",
            "Ripple",
            "regression",
            _surface(lambda a, b: np.sin(1.5 * np.hypot(a, b))),
        ),
        Dataset(
            "houses",
            "Houses: price (k€)",
            "regression",
            _houses,
            note="size and age; target: the price in thousands of euros",
        ),
        Dataset(
            "iris",
            "Iris flowers (real)",
            "multiclass",
            _bundled("load_iris"),
            n_inputs=4,
            real=True,
            class_names=("setosa", "versicolor", "virginica"),
            note="150 flowers, 4 measurements in cm",
        ),
        Dataset(
            "wine",
            "Wine cultivars (real)",
            "multiclass",
            _bundled("load_wine"),
            n_inputs=13,
            real=True,
            class_names=("cultivar 1", "cultivar 2", "cultivar 3"),
            note="178 wines, 13 chemical measurements",
        ),
        Dataset(
            "breast_cancer",
            "Breast cancer (real)",
            "binary",
            _bundled("load_breast_cancer"),
            n_inputs=30,
            real=True,
            class_names=("malignant", "benign"),
            note="569 tumours, 30 cell-nucleus measurements",
        ),
        Dataset(
            "diabetes",
            "Diabetes progression (real)",
            "regression",
            _bundled("load_diabetes", scaled=False),
            n_inputs=10,
            real=True,
            note="442 patients, 10 baseline measurements; target: progression after a year",
        ),
    ]
}

DEFAULT_DATASET = {"regression": "sine", "binary": "moons", "multiclass": "blobs"}


def _from_file(n_samples, noise, seed, classes):
    raise ValueError("a file of your own is read by explorer.tables, not made")


# A CSV file of your own: any task, its columns as they come. Not in DATASETS,
# whose entries each make their own data.
USER_DATA = Dataset(
    CSV,
    "Your own CSV file",
    "any",
    _from_file,
    n_inputs=0,
    real=True,
    note="a CSV file you upload: pick the column to predict and the inputs",
)


def entry(name: str) -> Dataset:
    """The registry entry of a dataset name, "csv" included."""
    return USER_DATA if name == CSV else DATASETS[name]


def datasets_for(task: str) -> list[str]:
    """Names of the datasets whose target fits `task`, in registry order."""
    return [name for name, entry in DATASETS.items() if entry.task == task]


def check(config: Config) -> Dataset:
    """The config's dataset, after checking it fits the rest of the config."""
    if config.dataset == CSV:
        if config.features:
            raise ValueError(
                "features (x1², sin x1, ...) apply to data with two inputs x1, x2 "
                "only; a file of your own has its own columns"
            )
        return USER_DATA
    if config.dataset not in DATASETS:
        raise ValueError(
            f"dataset must be one of {', '.join(DATASETS)}; got {config.dataset!r}"
        )
    entry = DATASETS[config.dataset]
    if entry.task != config.task:
        raise ValueError(
            f"dataset {config.dataset!r} is for {entry.task}, not {config.task}; "
            f"pick one of {', '.join(datasets_for(config.task))}"
        )
    if entry.classes_range is not None:
        low, high = entry.classes_range
        if not low <= config.classes <= high:
            raise ValueError(
                f"classes must be between {low} and {high} for {entry.label}, "
                f"got {config.classes}"
            )
    if config.features and (entry.real or entry.n_inputs != 2):
        raise ValueError(
            "features (x1², sin x1, ...) apply to data with two inputs x1, x2 only; "
            f"{entry.label} has other inputs"
        )
    return entry


def extra_features(X: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """Playground's extra inputs from the two columns of X, in the order of `names`."""
    x1, x2 = X[:, 0], X[:, 1]
    table = {
        "x1_squared": x1**2,
        "x2_squared": x2**2,
        "x1_x2": x1 * x2,
        "sin_x1": np.sin(x1),
        "sin_x2": np.sin(x2),
    }
    return np.column_stack([X] + [table[name] for name in names])


@dataclass
class Split:
    """Train and test data as the model sees them, and as the user knows them.

    `*_raw` arrays are in the data's own units: X (n, d) and y (n,) with class
    indices or target values. `X_train`/`X_test` are float32 model inputs with the
    extra features and scaling applied; `y_train`/`y_test` are in the dtype and shape
    of the task's loss, regression targets standardised by `y_mean` and `y_scale`.
    """

    task: str
    feature_names: list[str]
    input_names: list[str]
    class_names: list[str]
    X_train_raw: np.ndarray
    X_test_raw: np.ndarray
    y_train_raw: np.ndarray
    y_test_raw: np.ndarray
    features: tuple[str, ...]
    x_mean: np.ndarray
    x_scale: np.ndarray
    y_mean: float
    y_scale: float
    notes: tuple[str, ...] = ()  # how a file of your own was read and cleaned
    stratified: bool = False  # whether the split kept each class's share in both
    X_train: torch.Tensor = None
    X_test: torch.Tensor = None
    y_train: torch.Tensor = None
    y_test: torch.Tensor = None

    def __post_init__(self) -> None:
        self.X_train = self.inputs(self.X_train_raw)
        self.X_test = self.inputs(self.X_test_raw)
        self.y_train = self.targets(self.y_train_raw)
        self.y_test = self.targets(self.y_test_raw)

    @property
    def n_classes(self) -> int:
        return len(self.class_names) if self.task != "regression" else 1

    def inputs(self, X_raw: np.ndarray) -> torch.Tensor:
        """Model inputs (n, n_inputs) float32 from raw inputs (n, d)."""
        X = extra_features(X_raw, self.features) if self.features else X_raw
        return torch.as_tensor((X - self.x_mean) / self.x_scale, dtype=torch.float32)

    def targets(self, y_raw: np.ndarray) -> torch.Tensor:
        """Loss-ready targets from raw ones (regression: standardised)."""
        if self.task == "regression":
            y_raw = (np.asarray(y_raw, dtype=np.float64) - self.y_mean) / self.y_scale
        return tasks.target_tensor(self.task, y_raw)

    def target_units(self, values: np.ndarray) -> np.ndarray:
        """Regression outputs back in the target's own units."""
        return np.asarray(values) * self.y_scale + self.y_mean


def _user_data(config: Config) -> tuple[pd.DataFrame, np.ndarray, list[str], list]:
    # The file's prepared arrays, its class names (labels as written) and the
    # notes on how it was read and cleaned.
    from explorer import tables

    prepared = tables.load(config)
    for note in prepared.notes:
        log.info("%s: %s", config.csv, note)
    frame = pd.DataFrame(prepared.X, columns=prepared.feature_names)
    return frame, prepared.y, prepared.class_names or [], prepared.notes


def _fits(y: np.ndarray, config: Config) -> bool:
    try:
        _check_split_fits(y, config.test_fraction)
    except ValueError:
        return False
    return True


def _check_split_fits(y: np.ndarray, test_fraction: float) -> None:
    # A stratified split needs every class in both parts.
    n_classes = len(np.unique(y))
    n_test = math.ceil(test_fraction * len(y))
    smallest = np.bincount(y).min()
    if n_test < n_classes or len(y) - n_test < n_classes or smallest < 2:
        raise ValueError(
            f"{len(y)} points with test fraction {test_fraction:g} leave too few "
            f"points to put each of the {n_classes} classes in both the training "
            "and the test split; raise the number of points or the test fraction"
        )


def make_split(config: Config) -> Split:
    """Make the config's dataset and split it; deterministic in `config.seed`."""
    from sklearn.model_selection import train_test_split

    entry = check(config)
    notes: list[str] = []
    if config.dataset == CSV:
        frame, y, class_names, notes = _user_data(config)
    else:
        frame, y = entry.make(
            config.n_samples, config.noise, config.seed, config.classes
        )
        n_classes = entry.class_count(config.classes)
        class_names = list(
            entry.class_names or [f"class {k}" for k in range(n_classes)]
        )
    X = frame.to_numpy(dtype=np.float64)
    y = np.asarray(y, dtype=np.float64 if config.task == "regression" else np.int64)
    if "noise_labels" in config.mistakes:
        # The same labels, shuffled: the class balance stays, the signal goes.
        y = np.random.default_rng(config.seed).permutation(y)

    stratify = None
    if entry.ordered:
        # 100 × 0.2 may come out a hair above 20 in floating point: round it off.
        n_train = len(y) - math.ceil(len(y) * config.test_fraction - 1e-9)
        X_train, X_test = X[:n_train], X[n_train:]
        y_train, y_test = y[:n_train], y[n_train:]
    else:
        # Stratify classification so both parts keep the class balance.
        stratify = y if config.task != "regression" else None
        if stratify is not None and config.dataset == CSV and not _fits(y, config):
            # A file comes as it is: split it at random, and say what that costs.
            stratify = None
            notes = [
                *notes,
                "Some classes have too few rows to be in both the training and the "
                "test part: the split is random, not stratified, so a class may be "
                "missing from one part.",
            ]
        if stratify is not None:
            _check_split_fits(y, config.test_fraction)
        X_train, X_test, y_train, y_test = train_test_split(
            X,
            y,
            test_size=config.test_fraction,
            random_state=config.seed,
            stratify=stratify,
        )

    # Scale with statistics of the training part only: the test part stays unseen.
    inputs = extra_features(X_train, config.features) if config.features else X_train
    if config.standardize:
        x_mean, x_scale = inputs.mean(axis=0), inputs.std(axis=0)
        x_scale = np.where(x_scale > 0, x_scale, 1.0)
    else:
        x_mean, x_scale = np.zeros(inputs.shape[1]), np.ones(inputs.shape[1])
    y_mean, y_scale = 0.0, 1.0
    if config.task == "regression":
        y_mean, y_scale = float(y_train.mean()), float(y_train.std() or 1.0)

    if config.task == "regression":
        class_names = []
    n_classes = len(class_names)
    feature_names = list(frame.columns)
    split = Split(
        task=config.task,
        feature_names=feature_names,
        input_names=feature_names + [FEATURE_LABELS[f] for f in config.features],
        class_names=class_names,
        X_train_raw=X_train,
        X_test_raw=X_test,
        y_train_raw=y_train,
        y_test_raw=y_test,
        features=config.features,
        x_mean=x_mean,
        x_scale=x_scale,
        y_mean=y_mean,
        y_scale=y_scale,
        notes=tuple(notes),
        stratified=stratify is not None,
    )
    log.info(
        "dataset %s: %s train, %s test, %d inputs%s",
        config.dataset,
        f"{len(y_train):,}",
        f"{len(y_test):,}",
        len(split.input_names),
        ""
        if config.task == "regression"
        else ", class counts "
        + "/".join(str(c) for c in np.bincount(y, minlength=n_classes)),
    )
    return split
