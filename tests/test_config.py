import pytest

from explorer.config import Config, parse_batch_size, parse_hidden


def test_config_defaults_are_valid():
    # The defaults are what a newcomer trains first: they must pass validation.
    assert Config().task == "binary"


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("lr", 100.0, "lr must be between 1e-05 and 10, got 100"),
        ("lr", 0.0, "lr must be between"),
        ("epochs", 0, "epochs must be between 1 and 5,000"),
        ("epochs", 5001, "epochs must be between 1 and 5,000"),
        ("hidden", (8,) * 7, "hidden must have 0 to 6 layers, got 7"),
        ("hidden", (8, 0), "hidden widths must be between 1 and 128, got 0"),
        ("hidden", (129,), "hidden widths must be between 1 and 128"),
        ("task", "ranking", "task must be one of regression, binary, multiclass"),
        ("activation", "swish", "activation must be one of"),
        ("optimizer", "lbfgs", "optimizer must be one of"),
        ("batch_size", 0, "batch_size must be between 1"),
        ("test_fraction", 0.9, "test_fraction must be between 0.1 and 0.5"),
        ("n_samples", 5, "n_samples must be between 20 and 5,000"),
        ("features", ("x3_squared",), "features must be one of"),
        ("features", ("sin_x1", "sin_x1"), "lists a feature twice"),
        ("device", "tpu", "device must be one of cpu, cuda, mps"),
        ("seed", -1, "seed must be between 0"),
    ],
)
def test_config_refuses_out_of_range_with_named_setting(field, value, words):
    # A bad setting is refused with its name, its allowed range and the value given.
    with pytest.raises(ValueError, match=words.replace("(", r"\(")):
        Config(**{field: value})


def test_config_round_trips_through_dict():
    config = Config(hidden=(3, 5), features=("x1_x2",), batch_size=16, lr=0.001)
    assert Config.from_dict(config.to_dict()) == config


def test_config_from_dict_names_unknown_fields():
    with pytest.raises(ValueError, match="unknown config fields: colour"):
        Config.from_dict({"colour": "red"})


def test_config_live_fields_do_not_restart():
    # lr, weight decay and epochs apply to a running model; anything else restarts.
    base = Config()
    assert not base.restarts_run(base.replace(lr=0.1, epochs=900, weight_decay=1e-3))
    assert base.restarts_run(base.replace(hidden=(4,)))
    assert base.restarts_run(base.replace(noise=0.3))
    assert base.restarts_run(base.replace(optimizer="sgd"))


@pytest.mark.parametrize(
    "text, widths", [("8,8", (8, 8)), (" 16 ", (16,)), ("none", ()), ("", ())]
)
def test_parse_hidden_reads_widths(text, widths):
    assert parse_hidden(text) == widths


def test_parse_hidden_and_batch_size_explain_bad_text():
    with pytest.raises(ValueError, match="like 8,8"):
        parse_hidden("8;8")
    with pytest.raises(ValueError, match="a number or full"):
        parse_batch_size("half")
    assert parse_batch_size("full") is None
    assert parse_batch_size("32") == 32


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("epochs", 2.5, "epochs must be a whole number, got 2.5"),
        ("n_samples", "100", "n_samples must be a whole number"),
        ("hidden", (8.5,), "hidden widths must be a whole number"),
        ("lr", "fast", "lr must be a number"),
        ("standardize", "yes", "standardize must be true or false"),
        ("lr", float("nan"), "lr must be between"),
    ],
)
def test_config_refuses_wrong_types_with_a_message(field, value, words):
    # Values from a file or a link arrive untyped: a wrong type is a ValueError
    # in the user's terms, never a TypeError from deep inside.
    with pytest.raises(ValueError, match=words):
        Config(**{field: value})


def test_config_data_only_keeps_the_data_settings():
    config = Config(noise=0.3, seed=4, hidden=(2,), lr=0.5)
    data = config.data_only()
    assert (data.noise, data.seed) == (0.3, 4)
    assert data.hidden == Config().hidden and data.lr == Config().lr
