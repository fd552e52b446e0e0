import math
import threading
import time

import pytest
import torch

from explorer import training
from explorer.config import Config
from explorer.training import BackgroundTrainer, Run, available_devices, resolve_device


def test_history_has_a_row_per_epoch_from_zero(tiny):
    run = Run(tiny)
    rows = run.advance()
    assert [row["epoch"] for row in run.history] == list(range(tiny.epochs + 1))
    assert rows == run.history[1:]
    assert run.done and run.epoch == tiny.epochs
    assert run.advance() == []


def test_loss_falls_on_an_easy_set():
    run = Run(Config(dataset="gaussians", noise=0.0, n_samples=200, epochs=60))
    run.advance()
    assert run.history[-1]["train_loss"] < 0.5 * run.history[0]["train_loss"]


@pytest.mark.parametrize("batch_size", [None, 16])
def test_paused_and_resumed_run_ends_where_an_unbroken_run_ends(batch_size):
    config = Config(n_samples=100, epochs=30, batch_size=batch_size)
    unbroken = Run(config)
    unbroken.advance()
    sliced = Run(config)
    while not sliced.done:
        sliced.advance(epochs=7)
        copy = sliced.copy()  # a paused run may be copied and advanced on its own
        copy.advance(epochs=3)
        assert copy.epoch == min(sliced.epoch + 3, config.epochs)
    assert sliced.history == unbroken.history
    for p, q in zip(
        sliced.model.parameters(), unbroken.model.parameters(), strict=True
    ):
        assert torch.equal(p, q)


def test_advance_by_time_cuts_at_epoch_boundaries():
    run = Run(Config(n_samples=100, epochs=5_000))
    rows = run.advance(seconds=0.05)
    assert 1 <= len(rows) < 5_000
    assert run.epoch == rows[-1]["epoch"] == len(run.history) - 1


def _train_history(config: Config, out: dict, key) -> None:
    run = Run(config)
    run.advance()
    out[key] = run.history


def test_parallel_threads_give_single_threaded_results():
    # Streamlit runs sessions as threads of one process: each run must draw from
    # its own generator, so concurrent runs do not disturb each other.
    configs = [Config(n_samples=200, epochs=40, batch_size=16, seed=s) for s in (1, 2)]
    alone = {}
    for config in configs:
        _train_history(config, alone, config.seed)
    together = {}
    threads = [
        threading.Thread(target=_train_history, args=(c, together, c.seed))
        for c in configs
    ]
    for thread in threads:
        thread.start()
    # The main thread uses the global generator meanwhile, as other code might.
    for _ in range(200):
        torch.rand(10)
    for thread in threads:
        thread.join()
    assert together == alone


def test_non_finite_loss_stops_the_run_and_keeps_finite_history():
    config = Config(
        task="regression", dataset="diabetes", optimizer="sgd", lr=10.0, epochs=200
    )
    run = Run(config)
    run.advance()
    assert run.stopped is not None and run.done
    assert run.epoch < 200
    assert "at epoch" in run.stopped["reason"]
    assert "learning rate 10× lower" in run.stopped["reason"]
    assert all(math.isfinite(row["train_loss"]) for row in run.history)
    assert run.advance() == []


def test_learning_rate_applies_to_a_running_model(tiny):
    run = Run(tiny)
    run.advance(epochs=2)
    run.set_live(tiny.replace(lr=0.5, epochs=10))
    assert run.optimizer.param_groups[0]["lr"] == 0.5
    run.advance()
    assert run.epoch == 10
    with pytest.raises(ValueError, match="only lr, weight_decay and epochs"):
        run.set_live(tiny.replace(hidden=(3,)))


def test_device_fallback_is_stated():
    assert available_devices()[0] == "cpu"
    device, note = resolve_device("cpu")
    assert device.type == "cpu" and note == "training on cpu"
    if "mps" not in available_devices():
        device, note = resolve_device("mps")
        assert device.type == "cpu"
        assert note == "mps is not available here, so training runs on cpu"


def test_regression_loss_is_reported_in_target_units():
    # MSE in the target's own units is the standardised MSE times its variance.
    run = Run(Config(task="regression", dataset="line", noise=0.5, epochs=1))
    with torch.no_grad():
        standardised = run.loss_fn(run.model(run.X_train), run.y_train).item()
    assert run.history[0]["train_loss"] == pytest.approx(
        standardised * run.split.y_scale**2, rel=1e-5
    )


def test_background_trainer_paused_and_resumed_matches_an_unbroken_run():
    # Pauses land on epoch boundaries, so the thread changes nothing in the result.
    config = Config(n_samples=100, epochs=120, batch_size=16)
    unbroken = Run(config)
    unbroken.advance()

    trainer = BackgroundTrainer(Run(config))
    for _ in range(3):
        trainer.start()
        time.sleep(0.02)
        trainer.pause()
        epoch = trainer.run.epoch
        time.sleep(0.02)
        assert trainer.run.epoch == epoch  # paused means paused
    trainer.start()
    while trainer.running:
        trainer.heartbeat()
        time.sleep(0.01)
    assert trainer.run.done
    assert trainer.run.history == unbroken.history


def test_background_trainer_stops_when_nobody_watches():
    trainer = BackgroundTrainer(
        Run(Config(n_samples=100, epochs=5_000)), idle_seconds=0.05
    )
    trainer.start()
    time.sleep(0.5)
    assert not trainer.running
    assert 0 < trainer.run.epoch < 5_000


def test_background_trainer_does_not_train_while_held():
    trainer = BackgroundTrainer(Run(Config(n_samples=100, epochs=5_000)))
    trainer.start()
    time.sleep(0.05)
    with trainer.hold() as run:
        epoch = run.epoch
        time.sleep(0.1)
        assert run.epoch == epoch
    time.sleep(0.1)
    assert trainer.run.epoch > epoch
    trainer.pause()


def test_snapshots_stay_bounded_and_span_the_whole_run():
    run = Run(Config(n_samples=60, hidden=(4,), epochs=1_000))
    run.snapshot_limit = 50
    run.advance()
    kept = sorted(run.snapshots)
    assert len(kept) <= 50
    assert kept[0] == 0 and kept[-1] >= 1_000 - run.snapshot_every
    assert all(e % run.snapshot_every == 0 for e in kept)
    assert run.shown_epochs()[-1] == 1_000


def test_snapshot_limit_shrinks_for_large_networks():
    # 30 inputs and six layers of 128: far more bytes per snapshot than moons 2-8-8-1.
    small = Run(Config(epochs=10))
    large = Run(
        Config(task="binary", dataset="breast_cancer", hidden=(128,) * 6, epochs=10)
    )
    assert small.snapshot_limit == training.MAX_SNAPSHOTS
    nbytes = sum(p.numel() * 4 for p in large.model.parameters())
    assert large.snapshot_limit * nbytes <= training.MAX_SNAPSHOT_BYTES


def test_a_snapshot_gives_the_outputs_the_run_had_at_that_epoch():
    run = Run(Config(n_samples=100, epochs=40))
    run.advance(epochs=10)
    with torch.no_grad():
        at_ten = run.model(run.X_test).clone()
    run.advance()
    snapshot = run.at(10)
    with torch.no_grad():
        assert torch.equal(snapshot.model(run.X_test), at_ten)
    assert snapshot.history == run.history[:11]
    # Drawing the past never touches the run's own model.
    assert snapshot.model is not run.model
    with pytest.raises(ValueError, match="not kept"):
        run.at(41)


def test_a_run_can_start_from_another_runs_initial_weights():
    first = Run(Config(n_samples=100, seed=1, epochs=5))
    first.advance()
    same_shape = Run(
        Config(n_samples=100, seed=2, activation="relu"),
        initial_state=first.snapshots[0],
    )
    assert same_shape.shares_weights
    assert torch.equal(
        same_shape.snapshots[0]["0.weight"], first.snapshots[0]["0.weight"]
    )
    other_shape = Run(Config(hidden=(5,)), initial_state=first.snapshots[0])
    assert not other_shape.shares_weights


def test_looking_at_the_past_leaves_a_paused_run_as_it_was():
    config = Config(n_samples=100, epochs=30, batch_size=16)
    unbroken = Run(config)
    unbroken.advance()
    paused = Run(config)
    paused.advance(epochs=12)
    for epoch in paused.shown_epochs():
        paused.at(epoch)
    paused.advance()
    assert paused.history == unbroken.history
