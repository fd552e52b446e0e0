import numpy as np
import pytest
import torch
from torch import nn

from explorer import tasks


@pytest.mark.parametrize(
    "task, classes, summary",
    [
        ("regression", 1, "1 output unit → none → MSELoss"),
        ("binary", 2, "1 output unit → sigmoid → BCEWithLogitsLoss"),
        ("multiclass", 3, "3 output units → softmax → CrossEntropyLoss"),
    ],
)
def test_head_summary_follows_the_task_table(task, classes, summary):
    assert tasks.head_summary(task, classes) == summary


@pytest.mark.parametrize(
    "task, loss",
    [
        ("regression", nn.MSELoss),
        ("binary", nn.BCEWithLogitsLoss),
        ("multiclass", nn.CrossEntropyLoss),
    ],
)
def test_loss_function_takes_raw_outputs(task, loss):
    assert isinstance(tasks.loss_function(task), loss)


def test_target_tensor_has_each_loss_dtype_and_shape():
    # float (N, 1) for MSE and BCE, int64 (N,) for cross-entropy, from any int input.
    y = np.array([0, 1, 1, 0], dtype=np.int32)
    for task in ("regression", "binary"):
        t = tasks.target_tensor(task, y)
        assert t.dtype == torch.float32 and t.shape == (4, 1)
    t = tasks.target_tensor("multiclass", y)
    assert t.dtype == torch.int64 and t.shape == (4,)


def test_read_outputs_applies_exactly_one_squashing():
    logits = torch.tensor([[0.0], [2.0]])
    assert torch.allclose(
        tasks.read_outputs("binary", logits),
        torch.tensor([[0.5], [1 / (1 + np.exp(-2.0))]], dtype=torch.float32),
    )
    probs = tasks.read_outputs("multiclass", torch.tensor([[1.0, 1.0, 1.0]]))
    assert torch.allclose(probs, torch.full((1, 3), 1 / 3))
    assert torch.equal(tasks.read_outputs("regression", logits), logits)


def test_metric_by_hand():
    # Binary: logits > 0 means class 1. Two of three right.
    logits = torch.tensor([[1.0], [-1.0], [2.0]])
    target = torch.tensor([[1.0], [0.0], [0.0]])
    assert tasks.metric("binary", logits, target) == pytest.approx(2 / 3)
    # Multi-class: argmax. One of two right.
    logits = torch.tensor([[0.1, 0.9], [0.8, 0.2]])
    assert tasks.metric("multiclass", logits, torch.tensor([1, 1])) == 0.5
    # R²: predicting the mean gives 0, a perfect fit 1.
    y = torch.tensor([[1.0], [2.0], [3.0]])
    assert tasks.metric("regression", torch.full((3, 1), 2.0), y) == pytest.approx(0)
    assert tasks.metric("regression", y, y) == pytest.approx(1)


def test_head_summary_names_an_activation_inside_the_model():
    assert (
        tasks.head_summary("binary", 2, inside="sigmoid")
        == "1 output unit → sigmoid (inside the model) → sigmoid → BCEWithLogitsLoss"
    )


def test_head_summary_names_a_swapped_loss():
    assert tasks.head_summary("multiclass", 3, loss="MSELoss on the probabilities") == (
        "3 output units → softmax → MSELoss on the probabilities"
    )
