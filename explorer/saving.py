"""A run saved as files: its weights, its per-epoch history and its config, and a
config read back from its file."""

import json

import pandas as pd
import torch

from explorer.config import Config
from explorer.links import from_query
from explorer.training import Run


def weights_file(run: Run) -> bytes:
    """The model's state dict in the safetensors format, which loads without
    unpickling anything; the config travels in its metadata."""
    from safetensors.torch import save

    state = {
        k: v.detach().cpu().contiguous() for k, v in run.model.state_dict().items()
    }
    return save(state, metadata={"config": config_file(run.config)})


def load_weights(data: bytes) -> dict[str, torch.Tensor]:
    """A state dict from `weights_file`'s bytes, for `model.load_state_dict`."""
    from safetensors.torch import load

    return load(data)


def history_file(run: Run) -> str:
    """The history as CSV: one row per epoch, row 0 the untrained model."""
    metric = "r2" if run.metric_name == "R²" else run.metric_name
    frame = pd.DataFrame(run.history).rename(
        columns={"train_metric": f"train_{metric}", "test_metric": f"test_{metric}"}
    )
    return frame.to_csv(index=False, float_format="%.8g")


def config_file(config: Config) -> str:
    """The config as JSON, in the command line's field names."""
    return json.dumps(config.to_dict(), indent=2, ensure_ascii=False)


def _as_text(name: str, value) -> str:
    # A JSON value as the text a link would hold for it.
    if value is None:
        return "full"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        empty = "none" if name == "hidden" else ""
        return ",".join(map(str, value)) or empty
    return str(value)


def read_config_file(data: bytes | str) -> tuple[Config, list[str]]:
    """A config from a JSON file such as `config_file` writes, and notes on what
    it held that could not be used as it was (read as a link would be read).

    Raises ValueError when the file is not a JSON object.
    """
    try:
        values = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"the file is not a config in JSON ({error})") from None
    if not isinstance(values, dict):
        raise ValueError("the file holds JSON, but not a config: expected an object")
    return from_query({str(k): _as_text(str(k), v) for k, v in values.items()})
