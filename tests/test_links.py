"""The page's URL: every config written as query parameters and read back, and
malformed links read without a crash."""

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from explorer import config as cfg
from explorer.config import Config
from explorer.datasets import DATASETS, check
from explorer.links import from_query, to_query

FIELDS = list(to_query(Config()))


@st.composite
def _valid_configs(draw) -> Config:
    # Configs the page can make: every field drawn, each fitting its dataset.
    dataset = draw(st.sampled_from(list(DATASETS)))
    entry = DATASETS[dataset]
    low, high = entry.classes_range or (cfg.MIN_CLASSES, cfg.MAX_CLASSES)
    two_d = entry.n_inputs == 2 and not entry.real
    features = st.lists(st.sampled_from(cfg.EXTRA_FEATURES), unique=True)
    mistakes = [m for m, tasks in cfg.MISTAKE_TASKS.items() if entry.task in tasks]
    return Config(
        task=entry.task,
        dataset=dataset,
        n_samples=draw(st.integers(cfg.MIN_SAMPLES, cfg.MAX_SAMPLES)),
        noise=draw(st.floats(0.0, cfg.MAX_NOISE)),
        test_fraction=draw(st.floats(cfg.MIN_TEST_FRACTION, cfg.MAX_TEST_FRACTION)),
        classes=draw(st.integers(low, high)),
        standardize=draw(st.booleans()),
        features=tuple(draw(features)) if two_d else (),
        hidden=tuple(
            draw(
                st.lists(st.integers(1, cfg.MAX_WIDTH), max_size=cfg.MAX_HIDDEN_LAYERS)
            )
        ),
        activation=draw(st.sampled_from(cfg.ACTIVATIONS)),
        optimizer=draw(st.sampled_from(cfg.OPTIMIZERS)),
        lr=draw(st.floats(cfg.MIN_LR, cfg.MAX_LR)),
        epochs=draw(st.integers(1, cfg.MAX_EPOCHS)),
        batch_size=draw(st.none() | st.integers(1, cfg.MAX_BATCH_SIZE)),
        weight_decay=draw(st.floats(0.0, cfg.MAX_WEIGHT_DECAY)),
        seed=draw(st.integers(0, cfg.MAX_SEED)),
        device=draw(st.sampled_from(cfg.DEVICES)),
        mistakes=tuple(draw(st.lists(st.sampled_from(mistakes), unique=True)))
        if mistakes
        else (),
    )


@given(_valid_configs())
def test_a_link_gives_back_the_config_it_was_made_from(config):
    query = to_query(config)
    assert set(query) == set(FIELDS)  # every field, defaults included
    assert from_query(query) == (config, [])


# Text a person or a broken tool might put in a link.
JUNK = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=string.digits + "-.,e", max_size=30),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["none", "full", "true", "false", "", "nan", "-1", "1e999"]),
    st.sampled_from(list(DATASETS) + ["mnist", "../etc/passwd"]),
)


@settings(max_examples=300)
@given(
    st.dictionaries(
        st.sampled_from(FIELDS) | st.text(max_size=12),
        JUNK | st.lists(JUNK, max_size=3),
        max_size=12,
    )
)
def test_a_malformed_link_never_crashes_and_makes_a_usable_config(params):
    config, notes = from_query(params)
    assert isinstance(config, Config)
    check(config)  # the dataset fits the task, classes and extra inputs
    assert all(isinstance(note, str) and note for note in notes)


def test_out_of_range_values_are_clamped_and_named():
    config, notes = from_query(
        {"lr": "100", "hidden": "-3,999", "epochs": "1e9", "n_samples": "3"}
    )
    assert config.lr == cfg.MAX_LR and config.hidden == (1, cfg.MAX_WIDTH)
    assert config.epochs == cfg.MAX_EPOCHS and config.n_samples == cfg.MIN_SAMPLES
    for name in ("lr", "hidden width", "epochs", "n_samples"):
        assert any(note.startswith(name) for note in notes), name


def test_unknown_and_unreadable_parameters_are_ignored_with_a_note():
    config, notes = from_query({"colour": "red", "seed": "abc", "activation": "relu6"})
    assert config == Config()
    assert len(notes) == 3
    assert any("colour" in note for note in notes)
    assert any("seed" in note for note in notes)


def test_a_dataset_decides_the_task_and_drops_what_does_not_fit_it():
    config, notes = from_query(
        {"task": "binary", "dataset": "iris", "mistakes": "sigmoid_before_loss"}
    )
    assert (config.task, config.dataset, config.mistakes) == ("multiclass", "iris", ())
    assert len(notes) == 2


def test_a_link_to_your_own_data_names_the_file_and_its_columns():
    config = Config(
        task="multiclass",
        dataset="csv",
        csv="penguins; 2024.csv",
        csv_digest="0123456789abcdef",
        target="species",
        inputs=("bill length", "mass (g)"),
        missing="fill",
        one_hot=True,
        delimiter="\t",
        decimal=",",
        encoding="cp1252",
    )
    query = to_query(config)
    assert query["delimiter"] == "tab" and query["inputs"] == "bill length,mass (g)"
    assert from_query(query) == (config, [])
    # Built-in data: the file's settings stay out of the link.
    assert "csv" not in to_query(Config()) and "target" not in to_query(Config())


def test_a_link_to_your_own_data_without_its_file_falls_back_with_a_note():
    config, notes = from_query({"dataset": "csv", "task": "regression"})
    assert config.dataset == "sine" and notes == [
        "dataset csv needs csv= (the file's name) and target=: using sine"
    ]
