"""A training run that advances in slices: whole epochs, or as many as fit in a time
budget, with one history row per epoch. Pausing between slices changes nothing."""

import atexit
import contextlib
import copy
import logging
import math
import threading
import time
import warnings
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

import torch
from torch import nn

from explorer import mistakes, tasks
from explorer.config import Config
from explorer.datasets import Split, entry, make_split
from explorer.models import build_model, make_optimizer, parameter_count

log = logging.getLogger(__name__)

# Snapshots of the weights kept for replaying a run's past: at most this many per
# run, and at most this many bytes of weights, whichever is fewer (never fewer than
# MIN_SNAPSHOTS, however large the network).
MAX_SNAPSHOTS = 200
MAX_SNAPSHOT_BYTES = 16 * 2**20
MIN_SNAPSHOTS = 16


def available_devices() -> list[str]:
    """Devices torch can train on here: cpu always, then cuda and mps if present."""
    devices = ["cpu"]
    if torch.cuda.is_available():
        devices.append("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        devices.append("mps")
    return devices


_warned_fallback: set[str] = set()
# The warnings module's filters are global to the process: one run at a time
# changes them.
_WARNINGS_LOCK = threading.Lock()


def use_one_thread() -> None:
    """Run torch's operations on one thread each.

    These networks are too small to gain from splitting an operation across
    threads, and on a busy server (each session is a thread, the cores are shared)
    the threads' hand-offs cost more than the work: a slice of training then runs
    several times slower.
    """
    torch.set_num_threads(1)


def resolve_device(requested: str) -> tuple[torch.device, str]:
    """The device to train on, and a sentence saying so; cpu if `requested` is absent."""
    if requested in available_devices():
        return torch.device(requested), f"training on {requested}"
    if requested not in _warned_fallback:
        log.warning("device %s is not available here; falling back to cpu", requested)
        _warned_fallback.add(requested)
    return torch.device(
        "cpu"
    ), f"{requested} is not available here, so training runs on cpu"


@dataclass
class Snapshot:
    """A run as it was at one of its kept epochs: what the charts need to draw it.

    `model` is a copy holding that epoch's weights, so drawing it never touches
    the run; `history` ends at that epoch.
    """

    epoch: int
    config: Config
    split: Split
    device: torch.device
    model: nn.Sequential
    history: list[dict]

    @property
    def metric_name(self) -> str:
        return tasks.TASKS[self.config.task].metric


def _state_copy(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}


def _same_shapes(model: nn.Module, state: dict[str, torch.Tensor]) -> bool:
    own = model.state_dict()
    return own.keys() == state.keys() and all(
        own[k].shape == state[k].shape for k in own
    )


class Run:
    """One training run: data, model, optimizer, history, advanced in slices.

    All randomness (initial weights, batch order) comes from the run's own
    generator seeded with `config.seed`, so a run gives the same history whatever
    other threads do and however its epochs are sliced.
    """

    def __init__(
        self,
        config: Config,
        split: Split | None = None,
        initial_state: dict[str, torch.Tensor] | None = None,
    ) -> None:
        """`initial_state`, a state dict of another run's model, gives this run the
        same initial weights where the two networks have the same shapes
        (`shares_weights` says whether it did)."""
        self.config = config
        self.split = split if split is not None else make_split(config)
        self.device, self.device_note = resolve_device(config.device)
        weights_generator = entry(config.dataset).weights_generator
        if weights_generator is not None:
            self.generator = weights_generator(config)
        else:
            self.generator = torch.Generator().manual_seed(config.seed)

        # Weights are drawn on the cpu from the run's generator, then moved.
        n_out = tasks.n_outputs(config.task, self.split.n_classes)
        model = build_model(
            self.split.X_train.shape[1],
            config.hidden,
            config.activation,
            n_out,
            self.generator,
            output_layer=mistakes.output_layer(config),
        )
        self.shares_weights = initial_state is not None and _same_shapes(
            model, initial_state
        )
        if self.shares_weights:
            model.load_state_dict(initial_state)
        self.model = model.to(self.device)
        self._weights = [m.weight for m in self.model if isinstance(m, torch.nn.Linear)]
        self.loss_fn = mistakes.loss_function(config) or tasks.loss_function(
            config.task
        )
        self.optimizer = make_optimizer(
            config.optimizer, self.model.parameters(), config.lr, config.weight_decay
        )
        self.X_train = self.split.X_train.to(self.device)
        self.y_train = self.split.y_train.to(self.device)
        self.X_test = self.split.X_test.to(self.device)
        self.y_test = self.split.y_test.to(self.device)

        self.epoch = 0
        self.seconds = 0.0  # time spent training, evaluation included
        self.stopped: dict | None = None
        # Per epoch from epoch 1: each linear layer's weight-gradient norm at the
        # epoch's last step.
        self.gradient_norms: list[list[float]] = []
        # Weights at epoch 0 and every `snapshot_every` epochs after it. When they
        # pass the limit the interval doubles and every other one goes, so the
        # snapshots always span the whole run.
        self.snapshots: dict[int, dict[str, torch.Tensor]] = {}
        self.snapshot_every = 1
        nbytes = sum(p.numel() * p.element_size() for p in model.parameters())
        self.snapshot_limit = max(
            MIN_SNAPSHOTS, min(MAX_SNAPSHOTS, MAX_SNAPSHOT_BYTES // nbytes)
        )
        self._keep_snapshot()
        # What torch warned about when the loss first ran (a broadcast, say): the
        # page shows it, since a console is where such a warning would go unseen.
        with _WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self.history: list[dict] = [self._evaluate()]
        self.warnings: list[str] = list(dict.fromkeys(str(w.message) for w in caught))

    def __repr__(self) -> str:
        c = self.config
        return (
            f"Run({c.task}, {c.dataset}, hidden={list(c.hidden)}, "
            f"epoch {self.epoch}/{c.epochs}, "
            f"train_loss {self.history[-1]['train_loss']:.4f})"
        )

    @property
    def n_parameters(self) -> int:
        return parameter_count(self.model)

    @property
    def done(self) -> bool:
        """True once the run reached its epochs or was stopped."""
        return self.stopped is not None or self.epoch >= self.config.epochs

    @property
    def seconds_per_epoch(self) -> float | None:
        return self.seconds / self.epoch if self.epoch else None

    @property
    def metric_name(self) -> str:
        return tasks.TASKS[self.config.task].metric

    def set_live(self, config: Config) -> None:
        """Take a new lr, weight decay or epoch target without restarting."""
        if self.config.restarts_run(config):
            raise ValueError("only lr, weight_decay and epochs change a running model")
        for group in self.optimizer.param_groups:
            group["lr"] = config.lr
            group["weight_decay"] = config.weight_decay
        self.config = config

    @property
    def snapshot_bytes(self) -> int:
        """Memory held by the kept snapshots' weights."""
        return sum(
            t.numel() * t.element_size()
            for state in self.snapshots.values()
            for t in state.values()
        )

    def shown_epochs(self) -> list[int]:
        """Epochs that `at` can show: the kept snapshots and the current epoch."""
        return sorted({*self.snapshots, self.epoch})

    def at(self, epoch: int) -> Snapshot:
        """The run as it was at `epoch`, one of `shown_epochs()`."""
        if epoch == self.epoch:
            state = _state_copy(self.model)
        elif epoch in self.snapshots:
            state = self.snapshots[epoch]
        else:
            raise ValueError(
                f"epoch {epoch} was not kept; kept epochs are multiples of "
                f"{self.snapshot_every} up to {self.epoch}"
            )
        model = copy.deepcopy(self.model)
        model.load_state_dict(state)
        return Snapshot(
            epoch,
            self.config,
            self.split,
            self.device,
            model,
            self.history[: epoch + 1],
        )

    def _keep_snapshot(self) -> None:
        if self.epoch % self.snapshot_every:
            return
        self.snapshots[self.epoch] = _state_copy(self.model)
        if len(self.snapshots) > self.snapshot_limit:
            self.snapshot_every *= 2
            self.snapshots = {
                e: state
                for e, state in self.snapshots.items()
                if e % self.snapshot_every == 0
            }

    def copy(self) -> "Run":
        """An independent copy that can be advanced on its own."""
        return copy.deepcopy(self)

    def advance(
        self, epochs: int | None = None, seconds: float | None = None
    ) -> list[dict]:
        """Train up to `epochs` more epochs (default: to the end) or until `seconds`
        pass, whichever comes first, cutting at epoch boundaries; a time budget
        always lets one epoch finish. Returns the new history rows."""
        start = time.perf_counter()
        target = self.config.epochs
        if epochs is not None:
            target = min(target, self.epoch + epochs)
        rows = []
        while not self.done and self.epoch < target:
            loss = self._train_epoch()
            self.epoch += 1
            row = self._evaluate() if math.isfinite(loss) else None
            worst = loss if row is None else row["train_loss"] + row["test_loss"]
            if not math.isfinite(worst):
                self._stop(worst)
                break
            self.history.append(row)
            rows.append(row)
            self._keep_snapshot()
            log.debug(
                "epoch %d: train_loss %.4f, test_loss %.4f",
                self.epoch,
                row["train_loss"],
                row["test_loss"],
            )
            if seconds is not None and time.perf_counter() - start >= seconds:
                break
        self.seconds += time.perf_counter() - start
        if self.done and rows:
            last = self.history[-1]
            log.info(
                "trained %d epochs in %.2f s: train_loss %.4f, test_loss %.4f",
                self.epoch,
                self.seconds,
                last["train_loss"],
                last["test_loss"],
            )
        return rows

    def _train_epoch(self) -> float:
        n = self.X_train.shape[0]
        batch = self.config.batch_size
        if batch is None or batch >= n:
            batches = [(self.X_train, self.y_train)]
        else:
            order = torch.randperm(n, generator=self.generator).to(self.device)
            batches = [
                (self.X_train[idx], self.y_train[idx]) for idx in order.split(batch)
            ]
        # No layer here (no dropout, no batch norm) behaves differently in training
        # and evaluation, so the model's train/eval mode is never switched.
        for X, y in batches:
            loss = self.loss_fn(self.model(X), y)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
        # The last step's gradients, still in place: one norm per linear layer.
        norms = torch.stack([w.grad.norm() for w in self._weights])
        self.gradient_norms.append(norms.tolist())
        return loss.item()

    @torch.no_grad()
    def _evaluate(self) -> dict:
        task = self.config.task
        # Regression losses are reported in the target's own units (squared).
        unit = self.split.y_scale**2 if task == "regression" else 1.0
        row = {"epoch": self.epoch}
        for name, X, y in (
            ("train", self.X_train, self.y_train),
            ("test", self.X_test, self.y_test),
        ):
            logits = self.model(X)
            row[f"{name}_loss"] = self.loss_fn(logits, y).item() * unit
            row[f"{name}_metric"] = tasks.metric(task, logits, y)
        return row

    def _stop(self, loss: float) -> None:
        # The history keeps its finite rows; the weights are no longer usable.
        what = "not a number" if math.isnan(loss) else "infinite"
        reason = (
            f"the loss became {what} at epoch {self.epoch}: "
            f"try a learning rate 10× lower (now {self.config.lr:g})"
        )
        self.stopped = {"epoch": self.epoch, "reason": reason}
        self.epoch -= 1  # the run ends after its last finite epoch
        log.warning(reason)


class BackgroundTrainer:
    """Advances a run on a thread of its own while a page draws it.

    The page and the thread share the run through `lock`: the thread holds it for
    one short slice at a time, cut at epoch boundaries, so a reader waits at most a
    slice and a pause takes effect at the next epoch boundary. Without a
    `heartbeat` for `idle_seconds` (the page was closed) the thread stops itself.
    """

    SLICE_SECONDS = 0.02

    def __init__(self, run: Run, idle_seconds: float = 30.0) -> None:
        self.run = run
        self.lock = threading.Lock()
        self.idle_seconds = idle_seconds
        self._stop = threading.Event()
        self._held = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_heartbeat = time.monotonic()
        self.idle_paused = False  # True once the thread stopped for want of a reader

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Train on in the background until done, paused or left alone."""
        if self.running or self.run.done:
            return
        self._stop.clear()
        self.idle_paused = False
        self.heartbeat()
        self._thread = threading.Thread(
            target=self._loop, daemon=True, name="explorer-trainer"
        )
        _trainers.add(self)
        self._thread.start()

    def pause(self) -> None:
        """Stop after the current epoch; returns once the thread has stopped."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._thread = None

    @contextlib.contextmanager
    def hold(self) -> Iterator[Run]:
        """Keep the thread from training while the block reads or draws the run.

        A page drawing at the same time as the thread trains would get only part
        of the interpreter, so each redraw would take longer than the training it
        interrupts; holding the thread for the redraw avoids that.
        """
        self._held.set()
        try:
            with self.lock:
                yield self.run
        finally:
            self._held.clear()

    def heartbeat(self) -> None:
        """Tell the thread someone is still watching."""
        self._last_heartbeat = time.monotonic()

    def _loop(self) -> None:
        while not self._stop.is_set() and not self.run.done:
            if time.monotonic() - self._last_heartbeat > self.idle_seconds:
                log.info(
                    "nobody is watching: training paused at epoch %s",
                    f"{self.run.epoch:,}",
                )
                self.idle_paused = True
                break
            if self._held.is_set():
                time.sleep(0.002)
                continue
            with self.lock:
                self.run.advance(seconds=self.SLICE_SECONDS)
            time.sleep(0.001)  # let a waiting reader take the lock


# Trainers whose thread may still run when the process exits. Stopping them first
# lets torch shut down cleanly instead of aborting under a running thread.
_trainers: "weakref.WeakSet[BackgroundTrainer]" = weakref.WeakSet()


@atexit.register
def _pause_all() -> None:
    for trainer in list(_trainers):
        trainer.pause()
