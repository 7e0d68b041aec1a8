"""Refresh-time rules: what fetched prices must satisfy before they may touch the snapshot.

`schema.validate_prices` covers types, uniqueness, positive prices, OHLC order and volume. These
rules add what needs context: the exchange calendar, known corporate events, the committed
history (it may grow or be restated, never shrink) and a second provider.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import exchange_calendars as xcals
import pandas as pd

REVISION_TOLERANCE = 0.005  # 0.5 %: beyond it an overlapping close counts as a revision
CROSS_CHECK_PP = 0.1  # percentage points between two providers' daily returns


class CheckError(Exception):
    """Fetched data broke a rule; the message names the series and the rule."""

    def __init__(self, series: str, rule: str) -> None:
        self.series, self.rule = series, rule
        super().__init__(f"{series}: {rule}")


@cache
def calendar(code: str) -> xcals.ExchangeCalendar:
    return xcals.get_calendar(code, start="2005-01-03")


def sessions(code: str, first: str, last: str) -> list[str]:
    return calendar(code).sessions_in_range(first, last).strftime("%Y-%m-%d").tolist()


def _few(dates: Iterable[str], n: int = 3) -> str:
    items = list(dates)
    more = f" and {len(items) - n} more" if len(items) > n else ""
    return ", ".join(items[:n]) + more


def known_calendar(code: str) -> bool:
    return code in xcals.get_calendar_names()


def check_dates(df: pd.DataFrame, code: str, now: dt.datetime, series: str) -> None:
    """Refuse rows dated after today or before the calendar's history (a provider's clock or a bug)."""
    first = calendar(code).first_session.strftime("%Y-%m-%d")
    late = sorted(d for d in df["date"].unique() if d > now.date().isoformat())
    early = sorted(d for d in df["date"].unique() if d < first)
    if late:
        raise CheckError(series, f"{len(late)} row(s) dated after today: {_few(late)}")
    if early:
        raise CheckError(series, f"{len(early)} row(s) dated before {first}, where the {code} calendar starts: "
                         f"{_few(early)}")


def drop_unclosed(df: pd.DataFrame, code: str, now: dt.datetime) -> tuple[pd.DataFrame, int]:
    """Drop a bar for a session that has not closed yet (a live intraday row)."""
    cal = calendar(code)
    today = now.date().isoformat()
    late = [
        d
        for d in df["date"].unique()
        if d >= today and cal.is_session(d) and cal.session_close(d) > pd.Timestamp(now)
    ]
    return df[~df["date"].isin(late)].reset_index(drop=True), len(late)


def check_calendar(df: pd.DataFrame, code: str, series: str) -> list[str]:
    """Rows on days the exchange was closed are errors; missing sessions are returned."""
    dates = df["date"].tolist()
    expected = sessions(code, min(dates), max(dates))
    extra = sorted(set(dates) - set(expected))
    if extra:
        raise CheckError(series, f"{len(extra)} row(s) on days {code} was closed: {_few(extra)}")
    return sorted(set(expected) - set(dates))


def known_moves(entries: Iterable[Any]) -> set[tuple[str, str]]:
    """(ticker, date) pairs from the allow-list in sources.yaml."""
    return {(e.ticker, e.date.isoformat()) for e in entries}


def check_jumps(
    df: pd.DataFrame, code: str, limit_pct: float, allowed: set[tuple[str, str]], series: str
) -> None:
    """A one-session move beyond the limit is an unapplied split unless it is a known event."""
    days = sessions(code, df["date"].min(), df["date"].max())
    pos = df["date"].map({d: i for i, d in enumerate(days)})
    moves = df["close"].pct_change() * 100
    adjacent = pos.diff() == 1
    big = df[adjacent & (moves.abs() > limit_pct)]
    bad = [
        f"{r.date} {move:+.1f}%"
        for (_, r), move in zip(big.iterrows(), moves.loc[big.index], strict=True)
        if (str(r.ticker), str(r.date)) not in allowed
    ]
    if bad:
        raise CheckError(
            series,
            f"one-day move over {limit_pct:g}% with no known split or event: "
            f"{_few(bad)} (list real events under known_moves in sources.yaml)",
        )


def stale_sessions(last_date: str, code: str, now: dt.datetime) -> int:
    """Sessions that have closed since the last stored date."""
    cal = calendar(code)
    start = (dt.date.fromisoformat(last_date) + dt.timedelta(days=1)).isoformat()
    end = now.date().isoformat()
    if start > end:
        return 0
    days = cal.sessions_in_range(start, end)
    return int(sum(cal.session_close(d) <= pd.Timestamp(now) for d in days))


@dataclass(frozen=True)
class History:
    """How fetched prices relate to the committed file."""

    factor: float  # fetched / committed close on the last overlapping day (1.0 = same basis)
    overlap: int
    revised: list[str] = field(default_factory=list)
    detail: dict[str, tuple[float, float]] = field(default_factory=dict)  # date -> (old, new)


def compare_history(
    committed: pd.DataFrame,
    fetched: pd.DataFrame,
    start: str,
    series: str,
    tolerance: float = REVISION_TOLERANCE,
) -> History:
    """Refuse a shrinking series; find overlapping closes that moved beyond the tolerance.

    Adjusted prices are restated whenever a dividend or split lands, so the committed closes are
    first put on the fetched basis with the ratio on the last overlapping day.
    """
    old_last, new_last = committed["date"].max(), fetched["date"].max()
    if new_last < old_last:
        raise CheckError(
            series,
            f"shrunk: provider's last date {new_last} is before the committed last date {old_last}",
        )
    window = committed[committed["date"] >= start]
    if len(fetched) < len(window):
        raise CheckError(
            series,
            f"shrunk: provider returned {len(fetched)} rows since {start}, "
            f"the committed file has {len(window)}",
        )
    old = committed.set_index("date")["close"]
    new = fetched.set_index("date")["close"]
    both = old.index.intersection(new.index).sort_values()
    if both.empty:
        raise CheckError(
            series,
            "no date overlaps the committed file, so the adjustment basis "
            "cannot be checked (set an earlier start in sources.yaml)",
        )
    last = both[-1]
    same = round(float(new[last]), 4) == round(float(old[last]), 4)
    factor = 1.0 if same else float(new[last]) / float(old[last])
    diff = (new[both] / (old[both] * factor) - 1).abs()
    revised = [str(d) for d in diff[diff > tolerance].index]
    detail = {d: (float(old[d] * factor), float(new[d])) for d in revised}
    return History(factor, len(both), revised, detail)


def cross_check(a: pd.DataFrame, b: pd.DataFrame, limit_pp: float = CROSS_CHECK_PP) -> list[str]:
    """Dates on which two providers' daily returns differ by more than `limit_pp` points.

    Returns are taken over the dates both providers have, so a day one of them lacks does not
    turn into a spurious two-day return.
    """
    common = sorted(set(a["date"]) & set(b["date"]))
    ra = a.set_index("date").loc[common, "close"].pct_change()
    rb = b.set_index("date").loc[common, "close"].pct_change()
    gap = ((ra - rb) * 100).abs().dropna()
    return [str(d) for d in gap[gap > limit_pp].index]


def compare_facts(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """Fact ids the new set would drop, and ids whose value changed."""
    dropped = sorted(set(old) - set(new))
    revised = sorted(k for k in set(old) & set(new) if old[k] != new[k])
    return dropped, revised
