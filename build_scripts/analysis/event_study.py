"""Market-model event study of 27 Jan 2025.

Why a market model: a stock that fell 17 % on a day the market fell 1.5 % did not lose 17 % to
DeepSeek alone. Regressing each ticker on a benchmark over a quiet window before the event gives its
normal co-movement (alpha, beta); what is left on the event days is the abnormal return.

Conventions (stated on the methodology page):
* Simple close-to-close returns of the adjusted close (total returns).
* Trading days are the benchmark's sessions. US tickers are put on that calendar; a missing close
  makes that day's and the next day's returns missing (never silently stretched over two days).
* Tokyo tickers (calendar XTKS) keep their own sessions. Tokyo closes before New York opens on the
  same date, so each Tokyo day is paired with the benchmark return of the last US session *before*
  it. Day 0 is the first Tokyo session on/after the event date (27 Jan 2025 was a Tokyo session).
* Any return spanning more than `max_gap_days` calendar days (a hole in the data) is dropped.
* Estimation window: `estimation_days` sessions ending `gap_days` sessions before day 0, i.e. days
  -(gap+L-1) .. -gap. Returns whose first-fit residual lies beyond `outlier_cut_sigma` standard
  errors (one-off news such as a takeover) are dropped and the model refitted once. At least
  `min_obs` returns are required; the count used and the count dropped are reported.
* t = AR0 / sigma and t = CAR / (sigma * sqrt(L)), sigma = residual std. error (n - 2 dof). Each
  window also gets its standard error, a normal-approximation confidence interval and the minimum
  detectable effect (z(1 - alpha/2) + z(power)) * SE: "not significant" is never read as "zero".
* Reversal windows start the day after the event; the share reversed is CAR[+1,+k] / -AR0.
* The benchmark, and any series that follows the same index (^GSPC for SPY), is labelled
  "benchmark" and not tested against itself.
* CAR paths are zero on day -1 and cumulate from day 0, so day +20 on the chart equals CAR[0,+20]
  in the tables; the days before the event show the drift into it.
* Groups are equal-weighted portfolios of their valid members (the benchmark excluded), run through
  the same model, so group t-stats account for members moving together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from ..event import load_event
from ..market.tickers import Ticker
from .recovery import NO_DATA, NOT_YET, OK, DateLike, closes_of, to_ts

_EVENT = load_event()
_STUDY = _EVENT.study
EVENT_DATE = pd.Timestamp(_EVENT.day)
BENCHMARK = "benchmark"


@dataclass(frozen=True)
class EventSpec:
    """The design choices of the study. Defaults come from data/event.yaml; tests may vary them."""

    event_date: pd.Timestamp = EVENT_DATE
    estimation_days: int = _STUDY.estimation_days
    gap_days: int = _STUDY.gap_days
    min_obs: int = _STUDY.min_obs
    car_windows: tuple[tuple[int, int], ...] = _STUDY.car_windows
    reversal_windows: tuple[tuple[int, int], ...] = _STUDY.reversal_windows
    path_days: tuple[int, int] = _STUDY.path_days
    max_gap_days: int = _STUDY.max_gap_days
    benchmarks: tuple[str, ...] = _STUDY.benchmark_symbols
    outlier_cut_sigma: float = _STUDY.outlier_cut_sigma
    confidence: float = _STUDY.confidence
    power: float = _STUDY.power

    @property
    def windows(self) -> tuple[tuple[int, int], ...]:
        """Every window a CAR is reported for: the CAR windows, then the reversal windows."""
        return tuple(dict.fromkeys((*self.car_windows, *self.reversal_windows)))

    @property
    def z(self) -> float:
        """Two-sided critical value of the normal distribution at the confidence level."""
        return NormalDist().inv_cdf(1 - (1 - self.confidence) / 2)

    @property
    def mde_factor(self) -> float:
        """Minimum detectable effect in standard errors: z(1 − α/2) + z(power)."""
        return self.z + NormalDist().inv_cdf(self.power)

    def same_index(self, ticker: str, benchmark: str) -> bool:
        return _STUDY.is_benchmark_for(ticker, benchmark)


@dataclass(frozen=True)
class Fit:
    """OLS market model on the estimation window."""

    alpha: float
    beta: float
    sigma: float
    r2: float
    n: int


@dataclass(frozen=True)
class EventStudyResult:
    """Tidy tables: per ticker, per group, day-0 ranking, and CAR paths (both benchmarks)."""

    stats: pd.DataFrame
    group_stats: pd.DataFrame
    day0: pd.DataFrame
    car_paths: pd.DataFrame
    spec: EventSpec = field(default_factory=EventSpec)


def market_model(r: np.ndarray, m: np.ndarray) -> Fit:
    """OLS of r on m with intercept, over the pairs where both are present."""
    ok = np.isfinite(r) & np.isfinite(m)
    y, x = r[ok], m[ok]
    n = int(ok.sum())
    if n < 3:
        return Fit(np.nan, np.nan, np.nan, np.nan, n)
    xm, ym = x.mean(), y.mean()
    dx, dy = x - xm, y - ym
    sxx = float(dx @ dx)
    beta = float(dx @ dy) / sxx if sxx > 0 else np.nan
    alpha = ym - beta * xm
    resid = y - alpha - beta * x
    ssr = float(resid @ resid)
    sst = float(dy @ dy)
    return Fit(
        float(alpha), beta, float(np.sqrt(ssr / (n - 2))), 1 - ssr / sst if sst else np.nan, n
    )


def car_t(ar: np.ndarray, sigma: float) -> tuple[float, float]:
    """CAR over a window of abnormal returns and its t-stat, CAR / (sigma * sqrt(L))."""
    car = float(ar.sum())
    return car, car / (sigma * np.sqrt(len(ar)))


def _returns(s: pd.Series, max_gap_days: int) -> pd.Series:
    """Simple returns of a close series; a return across a calendar gap is missing."""
    r = s.pct_change(fill_method=None)
    gaps = s.index.to_series().diff().dt.days.to_numpy()
    r[gaps > max_gap_days] = np.nan
    return r


def aligned_returns(
    closes: pd.DataFrame, ticker: Ticker, bench: pd.Series, spec: EventSpec, as_of: pd.Timestamp
) -> tuple[pd.Series, pd.Series] | str:
    """(ticker returns, paired benchmark returns) on the ticker's study calendar, or a reason."""
    s = closes_of(closes, ticker.symbol, as_of)
    if s.empty:
        return f"no prices up to {as_of.date()}"
    if s.index[0] > spec.event_date:
        return f"series starts {s.index[0].date()}, after the event"
    m_us = _returns(bench, spec.max_gap_days)
    if ticker.calendar == "XNYS":
        r = _returns(s.reindex(bench.index), spec.max_gap_days)
        return r, m_us
    # Own sessions; pair with the last US session strictly before (Tokyo trades first).
    r = _returns(s, spec.max_gap_days)
    j = bench.index.searchsorted(r.index, side="left") - 1
    m = pd.Series(np.where(j >= 0, m_us.to_numpy()[np.clip(j, 0, None)], np.nan), index=r.index)
    return r, m


def _event_pos(index: pd.Index, spec: EventSpec) -> int | str:
    i = int(index.searchsorted(spec.event_date, side="left"))
    if i >= len(index):
        return f"no session on/after {spec.event_date.date()} in the data"
    if (index[i] - spec.event_date).days > 3:
        return f"no close on {spec.event_date.date()} (next data {index[i].date()})"
    return i


def robust_fit(r: np.ndarray, m: np.ndarray, cut_sigma: float) -> tuple[Fit, int]:
    """Market model with one pass of outlier removal: returns whose first-fit residual lies beyond
    `cut_sigma` standard errors are dropped, then the model is fitted again. Returns (fit, dropped)."""
    first = market_model(r, m)
    if not np.isfinite(first.sigma) or first.sigma == 0:
        return first, 0
    resid = r - (first.alpha + first.beta * m)
    far = np.isfinite(resid) & (np.abs(resid) > cut_sigma * first.sigma)
    if not far.any():
        return first, 0
    keep_r = np.where(far, np.nan, r)
    return market_model(keep_r, m), int(far.sum())


def window_stats(ar: np.ndarray, e: int, a: int, b: int, sigma: float, spec: EventSpec) -> dict[str, Any]:
    """CAR over [a, b] around position `e`: value, t, standard error, interval and the minimum
    detectable effect, all in percent (pp for the error terms). Missing if the window is not over."""
    key = f"car_{a}_{b}"
    names = (f"{key}_pct", f"t_{key}", f"se_{key}_pp", f"ci_lo_{key}_pct", f"ci_hi_{key}_pct", f"mde_{key}_pp")
    if e + b >= len(ar) or e + a < 0:
        return dict.fromkeys(names, np.nan)
    car, t = car_t(ar[e + a : e + b + 1], sigma)
    se = sigma * np.sqrt(b - a + 1)
    return dict(zip(names, (car * 100, t, se * 100, (car - spec.z * se) * 100, (car + spec.z * se) * 100,
                            spec.mde_factor * se * 100), strict=True))


def study_one(r: pd.Series, m: pd.Series, spec: EventSpec) -> tuple[dict[str, Any], pd.DataFrame]:
    """Fit, day-0 AR and CARs for one return series; returns (stats row, AR path)."""
    e = _event_pos(r.index, spec)
    if isinstance(e, str):
        return {"status": NO_DATA, "reason": e}, pd.DataFrame()
    lo, hi = e - spec.gap_days - spec.estimation_days + 1, e - spec.gap_days
    if hi < 1:
        return {
            "status": NO_DATA,
            "reason": "no estimation window before the event",
        }, pd.DataFrame()
    rv, mv = r.to_numpy(dtype=float), m.to_numpy(dtype=float)
    fit, dropped = robust_fit(rv[max(lo, 0) : hi + 1], mv[max(lo, 0) : hi + 1], spec.outlier_cut_sigma)
    row: dict[str, Any] = {
        "n_obs": fit.n,
        "n_dropped": dropped,
        "est_start": r.index[max(lo, 0)],
        "est_end": r.index[hi],
        "alpha_pct": fit.alpha * 100,
        "beta": fit.beta,
        "sigma_pct": fit.sigma * 100,
        "r2": fit.r2,
        "event_day": r.index[e],
    }
    if fit.n < spec.min_obs or not np.isfinite(fit.sigma) or fit.sigma == 0:
        return {
            **row,
            "status": NO_DATA,
            "reason": f"{fit.n} returns in the estimation window (< {spec.min_obs})",
        }, pd.DataFrame()
    ar = rv - (fit.alpha + fit.beta * mv)
    row.update(ret_day0_pct=rv[e] * 100, ar_day0_pct=ar[e] * 100, t_day0=ar[e] / fit.sigma)
    notes = []
    for a, b in spec.windows:
        stats = window_stats(ar, e, a, b, fit.sigma, spec)
        row.update(stats)
        car = stats[f"car_{a}_{b}_pct"]
        if e + b >= len(ar):
            notes.append(f"[{a},+{b}] {NOT_YET}")
        elif not np.isfinite(car):
            notes.append(f"[{a},+{b}] missing returns")
    for a, b in spec.reversal_windows:
        car, ar0 = row[f"car_{a}_{b}_pct"], row["ar_day0_pct"]
        share = car / -ar0 * 100 if np.isfinite(car) and ar0 < 0 else np.nan
        row[f"reversal_{a}_{b}_pct"] = share
    status = OK if np.isfinite(row["ar_day0_pct"]) else NO_DATA
    row.update(
        status=status,
        reason="; ".join(notes)
        if status == OK
        else f"no day-0 return (close missing on {r.index[e].date()} or the session before)",
    )
    p0, p1 = spec.path_days
    k = np.arange(p0, p1 + 1)
    pos = e + k
    inside = (pos >= 0) & (pos < len(ar))
    path_ar = np.full(len(k), np.nan)
    path_ar[inside] = ar[pos[inside]]
    dates = np.full(len(k), np.datetime64("NaT"), dtype="datetime64[ns]")
    dates[inside] = r.index[pos[inside]].to_numpy(dtype="datetime64[ns]")
    # Cumulated from day 0, so the path's value on day +b equals CAR[0, +b] in the tables; days
    # before the event are counted back from day -1, where the path is zero.
    cum = np.cumsum(path_ar)
    car = cum - cum[k == -1][0] if (k == -1).any() else cum
    path = pd.DataFrame({"rel_day": k, "date": dates, "ar_pct": path_ar * 100, "car_pct": car * 100})
    return row, path


STAT_COLS = [
    "ticker",
    "name",
    "group",
    "benchmark",
    "status",
    "calendar",
    "event_day",
    "n_obs",
    "n_dropped",
    "est_start",
    "est_end",
    "alpha_pct",
    "beta",
    "sigma_pct",
    "r2",
    "ret_day0_pct",
    "ar_day0_pct",
    "t_day0",
]


def _stat_columns(spec: EventSpec) -> list[str]:
    cars = [c for a, b in spec.windows for c in (f"car_{a}_{b}_pct", f"t_car_{a}_{b}", f"se_car_{a}_{b}_pp",
                                                  f"ci_lo_car_{a}_{b}_pct", f"ci_hi_car_{a}_{b}_pct",
                                                  f"mde_car_{a}_{b}_pp")]
    reversals = [f"reversal_{a}_{b}_pct" for a, b in spec.reversal_windows]
    return [*STAT_COLS, *cars, *reversals, "reason"]


def run_event_study(
    closes: pd.DataFrame,
    tickers: Mapping[str, Ticker],
    as_of: DateLike,
    spec: EventSpec | None = None,
) -> EventStudyResult:
    """Every ticker against every benchmark in `spec`, plus group portfolios and chart tables."""
    spec = spec or EventSpec()
    as_of = to_ts(as_of)
    stats, paths, groups = [], [], []
    for bsym in spec.benchmarks:
        bench = closes_of(closes, bsym, as_of)
        ret_cache: dict[str, pd.Series] = {}
        for sym, tk in tickers.items():
            base = {
                "ticker": sym,
                "name": tk.name,
                "group": tk.group,
                "benchmark": bsym,
                "calendar": tk.calendar,
            }
            if as_of < spec.event_date:
                stats.append(
                    {
                        **base,
                        "status": NOT_YET,
                        "reason": f"as of {as_of.date()} the event has not happened",
                    }
                )
                continue
            if spec.same_index(sym, bsym):
                stats.append(
                    {
                        **base,
                        "status": BENCHMARK,
                        "reason": "is the benchmark" if sym == bsym else f"follows the same index as {bsym}",
                        **_raw_day0(closes_of(closes, sym, as_of), spec),
                    }
                )
                continue
            if bench.empty:
                stats.append({**base, "status": NO_DATA, "reason": f"benchmark {bsym} has no data"})
                continue
            got = aligned_returns(closes, tk, bench, spec, as_of)
            if isinstance(got, str):
                stats.append({**base, "status": NO_DATA, "reason": got})
                continue
            row, path = study_one(*got, spec)
            stats.append({**base, **row})
            if row["status"] == OK:
                ret_cache[sym] = got[0]
                paths.append(path.assign(level="ticker", name=sym, group=tk.group, benchmark=bsym))
        if as_of >= spec.event_date and not bench.empty:
            g_rows, g_paths = _group_portfolios(ret_cache, tickers, bench, spec, bsym)
            groups += g_rows
            paths += g_paths
    stats_df = pd.DataFrame(stats).reindex(columns=_stat_columns(spec))
    group_df = pd.DataFrame(groups).reindex(
        columns=[
            "group",
            "benchmark",
            "members",
            "n_members",
            "status",
            *_stat_columns(spec)[STAT_COLS.index("event_day") :],
        ]
    )
    path_cols = ["level", "name", "group", "benchmark", "rel_day", "date", "ar_pct", "car_pct"]
    path_df = (pd.concat(paths, ignore_index=True) if paths else pd.DataFrame()).reindex(
        columns=path_cols
    )
    return EventStudyResult(
        stats_df, group_df, day0_table(stats_df, spec.benchmarks[0]), path_df, spec
    )


def _raw_day0(s: pd.Series, spec: EventSpec) -> dict[str, Any]:
    """The benchmark's own day-0 return, so it can still appear in the day-0 ranking."""
    r = _returns(s, spec.max_gap_days)
    e = _event_pos(r.index, spec)
    if isinstance(e, str):
        return {}
    return {"event_day": r.index[e], "ret_day0_pct": float(r.iloc[e]) * 100}


def _group_portfolios(
    rets: dict[str, pd.Series],
    tickers: Mapping[str, Ticker],
    bench: pd.Series,
    spec: EventSpec,
    bsym: str,
) -> tuple[list[dict[str, Any]], list[pd.DataFrame]]:
    """Equal-weighted portfolio per group (members with a valid fit, one calendar per group)."""
    rows, paths = [], []
    by_group: dict[str, list[str]] = {}
    for sym, tk in tickers.items():
        by_group.setdefault(tk.group, [])
        if sym in rets:
            by_group[tk.group].append(sym)
    for g, members in by_group.items():
        base = {
            "group": g,
            "benchmark": bsym,
            "members": ",".join(members),
            "n_members": len(members),
        }
        cals = {tickers[s].calendar for s in members}
        if not members or len(cals) != 1:
            reason = (
                "no member with a valid fit" if not members else "members on different calendars"
            )
            rows.append({**base, "status": NO_DATA, "reason": reason})
            continue
        port = pd.concat([rets[s] for s in members], axis=1).mean(axis=1, skipna=False)
        if cals == {"XNYS"}:
            m = _returns(bench, spec.max_gap_days)
        else:
            j = bench.index.searchsorted(port.index, side="left") - 1
            mu = _returns(bench, spec.max_gap_days).to_numpy()
            m = pd.Series(np.where(j >= 0, mu[np.clip(j, 0, None)], np.nan), index=port.index)
        row, path = study_one(port, m, spec)
        rows.append({**base, **row})
        if not path.empty:
            paths.append(path.assign(level="group", name=g, group=g, benchmark=bsym))
    return rows, paths


def day0_table(stats: pd.DataFrame, benchmark: str) -> pd.DataFrame:
    """Day-0 raw and abnormal returns of every ticker, worst first, for the ranked bar chart."""
    d = stats.loc[
        (stats["benchmark"] == benchmark) & stats["ret_day0_pct"].notna(),
        [
            "ticker",
            "name",
            "group",
            "calendar",
            "event_day",
            "ret_day0_pct",
            "ar_day0_pct",
            "t_day0",
        ],
    ]
    d = d.sort_values("ret_day0_pct", kind="stable").reset_index(drop=True)
    d.insert(0, "rank", np.arange(1, len(d) + 1))
    return d.rename(columns={"ret_day0_pct": "ret_pct", "ar_day0_pct": "ar_pct"})
