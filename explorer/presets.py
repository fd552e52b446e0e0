"""Ready setups by name: a config to start from, on the page and on the command line."""

from dataclasses import dataclass

from explorer.config import Config


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    config: Config
    text: str


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        Preset(
            "notebook",
            "The notebook that barely learns",
            Config(
                task="binary",
                dataset="notebook",
                n_samples=100,
                test_fraction=0.2,
                standardize=False,
                hidden=(10, 20),
                activation="none",
                optimizer="sgd",
                lr=0.01,
                epochs=80,
                seed=42,
                mistakes=("sigmoid_before_loss",),
            ),
            "A beginner's notebook, rebuilt exactly: 100 points of 3 random inputs "
            "with coin-flip labels, a 3-10-20-1 network with no activation and a "
            "sigmoid inside the model before BCEWithLogitsLoss, plain SGD at lr "
            "0.01 for 80 epochs. Its loss moves 0.003 and every output it printed "
            "sits between 0.50 and 0.54.",
        ),
    ]
}


@dataclass(frozen=True)
class Comparison:
    """Two setups to train side by side: `a` is pinned, `b` trains after it."""

    name: str
    label: str
    a: Config
    b: Config
    text: str


_HOUSE_PRICES = Config(
    task="regression",
    dataset="houses",
    hidden=(16, 16),
    activation="relu",
    optimizer="adam",
    lr=0.01,
    epochs=300,
)

COMPARISONS: dict[str, Comparison] = {
    c.name: c
    for c in [
        Comparison(
            "regression_vs_classification",
            "The same houses as regression and as classification",
            _HOUSE_PRICES,
            _HOUSE_PRICES.replace(task="binary", dataset="houses_expensive"),
            "The same inputs (size and age) twice. A predicts the price itself: "
            "one output unit read as it is, trained with MSELoss. B predicts "
            "whether the price is above the median: one output unit read through "
            "a sigmoid as P(expensive), trained with BCEWithLogitsLoss. Only the "
            "last layer's reading and the loss differ; both start from the same "
            "initial weights.",
        ),
    ]
}
