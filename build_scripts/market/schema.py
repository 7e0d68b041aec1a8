"""The data contract for daily prices, declared once and used by the importer and the refresh.

Rules are declared with pandera; a failure is turned into one plain message that names the file,
the line and the rule, so a maintainer can open the file at that line and see the problem.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from ..errors import DataError
from .tickers import load_tickers

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


def _schema() -> pa.DataFrameSchema:
    positive = pa.Check.gt(0, error="prices must be positive")
    return pa.DataFrameSchema(
        {
            "date": pa.Column(
                str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$", error="date must be YYYY-MM-DD")
            ),
            "ticker": pa.Column(
                str, pa.Check.isin(sorted(load_tickers()), error="ticker must be in data/tickers.yaml")
            ),
            "open": pa.Column(float, positive, nullable=True),
            "high": pa.Column(float, positive, nullable=True),
            "low": pa.Column(float, positive, nullable=True),
            "close": pa.Column(float, positive, nullable=False),
            "adj_close": pa.Column(float, positive, nullable=True),
            "volume": pa.Column(float, pa.Check.ge(0, error="volume must be >= 0"), nullable=True),
            "source_id": pa.Column(str, nullable=True),
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
            raise DataError(file, f"line {_line(i)}", f"column '{col}' must be a number, got {out[col].iloc[i]!r}")
        out[col] = num.astype("float64")
    for col in ("date", "ticker", "source_id"):
        out[col] = out[col].astype("object").where(out[col].notna(), None)
    missing_key = out["date"].isna() | out["ticker"].isna()
    if missing_key.any():
        i = int(missing_key.to_numpy().nonzero()[0][0])
        raise DataError(file, f"line {_line(i)}", "date and ticker are required")
    out["date"] = out["date"].astype(str)
    out["ticker"] = out["ticker"].astype(str)
    return out


def validate_prices(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """The table, typed and checked; otherwise a DataError naming the first failing line and rule."""
    typed = _coerce(df.reset_index(drop=True), file)
    try:
        _schema().validate(typed, lazy=True)
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
