"""Lessons show what their text says, and challenges are checked fairly."""

import pytest

from explorer.config import Config
from explorer.findings import diagnose
from explorer.lessons import CHALLENGES, LESSONS, broken_rules, check
from explorer.training import Run


def trained(config: Config) -> Run:
    run = Run(config)
    run.advance()
    return run


def final(run: Run, column: str) -> float:
    return run.history[-1][column]


def test_every_lesson_has_text_a_question_and_setups_that_build():
    required = {
        "activations",
        "regression_vs_classification",
        "learning_rate",
        "notebook",
        "overfitting",
    }
    assert required <= set(LESSONS)
    for lesson in LESSONS.values():
        sentences = lesson.text.count(". ") + 1
        assert 2 <= sentences <= 4 and lesson.question.endswith("?"), lesson.name
        assert 2 <= len(lesson.steps) <= 3
        labels = [step.label for step in lesson.steps]
        assert len(set(labels)) == len(labels)
        configs = [step.config for step in lesson.steps]
        assert len(set(configs)) == len(configs), lesson.name


@pytest.mark.slow
def test_activations_lesson_no_activation_fails_tanh_separates():
    linear, tanh = (trained(s.config) for s in LESSONS["activations"].steps)
    assert final(linear, "test_metric") < 0.7
    assert final(tanh, "test_metric") > 0.95


@pytest.mark.slow
def test_learning_rate_lesson_too_low_right_too_high():
    low, right, high = (trained(s.config) for s in LESSONS["learning_rate"].steps)
    start = low.history[0]["train_loss"]
    assert final(low, "train_loss") > 0.8 * start  # hardly moves
    # ... and the diagnosis says so, though the loss moved a few percent.
    assert "stuck" in [finding.name for finding in diagnose(low)]
    assert diagnose(right) == []
    assert final(right, "test_metric") > 0.85  # R²
    assert high.stopped is not None  # the loss blew up and training stopped


@pytest.mark.slow
def test_overfitting_lesson_shows_a_gap_that_the_other_setups_narrow():
    gaps = []
    for step in LESSONS["overfitting"].steps:
        run = trained(step.config)
        gaps.append(final(run, "test_loss") - final(run, "train_loss"))
    wide, small, more_points = gaps
    assert wide > 2.0
    assert small < wide / 2 and more_points < wide / 2


@pytest.mark.slow
def test_each_challenge_starts_short_of_its_goal_and_can_be_met():
    solutions = {
        "small_spiral": {"hidden": (16,), "activation": "tanh", "lr": 0.03},
        "circles_without_layers": {"features": ("x1_squared", "x2_squared")},
        "sine_with_sgd": {"lr": 0.1},
    }
    assert set(solutions) == set(CHALLENGES)
    for name, challenge in CHALLENGES.items():
        start = trained(challenge.start)
        assert not check(challenge, start.config, start.history).met, name
        solved = challenge.start.replace(**solutions[name])
        assert broken_rules(challenge, solved) == []
        run = trained(solved)
        verdict = check(challenge, run.config, run.history)
        assert verdict.met, (name, verdict)


def test_a_run_that_breaks_a_rule_does_not_meet_the_goal():
    challenge = CHALLENGES["small_spiral"]
    too_big = challenge.start.replace(hidden=(16, 16))
    history = [{"epoch": 1, "test_metric": 0.99}]
    verdict = check(challenge, too_big, history)
    assert not verdict.met
    assert verdict.reasons == ("the network has 32 hidden units; the limit is 16",)

    other_data = challenge.start.replace(dataset="moons")
    assert (
        "dataset must stay Two-arm spiral"
        in check(challenge, other_data, history).reasons[0]
    )
    # Another split would mean other test points: not allowed either.
    other_split = challenge.start.replace(test_fraction=0.1)
    assert not check(challenge, other_split, history).met
    assert check(challenge, challenge.start, history).met


def test_a_run_below_the_goal_says_how_far_it_got():
    challenge = CHALLENGES["sine_with_sgd"]
    verdict = check(challenge, challenge.start, [{"test_metric": 0.5}])
    assert not verdict.met
    assert verdict.reasons == ("test R² 0.500 is below the goal of 0.9",)
    assert not check(challenge, challenge.start, []).met
