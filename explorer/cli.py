"""The command line: `python -m explorer train ...`, `python -m explorer export ...`
and `python -m explorer datasets`.

Options are the config's field names; dashes work as well as underscores.
"""

import argparse
import json
import logging
import math
import sys
from dataclasses import fields
from typing import TYPE_CHECKING

from explorer.config import (
    ACTIVATIONS,
    CSV,
    DEVICES,
    EXTRA_FEATURES,
    MISTAKES,
    OPTIMIZERS,
    TASKS,
    Config,
    parse_batch_size,
    parse_hidden,
)
from explorer.presets import PRESETS

if TYPE_CHECKING:
    from explorer.training import Run

log = logging.getLogger(__name__)


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _flag(text: str) -> bool:
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true or false, got {text!r}")


def _delimiter(text: str) -> str:
    # A tab is hard to type on a command line: "tab" and "\t" name it too.
    return "\t" if text in ("tab", "\\t") else text


# How each config field is read from text; choices are listed in --help.
PARSERS = {
    "hidden": parse_hidden,
    "batch_size": parse_batch_size,
    "features": _names,
    "mistakes": _names,
    "inputs": _names,
    "standardize": _flag,
    "one_hot": _flag,
    "delimiter": _delimiter,
}
CHOICES = {
    "task": TASKS,
    "activation": ACTIVATIONS,
    "optimizer": OPTIMIZERS,
    "device": DEVICES,
}
SHOWN_DEFAULTS = {
    "task": "the dataset's task, else binary",
    "dataset": "the task's first dataset: moons, blobs or sine",
    "noise": "the dataset's own, 0.2 (blobs 1.0)",
    "batch_size": "full",
    "features": "none",
    "mistakes": "none",
    "csv": "none",
    "target": "the file's last column",
    "inputs": "every other column",
    "delimiter": "detected",
    "decimal": "detected",
    "encoding": "detected",
}
HELP = {
    "hidden": "widths of the hidden layers, like 8,8; none for no hidden layer",
    "batch_size": "a number, or full for the whole training set",
    "features": f"extra inputs for 2-D data, comma-separated: {','.join(EXTRA_FEATURES)}",
    "standardize": "standardise inputs with training-split statistics (true/false)",
    "optimizer": "momentum is SGD with momentum 0.9",
    "mistakes": f"mistakes to make on purpose, comma-separated: {','.join(MISTAKES)}",
    "csv": "train on a CSV file of your own (the task is suggested from its target)",
    "csv_digest": "set from the file given with --csv",
    "target": "with --csv: the column to predict",
    "inputs": "with --csv: the input columns, comma-separated",
    "missing": "with --csv: drop rows with a gap in an input, or fill the gap",
    "one_hot": "with --csv: one-hot encode text inputs instead of leaving them out",
    "delimiter": "with --csv: , ; | or tab",
    "decimal": "with --csv: . or ,",
    "encoding": "with --csv: utf-8, utf-8-sig, utf-16 or cp1252",
}


def _add_config_options(parser: argparse.ArgumentParser) -> None:
    # No defaults here: an option left out takes the preset's value, or else the
    # config's default (see _config).
    defaults = Config()
    for f in fields(Config):
        shown = SHOWN_DEFAULTS.get(f.name, getattr(defaults, f.name))
        convert = PARSERS.get(f.name, type(getattr(defaults, f.name)))
        names = [f"--{f.name}"]
        if "_" in f.name:
            names.append(f"--{f.name.replace('_', '-')}")
        parser.add_argument(
            *names,
            dest=f.name,
            type=_reporting(convert),
            default=argparse.SUPPRESS,
            choices=CHOICES.get(f.name),
            help=HELP.get(f.name, "") + f" (default {shown})",
        )


def _add_preset_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--preset",
        choices=list(PRESETS),
        help="start from a ready setup; options given as well change it",
    )


def _reporting(convert):
    # argparse reports a ValueError as "invalid <type> value"; keep our message.
    def parse(text: str):
        try:
            return convert(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return parse


def _finite(value):
    return value if not isinstance(value, float) or math.isfinite(value) else None


def predictions(run: "Run") -> dict:
    """The test split's raw outputs (n, outputs) and what the task reads from them:
    P(class 1), class probabilities, or values in the target's own units."""
    from explorer import diagnostics

    raw = diagnostics.raw_outputs(run, run.split.X_test_raw)
    read = diagnostics.read(run, raw)
    return {
        "raw_outputs": [[_finite(float(v)) for v in row] for row in raw],
        "read": [_finite(v) for v in read.tolist()]
        if read.ndim == 1
        else [[_finite(v) for v in row] for row in read.tolist()],
        "read_as": {
            "binary": "P(class 1)",
            "multiclass": "class probabilities",
            "regression": "value",
        }[run.config.task],
        "target": run.split.y_test_raw.tolist(),
    }


def run_summary(run: "Run", with_predictions: bool = False) -> dict:
    """The JSON object `train --json` prints for a finished run."""
    history = [{k: _finite(v) for k, v in row.items()} for row in run.history]
    last = history[-1]
    summary = {
        "config": run.config.to_dict(),
        "device": run.device.type,
        "metric_name": run.metric_name,
        "final": {
            k: last[k]
            for k in ("train_loss", "test_loss", "train_metric", "test_metric")
        },
        "stopped": run.stopped,
        "history": history,
    }
    if with_predictions:
        summary["predictions"] = predictions(run)
    return summary


def _config(args: argparse.Namespace) -> Config:
    """The preset, or the defaults, with the options given on top."""
    from explorer.datasets import DATASETS, DEFAULT_DATASET

    given = {f.name: getattr(args, f.name) for f in fields(Config) if f.name in args}
    if args.preset is not None:
        return PRESETS[args.preset].config.replace(**given)
    values = dict(given)
    if values.get("csv"):
        return _csv_config(values)
    # A dataset alone implies its task; a task alone takes its default dataset; the
    # noise is the dataset's own.
    if "task" not in values:
        entry = DATASETS.get(values.get("dataset", Config.dataset))
        values["task"] = entry.task if entry else Config.task
    if "dataset" not in values:
        values["dataset"] = DEFAULT_DATASET[values["task"]]
    if "noise" not in values:
        entry = DATASETS.get(values["dataset"])
        values["noise"] = entry.default_noise if entry else Config.noise
    return Config(**values)


def _csv_config(values: dict) -> Config:
    # A file of your own: read it, hold it for the run, and suggest the task from
    # its target column when none is given.
    from pathlib import Path

    from explorer import tables

    path = Path(values["csv"])
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror}") from None
    values.update(dataset=CSV, csv_digest=tables.register(raw))
    if "target" not in values or "task" not in values:
        fmt = tables.chosen_format(
            raw,
            *(values.get(name, "") for name in ("encoding", "delimiter", "decimal")),
        )
        table = tables.read_table(raw, fmt)
        values.setdefault("target", list(table.frame.columns)[-1])
        if values["target"] not in table.frame.columns:
            raise ValueError(
                f"{path.name} has no column {values['target']!r}; its columns: "
                + ", ".join(map(str, table.frame.columns))
            )
        values.setdefault("task", tables.suggest_task(table.frame[values["target"]]))
    return Config(**values)


def _train(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from explorer.training import Run, use_one_thread

    use_one_thread()
    try:
        config = _config(args)
        run = Run(config)
    except ValueError as error:
        parser.error(str(error))
    run.advance()
    if args.json:
        summary = run_summary(run, with_predictions=args.predictions)
        json.dump(summary, sys.stdout, allow_nan=False)
        sys.stdout.write("\n")
    else:
        last = run.history[-1]
        print(
            f"{run.epoch} epochs on {run.device.type}: "
            f"train_loss {last['train_loss']:.4f}, test_loss {last['test_loss']:.4f}, "
            f"train_{run.metric_name} {last['train_metric']:.4f}, "
            f"test_{run.metric_name} {last['test_metric']:.4f}"
        )
        if run.stopped:
            print(f"stopped: {run.stopped['reason']}")
        if args.predictions:
            shown = predictions(run)
            print(f"test split: raw outputs -> {shown['read_as']}")
            for raw, read in zip(shown["raw_outputs"], shown["read"], strict=True):
                print(f"  {raw} -> {read}")
    return 0


def _export(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from explorer.export import script

    try:
        text = script(_config(args))
    except ValueError as error:
        parser.error(str(error))
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as file:
            file.write(text)
        log.info("wrote %s: run it with python %s", args.output, args.output)
    return 0


def _datasets() -> int:
    from explorer.datasets import DATASETS

    for name, entry in DATASETS.items():
        kind = "real" if entry.real else "toy"
        print(f"{name:15} {entry.task:11} {kind:5} {entry.label}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m explorer")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="train one network and report it")
    _add_config_options(train)
    train.add_argument("--json", action="store_true", help="print one JSON object")
    _add_preset_option(train)
    train.add_argument(
        "--predictions",
        action="store_true",
        help="with --json: add the test split's raw outputs and what they read as",
    )
    export = commands.add_parser(
        "export",
        help="write the run as a standalone PyTorch script",
        description="Write one standalone Python script (torch, numpy, scikit-learn) "
        "that trains the run the same options would train, and prints its losses: "
        "on the cpu, those of the run's history.",
    )
    _add_config_options(export)
    _add_preset_option(export)
    export.add_argument(
        "-o",
        "--output",
        default="-",
        metavar="FILE",
        help="the file to write, like run.py; - (the default) prints it to stdout",
    )
    commands.add_parser("datasets", help="list the datasets and the task each serves")
    args = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.command == "datasets":
        return _datasets()
    if args.command == "export":
        return _export(args, export)
    return _train(args, train)
