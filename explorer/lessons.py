"""Lessons and challenges: ready setups for a class, each with a short text.

A lesson is a few setups to train one after the other and a question to answer
by comparing them. A challenge is a setup to start from, a goal on the test
split and limits on the network; `check` says whether a finished run met it.
"""

from dataclasses import dataclass

from explorer.config import FIELD_LABELS, Config, format_number
from explorer.datasets import DATASETS
from explorer.lab import step_configs
from explorer.presets import COMPARISONS, PRESETS


@dataclass(frozen=True)
class Step:
    """One setup of a lesson."""

    label: str  # what this setup changes, in a few words
    config: Config


@dataclass(frozen=True)
class Lesson:
    """Setups to train in turn, what to watch in them, and a question."""

    name: str
    title: str
    text: str  # two or three sentences on what to watch
    question: str
    steps: tuple[Step, ...]


_CIRCLES = Config(
    task="binary",
    dataset="circles",
    noise=0.1,
    hidden=(8, 8),
    activation="none",
    optimizer="adam",
    lr=0.03,
    epochs=300,
)
_SINE = Config(
    task="regression",
    dataset="sine",
    hidden=(16, 16),
    activation="tanh",
    optimizer="sgd",
    lr=0.1,
    epochs=300,
)
_FEW_POINTS = Config(
    task="binary",
    dataset="moons",
    n_samples=30,
    noise=0.35,
    test_fraction=0.5,
    hidden=(128, 128, 128),
    activation="relu",
    optimizer="adam",
    lr=0.01,
    epochs=1000,
)
_HOUSES = COMPARISONS["regression_vs_classification"]

LESSONS: dict[str, Lesson] = {
    lesson.name: lesson
    for lesson in [
        Lesson(
            "activations",
            "Why activations matter",
            "Two rings of points, one inside the other. Without an activation "
            "between them, stacked linear layers multiply out to one linear map, "
            "and a line cannot separate a ring from its centre. With tanh between "
            "the layers the same network bends its boundary into a closed curve.",
            "Without an activation, what shape can the decision boundary take, "
            "however many layers you stack?",
            (
                Step("no activation", _CIRCLES),
                Step("tanh between the layers", _CIRCLES.replace(activation="tanh")),
            ),
        ),
        Lesson(
            "regression_vs_classification",
            "Regression or classification, on the same data",
            "The same houses, by size and age, twice. As regression the network "
            "predicts the price: one output read as it is, trained with MSELoss. "
            "As classification it predicts whether a house is expensive: one "
            "output read through a sigmoid, trained with BCEWithLogitsLoss.",
            "Which parts of the network and its training change between the two, "
            "and which stay the same?",
            (
                Step("the price (regression)", _HOUSES.a),
                Step("expensive or not (binary)", _HOUSES.b),
            ),
        ),
        Lesson(
            "learning_rate",
            "Learning rate: too low, right, too high",
            "A sine curve fitted by plain SGD three times, changing only the "
            "learning rate. Too low, the loss hardly moves in 300 epochs; about "
            "right, it falls and the curve follows the points; too high, each "
            "step overshoots and the loss grows until training stops.",
            "Looking only at the loss curve, how can you tell a learning rate that "
            "is too low from one that is too high?",
            (
                Step("too low: 0.0001", _SINE.replace(lr=0.0001)),
                Step("about right: 0.1", _SINE),
                Step("too high: 3", _SINE.replace(lr=3.0)),
            ),
        ),
        Lesson(
            "notebook",
            "The notebook that barely learns",
            "A beginner's notebook, rebuilt exactly: a sigmoid before "
            "BCEWithLogitsLoss, no activation between the layers, coin-flip labels "
            "and plain SGD. Its loss barely moves. The second setup fixes all "
            "four mistakes; the mistake lab below walks through them one at a time.",
            "Which of the four mistakes would still stop the network learning if "
            "you fixed the other three?",
            (
                Step("as it ran", PRESETS["notebook"].config),
                Step("all four mistakes fixed", step_configs()[-1]),
            ),
        ),
        Lesson(
            "overfitting",
            "Overfitting: few points, a wide network",
            "Fifteen training points and a network of three layers of 128 units: "
            "it learns every training point, and the test loss climbs while the "
            "training loss falls to zero. A small network, or many more points, "
            "narrows the gap between the two curves; a network this wide still "
            "overfits 250 noisy points in the end, and the diagnosis says so.",
            "What does the gap between the train and test curves tell you, and "
            "which change narrows it most?",
            (
                Step("15 points, 3 × 128 units", _FEW_POINTS),
                Step("15 points, 4 units", _FEW_POINTS.replace(hidden=(4,))),
                Step("250 points, 3 × 128 units", _FEW_POINTS.replace(n_samples=500)),
            ),
        ),
    ]
}


_DATA = ("task", "dataset", "n_samples", "noise", "classes", "test_fraction", "seed")


@dataclass(frozen=True)
class Challenge:
    """A setup to start from, a goal on the test split and limits to keep."""

    name: str
    title: str
    text: str
    start: Config  # the setup the challenge opens with
    goal: float  # the test metric (accuracy or R²) to reach, at least
    max_hidden_units: int | None = None  # all hidden layers' widths together
    max_hidden_layers: int | None = None
    # Settings that must keep the start's value: the data and its split, so that
    # the test points are the same for everyone.
    fixed: tuple[str, ...] = _DATA

    def limits(self) -> list[str]:
        """The rules, in words, for the page and for a verdict."""
        rules = []
        if self.max_hidden_layers == 0:
            rules.append("no hidden layer")
        elif self.max_hidden_layers is not None:
            rules.append(f"at most {self.max_hidden_layers} hidden layers")
        if self.max_hidden_units is not None:
            rules.append(f"at most {self.max_hidden_units} hidden units in all")
        return rules


@dataclass(frozen=True)
class Verdict:
    """Whether a run met a challenge, and why (not)."""

    met: bool
    reasons: tuple[str, ...]  # why not, when not met; what was reached, when met


CHALLENGES: dict[str, Challenge] = {
    challenge.name: challenge
    for challenge in [
        Challenge(
            "small_spiral",
            "A spiral with a small network",
            "Reach a test accuracy of at least 0.95 on the two-arm spiral with at "
            "most 16 hidden units in all. Change the network and the training as "
            "you like; the data stays as it is.",
            Config(
                task="binary",
                dataset="spiral",
                hidden=(4,),
                activation="relu",
                optimizer="adam",
                lr=0.01,
                epochs=500,
            ),
            goal=0.95,
            max_hidden_units=16,
        ),
        Challenge(
            "circles_without_layers",
            "Circles without a hidden layer",
            "Reach a test accuracy of at least 0.95 on the circles with no hidden "
            "layer at all. A single linear layer can only draw a line, so the "
            "network needs something else to work with.",
            _CIRCLES.replace(hidden=(), activation="tanh"),
            goal=0.95,
            max_hidden_layers=0,
        ),
        Challenge(
            "sine_with_sgd",
            "A sine with plain SGD",
            "Fit the sine with a test R² of at least 0.9, using plain SGD (no "
            "momentum) and at most two hidden layers.",
            _SINE.replace(lr=0.0001),
            goal=0.9,
            max_hidden_layers=2,
            fixed=(*_DATA, "optimizer"),
        ),
    ]
}


def _shown(name: str, value) -> str:
    # A setting's value as the sidebar shows it.
    if name == "dataset" and value in DATASETS:
        return DATASETS[value].label
    return format_number(value) if isinstance(value, int | float) else str(value)


def broken_rules(challenge: Challenge, config: Config) -> list[str]:
    """What in `config` the challenge does not allow, in words."""
    broken = []
    for name in challenge.fixed:
        wanted, got = getattr(challenge.start, name), getattr(config, name)
        if got != wanted:
            broken.append(
                f"{FIELD_LABELS[name].lower()} must stay {_shown(name, wanted)} "
                f"(it is {_shown(name, got)})"
            )
    layers, units = len(config.hidden), sum(config.hidden)
    if challenge.max_hidden_layers is not None and layers > challenge.max_hidden_layers:
        broken.append(
            f"the network has {layers} hidden layer{'s' * (layers != 1)}; the "
            f"limit is {challenge.max_hidden_layers}"
        )
    if challenge.max_hidden_units is not None and units > challenge.max_hidden_units:
        broken.append(
            f"the network has {units} hidden units; the limit is "
            f"{challenge.max_hidden_units}"
        )
    return broken


def check(challenge: Challenge, config: Config, history: list[dict]) -> Verdict:
    """Whether a finished run of `config`, with its history, met the challenge."""
    broken = broken_rules(challenge, config)
    metric = "R²" if config.task == "regression" else "accuracy"
    if not history:
        return Verdict(False, ("the run has not trained yet", *broken))
    reached = history[-1]["test_metric"]
    if reached != reached:  # NaN, from a run that stopped
        return Verdict(False, (f"the run ended with no test {metric}", *broken))
    if reached < challenge.goal:
        broken.insert(
            0, f"test {metric} {reached:.3f} is below the goal of {challenge.goal}"
        )
    if broken:
        return Verdict(False, tuple(broken))
    return Verdict(True, (f"test {metric} {reached:.3f} ≥ {challenge.goal}",))
