"""The data steps of a script exported for a CSV file of your own: the file read
with pandas.read_csv in the format explorer.tables read it in, then prepared as
tables.prepare prepares it, with only the steps this file and config need."""

import io
import warnings
from dataclasses import dataclass
from pathlib import PureWindowsPath

import numpy as np
import pandas as pd

from explorer import tables
from explorer.config import Config
from explorer.export_data import block, comment

_MARKERS = frozenset(marker.lower() for marker in tables.MISSING_MARKERS)


@dataclass
class _File:
    """A config's file as the explorer read and prepared it, and what the script's
    pandas.read_csv call gives (`read`, its columns named as the explorer names
    them; `renamed` where pandas named them otherwise)."""

    name: str
    table: tables.Table
    prepared: tables.Prepared
    detected: bool
    options: dict
    read: pd.DataFrame
    renamed: bool


def file_name(config: Config) -> str:
    """The name of the config's file, without a folder the command line gave."""
    return PureWindowsPath(config.csv).name or config.csv


def _text(value) -> str:
    # A Python literal; strings in double quotes where they hold none.
    text = repr(value)
    if isinstance(value, str) and '"' not in value:
        return '"' + text[1:-1] + '"'
    if isinstance(value, dict):
        items = (f"{_text(k)}: {_text(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    return text


class _Code(str):
    """Text written into a literal as it is, not quoted."""


def _listed(values, indent: int = 0, brackets: str = "[]") -> str:
    # A list literal on one line, or one item a line where that line is too long.
    items = [v if isinstance(v, _Code) else _text(v) for v in values]
    line = brackets[0] + ", ".join(items) + brackets[1]
    if indent + len(line) <= 80:
        return line
    inner = " " * (indent + 4)
    body = "".join(f"{inner}{item},\n" for item in items)
    return f"{brackets[0]}\n{body}{' ' * indent}{brackets[1]}"


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _quoted(names) -> str:
    return _joined([repr(name) for name in names])


def _rows(n: int) -> str:
    return f"{n:,} row{'s' * (n != 1)}"


# Reading the file


def _sep_line(raw: bytes, fmt: tables.Format) -> bool:
    # Excel's "sep=;" first line, which the explorer skips.
    text = raw[:64].decode(fmt.encoding, errors="ignore").lstrip("\ufeff")
    return text.split("\n", 1)[0].strip().lower() == f"sep={fmt.delimiter}"


def _end_of_file_mark(raw: bytes, fmt: tables.Format) -> bool:
    # A DOS end-of-file mark (Ctrl-Z) that old programs end a file with, and the
    # explorer drops; pandas drops it as a comment where it is the file's only one.
    text = raw.decode(fmt.encoding, errors="ignore")
    return text.endswith("\x1a") and "\x1a" not in text.rstrip("\x1a")


def _markers(raw: bytes, base: dict, positions: list[int]) -> list[str]:
    # The cells of the columns used that the explorer takes for "no value", as they
    # are written: pandas matches them exactly.
    cells = pd.read_csv(io.BytesIO(raw), **base, dtype=str, keep_default_na=False)
    found = set()
    for position in positions:
        for cell in cells.iloc[:, position].dropna().unique():
            if cell.strip().lower() in _MARKERS:
                found.add(cell)
    return sorted(found)


def _read(raw: bytes, options: dict) -> tuple[pd.DataFrame, bool]:
    # What pandas.read_csv gives, and whether it warned of mixed types (a large
    # file is read in chunks; some held only numbers in a column, some text).
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.DtypeWarning)
        frame = pd.read_csv(io.BytesIO(raw), **options)
    return frame, any(issubclass(w.category, pd.errors.DtypeWarning) for w in caught)


def _refusal(name: str, reason: str) -> ValueError:
    return ValueError(
        f"a script cannot read {name} exactly as the explorer does ({reason}): train "
        f"on it in the explorer or with `python -m explorer train --csv {name}` "
        "instead, or save the table again as CSV from a spreadsheet and export that"
    )


def _load(config: Config) -> tuple[_File, bytes]:
    raw, table = tables.config_table(config)
    detected = not (config.encoding or config.delimiter or config.decimal)
    prepared = tables.load(config, table)

    fmt, names = table.format, list(table.columns)
    base = {"sep": fmt.delimiter, "decimal": fmt.decimal, "encoding": fmt.encoding}
    if _sep_line(raw, fmt):
        base["skiprows"] = 1
    if _end_of_file_mark(raw, fmt):
        base["comment"] = "\x1a"
    used = [names.index(name) for name in [*prepared.inputs, config.target]]
    markers = _markers(raw, base, used)
    options = {**base, **({"na_values": markers} if markers else {})}
    options["keep_default_na"] = False
    read, mixed = _read(raw, options)
    if mixed:
        options["low_memory"] = False
    if read.shape[1] != len(names):
        raise _refusal(
            file_name(config),
            f"pandas finds {read.shape[1]} columns, the explorer {len(names)}",
        )
    # Text the explorer keeps as text, which pandas would read as True/False or
    # numbers, is read as text.
    as_text = {
        read.columns[i]: "str"
        for i in used
        if not table.columns[names[i]].numeric
        and not pd.api.types.is_string_dtype(read.iloc[:, i])
    }
    if as_text:
        options = {
            **base,
            "dtype": as_text,
            **{k: options[k] for k in options if k not in base},
        }
    if mixed or as_text:
        read, _ = _read(raw, options)
    renamed = list(read.columns) != names
    read.columns = names
    file = _File(file_name(config), table, prepared, detected, options, read, renamed)
    return file, raw


# The script's steps: each one a comment and its code, or "" where not needed


def _read_step(file: _File) -> str:
    options = file.options
    markers = [
        repr(m) if m.strip() else "empty cells" for m in options.get("na_values", [])
    ]
    if markers:
        notes = [
            f"Cells that mean no value: {_joined(markers)} (and none of pandas' own "
            "markers: keep_default_na=False)."
        ]
    else:
        notes = ["No cell means no value here (keep_default_na=False)."]
    if "skiprows" in options:
        notes.append("Its first line, sep=..., names the delimiter for Excel: skipped.")
    if "comment" in options:
        notes.append(
            "It ends with a DOS end-of-file mark (Ctrl-Z, \\x1a), taken for a comment "
            "so that it is no row."
        )
    if "dtype" in options:
        verb = "is" if len(options["dtype"]) == 1 else "are"
        notes.append(
            f"{_quoted(options['dtype'])} {verb} read as text, as the explorer reads "
            "it (pandas would make True/False booleans, or numbers, of it)."
        )
    if "low_memory" in options:
        notes.append(
            "The file is read in one piece (low_memory=False), so that each column "
            "gets one type."
        )

    how = "detected" if file.detected else "as chosen"
    fmt = file.table.format.describe()
    intent = comment(f"Data: {file.name}, read as the explorer read it ({how}): {fmt}.")
    arguments = "".join(
        f"    {key}={_listed(value, 4) if isinstance(value, list) else _text(value)},\n"
        for key, value in options.items()
    )
    code = f"frame = pd.read_csv(\n    CSV_PATH,\n{arguments})"
    return f"{intent}\n{comment(' '.join(notes))}\n{code}"


def _names_step(file: _File) -> str:
    if not file.renamed:
        return ""
    names = _listed(list(file.table.columns))
    return (
        comment(
            "The columns by the names the explorer gives them (blank names numbered, "
            "repeated ones counted, spaces around them removed)."
        )
        + f"\nframe.columns = {names}"
    )


def _padded(values: pd.Series) -> bool:
    # Some text with spaces around it (of any kind: a non-breaking space too).
    return bool(values.dropna().map(lambda v: v != str(v).strip()).any())


def _numbers_step(file: _File, columns: list[str]) -> str:
    # Numeric columns that pandas left as text (stray text in them) become numbers,
    # with gaps where the text was; infinite numbers become gaps; text loses the
    # spaces around it.
    decimal_comma = file.table.format.decimal == ","
    steps, infinite = [], []
    for name in columns:
        column, values = file.table.columns[name], file.read[name]
        if not column.numeric:
            if _padded(values):
                steps.append(
                    f"# The explorer takes {name!r} without spaces around its values.\n"
                    f"frame[{_text(name)}] = frame[{_text(name)}].str.strip()"
                )
            continue
        if not pd.api.types.is_numeric_dtype(values):
            padded = _padded(values)
            steps.append(_stray_step(name, column, decimal_comma, padded))
            text = values.str.strip() if padded else values
            text = text.str.replace(",", ".") if decimal_comma else text
            values = pd.to_numeric(text, errors="coerce")
        if np.isinf(values.to_numpy(dtype=np.float64)).any():
            infinite.append(name)
    if infinite:
        steps.append(
            "# Infinite numbers count as gaps, as in the explorer.\n"
            + "\n".join(
                f"frame[{_text(n)}] = frame[{_text(n)}].replace([np.inf, -np.inf], np.nan)"
                for n in infinite
            )
        )
    return "\n".join(steps)


def _stray_step(
    name: str, column: tables.Column, decimal_comma: bool, padded: bool
) -> str:
    if column.stray_count:
        more = ", …" if column.stray_count > len(column.stray_lines) else ""
        why = (
            f"{name!r} is numeric with stray text ({column.stray_examples()}{more}): "
            "read it as numbers, the text becoming gaps."
        )
    else:
        why = f"pandas leaves {name!r} as text: read it as numbers."
    text = f"frame[{_text(name)}]"
    if padded:
        why += " Spaces around them go first (pandas keeps a non-breaking one)."
        text += ".str.strip()"
    if decimal_comma:
        why += " Decimal commas become points."
        text += '.str.replace(",", ".")'
    return (
        comment(why)
        + f'\nframe[{_text(name)}] = pd.to_numeric({text}, errors="coerce")'
    )


def _left_out(file: _File, config: Config) -> str:
    # Which columns the inputs are, and the reasons some were left out.
    names = list(file.table.columns)
    candidates = list(config.inputs) or [n for n in names if n != config.target]
    reasons = []
    for name in candidates:
        if name in file.prepared.inputs:
            continue
        if file.table.columns[name].numeric or file.table.columns[name].kind == "empty":
            reasons.append(f"{name!r} (no values in the rows with a target)")
        elif not config.one_hot:
            reasons.append(f"{name!r} (text; one-hot encoding would use it)")
        else:
            reasons.append(
                f"{name!r} (text with more than {tables.MAX_CATEGORIES} values)"
            )
    which = "the columns chosen" if config.inputs else "every other column"
    if not reasons:
        return which
    return f"{which}, leaving out {', '.join(reasons)}"


def _choose_step(file: _File, config: Config) -> str:
    inputs = _listed(file.prepared.inputs, len("inputs = "))
    intent = comment(
        f"The column to predict, and the inputs: {_left_out(file, config)}."
    )
    return (
        f"{intent}\ntarget = {_text(config.target)}\ninputs = {inputs}\n"
        "data = frame[[*inputs, target]]"
    )


def _target_rows_step(file: _File, target: str) -> str:
    n = int(file.table.frame[target].isna().sum())
    if not n:
        return ""
    return (
        f"# Rows with no target value are dropped: {_rows(n)}.\n"
        "data = data.dropna(subset=[target])"
    )


def _gaps(file: _File, target: str) -> pd.DataFrame:
    # Where the inputs have gaps, in the rows with a target.
    frame = file.table.frame
    return frame.loc[frame[target].notna(), file.prepared.inputs].isna()


def _gaps_step(file: _File, config: Config) -> str:
    gaps = _gaps(file, config.target)
    counts = {name: int(n) for name, n in gaps.sum().items() if n}
    if not counts:
        return ""
    listed = ", ".join(f"{name!r} {n:,}" for name, n in counts.items())
    if config.missing == "drop":
        intent = comment(
            f"Rows with a gap in an input are dropped: "
            f"{_rows(int(gaps.any(axis=1).sum()))} (gaps: {listed})."
        )
        return intent + "\ndata = data.dropna(subset=inputs)"
    numeric = [n for n in counts if file.table.columns[n].numeric]
    if not numeric:
        return ""  # gaps in text inputs are one-hot encoded as no category
    listed = ", ".join(f"{name!r} {counts[name]:,}" for name in numeric)
    intent = comment(
        f"Gaps in numeric inputs ({listed}) are filled with the column's median over "
        "the rows with a target, before the training/test split."
    )
    filled = _listed(numeric, len("filled = "))
    return f"{intent}\nfilled = {filled}\ndata = data.fillna(data[filled].median())"


def _sample_step(file: _File, config: Config) -> str:
    gaps = _gaps(file, config.target)
    n = int((~gaps.any(axis=1)).sum()) if config.missing == "drop" else len(gaps)
    if n <= tables.MAX_TRAIN_ROWS:
        return ""
    intent = comment(
        "The explorer trains on at most MAX_TRAIN_ROWS rows: a random sample of the "
        f"{n:,} rows left, drawn with the seed and kept in the file's order."
    )
    return (
        intent
        + "\n"
        + block(f"""
        MAX_TRAIN_ROWS = {tables.MAX_TRAIN_ROWS:_}
        rows = np.random.default_rng(seed).choice(len(data), MAX_TRAIN_ROWS, replace=False)
        data = data.iloc[np.sort(rows)]
    """)
    )


def _features_step(file: _File, config: Config) -> str:
    text = [n for n in file.prepared.inputs if not file.table.columns[n].numeric]
    n_features = len(file.prepared.feature_names)
    if not text:
        return (
            "# The inputs as a float64 array.\n"
            f"X = data[inputs].to_numpy(dtype=np.float64)  # (n_rows, {n_features})"
        )
    gaps = [n for n in text if _gaps(file, config.target)[n].any()]
    no_category = ""
    if gaps and config.missing == "fill":
        no_category = f" A gap in {_quoted(gaps)} gets no category (all its columns 0)."
    several = len(text) > 1
    intent = comment(
        f"The inputs as a float64 array; the text input{'s' * several} "
        f"{_quoted(text)} one-hot encoded where {'they stand' if several else 'it stands'}"
        ": a 0/1 column named column=value per value, in sorted order." + no_category
    )
    return f"{intent}\ntext_inputs = {_listed(text, len('text_inputs = '))}\n" + block(f"""
        columns = [
            pd.get_dummies(data[name], prefix=name, prefix_sep="=", dtype=float)
            if name in text_inputs
            else data[name]
            for name in inputs
        ]
        X = pd.concat(columns, axis=1).to_numpy(dtype=np.float64)  # (n_rows, {n_features})
    """)


def _label(name: str, numeric: bool, whole: bool):
    # A class name as the literal the target column holds.
    if not numeric:
        return name
    return int(name) if whole else float(name)


def _target_step(file: _File, config: Config) -> str:
    if config.task == "regression":
        return (
            "# The target, in its own units.\n"
            "y = data[target].to_numpy(dtype=np.float64)"
        )
    names = file.prepared.class_names
    numeric = file.table.columns[config.target].numeric
    if numeric and names == [str(k) for k in range(len(names))]:
        return (
            f"# The target's classes are 0 to {len(names) - 1} as they are.\n"
            "y = data[target].to_numpy(dtype=np.int64)"
        )
    whole = all("." not in name and "e" not in name for name in names)
    entries = [
        _Code(f"{_text(_label(name, numeric, whole))}: {k}")
        for k, name in enumerate(names)
    ]
    classes = _listed(entries, len("label_to_class = "), brackets="{}")
    return (
        "# The classes numbered 0..K-1 in sorted order of the labels.\n"
        f"label_to_class = {classes}\n"
        "y = data[target].map(label_to_class).to_numpy(dtype=np.int64)"
    )


def _check_same(code: str, file: _File, raw: bytes, seed: int) -> None:
    # Run the steps on the file's bytes: the arrays must be the explorer's, exactly.
    namespace = {"np": np, "pd": pd, "CSV_PATH": io.BytesIO(raw), "seed": seed}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(code, file.name, "exec"), namespace)
        X, y = namespace["X"], namespace["y"]
    except Exception as error:  # any failure means the steps do not fit this file
        raise _refusal(file.name, f"{type(error).__name__}: {error}") from None
    prepared = file.prepared
    if X.shape != prepared.X.shape:
        raise _refusal(
            file.name,
            f"pandas gives {X.shape[0]:,} rows and {X.shape[1]} inputs, the explorer "
            f"{prepared.X.shape[0]:,} and {prepared.X.shape[1]}",
        )
    for k, name in enumerate(prepared.feature_names):
        if not np.array_equal(X[:, k], prepared.X[:, k]):
            raise _refusal(file.name, f"pandas reads other values in {name!r}")
    if not np.array_equal(y, prepared.y):
        raise _refusal(file.name, f"pandas reads other values in {prepared.target!r}")


def path_section(config: Config) -> str:
    """The CSV_PATH line the script reads the file from, and how to change it."""
    name = file_name(config)
    return (
        comment(
            f"The file the run trained on: put {name} beside this script and run "
            "it from that folder, or write the file's full path here."
        )
        + f"\nCSV_PATH = {_text(name)}"
    )


def data_code(config: Config) -> str:
    """The code that reads the config's file (from the path CSV_PATH holds) and
    makes X (n_rows, n_features) and y as tables.prepare makes them; it needs `np`,
    `pd` and `seed`. Checked by running it on the file's bytes: raises ValueError
    where pandas would read the file otherwise than the explorer does."""
    file, raw = _load(config)
    columns = [*file.prepared.inputs, config.target]
    steps = [
        _read_step(file),
        _names_step(file),
        _numbers_step(file, columns),
        _choose_step(file, config),
        _target_rows_step(file, config.target),
        _gaps_step(file, config),
        _sample_step(file, config),
        _features_step(file, config),
        _target_step(file, config),
    ]
    code = "\n\n".join(step for step in steps if step)
    _check_same(code, file, raw, config.seed)
    return code
