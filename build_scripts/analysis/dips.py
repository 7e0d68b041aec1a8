"""Was 27 Jan 2025 a "top-3 buying opportunity of the decade"? Rank it among past dips.

A "buying opportunity" has no agreed definition, so the claim is tested under several and the page
shows how the answer moves. An entry is a day a dip-buyer would have bought Nvidia; its quality is
the 12-month forward return (first close on/after entry + 12 calendar months). Rank 1 = best.

Two families of entry rules:
* ``largest_falls``: the K largest one-day close-to-close falls. With ``min_gap_days`` > 0 the rule
  is de-clustered: taking falls from the largest down, a fall within that many sessions of an
  already chosen one is skipped (March 2020 would otherwise fill several slots).
* ``below_high``: the first close at least N % below the trailing 52-week (252-session) closing
  high. After an entry the rule is disarmed until the close gets back within ``rearm_pct`` % of
  that high (default N/2; 0 means a new 52-week high), so one drawdown gives one entry. The high
  needs a full 252 sessions of history, so with data from Jan 2015 the first possible entry is in
  early 2016.

Entries are searched from ``start`` to ``end`` (2015-2025) and never after ``as_of``; an entry whose
12-month exit is after ``as_of`` is "not yet testable" and left out of the ranking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from .recovery import EVENT, NOT_YET, OK, DateLike, closes_of, to_ts

WINDOW = 252


@dataclass(frozen=True)
class DipRule:
    """One definition of a dip-buying entry."""

    kind: Literal["largest_falls", "below_high"]
    param: float  # K for largest_falls, N (percent) for below_high
    min_gap_days: int = 0
    rearm_pct: float | None = None  # below_high only; None -> N / 2

    @property
    def rule_id(self) -> str:
        if self.kind == "largest_falls":
            return f"largest_falls_k{int(self.param)}_gap{self.min_gap_days}"
        return f"below_high_n{self.param:g}_rearm{self.rearm:g}"

    @property
    def rearm(self) -> float:
        return self.param / 2 if self.rearm_pct is None else self.rearm_pct


DEFAULT_RULES: tuple[DipRule, ...] = (
    *(DipRule("largest_falls", k) for k in (10, 20, 30)),
    *(DipRule("largest_falls", k, min_gap_days=21) for k in (10, 20, 30)),
    *(DipRule("below_high", n) for n in (20, 30, 40)),
    *(DipRule("below_high", n, rearm_pct=0) for n in (20, 30, 40)),
)


def largest_falls(
    s: pd.Series, k: int, min_gap_days: int = 0, start: pd.Timestamp | None = None
) -> pd.DataFrame:
    """The k largest one-day falls on/after `start` (de-clustered by `min_gap_days` sessions)."""
    r = s.pct_change(fill_method=None).to_numpy(copy=True)
    if start is not None:
        r[s.index < start] = np.nan
    order = np.argsort(np.where(np.isfinite(r), r, np.inf), kind="stable")
    chosen: list[int] = []
    for i in order:
        if len(chosen) == k or not np.isfinite(r[i]) or r[i] >= 0:
            break
        if min_gap_days and any(abs(i - j) <= min_gap_days for j in chosen):
            continue
        chosen.append(int(i))
    chosen.sort()
    return pd.DataFrame({"entry_date": s.index[chosen], "signal_pct": r[chosen] * 100})


def below_high_entries(
    s: pd.Series, threshold_pct: float, rearm_pct: float, window: int = WINDOW
) -> pd.DataFrame:
    """First close >= threshold below the trailing high, re-armed near the high again."""
    high = s.rolling(window, min_periods=window).max().to_numpy()
    dd = (s.to_numpy() / high - 1) * 100
    hit, back = dd <= -threshold_pct, dd >= -rearm_pct
    picks, armed = [], True
    # Only the days where something can change matter: walk those, not every session.
    for i in np.flatnonzero(hit | back):
        if armed and hit[i]:
            picks.append(int(i))
            armed = False
        elif not armed and back[i]:
            armed = True
    return pd.DataFrame({"entry_date": s.index[picks], "signal_pct": dd[picks]})


def forward_returns(
    s: pd.Series, dates: pd.Index, months: int, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Return from each entry close to the first close on/after entry + `months` (vectorised:
    the investor page ranks every trading day of a decade)."""
    dates = pd.DatetimeIndex(dates)
    out = pd.DataFrame(
        {"exit_date": pd.NaT, "fwd_pct": np.nan, "status": NOT_YET},
        index=range(len(dates)), columns=["exit_date", "fwd_pct", "status"],
    )
    if not len(dates):
        return out
    targets = dates + pd.DateOffset(months=months)
    pos = s.index.searchsorted(targets, side="left")
    ok = (targets <= as_of) & (pos < len(s.index))
    if ok.any():
        vals = s.to_numpy(dtype=float)
        entry = vals[s.index.get_indexer(dates[ok])]
        exit_pos = pos[ok]
        out.loc[ok, "exit_date"] = s.index[exit_pos]
        out.loc[ok, "fwd_pct"] = (vals[exit_pos] / entry - 1) * 100
        out.loc[ok, "status"] = OK
    return out


def rule_entries(s: pd.Series, rule: DipRule, start: pd.Timestamp) -> pd.DataFrame:
    """Entries on/after `start`; history before it still feeds the 52-week high."""
    if rule.kind == "largest_falls":
        e = largest_falls(s, int(rule.param), rule.min_gap_days, start)
    else:
        e = below_high_entries(s, rule.param, rule.rearm)
    return e.loc[e["entry_date"] >= start].reset_index(drop=True)


@dataclass(frozen=True)
class DipResult:
    """`entries`: every entry under every rule; `sensitivity`: the event's rank per rule."""

    entries: pd.DataFrame
    sensitivity: pd.DataFrame


def rank_dips(
    closes: pd.DataFrame,
    as_of: DateLike,
    rules: Sequence[DipRule] = DEFAULT_RULES,
    ticker: str = "NVDA",
    event: DateLike = EVENT,
    start: DateLike = "2015-01-01",
    end: DateLike = "2025-12-31",
    months: int = 12,
) -> DipResult:
    """Rank the event day among dip entries under each rule by 12-month forward return."""
    as_of, event = to_ts(as_of), to_ts(event)
    s = closes_of(closes, ticker, as_of)
    lo, hi = to_ts(start), min(to_ts(end), as_of)
    all_rows, summary = [], []
    for rule in rules:
        # Signals may use history before `start` (the 52-week high) but never after `as_of`.
        e = rule_entries(s.loc[:hi], rule, lo)
        fwd = forward_returns(s, pd.DatetimeIndex(e["entry_date"]), months, as_of)
        e = pd.concat([e, fwd], axis=1)
        e["rank"] = e["fwd_pct"].rank(ascending=False, method="min").astype("Int64")
        e["is_event"] = e["entry_date"] == event
        meta = {k: v for k, v in asdict(rule).items() if k != "rearm_pct"}
        e = e.assign(
            rule_id=rule.rule_id,
            **meta,
            rearm_pct=rule.rearm if rule.kind == "below_high" else np.nan,
        )
        all_rows.append(e)
        summary.append(
            {
                "rule_id": rule.rule_id,
                **meta,
                "rearm_pct": rule.rearm if rule.kind == "below_high" else np.nan,
                **_event_rank(e, event, as_of, months),
            }
        )
    cols = [
        "rule_id",
        "kind",
        "param",
        "min_gap_days",
        "rearm_pct",
        "entry_date",
        "signal_pct",
        "exit_date",
        "fwd_pct",
        "status",
        "rank",
        "is_event",
    ]
    entries = (
        (pd.concat(all_rows, ignore_index=True) if all_rows else pd.DataFrame())
        .reindex(columns=cols)
        .rename(columns={"fwd_pct": f"fwd_{months}m_pct"})
    )
    return DipResult(entries, pd.DataFrame(summary))


def _event_rank(e: pd.DataFrame, event: pd.Timestamp, as_of: pd.Timestamp, months: int) -> dict[str, Any]:
    """Where the event (or the entry that stands for its episode) ranks under one rule."""
    ranked = e.loc[e["status"] == OK]
    out: dict[str, Any] = {
        "n_entries": len(e),
        "n_ranked": len(ranked),
        "event_is_entry": bool(e["is_event"].any()),
    }
    # The DeepSeek episode's entry: the event itself, or the first entry after it in 2025.
    ep = e.loc[(e["entry_date"] >= event) & (e["entry_date"].dt.year == event.year)]
    if as_of < event:
        return {
            **out,
            "status": NOT_YET,
            "reason": f"as of {as_of.date()} the event has not happened",
        }
    if ep.empty:
        return {
            **out,
            "status": "not an entry",
            "reason": "no entry on or after the event in its year under this rule",
        }
    first = ep.iloc[0]
    out.update(
        episode_entry_date=first["entry_date"],
        episode_fwd_pct=first["fwd_pct"],
        episode_rank=first["rank"],
    )
    if first["status"] != OK:
        exit_target = (first["entry_date"] + pd.DateOffset(months=months)).date()
        return {
            **out,
            "status": NOT_YET,
            "reason": f"{months}-month exit {exit_target} is after {as_of.date()}",
        }
    top = int(first["rank"])
    return {
        **out,
        "status": OK,
        "episode_top3": top <= 3,
        "reason": ""
        if out["event_is_entry"]
        else "event day is not an entry; its episode's first entry is ranked instead",
    }
