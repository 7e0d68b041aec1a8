"""The technical numbers of the headline and efficiency pages, registered once for the whole site.

Every metric of `analysis.compute.all_metrics` becomes a page value under its own name, so a page
can print any of them and each one's inputs (fact ids or other metric names) are in the manifest.
Other sections should print these (`{{ v.dally_factors_product_x }}`) rather than register again.
"""

from __future__ import annotations

import re

from ..analysis.compute import all_metrics
from ..analysis.metric import Metric
from ..values import Kind, Values
from . import Inputs, Products

# How a metric reads, by its unit; (kind, decimals). Units not listed print as plain numbers.
UNIT_KINDS: dict[str, tuple[Kind, int | None]] = {
    "USD": ("usd", None),
    "percent": ("pct", 1),
    "x": ("multiple", 1),
    "FLOP": ("sci", 1),
    "FLOP/s per GPU": ("sci", 1),
    "billion parameters": ("billions", 2),
    "elements": ("int", None),
    "bytes": ("count", None),
    "GPUs": ("int", None),
    "days": ("number", 1),
    "GQA groups": ("number", 2),
    "x d_h": ("number", 1),
}
# Per-metric exceptions: rough estimates get fewer digits, tiny ratios more.
OVERRIDES: dict[str, tuple[Kind, int | None]] = {
    "v3_pretraining_days_on_cluster": ("number", 0),
    "hopper_fleet_vs_v3_cluster_x": ("multiple", 0),
    "hardware_spend_floor_vs_v3_run_x": ("multiple", 0),
    "server_capex_vs_v3_run_x": ("multiple", 0),
    "gap_tokens_x": ("multiple", 2),
    "gap_residual_x": ("multiple", 2),
    "v3_mla_share_of_mha_pct": ("pct", 2),
    "fp8_weight_scale_overhead_pct": ("pct", 3),
    "v3_cost_usd_computed_context_extension": ("usd", 0),
    "v3_cost_usd_computed_post_training": ("usd", 0),
    "v3_cost_usd_total_minus_reported": ("usd", 0),
    "r1_rl_cost_usd_computed": ("usd", 0),
    "v3_mla_kv_bytes_per_token_bf16": ("int", None),
}
SIGNED = re.compile(r"_vs_(paper|published|reported)_pct$")
WHOLE = re.compile(r"(_utilisation_(bf16|fp8)_pct|_log_share_pct)$")
# Model names that contain digits are printed from the facts, not typed into prose.
MODEL_NAMES = ("llama31_405b", "llama31_70b", "llama4_maverick", "llama4_scout")
KV_BASELINE = "v2_kv_cache_reduction"


def display(m: Metric) -> tuple[Kind, int | None]:
    """The kind and decimals a metric prints with: override, then naming pattern, then unit."""
    if m.name in OVERRIDES:
        return OVERRIDES[m.name]
    if SIGNED.search(m.name):
        return "pct_signed", 1
    if WHOLE.search(m.name):
        return "pct", 0 if "utilisation" in m.name else 1
    if "GPU-hours" in m.unit:
        return "int", None
    return UNIT_KINDS.get(m.unit, ("number", 2))


def register_metrics(inp: Inputs, values: Values) -> dict[str, Metric]:
    """All technical metrics visible at `as_of`, each as a page value; returns them by name."""
    metrics = all_metrics(inp.facts, inp.as_of)
    for m in metrics:
        kind, decimals = display(m)
        values.metric(m.name, m.value, kind, inputs=m.inputs, formula=m.formula, decimals=decimals,
                      grade=m.grade)
    return {m.name: m for m in metrics}


def short_label(label: str) -> str:
    """'Llama 4 Maverick (17Bx128E)' -> 'Llama 4 Maverick'."""
    return label.split(" (")[0].strip()


def register_names(inp: Inputs, values: Values) -> None:
    """Model names with digits in them, so prose can name a model without typing a figure."""
    for fid in MODEL_NAMES:
        f = inp.facts.get(fid)
        if f is not None and f.day <= inp.as_of:
            values.metric(f"name_{fid}", short_label(f.label or fid), "text", inputs=(fid,),
                          formula="model name from the fact's label")
    kv = inp.facts[KV_BASELINE]
    if kv.baseline:
        values.metric("name_kv_baseline_model", kv.baseline, "text", inputs=(KV_BASELINE,),
                      formula="the fact's baseline: what the reduction is measured against")


def build(inp: Inputs, values: Values) -> Products:
    register_names(inp, values)
    return Products()
