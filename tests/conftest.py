import pytest
import torch

from explorer.config import Config


@pytest.fixture(autouse=True)
def _seed_global_generator():
    # The engine draws from its own generators; seeding the global one makes any
    # accidental use of it show up as a difference between tests, not as flakiness.
    torch.manual_seed(0)


@pytest.fixture
def tiny() -> Config:
    """A small, fast binary setup."""
    return Config(n_samples=64, hidden=(4,), epochs=5)
