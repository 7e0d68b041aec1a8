"""Named figures of the market half of the report, computed once from `MarketResults`.

Pages print these and the claims engine tests them, so both read the same number under the same
name. A figure that cannot be computed on the edition's date (a window not yet over, a quarter not
yet reported) is simply absent: a page then says "not yet testable" and a claim test waits.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import SupportsFloat, cast

import numpy as np
import pandas as pd

from .. import fmt, grades
from ..event import EventDef
from ..facts import Fact
from .backtest import ASSETS, HORIZONS, LOW_MONTH, hold
from .dips import DEFAULT_RULES, WINDOW, forward_returns
from .event_study import BENCHMARK, EventSpec
from .market import MarketResults
from .metric import Metric, MetricValue
from .recovery import DATA_ENDED, NEVER, NOT_YET, OK, closes_of

# The 12-month comparisons of the investor call: market, large-cap tech and two chip funds.
GOLDEN_COMPARATORS = ("SPY", "QQQ", "SOXX", "SMH")
DIP_START = pd.Timestamp("2015-01-01")
# Growth after the event is compared with this many quarters before it.
QUARTERS_BEFORE = 4


def slug(ticker: str) -> str:
    """A name part for a ticker: ``^GSPC`` → ``idx_gspc``; ``9984.T`` (code, then exchange) →
    ``t9984``, since a template name may not start with a digit."""
    s = ticker.lower().replace("^", "idx_")
    if "." in s:
        code, exchange = s.split(".", 1)
        s = f"{exchange}{code}" if code[:1].isdigit() else f"{code}_{exchange}"
    return s


@dataclass
class Collector:
    """Metrics of one computation; a missing or non-finite value is left out, never printed."""

    # The facts known on the date: a figure resting on facts carries the weakest of their grades.
    facts: Mapping[str, Fact] = field(default_factory=dict)
    metrics: list[Metric[MetricValue]] = field(default_factory=list)
    # Figures the analysis knows but could not compute on this date (kept, so that a claim test
    # naming one is told apart from a test naming a figure that does not exist at all).
    absent: set[str] = field(default_factory=set)

    def add(self, name: str, value: object, unit: str, formula: str = "",
            inputs: Iterable[str] = ("snapshot",), grade: str | None = None) -> None:
        v = _plain(value)
        if v is None:
            self.absent.add(name)
            return
        inputs = tuple(inputs)
        if grade is None:
            grade = grades.weakest(self.facts[i].grade for i in inputs if i in self.facts)
        self.metrics.append(Metric(name, v, unit, inputs, formula, grade))


def _plain(value: object) -> float | int | str | dt.date | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, dt.date | str):
        return value
    if isinstance(value, bool | np.bool_):
        return int(bool(value))
    if isinstance(value, int | np.integer):
        return int(value)
    if not isinstance(value, SupportsFloat):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def market_metrics(res: MarketResults, closes: pd.DataFrame, event: EventDef, spec: EventSpec | None = None,
                   collector: Collector | None = None) -> list[Metric[MetricValue]]:
    """Every market figure the pages print or the claims test, by name."""
    spec = spec or res.event_study.spec
    c = collector if collector is not None else Collector()
    _design(c, event, spec)
    _event_study(c, res, spec)
    _relative(c, closes, res.as_of, event)
    _recovery(c, res)
    _backtest(c, res, closes)
    _entry_percentile(c, closes, res.as_of, event)
    _dips(c, res)
    _demand(c, res)
    _horizons(c)
    names = [m.name for m in c.metrics]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"market metrics named twice: {dupes}")
    return c.metrics


def _design(c: Collector, event: EventDef, spec: EventSpec) -> None:
    """The study's design, printed from data/event.yaml so prose and analysis cannot drift."""
    src = ("data/event.yaml",)
    c.add("event_date", event.day, "date", "event.date", src)
    c.add("event_prev_date", event.pre_day, "date", "event.pre_event_date", src)
    c.add("es_estimation_days", spec.estimation_days, "sessions", "study.estimation_days", src)
    c.add("es_gap_days", spec.gap_days, "sessions", "study.gap_days", src)
    c.add("es_min_obs", spec.min_obs, "count", "study.min_obs", src)
    c.add("es_outlier_cut_sigma", spec.outlier_cut_sigma, "number", "study.outlier_cut_sigma", src)
    c.add("es_max_gap_days", spec.max_gap_days, "days", "study.max_gap_days", src)
    c.add("es_confidence_pct", spec.confidence * 100, "pct", "study.confidence × 100", src)
    c.add("es_power_pct", spec.power * 100, "pct", "study.power × 100", src)
    c.add("es_significance_pct", (1 - spec.confidence) * 100, "pct", "(1 − study.confidence) × 100", src)
    c.add("es_z", spec.z, "number", "normal quantile at 1 − (1 − confidence) / 2", src)
    c.add("es_mde_factor", spec.mde_factor, "number", "z(1 − α/2) + z(power)", src)
    c.add("es_path_first_day", spec.path_days[0], "session_offset", "study.path_days[0]", src)
    c.add("es_path_last_day", spec.path_days[1], "session_offset", "study.path_days[1]", src)
    c.add("es_long_window_days", spec.car_windows[-1][1], "sessions", "end of the last CAR window", src)
    for a, b in spec.reversal_windows:
        c.add(f"es_reversal_{a}_{b}_days", b, "sessions", "reversal window end", src)
    c.add("relative_sessions", event.study.relative_sessions, "sessions", "study.relative_sessions", src)


def _row(stats: pd.DataFrame, ticker: str, benchmark: str) -> pd.Series | None:
    r = stats[(stats["ticker"] == ticker) & (stats["benchmark"] == benchmark)]
    return r.iloc[0] if len(r) else None


def _window_metrics(c: Collector, prefix: str, row: pd.Series, spec: EventSpec, inputs: tuple[str, ...]) -> None:
    model = f"market model vs {row['benchmark']}"
    for a, b in spec.windows:
        key = f"car_{a}_{b}"
        label = f"CAR[{a},{b}]" if (a, b) != (0, 0) else "AR on day 0"
        c.add(f"{prefix}_{key}_pct", row.get(f"{key}_pct"), "pct_change", f"sum of abnormal returns, {label}; {model}",
              inputs)
        c.add(f"{prefix}_t_{key}", row.get(f"t_{key}"), "t", f"{label} ÷ (σ√L)", inputs)
        c.add(f"{prefix}_se_{key}_pp", row.get(f"se_{key}_pp"), "pp_abs", f"σ√L for {label}", inputs)
        c.add(f"{prefix}_ci_lo_{key}_pct", row.get(f"ci_lo_{key}_pct"), "pct_change", f"{label} − z·σ√L", inputs)
        c.add(f"{prefix}_ci_hi_{key}_pct", row.get(f"ci_hi_{key}_pct"), "pct_change", f"{label} + z·σ√L", inputs)
        c.add(f"{prefix}_mde_{key}_pp", row.get(f"mde_{key}_pp"), "pp_abs",
              "(z(1 − α/2) + z(power)) × σ√L: the smallest effect found with the stated power", inputs)
    ar0 = row.get("ar_day0_pct")
    for a, b in spec.reversal_windows:
        c.add(f"{prefix}_reversal_{a}_{b}_pct", row.get(f"reversal_{a}_{b}_pct"), "pct",
              f"CAR[{a},{b}] ÷ −AR(day 0) × 100", inputs)
        if ar0 is not None and np.isfinite(ar0) and ar0 < 0:
            for side in ("lo", "hi"):
                ci = row.get(f"ci_{side}_car_{a}_{b}_pct")
                c.add(f"{prefix}_reversal_ci_{side}_{a}_{b}_pct", ci / -ar0 * 100 if ci is not None else None,
                      "pct", f"interval bound of CAR[{a},{b}] ÷ −AR(day 0) × 100", inputs)


def _event_study(c: Collector, res: MarketResults, spec: EventSpec) -> None:
    es = res.event_study
    s = es.stats
    nv = _row(s, "NVDA", "SPY")
    if nv is not None and nv["status"] == OK:
        inputs = ("snapshot:NVDA", "snapshot:SPY")
        c.add("nvda_es_n_obs", nv["n_obs"], "count", "returns in the estimation window", inputs)
        c.add("nvda_es_n_dropped", nv["n_dropped"], "count", "returns dropped by the outlier cut", inputs)
        c.add("nvda_es_est_start", nv["est_start"], "date", "first day of the estimation window", inputs)
        c.add("nvda_es_est_end", nv["est_end"], "date", "last day of the estimation window", inputs)
        c.add("nvda_beta", nv["beta"], "number", "OLS slope on SPY", inputs)
        c.add("nvda_alpha_pct", nv["alpha_pct"], "pct_change", "OLS intercept (daily)", inputs)
        c.add("nvda_sigma_pct", nv["sigma_pct"], "pct", "residual standard error (daily)", inputs)
        c.add("nvda_ar0_pct", nv["ar_day0_pct"], "pct_change", "return − (α + β × SPY return) on day 0", inputs)
        c.add("nvda_t0", nv["t_day0"], "t", "AR ÷ σ", inputs)
        _window_metrics(c, "nvda", nv, spec, inputs)
    q = _row(s, "NVDA", "QQQ")
    if q is not None and q["status"] == OK:
        inputs = ("snapshot:NVDA", "snapshot:QQQ")
        c.add("nvda_beta_qqq", q["beta"], "number", "OLS slope on QQQ", inputs)
        c.add("nvda_ar0_qqq_pct", q["ar_day0_pct"], "pct_change", "day-0 AR, market model vs QQQ", inputs)
        c.add("nvda_t0_qqq", q["t_day0"], "t", "AR ÷ σ, vs QQQ", inputs)
    spy = s[s["benchmark"] == "SPY"]
    tested = spy[spy["status"] == OK]
    if len(tested):
        c.add("es_tickers", len(tested), "count", "tickers with a valid market-model fit (benchmarks excluded)")
        c.add("es_benchmarks", int((spy["status"] == BENCHMARK).sum()), "count",
              "series that are the benchmark or follow its index")
        c.add("es_sig_day0", int((tested["t_day0"].abs() > spec.z).sum()), "count",
              "tickers whose day-0 interval excludes zero")
        c.add("es_dropped_total", int(tested["n_dropped"].sum()), "count",
              "estimation returns dropped by the outlier cut, all tickers")
        c.add("es_min_n_obs", int(tested["n_obs"].min()), "count", "fewest estimation returns of any fit")
        shortest = tested.sort_values(["n_obs", "ticker"]).iloc[0]
        c.add("es_min_n_obs_ticker", shortest["ticker"], "ticker", "ticker with the fewest estimation returns")
        long_t = f"t_car_0_{spec.car_windows[-1][1]}"
        if tested[long_t].notna().any():
            c.add("es_sig_car20", int((tested[long_t].abs() > spec.z).sum()), "count",
                  "tickers whose last CAR window's interval excludes zero")
        for t in tested["ticker"]:
            r = tested[tested["ticker"] == t].iloc[0]
            c.add(f"es_n_dropped_{slug(t)}", r["n_dropped"], "count", "returns dropped by the outlier cut",
                  (f"snapshot:{t}", "snapshot:SPY"))
    g = es.group_stats
    g = g[(g["benchmark"] == "SPY") & (g["status"] == OK)].set_index("group")
    last = spec.car_windows[-1][1]
    for grp, r in g.iterrows():
        c.add(f"es_{grp}_ar0_pct", r["ar_day0_pct"], "pct_change", "day-0 AR of the equal-weighted group vs SPY")
        c.add(f"es_{grp}_t0", r["t_day0"], "t", "AR ÷ σ")
        c.add(f"es_{grp}_car20_pct", r[f"car_0_{last}_pct"], "pct_change", "group CAR over the last CAR window")
        c.add(f"es_{grp}_t_car20", r[f"t_car_0_{last}"], "t", "CAR ÷ (σ√L)")
    if "chips" in g.index and "hyperscalers_software" in g.index:
        ar0 = g["ar_day0_pct"].astype(float)
        c.add("es_chips_minus_software_ar0_pp", ar0["chips"] - ar0["hyperscalers_software"], "pp",
              "chips group AR − hyperscalers and software group AR, day 0")


def _after(s: pd.Series, start: pd.Timestamp, sessions: int) -> pd.Timestamp | None:
    """The session `sessions` after `start` in `s`'s own calendar, or None if not reached yet."""
    if start not in s.index:
        return None
    # The closes have one row per session date, so a date's location is a single position.
    i = cast(int, s.index.get_loc(start)) + sessions
    return s.index[i] if i < len(s.index) else None


def _relative(c: Collector, closes: pd.DataFrame, as_of: pd.Timestamp, event: EventDef) -> None:
    """Nvidia against the sector fund over the same dates, on Nvidia's sessions."""
    fund = event.study.sector_fund
    nv, fd = closes_of(closes, "NVDA", as_of), closes_of(closes, fund, as_of)
    f = slug(fund)
    inputs = ("snapshot:NVDA", f"snapshot:{fund}")
    ev, pre = pd.Timestamp(event.day), pd.Timestamp(event.pre_day)

    def rel(start: pd.Timestamp, sessions: int) -> tuple[float, float] | None:
        end = _after(nv, start, sessions)
        if end is None or end not in fd.index or start not in fd.index:
            return None
        return (nv[end] / nv[start] - 1) * 100, (fd[end] / fd[start] - 1) * 100

    n = event.study.relative_sessions
    got = rel(pre, n)
    if got:
        c.add("nvda_from_pre_rel_pct", got[0], "pct_change", f"NVDA return over {n} sessions from the pre-event close",
              inputs)
        c.add(f"{f}_from_pre_rel_pct", got[1], "pct_change", f"{fund} return over the same sessions", inputs)
        c.add(f"nvda_minus_{f}_from_pre_pp", got[0] - got[1], "pp", f"NVDA − {fund}, from the pre-event close", inputs)
    got = rel(ev, n)
    if got:
        c.add(f"nvda_minus_{f}_from_event_pp", got[0] - got[1], "pp", f"NVDA − {fund}, {n} sessions from the "
              "event close", inputs)
    for a, b in event.study.reversal_windows:
        got = rel(ev, b)
        if got:
            c.add(f"nvda_minus_{f}_{a}_{b}_pp", got[0] - got[1], "pp",
                  f"NVDA − {fund} return from the day-0 close to session +{b}", inputs)


def _recovery(c: Collector, res: MarketResults) -> None:
    rec = res.recovery
    shown = rec[rec["status"].isin([OK, NEVER, DATA_ENDED])]
    for r in shown.itertuples():
        t = str(r.ticker)
        inputs = (f"snapshot:{t}",)
        c.add(f"{slug(t)}_day0_return_pct", r.day1_pct, "pct_change", "close on the event day ÷ last close before − 1",
              inputs)
        ok = r.status == OK
        c.add(f"{slug(t)}_recovery_days", r.trading_days if ok else None, "sessions",
              "trading days until the first close above the last pre-event close", inputs)
        c.add(f"{slug(t)}_recovery_date", r.recovery_date if ok else None, "date",
              "first close above the pre-event close", inputs)
        if r.status == DATA_ENDED:
            c.add(f"{slug(t)}_data_end", r.data_end, "date", "last close in the snapshot", inputs)
    nv = shown[shown["ticker"] == "NVDA"]
    if len(nv):
        c.add("nvda_recovery_trough_pct", nv["trough_pct"].iloc[0], "pct_change",
              "lowest close before recovery ÷ pre-event close − 1", ("snapshot:NVDA",))
        c.add("nvda_recovery_trough_date", nv["trough_date"].iloc[0], "date", "date of that close", ("snapshot:NVDA",))
    back = shown[shown["status"] == OK].sort_values(["trading_days", "ticker"])
    c.add("recovery_total_count", len(shown), "count", "tickers with a close on both sides of the event")
    c.add("recovery_back_count", len(back), "count", "tickers back above the pre-event close")
    c.add("recovery_never_count", int((shown["status"] == NEVER).sum()), "count", "tickers not back yet")
    c.add("recovery_data_ended_count", int((shown["status"] == DATA_ENDED).sum()), "count",
          "tickers whose data end before they got back")
    if len(back):
        c.add("recovery_fastest_ticker", back["ticker"].iloc[0], "ticker", "fewest trading days to get back")
        c.add("recovery_slowest_ticker", back["ticker"].iloc[-1], "ticker", "most trading days to get back")
        c.add("recovery_slowest_days", back["trading_days"].iloc[-1], "sessions", "most trading days to get back")


def _backtest(c: Collector, res: MarketResults, closes: pd.DataFrame) -> None:
    r = res.backtest.returns
    shock = r[r["entry"] == "shock_2025-01-27"]
    for row in shock.itertuples():
        tag = "to_last" if row.horizon == "latest" else str(row.horizon)
        if row.asset == "NVDA" and row.horizon == "12m":
            c.add("backtest_12m_end_date", row.exit_date if row.status == OK else row.target_date, "date",
                  "event day + 12 months (first close on/after)")
        if row.asset == "NVDA" and row.horizon == "latest" and row.status == OK:
            c.add("backtest_last_date", row.exit_date, "date", "last date with prices for all compared series")
        if row.status == OK:
            asset = str(row.asset)
            c.add(f"{asset.lower()}_{tag}_return_pct", row.return_pct, "pct_change",
                  "exit close ÷ entry close (event day) − 1", (f"snapshot:{asset}",))
    nv = shock[(shock["asset"] == "NVDA") & (shock["status"] == OK)].set_index("horizon")["return_pct"]
    for a in ASSETS[1:]:
        other = shock[(shock["asset"] == a) & (shock["status"] == OK)].set_index("horizon")["return_pct"]
        for h in nv.index.intersection(other.index):
            tag = "to_last" if h == "latest" else h
            c.add(f"nvda_{tag}_minus_{a.lower()}_pp", nv[h] - other[h], "pp", f"NVDA return − {a} return",
                  ("snapshot:NVDA", f"snapshot:{a}"))
    # Comparators outside the backtest's common window (SMH ends earlier): 12 months only.
    ev = pd.Timestamp(res.event_study.spec.event_date)
    nv_s = closes_of(closes, "NVDA", res.as_of)
    for a in GOLDEN_COMPARATORS:
        if a in ASSETS:
            continue
        s = closes_of(closes, a, res.as_of)
        got, mine = hold(s, ev, None, 12, res.as_of), hold(nv_s, ev, None, 12, res.as_of)
        if got.get("status") == OK and mine.get("status") == OK and got["exit_date"] == mine["exit_date"]:
            c.add(f"{a.lower()}_12m_return_pct", got["return_pct"], "pct_change", "exit close ÷ entry close − 1",
                  (f"snapshot:{a}",))
            c.add(f"nvda_12m_minus_{a.lower()}_pp", mine["return_pct"] - got["return_pct"], "pp",
                  f"NVDA return − {a} return", ("snapshot:NVDA", f"snapshot:{a}"))
    _entries(c, res)


def _entries(c: Collector, res: MarketResults) -> None:
    """The three buyers (day before, sell-off close, April low): returns and what they sat through."""
    r, d = res.backtest.returns, res.backtest.drawdowns
    nv = ("snapshot:NVDA",)
    for e in res.backtest.entries.itertuples():
        tag = {"shock_2025-01-27": "shock", "pre_shock_2025-01-24": "pre", "april_2025_low": "april"}.get(str(e.entry))
        if tag is None or e.status != OK:
            continue
        c.add(f"bt_{tag}_entry_date", e.entry_date, "date", "entry close", nv)
        for h, col in (("12m", "nvda_12m_pct"), ("latest", "nvda_latest_pct")):
            x = r[(r["entry"] == e.entry) & (r["asset"] == "NVDA") & (r["horizon"] == h) & (r["status"] == OK)]
            if len(x):
                c.add(f"bt_{tag}_{col}", x["return_pct"].iloc[0], "pct_change", f"return from this entry, {h}", nv)
        dd = d[(d["entry"] == e.entry) & (d["asset"] == "NVDA") & (d["horizon"] == "latest")] if len(d) else d
        if not len(dd):
            continue
        dd_row = dd.iloc[0]
        c.add(f"bt_{tag}_max_drawdown_pct", dd_row["max_drawdown_pct"], "pct_change",
              "largest fall from a running peak, entry to last common date", nv)
        c.add(f"bt_{tag}_worst_vs_cost_pct", dd_row["worst_vs_cost_pct"], "pct_change",
              "lowest close ÷ entry close − 1", nv)
        c.add(f"bt_{tag}_days_below_cost", dd_row["days_below_cost"], "sessions",
              "trading days closing below the entry", nv)
        c.add(f"bt_{tag}_underwater_days", dd_row["underwater_days"], "sessions",
              "longest run of closes below the entry close", nv)
        for col in ("peak_date", "trough_date", "worst_vs_cost_date", "underwater_end"):
            c.add(f"bt_{tag}_{col}", dd_row[col], "date", col.replace("_", " "), nv)


def _entry_percentile(c: Collector, closes: pd.DataFrame, as_of: pd.Timestamp, event: EventDef) -> None:
    """Where the sell-off close ranks among every day one could have bought Nvidia since 2015,
    by the 12-month return that followed (only days whose 12 months are over count)."""
    s = closes_of(closes, "NVDA", as_of)
    ev = pd.Timestamp(event.day)
    if ev not in s.index:
        return
    mine = forward_returns(s, pd.DatetimeIndex([ev]), 12, as_of)
    if mine["status"].iloc[0] != OK:
        return
    days = s.index[s.index >= DIP_START]
    fwd = forward_returns(s, days, 12, as_of)
    done = fwd.loc[fwd["status"] == OK, "fwd_pct"].to_numpy(dtype=float)
    if not len(done):
        return
    x = float(mine["fwd_pct"].iloc[0])
    nv = ("snapshot:NVDA",)
    c.add("nvda_12m_entry_percentile", float((done < x).mean() * 100), "percentile",
          "share of entry days since 2015 with a lower 12-month return", nv)
    c.add("nvda_12m_entries_count", len(done), "count", "entry days since 2015 whose 12 months are over", nv)
    c.add("nvda_12m_entries_median_pct", float(np.median(done)), "pct_change", "median 12-month return of those", nv)
    c.add("nvda_12m_entries_first_date", days[0], "date", "first entry day counted", nv)


def _dips(c: Collector, res: MarketResults) -> None:
    sens = res.dips.sensitivity
    c.add("dip_window_days", WINDOW, "sessions", "sessions in the trailing 52-week high", ("code",))
    c.add("dip_search_start", DIP_START, "date", "first day searched for entries", ("code",))
    c.add("dip_rules_count", len(sens), "count", "dip definitions tested", ("code",))
    c.add("dip_k_list", ", ".join(str(int(r.param)) for r in DEFAULT_RULES if r.kind == "largest_falls"
                                  and not r.min_gap_days), "text", "K in the largest-falls rules", ("code",))
    if not len(sens):
        return
    c.add("dip_rules_not_yet", int((sens["status"] == NOT_YET).sum()), "count",
          "definitions whose 12-month exit is after the edition date")
    done = sens[sens["status"] == OK]
    c.add("dip_rules_tested", len(done), "count", "definitions with a ranked entry for the episode")
    c.add("dip_rules_no_entry", int((sens["status"] == "not an entry").sum()), "count",
          "definitions with no entry in the episode")
    if not len(done):
        return
    ev = done[done["event_is_entry"].astype(bool)]
    c.add("dip_event_entry_rules", len(ev), "count", "definitions under which the event day itself is an entry")
    c.add("dip_event_top3_count", int((ev["episode_rank"] <= 3).sum()), "count",
          "of those, definitions where the event day ranks in the top three")
    if len(ev):
        c.add("dip_event_top3_share_pct", float((ev["episode_rank"] <= 3).mean() * 100), "pct",
              "event day in the top three ÷ definitions where it is an entry × 100")
        c.add("dip_event_best_rank", int(ev["episode_rank"].min()), "rank", "best rank of the event day")
    c.add("dip_episode_top3_count", int(done["episode_top3"].astype(bool).sum()), "count",
          "definitions where the episode's first entry ranks in the top three")


def _quarter(row: pd.Series) -> str:
    """A quarter as one text that each language reads its own way (fmt.fiscal_quarter_text)."""
    end = pd.Timestamp(row["quarter_end"]).date()
    return fmt.quarter_code(int(row["fiscal_year"]), int(row["fiscal_quarter"]), end)


def _horizons(c: Collector) -> None:
    """The backtest's holding periods in months, and the month of the third buyer's low, so the
    pages can name them."""
    for name, months in HORIZONS:
        if months is not None:
            c.add(f"bt_horizon_{name}_months", months, "count", "a holding period of the backtest (months)", ("code",))
    c.add("bt_low_month", LOW_MONTH.month, "month name", "the month whose lowest close is the third entry", ("code",))


def _demand(c: Collector, res: MarketResults) -> None:
    """Did the demand the market feared for fall? Revenue quarters and capex plans around the event."""
    dc = res.data_center
    if len(dc):
        ids = tuple(dc["fact_id"])
        before, after = dc[dc["side"] == "before"], dc[dc["side"] == "after"]
        if len(before):
            pre = before.iloc[-1]
            c.add("dc_pre_period", _quarter(pre), "fiscal quarter", "last quarter that ended before the event",
                  (pre["fact_id"],))
            c.add("dc_pre_quarter_end", pre["quarter_end"], "date", "its end", (pre["fact_id"],))
            c.add("dc_pre_usd", pre["data_center_musd"] * 1e6, "usd", "its data-centre revenue", (pre["fact_id"],))
            last4 = before["dc_qoq_pct"].dropna().tail(QUARTERS_BEFORE)
            c.add("dc_before_quarters", QUARTERS_BEFORE, "count", "quarters before the event compared", ("code",))
            if len(last4) == QUARTERS_BEFORE:
                c.add("dc_before_mean_qoq_pct", last4.mean(), "pct_change",
                      "mean quarter-on-quarter growth, the quarters before the event", ids)
        c.add("dc_after_quarters", len(after), "count", "quarters that ended after the event and are reported", ids)
        if len(after) and len(before):
            q = after["dc_qoq_pct"]
            c.add("dc_after_up_quarters", int((q > 0).sum()), "count", "of those, quarters above the one before", ids)
            c.add("dc_after_min_qoq_pct", q.min(), "pct_change", "smallest quarter-on-quarter growth after the event",
                  ids)
            c.add("dc_after_mean_qoq_pct", q.mean(), "pct_change", "mean quarter-on-quarter growth after the event",
                  ids)
            if len(before["dc_qoq_pct"].dropna().tail(QUARTERS_BEFORE)) == QUARTERS_BEFORE:
                c.add("dc_mean_qoq_after_minus_before_pp",
                      q.mean() - before["dc_qoq_pct"].dropna().tail(QUARTERS_BEFORE).mean(),
                      "pp", "mean growth after − mean growth in the four quarters before", ids)
            last = after.iloc[-1]
            c.add("dc_last_period", _quarter(last), "fiscal quarter", "latest reported quarter", (last["fact_id"],))
            c.add("dc_last_report_date", last["report_date"], "date", "its report date", (last["fact_id"],))
            c.add("dc_last_usd", last["data_center_musd"] * 1e6, "usd", "its data-centre revenue", (last["fact_id"],))
            c.add("dc_last_yoy_pct", last["dc_yoy_pct"], "pct_change", "on the same quarter a year earlier",
                  (last["fact_id"],))
            c.add("dc_growth_since_pct", (last["data_center_musd"] / before.iloc[-1]["data_center_musd"] - 1) * 100,
                  "pct_change", "latest quarter ÷ last pre-event quarter − 1", ids)
    cap, vs = res.capex, res.capex_vs_plan
    if not len(vs):
        return
    year = pd.Timestamp(res.event_study.spec.event_date).year
    y = vs[vs["year"] == year]
    ids = tuple(y["plan_fact_id"])
    ev = pd.Timestamp(res.event_study.spec.event_date)
    c.add("capex_year", year, "year", "the year of the event", ("data/event.yaml",))
    c.add("capex_plans", len(y), "count", "plans for the event's year", ids)
    c.add("capex_plans_before", int((y["plan_announced"] < ev).sum()), "count", "of those, announced before the event",
          ids)
    c.add("capex_plans_after", int((y["plan_announced"] >= ev).sum()), "count", "of those, announced after it", ids)
    after = y[y["plan_announced"] >= ev]
    prior = cap[(cap["kind"] == "actual") & (cap["year"] == year - 1)].set_index("company")["mid_busd"]
    matched = after[after["company"].isin(prior.index)]
    plans = matched["plan_mid_busd"].astype(float).tolist()
    spent = prior.astype(float).loc[matched["company"]].tolist()
    if plans:
        c.add("capex_after_plans_vs_prior_year_pct", (sum(plans) / sum(spent) - 1) * 100,
              "pct_change", "plans announced after the event ÷ the same companies' previous-year spending − 1",
              ids)
    done = y[y["status"] == OK]
    if len(done) and len(done) == len(y):
        acts = tuple(done["actual_fact_id"])
        c.add("capex_done", len(done), "count", "companies that reported the year's actual spending", acts)
        beat = int((done["actual_vs_plan_pct"] > 0).sum())
        c.add("capex_beat", beat, "count", "of those, companies that spent more than the middle of the plan", acts)
        c.add("capex_beat_share_pct", beat / len(done) * 100, "pct", "share of companies above plan", acts)
        c.add("capex_actual_total_usd", done["actual_busd"].sum() * 1e9, "usd", "sum of actual spending", acts)
        c.add("capex_plan_total_usd", done["plan_mid_busd"].sum() * 1e9, "usd", "sum of plan mid-points", ids)
        c.add("capex_actual_vs_plan_pct", (done["actual_busd"].sum() / done["plan_mid_busd"].sum() - 1) * 100,
              "pct_change", "total actual ÷ total plan − 1", acts)
        c.add("capex_min_vs_plan_pct", done["actual_vs_plan_pct"].min(), "pct_change", "smallest overshoot", acts)
        c.add("capex_max_vs_plan_pct", done["actual_vs_plan_pct"].max(), "pct_change", "largest overshoot", acts)
        nxt = vs[vs["year"] == year + 1]
        both = nxt[nxt["company"].isin(done["company"])]
        if len(both):
            base = done.set_index("company").loc[both["company"], "actual_busd"].sum()
            c.add("capex_next_plans_vs_actual_pct", (both["plan_mid_busd"].sum() / base - 1) * 100, "pct_change",
                  "next year's plans ÷ the same companies' actual spending − 1", tuple(both["plan_fact_id"]))
            c.add("capex_next_plans_count", len(both), "count", "companies with a plan for the next year",
                  tuple(both["plan_fact_id"]))
