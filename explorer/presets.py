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
