"""How a CSV file's bytes become text and rows: its encoding, its delimiter and
its decimal mark, detected or given, and the file kinds that are not CSV at all."""

import csv
import re
import unicodedata
from dataclasses import dataclass

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars (|)"}
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with a byte-order mark",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
}

_SAMPLE_CHARS = 64 * 1024  # text sniffed for the delimiter and decimal mark
_SAMPLE_ROWS = 200
# File signatures of formats that people upload by mistake instead of a CSV.
_SIGNATURES = {
    b"PK\x03\x04": "a zip archive (an Excel .xlsx or OpenDocument file is one)",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip archive",
}
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+(e[+-]?\d+)?", re.IGNORECASE)
_DECIMAL_POINT = re.compile(r"[+-]?\d*\.\d+(e[+-]?\d+)?", re.IGNORECASE)


class TableError(ValueError):
    """A file or a choice that cannot be used; the message says what to change."""


@dataclass(frozen=True)
class Format:
    """How a CSV file is written."""

    encoding: str  # "utf-8", "utf-8-sig" (with BOM), "utf-16" (with BOM) or "cp1252"
    delimiter: str  # ",", ";", "\t" or "|"
    decimal: str  # "." or ","

    def __post_init__(self) -> None:
        if self.encoding not in ENCODING_NAMES:
            raise TableError(
                f"encoding must be one of {', '.join(ENCODING_NAMES)}; "
                f"got {self.encoding!r}"
            )
        if self.delimiter not in DELIMITERS:
            raise TableError(
                f"delimiter must be one of {', '.join(map(repr, DELIMITERS))}; "
                f"got {self.delimiter!r}"
            )
        if self.decimal not in (".", ","):
            raise TableError(f"decimal must be '.' or ','; got {self.decimal!r}")

    def describe(self) -> str:
        decimal = "decimal commas (3,14)" if self.decimal == "," else "decimal points"
        return (
            f"{ENCODING_NAMES.get(self.encoding, self.encoding)}, columns separated "
            f"by {DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))}, "
            f"{decimal}"
        )


# Reading bytes as text


def check_not_binary(raw: bytes) -> None:
    for signature, what in _SIGNATURES.items():
        if raw.startswith(signature):
            raise TableError(
                f"This file is {what}, not a CSV file; save the table as CSV "
                "(comma- or semicolon-separated text) and upload that"
            )
    if b"\x00" in raw[:_SAMPLE_CHARS] and not raw.startswith(
        (b"\xff\xfe", b"\xfe\xff")
    ):
        raise TableError(
            "This file is not text (it contains zero bytes); save the table as CSV "
            "and upload that"
        )


def _detect_encoding(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def decode(raw: bytes, encoding: str) -> str:
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise TableError(
            f"This file cannot be read as {ENCODING_NAMES.get(encoding, encoding)} "
            f"({error}); save it as CSV in UTF-8"
        ) from None
    # Some old programs end a text file with a DOS end-of-file mark.
    text = text.lstrip("\ufeff").rstrip("\x1a")
    controls = sum(
        1 for c in text[:_SAMPLE_CHARS] if unicodedata.category(c) == "Cc"
    ) - sum(text[:_SAMPLE_CHARS].count(c) for c in "\t\n\r")
    if "\x00" in text or controls > 0.01 * min(len(text), _SAMPLE_CHARS):
        raise TableError(
            "This file does not look like text (it is full of control characters); "
            "save the table as CSV and upload that"
        )
    return text


def sep_line(text: str) -> str | None:
    # Excel may write "sep=;" as a first line naming the delimiter.
    first = text.split("\n", 1)[0].strip()
    if len(first) == 5 and first.lower().startswith("sep=") and first[4] in DELIMITERS:
        return first[4]
    return None


# Sniffing the delimiter and decimal mark


def _sample_rows(text: str, delimiter: str) -> list[list[str]]:
    sample = text[:_SAMPLE_CHARS]
    lines = sample.splitlines()
    if len(sample) < len(text) and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut short
    try:
        rows = [row for row in csv.reader(lines, delimiter=delimiter) if row]
    except csv.Error:
        return []
    return rows[:_SAMPLE_ROWS]


def _delimiter_score(text: str, delimiter: str) -> tuple[float, int]:
    # (share of rows as wide as the header, header width); width 1 never wins.
    rows = _sample_rows(text, delimiter)
    if not rows or len(rows[0]) < 2:
        return (0.0, 0)
    width = len(rows[0])
    body = rows[1:]
    consistent = sum(len(row) == width for row in body) / len(body) if body else 1.0
    return (consistent, width)


def _detect_delimiter(text: str) -> str:
    scores = {d: _delimiter_score(text, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: scores[d])  # ties: the earlier delimiter
    return best if scores[best][1] >= 2 else ","


def _detect_decimal(text: str, delimiter: str) -> str:
    # A decimal comma is only possible where commas do not separate the columns.
    if delimiter == ",":
        return "."
    cells = [cell.strip() for row in _sample_rows(text, delimiter)[1:] for cell in row]
    commas = sum(bool(_DECIMAL_COMMA.fullmatch(cell)) for cell in cells)
    points = sum(bool(_DECIMAL_POINT.fullmatch(cell)) for cell in cells)
    return "," if commas > points else "."


def detect_format(raw: bytes) -> Format:
    """The encoding, delimiter and decimal mark of CSV bytes.

    The encoding is UTF-8 with a byte-order mark if it starts with one (UTF-16
    likewise), UTF-8 if the bytes are valid UTF-8, and Windows-1252 otherwise. The
    delimiter is the one of `DELIMITERS` that splits the first lines into rows as
    wide as the header (a "sep=;" first line names it outright). Decimals are commas
    when the columns are not comma-separated and numbers like 3,14 outnumber 3.14.
    Raises TableError for files that are not text.
    """
    check_not_binary(raw)
    encoding = _detect_encoding(raw)
    text = decode(raw, encoding)
    delimiter = sep_line(text) or _detect_delimiter(text)
    if sep_line(text):
        text = text.split("\n", 1)[1] if "\n" in text else ""
    return Format(encoding, delimiter, _detect_decimal(text, delimiter))
