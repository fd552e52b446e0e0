"""Benchmark: the engine against a plain hand-written PyTorch loop that computes the
same per-epoch history, and the server time of one full redraw of the charts.

Run with `python -m explorer.bench`. It prints ratios; it asserts nothing, since
timings on a shared machine are noisy.
"""

import argparse
import statistics
import time
import tracemalloc
from dataclasses import replace

import torch

from explorer import diagnostics, figures, tasks
from explorer.config import Config
from explorer.training import Run, Snapshot, use_one_thread

SETUPS = {
    "two moons 2-8-8-1, full batch": Config(
        dataset="moons",
        hidden=(8, 8),
        activation="tanh",
        optimizer="adam",
        lr=0.03,
        epochs=300,
    ),
    # TensorFlow Playground's default: circle, 2-4-2-1 tanh, 250 training points,
    # batch 10, SGD lr 0.03.
    "playground default 2-4-2-1, batch 10": Config(
        dataset="circles",
        n_samples=500,
        test_fraction=0.5,
        noise=0.1,
        hidden=(4, 2),
        activation="tanh",
        optimizer="sgd",
        lr=0.03,
        batch_size=10,
        epochs=100,
        standardize=False,
    ),
}


# Runs of 3,000 epochs replayed from their snapshots: the default network, and the
# largest the page allows on the data with the most inputs.
REPLAYS = {
    "replay, moons 2-8-8-1": Config(epochs=3_000),
    "replay, breast cancer 30-128x6-1": Config(
        task="binary", dataset="breast_cancer", hidden=(128,) * 6, epochs=3_000
    ),
}


def plain_loop(run: Run) -> tuple[list[dict], float]:
    """Train a copy of `run`'s untrained model with a textbook loop, computing the
    same history; returns the history and the seconds it took."""
    config, split = run.config, run.split
    model = run.copy().model
    loss_fn = tasks.loss_function(config.task)
    optimizers = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}
    if config.optimizer not in optimizers:
        raise ValueError(f"the plain loop knows adam and sgd, not {config.optimizer}")
    optimizer = optimizers[config.optimizer](model.parameters(), lr=config.lr)
    # The run's generator has already drawn the initial weights: continue from there.
    generator = torch.Generator()
    generator.set_state(run.generator.get_state())
    X_train, y_train, X_test, y_test = (
        split.X_train,
        split.y_train,
        split.X_test,
        split.y_test,
    )

    start = time.perf_counter()
    history = []
    for epoch in range(config.epochs + 1):
        if epoch > 0:
            if config.batch_size is None:
                batches = [torch.arange(len(X_train))]
            else:
                batches = torch.randperm(len(X_train), generator=generator).split(
                    config.batch_size
                )
            for idx in batches:
                loss = loss_fn(model(X_train[idx]), y_train[idx])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        with torch.no_grad():
            row = {"epoch": epoch}
            for name, X, y in (("train", X_train, y_train), ("test", X_test, y_test)):
                logits = model(X)
                row[f"{name}_loss"] = loss_fn(logits, y).item()
                row[f"{name}_metric"] = tasks.metric(config.task, logits, y)
            history.append(row)
    return history, time.perf_counter() - start


def engine_loop(config: Config) -> tuple[Run, float]:
    run = Run(config)
    start = time.perf_counter()
    run.advance()
    return run, time.perf_counter() - start


def compare(name: str, config: Config, repeats: int) -> None:
    engine_times, plain_times = [], []
    for _ in range(repeats):
        run, seconds = engine_loop(config)
        engine_times.append(seconds)
        history, seconds = plain_loop(Run(config))
        plain_times.append(seconds)
    same = history == run.history
    engine, plain = statistics.median(engine_times), statistics.median(plain_times)
    print(f"{name}:")
    print(
        f"  engine {config.epochs / engine:8,.0f} epochs/s   "
        f"plain loop {config.epochs / plain:8,.0f} epochs/s   "
        f"ratio {engine / plain:.2f} (target <= 1.20)   same history: {same}"
    )


# A boundary counts as good once the test accuracy reaches this.
GOOD_ACCURACY = 0.9
PLAYGROUND_EPOCHS_PER_SECOND = 48  # measured in TensorFlow Playground's own page


def seconds_to_good(config: Config, seeds=(0, 1, 2)) -> tuple[float, float]:
    """Median over seeds of the epochs until the test accuracy first reaches
    GOOD_ACCURACY, and of the engine's seconds to get there."""
    epochs, seconds = [], []
    for seed in seeds:
        run = Run(replace(config, seed=seed))
        start = time.perf_counter()
        while not run.done:
            (row,) = run.advance(epochs=1)
            if row["test_metric"] >= GOOD_ACCURACY:
                break
        seconds.append(time.perf_counter() - start)
        epochs.append(run.epoch)
    return statistics.median(epochs), statistics.median(seconds)


def _draw_all(run: Run | Snapshot) -> None:
    # Compute and serialise every chart of the page, as a redraw does.
    config = run.config
    points = diagnostics.points_frame(run)
    grid = diagnostics.plane_grid(run)
    history = diagnostics.history_frame(run.history)
    charts = [
        figures.decision_boundary_figure(
            grid.xs,
            grid.ys,
            grid.values,
            points,
            config.task,
            run.split.class_names,
            ("x1", "x2"),
            grid.note,
        ),
        figures.output_figure(points, config.task, run.split.class_names),
        figures.loss_figure(history),
        figures.metric_figure(history, run.metric_name),
    ]
    for fig in charts:
        fig.to_json()


def redraw_seconds(config: Config, repeats: int) -> float:
    """Median server time to compute and serialise every chart of the page."""
    run = Run(config)
    run.advance(epochs=100)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        _draw_all(run)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def replay(config: Config, repeats: int) -> tuple[Run, float, float]:
    """Train a run to its end; return it, the Python memory its history took, and
    the median server time to show one of its kept epochs (every chart redrawn)."""
    Run(config.replace(epochs=1)).advance()  # imports and caches, not counted
    tracemalloc.start()
    run = Run(config)
    run.advance()
    python_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    kept = run.shown_epochs()
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        _draw_all(run.at(kept[(i * 7919) % len(kept)]))
        times.append(time.perf_counter() - start)
    return run, python_bytes, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m explorer.bench")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    use_one_thread()  # as the app and the command line do
    print(
        f"torch {torch.__version__}, intra-op threads {torch.get_num_threads()}, "
        f"median of {args.repeats} repeats"
    )
    for name, config in SETUPS.items():
        compare(name, config, args.repeats)
    ours, ours_seconds = seconds_to_good(Config())
    playground = replace(SETUPS["playground default 2-4-2-1, batch 10"], epochs=2_000)
    theirs, _ = seconds_to_good(playground)
    print(
        f"to a test accuracy of {GOOD_ACCURACY}: our defaults {ours:.0f} epochs, "
        f"{ours_seconds:.2f} s of training; the playground default {theirs:.0f} "
        f"epochs, {theirs / PLAYGROUND_EPOCHS_PER_SECOND:.1f} s at "
        f"{PLAYGROUND_EPOCHS_PER_SECOND} epochs/s"
    )
    for task, config in [
        ("binary", Config()),
        ("multiclass", Config(task="multiclass", dataset="blobs")),
    ]:
        seconds = redraw_seconds(config, args.repeats * 4)
        print(
            f"full redraw, {task}, 100x100 grid: {seconds * 1000:.1f} ms "
            f"(target < 50 ms)"
        )
    for name, config in REPLAYS.items():
        run, python_bytes, seconds = replay(config, args.repeats * 4)
        kept = run.snapshot_bytes + python_bytes
        print(
            f"{name}, {run.epoch:,} epochs: {len(run.snapshots)} snapshots every "
            f"{run.snapshot_every} epochs, {kept / 2**20:.1f} MiB kept "
            f"({run.snapshot_bytes / 2**20:.1f} MiB of weights); showing a kept "
            f"epoch {seconds * 1000:.1f} ms (target < 200 ms)"
        )


if __name__ == "__main__":
    main()
