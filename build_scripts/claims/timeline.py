"""Every claim's verdict at each month-end: the same analysis and claims engine as an edition,
run on the data cut at each date. Data are loaded once and only cut here, never reloaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from ..analysis.results import analyse
from ..event import EventDef
from ..facts import Fact
from ..market.tickers import Ticker
from .engine import ClaimVerdict, judge
from .schema import ClaimsFile

TIMELINE_START = dt.date(2025, 2, 1)


def timeline_dates(first: dt.date, last: dt.date) -> list[dt.date]:
    """Each month-end from `first`'s month to `last`, and `last` itself when it is not one."""
    ends = [d.date() for d in pd.date_range(first, last, freq="ME")]
    return ends + ([last] if not ends or ends[-1] != last else [])


def verdicts_on(day: dt.date, facts: Mapping[str, Fact], prices: pd.DataFrame, tickers: Mapping[str, Ticker],
                book: ClaimsFile, event: EventDef) -> list[ClaimVerdict]:
    """The verdicts an edition dated `day` prints, from data cut at `day`."""
    known = {k: f for k, f in facts.items() if f.day <= day}
    cut = prices.loc[prices["date"] <= pd.Timestamp(day)]
    last = cut["date"].max().date()
    return judge(book, analyse(known, cut, tickers, min(day, last), event))


def verdict_timeline(facts: Mapping[str, Fact], prices: pd.DataFrame, tickers: Mapping[str, Ticker],
                     book: ClaimsFile, event: EventDef, last: dt.date,
                     start: dt.date = TIMELINE_START) -> pd.DataFrame:
    """Long table: date, claim_id, verdict (the tallied one), attribution and pending date."""
    rows = []
    for day in timeline_dates(start, last):
        for v in verdicts_on(day, facts, prices, tickers, book, event):
            rows.append({"date": day, "claim_id": v.claim.id, "verdict": v.headline,
                         "attribution": v.attribution or "", "pending_until": v.pending_until})
    return pd.DataFrame(rows, columns=["date", "claim_id", "verdict", "attribution", "pending_until"])


def changes(tl: pd.DataFrame) -> pd.DataFrame:
    """Per claim: the first date it could be judged and every date its verdict changed."""
    rows = []
    for cid, g in tl.groupby("claim_id", sort=False):
        g = g.sort_values("date")
        judged = g[g["verdict"] != "not_yet"]
        # A change is a move between two verdicts; the first verdict after "not yet" is not one.
        prev = g["verdict"].shift()
        moved = g[(g["verdict"] != prev) & prev.notna() & (prev != "not_yet")]
        rows.append({
            "claim_id": cid,
            "testable_from": judged["date"].iloc[0] if len(judged) else None,
            "changed_on": [(r.date, r.verdict) for r in moved.itertuples()],
        })
    return pd.DataFrame(rows, columns=["claim_id", "testable_from", "changed_on"])
