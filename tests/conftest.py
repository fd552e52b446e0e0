import pytest
import torch

from explorer.config import Config
from explorer.training import use_one_thread


def pytest_configure(config):
    # As the app and the command line do; otherwise whichever test first calls
    # the command line would change the speed of every test after it.
    use_one_thread()


@pytest.fixture(autouse=True)
def _seed_global_generator():
    # The engine draws from its own generators; seeding the global one makes any
    # accidental use of it show up as a difference between tests, not as flakiness.
    torch.manual_seed(0)


@pytest.fixture
def tiny() -> Config:
    """A small, fast binary setup."""
    return Config(n_samples=64, hidden=(4,), epochs=5)
