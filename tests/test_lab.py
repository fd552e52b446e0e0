"""The notebook's walk-through: each step one fix, ending in a network that learns."""

import pytest

from explorer.lab import NOTEBOOK_STEPS, step_configs, walk
from explorer.presets import PRESETS


@pytest.fixture(scope="module")
def summaries():
    return walk()


def test_steps_start_from_the_notebook_and_change_one_thing_each():
    configs = step_configs()
    assert configs[0] == PRESETS["notebook"].config
    for before, after, step in zip(
        configs[:-1], configs[1:], NOTEBOOK_STEPS[1:], strict=True
    ):
        changed = {k for k, v in after.to_dict().items() if before.to_dict()[k] != v}
        assert changed == set(step.changes)


def test_walk_through_shows_each_fix(summaries):
    start, no_sigmoid, _, _, adam = summaries
    # The double sigmoid keeps P inside (0.5, 0.73) and the loss above 0.7.
    assert 0.5 < start["test P(class 1) from"] <= start["test P(class 1) to"] < 0.731
    assert start["lowest train loss"] > 0.7
    # Without it the loss goes below where the double sigmoid held it.
    assert no_sigmoid["lowest train loss"] < start["lowest train loss"]
    # Coin flips stay at chance whatever is fixed; the last step learns the signal.
    assert all(s["test accuracy"] <= 0.6 for s in summaries[:4])
    assert adam["test accuracy"] >= 0.75 and adam["lowest train loss"] < 0.3
    assert adam["test P(class 1) from"] < 0.1 and adam["test P(class 1) to"] > 0.9


def test_every_step_explains_itself():
    for step in NOTEBOOK_STEPS:
        assert step.title and 2 <= step.explanation.count(". ") + 1 <= 4
