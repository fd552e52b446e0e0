"""The command line: `python -m explorer train ...` and `python -m explorer datasets`.

Options are the config's field names; dashes work as well as underscores.
"""

import argparse
import json
import logging
import math
import sys
from dataclasses import fields

from explorer.config import (
    ACTIVATIONS,
    DEVICES,
    EXTRA_FEATURES,
    OPTIMIZERS,
    TASKS,
    Config,
    parse_batch_size,
    parse_hidden,
)

log = logging.getLogger(__name__)


def _features(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _flag(text: str) -> bool:
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true or false, got {text!r}")


# How each config field is read from text; choices are listed in --help.
PARSERS = {
    "hidden": parse_hidden,
    "batch_size": parse_batch_size,
    "features": _features,
    "standardize": _flag,
}
CHOICES = {
    "task": TASKS,
    "activation": ACTIVATIONS,
    "optimizer": OPTIMIZERS,
    "device": DEVICES,
}
# Settings whose default depends on the others: the task on the dataset and back,
# the noise on the dataset.
IMPLIED = ("task", "dataset", "noise")
SHOWN_DEFAULTS = {
    "task": "the dataset's task, else binary",
    "dataset": "the task's first dataset: moons, blobs or sine",
    "noise": "the dataset's own, 0.2 (blobs 1.0)",
    "batch_size": "full",
    "features": "none",
}
HELP = {
    "hidden": "widths of the hidden layers, like 8,8; none for no hidden layer",
    "batch_size": "a number, or full for the whole training set",
    "features": f"extra inputs for 2-D data, comma-separated: {','.join(EXTRA_FEATURES)}",
    "standardize": "standardise inputs with training-split statistics (true/false)",
    "optimizer": "momentum is SGD with momentum 0.9",
}


def _add_config_options(parser: argparse.ArgumentParser) -> None:
    defaults = Config()
    for f in fields(Config):
        default = getattr(defaults, f.name)
        shown = SHOWN_DEFAULTS.get(f.name, default)
        if f.name in IMPLIED:
            default = None  # filled in by _train from the other settings
        convert = PARSERS.get(f.name, type(getattr(defaults, f.name)))
        names = [f"--{f.name}"]
        if "_" in f.name:
            names.append(f"--{f.name.replace('_', '-')}")
        parser.add_argument(
            *names,
            dest=f.name,
            type=_reporting(convert),
            default=default,
            choices=CHOICES.get(f.name),
            help=HELP.get(f.name, "") + f" (default {shown})",
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


def run_summary(run) -> dict:
    """The JSON object `train --json` prints for a finished run."""
    history = [{k: _finite(v) for k, v in row.items()} for row in run.history]
    last = history[-1]
    return {
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


def _train(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from explorer.datasets import DATASETS, DEFAULT_DATASET
    from explorer.training import Run, use_one_thread

    values = {f.name: getattr(args, f.name) for f in fields(Config)}
    # A dataset alone implies its task; a task alone takes its default dataset.
    if values["task"] is None:
        entry = DATASETS.get(values["dataset"] or Config.dataset)
        values["task"] = entry.task if entry else Config.task
    if values["dataset"] is None:
        values["dataset"] = DEFAULT_DATASET[values["task"]]
    if values["noise"] is None:
        entry = DATASETS.get(values["dataset"])
        values["noise"] = entry.default_noise if entry else Config.noise
    use_one_thread()
    try:
        config = Config(**values)
        run = Run(config)
    except ValueError as error:
        parser.error(str(error))
    run.advance()
    if args.json:
        json.dump(run_summary(run), sys.stdout, allow_nan=False)
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
    commands.add_parser("datasets", help="list the datasets and the task each serves")
    args = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.command == "datasets":
        return _datasets()
    return _train(args, train)
