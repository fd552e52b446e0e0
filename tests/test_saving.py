import json

import pytest
import torch

from explorer import saving
from explorer.config import Config
from explorer.training import Run


@pytest.fixture(scope="module")
def trained() -> Run:
    run = Run(Config(n_samples=80, hidden=(5, 3), epochs=6, features=("x1_x2",)))
    run.advance()
    return run


def test_weights_load_back_into_the_same_network(trained):
    data = saving.weights_file(trained)
    copy = trained.copy().model
    for p in copy.parameters():
        p.data.zero_()
    copy.load_state_dict(saving.load_weights(data))
    for a, b in zip(copy.parameters(), trained.model.parameters(), strict=True):
        assert torch.equal(a, b)


def test_weights_file_carries_the_config(trained):
    # safetensors: eight bytes giving the header's length, then a JSON header.
    data = saving.weights_file(trained)
    header_size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + header_size])
    assert json.loads(header["__metadata__"]["config"]) == trained.config.to_dict()


def test_history_file_has_a_row_per_epoch_and_named_metrics(trained):
    lines = saving.history_file(trained).splitlines()
    assert lines[0] == "epoch,train_loss,train_accuracy,test_loss,test_accuracy"
    assert len(lines) == 1 + 7
    first = lines[1].split(",")
    assert first[0] == "0"
    assert float(first[1]) == pytest.approx(trained.history[0]["train_loss"], 1e-7)


def test_config_file_reads_back_to_the_same_config(trained):
    for config in (trained.config, Config(hidden=(), batch_size=32, mistakes=())):
        assert saving.read_config_file(saving.config_file(config)) == (config, [])


def test_a_config_file_with_bad_values_reads_with_notes():
    text = json.dumps({"lr": 99, "hidden": [0, 4], "colour": "red"})
    config, notes = saving.read_config_file(text.encode())
    assert config.lr == 10 and config.hidden == (1, 4)
    assert len(notes) == 3


@pytest.mark.parametrize("data", [b"\xff\xfe", b"not json", b"[1, 2]", b'"text"'])
def test_a_file_that_is_not_a_config_is_refused_in_words(data):
    with pytest.raises(ValueError, match="not a config"):
        saving.read_config_file(data)
