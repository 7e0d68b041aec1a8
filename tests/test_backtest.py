"""Returns, drawdown, time under water and recovery on synthetic paths with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from build_scripts.analysis.backtest import (
    common_last_date,
    hold,
    indexed_paths,
    run_backtest,
)
from build_scripts.analysis.recovery import (
    NOT_YET,
    OK,
    first_on_or_after,
    path_stats,
    recovery_row,
    recovery_table,
)
from build_scripts.market.tickers import Ticker


def series(values: list[float], start: str = "2025-01-24") -> pd.Series:
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)), dtype=float)


def test_path_stats_known_answer() -> None:
    s = series([100, 95, 90, 98, 105, 80, 100, 101])
    st = path_stats(s)
    d = s.index
    assert st.max_drawdown_pct == pytest.approx((80 / 105 - 1) * 100)
    assert (st.peak_date, st.trough_date) == (d[4], d[5])
    assert st.worst_vs_cost_pct == pytest.approx(-20.0)
    assert st.worst_vs_cost_date == d[5]
    assert st.days_below_cost == 4  # 95, 90, 98, 80; 100 equals cost and is not below
    assert st.underwater_days == 3
    assert (st.underwater_start, st.underwater_end) == (d[1], d[4])
    assert st.underwater_recovered


def test_path_stats_never_recovers_and_never_below() -> None:
    down = path_stats(series([100, 90, 80]))
    assert down.underwater_days == 2 and not down.underwater_recovered
    assert down.underwater_end is None
    up = path_stats(series([100, 110, 105, 120]))
    assert up.days_below_cost == 0 and up.worst_vs_cost_pct == 0.0
    assert up.max_drawdown_pct == pytest.approx((105 / 110 - 1) * 100)


def test_first_on_or_after() -> None:
    idx = pd.DatetimeIndex(["2026-01-23", "2026-01-26", "2026-01-27"])
    assert first_on_or_after(idx, pd.Timestamp("2026-01-24")) == pd.Timestamp("2026-01-26")
    assert first_on_or_after(idx, pd.Timestamp("2026-01-27")) == pd.Timestamp("2026-01-27")
    assert first_on_or_after(idx, pd.Timestamp("2026-01-28")) is None


def test_hold_uses_first_session_on_or_after_target() -> None:
    s = pd.Series(np.arange(1.0, 401.0), index=pd.bdate_range("2025-01-01", periods=400))
    entry = pd.Timestamp("2025-01-27")
    res = hold(s, entry, None, 12, pd.Timestamp("2026-06-30"))
    # 27 Jan 2026 is a Tuesday, so it is the exit itself.
    assert res["exit_date"] == pd.Timestamp("2026-01-27")
    assert res["return_pct"] == pytest.approx((s["2026-01-27"] / s[entry] - 1) * 100)
    weekend = hold(s, pd.Timestamp("2025-01-24"), None, 12, pd.Timestamp("2026-06-30"))
    assert weekend["exit_date"] == pd.Timestamp("2026-01-26")  # target Sat 24 Jan 2026
    early = hold(s, entry, None, 12, pd.Timestamp("2025-12-31"))
    assert early["status"] == NOT_YET and "return_pct" not in early


def synthetic_closes() -> pd.DataFrame:
    idx = pd.bdate_range("2024-06-03", "2026-08-20")
    n = np.arange(len(idx))
    df = pd.DataFrame({"NVDA": 100 * 1.002**n, "SPY": 50 * 1.001**n, "QQQ": 70 * 1.0015**n,
                       "SOXX": 30 * 1.0005**n}, index=pd.DatetimeIndex(idx, name="date"))
    df.loc[df.index > "2026-08-06", ["SPY", "QQQ", "SOXX"]] = np.nan  # ETFs end earlier
    return df


def test_run_backtest_geometric_paths() -> None:
    closes = synthetic_closes()
    res = run_backtest(closes, "2026-08-20")
    r = res.returns.set_index(["entry", "asset", "horizon"])
    idx = closes.index
    days = idx.get_loc(pd.Timestamp("2026-01-27")) - idx.get_loc(pd.Timestamp("2025-01-27"))
    row = r.loc[("shock_2025-01-27", "NVDA", "12m")]
    assert row["status"] == OK
    assert row["return_pct"] == pytest.approx((1.002**days - 1) * 100)
    assert row["excess_vs_spy_pct"] == pytest.approx((1.002**days - 1.001**days) * 100)
    latest = r.loc[("shock_2025-01-27", "NVDA", "latest")]
    assert latest["exit_date"] == pd.Timestamp("2026-08-06")  # common last date of all four
    # A rising path never goes under water.
    dd = res.drawdowns
    assert (dd["days_below_cost"] == 0).all() and (dd["max_drawdown_pct"] == 0).all()


def test_run_backtest_not_yet_testable_before_twelve_months() -> None:
    res = run_backtest(synthetic_closes(), "2025-12-31")
    r = res.returns.set_index(["entry", "asset", "horizon"])
    assert r.loc[("shock_2025-01-27", "NVDA", "12m"), "status"] == NOT_YET
    assert np.isnan(r.loc[("shock_2025-01-27", "NVDA", "12m"), "return_pct"])
    assert r.loc[("shock_2025-01-27", "NVDA", "6m"), "status"] == OK
    april = run_backtest(synthetic_closes(), "2025-04-15").entries.set_index("entry")
    assert april.loc["april_2025_low", "status"] == NOT_YET


def test_april_low_entry_is_lowest_april_close() -> None:
    closes = synthetic_closes()
    closes.loc["2025-04-04", "NVDA"] = 1.0
    res = run_backtest(closes, "2026-08-20")
    e = res.entries.set_index("entry")
    assert e.loc["april_2025_low", "entry_date"] == pd.Timestamp("2025-04-04")


def test_drawdown_of_shock_buyer_hits_april_trough() -> None:
    closes = synthetic_closes()
    closes.loc["2025-04-04", "NVDA"] = closes.loc["2025-01-27", "NVDA"] * 0.7
    res = run_backtest(closes, "2026-08-20")
    dd = res.drawdowns.set_index(["entry", "asset", "horizon"]).loc[
        ("shock_2025-01-27", "NVDA", "latest")]
    assert dd["trough_date"] == pd.Timestamp("2025-04-04")
    assert dd["worst_vs_cost_pct"] == pytest.approx(-30.0)
    assert dd["underwater_days"] == 1
    assert dd["underwater_end"] == pd.Timestamp("2025-04-07")


def test_common_last_date_and_missing_asset() -> None:
    closes = synthetic_closes()
    assert common_last_date(closes, ["NVDA", "SPY"], "2026-08-20") == pd.Timestamp("2026-08-06")
    assert common_last_date(closes, ["NVDA"], "2026-08-20") == pd.Timestamp("2026-08-20")
    assert common_last_date(closes, ["NVDA", "NOPE"], "2026-08-20") is None


def test_recovery_row_counts_trading_days() -> None:
    s = series([100, 80, 90, 99, 100, 101, 95])  # ref day is the first value
    row = recovery_row(s, s.index[0], s.index[-1])
    assert row["status"] == OK
    assert row["trading_days"] == 5  # 100 equals, does not beat; 101 on the fifth session
    assert row["recovery_date"] == s.index[5]
    assert row["trough_pct"] == pytest.approx(-20.0)
    never = recovery_row(series([100, 90, 95, 99]), series([100])[:1].index[0], s.index[-1])
    assert never["status"] == "never" and not never["recovered"]
    assert "as of" in never["reason"]


def test_recovery_table_reasons() -> None:
    idx = pd.bdate_range("2025-01-20", "2025-03-31")
    closes = pd.DataFrame({"UP": np.linspace(100, 130, len(idx)),
                           "GAP": np.where(idx < "2025-01-24", 1.0, np.nan)},
                          index=pd.DatetimeIndex(idx, name="date"))

    def tk(s: str) -> Ticker:
        return Ticker(symbol=s, name=s, name_ja=s, group="chips", kind="stock", currency="USD",
                      calendar="XNYS")

    t = recovery_table(closes, {"UP": tk("UP"), "GAP": tk("GAP"), "NONE": tk("NONE")},
                       "2025-03-31").set_index("ticker")
    assert t.loc["UP", "trading_days"] == 1
    assert t.loc["GAP", "status"] == "no data" and "2025-01-24" in t.loc["GAP", "reason"]
    assert t.loc["NONE", "status"] == "no data"
    early = recovery_table(closes, {"UP": tk("UP")}, "2025-01-10")
    assert early.loc[0, "status"] == NOT_YET


def test_indexed_paths_base_is_100() -> None:
    closes = synthetic_closes()
    p = indexed_paths(closes, "2026-08-20")
    base = p[p["date"] == pd.Timestamp("2025-01-24")]
    assert sorted(base["ticker"]) == ["NVDA", "SOXX", "SPY"]
    assert np.allclose(base["index_level"], 100.0)
    assert p["date"].min() == pd.Timestamp("2024-09-02")
