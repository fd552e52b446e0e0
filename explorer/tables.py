"""Users' own CSV files, taken as they come: the encoding, delimiter and decimal
mark found, each column's kind and gaps counted, and arrays prepared for training
with a plain sentence for every choice made on the way."""

import csv
import hashlib
import io
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from explorer.config import TASKS, Config
from explorer.csv_format import (
    Format,
    TableError,
    check_not_binary,
    decode,
    detect_format,
    sep_line,
)

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024  # the upload limit
MAX_TRAIN_ROWS = 20_000  # larger tables train on a seeded random sample this size
MAX_CLASSES = 20  # a classification target with more distinct values is refused
MAX_CATEGORIES = 20  # a text input with more distinct values is not one-hot encoded
MISSING_MARKERS = ("", "NA", "N/A", "n/a", "na", "?", "NaN", "nan", "null", "NULL", "-")
MISSING_OPTIONS = ("drop", "fill")

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
# Bundled example files; in each, the last column is the target.
EXAMPLES: dict[str, Path] = {
    "penguins_like": EXAMPLES_DIR / "penguins_like.csv",
    "house_prices": EXAMPLES_DIR / "house_prices.csv",
    "exam_results": EXAMPLES_DIR / "exam_results.csv",
}

_MARKERS = frozenset(marker.lower() for marker in MISSING_MARKERS)


@dataclass(frozen=True)
class Column:
    """What one column holds. Line numbers count the header as line 1."""

    name: str
    kind: str  # "numeric", "text", "numeric with stray text" or "empty"
    missing: int  # cells that are blank or a missing marker
    distinct: int  # distinct values, missing cells and stray text left out
    whole: bool = False  # numeric and every value a whole number
    stray_lines: tuple[int, ...] = ()  # the first few lines with stray text
    stray_values: tuple[str, ...] = ()  # their text
    stray_count: int = 0

    @property
    def numeric(self) -> bool:
        return self.kind in ("numeric", "numeric with stray text")

    def stray_examples(self) -> str:
        return ", ".join(
            f"line {line}: {value!r}"
            for line, value in zip(self.stray_lines, self.stray_values, strict=True)
        )


@dataclass
class Table:
    """A CSV file as read: `frame` has the file's columns, numeric ones as float64
    (NaN where a cell is missing or stray text) and text ones as stripped strings
    (NaN where missing); `columns` describes each; `notes` say how it was read."""

    frame: pd.DataFrame
    format: Format
    columns: dict[str, Column]
    notes: list[str] = field(default_factory=list)


@dataclass
class Prepared:
    """Arrays ready to train on, and how they were made from the table.

    X is float64 (n_rows_used, len(feature_names)), all finite. y is float64 for
    regression, int64 class indices 0..K-1 for classification, every class present;
    class K is `class_names[K]`, the original label as text."""

    X: np.ndarray
    y: np.ndarray
    task: str
    target: str
    inputs: list[str]  # the table's columns the features came from
    feature_names: list[str]
    class_names: list[str] | None
    class_mapping: dict[str, int] | None
    small_classes: list[str]  # classes with fewer than 2 rows
    notes: list[str]
    n_rows_read: int
    n_rows_used: int


# Parsing the text into columns


def _record_lines(text: str, delimiter: str) -> tuple[list[int], list[int]]:
    # The line each data row starts on, and the lines of rows narrower than the
    # header. A row wider than the header cannot be read: which cell is which?
    starts, narrow, width = [], [], 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    try:
        for row in reader:
            line, previous = previous + 1, reader.line_num
            if not row:
                continue
            if not width:
                width = len(row)
                continue
            if len(row) > width:
                raise TableError(
                    f"Line {line} has {len(row)} cells but the header has {width}; "
                    "every row needs as many cells as the header (a cell that holds "
                    f"the delimiter {delimiter!r} must be in double quotes)"
                )
            if len(row) < width:
                narrow.append(line)
            starts.append(line)
    except csv.Error as error:
        raise TableError(f"This file cannot be read as CSV: {error}") from None
    return starts, narrow


def _read_cells(text: str, delimiter: str) -> pd.DataFrame:
    # Every cell as a string, the header as the first row.
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            index_col=False,
            skip_blank_lines=True,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        raise TableError(
            "This file is empty; upload a CSV file with a header and rows"
        ) from None
    except (pd.errors.ParserError, ValueError, csv.Error) as error:
        reason = str(error).replace("Error tokenizing data. C error: ", "").strip()
        if "EOF inside string" in reason:
            reason = "a double quote opens a cell that is never closed"
        raise TableError(f"This file cannot be read as CSV: {reason}") from None


def _header(cells: pd.DataFrame, notes: list[str]) -> list[str]:
    names, renamed = [], []
    for position, raw in enumerate(cells.iloc[0].fillna(""), start=1):
        name = str(raw).strip() or f"column {position}"
        base, copy = name, 2
        while name in names:
            name, copy = f"{base} ({copy})", copy + 1
        if name != str(raw):
            renamed.append(f"{str(raw)!r} → {name!r}")
        names.append(name)
    if renamed:
        notes.append(f"Renamed blank or repeated column names: {', '.join(renamed)}.")
    return names


def _numbers(cells: pd.Series, decimal: str) -> np.ndarray:
    # float64 per cell, NaN where a cell is not a finite number.
    if decimal == ",":
        cells = cells.str.replace(",", ".", regex=False)
    values = pd.to_numeric(cells.to_numpy(dtype=object), errors="coerce")
    values = np.asarray(values, dtype=np.float64)
    return np.where(np.isfinite(values), values, np.nan)


def _column(
    name: str, cells: pd.Series, decimal: str, lines: np.ndarray
) -> tuple[Column, pd.Series]:
    # One column's facts and its values: numbers if at least three in four of its
    # non-missing cells are numbers (the rest are stray text), else text.
    cells = cells.fillna("").str.strip()
    missing = cells.str.lower().isin(_MARKERS).to_numpy()
    values = _numbers(cells, decimal)
    present = ~missing
    n_numbers = int(np.sum(present & ~np.isnan(values)))
    n_present = int(present.sum())
    if n_present == 0:
        return Column(name, "empty", int(missing.sum()), 0), pd.Series(
            np.full(len(cells), np.nan), name=name
        )
    if n_numbers == 0 or n_numbers < 0.75 * n_present:
        text = cells.where(present)
        column = Column(name, "text", int(missing.sum()), int(text.nunique()))
        return column, text.rename(name)

    stray = np.flatnonzero(present & np.isnan(values))
    finite = values[~np.isnan(values)]
    column = Column(
        name,
        "numeric with stray text" if len(stray) else "numeric",
        int(missing.sum()),
        int(len(np.unique(finite))),
        whole=bool(np.all(finite == np.round(finite))),
        stray_lines=tuple(int(lines[i]) for i in stray[:5]),
        stray_values=tuple(cells.iloc[i][:40] for i in stray[:5]),
        stray_count=len(stray),
    )
    return column, pd.Series(values, name=name)


def read_table(raw: bytes, fmt: Format | None = None) -> Table:
    """Read the bytes of a CSV file; `fmt` None detects the format (detect_format).

    The first row is the header. Cells are stripped of spaces; a cell that is one of
    `MISSING_MARKERS` (any case) is missing. Rows narrower than the header have
    missing cells at the end. Raises TableError for files over `MAX_BYTES`, files
    that are empty, not text, or have fewer than two columns or no rows, and rows
    wider than the header.
    """
    if len(raw) > MAX_BYTES:
        raise TableError(
            f"This file is {len(raw) / 2**20:.1f} MB; files up to "
            f"{MAX_BYTES / 2**20:.0f} MB can be read. Upload fewer rows or columns"
        )
    if not raw.strip():
        raise TableError("This file is empty; upload a CSV file with a header and rows")
    notes = []
    if fmt is None:
        fmt = detect_format(raw)
        notes.append(f"Read as {fmt.describe()} (detected).")
    else:
        check_not_binary(raw)
        notes.append(f"Read as {fmt.describe()}, as chosen.")
    text = decode(raw, fmt.encoding)
    if sep_line(text) == fmt.delimiter:
        text = text.split("\n", 1)[1] if "\n" in text else ""

    starts, narrow = _record_lines(text, fmt.delimiter)
    cells = _read_cells(text, fmt.delimiter)
    names = _header(cells, notes)
    body = cells.iloc[1:].reset_index(drop=True)
    _check_shape(names, len(body), fmt)
    lines = np.asarray(starts) if len(starts) == len(body) else np.arange(len(body)) + 2
    if narrow:
        notes.append(
            f"Found {_count(len(narrow), 'row')} with fewer cells than the header "
            f"(lines {_lines(narrow)}): the cells they lack count as missing."
        )

    columns, series = {}, {}
    for position, name in enumerate(names):
        columns[name], series[name] = _column(
            name, body.iloc[:, position], fmt.decimal, lines
        )
    frame = pd.DataFrame(series)
    log.info("table read: %s rows, %d columns, %s", f"{len(frame):,}", len(names), fmt)
    return Table(frame, fmt, columns, notes)


def _check_shape(names: list[str], n_rows: int, fmt: Format) -> None:
    if len(names) < 2:
        raise TableError(
            f"Found only one column, {names[0]!r}; a table needs a target column and "
            "at least one input column, separated by commas, semicolons, tabs or "
            "bars (|)"
        )
    if n_rows == 0:
        raise TableError("This file has a header but no rows of data; add rows")


def _count(n: int, word: str) -> str:
    plural = word + ("es" if word.endswith("s") else "s")
    return f"{n:,} {word if n == 1 else plural}"


def _lines(lines: list[int] | tuple[int, ...], limit: int = 5) -> str:
    shown = ", ".join(str(line) for line in lines[:limit])
    return shown + (", …" if len(lines) > limit else "")


def column_report(table: Table) -> pd.DataFrame:
    """One row per column: column, kind, missing, distinct, stray_text (the number
    of cells of text in a numeric column) and stray_examples ("line 4: 'oops'")."""
    return pd.DataFrame(
        [
            {
                "column": column.name,
                "kind": column.kind,
                "missing": column.missing,
                "distinct": column.distinct,
                "stray_text": column.stray_count,
                "stray_examples": column.stray_examples(),
            }
            for column in table.columns.values()
        ],
        columns=[
            "column",
            "kind",
            "missing",
            "distinct",
            "stray_text",
            "stray_examples",
        ],
    )


def suggest_task(series: pd.Series) -> str:
    """The task a column of `Table.frame` suggests as a target.

    "binary" for at most two distinct values; "multiclass" for text, and for
    whole numbers with 3 to MAX_CLASSES distinct values; "regression" for other
    numbers. Text with more than MAX_CLASSES distinct values still gets
    "multiclass" (text can only be classes), and `prepare` then refuses it with
    the reason.
    """
    values = series.dropna()
    distinct = values.unique()
    if len(distinct) <= 2:
        return "binary"
    if not pd.api.types.is_numeric_dtype(series):
        return "multiclass"
    numbers = np.asarray(distinct, dtype=np.float64)
    whole = bool(np.all(numbers == np.round(numbers)))
    return "multiclass" if whole and len(distinct) <= MAX_CLASSES else "regression"


# Preparing arrays to train on


def _quoted(names, limit: int = 8) -> str:
    names = list(names)
    shown = ", ".join(repr(name) for name in names[:limit])
    return shown + (f" and {len(names) - limit:,} more" if len(names) > limit else "")


def _check_choices(
    table: Table, target: str, inputs: list[str] | None, task: str, missing: str
) -> list[str]:
    if task not in TASKS:
        raise TableError(f"task must be one of {', '.join(TASKS)}; got {task!r}")
    if missing not in MISSING_OPTIONS:
        raise TableError(
            f"missing must be one of {', '.join(MISSING_OPTIONS)}; got {missing!r}"
        )
    names = list(table.columns)
    if target not in table.columns:
        raise TableError(
            f"There is no column {target!r}; choose the target among {_quoted(names)}"
        )
    if inputs is None:
        return [name for name in names if name != target]
    inputs = list(dict.fromkeys(inputs))
    if not inputs:
        raise TableError("No input columns are chosen; choose at least one")
    unknown = [name for name in inputs if name not in table.columns]
    if unknown:
        raise TableError(
            f"There is no column {_quoted(unknown)}; choose inputs among "
            f"{_quoted(names)}"
        )
    if target in inputs:
        raise TableError(
            f"{target!r} is the target, so it cannot be an input too; "
            "take it out of the inputs"
        )
    return inputs


def _check_target(table: Table, target: str, task: str) -> None:
    column = table.columns[target]
    if column.kind == "empty":
        raise TableError(
            f"The target column {target!r} has no values; choose another target"
        )
    if task == "regression" and not column.numeric:
        examples = _quoted(table.frame[target].dropna().unique(), limit=3)
        raise TableError(
            f"The target column {target!r} holds text ({examples}), and regression "
            "predicts numbers; choose binary or multi-class classification, or a "
            "numeric target"
        )


def _choose_inputs(
    table: Table, inputs: list[str], rows: np.ndarray, one_hot: bool, notes: list[str]
) -> list[str]:
    # The inputs that can be used; notes name the ones left out and why.
    used, text, empty, too_many = [], [], [], []
    for name in inputs:
        column, values = table.columns[name], table.frame[name][rows]
        if values.notna().sum() == 0:
            empty.append(name)
        elif column.numeric:
            used.append(name)
        elif not one_hot:
            text.append(name)
        elif values.nunique() > MAX_CATEGORIES:
            too_many.append(name)
        else:
            used.append(name)

    if text:
        notes.append(
            f"Left out the text column{'s' * (len(text) > 1)} {_quoted(text)}; "
            "one-hot encoding would use text columns."
        )
    if too_many:
        notes.append(
            f"Left out {_quoted(too_many)}: more than {MAX_CATEGORIES} distinct "
            "values is too many to one-hot encode."
        )
    if empty:
        notes.append(f"Left out {_quoted(empty)}: no values in the rows used.")
    if not used:
        reasons = [
            f"{_quoted(names)} {'is' if len(names) == 1 else 'are'} {reason}"
            for names, reason in (
                (
                    text,
                    "text (one-hot encoding would use "
                    f"{'it' if len(text) == 1 else 'them'})",
                ),
                (too_many, f"text with more than {MAX_CATEGORIES} values"),
                (empty, "without values"),
            )
            if names
        ]
        raise TableError(
            f"No inputs are left to train on: {'; '.join(reasons)}. "
            "Choose numeric input columns"
        )
    return used


def _stray_notes(table: Table, names: list[str]) -> list[str]:
    return [
        f"{name!r} is a numeric column with {_count(column.stray_count, 'cell')} "
        f"of stray text ({column.stray_examples()}{', …' * (column.stray_count > 5)}); "
        "counted as missing."
        for name in names
        if (column := table.columns[name]).stray_count
    ]


def _handle_gaps(
    frame: pd.DataFrame, inputs: list[str], rows: np.ndarray, missing: str
) -> tuple[np.ndarray, list[str]]:
    # Drop the rows with a gap in an input, or keep them to fill; return the rows.
    gaps = frame.loc[rows, inputs].isna()
    counts = {name: int(n) for name, n in gaps.sum().items() if n}
    if not counts:
        return rows, []
    listed = ", ".join(f"{name!r} {n:,}" for name, n in counts.items())
    if missing == "fill":
        return rows, []  # each column's filling is noted where it is filled

    rows = rows.copy()
    has_gap = gaps.any(axis=1).to_numpy()
    rows[np.flatnonzero(rows)[has_gap]] = False
    if not rows.any():
        worst = max(counts, key=counts.get)
        raise TableError(
            f"Every row has a missing input value ({listed}); choose to fill gaps "
            f"instead of dropping rows, or leave out {worst!r}"
        )
    return rows, [
        f"Dropped {_count(int(has_gap.sum()), 'row')} with a missing input value "
        f"({listed}); filling the gaps instead would keep them."
    ]


def _sample(rows: np.ndarray, seed: int) -> tuple[np.ndarray, list[str]]:
    # Indices of the rows used: all of them, or a seeded random sample in file order.
    index = np.flatnonzero(rows)
    if len(index) <= MAX_TRAIN_ROWS:
        return index, []
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(index, MAX_TRAIN_ROWS, replace=False))
    log.warning(
        "table sampled: %s of %s rows (seed %d)",
        f"{MAX_TRAIN_ROWS:,}",
        f"{len(index):,}",
        seed,
    )
    return sample, [
        f"Trained on a random sample of {MAX_TRAIN_ROWS:,} of the {len(index):,} "
        f"rows (seed {seed})."
    ]


def _features(
    table: Table,
    inputs: list[str],
    index: np.ndarray,
    medians: dict[str, float],
    notes: list[str],
) -> tuple[np.ndarray, list[str]]:
    # (n_rows_used, n_features) float64; a text input becomes one column per value.
    blocks, names = [], []
    for name in inputs:
        values = table.frame[name].iloc[index]
        if table.columns[name].numeric:
            x = values.to_numpy(dtype=np.float64)
            if name in medians and np.isnan(x).any():
                notes.append(
                    f"Filled {_count(int(np.isnan(x).sum()), 'gap')} in {name!r} with its "
                    f"median, {medians[name]:.10g}, taken over all rows before the "
                    "training/test split."
                )
                x = np.where(np.isnan(x), medians[name], x)
            if len(x) > 1 and np.ptp(x) == 0:
                notes.append(
                    f"{name!r} has the same value in every row: it cannot help."
                )
            blocks.append(x[:, None])
            names.append(name)
            continue

        categories = sorted(values.dropna().unique())
        if not categories:
            notes.append(f"Left out {name!r}: no values in the rows used.")
            continue
        blocks.append(
            np.column_stack(
                [(values == c).to_numpy(dtype=np.float64) for c in categories]
            )
        )
        names += [f"{name}={c}" for c in categories]
        n_gaps = int(values.isna().sum())
        notes.append(
            f"One-hot encoded {name!r} into {len(categories)} columns"
            + (
                f"; {_count(n_gaps, 'gap')} in it "
                f"{'gets' if n_gaps == 1 else 'get'} no category (all those columns 0)."
                if n_gaps
                else "."
            )
        )
    if not blocks:
        raise TableError("No inputs are left to train on; choose other input columns")
    return np.ascontiguousarray(np.hstack(blocks), dtype=np.float64), names


def _label_names(labels: np.ndarray) -> list[str]:
    if np.all(labels == np.round(labels)):
        return [str(int(label)) for label in labels]
    return [repr(float(label)) for label in labels]


def _mapping_text(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(f"{name} → {k}" for k, name in enumerate(names[:limit]))
    return shown + (", …" if len(names) > limit else "")


def _encode_classes(
    values: pd.Series, numeric: bool, target: str, task: str, more_in_file: bool
) -> tuple[np.ndarray, list[str], list[str]]:
    # Class indices 0..K-1 in sorted order of the labels; K is checked for the task.
    if numeric:
        labels = np.unique(values.to_numpy(dtype=np.float64))
        y = np.searchsorted(labels, values.to_numpy(dtype=np.float64))
        names = _label_names(labels)
    else:
        names = sorted(str(value) for value in values.unique())
        y = np.searchsorted(np.asarray(names, dtype=object), values.to_numpy(object))
    K = len(names)

    if K == 1:
        where = " in the rows kept" if more_in_file else ""
        raise TableError(
            f"The target column {target!r} has only one value, {names[0]!r}{where}: "
            "classification needs at least two"
        )
    if K > MAX_CLASSES:
        remedy = (
            "choose regression"
            if numeric
            else "choose a target column with fewer values"
        )
        raise TableError(
            f"The target column {target!r} has {K:,} distinct values, more than the "
            f"{MAX_CLASSES} classes classification takes here; {remedy}"
        )
    if task == "binary" and K > 2:
        raise TableError(
            f"Binary classification needs a target with two values; {target!r} has "
            f"{K} ({_quoted(names, limit=5)}): choose multi-class classification"
        )

    notes = []
    if numeric and names == [str(k) for k in range(K)]:
        notes.append(
            f"The target {target!r} has {K} classes, 0 to {K - 1}, as they are."
        )
    else:
        notes.append(
            f"The target {target!r} has {K} classes, numbered in sorted order: "
            f"{_mapping_text(names)}."
        )
    if task == "multiclass" and K == 2:
        notes.append("The target has two classes: binary classification fits it too.")
    return y.astype(np.int64), names, notes


def _balance_notes(y: np.ndarray, names: list[str]) -> tuple[list[str], list[str]]:
    counts = np.bincount(y, minlength=len(names))
    small = [name for name, n in zip(names, counts, strict=True) if n < 2]
    notes = []
    if small:
        notes.append(
            f"The class{'es' * (len(small) > 1)} {_quoted(small)} "
            f"{'have' if len(small) > 1 else 'has'} fewer than 2 rows: a stratified "
            "training/test split cannot put every class in both parts."
        )
    share = counts.max() / len(y)
    if share > 0.8:
        majority = names[int(counts.argmax())]
        notes.append(
            f"{share:.0%} of the rows are {majority!r}: always answering "
            f"{majority!r} scores an accuracy of {share:.3f}, the baseline to beat."
        )
    return small, notes


def _regression_target(values: pd.Series, target: str) -> tuple[np.ndarray, list[str]]:
    y = values.to_numpy(dtype=np.float64)
    distinct = np.unique(y)
    if len(distinct) == 1:
        raise TableError(
            f"The target column {target!r} has the same value, {distinct[0]:.10g}, in "
            "every row: there is nothing to predict; choose another target"
        )
    notes = []
    if len(distinct) <= MAX_CLASSES and np.all(distinct == np.round(distinct)):
        notes.append(
            f"The target {target!r} has only {len(distinct)} distinct whole values; "
            "classification may suit it."
        )
    return y, notes


def _classes(
    table: Table, target: str, task: str, index: np.ndarray, kept: np.ndarray
) -> tuple[np.ndarray, list[str], list[str], list[str]]:
    # Class indices of the rows used, class names, small classes and notes.
    column = table.frame[target]
    y, names, notes = _encode_classes(
        column.iloc[index],
        table.columns[target].numeric,
        target,
        task,
        more_in_file=column.nunique() > 1,
    )
    lost = column[kept].nunique() - len(names)
    if lost:
        notes.append(f"The random sample has no rows of {_count(lost, 'class')}.")
    small, balance_notes = _balance_notes(y, names)
    return y, names, small, notes + balance_notes


def prepare(
    table: Table,
    target: str,
    inputs: list[str] | None,
    task: str,
    missing: str = "drop",
    one_hot: bool = False,
    seed: int = 0,
) -> Prepared:
    """Arrays to train on from `table`: `target` predicted from `inputs` (None:
    every other column) for `task` ("regression", "binary" or "multiclass").

    Rows with a missing target are dropped. Gaps in inputs (missing cells and stray
    text) drop their rows (`missing="drop"`) or are filled (`"fill"`) with the
    column's median over all rows, before any training/test split. Text inputs are
    left out, or one-hot encoded with `one_hot`. More than MAX_TRAIN_ROWS rows left
    are sampled at random with `seed`. Raises TableError naming what to change.
    """
    inputs = _check_choices(table, target, inputs, task, missing)
    _check_target(table, target, task)
    frame, notes = table.frame, list(table.notes)

    # Rows: those with a target, then those without gaps in the inputs used.
    rows = frame[target].notna().to_numpy()
    notes += _stray_notes(table, [target])
    if not rows.all():
        notes.append(
            f"Dropped {_count(int((~rows).sum()), 'row')} with no target value."
        )
    inputs = _choose_inputs(table, inputs, rows, one_hot, notes)
    notes += _stray_notes(table, inputs)
    medians = {
        name: float(frame.loc[rows, name].median())
        for name in inputs
        if missing == "fill" and table.columns[name].numeric
    }
    kept, gap_notes = _handle_gaps(frame, inputs, rows, missing)
    notes += gap_notes
    index, sample_notes = _sample(kept, seed)
    notes += sample_notes

    X, feature_names = _features(table, inputs, index, medians, notes)
    if task == "regression":
        y, target_notes = _regression_target(frame[target].iloc[index], target)
        class_names, small = None, []
    else:
        y, class_names, small, target_notes = _classes(table, target, task, index, kept)
    notes += target_notes

    log.info(
        "table prepared: %s of %s rows, %d features, %s on %r",
        f"{len(y):,}",
        f"{len(frame):,}",
        X.shape[1],
        task,
        target,
    )
    return Prepared(
        X=X,
        y=y,
        task=task,
        target=target,
        inputs=inputs,
        feature_names=feature_names,
        class_names=class_names,
        class_mapping=None
        if class_names is None
        else {name: k for k, name in enumerate(class_names)},
        small_classes=small,
        notes=notes,
        n_rows_read=len(frame),
        n_rows_used=len(y),
    )


# The files a config names: held by digest, since a link or a config names a file
# but never carries its bytes


_FILES: OrderedDict[str, bytes] = OrderedDict()
MAX_FILES = 8  # files held at once in this process, the least recently used go


def register(raw: bytes) -> str:
    """Hold `raw` for configs to name by the digest returned."""
    if len(raw) > MAX_BYTES:
        raise TableError(
            f"the file is {len(raw) / 2**20:.1f} MB; the limit is "
            f"{MAX_BYTES // 2**20} MB: cut it down to fewer rows or columns"
        )
    digest = hashlib.sha256(raw).hexdigest()[:16]
    _FILES[digest] = raw
    _FILES.move_to_end(digest)
    while len(_FILES) > MAX_FILES:
        _FILES.popitem(last=False)
    return digest


def registered(digest: str, name: str) -> bytes:
    """The bytes held under `digest`; TableError if they are not (any more)."""
    if digest not in _FILES:
        raise TableError(
            f"the file {name!r} is not loaded: upload it (a link holds the "
            "settings for a file of your own, never the file itself)"
        )
    _FILES.move_to_end(digest)
    return _FILES[digest]


def chosen_format(
    raw: bytes, encoding: str = "", delimiter: str = "", decimal: str = ""
) -> Format | None:
    """The format to read `raw` with: None (detect it) unless a delimiter, a
    decimal mark or an encoding is chosen ("" for none), which then takes the
    place of what is detected."""
    if not (encoding or delimiter or decimal):
        return None
    detected = detect_format(raw)
    return Format(
        encoding=encoding or detected.encoding,
        delimiter=delimiter or detected.delimiter,
        decimal=decimal or detected.decimal,
    )


def config_table(config: Config) -> tuple[bytes, Table]:
    """A config's registered file, and its table read as the config says."""
    raw = registered(config.csv_digest, config.csv)
    fmt = chosen_format(raw, config.encoding, config.delimiter, config.decimal)
    return raw, read_table(raw, fmt)


def load(config: Config, table: Table | None = None) -> Prepared:
    """The arrays a config of dataset "csv" trains on, from its registered file
    (or from `table`, that file already read)."""
    if table is None:
        table = config_table(config)[1]
    return prepare(
        table,
        config.target,
        list(config.inputs) or None,
        config.task,
        missing=config.missing,
        one_hot=config.one_hot,
        seed=config.seed,
    )
