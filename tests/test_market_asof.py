"""`as_of` is a hard wall: absurd data and facts after it change nothing, and claims whose test
date is later say "not yet testable". Also the fact-based tables that depend on `as_of`."""

from __future__ import annotations

import dataclasses
import math
from functools import cache

import numpy as np
import pandas as pd
import pytest

from build_scripts.analysis.backtest import run_backtest
from build_scripts.analysis.dips import rank_dips
from build_scripts.analysis.event_study import run_event_study
from build_scripts.analysis.fundamentals import (
    capex_plan_vs_actual,
    capex_table,
    data_center_revenue,
    market_value_lost,
)
from build_scripts.analysis.market import MarketResults, analyse_market
from build_scripts.analysis.recovery import NOT_YET, OK, recovery_table
from build_scripts.facts import Fact, load_facts
from build_scripts.market.snapshot import load_prices, wide_closes
from build_scripts.market.tickers import load_tickers

PRICE_COLS = ["open", "high", "low", "close"]


@cache
def real() -> tuple[pd.DataFrame, dict[str, Fact]]:
    return load_prices(), load_facts()


def poison_prices(prices: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Prices ×1000 after `as_of`, plus twenty extra future sessions per ticker."""
    out = prices.copy()
    late = out["date"] > pd.Timestamp(as_of)
    out.loc[late, PRICE_COLS] *= 1000
    last = out.sort_values("date").groupby("ticker").tail(1)
    after = last["date"].clip(lower=pd.Timestamp(as_of))
    extra = [last.assign(date=after + pd.Timedelta(days=7 * k), close=last["close"] * 1e6)
             for k in range(1, 21)]
    return pd.concat([out, *extra], ignore_index=True)


def poison_facts(facts: dict[str, Fact], as_of: str) -> dict[str, Fact]:
    """Facts dated after `as_of` get absurd values; one absurd future fact is added."""
    cut = pd.Timestamp(as_of).date()

    def absurd(v: object) -> object:
        if isinstance(v, bool):
            return v
        if isinstance(v, int | float):
            return v * 1000
        if isinstance(v, dict):
            return {k: absurd(x) for k, x in v.items()}
        return "999999"

    out = {k: (f.model_copy(update={"value": absurd(f.value)}) if f.day > cut else f)
           for k, f in facts.items()}
    last = facts["nvda_q1fy27_data_center"]
    period = last.period.model_copy(update={"quarter": 2})
    fake = last.model_copy(update={"id": "nvda_q2fy27_data_center", "date": "2099-01-01", "value": 1,
                                   "period": period})
    out[fake.id] = fake
    return out


def assert_same(a: object, b: object, where: str = "results") -> None:
    """Deep equality for the result dataclasses (frames, timestamps, NaN-aware floats)."""
    if dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, obj=where)
    elif isinstance(a, float) and math.isnan(a):
        assert isinstance(b, float) and math.isnan(b), where
    else:
        assert a == b, where


@pytest.mark.slow
@pytest.mark.parametrize("as_of", ["2025-03-14", "2025-12-31"])
def test_future_rows_and_facts_change_nothing(as_of: str) -> None:
    prices, facts = real()
    clean = analyse_market(prices, facts, as_of)
    dirty = analyse_market(poison_prices(prices, as_of), poison_facts(facts, as_of), as_of)
    assert_same(clean, dirty)
    assert clean.last_price_date <= pd.Timestamp(as_of)


@pytest.mark.slow
def test_each_analysis_cuts_at_as_of_by_itself() -> None:
    """Called directly with an uncut table, no function may read past `as_of`."""
    prices, _ = real()
    as_of = "2025-06-30"
    clean = wide_closes(prices.loc[prices["date"] <= as_of])
    dirty = wide_closes(poison_prices(prices, as_of))
    tickers = load_tickers()
    assert_same(run_event_study(clean, tickers, as_of), run_event_study(dirty, tickers, as_of))
    assert_same(run_backtest(clean, as_of), run_backtest(dirty, as_of))
    assert_same(rank_dips(clean, as_of), rank_dips(dirty, as_of))
    pd.testing.assert_frame_equal(recovery_table(clean, tickers, as_of),
                                  recovery_table(dirty, tickers, as_of))
    # The poison is real: an as-of date after it does see the absurd prices.
    later = "2026-12-31"
    a = run_backtest(clean, later).returns["return_pct"]
    b = run_backtest(dirty, later).returns["return_pct"]
    assert not a.equals(b)


@pytest.mark.slow
def test_twelve_month_claims_not_yet_testable_before_anniversary() -> None:
    prices, facts = real()
    res: MarketResults = analyse_market(prices, facts, "2025-12-31")
    r = res.backtest.returns.set_index(["entry", "asset", "horizon"])
    assert r.loc[("shock_2025-01-27", "NVDA", "12m"), "status"] == NOT_YET
    assert r.loc[("shock_2025-01-27", "NVDA", "6m"), "status"] == OK
    sens = res.dips.sensitivity.set_index("rule_id")
    assert sens.loc["largest_falls_k10_gap0", "status"] == NOT_YET
    # The Q4 FY2026 report (25 Feb 2026) is not known yet; Q3 FY2026 (19 Nov 2025) is.
    assert "nvda_q4fy26_data_center" not in set(res.data_center["fact_id"])
    assert "nvda_q3fy26_data_center" in set(res.data_center["fact_id"])


@pytest.mark.slow
def test_after_anniversary_twelve_month_return_exists() -> None:
    prices, facts = real()
    res = analyse_market(prices, facts, "2026-02-27")
    r = res.backtest.returns.set_index(["entry", "asset", "horizon"])
    row = r.loc[("shock_2025-01-27", "NVDA", "12m")]
    assert row["status"] == OK and row["exit_date"] == pd.Timestamp("2026-01-27")
    # Quoted closes 118.42 -> 188.51 (facts) give +59.2 %; the adjusted series must agree.
    assert row["return_pct"] == pytest.approx((188.51 / 118.42 - 1) * 100, abs=0.2)


@pytest.mark.slow
def test_before_event_everything_waits() -> None:
    prices, facts = real()
    res = analyse_market(prices, facts, "2025-01-15")
    assert (res.event_study.stats["status"] == NOT_YET).all()
    assert res.market_value.status == NOT_YET
    assert (res.recovery["status"] == NOT_YET).all()


@pytest.mark.slow
def test_market_value_lost_sources() -> None:
    prices, facts = real()
    closes = wide_closes(prices)
    implied = market_value_lost(closes, facts, "2025-06-30")
    assert implied.status == OK and np.isnan(implied.value_lost_busd)
    assert implied.shares_source.startswith("none")
    assert implied.price_change_usd == pytest.approx(118.42 - 142.62, abs=0.01)
    assert implied.implied_shares_low_bn == pytest.approx(589 / 24.20, rel=1e-3)
    assert implied.implied_shares_high_bn == pytest.approx(593 / 24.20, rel=1e-3)
    assert implied.prior_record_busd == 279
    given = market_value_lost(closes, facts, "2025-06-30", shares_bn=24.49)
    assert given.shares_source == "input"
    assert given.value_lost_busd == pytest.approx(24.49 * 24.20, rel=1e-3)
    assert given.times_prior_record_low == pytest.approx(given.value_lost_busd / 279)


@pytest.mark.slow
def test_demand_tables_from_facts() -> None:
    _, facts = real()
    dc = data_center_revenue(facts, "2026-08-20").set_index("fact_id")
    assert dc.loc["nvda_q4fy25_data_center", "side"] == "before"  # quarter ended 26 Jan 2025
    assert dc.loc["nvda_q1fy26_data_center", "side"] == "after"
    assert dc.loc["nvda_q1fy26_data_center", "dc_yoy_pct"] == pytest.approx((39112 / 22563 - 1) * 100)
    capex = capex_table(facts, "2026-08-20")
    meta = capex[(capex["fact_id"] == "meta_capex_2025_plan")].iloc[0]
    assert (meta["low_busd"], meta["high_busd"], meta["mid_busd"]) == (60, 65, 62.5)
    early = capex_plan_vs_actual(capex_table(facts, "2025-06-30")).set_index("company")
    assert early.loc["meta", "status"] == NOT_YET
    late = capex_plan_vs_actual(capex).set_index(["company", "year"])
    assert late.loc[("meta", 2025), "actual_vs_plan_pct"] == pytest.approx((72.22 / 62.5 - 1) * 100)
