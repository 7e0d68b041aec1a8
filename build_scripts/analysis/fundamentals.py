"""Tables built from sourced facts: market value lost, demand (revenue, capex) and cost curves.

The sell-off priced a fall in demand for Nvidia's chips; these tables check whether the demand
fell. Every row carries the fact id and its grade, so the page can cite it and flag the
unverified ones. Only facts dated on/before `as_of` are used (a fact's date is when it became
known).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import units
from ..facts import Fact
from .metric import is_number, visible, weakest
from .recovery import EVENT, NO_DATA, NOT_YET, OK, DateLike, closes_of, to_ts

PREV_CLOSE_FACT = "nvda_close_2025-01-24"
LOSS_FACTS = ("nvda_mcap_loss_2025-01-27_589", "nvda_mcap_loss_2025-01-27_593")
SHARES_FACTS = ("nvda_shares_outstanding",)
PRIOR_RECORD_FACTS = ("nvda_mcap_loss_2024-09-03",)
# Only a share count read in a filing is used to compute the loss; anything weaker is shown beside it.
SHARES_EVIDENCE = ("filing",)
CAPEX_COMPANIES = ("microsoft", "alphabet", "amazon", "meta")
DALLY_TOTAL = "dally_single_gpu_inference_gain"
DALLY_FACTORS = (
    "dally_gain_number_representation",
    "dally_gain_complex_instructions",
    "dally_gain_sparsity",
    "dally_gain_process_technology",
)
PRICE_PERF_FACTS = (
    "epoch_gpu_price_perf_doubling_all",
    "epoch_gpu_price_perf_doubling_ml",
    "epoch_huangs_law_reference",
)


def known_facts(facts: Mapping[str, Fact], as_of: DateLike) -> dict[str, Fact]:
    """Facts dated on/before `as_of`: what a reader could have known on that day."""
    return visible(facts, to_ts(as_of).date())


def number(value: object) -> float | None:
    """A fact value as a number, or None when it is text, a range or a mapping."""
    if not is_number(value):
        return None
    return float(value)


def value_range(value: object) -> tuple[float, float] | None:
    """(low, high) from 75 or {low: 60, high: 65}; None if the value is neither."""
    if (n := number(value)) is not None:
        return n, n
    if isinstance(value, Mapping) and set(value) == {"low", "high"}:
        lo, hi = number(value["low"]), number(value["high"])
        if lo is not None and hi is not None:
            return lo, hi
    return None


def in_unit(fact: Fact, unit: str) -> float:
    """A numeric fact (or the middle of a range) converted to `unit`; NaN if it is neither."""
    rng = value_range(fact.value)
    if rng is None or not isinstance(fact.unit, str):
        return np.nan
    return units.convert((rng[0] + rng[1]) / 2, fact.unit, unit)


@dataclass(frozen=True)
class MarketValueLost:
    """NVDA's one-day loss on 27 Jan 2025: computed, reported, and against the earlier record."""

    status: str
    reason: str
    prev_close_usd: float = np.nan
    prev_close_fact: str = ""
    day_return_pct: float = np.nan
    price_change_usd: float = np.nan
    shares_bn: float = np.nan
    shares_source: str = ""
    value_lost_busd: float = np.nan
    reported_low_busd: float = np.nan
    reported_high_busd: float = np.nan
    reported_facts: tuple[str, ...] = ()
    implied_shares_low_bn: float = np.nan
    implied_shares_high_bn: float = np.nan
    prior_record_busd: float = np.nan
    prior_record_source: str = ""
    prior_record_fact: str = ""
    times_prior_record_low: float = np.nan
    times_prior_record_high: float = np.nan


def market_value_lost(
    closes: pd.DataFrame,
    facts: Mapping[str, Fact],
    as_of: DateLike,
    shares_bn: float | None = None,
    ticker: str = "NVDA",
) -> MarketValueLost:
    """Shares × the day's price change, beside the reported $589B-$593B and the $279B record.

    The price change is the quoted 24 Jan close (a fact) times the snapshot's day-0 return, so no
    adjusted price level is ever quoted. Shares come from `shares_bn` if given, else from a
    share-count fact read in a filing (for example the EDGAR refresh); failing both, the share
    counts implied by the reported losses are returned instead and `shares_source` says so.
    """
    as_of = to_ts(as_of)
    if as_of < EVENT:
        return MarketValueLost(NOT_YET, f"as of {as_of.date()} the event has not happened")
    fk = known_facts(facts, as_of)
    s = closes_of(closes, ticker, as_of)
    prev = fk.get(PREV_CLOSE_FACT)
    if prev is None or number(prev.value) is None:
        return MarketValueLost(NO_DATA, f"fact {PREV_CLOSE_FACT} missing")
    pre = s.loc[s.index < EVENT]
    if EVENT not in s.index or pre.empty:
        return MarketValueLost(NO_DATA, f"no {ticker} closes around {EVENT.date()}")
    ret = float(s.loc[EVENT]) / float(pre.iloc[-1]) - 1
    p0 = in_unit(prev, "USD per share")
    change = p0 * ret
    losses = [
        (fid, in_unit(fk[fid], "USD billion"))
        for fid in LOSS_FACTS
        if fid in fk and number(fk[fid].value) is not None
    ]
    lo = min((v for _, v in losses), default=np.nan)
    hi = max((v for _, v in losses), default=np.nan)
    shares, source = _shares(fk, shares_bn)
    computed = shares * -change if np.isfinite(shares) else np.nan
    prior, prior_src, prior_fact = _prior_record(fk)
    mid_lo, mid_hi = (computed, computed) if np.isfinite(computed) else (lo, hi)
    if not np.isfinite(shares):
        source = (
            "none: no share-count fact from a filing; shares implied by the reported losses "
            "(reported value / price change) are given instead"
        )
    return MarketValueLost(
        status=OK,
        reason="",
        prev_close_usd=p0,
        prev_close_fact=PREV_CLOSE_FACT,
        day_return_pct=ret * 100,
        price_change_usd=change,
        shares_bn=shares,
        shares_source=source,
        value_lost_busd=computed,
        reported_low_busd=lo,
        reported_high_busd=hi,
        reported_facts=tuple(fid for fid, _ in losses),
        implied_shares_low_bn=lo / -change,
        implied_shares_high_bn=hi / -change,
        prior_record_busd=prior,
        prior_record_source=prior_src,
        prior_record_fact=prior_fact,
        times_prior_record_low=mid_lo / prior,
        times_prior_record_high=mid_hi / prior,
    )


def _shares(fk: Mapping[str, Fact], given: float | None) -> tuple[float, str]:
    if given is not None:
        return float(given), "input"
    for fid in SHARES_FACTS:
        f = fk.get(fid)
        if f is not None and f.evidence in SHARES_EVIDENCE and number(f.value) is not None:
            return in_unit(f, "billion shares"), f"fact {fid} ({f.grade})"
    return np.nan, ""


def _prior_record(fk: Mapping[str, Fact]) -> tuple[float, str, str]:
    for fid in PRIOR_RECORD_FACTS:
        f = fk.get(fid)
        if f is not None and number(f.value) is not None:
            return in_unit(f, "USD billion"), f"fact {fid}", fid
    return np.nan, "no fact gives the earlier record", ""


def _quarters(fk: Mapping[str, Fact], measure: str) -> dict[tuple[int, int], Fact]:
    """Nvidia's quarterly facts of one measure, by (fiscal year, quarter)."""
    out = {}
    for f in fk.values():
        p = f.period
        if f.company == "nvidia" and f.measure == measure and p is not None and p.quarter is not None:
            out[(p.year, p.quarter)] = f
    return out


def data_center_revenue(facts: Mapping[str, Fact], as_of: DateLike) -> pd.DataFrame:
    """NVDA quarterly revenue and Data Center revenue (USD million), marked before/after 27 Jan.

    `side` is about when the quarter's sales happened (quarter end vs the event), not when they
    were reported: Q4 FY2025 ended 26 Jan 2025, a day before the shock, though reported in February.
    Revenue and data-centre revenue are separate facts (their sources and grades differ); a row's
    grade is the weaker of the two.
    """
    fk = known_facts(facts, as_of)
    dcs, revs = _quarters(fk, "data_center_revenue"), _quarters(fk, "revenue")
    rows = []
    for (fy, qn), f in dcs.items():
        rev = revs.get((fy, qn))
        rows.append(
            {
                "period": f"Q{qn} FY{fy}",
                "fiscal_year": fy,
                "fiscal_quarter": qn,
                "quarter_end": pd.Timestamp(f.period.end) if f.period and f.period.end else pd.NaT,
                "report_date": pd.Timestamp(f.day),
                "revenue_musd": in_unit(rev, "USD million") if rev is not None else np.nan,
                "data_center_musd": in_unit(f, "USD million"),
                "fact_id": f.id,
                "revenue_fact_id": rev.id if rev is not None else "",
                "grade": weakest([f.grade] + ([rev.grade] if rev is not None else [])),
            }
        )
    cols = [
        "period",
        "fiscal_year",
        "fiscal_quarter",
        "quarter_end",
        "report_date",
        "side",
        "revenue_musd",
        "data_center_musd",
        "dc_share_pct",
        "dc_qoq_pct",
        "dc_yoy_pct",
        "fact_id",
        "revenue_fact_id",
        "grade",
    ]
    if not rows:
        return pd.DataFrame(columns=cols)
    d = pd.DataFrame(rows).sort_values(["fiscal_year", "fiscal_quarter"], ignore_index=True)
    d["side"] = np.where(d["quarter_end"] < EVENT, "before", "after")
    dc = d["data_center_musd"].astype(float)
    d["dc_share_pct"] = dc / d["revenue_musd"].astype(float) * 100
    key = d["fiscal_year"] * 4 + d["fiscal_quarter"]
    by_key = dict(zip(key, dc, strict=True))
    d["dc_qoq_pct"] = [
        (v / by_key[k - 1] - 1) * 100 if k - 1 in by_key else np.nan
        for k, v in zip(key, dc, strict=True)
    ]
    d["dc_yoy_pct"] = [
        (v / by_key[k - 4] - 1) * 100 if k - 4 in by_key else np.nan
        for k, v in zip(key, dc, strict=True)
    ]
    return d[cols]


def capex_table(facts: Mapping[str, Fact], as_of: DateLike) -> pd.DataFrame:
    """Every hyperscaler capex plan and actual known on `as_of`, one row each (USD billion)."""
    rows = []
    for fid, f in known_facts(facts, as_of).items():
        if f.measure != "capex" or f.company not in CAPEX_COMPANIES or f.period is None:
            continue
        rng = value_range(f.value)
        scale = units.convert(1.0, f.unit, "USD billion") if isinstance(f.unit, str) else np.nan
        lo, hi = (rng[0] * scale, rng[1] * scale) if rng else (np.nan, np.nan)
        rows.append(
            {
                "company": f.company,
                "year": f.period.year,
                "year_basis": "fiscal (Jul-Jun)" if f.period.basis == "fiscal" else "calendar",
                "kind": f.stage or "actual",
                "low_busd": lo,
                "high_busd": hi,
                "mid_busd": (lo + hi) / 2,
                "announced": pd.Timestamp(f.day),
                "announced_vs_event": "before" if pd.Timestamp(f.day) < EVENT else "after",
                "unit": f.unit,
                "fact_id": fid,
                "grade": f.grade,
            }
        )
    cols = [
        "company",
        "year",
        "year_basis",
        "kind",
        "low_busd",
        "high_busd",
        "mid_busd",
        "announced",
        "announced_vs_event",
        "unit",
        "fact_id",
        "grade",
    ]
    if not rows:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame(rows).sort_values(["company", "year", "kind"], ignore_index=True)[cols]


def capex_plan_vs_actual(capex: pd.DataFrame) -> pd.DataFrame:
    """Plan (as first announced) beside the actual for each company and year; the demand test."""
    cols = [
        "company",
        "year",
        "year_basis",
        "plan_mid_busd",
        "plan_announced",
        "plan_fact_id",
        "actual_busd",
        "actual_fact_id",
        "actual_vs_plan_pct",
        "status",
    ]
    plans = (
        capex.loc[capex["kind"] == "plan"]
        .sort_values("announced")
        .drop_duplicates(["company", "year"])
    )
    if plans.empty:
        return pd.DataFrame(columns=cols)
    acts = capex.loc[
        capex["kind"] == "actual", ["company", "year", "year_basis", "mid_busd", "fact_id"]
    ]
    out = plans.merge(
        acts, on=["company", "year", "year_basis"], how="left", suffixes=("_plan", "_actual")
    )
    out = out.rename(
        columns={
            "mid_busd_plan": "plan_mid_busd",
            "announced": "plan_announced",
            "fact_id_plan": "plan_fact_id",
            "mid_busd_actual": "actual_busd",
            "fact_id_actual": "actual_fact_id",
        }
    )
    out["actual_vs_plan_pct"] = (out["actual_busd"] / out["plan_mid_busd"] - 1) * 100
    out["status"] = np.where(out["actual_busd"].notna(), OK, NOT_YET)
    return out[cols].reset_index(drop=True)


def dally_decomposition(facts: Mapping[str, Fact], as_of: DateLike) -> pd.DataFrame:
    """Dally's 1,000x single-GPU inference gain split into its four factors, with their product."""
    fk = known_facts(facts, as_of)
    rows = [
        {
            "factor": fid.removeprefix("dally_gain_"),
            "gain_x": number(fk[fid].value),
            "fact_id": fid,
            "grade": fk[fid].grade,
            "unit": fk[fid].unit,
        }
        for fid in DALLY_FACTORS
        if fid in fk
    ]
    cols = ["factor", "gain_x", "fact_id", "grade", "unit"]
    if not rows:
        return pd.DataFrame(columns=cols)
    d = pd.DataFrame(rows)
    total = fk.get(DALLY_TOTAL)
    product = float(np.prod(d["gain_x"].astype(float)))
    extra = [
        {
            "factor": "product_of_factors",
            "gain_x": product,
            "fact_id": "",
            "grade": weakest(fk[fid].grade for fid in DALLY_FACTORS if fid in fk),
            "unit": "x",
        }
    ]
    if total is not None:
        extra.append(
            {
                "factor": "reported_total",
                "gain_x": number(total.value),
                "fact_id": DALLY_TOTAL,
                "grade": total.grade,
                "unit": total.unit,
            }
        )
    return pd.concat([d, pd.DataFrame(extra)], ignore_index=True)[cols]


def price_performance(facts: Mapping[str, Fact], as_of: DateLike) -> pd.DataFrame:
    """GPU price-performance doubling times (= halving time of a fixed compute's cost)."""
    rows = []
    for fid, f in known_facts(facts, as_of).items():
        if fid not in PRICE_PERF_FACTS or (years := number(f.value)) is None:
            continue
        rows.append(
            {
                "series": fid.removeprefix("epoch_"),
                "years_to_double": years,
                "cost_halving_years": years,
                "per_year_x": 2 ** (1 / years),
                "per_decade_x": 2 ** (10 / years),
                "fact_id": fid,
                "grade": f.grade,
                "unit": f.unit,
            }
        )
    cols = [
        "series",
        "years_to_double",
        "cost_halving_years",
        "per_year_x",
        "per_decade_x",
        "fact_id",
        "grade",
        "unit",
    ]
    return pd.DataFrame(rows).reindex(columns=cols)
