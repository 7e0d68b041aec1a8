"""Simple returns from the adjusted-close table: the building block every section uses.

All functions take `as_of` and never look at rows after it, so an edition built "as of" a date
cannot leak later prices into its numbers.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd


def upto(closes: pd.DataFrame, as_of: dt.date | None) -> pd.DataFrame:
    return closes if as_of is None else closes.loc[: pd.Timestamp(as_of)]


def close_on_or_after(series: pd.Series, day: dt.date) -> tuple[pd.Timestamp, float] | None:
    s = series.dropna().loc[pd.Timestamp(day):]
    return None if s.empty else (s.index[0], float(s.iloc[0]))


def day_returns_pct(closes: pd.DataFrame, day: dt.date, as_of: dt.date | None = None) -> pd.Series:
    """Close-to-close return on `day` for every ticker that traded that day and the one before."""
    c = upto(closes, as_of)
    ts = pd.Timestamp(day)
    out = {}
    for t in c.columns:
        s = c[t].dropna()
        if ts not in s.index:
            continue
        i = s.index.get_loc(ts)
        if i == 0:
            continue
        out[t] = (s.iloc[i] / s.iloc[i - 1] - 1) * 100
    return pd.Series(out, name="return_pct", dtype="float64")


def period_return_pct(
    closes: pd.DataFrame, ticker: str, start: dt.date, end: dt.date, as_of: dt.date | None = None
) -> float | None:
    """Return from the close on `start` to the first close on or after `end`; None if not yet known."""
    c = upto(closes, as_of)
    if ticker not in c.columns:
        return None
    s = c[ticker].dropna()
    ts = pd.Timestamp(start)
    if ts not in s.index:
        return None
    after = close_on_or_after(s, end)
    if after is None:
        return None
    return (after[1] / float(s.loc[ts]) - 1) * 100


def indexed(closes: pd.DataFrame, tickers: list[str], base: dt.date,
            start: dt.date, as_of: dt.date | None = None) -> pd.DataFrame:
    """Closes rebased to 100 at `base`, from `start` onwards, in long form for charts and CSV."""
    c = upto(closes, as_of).loc[pd.Timestamp(start):, tickers]
    rebased = c / c.loc[pd.Timestamp(base)] * 100
    out = rebased.reset_index().melt(id_vars="date", var_name="ticker", value_name="index_100")
    return out.dropna().sort_values(["ticker", "date"]).reset_index(drop=True)
