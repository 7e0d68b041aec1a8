"""Price-path primitives and the "back above the pre-shock close" table.

Everything here answers one question in different forms: given a close-price path, when (if ever)
did it get back above a level? Backtests, dip ranking and the recovery table share these helpers so
that "trading day", "as of" and "not yet testable" mean the same thing everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from ..event import load_event
from ..market.tickers import Ticker

NOT_YET = "not yet testable"
OK = "ok"
NO_DATA = "no data"
NEVER = "never"
# Not back above the reference, and the series stops well before the edition's date: the data
# cannot say whether it recovered later, so this is not the same as "not back yet".
DATA_ENDED = "data ended"
PRE_SHOCK = pd.Timestamp(load_event().pre_day)
EVENT = pd.Timestamp(load_event().day)

DateLike: TypeAlias = str | dt.date | pd.Timestamp


def to_ts(day: DateLike) -> pd.Timestamp:
    """Normalise a date-like to a midnight Timestamp (the snapshot has no times of day)."""
    return pd.Timestamp(day).normalize()


def closes_of(closes: pd.DataFrame, ticker: str, as_of: DateLike) -> pd.Series:
    """One ticker's closes up to `as_of`, its non-trading days dropped (empty if unknown)."""
    if ticker not in closes.columns:
        return pd.Series(dtype=float, index=pd.DatetimeIndex([], name="date"), name=ticker)
    s = closes[ticker]
    return s.loc[(s.index <= to_ts(as_of)) & s.notna()]


def first_on_or_after(index: pd.Index, target: pd.Timestamp) -> pd.Timestamp | None:
    """First trading day on/after `target`, or None when the data stop before it."""
    i = int(index.searchsorted(target, side="left"))
    return pd.Timestamp(index[i]) if i < len(index) else None


@dataclass(frozen=True)
class PathStats:
    """What a buyer sat through between entry and exit (entry close = cost)."""

    max_drawdown_pct: float
    peak_date: pd.Timestamp | None
    trough_date: pd.Timestamp | None
    worst_vs_cost_pct: float
    worst_vs_cost_date: pd.Timestamp | None
    days_below_cost: int
    underwater_days: int
    underwater_start: pd.Timestamp | None
    underwater_end: pd.Timestamp | None
    underwater_recovered: bool


def path_stats(path: pd.Series) -> PathStats:
    """Drawdown and time under water of a close path whose first value is the cost.

    The drawdown is measured from the running peak (entry included), so a buyer at a top sees the
    full fall. "Under water" is the longest run of consecutive closes below cost, counted in
    trading days; it ends on the first close back at or above cost (or is still open at the end).
    """
    v = path.to_numpy(dtype=float)
    idx = path.index
    if len(v) == 0:
        return PathStats(np.nan, None, None, np.nan, None, 0, 0, None, None, False)
    peak = np.maximum.accumulate(v)
    dd = v / peak - 1.0
    t = int(np.argmin(dd))
    p = int(np.argmax(v[: t + 1]))
    vs_cost = v / v[0] - 1.0
    w = int(np.argmin(vs_cost))
    below = v < v[0]
    start, length = _longest_run(below)
    end_i = start + length
    recovered = length > 0 and end_i < len(v)
    return PathStats(
        max_drawdown_pct=float(dd[t] * 100),
        peak_date=idx[p],
        trough_date=idx[t],
        worst_vs_cost_pct=float(min(vs_cost[w], 0.0) * 100),
        worst_vs_cost_date=idx[w] if vs_cost[w] < 0 else None,
        days_below_cost=int(below.sum()),
        underwater_days=length,
        underwater_start=idx[start] if length else None,
        underwater_end=idx[end_i] if recovered else None,
        underwater_recovered=recovered,
    )


def _longest_run(mask: np.ndarray) -> tuple[int, int]:
    """(start, length) of the longest run of True; (0, 0) if none."""
    if not mask.any():
        return 0, 0
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    starts, ends = edges[::2], edges[1::2]
    k = int(np.argmax(ends - starts))
    return int(starts[k]), int(ends[k] - starts[k])


def recovery_row(s: pd.Series, ref_date: pd.Timestamp, as_of: pd.Timestamp) -> dict[str, Any]:
    """When `s` first closed strictly above its close on `ref_date`, counted in its trading days.

    Day 1 is the first session after `ref_date`; a ticker that rose on that day has recovered in 1.
    """
    if ref_date not in s.index:
        return {"status": NO_DATA, "reason": f"no close on {ref_date.date()}"}
    ref = float(s.loc[ref_date])
    after = s.loc[s.index > ref_date]
    if after.empty:
        return {
            "status": NOT_YET,
            "reason": f"no close after {ref_date.date()} as of {as_of.date()}",
            "ref_close": ref,
        }
    if (after.index[0] - ref_date).days > 7:
        return {"status": NO_DATA, "reason": f"data gap after {ref_date.date()}", "ref_close": ref}
    above = np.flatnonzero(after.to_numpy() > ref)
    upto_rec = after if len(above) == 0 else after.iloc[: above[0] + 1]
    trough = upto_rec.idxmin()
    row = {
        "ref_close": ref,
        "day1_pct": (float(after.iloc[0]) / ref - 1) * 100,
        "trough_pct": min(float(upto_rec.min()) / ref - 1, 0.0) * 100,
        "trough_date": trough if upto_rec.min() < ref else pd.NaT,
    }
    if len(above) == 0:
        ended = (as_of - after.index[-1]).days > 7
        return {
            **row,
            "status": DATA_ENDED if ended else NEVER,
            "recovered": False,
            "recovery_date": pd.NaT,
            "trading_days": np.nan,
            "calendar_days": np.nan,
            "data_end": after.index[-1],
            "reason": f"still below the {ref_date.date()} close as of {after.index[-1].date()}"
            + (" (the series ends there)" if ended else ""),
        }
    d = after.index[above[0]]
    return {
        **row,
        "status": OK,
        "recovered": True,
        "recovery_date": d,
        "trading_days": int(above[0] + 1),
        "calendar_days": int((d - ref_date).days),
        "reason": "",
    }


def recovery_table(
    closes: pd.DataFrame,
    tickers: dict[str, Ticker],
    as_of: DateLike,
    ref_date: DateLike = PRE_SHOCK,
) -> pd.DataFrame:
    """Trading days until each ticker closed back above its last pre-shock close (24 Jan 2025).

    Each ticker is counted on its own exchange's sessions. "never" comes with the as-of date;
    "data ended" marks a series that stops before the edition's date while still below.
    """
    as_of, ref = to_ts(as_of), to_ts(ref_date)
    rows = []
    for sym, tk in tickers.items():
        s = closes_of(closes, sym, as_of)
        if ref > as_of:
            r = {
                "status": NOT_YET,
                "reason": f"as of {as_of.date()} the reference day has not come",
            }
        else:
            r = recovery_row(s, ref, as_of)
        rows.append({"ticker": sym, "name": tk.name, "group": tk.group, "as_of": as_of, **r})
    cols = [
        "ticker",
        "name",
        "group",
        "status",
        "recovered",
        "ref_close",
        "day1_pct",
        "trough_pct",
        "trough_date",
        "recovery_date",
        "trading_days",
        "calendar_days",
        "data_end",
        "as_of",
        "reason",
    ]
    out = pd.DataFrame(rows).reindex(columns=cols)
    out["recovered"] = out["recovered"].astype("boolean")
    return out
