"""A file of your own, end to end: bytes registered, a config naming them, the
split the model sees and a run that trains on it, with every warning an error."""

import json
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

from explorer import tables
from explorer.config import Config
from explorer.datasets import make_split
from explorer.training import Run


def config_for(raw: bytes, target: str, task: str, **settings) -> Config:
    digest = tables.register(raw)
    return Config(
        task=task,
        dataset="csv",
        csv="data.csv",
        csv_digest=digest,
        target=target,
        hidden=(6,),
        epochs=15,
        **settings,
    )


def rows(header: str, lines: list[str], sep: str = ",") -> str:
    return "\n".join([header, *lines]).replace(",", sep) + "\n"


N = 60
NUMBERS = [f"{k % 7},{(k * 3) % 11},{k % 2}" for k in range(N)]
KINDS = {
    "commas, UTF-8": (rows("a,b,y", NUMBERS).encode(), "y", "binary", {}),
    "semicolons, decimal commas": (
        (
            "a;b;y\n" + "".join(f"{k % 7},5;{k % 3},25;{k % 3}\n" for k in range(N))
        ).encode(),
        "y",
        "multiclass",
        {},
    ),
    "tabs, UTF-8 with BOM": (
        b"\xef\xbb\xbf" + rows("a,b,y", NUMBERS, sep="\t").encode(),
        "y",
        "binary",
        {},
    ),
    "Windows-1252, labels -1 and 1": (
        rows(
            "durée,coût,résultat",
            [f"{k % 5},{k % 4},{1 if k % 2 else -1}" for k in range(N)],
        ).encode("cp1252"),
        "résultat",
        "binary",
        {},
    ),
    "text target and a text input": (
        rows(
            "colour,size,kind",
            [
                f"{'red' if k % 2 else 'blue'},{k % 9},{['ant', 'bee', 'cat'][k % 3]}"
                for k in range(N)
            ],
        ).encode(),
        "kind",
        "multiclass",
        {"one_hot": True},
    ),
    "labels 1..3 with gaps filled": (
        rows(
            "a,b,grade",
            [f"{'NA' if k % 10 == 0 else k % 7},{k % 5},{1 + k % 3}" for k in range(N)],
        ).encode(),
        "grade",
        "multiclass",
        {"missing": "fill"},
    ),
    "stray text in a numeric column, integer regression": (
        rows(
            "rooms,age,price",
            [f"{'oops' if k == 7 else k % 6},{k % 30},{100 + 3 * k}" for k in range(N)],
        ).encode(),
        "price",
        "regression",
        {},
    ),
}


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_file_trains(kind):
    raw, target, task, settings = KINDS[kind]
    config = config_for(raw, target, task, **settings)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        split = make_split(config)
        run = Run(config, split=split)
        run.advance()
    assert split.X_train.dtype == torch.float32
    if task == "regression":
        assert split.y_train.dtype == torch.float32 and split.y_train.shape[1] == 1
    elif task == "binary":
        assert split.y_train.dtype == torch.float32 and split.y_train.shape[1] == 1
        assert set(np.unique(split.y_train.numpy())) <= {0.0, 1.0}
    else:
        assert split.y_train.dtype == torch.int64 and split.y_train.ndim == 1
    assert run.epoch == 15 and run.stopped is None
    assert np.isfinite([row["train_loss"] for row in run.history]).all()
    assert split.notes and split.notes[0].startswith("Read as")


def test_labels_keep_their_names_as_the_classes():
    raw, target, task, settings = KINDS["Windows-1252, labels -1 and 1"]
    split = make_split(config_for(raw, target, task, **settings))
    assert split.class_names == ["-1", "1"]
    assert split.feature_names == ["durée", "coût"]


def test_a_file_with_one_class_is_refused_with_the_reason():
    raw = rows("a,y", [f"{k},yes" for k in range(20)]).encode()
    with pytest.raises(ValueError, match="only one value, 'yes'"):
        make_split(config_for(raw, "y", "binary"))


def test_a_file_not_loaded_says_to_upload_it():
    config = Config(
        task="binary", dataset="csv", csv="gone.csv", csv_digest="0" * 16, target="y"
    )
    with pytest.raises(ValueError, match="'gone.csv' is not loaded: upload it"):
        make_split(config)


def test_the_command_line_trains_on_a_file(tmp_path):
    path = tmp_path / "grades.csv"
    path.write_bytes(KINDS["labels 1..3 with gaps filled"][0])
    command = [sys.executable, "-m", "explorer", "train", "--csv", str(path)]
    command += ["--target", "grade", "--inputs", "a,b", "--missing", "fill"]
    result = subprocess.run(
        [*command, "--epochs", "10", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = json.loads(result.stdout)
    assert summary["config"]["task"] == "multiclass"  # suggested by the target
    assert summary["config"]["inputs"] == ["a", "b"]
    assert len(summary["history"]) == 11
    assert "Filled" in result.stderr or "filled" in result.stderr

    missing = subprocess.run(
        [*command[:5], str(tmp_path / "nope.csv")], capture_output=True, text=True
    )
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_a_class_too_small_for_a_stratified_split_is_split_at_random_with_a_note():
    labels = ["a"] * 30 + ["b"] * 29 + ["c"]  # one row of class c
    raw = rows("x,y", [f"{k % 7},{label}" for k, label in enumerate(labels)]).encode()
    split = make_split(config_for(raw, "y", "multiclass"))
    assert any("random, not stratified" in note for note in split.notes)
    assert split.class_names == ["a", "b", "c"]
    assert len(split.y_train_raw) + len(split.y_test_raw) == 60
