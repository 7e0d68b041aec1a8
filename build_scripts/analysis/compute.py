"""One entry point for the technical sections' numbers: every metric and every table.

Pages import from here; the section modules hold the arithmetic. All functions are pure: facts
in (optionally cut at `as_of`), numbers and DataFrames out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from ..facts import Fact
from .flops import flops_metrics, gap_decomposition_table, utilisation_table
from .fp8 import dally_table, fp8_metrics, fp8_throughput_table, weight_memory_table
from .hardware import cost_range_table, hardware_claims_table, hardware_metrics
from .kvcache import KvClaimContext, kv_cache_table, kv_claim_context, kv_metrics
from .metric import Metric, MetricValue, mapping, metrics_frame
from .params import moe_models_table, param_breakdown, param_metrics
from .prices_api import api_price_metrics, api_price_table
from .timeline import prior_art_timeline
from .training_cost import (
    cost_scope_table,
    r1_rl_cost_table,
    training_cost_metrics,
    training_cost_table,
)

__all__ = [
    "KvClaimContext",
    "Metric",
    "all_metrics",
    "all_tables",
    "api_price_metrics",
    "api_price_table",
    "cost_range_table",
    "cost_scope_table",
    "dally_table",
    "flops_metrics",
    "fp8_metrics",
    "fp8_throughput_table",
    "gap_decomposition_table",
    "hardware_claims_table",
    "hardware_metrics",
    "kv_cache_table",
    "kv_claim_context",
    "kv_metrics",
    "metrics_frame",
    "moe_models_table",
    "param_breakdown",
    "param_metrics",
    "prior_art_timeline",
    "r1_rl_cost_table",
    "training_cost_metrics",
    "training_cost_table",
    "utilisation_table",
    "weight_memory_table",
]

V3_CONFIG = "deepseek_v3_config_671b"


def all_metrics(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> list[Metric[MetricValue]]:
    """Every derived metric of the technical sections, in section order; names are unique."""
    out: list[Metric[MetricValue]] = []
    for fn in (
        training_cost_metrics,
        hardware_metrics,
        flops_metrics,
        param_metrics,
        kv_metrics,
        fp8_metrics,
        api_price_metrics,
    ):
        out.extend(fn(facts, as_of))
    names = [m.name for m in out]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ValueError(f"metric names defined twice: {sorted(dupes)}")
    return out


def all_tables(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> dict[str, pd.DataFrame]:
    """Every table, by a stable name the pages can refer to."""
    return {
        "training_cost": training_cost_table(facts, as_of),
        "cost_scope": cost_scope_table(facts, as_of),
        "r1_rl_cost": r1_rl_cost_table(facts, as_of),
        "hardware_claims": hardware_claims_table(facts, as_of),
        "cost_range": cost_range_table(facts, as_of),
        "utilisation": utilisation_table(facts, as_of),
        "gap_decomposition": gap_decomposition_table(facts, as_of),
        "v3_param_breakdown": param_breakdown(mapping(facts[V3_CONFIG])),
        "moe_models": moe_models_table(facts, as_of),
        "kv_cache": kv_cache_table(facts, as_of),
        "weight_memory": weight_memory_table(facts, as_of),
        "fp8_throughput": fp8_throughput_table(facts, as_of),
        "dally": dally_table(facts, as_of),
        "prior_art": prior_art_timeline(facts, as_of),
        "api_prices": api_price_table(facts, as_of),
        "metrics": metrics_frame(all_metrics(facts, as_of)),
    }
