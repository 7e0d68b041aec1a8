"""The investor call as a trade: buy Nvidia at the 27 Jan 2025 close and hold.

Ives's claim is testable only as a trade with dates, so this module fixes them: entry at a close,
exit on the first session on/after entry + N calendar months, or at the latest date every compared
asset has (so NVDA and the ETFs are measured over the same span). A horizon that ends after `as_of`
is "not yet testable". Also here: the indexed price paths for the chart and their fact-based
annotations, because they share the entry dates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from ..facts import Fact
from .recovery import (
    EVENT,
    NO_DATA,
    NOT_YET,
    OK,
    PRE_SHOCK,
    DateLike,
    closes_of,
    first_on_or_after,
    path_stats,
    to_ts,
)

HORIZONS: tuple[tuple[str, int | None], ...] = (
    ("1m", 1),
    ("3m", 3),
    ("6m", 6),
    ("12m", 12),
    ("latest", None),
)
ASSETS: tuple[str, ...] = ("NVDA", "SPY", "QQQ", "SOXX")
APRIL_LOW = "april_2025_low"
# The month whose lowest close is the third buyer's entry (after the tariff shock).
LOW_MONTH = pd.Period("2025-04", "M")
PATH_START = pd.Timestamp("2024-09-01")
# Chart annotations: key -> fact id. The date and the words come from the fact, never from here.
ANNOTATIONS: tuple[tuple[str, str], ...] = (
    ("r1_release", "r1_release_date"),
    ("deepseek_shock", "nvda_move_2025-01-27"),
    ("april_2025_low", "nvda_2025_low_close"),
    ("first_4t_close", "nvda_first_4t_close"),
    ("first_5t_close", "nvda_first_5t"),
)


@dataclass(frozen=True)
class BacktestResult:
    """`returns`: one row per entry × asset × horizon; `drawdowns`: what each buyer sat through."""

    entries: pd.DataFrame
    returns: pd.DataFrame
    drawdowns: pd.DataFrame


def april_low_date(
    closes: pd.DataFrame, as_of: DateLike, ticker: str = "NVDA"
) -> pd.Timestamp | str:
    """Date of the lowest close in April 2025, known only once April is over."""
    as_of = to_ts(as_of)
    last = LOW_MONTH.end_time.normalize()
    if as_of < last:
        return f"{NOT_YET}: April 2025 is not over as of {as_of.date()}"
    s = closes_of(closes, ticker, as_of)
    april = s.loc[LOW_MONTH.start_time:last]
    # The closes are indexed by session date, so the label of the lowest close is a Timestamp.
    return cast(pd.Timestamp, april.idxmin()) if not april.empty else f"{NO_DATA}: no {ticker} closes in April 2025"


def default_entries(closes: pd.DataFrame, as_of: DateLike) -> dict[str, pd.Timestamp | str]:
    """The three buyers: the day before the shock, the shock close, and the April 2025 low."""
    return {
        "pre_shock_2025-01-24": PRE_SHOCK,
        "shock_2025-01-27": EVENT,
        APRIL_LOW: april_low_date(closes, as_of),
    }


def common_last_date(
    closes: pd.DataFrame, assets: Sequence[str], as_of: DateLike
) -> pd.Timestamp | None:
    """Latest date on which every compared asset has a close (SPY/QQQ/SOXX end before NVDA)."""
    sub = closes.loc[closes.index <= to_ts(as_of), [a for a in assets if a in closes.columns]]
    if sub.shape[1] < len(assets):
        return None
    full = sub.dropna(how="any")
    return full.index[-1] if not full.empty else None


def hold(
    s: pd.Series,
    entry: pd.Timestamp,
    exit_target: pd.Timestamp | None,
    months: int | None,
    as_of: pd.Timestamp,
) -> dict[str, Any]:
    """Return from the entry close to the first close on/after the target date."""
    if entry not in s.index:
        return {"status": NO_DATA, "reason": f"no close on the entry day {entry.date()}"}
    target = entry + pd.DateOffset(months=months) if months is not None else exit_target
    if target is None:
        return {"status": NO_DATA, "reason": "no common last date"}
    out: dict[str, Any] = {"target_date": target}
    if target > as_of:
        return {
            **out,
            "status": NOT_YET,
            "reason": f"target {target.date()} is after {as_of.date()}",
        }
    exit_day = first_on_or_after(s.index, target)
    if exit_day is None:
        return {
            **out,
            "status": NOT_YET,
            "reason": f"no close on/after {target.date()} up to {as_of.date()}",
        }
    if (exit_day - target).days > 7:
        return {**out, "status": NO_DATA, "reason": f"data gap after {target.date()}"}
    p0, p1 = float(s.loc[entry]), float(s.loc[exit_day])
    return {
        **out,
        "status": OK,
        "exit_date": exit_day,
        "return_pct": (p1 / p0 - 1) * 100,
        "reason": "",
    }


def run_backtest(
    closes: pd.DataFrame,
    as_of: DateLike,
    entries: Mapping[str, pd.Timestamp | str] | None = None,
    assets: Sequence[str] = ASSETS,
    horizons: Sequence[tuple[str, int | None]] = HORIZONS,
    benchmark: str = "SPY",
) -> BacktestResult:
    """Returns and drawdowns for each entry × asset × horizon, with excess over `benchmark`."""
    as_of = to_ts(as_of)
    entries = dict(entries) if entries is not None else default_entries(closes, as_of)
    last = common_last_date(closes, assets, as_of)
    series = {a: closes_of(closes, a, as_of) for a in assets}
    e_rows: list[dict[str, Any]] = []
    r_rows: list[dict[str, Any]] = []
    d_rows: list[dict[str, Any]] = []
    for name, when in entries.items():
        if isinstance(when, str):
            e_rows.append(
                {
                    "entry": name,
                    "status": NOT_YET if when.startswith(NOT_YET) else NO_DATA,
                    "reason": when,
                }
            )
            continue
        when = to_ts(when)
        e_rows.append(
            {
                "entry": name,
                "entry_date": when,
                "status": OK if when <= as_of else NOT_YET,
                "reason": "" if when <= as_of else f"after {as_of.date()}",
            }
        )
        for asset in assets:
            s = series[asset]
            for hname, months in horizons:
                base = {"entry": name, "entry_date": when, "asset": asset, "horizon": hname}
                if when > as_of:
                    r_rows.append(
                        {**base, "status": NOT_YET, "reason": f"entry after {as_of.date()}"}
                    )
                    continue
                res = hold(s, when, last, months, as_of)
                r_rows.append({**base, "entry_close": s.get(when, np.nan), **res})
                if res["status"] == OK:
                    st = path_stats(s.loc[when : res["exit_date"]])
                    d_rows.append({**base, "exit_date": res["exit_date"], **asdict(st)})
    returns = pd.DataFrame(r_rows).reindex(
        columns=[
            "entry",
            "entry_date",
            "asset",
            "horizon",
            "status",
            "entry_close",
            "target_date",
            "exit_date",
            "return_pct",
            "reason",
        ]
    )
    bench = returns.loc[returns["asset"] == benchmark, ["entry", "horizon", "return_pct"]]
    returns = returns.merge(
        bench.rename(columns={"return_pct": "bench_return_pct"}),
        on=["entry", "horizon"],
        how="left",
    )
    returns[f"excess_vs_{benchmark.lower()}_pct"] = (
        returns["return_pct"] - returns["bench_return_pct"]
    )
    returns["reason"] = returns.pop("reason")
    drawdowns = pd.DataFrame(d_rows)
    entries_df = pd.DataFrame(e_rows).reindex(columns=["entry", "entry_date", "status", "reason"])
    return BacktestResult(entries_df, returns, drawdowns)


def indexed_paths(
    closes: pd.DataFrame,
    as_of: DateLike,
    tickers: Sequence[str] = ("NVDA", "SOXX", "SPY"),
    base: DateLike = PRE_SHOCK,
    start: DateLike = PATH_START,
) -> pd.DataFrame:
    """Long table date, ticker, index_level with each series = 100 at its `base` close."""
    as_of, base, start = to_ts(as_of), to_ts(base), to_ts(start)
    frames = []
    for t in tickers:
        s = closes_of(closes, t, as_of)
        if base not in s.index:
            continue
        s = s.loc[start:]
        frames.append(
            pd.DataFrame(
                {
                    "date": s.index,
                    "ticker": t,
                    "index_level": s.to_numpy() / float(s.loc[base]) * 100,
                }
            )
        )
    cols = ["date", "ticker", "index_level"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def path_annotations(
    facts: Mapping[str, Fact], paths: pd.DataFrame, as_of: DateLike, ticker: str = "NVDA"
) -> pd.DataFrame:
    """Chart markers from facts dated on/before `as_of`, placed on the `ticker` path."""
    as_of = to_ts(as_of)
    line = paths.loc[paths["ticker"] == ticker].set_index("date")["index_level"]
    rows = []
    for key, fid in ANNOTATIONS:
        f = facts.get(fid)
        if f is None or to_ts(f.day) > as_of:
            continue
        day = to_ts(f.day)
        plot = first_on_or_after(line.index, day) if not line.empty else None
        rows.append(
            {
                "key": key,
                "fact_id": fid,
                "date": day,
                "plot_date": plot,
                "index_level": float(line.loc[plot]) if plot is not None else np.nan,
                "value": str(f.value),
                "unit": f.unit,
                "grade": f.grade,
            }
        )
    return pd.DataFrame(rows).reindex(
        columns=[
            "key",
            "fact_id",
            "date",
            "plot_date",
            "index_level",
            "value",
            "unit",
            "grade",
        ]
    )
