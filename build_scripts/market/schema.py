"""The data contract for daily prices, declared once and used by the importer, the refresh and the build.

Rules are declared with pandera; a failure is turned into one plain message that names the file,
the line and the rule, so a maintainer can open the file at that line and see the problem. The
file is read by the strict reader below first, because pandas quietly pads a short row with
empty values and skips blank lines, which would turn a damaged row into a plausible one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from ..errors import DataError

MAX_CSV_BYTES = 50_000_000  # a price file here is under 300 kB; refuse a runaway file before parsing
SOURCE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.+\-]{0,39}$"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

COLUMNS = ["date", "ticker", "open", "high", "low", "close", "adj_close", "volume", "source_id"]
PRICE_COLUMNS = ["open", "high", "low", "close", "adj_close"]
# OHLC values are rounded to 4 decimals by the sources; 0.05 % absorbs that rounding and no more.
OHLC_TOLERANCE = 0.0005


def _high_ok(df: pd.DataFrame) -> pd.Series:
    top = df[["open", "close"]].max(axis=1)
    return df["high"].isna() | (df["high"] >= top * (1 - OHLC_TOLERANCE))


def _low_ok(df: pd.DataFrame) -> pd.Series:
    bottom = df[["open", "close"]].min(axis=1)
    return df["low"].isna() | (df["low"] <= bottom * (1 + OHLC_TOLERANCE))


def _real_date(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna()


def _schema(tickers: Collection[str]) -> pa.DataFrameSchema:
    positive = pa.Check.gt(0, error="prices must be positive")
    return pa.DataFrameSchema(
        {
            "date": pa.Column(
                str,
                [
                    pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$", error="date must be YYYY-MM-DD"),
                    pa.Check(_real_date, error="not a real calendar date"),
                ],
            ),
            "ticker": pa.Column(
                str, pa.Check.isin(sorted(tickers), error="ticker must be listed in tickers.yaml")
            ),
            "open": pa.Column(float, positive, nullable=True),
            "high": pa.Column(float, positive, nullable=True),
            "low": pa.Column(float, positive, nullable=True),
            "close": pa.Column(float, positive, nullable=False),
            "adj_close": pa.Column(float, positive, nullable=True),
            "volume": pa.Column(float, pa.Check.ge(0, error="volume must be >= 0"), nullable=True),
            "source_id": pa.Column(
                str,
                pa.Check.str_matches(SOURCE_ID, error="source_id must be a short id (letters, digits, + . _ -)"),
                nullable=True,
            ),
        },
        checks=[
            pa.Check(_high_ok, error="high >= max(open, close)"),
            pa.Check(_low_ok, error="low <= min(open, close)"),
        ],
        unique=["date", "ticker"],
        report_duplicates="exclude_first",
        strict=False,
    )


def _line(index: int) -> int:
    """CSV line of a row: the header is line 1, row 0 is line 2."""
    return int(index) + 2


def _coerce(df: pd.DataFrame, file: str) -> pd.DataFrame:
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise DataError(file, "header", f"missing column '{missing[0]}' (required: {', '.join(COLUMNS)})")
    out = df[COLUMNS].copy()
    for col in [*PRICE_COLUMNS, "volume"]:
        num = pd.to_numeric(out[col], errors="coerce")
        bad = num.isna() & out[col].notna() & (out[col].astype(str).str.strip() != "")
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise DataError(file, f"line {_line(i)}", f"column '{col}' must be a number, got {_show(out[col].iloc[i])}")
        num = num.astype("float64")
        endless = num.notna() & ~np.isfinite(num.to_numpy())
        if endless.any():
            i = int(endless.to_numpy().nonzero()[0][0])
            raise DataError(file, f"line {_line(i)}",
                            f"column '{col}' must be a finite number, got {_show(df[col].iloc[i])}")
        out[col] = num
    for col in ("date", "ticker", "source_id"):
        out[col] = out[col].astype("object").where(out[col].notna(), None)
    missing_key = out["date"].isna() | out["ticker"].isna()
    if missing_key.any():
        i = int(missing_key.to_numpy().nonzero()[0][0])
        raise DataError(file, f"line {_line(i)}", "date and ticker are required")
    out["date"] = out["date"].astype(str)
    out["ticker"] = out["ticker"].astype(str)
    return out


def _show(value: object, limit: int = 40) -> str:
    """A value for a message: quoted, control characters escaped, long values cut."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def validate_prices(df: pd.DataFrame, file: str, tickers: Collection[str] | None = None) -> pd.DataFrame:
    """The table, typed and checked; otherwise a DataError naming the first failing line and rule.

    `tickers` are the symbols the data folder accepts (its tickers.yaml); by default the project's.
    """
    if tickers is None:
        from .tickers import load_tickers

        tickers = load_tickers()
    typed = _coerce(df.reset_index(drop=True), file)
    try:
        _schema(tickers).validate(typed, lazy=True)
    except SchemaErrors as errs:
        fc = errs.failure_cases
        fc = fc[fc["index"].notna()].assign(_frame=fc["schema_context"] != "Column")
        fc = fc.sort_values(["index", "_frame"], kind="stable")
        if fc.empty:
            first = errs.failure_cases.iloc[0]
            raise DataError(file, "table", str(first["check"])) from None
        first = fc.iloc[0]
        i = int(first["index"])
        row = typed.iloc[i]
        where = f"line {_line(i)} ({row['date']} {row['ticker']})"
        rule = str(first["check"])
        if rule.startswith("field_uniqueness") or "unique" in rule or rule.startswith("multiple_fields"):
            rule = "(date, ticker) must be unique"
        col = first.get("column")
        is_column = first["schema_context"] == "Column"
        if is_column and isinstance(col, str) and not rule.startswith("("):
            rule = f"column '{col}': {rule}"
        raise DataError(file, where, rule) from None
    return typed


def read_price_csv(path: Path, name: str | None = None) -> pd.DataFrame:
    """A price file as a table of text (empty cells as missing), every row exactly as wide as the header.

    Blank lines, short or long rows, fields with line breaks or control characters, and files
    that are not UTF-8 are refused with the line, so row N of the table is always line N + 2.
    """
    name = name or path.name
    header, rows = _exact_rows(_price_text(path, name), name)
    df = pd.DataFrame(rows, columns=header, dtype=object)
    return df.where(df != "", None)


def _price_text(path: Path, name: str) -> str:
    """The file's text, refused if missing, oversized, not UTF-8, empty or holding control characters."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DataError(name, "file", "does not exist") from None
    if size > MAX_CSV_BYTES:
        raise DataError(name, "file", f"larger than {MAX_CSV_BYTES:,} bytes; a price file is far smaller",
                        hint="check that it is the right file")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError(name, f"byte {err.start}", "not valid UTF-8 text", hint="save the file as UTF-8") from None
    if not text.strip():
        raise DataError(name, "file", "the file is empty", hint="restore it from git or re-import")
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise DataError(name, f"line {line}", f"control character {control.group()!r}",
                        hint="remove it; price files hold plain text")
    return text


def _exact_rows(text: str, name: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows, each row one line and exactly as wide as the header, or the line that is not."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    try:
        header = next(reader)
        dupes = sorted({c for c in header if header.count(c) > 1})
        if dupes:
            raise DataError(name, "header", f"column '{dupes[0]}' appears twice")
        for expected_line, fields in enumerate(reader, start=2):
            _check_row(fields, reader.line_num, expected_line, len(header), name)
            rows.append(fields)
    except csv.Error as err:
        raise DataError(name, f"line {reader.line_num}", f"not a readable CSV row ({err})") from None
    return header, rows


def _check_row(fields: list[str], line: int, expected_line: int, width: int, name: str) -> None:
    if line != expected_line:
        raise DataError(name, f"line {expected_line}", "a field spans several lines",
                        hint="remove the line break inside the quoted field")
    if not fields:
        raise DataError(name, f"line {line}", "empty line", hint="delete the empty line")
    if len(fields) != width:
        raise DataError(name, f"line {line}", f"{len(fields)} fields where the header has {width}",
                        hint="every row needs one value per column; leave a value empty (,,) "
                        "rather than dropping it")
