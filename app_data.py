"""Your own data: the sidebar's upload and column choices for a CSV file, and the
page's account of how the file was read and cleaned."""

import streamlit as st

from explorer import tables
from explorer.config import CSV_DECIMALS, CSV_DELIMITERS, CSV_ENCODINGS, Config
from explorer.csv_format import DELIMITER_NAMES, ENCODING_NAMES, TableError
from explorer.tasks import TASKS

# Session-state keys: the uploader and the example picker. The config's own
# fields (csv, csv_digest, target, inputs, ...) are kept under their names.
UPLOAD = "csv_upload"
EXAMPLE = "csv_example"
FORMAT_KEYS = ("encoding", "delimiter", "decimal")  # config fields: how a file is read
DECIMAL_NAMES = {".": "decimal points (3.14)", ",": "decimal commas (3,14)"}


@st.cache_data(max_entries=8, show_spinner="Reading the file...")
def read(digest: str, encoding: str, delimiter: str, decimal: str) -> tables.Table:
    raw = tables.registered(digest, "the file")
    return tables.read_table(
        raw, tables.chosen_format(raw, encoding, delimiter, decimal)
    )


def _use_file(name: str, raw: bytes) -> None:
    """Hold a new file, and start from its last column as the target, with the
    task it suggests and the format detected."""
    try:
        digest = tables.register(raw)
        table = tables.read_table(raw)
    except TableError as error:
        st.session_state["csv_error"] = f"{name}: {error}"
        return
    target = str(table.frame.columns[-1])
    st.session_state.update(
        csv=name,
        csv_digest=digest,
        target=target,
        inputs=[],
        delimiter="",
        decimal="",
        encoding="",
        task=tables.suggest_task(table.frame[target]),
    )
    st.session_state.pop("csv_error", None)


def _on_upload() -> None:
    upload = st.session_state.get(UPLOAD)
    if upload is not None:
        _use_file(upload.name, upload.getvalue())


def _on_example() -> None:
    name = st.session_state.get(EXAMPLE)
    if name in tables.EXAMPLES:
        path = tables.EXAMPLES[name]
        _use_file(path.name, path.read_bytes())


def _on_target() -> None:
    # A new target suggests its own task; the learner may still change it.
    digest = st.session_state.get("csv_digest")
    try:
        table = read(digest, *(st.session_state.get(k, "") for k in FORMAT_KEYS))
    except TableError:
        return
    target = st.session_state["target"]
    st.session_state["task"] = tables.suggest_task(table.frame[target])
    st.session_state["inputs"] = [
        name for name in st.session_state.get("inputs", []) if name != target
    ]


@st.cache_data(max_entries=8, show_spinner=False)
def detected(digest: str) -> tables.Format:
    return tables.detect_format(tables.registered(digest, "the file"))


def _format_controls(digest: str) -> None:
    # Drawn whatever the reading gave, so that a wrong choice can be undone; one
    # title always, so that the box stays open from one change to the next.
    try:
        found = f"Detected: {detected(digest).describe()}."
    except TableError:
        found = "No format could be detected."
    with st.expander("How the file is read"):
        st.caption(found)
        st.selectbox(
            "Columns separated by",
            CSV_DELIMITERS,
            key="delimiter",
            format_func=lambda d: DELIMITER_NAMES.get(d, "detected"),
        )
        st.selectbox(
            "Decimal mark",
            CSV_DECIMALS,
            key="decimal",
            format_func=lambda d: DECIMAL_NAMES.get(d, "detected"),
        )
        st.selectbox(
            "Encoding",
            CSV_ENCODINGS,
            key="encoding",
            format_func=lambda e: ENCODING_NAMES.get(e, "detected"),
        )


def csv_controls(disabled: bool = False) -> dict:
    """The sidebar's controls for a CSV file; the config fields they set."""
    st.file_uploader(
        "CSV file",
        type=["csv", "tsv", "txt"],
        key=UPLOAD,
        on_change=_on_upload,
        disabled=disabled,
        help=f"Up to {tables.MAX_BYTES // 2**20} MB. Commas, semicolons or tabs; "
        "decimal points or commas; UTF-8 or Windows-1252: all detected.",
    )
    st.selectbox(
        "Or open an example",
        list(tables.EXAMPLES),
        index=None,
        key=EXAMPLE,
        placeholder="Choose an example file",
        on_change=_on_example,
        disabled=disabled,
    )
    if error := st.session_state.get("csv_error"):
        st.error(error)
    values = {
        name: st.session_state.get(name, getattr(Config, name))
        for name in ("csv", "csv_digest", "target", "missing", "one_hot", *FORMAT_KEYS)
    }
    values["inputs"] = tuple(st.session_state.get("inputs", ()))
    digest = values["csv_digest"]
    if not digest:
        return values
    _format_controls(digest)
    try:
        table = read(digest, *(values[k] for k in FORMAT_KEYS))
    except TableError as error:
        st.error(f"{str(error).rstrip('.')}. Change how the file is read, above.")
        return values

    st.caption(f"**{values['csv']}**: {len(table.frame):,} rows")
    columns = [str(c) for c in table.frame.columns]
    if st.session_state.get("target") not in columns:
        st.session_state["target"] = columns[-1]
    target = st.selectbox(
        "Column to predict (target)",
        columns,
        key="target",
        on_change=_on_target,
        disabled=disabled,
    )
    if table.frame[target].nunique() < 2:
        st.caption(f"{target!r} has one value only: pick another column to predict.")
    else:
        suggested = tables.suggest_task(table.frame[target])
        st.caption(f"Suggested task for {target!r}: {TASKS[suggested].label.lower()}.")
    st.session_state["inputs"] = [
        c for c in st.session_state.get("inputs", []) if c in columns and c != target
    ]
    inputs = st.multiselect(
        "Input columns",
        [c for c in columns if c != target],
        key="inputs",
        placeholder="every other column",
        disabled=disabled,
    )
    missing = st.radio(
        "Rows with a gap in an input",
        ("drop", "fill"),
        key="missing",
        format_func={"drop": "left out", "fill": "filled with the median"}.get,
        horizontal=True,
        disabled=disabled,
    )
    one_hot = st.checkbox(
        "One-hot encode text inputs",
        key="one_hot",
        disabled=disabled,
        help="Otherwise text columns are left out of the inputs, with a note.",
    )
    return values | {
        "target": target,
        "inputs": tuple(inputs),
        "missing": missing,
        "one_hot": one_hot,
    }


def show_your_data(config: Config, notes: tuple[str, ...]) -> None:
    """What the file holds and what was done with it, above the charts."""
    if not config.csv_digest:
        return
    with st.expander(f"Your data: {config.csv}", expanded=False):
        try:
            table = read(config.csv_digest, *(getattr(config, k) for k in FORMAT_KEYS))
        except TableError as error:
            st.error(str(error))
            return
        st.dataframe(table.frame.head(20), height=260)
        st.markdown("**Columns**")
        st.dataframe(tables.column_report(table), hide_index=True)
        if notes:
            st.markdown("**How the file was read and cleaned**")
            st.markdown("\n".join(f"- {note}" for note in notes))
        st.caption(
            "A link to this page holds these settings and the file's name, never "
            "the file itself: whoever opens it uploads the same file."
        )
