"""The data steps of an exported script: each dataset's generator rewritten as plain
numpy (the notebook's as torch, scikit-learn's as its call), the split, the extra
inputs, the scaling and the tensors, as explorer.datasets makes them."""

from textwrap import dedent, fill

from explorer.config import Config
from explorer.datasets import DATASETS, Dataset
from explorer.datasets import entry as dataset_entry

# Curves: dataset -> (y as an expression of x, range of x).
_CURVES = {
    "sine": ("np.sin(x)", -5, 5),
    "cubic": ("x**3 - 3 * x", -2, 2),
    "abs": ("np.abs(x)", -3, 3),
    "step": ("1.0 * (x > 0)", -3, 3),
    "line": ("0.8 * x + 0.5", -3, 3),
}
# Surfaces over x1 and x2: dataset -> y as an expression of them.
_SURFACES = {
    "plane": "x1 - 0.5 * x2",
    "ripple": "np.sin(1.5 * np.hypot(x1, x2))",
}
_SPIRAL = """\
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % {arms}  # the arm each point lies on
    t = rng.uniform(0.05, 1.0, n_samples)  # how far along its arm
    angle = 1.75 * 2 * np.pi * t + 2 * np.pi * y / {arms}
    X = np.column_stack([t * np.cos(angle), t * np.sin(angle)]) * 5
    X = X + noise * rng.standard_normal(X.shape)
"""
_HOUSES = """\
    rng = np.random.default_rng(seed)
    size = rng.uniform(40, 200, n_samples)  # m²
    age = rng.uniform(0, 60, n_samples)  # years
    # The price in thousands: dearer per m² for larger homes, cheaper as they age.
    price = (2.0 + 0.008 * size) * size * np.exp(-age / 70)
    price = price + noise * 40 * rng.standard_normal(n_samples)
    X = np.column_stack([size, age])
"""
_NOTEBOOK = """\
    # torch draws them from the seeded generator: 3 inputs uniform in [0, 1), then
    # a label for each point.
    X = torch.rand(n_samples, 3, generator=generator).numpy().astype(np.float64)
    coin_flips = torch.randint(0, 2, (n_samples,), generator=generator).numpy()
"""
_GENERATED = {
    "xor": """\
    # Points in the four quadrants, kept off the axes; class 1 where x1 and x2
    # have the same sign.
    rng = np.random.default_rng(seed)
    distance = rng.uniform(0.1, 1.0, (n_samples, 2))
    sign = rng.choice([-1.0, 1.0], (n_samples, 2))
    X = distance * sign
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    X = X + noise * rng.standard_normal(X.shape)
""",
    "gaussians": """\
    # Half the points around (-1, -1) (class 0), half around (1, 1) (class 1).
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % 2
    centres = np.where(y[:, None] == 1, 1.0, -1.0)
    X = centres + (0.5 + noise) * rng.standard_normal((n_samples, 2))
""",
    "spiral": _SPIRAL.format(arms=2),
    "spirals": _SPIRAL.format(arms="classes"),
    "houses": _HOUSES + "    y = price\n",
    "houses_expensive": _HOUSES
    + "    y = (price > np.median(price)).astype(np.int64)  # 1: expensive\n",
    "notebook": _NOTEBOOK + "    y = coin_flips  # unrelated to the inputs\n",
    "notebook_signal": _NOTEBOOK
    + "    # Labels with a signal: 1 within 0.5 of the cube's centre.\n"
    + "    y = (np.linalg.norm(X - 0.5, axis=1) < 0.5).astype(np.int64)\n",
}
# Data that scikit-learn makes or ships: dataset -> (function, the call).
_SKLEARN = {
    "moons": (
        "make_moons",
        "X, y = make_moons(n_samples, noise=noise, random_state=seed)",
    ),
    "circles": (
        "make_circles",
        "X, y = make_circles(n_samples, noise=noise, factor=0.5, random_state=seed)",
    ),
    "blobs": (
        "make_blobs",
        "# One centre per class, evenly spaced on a circle of radius 4.\n"
        "angle = 2 * np.pi * np.arange(classes) / classes\n"
        "centres = 4 * np.column_stack([np.cos(angle), np.sin(angle)])\n"
        "X, y = make_blobs(n_samples, centers=centres, cluster_std=noise, "
        "random_state=seed)",
    ),
    "iris": ("load_iris", "X, y = load_iris(return_X_y=True)"),
    "wine": ("load_wine", "X, y = load_wine(return_X_y=True)"),
    "breast_cancer": (
        "load_breast_cancer",
        "X, y = load_breast_cancer(return_X_y=True)",
    ),
    "diabetes": (
        "load_diabetes",
        "X, y = load_diabetes(return_X_y=True, scaled=False)",
    ),
}
_FEATURES = {
    "x1_squared": "x1**2",
    "x2_squared": "x2**2",
    "x1_x2": "x1 * x2",
    "sin_x1": "np.sin(x1)",
    "sin_x2": "np.sin(x2)",
}


def block(text: str) -> str:
    """A triple-quoted code template without its indentation and outer blank lines."""
    return dedent(text).strip("\n")


def comment(text: str, width: int = 88) -> str:
    """`text` as `#` comment lines of at most `width` characters."""
    return fill(
        text,
        width=width,
        initial_indent="# ",
        subsequent_indent="# ",
        break_on_hyphens=False,
    )


def exportable() -> list[str]:
    """Names of the datasets a script can rebuild, in registry order."""
    known = {*_SKLEARN, *_CURVES, *_SURFACES, *_GENERATED}
    return [name for name in DATASETS if name in known]


def imports(config: Config) -> list[str]:
    """The scikit-learn imports the config's data and split need."""
    lines = []
    if config.dataset in _SKLEARN:
        lines.append(f"from sklearn.datasets import {_SKLEARN[config.dataset][0]}")
    if not dataset_entry(config.dataset).ordered:
        lines.append("from sklearn.model_selection import train_test_split")
    return lines


def _make(name: str) -> str:
    # The code that makes X and y for the dataset `name`.
    if name in _SKLEARN:
        return _SKLEARN[name][1]
    if name in _CURVES:
        expression, low, high = _CURVES[name]
        return block(f"""
            rng = np.random.default_rng(seed)
            x = rng.uniform({low}, {high}, n_samples)
            y = {expression} + noise * rng.standard_normal(n_samples)
            X = x[:, None]  # (n_samples, 1): one input
        """)
    if name in _SURFACES:
        return block(f"""
            rng = np.random.default_rng(seed)
            X = rng.uniform(-3, 3, (n_samples, 2))
            x1, x2 = X[:, 0], X[:, 1]
            y = {_SURFACES[name]} + noise * rng.standard_normal(n_samples)
        """)
    return block(_GENERATED[name])


def _split(config: Config, entry: Dataset, n_train: int, stratified: bool) -> str:
    if entry.ordered:
        return block(f"""
            # Split: the first {n_train} points train and the rest test, in order.
            X_train, X_test = X[:{n_train}], X[{n_train}:]
            y_train, y_test = y[:{n_train}], y[{n_train}:]
        """)
    stratify = ", stratify=y" if stratified else ""
    balance = ", with each class in both parts as often as in all" if stratify else ""
    intent = comment(
        f"Split: hold out a random test_fraction of the points to test on{balance}."
    )
    return (
        intent
        + "\n"
        + block(f"""
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=test_fraction, random_state=seed{stratify}
        )
    """)
    )


def data_section(
    config: Config,
    entry: Dataset,
    n_train: int,
    made: str | None = None,
    stratified: bool = False,
) -> str:
    """Make X and y, make the mistake `noise_labels` if listed, and split them;
    `n_train` is the size of the training split (used by an ordered split), and
    `stratified` says whether the split keeps each class's share in both parts.
    `made` is code that makes X and y itself (a file's, from explorer.export_csv),
    its steps set apart by blank lines, as the steps after it then are."""
    if made is not None:
        parts = [made]
    else:
        what = entry.label + (f" ({entry.note})" if entry.note else "")
        parts = [comment(f"Data: {what}."), _make(config.dataset)]
    if "noise_labels" in config.mistakes:
        parts.append(
            block("""
            # The mistake: shuffle the labels. Each class keeps its share of the
            # points, but the labels no longer say anything about the inputs.
            y = np.random.default_rng(seed).permutation(y)
        """)
        )
    parts.append(_split(config, entry, n_train, stratified))
    return ("\n" if made is None else "\n\n").join(parts)


def features_section(config: Config) -> str:
    """Playground's extra inputs appended to x1 and x2, or '' without any."""
    if not config.features:
        return ""
    columns = ", ".join(["X", *(_FEATURES[name] for name in config.features)])
    return block(f"""
        # Extra inputs computed from x1 and x2, appended after them.
        def add_features(X):
            x1, x2 = X[:, 0], X[:, 1]
            return np.column_stack([{columns}])


        X_train, X_test = add_features(X_train), add_features(X_test)
    """)


def scaling_section(
    config: Config, flat_inputs: bool = False, flat_target: bool = False
) -> str:
    """Standardise inputs (if the config does) and regression targets with the
    training split's statistics. `flat_inputs`: some input has the same value in
    every training row; `flat_target`: every training target is the same."""
    if config.standardize:
        text = block("""
            # Scaling: standardise every input with the mean and standard deviation
            # of the training split only, so nothing about the test points leaks in.
            mean, std = X_train.mean(axis=0), X_train.std(axis=0)
        """)
        if flat_inputs:
            text += "\n" + block("""
                # An input with the same value in every training row is only shifted
                # to 0 (its standard deviation, 0, is taken as 1).
                std = np.where(std > 0, std, 1.0)
            """)
        text += "\nX_train, X_test = (X_train - mean) / std, (X_test - mean) / std"
    else:
        text = "# Scaling: none (standardize is off): the inputs go in as they are."
    if config.task == "regression":
        lines = [
            "# Targets are standardised too, with the training split's statistics.",
            "# The losses printed are back in the target's own units: times y_std².",
            "y_mean, y_std = y_train.mean(), y_train.std()",
            "y_train, y_test = (y_train - y_mean) / y_std, (y_test - y_mean) / y_std",
        ]
        if flat_target:
            lines[2:3] = [
                "# Every training target is the same: a standard deviation of 0 is 1.",
                "y_mean, y_std = y_train.mean(), y_train.std() or 1.0",
            ]
        text += "\n\n" + "\n".join(lines)
    return text


def tensors_section(config: Config) -> str:
    """The splits as torch tensors in the dtype and shape the task's loss takes."""
    if config.task == "multiclass":
        target = "torch.tensor({y}, dtype=torch.int64)"
        shape = "the labels as class indices, shape (N,)"
    else:
        target = "torch.tensor({y}, dtype=torch.float32).reshape(-1, 1)"
        what = "targets" if config.task == "regression" else "0/1 labels"
        shape = f"the {what} as a column (N, 1), the shape of the model's output"
    intent = comment(f"torch tensors: float32 inputs, shape (N, n_inputs); {shape}.")
    return (
        intent
        + "\n"
        + block(f"""
        X_train = torch.tensor(X_train, dtype=torch.float32).to(device)
        X_test = torch.tensor(X_test, dtype=torch.float32).to(device)
        y_train = {target.format(y="y_train")}.to(device)
        y_test = {target.format(y="y_test")}.to(device)
    """)
    )
