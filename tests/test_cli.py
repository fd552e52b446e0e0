import json
import math
import subprocess
import sys

import pytest

from explorer.cli import main


def test_cli_train_json_prints_one_object(capsys):
    code = main(
        [
            "train",
            "--task",
            "binary",
            "--dataset",
            "moons",
            "--hidden",
            "4",
            "--epochs",
            "5",
            "--n-samples",
            "60",
            "--batch_size",
            "full",
            "--json",
        ]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {
        "config",
        "device",
        "metric_name",
        "final",
        "stopped",
        "history",
    }
    assert result["metric_name"] == "accuracy" and result["device"] == "cpu"
    assert [row["epoch"] for row in result["history"]] == list(range(6))
    assert result["config"]["hidden"] == [4] and result["config"]["n_samples"] == 60
    assert result["final"]["test_loss"] == result["history"][-1]["test_loss"]


def test_cli_json_has_no_nan_when_training_diverges(capsys):
    main(
        [
            "train",
            "--dataset",
            "diabetes",
            "--optimizer",
            "sgd",
            "--lr",
            "10",
            "--epochs",
            "100",
            "--json",
        ]
    )
    out = capsys.readouterr().out
    result = json.loads(out)  # json.loads accepts NaN; so check the text too
    assert "NaN" not in out and "Infinity" not in out
    assert result["stopped"]["epoch"] < 100
    assert all(math.isfinite(row["train_loss"]) for row in result["history"])


def test_cli_dataset_implies_task(capsys):
    main(["train", "--dataset", "iris", "--epochs", "2", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert result["config"]["task"] == "multiclass"
    assert len(result["config"]["hidden"]) == 2


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--lr", "100"], "lr must be between 1e-05 and 10, got 100"),
        (["--hidden", "8,x"], "hidden must be widths separated by commas"),
        (["--task", "binary", "--dataset", "iris"], "'iris' is for multiclass"),
        (["--activation", "swish"], "invalid choice"),
        (["--epochs", "many"], "invalid"),
    ],
)
def test_cli_bad_option_exits_2_with_a_message(argv, words, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", *argv])
    assert exit_info.value.code == 2
    assert words in capsys.readouterr().err


@pytest.mark.slow
def test_cli_logs_to_stderr_and_lists_datasets():
    result = subprocess.run(
        [sys.executable, "-m", "explorer", "train", "--epochs", "2", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    json.loads(result.stdout)
    assert "parameters" in result.stderr
    listing = subprocess.run(
        [sys.executable, "-m", "explorer", "datasets"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "moons" in listing and "regression" in listing and "iris" in listing
