"""Dip-entry rules and the ranking of an event among them, on synthetic series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from build_scripts.analysis.dips import (
    DipRule,
    below_high_entries,
    largest_falls,
    rank_dips,
)
from build_scripts.analysis.recovery import NOT_YET, OK


def from_returns(r: np.ndarray, start: str = "2015-01-01") -> pd.Series:
    return pd.Series(100 * np.cumprod(1 + r), index=pd.bdate_range(start, periods=len(r)))


def test_largest_falls_and_declustering() -> None:
    r = np.zeros(200)
    r[[10, 12, 50, 100]] = [-0.05, -0.08, -0.03, -0.06]
    s = from_returns(r)
    two = largest_falls(s, 2)
    assert list(two["entry_date"]) == [s.index[12], s.index[100]]
    assert two["signal_pct"].tolist() == pytest.approx([-8.0, -6.0])
    spaced = largest_falls(s, 3, min_gap_days=5)  # the -5 % two days from the -8 % is skipped
    assert list(spaced["entry_date"]) == [s.index[12], s.index[50], s.index[100]]
    assert len(largest_falls(s, 10)) == 4  # only four falls exist


def test_below_high_one_entry_per_drawdown() -> None:
    up = np.full(300, 0.001)
    fall = np.full(30, -0.01)       # about -26 % from the high
    back = np.full(27, 0.008)       # back to about -8 %: re-armed at 10 %, no new high
    fall2 = np.full(30, -0.012)
    r = np.concatenate([up, fall, back, fall2])
    s = from_returns(r)
    e = below_high_entries(s, 20, 10)
    assert len(e) == 2
    dd = (s / s.rolling(252, min_periods=252).max() - 1) * 100
    first = dd[dd <= -20].index[0]
    assert e["entry_date"].iloc[0] == first
    assert e["signal_pct"].iloc[0] <= -20
    # Without re-arming (needs a new high) the second fall is not a new entry.
    assert len(below_high_entries(s, 20, 0)) == 1


def ranked_fixture() -> tuple[pd.DataFrame, dict[str, pd.Timestamp]]:
    """Three one-day falls a year apart, each followed 6 months later by a known jump."""
    idx = pd.bdate_range("2015-01-01", "2019-12-31")
    r = pd.Series(0.0, index=idx)
    plan = {"A": ("2015-03-02", -0.20, 0.50), "B": ("2016-06-01", -0.30, 0.10),
            "C": ("2017-09-01", -0.10, 1.00)}
    days = {}
    for k, (d, fall, jump) in plan.items():
        d = pd.Timestamp(d)
        days[k] = d
        r[d] = fall
        r[idx[idx.get_loc(d) + 125]] = jump
    closes = pd.DataFrame({"NVDA": 100 * np.cumprod(1 + r.to_numpy())},
                          index=pd.DatetimeIndex(idx, name="date"))
    return closes, days


def test_rank_event_by_forward_return() -> None:
    closes, d = ranked_fixture()
    rules = [DipRule("largest_falls", 3), DipRule("largest_falls", 1)]
    res = rank_dips(closes, "2019-12-31", rules, event=d["B"], end="2018-12-31")
    e = res.entries[res.entries["rule_id"] == "largest_falls_k3_gap0"].set_index("entry_date")
    assert e.loc[d["A"], "fwd_12m_pct"] == pytest.approx(50.0)
    assert e.loc[d["B"], "fwd_12m_pct"] == pytest.approx(10.0)
    assert e.loc[d["C"], "fwd_12m_pct"] == pytest.approx(100.0)
    assert e["rank"].tolist() == [2, 3, 1]
    sens = res.sensitivity.set_index("rule_id")
    assert sens.loc["largest_falls_k3_gap0", "episode_rank"] == 3
    assert sens.loc["largest_falls_k3_gap0", "event_is_entry"]
    assert sens.loc["largest_falls_k3_gap0", "episode_top3"]
    # With K = 1 only the biggest fall (B) is an entry, so it ranks first of one.
    assert sens.loc["largest_falls_k1_gap0", "n_ranked"] == 1
    assert sens.loc["largest_falls_k1_gap0", "episode_rank"] == 1


def test_rank_not_yet_testable_and_not_an_entry() -> None:
    closes, d = ranked_fixture()
    early = rank_dips(closes, "2017-01-31", [DipRule("largest_falls", 3)], event=d["B"])
    row = early.sensitivity.iloc[0]
    assert row["status"] == NOT_YET and "2017-06-01" in row["reason"]
    # C (2017-09) is after as_of, so it is not even an entry yet: no look-ahead.
    assert early.entries["entry_date"].max() < pd.Timestamp("2017-01-31")
    missing = rank_dips(closes, "2019-12-31", [DipRule("below_high", 60)], event=d["B"])
    assert missing.sensitivity.iloc[0]["status"] == "not an entry"


def test_forward_return_status_column() -> None:
    closes, d = ranked_fixture()
    res = rank_dips(closes, "2018-06-30", [DipRule("largest_falls", 3)], event=d["B"])
    st = res.entries.set_index("entry_date")["status"]
    assert st[d["A"]] == OK and st[d["B"]] == OK and st[d["C"]] == NOT_YET
