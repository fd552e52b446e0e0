"""A config as a URL's query parameters, in the command line's words: every
field written, and any link read back without raising, with a note on what it
could not use as it was."""

from collections.abc import Mapping
from dataclasses import asdict, fields
from typing import Any

from explorer.config import (
    ACTIVATIONS,
    CSV,
    CSV_DECIMALS,
    CSV_DELIMITERS,
    CSV_ENCODINGS,
    CSV_FIELDS,
    DEVICES,
    EXTRA_FEATURES,
    MAX_BATCH_SIZE,
    MAX_CLASSES,
    MAX_EPOCHS,
    MAX_HIDDEN_LAYERS,
    MAX_LR,
    MAX_NOISE,
    MAX_SAMPLES,
    MAX_SEED,
    MAX_TEST_FRACTION,
    MAX_WEIGHT_DECAY,
    MAX_WIDTH,
    MIN_CLASSES,
    MIN_LR,
    MIN_SAMPLES,
    MIN_TEST_FRACTION,
    MISSING,
    MISTAKE_TASKS,
    MISTAKES,
    OPTIMIZERS,
    TASKS,
    Config,
    check_choice,
    format_number,
    parse_batch_size,
    parse_hidden,
)
from explorer.datasets import DATASETS, DEFAULT_DATASET

# Numeric fields and the ranges a link's values are clamped to.
_WHOLE_RANGES = {
    "n_samples": (MIN_SAMPLES, MAX_SAMPLES),
    "classes": (MIN_CLASSES, MAX_CLASSES),
    "epochs": (1, MAX_EPOCHS),
    "seed": (0, MAX_SEED),
}
_REAL_RANGES = {
    "noise": (0.0, MAX_NOISE),
    "test_fraction": (MIN_TEST_FRACTION, MAX_TEST_FRACTION),
    "lr": (MIN_LR, MAX_LR),
    "weight_decay": (0.0, MAX_WEIGHT_DECAY),
}
_CHOICES = {
    "task": TASKS,
    "activation": ACTIVATIONS,
    "optimizer": OPTIMIZERS,
    "device": DEVICES,
    "missing": MISSING,
    "decimal": CSV_DECIMALS,
    "encoding": CSV_ENCODINGS,
}
MAX_NAME = 200  # characters of a file or column name a link may hold


def to_query(config: Config) -> dict[str, str]:
    """Every field of `config` as text, for a URL's query parameters;
    `from_query` reads it back to an equal config."""
    query = {}
    for name, value in asdict(config).items():
        if name in CSV_FIELDS and config.dataset != CSV:
            continue
        if name == "delimiter":
            text = "tab" if value == "\t" else value  # a tab is lost in a URL
        elif name == "hidden":
            text = ",".join(map(str, value)) or "none"
        elif name == "batch_size":
            text = "full" if value is None else str(value)
        elif isinstance(value, tuple):
            text = ",".join(value)
        elif isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = repr(value) if isinstance(value, float) else str(value)
        query[name] = text
    return query


def _whole(text: str) -> int:
    value = float(text)
    if not value.is_integer():
        raise ValueError("not a whole number")
    return int(value)


def _real(text: str) -> float:
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("not a finite number")
    return value


def _clamp(name: str, value, low, high, notes: list[str]):
    if low <= value <= high:
        return value
    clamped = min(max(value, low), high)
    notes.append(
        f"{name} {format_number(value)} is outside {format_number(low)} to {format_number(high)}: "
        f"using {format_number(clamped)}"
    )
    return clamped


def last_value(raw: str | list[str]) -> str:
    """A parameter's text; a repeated parameter takes its last value."""
    return ((raw[-1] if raw else "") if isinstance(raw, list) else str(raw)).strip()


def names_in(name: str, text: str, allowed: tuple[str, ...], notes: list[str]):
    """The comma-separated names in `text` that are `allowed`, in order, once
    each; the others are named in `notes`."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in allowed]
    if unknown:
        # A note stays short however long the link: the first few, and a count.
        named = ", ".join(repr(n[:40]) for n in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        notes.append(f"{name}: ignored {named}{more}")
    return tuple(dict.fromkeys(n for n in names if n in allowed))


def _hidden_from(text: str, notes: list[str]) -> tuple[int, ...]:
    widths = parse_hidden(text)
    if len(widths) > MAX_HIDDEN_LAYERS:
        notes.append(
            f"hidden has {len(widths)} layers; the first {MAX_HIDDEN_LAYERS} are kept"
        )
        widths = widths[:MAX_HIDDEN_LAYERS]
    return tuple(_clamp("hidden width", w, 1, MAX_WIDTH, notes) for w in widths)


def _field_from(name: str, text: str, notes: list[str]) -> Any:
    # One field's value from its text; ValueError if the text cannot be read.
    if name in _WHOLE_RANGES:
        return _clamp(name, _whole(text), *_WHOLE_RANGES[name], notes)
    if name in _REAL_RANGES:
        return _clamp(name, _real(text), *_REAL_RANGES[name], notes)
    if name in _CHOICES:
        check_choice(name, text, _CHOICES[name])
        return text
    if name in ("standardize", "one_hot"):
        if text.lower() not in ("true", "false", "1", "0"):
            raise ValueError("not true or false")
        return text.lower() in ("true", "1")
    if name == "delimiter":
        text = "\t" if text == "tab" else text
        check_choice(name, text, CSV_DELIMITERS)
        return text
    if name in ("csv", "csv_digest", "target"):
        if len(text) > MAX_NAME:
            raise ValueError("too long")
        return text
    if name == "inputs":
        names = (part.strip() for part in text.split(","))
        return tuple(dict.fromkeys(n[:MAX_NAME] for n in names if n))
    if name == "hidden":
        return _hidden_from(text, notes)
    if name == "batch_size":
        size = parse_batch_size(text)
        return size if size is None else _clamp(name, size, 1, MAX_BATCH_SIZE, notes)
    if name == "features":
        return names_in(name, text, EXTRA_FEATURES, notes)
    if name == "mistakes":
        return names_in(name, text, MISTAKES, notes)
    return text  # dataset: checked against the registry afterwards


def fit_dataset(values: dict[str, Any], notes: list[str]) -> None:
    """Fit `values` (config fields by name) to their dataset, in place: the
    dataset decides the task, and classes, extra inputs and mistakes must fit it;
    each change is named in `notes`."""
    task = values.get("task", Config.task)
    name = values.get("dataset", DEFAULT_DATASET[task])
    if name == CSV and not (values.get("csv") and values.get("target")):
        notes.append(
            f"dataset csv needs csv= (the file's name) and target=: using "
            f"{DEFAULT_DATASET[task]}"
        )
        name = values["dataset"] = DEFAULT_DATASET[task]
    if name == CSV:
        # The file decides nothing here: the task is as given, extra inputs do
        # not apply, and mistakes must fit the task.
        values.update(task=task, features=())
        values["mistakes"] = tuple(
            m for m in values.get("mistakes", ()) if task in MISTAKE_TASKS[m]
        )
        return
    if name not in DATASETS:
        notes.append(f"dataset {name!r} is unknown: using {DEFAULT_DATASET[task]}")
        name = DEFAULT_DATASET[task]
    entry = DATASETS[name]
    if entry.task != task:
        if "task" in values:
            notes.append(f"{entry.label} is for {entry.task}: the task follows it")
        task = entry.task
    values.update(task=task, dataset=name)
    if entry.classes_range is not None:
        classes = values.get("classes", Config.classes)
        values["classes"] = _clamp("classes", classes, *entry.classes_range, notes)
    if values.get("features") and (entry.real or entry.n_inputs != 2):
        notes.append(f"extra inputs do not apply to {entry.label}: left out")
        values["features"] = ()
    kept = tuple(m for m in values.get("mistakes", ()) if task in MISTAKE_TASKS[m])
    if kept != values.get("mistakes", ()):
        notes.append(f"mistakes that do not apply to {task} were left out")
        values["mistakes"] = kept


def from_query(params: Mapping[str, str | list[str]]) -> tuple[Config, list[str]]:
    """A config from a URL's query parameters, and notes on what was changed.

    Never raises: unknown parameters and values that cannot be read are ignored,
    numbers out of range are clamped, and each is named in a note. A repeated
    parameter takes its last value.
    """
    known = {f.name for f in fields(Config)}
    values: dict[str, Any] = {}
    notes: list[str] = []
    for name, raw in params.items():
        text = last_value(raw)
        if name not in known:
            notes.append(f"ignored the unknown setting {name!r}")
            continue
        try:
            values[name] = _field_from(name, text.strip(), notes)
        except ValueError:
            notes.append(f"ignored {name}={text[:40]!r}: it could not be read")
    fit_dataset(values, notes)
    try:
        return Config(**values), notes
    except ValueError as error:
        return Config(), [*notes, f"the link's settings do not fit together ({error})"]
