"""The one configuration of a run: what the page's widgets build and what the
command line takes, one field per setting, validated when it is made."""

from dataclasses import asdict, dataclass, fields, replace
from numbers import Integral, Real
from typing import Any

TASKS = ("regression", "binary", "multiclass")
ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid", "gelu", "none")
OPTIMIZERS = ("sgd", "momentum", "adam", "adamw", "rmsprop")
DEVICES = ("cpu", "cuda", "mps")
# Mistakes the engine makes on purpose when asked, and the tasks each can be made
# on (explorer.mistakes says what each does).
MISTAKE_TASKS = {
    "sigmoid_before_loss": ("binary",),
    "softmax_before_loss": ("multiclass",),
    "mse_for_classification": ("binary", "multiclass"),
    "target_shape": ("regression",),
    "noise_labels": ("binary", "multiclass"),
}
MISTAKES = tuple(MISTAKE_TASKS)
# Playground's extra inputs, computed from the two raw coordinates of 2-D data.
EXTRA_FEATURES = ("x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2")

# Your own data: dataset CSV reads a file; "" lets the file's format be detected.
CSV = "csv"
CSV_DELIMITERS = ("", ",", ";", "\t", "|")
CSV_DECIMALS = ("", ".", ",")
CSV_ENCODINGS = ("", "utf-8", "utf-8-sig", "utf-16", "cp1252")
MISSING = ("drop", "fill")  # rows with a gap in an input: dropped, or the gap filled

MAX_HIDDEN_LAYERS = 6
MAX_WIDTH = 128
MAX_EPOCHS = 5_000
MIN_SAMPLES, MAX_SAMPLES = 20, 5_000
MAX_NOISE = 2.0
MIN_LR, MAX_LR = 1e-5, 10.0
MIN_TEST_FRACTION, MAX_TEST_FRACTION = 0.1, 0.5
MIN_CLASSES, MAX_CLASSES = 2, 6
MAX_BATCH_SIZE = 5_000
MAX_WEIGHT_DECAY = 1.0
MAX_SEED = 2**31 - 1

# Settings that can change under a running model; any other change starts afresh.
LIVE_FIELDS = frozenset({"lr", "weight_decay", "epochs"})
# Settings of a file of your own, which only dataset CSV reads.
CSV_FIELDS = frozenset(
    {
        "csv",
        "csv_digest",
        "target",
        "inputs",
        "missing",
        "one_hot",
        "delimiter",
        "decimal",
        "encoding",
    }
)
# Settings that decide the data and its split.
DATA_FIELDS = frozenset(
    {
        "task",
        "dataset",
        "n_samples",
        "noise",
        "test_fraction",
        "classes",
        "standardize",
        "features",
        "seed",
        "mistakes",  # noise_labels changes the data
    }
    | CSV_FIELDS
)

# The settings' names as the page shows them.
FIELD_LABELS = {
    "task": "Task",
    "dataset": "Dataset",
    "n_samples": "Number of points",
    "noise": "Noise",
    "classes": "Classes",
    "test_fraction": "Test fraction",
    "seed": "Seed",
    "standardize": "Standardise inputs",
    "features": "Extra inputs",
    "hidden": "Hidden layers and widths",
    "activation": "Activation",
    "optimizer": "Optimizer",
    "lr": "Learning rate",
    "epochs": "Epochs",
    "batch_size": "Batch size",
    "weight_decay": "Weight decay",
    "device": "Device",
    "mistakes": "Mistakes",
}


def _check_types(config: "Config") -> None:
    for name in ("n_samples", "classes", "epochs", "seed"):
        _check_whole(name, getattr(config, name))
    for name in ("noise", "test_fraction", "lr", "weight_decay"):
        value = getattr(config, name)
        if isinstance(value, bool) or not isinstance(value, Real):
            raise ValueError(f"{name} must be a number, got {value!r}")
    for name in ("standardize", "one_hot"):
        if not isinstance(getattr(config, name), bool):
            raise ValueError(
                f"{name} must be true or false, got {getattr(config, name)!r}"
            )
    for width in config.hidden:
        _check_whole("hidden widths", width)
    if config.batch_size is not None:
        _check_whole("batch_size", config.batch_size)


def _check_whole(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be a whole number, got {value!r}")


def _check_range(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise ValueError(
            f"{name} must be between {format_number(low)} and {format_number(high)}, "
            f"got {format_number(value)}"
        )


def format_number(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")


@dataclass(frozen=True)
class Config:
    """Everything that decides a run: data, network and training.

    Field names are the command line's option names. `hidden` holds one width per
    hidden layer (empty for none); `batch_size` None means the full training set;
    `mistakes` names mistakes the engine makes on purpose (none by default).
    """

    task: str = "binary"
    dataset: str = "moons"
    n_samples: int = 500
    noise: float = 0.2
    test_fraction: float = 0.3
    classes: int = 3
    standardize: bool = True
    features: tuple[str, ...] = ()
    hidden: tuple[int, ...] = (8, 8)
    activation: str = "tanh"
    optimizer: str = "adam"
    lr: float = 0.03
    epochs: int = 300
    batch_size: int | None = None
    weight_decay: float = 0.0
    seed: int = 0
    device: str = "cpu"
    mistakes: tuple[str, ...] = ()
    # Your own data (dataset "csv"): the file's name and a digest of its bytes
    # (which file it was, when two have one name), its target column and input
    # columns (none: every other column), what is done with gaps in the inputs,
    # whether text inputs are one-hot encoded, and how the file is written.
    csv: str = ""
    csv_digest: str = ""
    target: str = ""
    inputs: tuple[str, ...] = ()
    missing: str = "drop"
    one_hot: bool = False
    delimiter: str = ""
    decimal: str = ""
    encoding: str = ""

    def __post_init__(self) -> None:
        _check_types(self)
        check_choice("task", self.task, TASKS)
        _check_range("n_samples", self.n_samples, MIN_SAMPLES, MAX_SAMPLES)
        _check_range("noise", self.noise, 0.0, MAX_NOISE)
        _check_range(
            "test_fraction", self.test_fraction, MIN_TEST_FRACTION, MAX_TEST_FRACTION
        )
        _check_range("classes", self.classes, MIN_CLASSES, MAX_CLASSES)
        for name in self.features:
            check_choice("features", name, EXTRA_FEATURES)
        if len(set(self.features)) != len(self.features):
            raise ValueError(f"features lists a feature twice: {self.features}")
        if len(self.hidden) > MAX_HIDDEN_LAYERS:
            raise ValueError(
                f"hidden must have 0 to {MAX_HIDDEN_LAYERS} layers, "
                f"got {len(self.hidden)}"
            )
        for width in self.hidden:
            _check_range("hidden widths", width, 1, MAX_WIDTH)
        check_choice("activation", self.activation, ACTIVATIONS)
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        _check_range("lr", self.lr, MIN_LR, MAX_LR)
        _check_range("epochs", self.epochs, 1, MAX_EPOCHS)
        if self.batch_size is not None:
            _check_range("batch_size", self.batch_size, 1, MAX_BATCH_SIZE)
        _check_range("weight_decay", self.weight_decay, 0.0, MAX_WEIGHT_DECAY)
        _check_range("seed", self.seed, 0, MAX_SEED)
        check_choice("device", self.device, DEVICES)
        check_choice("missing", self.missing, MISSING)
        check_choice("delimiter", self.delimiter, CSV_DELIMITERS)
        check_choice("decimal", self.decimal, CSV_DECIMALS)
        check_choice("encoding", self.encoding, CSV_ENCODINGS)
        if self.dataset == CSV and not (self.csv and self.target):
            raise ValueError(
                "your own data needs a file and a target column: upload a CSV "
                "file and pick the column to predict"
            )
        for name in self.mistakes:
            check_choice("mistakes", name, MISTAKES)
            if self.task not in MISTAKE_TASKS[name]:
                raise ValueError(
                    f"the mistake {name} applies to "
                    f"{' and '.join(MISTAKE_TASKS[name])} only, not {self.task}"
                )

    def replace(self, **changes: Any) -> "Config":
        """A copy with some fields changed, validated like a new config."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values: tuples become lists."""
        return {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in asdict(self).items()
        }

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "Config":
        """The inverse of `to_dict`; missing fields keep their defaults."""
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown config fields: {', '.join(sorted(unknown))}")
        values = {
            key: tuple(value) if isinstance(value, list) else value
            for key, value in values.items()
        }
        return cls(**values)

    def data_only(self) -> "Config":
        """This config's data settings, everything else at its default: one key
        for every run that uses the same data."""
        return Config(**{name: getattr(self, name) for name in DATA_FIELDS})

    def differences(self, other: "Config") -> list[tuple[str, Any, Any]]:
        """(field, this value, `other`'s value) for every field that differs."""
        return [
            (f.name, getattr(self, f.name), getattr(other, f.name))
            for f in fields(self)
            if getattr(self, f.name) != getattr(other, f.name)
        ]

    def restarts_run(self, other: "Config") -> bool:
        """True if moving from this config to `other` needs a fresh run."""
        return any(
            getattr(self, f.name) != getattr(other, f.name)
            for f in fields(self)
            if f.name not in LIVE_FIELDS
        )


def parse_hidden(text: str) -> tuple[int, ...]:
    """Parse hidden widths written as `8,8`; `none` or an empty string is no layer."""
    text = text.strip().lower()
    if text in ("", "none", "0"):
        return ()
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise ValueError(
            f"hidden must be widths separated by commas, like 8,8, or none; got {text!r}"
        ) from None


def parse_batch_size(text: str) -> int | None:
    """Parse a batch size: a number, or `full` for the whole training set."""
    text = text.strip().lower()
    if text == "full":
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"batch_size must be a number or full; got {text!r}") from None
