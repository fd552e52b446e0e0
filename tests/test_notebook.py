"""The notebook this project grew from, replayed inside the engine."""

import json
import threading

import pytest
import torch
from torch import nn

from explorer.cli import main
from explorer.config import Config
from explorer.presets import PRESETS
from explorer.training import Run

# What the notebook printed: its loss after 0, 2 and 10 epochs.
PRINTED = {0: 0.7162129282951355, 2: 0.71612948179245, 10: 0.7157977223396301}


def notebook_as_written() -> tuple[list[float], list[float]]:
    """The notebook's own code, cells in the order it ran them: the training loss
    before each step, and its outputs for the 20 test points."""

    def sigmoid(weights):
        return 1 / (1 + torch.exp(-weights))

    class LinearModel_V1(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear_layer_1 = nn.Linear(in_features=3, out_features=10)
            self.linear_layer_2 = nn.Linear(in_features=10, out_features=20)
            self.linear_layer_3 = nn.Linear(in_features=20, out_features=1)

        def forward(self, x):
            return sigmoid(
                self.linear_layer_3(self.linear_layer_2(self.linear_layer_1(x)))
            )

    torch.manual_seed(42)
    data_X = torch.rand(100, 3)
    data_y = torch.randint(0, 2, (100, 1))
    for _ in range(3):  # instances made by cells run earlier
        LinearModel_V1()
    model_0 = LinearModel_V1()
    X_train, y_train = data_X[:80].float(), data_y[:80].float()
    loss_fn = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(params=model_0.parameters(), lr=0.01)
    losses = []
    for _ in range(80):
        loss = loss_fn(model_0(X_train), y_train)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        outputs = [model_0(x).item() for x in data_X[80:]]
    return losses, outputs


@pytest.fixture(scope="module")
def as_written():
    return notebook_as_written()


def replay() -> Run:
    run = Run(PRESETS["notebook"].config)
    run.advance()
    return run


def test_replay_reproduces_the_printed_losses():
    run = replay()
    for epoch, printed in PRINTED.items():
        assert run.history[epoch]["train_loss"] == pytest.approx(printed, abs=1e-6)


def test_replay_matches_the_notebook_code_epoch_by_epoch(as_written):
    losses, outputs = as_written
    run = replay()
    replayed = [row["train_loss"] for row in run.history[:80]]
    assert replayed == pytest.approx(losses, abs=1e-6)
    with torch.no_grad():
        mine = run.model(run.X_test).reshape(-1).tolist()
    assert [round(v, 4) for v in mine] == [round(v, 4) for v in outputs]
    assert all(0.50 < v < 0.54 for v in mine)


def test_replay_is_exact_while_another_run_trains(as_written):
    results = {}
    # Both threads start together; the other run lasts longer than the replay.
    start = threading.Barrier(2)

    def busy():
        run = Run(Config(n_samples=400, hidden=(32, 32), epochs=400))
        start.wait()
        run.advance()

    def notebook():
        start.wait()
        results["run"] = replay()

    threads = [threading.Thread(target=busy), threading.Thread(target=notebook)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    replayed = [row["train_loss"] for row in results["run"].history[:80]]
    assert replayed == pytest.approx(as_written[0], abs=1e-6)


def test_cli_preset_prints_the_history_and_predictions(capsys, as_written):
    assert main(["train", "--preset", "notebook", "--json", "--predictions"]) == 0
    result = json.loads(capsys.readouterr().out)
    for epoch, printed in PRINTED.items():
        assert result["history"][epoch]["train_loss"] == pytest.approx(
            printed, abs=1e-6
        )
    shown = result["predictions"]
    # The model applies its own sigmoid: its raw outputs are what the notebook
    # printed, and the loss reads them through a second one.
    raw = [row[0] for row in shown["raw_outputs"]]
    assert raw == pytest.approx(as_written[1], abs=1e-6)
    assert shown["read"] == pytest.approx(torch.sigmoid(torch.tensor(raw)).tolist())
    assert shown["read_as"] == "P(class 1)" and len(shown["target"]) == 20


def test_cli_options_change_the_preset(capsys):
    assert main(["train", "--preset", "notebook", "--epochs", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["config"]["epochs"] == 3 and result["config"]["seed"] == 42
    assert len(result["history"]) == 4


def test_notebook_split_is_in_order():
    run = Run(PRESETS["notebook"].config)
    generator = torch.Generator().manual_seed(42)
    X = torch.rand(100, 3, generator=generator)
    assert torch.equal(run.X_train, X[:80]) and torch.equal(run.X_test, X[80:])


def test_the_fixed_notebook_learns_its_signal():
    # Every fix at once: no sigmoid in the model, ReLU between the layers, labels
    # that depend on X, and Adam.
    config = PRESETS["notebook"].config.replace(
        dataset="notebook_signal",
        mistakes=(),
        activation="relu",
        optimizer="adam",
        lr=0.03,
        epochs=300,
        n_samples=500,
    )
    run = Run(config)
    run.advance()
    assert run.history[-1]["test_metric"] >= 0.85
