import csv
import io
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer import csv_format, tables
from explorer.config import TASKS
from explorer.tables import (
    EXAMPLES,
    MAX_BYTES,
    MISSING_MARKERS,
    Format,
    Prepared,
    TableError,
    column_report,
    detect_format,
    prepare,
    read_table,
    suggest_task,
)


def csv_bytes(rows, delimiter=",", encoding="utf-8", line_end="\n") -> bytes:
    text = line_end.join(delimiter.join(map(str, row)) for row in rows) + line_end
    return text.encode(encoding)


def check_prepared(prepared: Prepared) -> None:
    X, y = prepared.X, prepared.y
    assert X.dtype == np.float64 and X.ndim == 2
    assert X.shape == (len(y), len(prepared.feature_names))
    assert len(y) > 0 and len(y) == prepared.n_rows_used <= prepared.n_rows_read
    assert np.isfinite(X).all()
    if prepared.task == "regression":
        assert y.dtype == np.float64 and np.isfinite(y).all()
        assert prepared.class_names is None
    else:
        K = len(prepared.class_names)
        assert y.dtype == np.int64 and K >= 2
        assert set(np.unique(y)) == set(range(K))
        assert prepared.class_mapping == {
            n: k for k, n in enumerate(prepared.class_names)
        }
        assert prepared.task != "binary" or K == 2


# The bundled examples: invented data, made by this seeded script. Running this file
# as a script writes them (python tests/test_tables.py).


def _penguins_like(rng) -> bytes:
    # Semicolons and decimal commas, a text target and a text input, a few gaps.
    species = {
        "Adelie": (38.8, 18.3, 190, 3700, ("Torgersen", "Biscoe", "Dream")),
        "Chinstrap": (48.8, 18.4, 196, 3730, ("Dream",)),
        "Gentoo": (47.5, 15.0, 217, 5080, ("Biscoe",)),
    }
    rows = [["island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm"]]
    rows[0] += ["body_mass_g", "species"]
    for k in range(150):
        name = list(species)[k % 3]
        bill, depth, flipper, mass, islands = species[name]
        rows.append(
            [
                islands[rng.integers(len(islands))],
                f"{bill + rng.normal(0, 2.5):.1f}".replace(".", ","),
                f"{depth + rng.normal(0, 1.0):.1f}".replace(".", ","),
                int(flipper + rng.normal(0, 6)),
                int(mass + rng.normal(0, 400)),
                name,
            ]
        )
    for row, column in zip(
        rng.choice(range(1, 151), 6, replace=False), (1, 2, 4, 5, 3, 1), strict=True
    ):
        rows[row][column] = "NA"
    return csv_bytes(rows, ";")


def _house_prices(rng) -> bytes:
    # Commas, a regression target in k€ and a numeric column with stray text.
    rows = [["size_m2", "rooms", "age_years", "distance_km", "price_keur"]]
    for _ in range(200):
        size = rng.uniform(35, 220)
        rooms = max(1, int(size / 28 + rng.normal(0, 0.8)))
        age = rng.integers(0, 80)
        distance = rng.uniform(0.5, 30)
        price = 2.6 * size * np.exp(-age / 120) * (1.4 - distance / 60)
        price += rng.normal(0, 25)
        rows.append(
            [f"{size:.0f}", rooms, age, f"{distance:.1f}", f"{max(price, 40):.1f}"]
        )
    rows[37][2], rows[142][2] = "unknown", "new"
    return csv_bytes(rows, ",")


def _exam_results(rng) -> bytes:
    # Tabs, Windows-1252 with accented column names, labels -1 (failed) and 1.
    rows = [["heures_étude", "sommeil_h", "cafés_par_jour", "cours_€", "résultat"]]
    for _ in range(240):
        hours = rng.uniform(0, 40)
        sleep = rng.normal(7, 1.2)
        coffee = rng.poisson(2)
        tutoring = rng.choice([0, 0, 0, 50, 120])
        score = 0.12 * hours + 0.5 * (sleep - 7) - 0.2 * coffee + tutoring / 200
        passed = score + rng.normal(0, 0.8) > 2.0
        rows.append(
            [f"{hours:.1f}", f"{sleep:.1f}", coffee, tutoring, 1 if passed else -1]
        )
    rows[11][1] = ""
    return csv_bytes(rows, "\t", encoding="cp1252", line_end="\r\n")


def example_files() -> dict[str, bytes]:
    makers = {
        "penguins_like": _penguins_like,
        "house_prices": _house_prices,
        "exam_results": _exam_results,
    }
    return {name: make(np.random.default_rng(7)) for name, make in makers.items()}


def write_examples() -> None:
    for name, raw in example_files().items():
        EXAMPLES[name].write_bytes(raw)


# Formats


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_detect_format_finds_the_delimiter(delimiter):
    raw = csv_bytes([["a", "b", "c"], [1, 2.5, "x"], [3, 4.5, "y"]], delimiter)
    fmt = detect_format(raw)
    assert fmt == Format("utf-8", delimiter, ".")
    assert list(read_table(raw).frame.columns) == ["a", "b", "c"]


def test_detect_format_finds_decimal_commas():
    # "1,5" in a semicolon file is one and a half.
    raw = csv_bytes([["x", "y"], ["1,5", "2"], ["-0,25", "3,75"]], ";")
    table = read_table(raw)
    assert table.format == Format("utf-8", ";", ",")
    assert table.frame["x"].tolist() == [1.5, -0.25]
    assert "decimal commas" in table.notes[0]


def test_detect_format_keeps_decimal_points_in_semicolon_files():
    raw = csv_bytes([["x", "y"], ["1.5", "2"], ["0.25", "3"]], ";")
    assert detect_format(raw).decimal == "."


def test_read_table_reads_utf8_with_a_byte_order_mark():
    raw = csv_bytes([["prix €", "y"], ["3", "café"]], encoding="utf-8-sig")
    table = read_table(raw)
    assert table.format.encoding == "utf-8-sig"
    assert list(table.frame.columns) == ["prix €", "y"]
    assert "byte-order mark" in table.notes[0]


def test_read_table_reads_utf8_without_a_byte_order_mark():
    raw = csv_bytes([["prix €", "y"], ["3", "café"]])
    table = read_table(raw)
    assert table.format.encoding == "utf-8"
    assert table.frame["y"].tolist() == ["café"]


def test_read_table_reads_windows_1252():
    raw = csv_bytes([["café", "prix €"], ["crème", "3"], ["thé", "4"]], ";", "cp1252")
    table = read_table(raw)
    assert table.format.encoding == "cp1252"
    assert list(table.frame.columns) == ["café", "prix €"]
    assert table.frame["café"].tolist() == ["crème", "thé"]
    assert "Windows-1252" in table.notes[0]


def test_read_table_states_the_detected_format():
    table = read_table(csv_bytes([["a", "b"], ["1", "2"]], "\t"))
    assert table.notes[0] == (
        "Read as UTF-8, columns separated by tabs, decimal points (detected)."
    )


def test_read_table_with_a_format_overrides_detection():
    # Read with decimal points, "1,5" is text, not a number.
    raw = csv_bytes([["x", "y"], ["1,5", "2"], ["2,5", "3"]], ";")
    table = read_table(raw, Format("utf-8", ";", "."))
    assert table.columns["x"].kind == "text"
    assert table.notes[0].endswith("as chosen.")


def test_read_table_follows_a_sep_line():
    raw = b"sep=;\na;b\n1,5;2\n"
    table = read_table(raw)
    assert table.format.delimiter == ";" and table.frame["a"].tolist() == [1.5]


def test_format_refuses_an_unknown_delimiter():
    with pytest.raises(TableError, match="delimiter must be one of"):
        Format("utf-8", "::", ".")


# Broken files


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "empty"),
        (b"\n  \n", "empty"),
        (b"a,b,c\n", "header but no rows"),
        (b"a,b,c\n\n\n", "header but no rows"),
        (b"only\n1\n2\n", "only one column, 'only'"),
        (b"PK\x03\x04\x14\x00\x06\x00", "zip archive"),
        (b"%PDF-1.7\n", "PDF"),
        (
            bytes(np.random.default_rng(0).integers(0, 256, 500, dtype=np.uint8)),
            "not text",
        ),
        (b"a,b\n\x01\x02\x03\x04,\x05\x06\x07\n", "control characters"),
        (b"a,b\n1,2\n3,4,5\n", "Line 3 has 3 cells but the header has 2"),
        (b'a,b\n"1,2\n3,4\n', "never closed"),
        (b"a,b\n1,\x81\x8d\n", "cannot be read as Windows-1252"),
    ],
)
def test_read_table_explains_broken_files(raw, message):
    with pytest.raises(TableError, match=message):
        read_table(raw)


def test_read_table_refuses_files_over_the_limit():
    raw = b"a,b\n" + b"1,2\n" * (MAX_BYTES // 4 + 100_000)
    with pytest.raises(TableError, match=r"is 20\.4 MB; files up to 20 MB"):
        read_table(raw)


def test_read_table_counts_short_rows_as_missing_cells():
    table = read_table(b"a,b,c\n1,2,3\n4,5\n6,7,8\n")
    assert table.frame["c"].isna().tolist() == [False, True, False]
    assert "1 row with fewer cells than the header (lines 3)" in table.notes[1]


def test_read_table_names_blank_and_repeated_columns():
    table = read_table(b"a,,a\n1,2,3\n")
    assert list(table.frame.columns) == ["a", "column 2", "a (2)"]


# Columns


def test_column_report_counts_missing_markers_in_any_case_and_spacing():
    markers = [" NA ", "n/A", "?", "NULL", "nan", "-", "", "  "]
    rows = [["x", "y"]] + [[m, str(k)] for k, m in enumerate(markers)] + [["1", "9"]]
    report = column_report(read_table(csv_bytes(rows)))
    x = report.set_index("column").loc["x"]
    assert x["missing"] == len(markers) and x["kind"] == "numeric"
    assert x["distinct"] == 1


def test_column_report_names_stray_text_in_a_numeric_column():
    # At least three in four cells are numbers: the rest is stray text.
    sizes = [12, 13, "oops", 15, "?!", 16, 17, 18]
    raw = csv_bytes([["size", "n"]] + [[size, k] for k, size in enumerate(sizes)])
    report = column_report(read_table(raw)).set_index("column")
    size = report.loc["size"]
    assert size["kind"] == "numeric with stray text"
    assert size["stray_text"] == 2
    assert size["stray_examples"] == "line 4: 'oops', line 6: '?!'"
    assert report.loc["n", "kind"] == "numeric"


def test_read_table_leaves_mostly_text_as_text():
    raw = csv_bytes([["colour", "n"], ["red", 1], ["blue", 2], ["3", 3], ["red", 4]])
    column = read_table(raw).columns["colour"]
    assert column.kind == "text" and column.distinct == 3


@pytest.mark.parametrize(
    "values, task",
    [
        (["yes", "no", "yes"], "binary"),
        ([0.0, 1.0, 1.0], "binary"),
        (["a", "b", "c"], "multiclass"),
        ([1.0, 2.0, 3.0, 2.0], "multiclass"),
        ([0.5, 1.5, 2.5], "regression"),
        (list(np.arange(50.0)), "regression"),
        ([f"name {k}" for k in range(50)], "multiclass"),
    ],
)
def test_suggest_task_from_the_values(values, task):
    assert suggest_task(pd.Series(values)) == task


# Targets and classes


def penguins() -> bytes:
    rows = [
        ["species", "island", "bill"],
        ["Adelie", "Dream", "39,1"],
        ["Gentoo", "Biscoe", "47,5"],
        ["Adelie", "Torgersen", "38,6"],
        ["Chinstrap", "Dream", "48,8"],
        ["Gentoo", "Biscoe", "46,1"],
        ["Chinstrap", "Dream", "49,0"],
    ]
    return csv_bytes(rows, ";")


def test_prepare_encodes_a_text_target_in_sorted_order():
    prepared = prepare(read_table(penguins()), "species", None, task="multiclass")
    assert prepared.class_names == ["Adelie", "Chinstrap", "Gentoo"]
    assert prepared.class_mapping == {"Adelie": 0, "Chinstrap": 1, "Gentoo": 2}
    assert prepared.y.tolist() == [0, 2, 0, 1, 2, 1]
    assert (
        "The target 'species' has 3 classes, numbered in sorted order: "
        "Adelie → 0, Chinstrap → 1, Gentoo → 2." in prepared.notes
    )
    check_prepared(prepared)


def test_prepare_leaves_out_text_inputs_with_a_note():
    prepared = prepare(read_table(penguins()), "species", None, task="multiclass")
    assert prepared.feature_names == ["bill"]
    assert any("Left out the text column 'island'" in note for note in prepared.notes)


def test_prepare_one_hot_encodes_text_inputs():
    table = read_table(penguins())
    prepared = prepare(table, "species", None, task="multiclass", one_hot=True)
    assert prepared.feature_names == [
        "island=Biscoe",
        "island=Dream",
        "island=Torgersen",
        "bill",
    ]
    assert prepared.X[0].tolist() == [0.0, 1.0, 0.0, 39.1]
    check_prepared(prepared)


@pytest.mark.parametrize(
    "labels, names",
    [
        ([1, 2, 3, 1, 2, 3], ["1", "2", "3"]),
        ([0, 2, 5, 5, 2, 0], ["0", "2", "5"]),
        ([-1, 1, -1, 1, 1, -1], ["-1", "1"]),
        (["1.0", "2.0", "1.0", "2.0", "2.0", "1.0"], ["1", "2"]),
        ([0.5, 1.5, 0.5, 1.5, 0.5, 1.5], ["0.5", "1.5"]),
    ],
)
def test_prepare_remaps_labels_in_sorted_order(labels, names):
    rows = [["x", "label"]] + [[k, label] for k, label in enumerate(labels)]
    task = "binary" if len(names) == 2 else "multiclass"
    prepared = prepare(read_table(csv_bytes(rows)), "label", None, task=task)
    assert prepared.class_names == names
    order = sorted(set(float(label) for label in labels))
    assert prepared.y.tolist() == [order.index(float(label)) for label in labels]
    assert any("numbered in sorted order" in note for note in prepared.notes)
    check_prepared(prepared)


def test_prepare_keeps_labels_that_are_already_class_indices():
    rows = [["x", "label"]] + [[k, k % 3] for k in range(9)]
    prepared = prepare(read_table(csv_bytes(rows)), "label", None, task="multiclass")
    assert prepared.y.tolist() == [k % 3 for k in range(9)]
    assert "The target 'label' has 3 classes, 0 to 2, as they are." in prepared.notes


def test_prepare_refuses_a_target_with_one_value():
    rows = [["x", "ok"]] + [[k, "yes"] for k in range(5)] + [[9, "NA"]]
    with pytest.raises(TableError) as error:
        prepare(read_table(csv_bytes(rows)), "ok", None, task="binary")
    assert str(error.value) == (
        "The target column 'ok' has only one value, 'yes': classification needs at "
        "least two"
    )


def test_prepare_reports_classes_with_fewer_than_two_rows():
    rows = [["x", "y"]] + [[k, "a" if k < 4 else "b"] for k in range(8)] + [[9, "c"]]
    prepared = prepare(read_table(csv_bytes(rows)), "y", None, task="multiclass")
    assert prepared.small_classes == ["c"]
    assert any(
        "'c' has fewer than 2 rows: a stratified" in note for note in prepared.notes
    )


def test_prepare_states_the_majority_baseline_of_an_imbalanced_target():
    rows = [["x", "y"]] + [[k, "no" if k < 9 else "yes"] for k in range(10)]
    prepared = prepare(read_table(csv_bytes(rows)), "y", None, task="binary")
    assert (
        "90% of the rows are 'no': always answering 'no' scores an accuracy of "
        "0.900, the baseline to beat." in prepared.notes
    )


def test_prepare_refuses_more_than_two_classes_for_binary():
    with pytest.raises(TableError, match="choose multi-class classification"):
        prepare(read_table(penguins()), "species", None, task="binary")


def test_prepare_refuses_regression_on_a_text_target():
    with pytest.raises(TableError, match="holds text .* regression predicts numbers"):
        prepare(read_table(penguins()), "species", None, task="regression")


def test_prepare_refuses_classes_from_many_distinct_numbers():
    rows = [["x", "price"]] + [[k, 100 + 1.5 * k] for k in range(40)]
    with pytest.raises(TableError, match="40 distinct values.*choose regression"):
        prepare(read_table(csv_bytes(rows)), "price", None, task="multiclass")


def test_prepare_refuses_a_constant_regression_target():
    rows = [["x", "y"]] + [[k, 3] for k in range(5)]
    with pytest.raises(TableError, match="same value, 3, in every row"):
        prepare(read_table(csv_bytes(rows)), "y", None, task="regression")


# Choices that cannot work


@pytest.mark.parametrize(
    "target, inputs, message",
    [
        ("price", None, "There is no column 'price'; choose the target among"),
        ("species", [], "No input columns are chosen"),
        ("species", ["bill", "species"], "'species' is the target, so it cannot"),
        ("species", ["weight"], "There is no column 'weight'; choose inputs"),
        ("species", ["island"], "No inputs are left to train on: 'island' is text"),
    ],
)
def test_prepare_explains_choices_that_cannot_work(target, inputs, message):
    with pytest.raises(TableError, match=message):
        prepare(read_table(penguins()), target, inputs, task="multiclass")


# Gaps


def gappy() -> bytes:
    rows = [
        ["a", "b", "y"],
        [1, 10, 0.5],
        ["NA", 20, 1.5],
        [3, "oops", 2.5],
        [5, 40, "?"],
        [7, 50, 4.5],
    ]
    return csv_bytes(rows)


def test_prepare_drops_rows_without_a_target():
    prepared = prepare(
        read_table(gappy()), "y", None, task="regression", missing="fill"
    )
    assert prepared.n_rows_read == 5 and prepared.n_rows_used == 4
    assert "Dropped 1 row with no target value." in prepared.notes


def test_prepare_drops_rows_with_gaps_in_inputs():
    prepared = prepare(read_table(gappy()), "y", None, task="regression")
    assert prepared.X.tolist() == [[1.0, 10.0], [7.0, 50.0]]
    assert prepared.y.tolist() == [0.5, 4.5]
    assert (
        "Dropped 2 rows with a missing input value ('a' 1, 'b' 1); filling the gaps "
        "instead would keep them." in prepared.notes
    )
    assert (
        "'b' is a numeric column with 1 cell of stray text (line 4: 'oops'); "
        "counted as missing." in prepared.notes
    )


def test_prepare_fills_gaps_with_the_median():
    # Medians over the rows that have a target: a of 1, 3, 7 and b of 10, 20, 50.
    prepared = prepare(
        read_table(gappy()), "y", None, task="regression", missing="fill"
    )
    assert prepared.X.tolist() == [[1, 10], [3, 20], [3, 20], [7, 50]]
    assert any(
        note.startswith("Filled 1 gap in 'a' with its median, 3,")
        for note in prepared.notes
    )


def test_prepare_explains_when_every_row_has_a_gap():
    rows = [["a", "b", "y"], [1, "NA", 0], ["NA", 2, 1], [3, "", 1]]
    with pytest.raises(TableError, match="Every row has a missing input value"):
        prepare(read_table(csv_bytes(rows)), "y", None, task="binary")


def test_prepare_one_hot_gaps_have_no_category_when_filled():
    rows = [["colour", "y"], ["red", 0], ["NA", 1], ["blue", 1], ["red", 0]]
    table = read_table(csv_bytes(rows))
    prepared = prepare(table, "y", None, task="binary", one_hot=True, missing="fill")
    assert prepared.X.tolist() == [[0, 1], [0, 0], [1, 0], [0, 1]]


# Dtypes and sizes


def test_prepare_gives_float_inputs_and_integer_classes_without_warnings():
    rows = [["a", "b", "label"]] + [[k, k * 2, k % 2] for k in range(10)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = read_table(csv_bytes(rows))
        classes = prepare(table, "label", None, task="binary")
        values = prepare(table, "b", ["a"], task="regression")
    assert classes.X.dtype == np.float64 and classes.y.dtype == np.int64
    assert values.X.dtype == np.float64 and values.y.dtype == np.float64
    check_prepared(classes)
    check_prepared(values)


def test_prepare_samples_large_tables_with_the_seed():
    rows = [["x", "y"]] + [[k, k % 7] for k in range(51_234)]
    table = read_table(csv_bytes(rows))
    prepared = prepare(table, "y", None, task="multiclass", seed=3)
    assert prepared.n_rows_read == 51_234 and prepared.n_rows_used == 20_000
    assert (
        "Trained on a random sample of 20,000 of the 51,234 rows (seed 3)."
        in prepared.notes
    )
    again = prepare(table, "y", None, task="multiclass", seed=3)
    other = prepare(table, "y", None, task="multiclass", seed=4)
    assert np.array_equal(prepared.X, again.X)
    assert not np.array_equal(prepared.X, other.X)


# Bundled examples


def test_examples_are_the_files_the_script_makes():
    for name, raw in example_files().items():
        assert EXAMPLES[name].read_bytes() == raw, f"run python {__file__}"


@pytest.mark.parametrize(
    "name, fmt, task",
    [
        ("penguins_like", Format("utf-8", ";", ","), "multiclass"),
        ("house_prices", Format("utf-8", ",", "."), "regression"),
        ("exam_results", Format("cp1252", "\t", "."), "binary"),
    ],
)
def test_examples_load_and_prepare(name, fmt, task):
    raw = EXAMPLES[name].read_bytes()
    assert len(raw) < 20_000
    table = read_table(raw)
    assert table.format == fmt
    target = table.frame.columns[-1]
    assert suggest_task(table.frame[target]) == task
    for missing in tables.MISSING_OPTIONS:
        prepared = prepare(
            table, target, None, task=task, missing=missing, one_hot=True
        )
        check_prepared(prepared)
        assert prepared.n_rows_used >= 0.9 * prepared.n_rows_read


def test_examples_show_what_they_are_for():
    penguins = read_table(EXAMPLES["penguins_like"].read_bytes())
    assert penguins.columns["island"].kind == "text"
    assert sum(column.missing for column in penguins.columns.values()) == 6
    houses = read_table(EXAMPLES["house_prices"].read_bytes())
    assert houses.columns["age_years"].stray_values == ("unknown", "new")
    exams = read_table(EXAMPLES["exam_results"].read_bytes())
    assert "cafés_par_jour" in exams.columns and "cours_€" in exams.columns
    assert prepare(exams, "résultat", None, task="binary").class_names == ["-1", "1"]


def test_tables_imports_neither_streamlit_nor_torch():
    code = "import sys, explorer.tables; print('streamlit' in sys.modules, 'torch' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False False"


# Any bytes at all: a clean Prepared or a TableError, never another exception.

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")
VARIANTS = MISSING_MARKERS + (" NA ", "Null", "oops", "1e400", "inf", '"a,b"', '"')


@st.composite
def csv_files(draw) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=400))
    encoding = draw(st.sampled_from(ENCODINGS))
    delimiter = draw(st.sampled_from(csv_format.DELIMITERS))
    decimal_comma = delimiter != "," and draw(st.booleans())
    letters = st.characters(
        codec="cp1252" if encoding == "cp1252" else "utf-8",
        exclude_categories=("Cs", "Cc"),
    )
    words = st.text(letters, max_size=6)
    number = st.one_of(
        st.integers(-3, 3).map(str),
        st.floats(-1e6, 1e6).map(lambda v: f"{v:.4g}"),
    )
    if decimal_comma:
        number = number.map(lambda text: text.replace(".", ","))
    cell = st.one_of(
        number,
        number,
        st.sampled_from(["red", "blue", "green"]),
        st.sampled_from(VARIANTS),
        words,
    )
    n_columns = draw(st.integers(1, 5))
    ragged = draw(st.integers(0, 7)) == 0
    rows = [draw(st.lists(words, min_size=n_columns, max_size=n_columns))]
    for _ in range(draw(st.integers(0, 25))):
        width = draw(st.integers(0, n_columns + 1)) if ragged else n_columns
        rows.append(draw(st.lists(cell, min_size=width, max_size=width)))

    line_end = draw(st.sampled_from(["\n", "\r\n"]))
    if draw(st.booleans()):
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator=line_end).writerows(rows)
        text = out.getvalue()
    else:
        text = line_end.join(delimiter.join(row) for row in rows)
    return text.encode(encoding)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=csv_files(), data=st.data())
def test_any_file_gives_clean_arrays_or_a_table_error(raw, data):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            table = read_table(raw)
        except TableError:
            return
        column_report(table)
        names = list(table.frame.columns)
        target = data.draw(st.sampled_from(names))
        inputs = data.draw(st.none() | st.lists(st.sampled_from(names), unique=True))
        try:
            prepared = prepare(
                table,
                target,
                inputs,
                task=data.draw(st.sampled_from(TASKS)),
                missing=data.draw(st.sampled_from(tables.MISSING_OPTIONS)),
                one_hot=data.draw(st.booleans()),
                seed=data.draw(st.integers(0, 2**31 - 1)),
            )
        except TableError:
            return
    check_prepared(prepared)


@st.composite
def frames(draw) -> pd.DataFrame:
    n_rows = draw(st.integers(1, 20))
    columns = {}
    for k in range(draw(st.integers(2, 5))):
        kind = draw(st.sampled_from(["int", "float", "text"]))
        if kind == "int":
            values = st.integers(-1000, 1000)
        elif kind == "float":
            values = st.floats(-1e9, 1e9, allow_subnormal=False)
        else:
            values = st.text("abcdé", min_size=1, max_size=5).map(lambda t: "t" + t)
        columns[f"c{k}é"] = draw(st.lists(values, min_size=n_rows, max_size=n_rows))
    return pd.DataFrame(columns)


@settings(max_examples=60, deadline=None)
@given(
    frame=frames(),
    encoding=st.sampled_from(ENCODINGS),
    sep_decimal=st.sampled_from(
        [(",", "."), (";", ","), (";", "."), ("\t", "."), ("|", ",")]
    ),
)
def test_a_written_frame_reads_back(frame, encoding, sep_decimal):
    # What pandas writes, read_table reads back: columns, numbers and text.
    sep, decimal = sep_decimal
    raw = frame.to_csv(sep=sep, decimal=decimal, index=False).encode(encoding)
    table = read_table(raw)
    assert table.format.delimiter == sep and table.format.encoding == encoding
    assert list(table.frame.columns) == list(frame.columns)
    for name in frame.columns:
        if pd.api.types.is_numeric_dtype(frame[name]):
            np.testing.assert_allclose(table.frame[name], frame[name], rtol=1e-15)
        else:
            assert table.frame[name].tolist() == frame[name].tolist()


if __name__ == "__main__":
    write_examples()
