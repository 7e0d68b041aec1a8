"""Event-study maths: OLS against statsmodels and a hand calculation, then the pipeline on
synthetic prices with a known abnormal return, the Tokyo alignment, missing data, and one real
number from the snapshot."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from build_scripts.analysis.event_study import (
    BENCHMARK,
    EventSpec,
    car_t,
    market_model,
    robust_fit,
    run_event_study,
    window_stats,
)
from build_scripts.analysis.recovery import NO_DATA, NOT_YET, OK
from build_scripts.market.tickers import Ticker

EVENT = pd.Timestamp("2025-01-27")


def tk(symbol: str, group: str = "chips", calendar: str = "XNYS") -> Ticker:
    return Ticker(symbol=symbol, name=symbol, name_ja=symbol, group=group, kind="stock",
                  currency="USD", calendar=calendar)


def test_market_model_matches_statsmodels() -> None:
    rng = np.random.default_rng(7)
    m = rng.normal(0, 0.01, 300)
    r = 0.0004 + 1.7 * m + rng.normal(0, 0.015, 300)
    r[5] = np.nan  # a missing return is dropped pairwise, as in the study
    fit = market_model(r, m)
    ok = np.isfinite(r)
    ols = sm.OLS(r[ok], sm.add_constant(m[ok])).fit()
    assert fit.n == 299
    assert fit.alpha == pytest.approx(ols.params[0], rel=1e-10)
    assert fit.beta == pytest.approx(ols.params[1], rel=1e-10)
    assert fit.sigma == pytest.approx(math.sqrt(ols.scale), rel=1e-10)
    assert fit.r2 == pytest.approx(ols.rsquared, rel=1e-10)


def test_market_model_hand_example() -> None:
    m = np.array([0.01, -0.02, 0.03, 0.00, -0.01])
    r = np.array([0.02, -0.03, 0.05, 0.002, -0.018])
    # By hand: mean m 0.002, mean r 0.0048; Sxx 0.00148, Sxy 0.002432, Syy 0.0040128.
    beta = 0.002432 / 0.00148
    alpha = 0.0048 - beta * 0.002
    sigma = math.sqrt((0.0040128 - beta * 0.002432) / 3)
    fit = market_model(r, m)
    assert fit.beta == pytest.approx(beta, rel=1e-9)
    assert fit.beta == pytest.approx(1.6432432, rel=1e-6)
    assert fit.alpha == pytest.approx(alpha, rel=1e-9)
    assert fit.sigma == pytest.approx(sigma, rel=1e-9)
    assert fit.sigma == pytest.approx(0.0023404, rel=1e-4)


def test_car_t_stat() -> None:
    car, t = car_t(np.array([-0.01, 0.005]), 0.01)
    assert car == pytest.approx(-0.005)
    assert t == pytest.approx(-0.005 / (0.01 * math.sqrt(2)))


def synthetic(shock: float = -0.10, seed: int = 3) -> tuple[pd.DataFrame, dict[str, float]]:
    """SPY random walk; AAA = 0.0002 + 1.5 * SPY + tiny noise, with `shock` on the event day."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2023-06-01", "2025-06-30")
    m = rng.normal(0.0003, 0.01, len(dates))
    eps = rng.normal(0, 0.0005, len(dates))
    e = dates.get_loc(EVENT)
    eps[e] += shock
    r = 0.0002 + 1.5 * m + eps
    m[0] = r[0] = 0.0
    closes = pd.DataFrame({"SPY": 100 * np.cumprod(1 + m), "AAA": 50 * np.cumprod(1 + r)},
                          index=pd.DatetimeIndex(dates, name="date"))
    return closes, {"eps0": eps[e], "eps1": eps[e + 1], "car20": eps[e: e + 21].sum()}


def test_known_abnormal_return_is_recovered() -> None:
    closes, truth = synthetic()
    res = run_event_study(closes, {"AAA": tk("AAA"), "SPY": tk("SPY", "index")}, "2025-06-30",
                          EventSpec(benchmarks=("SPY",)))
    row = res.stats.set_index("ticker").loc["AAA"]
    assert row["status"] == OK
    assert row["n_obs"] == 250
    assert row["beta"] == pytest.approx(1.5, abs=0.02)
    assert row["ar_day0_pct"] == pytest.approx(truth["eps0"] * 100, abs=0.05)
    assert row["t_day0"] < -100  # a 10 % shock against 0.05 % noise
    assert row["car_0_1_pct"] == pytest.approx((truth["eps0"] + truth["eps1"]) * 100, abs=0.1)
    assert row["car_0_20_pct"] == pytest.approx(truth["car20"] * 100, abs=0.3)
    # Estimation window: 250 sessions ending 10 sessions before day 0.
    dates = closes.index
    e = dates.get_loc(EVENT)
    assert row["est_end"] == dates[e - 10]
    assert row["est_start"] == dates[e - 259]
    benchmark_row = res.stats.set_index("ticker").loc["SPY"]
    assert benchmark_row["status"] == BENCHMARK and benchmark_row["reason"] == "is the benchmark"


def test_car_window_after_as_of_is_not_yet_testable() -> None:
    closes, _ = synthetic()
    res = run_event_study(closes, {"AAA": tk("AAA")}, "2025-02-05", EventSpec(benchmarks=("SPY",)))
    row = res.stats.set_index("ticker").loc["AAA"]
    assert np.isfinite(row["car_0_4_pct"])
    assert np.isnan(row["car_0_20_pct"])
    assert NOT_YET in row["reason"]
    before = run_event_study(closes, {"AAA": tk("AAA")}, "2025-01-10",
                             EventSpec(benchmarks=("SPY",)))
    assert before.stats["status"].tolist() == [NOT_YET]


def test_missing_data_gives_reasons_not_errors() -> None:
    closes, _ = synthetic()
    closes["LATE"] = np.where(closes.index >= "2025-03-01", 10.0, np.nan)
    hole = pd.bdate_range("2025-01-20", "2025-02-10")
    closes["HOLE"] = closes["AAA"].where(~closes.index.isin(hole))
    closes["SHORT"] = closes["AAA"].where(closes.index >= "2024-12-01")
    closes["START"] = closes["AAA"].where(closes.index >= "2025-01-20")
    tickers = {s: tk(s) for s in ("LATE", "HOLE", "SHORT", "START", "NOPE")}
    res = run_event_study(closes, tickers, "2025-06-30", EventSpec(benchmarks=("SPY",)))
    s = res.stats.set_index("ticker")
    assert (s["status"] == NO_DATA).all()
    assert "after the event" in s.loc["LATE", "reason"]
    assert "close missing on 2025-01-27" in s.loc["HOLE", "reason"]
    assert "estimation window" in s.loc["SHORT", "reason"]
    assert "no prices" in s.loc["NOPE", "reason"]
    assert "0 returns in the estimation window" in s.loc["START", "reason"]
    recent = closes.loc["2025-01-13":, ["SPY", "AAA"]]  # day 0 is the 10th session: no window
    spy_only = EventSpec(benchmarks=("SPY",))
    short = run_event_study(recent, {"AAA": tk("AAA")}, "2025-06-30", spy_only)
    assert short.stats.loc[0, "reason"] == "no estimation window before the event"
    assert res.group_stats.loc[0, "status"] == NO_DATA


def test_tokyo_ticker_pairs_with_previous_us_session() -> None:
    """A Tokyo stock that copies 2x the previous US session's move must show beta 2, R^2 1."""
    closes, _ = synthetic()
    us = closes["SPY"].pct_change().fillna(0.0)
    tokyo_days = pd.bdate_range("2023-06-02", "2025-06-30")
    prev = us.reindex(tokyo_days - pd.offsets.BDay(1))
    jp = 1000 * np.cumprod(1 + 2 * prev.to_numpy())
    closes = closes.join(pd.Series(jp, index=tokyo_days, name="JJJ"), how="outer")
    res = run_event_study(closes, {"JJJ": tk("JJJ", "japan", "XTKS")}, "2025-06-30",
                          EventSpec(benchmarks=("SPY",)))
    row = res.stats.iloc[0]
    assert row["status"] == OK
    assert row["beta"] == pytest.approx(2.0, rel=1e-6)
    assert row["r2"] == pytest.approx(1.0, abs=1e-9)
    assert row["event_day"] == EVENT


def test_group_portfolio_is_mean_of_members() -> None:
    closes, _ = synthetic()
    closes["BBB"] = closes["AAA"] * 1.0
    tickers = {"AAA": tk("AAA"), "BBB": tk("BBB")}
    res = run_event_study(closes, tickers, "2025-06-30", EventSpec(benchmarks=("SPY",)))
    g = res.group_stats.iloc[0]
    one = res.stats.iloc[0]
    assert g["members"] == "AAA,BBB"
    assert g["ar_day0_pct"] == pytest.approx(one["ar_day0_pct"], rel=1e-9)
    paths = res.car_paths
    grp = paths[(paths["level"] == "group")]
    assert grp["rel_day"].tolist() == list(range(-5, 21))
    # The path is zero on day -1 and cumulates from day 0, so its day-20 value is the table's CAR[0,+20].
    assert grp.loc[grp["rel_day"] == -1, "car_pct"].iloc[0] == 0
    assert grp["car_pct"].iloc[-1] == pytest.approx(grp.loc[grp["rel_day"] >= 0, "ar_pct"].sum(), rel=1e-9)
    assert grp["car_pct"].iloc[-1] == pytest.approx(g["car_0_20_pct"], rel=1e-9)


@pytest.mark.slow
def test_real_snapshot_nvda_day0() -> None:
    from build_scripts.market.snapshot import load_prices, wide_closes
    from build_scripts.market.tickers import load_tickers

    closes = wide_closes(load_prices())
    res = run_event_study(closes, load_tickers(), "2025-06-30")
    nvda = res.stats[(res.stats["ticker"] == "NVDA") & (res.stats["benchmark"] == "SPY")].iloc[0]
    assert round(nvda["ret_day0_pct"], 2) == -16.97
    assert nvda["ar_day0_pct"] < -10 and nvda["t_day0"] < -3
    day0 = res.day0.set_index("ticker")
    assert day0.loc["VST", "rank"] == 1  # Vistra was the day's worst (-28.3 %)
    assert set(res.group_stats["group"]) == {"chips", "networking", "power",
                                             "hyperscalers_software", "japan", "index"}


def test_interval_and_minimum_detectable_effect_by_hand() -> None:
    """CAR over 4 days of AR with sigma 2%: SE = 2% × √4 = 4 pp; 95% interval ±1.95996 × 4;
    MDE at 80% power = (1.95996 + 0.84162) × 4 = 11.2063 pp."""
    ar = np.array([0.0, -0.05, 0.01, 0.02, 0.03, 0.0])
    got = window_stats(ar, e=1, a=0, b=3, sigma=0.02, spec=EventSpec())
    assert got["car_0_3_pct"] == pytest.approx(1.0)
    assert got["se_car_0_3_pp"] == pytest.approx(4.0)
    assert got["t_car_0_3"] == pytest.approx(0.25)
    assert got["ci_lo_car_0_3_pct"] == pytest.approx(1.0 - 1.959964 * 4.0, abs=1e-5)
    assert got["ci_hi_car_0_3_pct"] == pytest.approx(1.0 + 1.959964 * 4.0, abs=1e-5)
    assert got["mde_car_0_3_pp"] == pytest.approx((1.959964 + 0.841621) * 4.0, abs=1e-5)
    assert math.isnan(window_stats(ar, e=1, a=0, b=9, sigma=0.02, spec=EventSpec())["car_0_9_pct"])


def test_one_off_news_in_the_estimation_window_is_dropped() -> None:
    rng = np.random.default_rng(7)
    m = rng.normal(0, 0.01, 250)
    r = 1.5 * m + rng.normal(0, 0.01, 250)
    r_news = r.copy()
    r_news[-1] += 0.25  # a takeover-sized jump on the last day of the window
    clean, dropped_clean = robust_fit(r, m, 5.0)
    fit, dropped = robust_fit(r_news, m, 5.0)
    assert dropped_clean == 0 and dropped == 1
    assert fit.n == 249
    assert fit.beta == pytest.approx(market_model(r[:-1], m[:-1]).beta)
    assert abs(market_model(r_news, m).sigma - clean.sigma) > abs(fit.sigma - clean.sigma)


def test_series_that_follow_the_benchmark_index_are_labelled_benchmark() -> None:
    closes, _ = synthetic()
    closes["^GSPC"] = closes["SPY"] * 10
    tickers = {"AAA": tk("AAA"), "SPY": tk("SPY", "index"), "^GSPC": tk("^GSPC", "index")}
    stats = run_event_study(closes, tickers, "2025-06-30", EventSpec(benchmarks=("SPY",))).stats
    by = stats.set_index("ticker")
    assert by.loc["SPY", "status"] == BENCHMARK
    assert by.loc["^GSPC", "status"] == BENCHMARK
    assert by.loc["^GSPC", "reason"] == "follows the same index as SPY"
    assert by.loc["AAA", "status"] == OK
