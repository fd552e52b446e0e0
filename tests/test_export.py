"""Exported scripts: standalone, and on the cpu they print the engine's history.

Losses are compared with math.isclose(rel_tol=1e-5, abs_tol=1e-5): within 1e-5
absolutely for losses up to 1, relatively above (regression losses are in the
target's own units, which run into the thousands on diabetes).
"""

import ast
import contextlib
import io
import json
import math
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from explorer.cli import main
from explorer.config import Config
from explorer.datasets import DATASETS, Dataset
from explorer.export import script
from explorer.lab import step_configs
from explorer.presets import PRESETS
from explorer.training import Run

ROOT = Path(__file__).resolve().parents[1]
LOSSES = re.compile(r"^epoch (\d+): train_loss (\S+), test_loss (\S+)$", re.MULTILINE)
FINAL = re.compile(
    r"^final: train_loss (\S+), test_loss (\S+), train_\w+ (\S+), test_\w+ (\S+)$",
    re.MULTILINE,
)
STANDALONE_IMPORTS = {"math", "numpy", "torch", "sklearn"}
# Runs each script given, in a fresh namespace, in a Python away from the project;
# prints each one's output, and whether anything imported explorer.
RUN_SCRIPTS = """
import contextlib, io, json, runpy, sys
outputs = []
for path in sys.argv[1:]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(path, run_name="__main__")
    outputs.append(out.getvalue())
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "explorer")
print(json.dumps({"outputs": outputs, "explorer_modules": loaded}))
"""

# Every task, activation and optimizer, full batch and mini-batches, extra inputs,
# unscaled inputs and each listed mistake, on data of every kind.
ROUND_TRIPS = {
    "moons, adam, batches of 32": Config(n_samples=200, epochs=30, batch_size=32),
    "xor, relu, momentum, x1_x2 and x1²": Config(
        dataset="xor",
        activation="relu",
        optimizer="momentum",
        lr=0.1,
        features=("x1_x2", "x1_squared"),
        epochs=40,
    ),
    "spiral, gelu, rmsprop, sin x1 and sin x2, batches of 64": Config(
        dataset="spiral",
        activation="gelu",
        optimizer="rmsprop",
        lr=0.01,
        features=("sin_x1", "sin_x2"),
        n_samples=300,
        batch_size=64,
        epochs=30,
    ),
    "breast cancer, adamw, weight decay, batches of 50": Config(
        dataset="breast_cancer",
        hidden=(16,),
        activation="relu",
        optimizer="adamw",
        weight_decay=0.01,
        batch_size=50,
        epochs=20,
    ),
    "houses expensive, unscaled, sigmoid before the loss, mse": Config(
        dataset="houses_expensive",
        standardize=False,
        optimizer="sgd",
        lr=0.001,
        mistakes=("sigmoid_before_loss", "mse_for_classification"),
        epochs=20,
    ),
    "iris, sigmoid, batches of 16": Config(
        task="multiclass",
        dataset="iris",
        activation="sigmoid",
        batch_size=16,
        epochs=30,
    ),
    "blobs of 5, leaky relu, sgd, softmax before the loss": Config(
        task="multiclass",
        dataset="blobs",
        classes=5,
        noise=1.0,
        activation="leaky_relu",
        optimizer="sgd",
        lr=0.3,
        mistakes=("softmax_before_loss",),
        epochs=40,
    ),
    "spirals of 4, noise labels, mse, batches of 100": Config(
        task="multiclass",
        dataset="spirals",
        classes=4,
        mistakes=("noise_labels", "mse_for_classification"),
        batch_size=100,
        epochs=20,
    ),
    "sine, batches of 32": Config(
        task="regression", dataset="sine", n_samples=200, batch_size=32, epochs=40
    ),
    "cubic, no activation, sgd, targets of shape [N]": Config(
        task="regression",
        dataset="cubic",
        hidden=(4, 4),
        activation="none",
        optimizer="sgd",
        lr=0.05,
        mistakes=("target_shape",),
        epochs=30,
    ),
    "ripple, relu, adamw, no hidden layer": Config(
        task="regression",
        dataset="ripple",
        hidden=(),
        optimizer="adamw",
        epochs=50,
    ),
    "diabetes, relu, rmsprop, batches of 32": Config(
        task="regression",
        dataset="diabetes",
        hidden=(16, 16),
        activation="relu",
        optimizer="rmsprop",
        lr=0.003,
        batch_size=32,
        epochs=20,
    ),
    "houses, unscaled, adam": Config(
        task="regression",
        dataset="houses",
        standardize=False,
        hidden=(16, 16),
        activation="relu",
        lr=0.01,
        epochs=30,
    ),
    "the notebook preset": PRESETS["notebook"].config,
    "the mistake lab's last step, batches of 16": step_configs()[-1].replace(
        batch_size=16, epochs=40
    ),
}


def close(printed: float, expected: float) -> bool:
    return math.isclose(printed, expected, rel_tol=1e-5, abs_tol=1e-5)


def printed_losses(out: str) -> dict[int, tuple[float, float]]:
    return {int(e): (float(a), float(b)) for e, a, b in LOSSES.findall(out)}


def assert_matches_history(out: str, run: Run) -> None:
    losses = printed_losses(out)
    every = max(1, run.config.epochs // 10)
    assert set(losses) == {0, run.epoch, *range(every, run.epoch + 1, every)}
    for epoch, (train_loss, test_loss) in losses.items():
        row = run.history[epoch]
        assert close(train_loss, row["train_loss"]), (epoch, train_loss, row)
        assert close(test_loss, row["test_loss"]), (epoch, test_loss, row)
    final = [float(v) for v in FINAL.search(out).groups()]
    last = run.history[-1]
    keys = ("train_loss", "test_loss", "train_metric", "test_metric")
    assert all(close(v, last[k]) for v, k in zip(final, keys, strict=True))


def trained(config: Config) -> Run:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # target_shape's broadcast
        run = Run(config)
        run.advance()
    return run


def run_in_process(text: str) -> tuple[str, int]:
    # The script's output and exit status, run in this process (fast).
    out = io.StringIO()
    status = 0
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            exec(compile(text, "run.py", "exec"), {"__name__": "__main__"})
        except SystemExit as stop:
            status = stop.code
    return out.getvalue(), status


def run_standalone(*command: str, cwd: Path) -> str:
    # Away from the project and without its path, so only installed packages load.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, *command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def standalone_outputs(tmp_path_factory) -> dict[str, str]:
    # Every round trip's script, run in one Python of its own (one start of torch
    # instead of one per script): name -> what the script printed.
    folder = tmp_path_factory.mktemp("scripts")
    paths = []
    for i, config in enumerate(ROUND_TRIPS.values()):
        paths.append(folder / f"run_{i}.py")
        paths[-1].write_text(script(config), encoding="utf-8")
    ran = json.loads(run_standalone("-c", RUN_SCRIPTS, *map(str, paths), cwd=folder))
    assert ran["explorer_modules"] == []
    return dict(zip(ROUND_TRIPS, ran["outputs"], strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("name", ROUND_TRIPS)
def test_script_prints_the_runs_history(name, standalone_outputs):
    # Run on its own, the script prints the losses and metrics of the run's history.
    assert_matches_history(standalone_outputs[name], trained(ROUND_TRIPS[name]))


@pytest.mark.parametrize("name", DATASETS)
def test_script_rebuilds_every_dataset(name):
    # Each dataset's generator, split and scaling as the engine has them: a new
    # registry entry needs its own code in the script.
    entry = DATASETS[name]
    config = Config(
        task=entry.task, dataset=name, noise=entry.default_noise, epochs=3
    ).replace(batch_size=64)
    out, status = run_in_process(script(config))
    assert status == 0
    assert_matches_history(out, trained(config))


def test_script_stops_where_the_run_stops():
    # A learning rate far too high: the script ends at the epoch the run stopped.
    config = Config(
        task="regression", dataset="diabetes", optimizer="sgd", lr=10.0, epochs=60
    )
    run = trained(config)
    out, status = run_in_process(script(config))
    assert run.stopped is not None and status == 1
    assert f"epoch {run.stopped['epoch']}: the loss is not a finite number" in out
    for epoch, (train_loss, _) in printed_losses(out).items():
        assert close(train_loss, run.history[epoch]["train_loss"])


@pytest.mark.parametrize("config", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_script_imports_only_torch_numpy_and_sklearn(config):
    tree = ast.parse(script(config))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    assert imported <= STANDALONE_IMPORTS
    assert "explorer" not in imported and "torch" in imported


def test_script_sklearn_only_for_its_data_or_split():
    # The notebook's data is torch's and its split is in order: no scikit-learn.
    text = script(PRESETS["notebook"].config)
    assert "sklearn" not in text
    assert "from sklearn.model_selection import train_test_split" in script(Config())


def test_script_refuses_a_dataset_it_cannot_rebuild(monkeypatch):
    entry = Dataset("squares", "Squares", "binary", DATASETS["moons"].make)
    monkeypatch.setitem(DATASETS, "squares", entry)
    with pytest.raises(ValueError, match="cannot rebuild the dataset 'Squares'") as e:
        script(Config(dataset="squares"))
    assert "python -m explorer train" in str(e.value) and "moons" in str(e.value)


def test_script_refuses_a_config_the_engine_refuses():
    with pytest.raises(ValueError, match="'moons' is for binary, not regression"):
        script(Config(task="regression", dataset="moons"))


def test_cli_export_prints_the_script_without_output(capsys):
    assert main(["export", "--dataset", "iris", "--epochs", "5", "--lr", "0.1"]) == 0
    config = Config(task="multiclass", dataset="iris", epochs=5, lr=0.1)
    assert capsys.readouterr().out == script(config)


def test_cli_export_refuses_what_train_refuses(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "--dataset", "iris", "--features", "sin_x1"])
    assert exit_info.value.code == 2
    assert "features (x1², sin x1, ...) apply to data with two inputs" in (
        capsys.readouterr().err
    )


@pytest.mark.slow
def test_cli_export_writes_a_script_that_runs(tmp_path):
    # The same options as train; the file runs on its own and prints the history.
    path = tmp_path / "run.py"
    options = ["--preset", "notebook", "--dataset", "notebook_signal"]
    options += ["--activation", "tanh", "--batch-size", "20", "--epochs", "30"]
    subprocess.run(
        [sys.executable, "-m", "explorer", "export", *options, "-o", str(path)],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    config = PRESETS["notebook"].config.replace(
        dataset="notebook_signal", activation="tanh", batch_size=20, epochs=30
    )
    assert path.read_text(encoding="utf-8") == script(config)
    assert_matches_history(run_standalone(str(path), cwd=tmp_path), trained(config))
