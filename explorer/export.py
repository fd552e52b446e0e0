"""A run as one standalone PyTorch script: the same data, split, scaling, network,
initial weights, batch order and training as the engine's, written for a beginner
to read. On the cpu the script prints the losses the engine's history holds."""

import logging
import re
from itertools import pairwise
from textwrap import fill, indent

import numpy as np

from explorer import export_csv, models, tasks
from explorer.config import CSV, Config
from explorer.datasets import Dataset, check, extra_features, make_split
from explorer.export_data import (
    block,
    comment,
    data_section,
    exportable,
    features_section,
    imports,
    scaling_section,
    tensors_section,
)

log = logging.getLogger(__name__)

# Epochs between printed losses: about ten lines, plus epoch 0 and the last epoch.
PRINTED_LINES = 10

# Settings the script names at its top, in this order, where its code uses them.
SETTINGS = (
    "seed",
    "n_samples",
    "noise",
    "classes",
    "test_fraction",
    "epochs",
    "lr",
    "weight_decay",
    "batch_size",
    "print_every",
)

# Packages a script may need besides torch and numpy: module -> package name.
_NEEDED = {"pandas": "pandas", "sklearn": "scikit-learn"}

_OPTIMIZER_WORDS = {
    "sgd": "plain stochastic gradient descent",
    "momentum": "stochastic gradient descent with momentum 0.9",
    "adam": "Adam",
    "adamw": "AdamW (Adam with decoupled weight decay)",
    "rmsprop": "RMSprop",
}


def _inside_layer(config: Config) -> str:
    if "sigmoid_before_loss" in config.mistakes:
        return "nn.Sigmoid()"
    if "softmax_before_loss" in config.mistakes:
        return "nn.Softmax(dim=1)"
    return ""


def _model_section(config: Config, n_inputs: int, n_classes: int) -> str:
    n_out = tasks.n_outputs(config.task, n_classes)
    widths = [n_inputs, *config.hidden, n_out]
    activation = models.ACTIVATIONS[config.activation].__name__
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:], strict=True)):
        layers.append(f"nn.Linear({fan_in}, {fan_out}),")
        if i < len(config.hidden) and config.activation != "none":
            layers.append(f"nn.{activation}(),")
    raw = "values" if config.task == "regression" else "logits"
    layers[-1] += f"  # (N, {n_out}) raw outputs: {raw}"
    inside = _inside_layer(config)
    if inside:
        layers += [
            "# The mistake: an activation inside the model, although the loss",
            "# below applies its own.",
            f"{inside},",
        ]
    if config.activation == "none" and config.hidden:
        between = "no activation between the layers, so it is one linear map"
    elif config.hidden:
        between = f"{config.activation} after each hidden layer"
    else:
        between = "no hidden layer"
    shape = " -> ".join(map(str, widths))
    return (
        comment(f"Model: {shape} units, {between}.")
        + "\n"
        + block(f"""
        model = nn.Sequential(
{indent(chr(10).join(layers), " " * 12)}
        )
    """)
    )


def _init_section() -> str:
    return block("""
        # Initial weights as PyTorch draws them by default (uniform within
        # ±1/sqrt(fan_in)), but from the seeded generator: layer by layer, the
        # weights and then the biases.
        for layer in model:
            if isinstance(layer, nn.Linear):
                nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
                bound = 1 / math.sqrt(layer.in_features)
                nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
        model = model.to(device)
    """)


def _notebook_draws_section() -> str:
    return block("""
        # The notebook made three 3-10-20-1 models before the one it trained (its
        # cells ran out of order), and each drew its weights from the generator.
        # Draw the same numbers and throw them away, so ours start where its did.
        for _ in range(3):
            for fan_in, fan_out in ((3, 10), (10, 20), (20, 1)):
                torch.empty(fan_out * fan_in).uniform_(generator=generator)
                torch.empty(fan_out).uniform_(generator=generator)
    """)


def _loss_section(config: Config) -> str:
    if "mse_for_classification" in config.mistakes and config.task == "binary":
        return block("""
            # Loss, the mistake: mean squared error between P(class 1) and the 0/1
            # label, where binary classification wants BCEWithLogitsLoss.
            def loss_fn(outputs, y):
                return nn.functional.mse_loss(torch.sigmoid(outputs), y)
        """)
    if "mse_for_classification" in config.mistakes:
        return block("""
            # Loss, the mistake: mean squared error between the class probabilities
            # and one-hot labels, where multi-class classification wants
            # CrossEntropyLoss.
            def loss_fn(outputs, y):
                one_hot = nn.functional.one_hot(y, outputs.shape[1]).float()
                return nn.functional.mse_loss(torch.softmax(outputs, dim=1), one_hot)
        """)
    if "target_shape" in config.mistakes:
        return block("""
            # Loss, the mistake: MSELoss gets targets of shape (N,) for outputs of
            # shape (N, 1), broadcasts both to (N, N) and so compares every output
            # with every target (torch warns about it).
            def loss_fn(outputs, y):
                return nn.functional.mse_loss(outputs, y.reshape(-1))
        """)
    if config.task == "regression":
        return "# Loss: mean squared error.\nloss_fn = nn.MSELoss()"
    if config.task == "binary":
        twice = (
            " (with the sigmoid inside the model, the outputs pass through two)"
            if _inside_layer(config)
            else ""
        )
        intent = comment(
            f"Loss: binary cross-entropy, which applies a sigmoid itself{twice}."
        )
        return intent + "\nloss_fn = nn.BCEWithLogitsLoss()"
    return (
        "# Loss: cross-entropy, which applies a softmax itself.\n"
        "loss_fn = nn.CrossEntropyLoss()"
    )


def _optimizer_section(config: Config) -> str:
    kind, extra = models.OPTIMIZERS[config.optimizer]
    arguments = ", ".join(
        ["model.parameters()", "lr=lr"]
        + [f"{key}={value!r}" for key, value in extra.items()]
        + ["weight_decay=weight_decay"]
    )
    call = f"optimizer = torch.optim.{kind.__name__}({arguments})"
    if len(call) > 88:
        call = f"optimizer = torch.optim.{kind.__name__}(\n    {arguments}\n)"
    words = _OPTIMIZER_WORDS[config.optimizer]
    intent = comment(
        f"Optimizer: {words}, learning rate lr, weight decay weight_decay."
    )
    return f"{intent}\n{call}"


def _evaluate_section(config: Config, flat_split: bool = False) -> str:
    # flat_split: a split's targets are all the same, which leaves R² undefined.
    if config.task == "regression" and flat_split:
        return block("""
            # Evaluation: the loss, in the target's own units (squared), and R² on a
            # whole split (no gradients needed). A split whose targets are all the
            # same has no R²: 0 stands for it, as in the explorer.
            @torch.no_grad()
            def evaluate(X, y):
                outputs = model(X)
                loss = loss_fn(outputs, y).item() * y_std**2
                total = ((y - y.mean()) ** 2).sum()
                if not total > 0:
                    return loss, 0.0
                r2 = 1 - ((y - outputs) ** 2).sum() / total
                return loss, r2.item()
        """)
    if config.task == "regression":
        return block("""
            # Evaluation: the loss, in the target's units (squared), and R² on a
            # whole split (no gradients needed).
            @torch.no_grad()
            def evaluate(X, y):
                outputs = model(X)
                loss = loss_fn(outputs, y).item() * y_std**2
                r2 = 1 - ((y - outputs) ** 2).sum() / ((y - y.mean()) ** 2).sum()
                return loss, r2.item()
        """)
    if config.task == "multiclass":
        read = "# The predicted class: the one with the largest output.\n" + (
            "accuracy = (outputs.argmax(dim=1) == y).float().mean().item()"
        )
    elif _inside_layer(config):
        read = (
            "# Class 1 where the output is above 0, the rule for logits. With the\n"
            "# sigmoid inside the model every output is above 0: all count as class 1.\n"
            "accuracy = ((outputs > 0).float() == y).float().mean().item()"
        )
    else:
        read = (
            "# Class 1 where the logit is above 0, that is where P(class 1) > 0.5.\n"
            "accuracy = ((outputs > 0).float() == y).float().mean().item()"
        )
    return block(f"""
        # Evaluation: the loss and accuracy on a whole split (no gradients needed).
        @torch.no_grad()
        def evaluate(X, y):
            outputs = model(X)
            loss = loss_fn(outputs, y).item()
{indent(read, " " * 12)}
            return loss, accuracy
    """)


def _training_section(config: Config, full_batch: bool) -> str:
    metric = _metric(config)
    if full_batch:
        intro = (
            "# Training loop: one optimizer step per epoch, on the whole training "
            "split."
        )
        steps = """
            loss = loss_fn(model(X_train), y_train)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        """
    else:
        intro = (
            "# Training loop: each epoch visits the training points in a new random\n"
            "# order, batch_size at a time, with one optimizer step per mini-batch."
        )
        steps = """
            order = torch.randperm(len(X_train), generator=generator).to(device)
            for batch in order.split(batch_size):
                loss = loss_fn(model(X_train[batch]), y_train[batch])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        """
    return block(f"""
        def print_losses(epoch, train_loss, test_loss):
            print(f"epoch {{epoch}}: train_loss {{train_loss:.8f}}, test_loss {{test_loss:.8f}}")


{indent(intro, " " * 8)}
        train_loss, train_{metric} = evaluate(X_train, y_train)
        test_loss, test_{metric} = evaluate(X_test, y_test)
        print_losses(0, train_loss, test_loss)  # the untrained model
        for epoch in range(1, epochs + 1):
{indent(block(steps), " " * 12)}

            # Both splits after every epoch. A loss that is no longer a finite number
            # (a learning rate far too high) ends the run, as it does in the explorer.
            train_loss, train_{metric} = evaluate(X_train, y_train)
            test_loss, test_{metric} = evaluate(X_test, y_test)
            if not math.isfinite(loss.item() + train_loss + test_loss):
                print(f"epoch {{epoch}}: the loss is not a finite number; try a lower lr")
                raise SystemExit(1)
            if epoch % print_every == 0 or epoch == epochs:
                print_losses(epoch, train_loss, test_loss)
    """)


def _final_section(config: Config) -> str:
    metric = _metric(config)
    return block(f"""
        # After training: the losses and {metric} on both splits.
        print(
            f"final: train_loss {{train_loss:.8f}}, test_loss {{test_loss:.8f}}, "
            f"train_{metric} {{train_{metric}:.8f}}, test_{metric} {{test_{metric}:.8f}}"
        )
    """)


def _metric(config: Config) -> str:
    return "r2" if config.task == "regression" else "accuracy"


def _device_section(config: Config) -> str:
    if config.device == "cpu":
        where = '# Where to train: "cpu", or "cuda" on an NVIDIA GPU.\ndevice = "cpu"'
    else:
        available = {
            "cuda": "torch.cuda.is_available()",
            "mps": "torch.backends.mps.is_available()",
        }[config.device]
        where = block(f"""
            # Where to train: on {config.device}, as the run did, or else on the cpu.
            device = "{config.device}"
            if not {available}:
                print("{config.device} is not available here: training on the cpu")
                device = "cpu"
        """)
    threads = block("""
        # A network this small trains fastest on one cpu thread, as in the explorer.
        torch.set_num_threads(1)
    """)
    return f"{threads}\n\n{where}"


def _generator_section(entry: Dataset, full_batch: bool) -> str:
    draws = ["the initial weights"]
    if entry.weights_generator is not None:
        draws.insert(0, "the data")
    if not full_batch:
        draws.append("the order of the mini-batches")
    listed = " and ".join([", ".join(draws[:-1]), draws[-1]] if draws[1:] else draws)
    intent = comment(
        f"One seeded random generator draws {listed}, so every run of this script "
        "gives the same numbers."
    )
    return intent + "\ngenerator = torch.Generator().manual_seed(seed)"


def _settings_section(config: Config, body: str) -> str:
    # Only the settings the code below uses, so that none of them is dead.
    words = set()
    for line in body.splitlines():
        words.update(re.findall(r"[A-Za-z_]\w*", line.split("#")[0]))
    values = {name: getattr(config, name, None) for name in SETTINGS}
    values["print_every"] = max(1, config.epochs // PRINTED_LINES)
    lines = [f"{name} = {values[name]!r}" for name in SETTINGS if name in words]
    if "print_every" in words:
        lines[-1] += "  # epochs between printed losses"
    return "# The run's settings, by the names the explorer gives them.\n" + "\n".join(
        lines
    )


def _imports(config: Config, body: str) -> str:
    # numpy only where the code below calls it (scikit-learn's data needs none);
    # pandas for a CSV file.
    numpy = ["import numpy as np"] if "np." in body else []
    pandas = ["import pandas as pd"] if config.dataset == CSV else []
    third_party = [
        *numpy,
        *pandas,
        "import torch",
        *imports(config),
        "from torch import nn",
    ]
    return "import math\n\n" + "\n".join(third_party)


def _header(config: Config, entry: Dataset, widths: list[int], imported: str) -> str:
    # numpy is named always: scikit-learn's data comes as numpy arrays.
    modules = set(re.findall(r"^(?:import|from) (\w+)", imported, re.MULTILINE))
    packages = ["torch", "numpy"] + [
        name for module, name in _NEEDED.items() if module in modules
    ]
    needs = ", ".join(packages[:-1]) + " and " + packages[-1]
    task = tasks.TASKS[config.task].label.lower()
    if config.dataset == CSV:
        what = f"{export_csv.file_name(config)}, {task} of {config.target!r}"
    else:
        what = f"{entry.label}, {task}"
    summary = (
        f"{what}: a {'-'.join(map(str, widths))} network trained for "
        f"{config.epochs} epochs."
    )
    about = (
        "Written by Neural Network Explorer to reproduce one of its runs outside the "
        "app: on the cpu it prints the losses the app showed (to 1e-5). It needs "
        f"{needs}."
    )
    summary, about = (
        fill(text, width=width, break_on_hyphens=False)
        for text, width in ((summary, 85), (about, 88))
    )
    return f'"""{summary}\n\n{about}\n"""'


def _top_level(text: str) -> list[str]:
    # The lines of code at the left margin: statements, not comments or bodies.
    lines = [line for line in text.splitlines() if line[:1] not in ("", " ", "#")]
    return lines or [""]


def _join(sections: list[str]) -> str:
    # Two blank lines before a function and after one, one between other steps.
    def is_def(line):
        return line.startswith(("def ", "@"))

    text = sections[0]
    for before, after in pairwise(sections):
        around_def = is_def(_top_level(before)[-1]) or is_def(_top_level(after)[0])
        text += ("\n\n\n" if around_def else "\n\n") + after
    return text


def _check_exportable(config: Config) -> Dataset:
    entry = check(config)
    if config.dataset != CSV and config.dataset not in exportable():
        raise ValueError(
            f"a script cannot rebuild the dataset {entry.label!r} yet: train it "
            "in the explorer or with `python -m explorer train` instead, or "
            f"export a run on one of {', '.join(exportable())}"
        )
    return entry


def script(config: Config) -> str:
    """A standalone Python script that trains `config`'s run as the engine does.

    It imports only torch, numpy, (for its split, and for data scikit-learn makes
    or ships) scikit-learn, and (for a CSV file, which it reads by its name from
    the folder it runs in) pandas. On the cpu the losses it prints, at epoch 0,
    every few epochs and at the last, equal the run's history to 1e-5 (the
    target's own units for regression), and a loss that is no longer finite stops
    it at the epoch the run stops. Raises ValueError for a config the engine
    rejects or the script cannot rebuild.
    """
    entry = _check_exportable(config)
    # Building the split checks the config as a run would, and counts its points.
    split = make_split(config)
    n_inputs, n_train = split.X_train.shape[1], split.X_train.shape[0]
    full_batch = config.batch_size is None or config.batch_size >= n_train
    made = export_csv.data_code(config) if config.dataset == CSV else None
    # An input, or a regression target, with one value in every training row.
    inputs = split.X_train_raw
    if config.features:
        inputs = extra_features(inputs, config.features)
    flat_inputs = bool(np.any(inputs.std(axis=0) == 0))
    flat_target = config.task == "regression" and split.y_train_raw.std() == 0
    flat_split = config.task == "regression" and any(
        not ((y - y.mean()) ** 2).sum() > 0 for y in (split.y_train, split.y_test)
    )

    sections = [
        _device_section(config),
        _generator_section(entry, full_batch),
        data_section(config, entry, n_train, made, split.stratified),
        features_section(config),
        scaling_section(config, flat_inputs, flat_target),
        tensors_section(config),
        _model_section(config, n_inputs, split.n_classes),
        _notebook_draws_section() if entry.weights_generator is not None else "",
        _init_section(),
        _loss_section(config),
        _optimizer_section(config),
        _evaluate_section(config, flat_split),
        _training_section(config, full_batch),
        _final_section(config),
    ]
    sections = [section for section in sections if section]
    import_lines = _imports(config, "\n".join(sections))
    widths = [n_inputs, *config.hidden, tasks.n_outputs(config.task, split.n_classes)]
    path = [export_csv.path_section(config)] if config.dataset == CSV else []
    text = _join(
        [
            _header(config, entry, widths, import_lines),
            import_lines,
            *path,
            _settings_section(config, "\n".join(sections)),
            *sections,
        ]
    )
    log.info("script for %s: %s lines", config.dataset, f"{text.count(chr(10)):,}")
    return text + "\n"
