"""What the famous "$5.6M" is: one V3 training run priced at an assumed GPU rental rate.

We recompute every dollar figure from GPU-hours x price, so the page can show the table is
internally consistent, and list what the figure leaves out (with R1's later-disclosed RL cost).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from ..facts import Fact
from .metric import Ledger, Metric, number, weakest

STAGES = ("pretraining", "context_extension", "post_training")
PRICE = "v3_rental_price_assumption"
R1_RL_GPUS = "r1_rl_hardware_nature"
# (component, wall-clock hours fact or None, GPU-hours fact or None)
R1_COMPONENTS = (
    ("r1_zero_rl", "r1_zero_rl_hours", None),
    ("r1_rl", "r1_rl_hours", None),
    ("r1_sft_data_creation", None, "r1_sft_data_creation_gpu_hours"),
)


def training_cost_metrics(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> list[Metric[float]]:
    """V3 stage costs recomputed (hours x $/h), consistency checks, and R1's RL cost if known.

    Metric names: v3_cost_usd_computed_<stage>, v3_gpu_hours_sum_of_stages,
    v3_cost_usd_computed_total, v3_cost_usd_total_minus_reported, v3_famous_figure_usd,
    v3_pretraining_share_pct, v3_pretraining_days_on_cluster,
    v3_gpu_hours_per_trillion_tokens_computed, v3_days_per_trillion_tokens_computed and, when the
    Sep 2025 disclosure is visible, r1_*_gpu_hours, r1_rl_cost_usd_computed,
    r1_rl_cost_computed_vs_reported_pct, r1_rl_cost_share_of_v3_pct, v3_plus_r1_rl_cost_usd.
    """
    led = Ledger(facts, as_of)
    price = led.num(PRICE)
    for s in STAGES:
        led.add(
            f"v3_cost_usd_computed_{s}",
            led.num(f"v3_gpu_hours_{s}") * price,
            "USD",
            "GPU-hours x rental price per GPU-hour",
            f"v3_gpu_hours_{s}",
            PRICE,
        )
    stage_ids = tuple(f"v3_gpu_hours_{s}" for s in STAGES)
    led.add(
        "v3_gpu_hours_sum_of_stages",
        sum(led.num(i) for i in stage_ids),
        "H800 GPU-hours",
        "pre-training + context extension + post-training",
        *stage_ids,
    )
    total = led.add(
        "v3_cost_usd_computed_total",
        led.value("v3_gpu_hours_sum_of_stages") * price,
        "USD",
        "sum of stage GPU-hours x rental price",
        "v3_gpu_hours_sum_of_stages",
        PRICE,
    )
    led.add(
        "v3_cost_usd_total_minus_reported",
        total.value - led.num("v3_cost_usd_total") * 1e6,
        "USD",
        "computed total - reported total (million USD x 1e6)",
        total.name,
        "v3_cost_usd_total",
    )
    led.add(
        "v3_famous_figure_usd",
        total.value,
        "USD",
        "one training run of the V3 base model (all three stages) at the assumed rental price",
        total.name,
    )
    led.add(
        "v3_pretraining_share_pct",
        100 * led.num("v3_gpu_hours_pretraining") / led.num("v3_gpu_hours_total"),
        "percent",
        "pre-training GPU-hours / total GPU-hours x 100",
        "v3_gpu_hours_pretraining",
        "v3_gpu_hours_total",
    )
    led.add(
        "v3_pretraining_days_on_cluster",
        led.num("v3_gpu_hours_pretraining") / led.num("v3_cluster_gpus") / 24,
        "days",
        "pre-training GPU-hours / cluster GPUs / 24",
        "v3_gpu_hours_pretraining",
        "v3_cluster_gpus",
    )
    per_t = led.add(
        "v3_gpu_hours_per_trillion_tokens_computed",
        led.num("v3_gpu_hours_pretraining") / led.num("v3_training_tokens"),
        "H800 GPU-hours per trillion tokens",
        "pre-training GPU-hours / trillion training tokens",
        "v3_gpu_hours_pretraining",
        "v3_training_tokens",
    )
    led.add(
        "v3_days_per_trillion_tokens_computed",
        per_t.value / led.num("v3_cluster_gpus") / 24,
        "days",
        "GPU-hours per trillion tokens / cluster GPUs / 24",
        per_t.name,
        "v3_cluster_gpus",
    )
    if led.has("r1_rl_cost_usd_nature"):
        _r1_metrics(led, price)
    return led.result()


def _r1_metrics(led: Ledger, price: float) -> None:
    gpus = led.num(R1_RL_GPUS)
    parts = []
    for name, hours_id, gpu_hours_id in R1_COMPONENTS:
        if hours_id is not None:
            m = led.add(
                f"{name}_gpu_hours",
                led.num(hours_id) * gpus,
                "H800 GPU-hours",
                "wall-clock hours x GPUs",
                hours_id,
                R1_RL_GPUS,
            )
        else:
            assert gpu_hours_id is not None  # each component names its hours one way or the other
            m = led.add(
                f"{name}_gpu_hours", led.num(gpu_hours_id), "GPU-hours", "as reported", gpu_hours_id
            )
        parts.append(m.name)
    hours = led.add(
        "r1_rl_total_gpu_hours",
        sum(led.value(p) for p in parts),
        "H800 GPU-hours",
        "R1-Zero RL + R1 RL + SFT data creation",
        *parts,
    )
    cost = led.add(
        "r1_rl_cost_usd_computed",
        hours.value * price,
        "USD",
        "R1 GPU-hours x rental price per GPU-hour",
        hours.name,
        PRICE,
    )
    reported = led.num("r1_rl_cost_usd_nature")
    led.add(
        "r1_rl_cost_computed_vs_reported_pct",
        100 * (cost.value / reported - 1),
        "percent",
        "(computed / reported - 1) x 100",
        cost.name,
        "r1_rl_cost_usd_nature",
    )
    led.add(
        "r1_rl_cost_share_of_v3_pct",
        100 * reported / led.value("v3_cost_usd_computed_total"),
        "percent",
        "reported R1 RL cost / V3 training-run cost x 100",
        "r1_rl_cost_usd_nature",
        "v3_cost_usd_computed_total",
    )
    led.add(
        "v3_plus_r1_rl_cost_usd",
        led.value("v3_cost_usd_computed_total") + reported,
        "USD",
        "V3 training run + reported R1 RL cost (both at $2/GPU-hour)",
        "v3_cost_usd_computed_total",
        "r1_rl_cost_usd_nature",
    )


def training_cost_table(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> pd.DataFrame:
    """V3 Table 1 by stage plus a total row: GPU-hours, computed vs reported USD, difference."""
    led = Ledger(facts, as_of)
    price = led.num(PRICE)
    rows = []
    for s in (*STAGES, "total"):
        hours_f, cost_f = led.fact(f"v3_gpu_hours_{s}"), led.fact(f"v3_cost_usd_{s}")
        hours = number(hours_f)
        computed, reported = hours * price, number(cost_f) * 1e6
        rows.append(
            {
                "stage": s,
                "h800_gpu_hours": hours,
                "price_per_gpu_hour_usd": price,
                "computed_cost_usd": computed,
                "reported_cost_usd": reported,
                "difference_usd": computed - reported,
                "share_of_gpu_hours_pct": 100 * hours / led.num("v3_gpu_hours_total"),
                "inputs": (hours_f.id, PRICE, cost_f.id),
                "grade": weakest((hours_f.grade, cost_f.grade)),
            }
        )
    return pd.DataFrame(rows)


def r1_rl_cost_table(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> pd.DataFrame:
    """R1's RL cost by component (Nature supplement, Sep 2025; secondary). Empty before then."""
    cols = ["component", "h800_gpu_hours", "computed_cost_usd", "inputs", "grade"]
    metrics = {m.name: m for m in training_cost_metrics(facts, as_of)}
    if "r1_rl_cost_usd_computed" not in metrics:
        return pd.DataFrame(columns=cols)
    price = number(facts[PRICE])
    rows = []
    for name in [c[0] for c in R1_COMPONENTS] + ["r1_rl_total"]:
        m = metrics[f"{name}_gpu_hours"]
        rows.append(
            {
                "component": name,
                "h800_gpu_hours": m.value,
                "computed_cost_usd": m.value * price,
                "inputs": (m.name, PRICE),
                "grade": m.grade,
            }
        )
    return pd.DataFrame(rows, columns=cols)


def cost_scope_table(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> pd.DataFrame:
    """What the $5.576M covers and what it leaves out, each line tied to a fact."""
    led = Ledger(facts, as_of)
    excl = led.fact("v3_cost_exclusions")
    rows = [
        ("official V3 training run (3 stages)", True, led.fact("v3_cost_usd_total").note or ""),
        ("rental-price basis, not actual spend", True, led.fact(PRICE).note or ""),
        (str(excl.value), False, excl.source.locator or ""),
        ("hardware purchase, data, staff, R1 models used for distillation", False, excl.note or ""),
    ]
    ids = ["v3_cost_usd_total", PRICE, excl.id, excl.id]
    for fid, item in (
        ("r1_report_has_no_cost_figure", "R1 cost in the Jan 2025 preprint"),
        ("r1_rl_cost_usd_nature", "R1 reinforcement learning (later disclosed)"),
    ):
        if led.has(fid):
            f = led.fact(fid)
            rows.append((item, False, f"{f.value} ({f.unit})"))
            ids.append(fid)
    out = pd.DataFrame(rows, columns=["item", "in_headline_figure", "detail"])
    out["fact_id"] = ids
    out["grade"] = [facts[i].grade for i in ids]
    out["date"] = [facts[i].date for i in ids]
    return out
