"""Scripts exported for a CSV file of your own read the file by its name with
pandas, prepare it as explorer.tables does, and print the engine's history.

The files are made here, each with the quirks of one kind of file; the scripts run
from the folder that holds them, as a user runs one beside its file.
"""

import ast
import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_export import (
    RUN_SCRIPTS,
    assert_matches_history,
    printed_losses,
    run_in_process,
    run_standalone,
    trained,
)

from explorer import csv_format, tables
from explorer.cli import main
from explorer.config import TASKS, Config
from explorer.datasets import make_split
from explorer.export import script
from explorer.export_csv import data_code

STANDALONE_IMPORTS = {"math", "numpy", "pandas", "torch", "sklearn"}


def csv_text(rows, delimiter=",", line_end="\n") -> str:
    return line_end.join(delimiter.join(map(str, row)) for row in rows) + line_end


def measurements(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, 3))


def regression_file() -> bytes:
    # Comma-separated UTF-8, numbers only: y is a curve of three inputs plus noise.
    x = measurements(150, 1)
    y = 2 * x[:, 0] - x[:, 1] + 0.5 * x[:, 2] ** 2 + 0.1 * x[:, 0] * x[:, 2]
    rows = [["x1", "x2", "x3", "y"]]
    rows += [
        [f"{a:.4f}", f"{b:.4f}", f"{c:.4f}", f"{t:.3f}"]
        for (a, b, c), t in zip(x, y, strict=True)
    ]
    return csv_text(rows).encode("utf-8")


def flowers_file() -> bytes:
    # Semicolons and decimal commas; a text input (colour) and a text target with
    # three classes, numbered by the script in sorted order.
    x = measurements(150, 2)
    kinds = np.where(
        x[:, 0] > 0.4, "setosa", np.where(x[:, 1] > 0, "versicolor", "virginica")
    )
    colours = np.array(["blue", "white", "purple"])[np.arange(150) % 3]
    rows = [["colour", "petal length", "petal width", "stem", "kind"]]
    for (a, b, c), kind, colour in zip(x, kinds, colours, strict=True):
        cells = [f"{5 + a:.2f}", f"{2 + b:.2f}", f"{10 + c:.1f}"]
        rows.append([colour, *(cell.replace(".", ",") for cell in cells), kind])
    return csv_text(rows, ";").encode("utf-8")


def exams_file() -> bytes:
    # Windows-1252 with accented column names and Windows line ends; the labels are
    # -1 and 1; one column holds the same value in every row.
    x = measurements(120, 3)
    passed = np.where(x[:, 0] + 0.5 * x[:, 1] > 0, 1, -1)
    rows = [["durée_étude", "café", "sommeil (h)", "année", "réussite"]]
    rows += [
        [f"{10 + 3 * a:.1f}", int(2 + abs(b) * 2), f"{7 + c:.1f}", 2024, label]
        for (a, b, c), label in zip(x, passed, strict=True)
    ]
    return csv_text(rows, ",", "\r\n").encode("cp1252")


def gaps_file() -> bytes:
    # A numeric column with a few stray strings, a number with a non-breaking space
    # after it, gaps written NA, n/a or left empty in the inputs, rows with no
    # target, and a text target yes/no.
    x = measurements(140, 4)
    rows = [["age", "dose", "weight", "outcome"]]
    for i, (a, b, c) in enumerate(x):
        cells = [f"{40 + 10 * a:.0f}", f"{1.5 + b:.2f}", f"{70 + 8 * c:.1f}"]
        cells.append("yes" if a - b > 0 else "no")
        if i % 23 == 5:
            cells[1] = ["unknown", "see notes", "<0.1"][i % 3]
        if i % 17 == 3:
            cells[i % 3] = ["NA", "n/a", ""][i % 3]
        if i % 31 == 7:
            cells[3] = "NA"
        if i == 60:
            cells[2] += "\xa0"
        rows.append(cells)
    return csv_text(rows).encode("utf-8")


def grades_file() -> bytes:
    # UTF-16 with tabs; classes 0, 1 and 2 as they are; more columns than the inputs
    # chosen.
    x = measurements(150, 5)
    grade = np.digitize(x[:, 0] + x[:, 2], [-0.7, 0.7])
    rows = [["hours", "noise", "practice", "student", "grade"]]
    rows += [
        [f"{a:.3f}", f"{b:.3f}", f"{c:.3f}", f"s{i}", g]
        for i, ((a, b, c), g) in enumerate(zip(x, grade, strict=True))
    ]
    return csv_text(rows, "\t").encode("utf-16")


def quirks_file() -> bytes:
    # A byte-order mark, Excel's sep= line, a blank and a repeated column name, text
    # padded with spaces, an infinite number, True/False labels (text to the
    # explorer, booleans to pandas) and a DOS end-of-file mark.
    x = measurements(120, 6)
    rows = [["", "size", "size", "shade", "ok"]]
    for i, (a, b, c) in enumerate(x):
        shade = ["  dark", "light ", " mid "][i % 3]
        rows.append(
            [
                f"{a:.3f}",
                "inf" if i == 9 else f"{b:.3f}",
                f"{c:.3f}",
                shade,
                "True" if a + c > 0 else "False",
            ]
        )
    return ("\ufeffsep=;\n" + csv_text(rows, ";") + "\x1a").encode("utf-8")


def rare_class_file() -> bytes:
    # One row of class "c": too few for a stratified split, so the split is random.
    x = measurements(80, 8)
    rows = [["p", "q", "kind"]]
    rows += [[f"{a:.3f}", f"{b:.3f}", "a" if a > 0 else "b"] for a, b, _ in x]
    rows[40][2] = "c"
    return csv_text(rows).encode("utf-8")


def large_file() -> bytes:
    # More rows than the explorer trains on: a seeded sample; a stray string far
    # down makes pandas, reading in chunks, see mixed types.
    x = measurements(tables.MAX_TRAIN_ROWS + 600, 7)
    rows = [["u", "v", "label"]]
    rows += [[f"{a:.3f}", f"{b:.3f}", int(a * b > 0)] for a, b, _ in x]
    rows[-50][1] = "oops"
    rows[100][0] = ""
    return csv_text(rows).encode("utf-8")


FILES = {
    "measurements.csv": regression_file,
    "flowers.csv": flowers_file,
    "exams.csv": exams_file,
    "gaps.csv": gaps_file,
    "grades.csv": grades_file,
    "quirks.csv": quirks_file,
    "rare.csv": rare_class_file,
    "large.csv": large_file,
}
SMALL = dict(hidden=(8,), epochs=30)

# File name -> the settings for it; every kind of file, task, gap handling, both
# text-input choices, mini-batches and full batch.
CASES = {
    "commas, UTF-8, regression, batches of 32": (
        "measurements.csv",
        dict(task="regression", target="y", batch_size=32, activation="relu", **SMALL),
    ),
    "semicolons, decimal commas, text target, text input left out": (
        "flowers.csv",
        dict(task="multiclass", target="kind", **SMALL),
    ),
    "the same, text input one-hot encoded, batches of 16": (
        "flowers.csv",
        dict(task="multiclass", target="kind", one_hot=True, batch_size=16, epochs=20),
    ),
    "cp1252, accented names, labels -1 and 1, format as chosen": (
        "exams.csv",
        dict(
            task="binary", target="réussite", encoding="cp1252", delimiter=",", **SMALL
        ),
    ),
    "stray text and gaps dropped": (
        "gaps.csv",
        dict(task="binary", target="outcome", missing="drop", **SMALL),
    ),
    "stray text and gaps filled, batches of 20": (
        "gaps.csv",
        dict(task="binary", target="outcome", missing="fill", batch_size=20, **SMALL),
    ),
    "UTF-16, tabs, classes 0 to 2, inputs chosen": (
        "grades.csv",
        dict(task="multiclass", target="grade", inputs=("practice", "hours"), **SMALL),
    ),
    "BOM, sep= line, renamed columns, padded text, inf, True/False": (
        "quirks.csv",
        dict(task="binary", target="ok", one_hot=True, missing="fill", **SMALL),
    ),
    "a class of one row, split at random": (
        "rare.csv",
        dict(task="multiclass", target="kind", **SMALL),
    ),
    "more rows than MAX_TRAIN_ROWS, a seeded sample": (
        "large.csv",
        dict(task="binary", target="label", hidden=(4,), epochs=20, seed=3),
    ),
}
# The bundled examples as the page opens them: the last column predicted, the task
# it suggests.
EXAMPLES = {f"example {name}": path for name, path in tables.EXAMPLES.items()}


def example_config(path: Path) -> Config:
    raw = path.read_bytes()
    table = tables.read_table(raw)
    target = list(table.frame.columns)[-1]
    return Config(
        dataset="csv",
        csv=path.name,
        csv_digest=tables.register(raw),
        target=target,
        task=tables.suggest_task(table.frame[target]),
        epochs=20,
        batch_size=32,
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    # The files, each written once, beside the scripts that read them.
    folder = tmp_path_factory.mktemp("csv")
    for name, make in FILES.items():
        (folder / name).write_bytes(make())
    for path in tables.EXAMPLES.values():
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def config_for(folder: Path, name: str) -> Config:
    # Registered again each time: the process holds only the last few files.
    if name in EXAMPLES:
        return example_config(folder / EXAMPLES[name].name)
    file, settings = CASES[name]
    digest = tables.register((folder / file).read_bytes())
    return Config(dataset="csv", csv=file, csv_digest=digest, **settings)


@pytest.fixture(scope="module")
def standalone_outputs(folder) -> dict[str, str]:
    # Every script, run in one Python of its own from the files' folder.
    paths = []
    for i, name in enumerate([*CASES, *EXAMPLES]):
        paths.append(folder / f"run_{i}.py")
        paths[-1].write_text(script(config_for(folder, name)), encoding="utf-8")
    ran = json.loads(run_standalone("-c", RUN_SCRIPTS, *map(str, paths), cwd=folder))
    assert ran["explorer_modules"] == []
    return dict(zip([*CASES, *EXAMPLES], ran["outputs"], strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("name", [*CASES, *EXAMPLES])
def test_csv_script_prints_the_runs_history(name, folder, standalone_outputs):
    # Run on its own beside its file, the script prints the run's history.
    assert_matches_history(standalone_outputs[name], trained(config_for(folder, name)))


def test_csv_script_reads_the_file_by_its_name(folder):
    text = script(config_for(folder, "stray text and gaps dropped"))
    assert 'CSV_PATH = "gaps.csv"' in text
    assert "pd.read_csv(\n    CSV_PATH,\n" in text
    assert "put gaps.csv beside this script" in text
    imported = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    assert imported == STANDALONE_IMPORTS


def test_csv_script_has_only_the_steps_its_file_needs(folder):
    # A clean numeric file needs no cleaning; a file with gaps and stray text does.
    clean = script(config_for(folder, "commas, UTF-8, regression, batches of 32"))
    steps = ("dropna", "fillna", "to_numeric", "get_dummies", "MAX_TRAIN_ROWS")
    assert not any(step in clean for step in steps)
    assert "na_values" not in clean and "label_to_class" not in clean
    assert "frame.columns" not in clean and "np.where(std > 0" not in clean

    # A column with one value: standardised, it is only shifted to 0.
    flat = script(
        config_for(folder, "cp1252, accented names, labels -1 and 1, format as chosen")
    )
    assert "std = np.where(std > 0, std, 1.0)" in flat
    assert "label_to_class = {-1: 0, 1: 1}" in flat

    drop = script(config_for(folder, "stray text and gaps dropped"))
    assert 'na_values=["", "NA", "n/a"]' in drop
    assert 'pd.to_numeric(frame["dose"], errors="coerce")' in drop
    assert "data = data.dropna(subset=[target])" in drop
    assert "data = data.dropna(subset=inputs)" in drop and "fillna" not in drop
    assert 'label_to_class = {"no": 0, "yes": 1}' in drop

    fill = script(config_for(folder, "stray text and gaps filled, batches of 20"))
    assert "data = data.fillna(data[filled].median())" in fill
    assert "dropna(subset=inputs)" not in fill


def test_csv_script_encodes_text_as_the_engine_does(folder):
    # The one-hot columns and the class numbers, in the engine's order and names.
    config = config_for(folder, "the same, text input one-hot encoded, batches of 16")
    prepared = tables.load(config)
    assert prepared.feature_names[:3] == [
        "colour=blue",
        "colour=purple",
        "colour=white",
    ]
    text = script(config)
    assert 'text_inputs = ["colour"]' in text
    assert '{"setosa": 0, "versicolor": 1, "virginica": 2}' in text
    assert "(n_rows, 6)" in text

    # Comments wrap: read them as one line.
    left_out = script(config_for(folder, CASES_LEFT_OUT)).replace("\n# ", " ")
    assert "leaving out 'colour' (text; one-hot encoding would use it)" in left_out
    assert 'inputs = ["petal length", "petal width", "stem"]' in left_out


CASES_LEFT_OUT = "semicolons, decimal commas, text target, text input left out"


def test_csv_script_samples_the_rows_the_engine_samples(folder, monkeypatch):
    # A smaller limit, so that the sample is quick to check here: the same rows.
    monkeypatch.setattr(tables, "MAX_TRAIN_ROWS", 100)
    config = config_for(folder, "stray text and gaps filled, batches of 20").replace(
        epochs=3, seed=11
    )
    text = script(config)
    assert "MAX_TRAIN_ROWS = 100" in text
    monkeypatch.chdir(folder)
    out, status = run_in_process(text)
    assert status == 0
    assert_matches_history(out, trained(config))


def test_csv_script_scales_a_training_target_of_one_value(folder, monkeypatch):
    # Every training target the same (the one other value fell in the test split):
    # a standard deviation of 0 is taken as 1, as the engine takes it.
    rows = [["x", "y"]] + [[i, 5 if i == 7 else 2] for i in range(20)]
    (folder / "flat.csv").write_bytes(csv_text(rows).encode("utf-8"))
    config = Config(
        task="regression",
        dataset="csv",
        csv="flat.csv",
        csv_digest=tables.register((folder / "flat.csv").read_bytes()),
        target="y",
        epochs=3,
    )
    config = next(
        config.replace(seed=seed)
        for seed in range(50)
        if make_split(config.replace(seed=seed)).y_train_raw.std() == 0
    )
    text = script(config)
    assert "y_mean, y_std = y_train.mean(), y_train.std() or 1.0" in text
    assert "if not total > 0:\n        return loss, 0.0" in text  # its R² is 0
    monkeypatch.chdir(folder)
    out, status = run_in_process(text)
    assert status == 0
    assert_matches_history(out, trained(config))


def test_csv_script_refuses_what_pandas_would_read_otherwise(folder):
    # A DOS end-of-file mark that also stands inside the file: the explorer drops
    # only the last, and pandas would read it as a row with the class "\x1a".
    rows = [["kind", "size", "note"]]
    rows += [["big" if i % 2 else "small", i % 7, "ok"] for i in range(40)]
    rows[5][2] = "\x1a"
    raw = (csv_text(rows) + "\x1a").encode("utf-8")
    config = Config(
        task="binary",
        dataset="csv",
        csv="marks.csv",
        csv_digest=tables.register(raw),
        target="kind",
        missing="fill",
    )
    assert tables.load(config).n_rows_used == 40
    with pytest.raises(ValueError, match="cannot read marks.csv exactly") as error:
        script(config)
    assert "python -m explorer train --csv marks.csv" in str(error.value)


def test_csv_script_reads_a_large_file_in_one_piece():
    # 65 columns: pandas reads 8,192 rows at a time, and stray text in the last
    # chunk alone would give the column numbers and text mixed.
    rng = np.random.default_rng(0)
    rows = [[f"c{i}" for i in range(65)], *rng.integers(0, 10, (8300, 65)).tolist()]
    rows[-3][0] = "oops"
    raw = csv_text(rows).encode("utf-8")
    config = Config(
        task="regression",
        dataset="csv",
        csv="wide.csv",
        csv_digest=tables.register(raw),
        target="c64",
        hidden=(4,),
    )
    text = script(config)
    assert "    low_memory=False,\n" in text
    assert 'frame["c0"] = pd.to_numeric(frame["c0"], errors="coerce")' in text


def test_csv_script_needs_the_file_loaded():
    config = Config(
        task="binary", dataset="csv", csv="x.csv", csv_digest="0" * 16, target="y"
    )
    with pytest.raises(ValueError, match="'x.csv' is not loaded"):
        script(config)


def test_cli_export_writes_a_script_for_a_csv_file(folder, monkeypatch, capsys):
    # --csv FILE --target COLUMN, as train takes them; the script names the file
    # alone and runs from its folder.
    path, out = folder / "measurements.csv", folder / "cli_run.py"
    argv = ["export", "--csv", str(path), "--target", "y", "--epochs", "4"]
    assert main([*argv, "-o", str(out)]) == 0
    config = Config(
        task="regression",
        dataset="csv",
        csv=str(path),
        csv_digest=tables.register(path.read_bytes()),
        target="y",
        epochs=4,
    )
    text = out.read_text(encoding="utf-8")
    assert text == script(config) and 'CSV_PATH = "measurements.csv"' in text
    monkeypatch.chdir(folder)
    printed, status = run_in_process(text)
    assert status == 0 and set(printed_losses(printed)) == {0, 1, 2, 3, 4}
    assert_matches_history(printed, trained(config))


# Any file the explorer trains on: a script whose data steps give the explorer's
# arrays (data_code checks that by running them), or a ValueError that says why not.

CELLS = ["red", " blue", "True", "FALSE", "NA", " n/a ", "?", "", "inf", "1e400"]
CELLS += ["oops", "3\xa0", "x;y", "x,y", "two\nlines", 'say "hi"']


@st.composite
def files(draw) -> bytes:
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    delimiter = draw(st.sampled_from(csv_format.DELIMITERS))
    number = st.one_of(
        st.integers(-3, 3).map(str),
        st.floats(-1e6, 1e6).map(lambda v: f"{v:.4g}"),
    )
    if delimiter != "," and draw(st.booleans()):
        number = number.map(lambda text: text.replace(".", ","))
    cell = st.one_of(number, number, number, st.sampled_from(CELLS))
    n_columns = draw(st.integers(2, 4))
    names = st.sampled_from(["a", "a", "", " b ", "é"])
    rows = [draw(st.lists(names, min_size=n_columns, max_size=n_columns))]
    ragged = draw(st.integers(0, 4)) == 0
    for _ in range(draw(st.integers(6, 30))):
        width = draw(st.integers(1, n_columns)) if ragged else n_columns
        rows.append(draw(st.lists(cell, min_size=width, max_size=width)))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    text = draw(st.sampled_from(["", f"sep={delimiter}\n"])) + out.getvalue()
    text += draw(st.sampled_from(["", "\x1a"]))
    return text.encode(encoding, errors="replace")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=files(), data=st.data())
def test_csv_data_steps_give_the_engines_arrays_or_a_value_error(raw, data):
    try:
        table = tables.read_table(raw)
    except tables.TableError:
        return
    names = list(table.frame.columns)
    target = data.draw(st.sampled_from(names))
    suggested = tables.suggest_task(table.frame[target])
    others = [name for name in names if name != target]
    config = dict(
        dataset="csv",
        csv="any.csv",
        csv_digest=tables.register(raw),
        target=target,
        inputs=tuple(data.draw(st.lists(st.sampled_from(others), unique=True))),
        task=data.draw(st.sampled_from([suggested, suggested, *TASKS])),
        missing=data.draw(st.sampled_from(tables.MISSING_OPTIONS)),
        one_hot=data.draw(st.booleans()),
    )
    try:
        config = Config(**config)
        tables.load(config)
    except ValueError:
        return  # the engine refuses it too
    try:
        data_code(config)
    except ValueError as error:
        assert "cannot read any.csv exactly" in str(error)
