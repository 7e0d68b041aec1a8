"""Training compute arithmetic: 6·N·D FLOPs, implied GPU utilisation, and the 11x gap.

The point is to show where V3's GPU-hour advantage over Llama 3.1 405B comes from: almost all
of it is the smaller number of *active* parameters (MoE), not a faster GPU or a trick.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

import pandas as pd

from ..facts import Fact
from .metric import Ledger, Metric, in_unit, mapping, number

SECONDS_PER_HOUR = 3600
# The rule of thumb's constant: FLOPs per active parameter per token (forward and backward pass).
FLOPS_PER_PARAM_TOKEN = 6
TFLOPS = 1e12
# (model key, training FLOPs metric, GPU-hours fact, GPU spec fact) for the utilisation table.
RUNS = (
    ("v3", "v3_training_flops_6nd", "v3_gpu_hours_pretraining", "h800_sxm"),
    ("llama31_405b", "llama31_405b_training_flops_6nd", "llama31_405b_gpu_hours", "h100_sxm"),
    (
        "llama4_maverick",
        "llama4_maverick_training_flops_6nd",
        "llama4_maverick_gpu_hours",
        "h100_sxm",
    ),
)


def training_flops(active_params: float, tokens: float) -> float:
    """Dense-transformer rule of thumb C ≈ 6·N·D (forward + backward), attention ignored."""
    return float(FLOPS_PER_PARAM_TOKEN) * active_params * tokens


def achieved_flops_per_gpu(flops: float, gpu_hours: float) -> float:
    """Average useful FLOP/s each GPU delivered over the run."""
    return flops / (gpu_hours * SECONDS_PER_HOUR)


def maverick_tokens_trillion(fact: Fact) -> float:
    """Maverick's approximate token count (trillions) from the Llama 4 card's token fact."""
    return in_unit(fact, "trillion tokens", "maverick")


def flops_metrics(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> list[Metric[float]]:
    """FLOPs, utilisation and the Llama-vs-V3 gap decomposition.

    Metric names: v3_training_flops_6nd, llama31_405b_training_flops_6nd,
    llama31_405b_training_flops_6nd_paper_tokens, llama31_405b_flops_6nd_vs_paper_pct,
    <run>_achieved_flops_per_gpu, <run>_utilisation_bf16_pct, <run>_utilisation_fp8_pct,
    h800_vs_h100_bf16_peak_x, h800_vs_h100_fp8_peak_x, gap_gpu_hours_x, gap_active_params_x,
    gap_tokens_x, gap_residual_x, gap_<factor>_log_share_pct, v3_total_achieved_flops_per_gpu,
    and (from Apr 2025) llama4_maverick_* comparisons.
    """
    led = Ledger(facts, as_of)
    _flops(led)
    _utilisation(led)
    _gap(led)
    if led.has("llama4_maverick_gpu_hours"):
        _maverick(led)
    return led.result()


def _active_b(led: Ledger, fid: str) -> float:
    return float(mapping(led.fact(fid))["active_params_b"])


def _peak(led: Ledger, gpu: str, kind: str) -> float:
    return float(mapping(led.fact(gpu))[f"{kind}_dense_tflops"]) * TFLOPS


def _flops(led: Ledger) -> None:
    led.add(
        "v3_training_flops_6nd",
        training_flops(led.num("v3_activated_params") * 1e9, led.num("v3_training_tokens") * 1e12),
        "FLOP",
        "6 x activated params x pre-training tokens",
        "v3_activated_params",
        "v3_training_tokens",
    )
    n405 = _active_b(led, "llama31_405b") * 1e9
    led.add(
        "llama31_405b_training_flops_6nd",
        training_flops(n405, led.num("llama31_training_tokens") * 1e12),
        "FLOP",
        "6 x params x tokens (model card, 15T)",
        "llama31_405b",
        "llama31_training_tokens",
    )
    if led.has("llama3_405b_tokens_paper") and led.has("llama3_405b_training_flops"):
        paper = led.add(
            "llama31_405b_training_flops_6nd_paper_tokens",
            training_flops(n405, led.num("llama3_405b_tokens_paper") * 1e12),
            "FLOP",
            "6 x params x tokens (paper, 15.6T)",
            "llama31_405b",
            "llama3_405b_tokens_paper",
        )
        led.add(
            "llama31_405b_flops_6nd_vs_paper_pct",
            100 * (paper.value / led.num("llama3_405b_training_flops") - 1),
            "percent",
            "(our 6ND / paper's compute budget - 1) x 100",
            paper.name,
            "llama3_405b_training_flops",
        )


def _utilisation(led: Ledger) -> None:
    for kind in ("bf16", "fp8"):
        led.add(
            f"h800_vs_h100_{kind}_peak_x",
            _peak(led, "h800_sxm", kind) / _peak(led, "h100_sxm", kind),
            "x",
            f"H800 dense {kind.upper()} peak / H100 dense {kind.upper()} peak",
            "h800_sxm",
            "h100_sxm",
        )
    for run, flops_name, hours_id, gpu in RUNS[:2]:
        _run_utilisation(led, run, flops_name, hours_id, gpu)


def _run_utilisation(led: Ledger, run: str, flops_name: str, hours_id: str, gpu: str) -> None:
    per_gpu = led.add(
        f"{run}_achieved_flops_per_gpu",
        achieved_flops_per_gpu(led.value(flops_name), led.num(hours_id)),
        "FLOP/s per GPU",
        "training FLOPs / (GPU-hours x 3600)",
        flops_name,
        hours_id,
    )
    for kind in ("bf16", "fp8"):
        led.add(
            f"{run}_utilisation_{kind}_pct",
            100 * per_gpu.value / _peak(led, gpu, kind),
            "percent",
            f"achieved FLOP/s per GPU / dense {kind.upper()} peak x 100",
            per_gpu.name,
            gpu,
        )


def _gap(led: Ledger) -> None:
    """GPU-hour ratio = active-param ratio x token ratio x residual (precision, utilisation...).

    V3's pre-training hours, as in the utilisation table: the token and parameter factors are the
    pre-training run's, so the residual is the ratio of the two runs' useful FLOP/s per GPU."""
    hours = led.add(
        "gap_gpu_hours_x",
        led.num("llama31_405b_gpu_hours") / led.num("v3_gpu_hours_pretraining"),
        "x",
        "Llama 3.1 405B GPU-hours / V3 pre-training GPU-hours",
        "llama31_405b_gpu_hours",
        "v3_gpu_hours_pretraining",
    )
    params = led.add(
        "gap_active_params_x",
        _active_b(led, "llama31_405b") / led.num("v3_activated_params"),
        "x",
        "Llama 3.1 405B params / V3 activated params",
        "llama31_405b",
        "v3_activated_params",
    )
    tokens = led.add(
        "gap_tokens_x",
        led.num("llama31_training_tokens") / led.num("v3_training_tokens"),
        "x",
        "Llama 3.1 tokens / V3 tokens",
        "llama31_training_tokens",
        "v3_training_tokens",
    )
    resid = led.add(
        "gap_residual_x",
        hours.value / (params.value * tokens.value),
        "x",
        "GPU-hour ratio / (param ratio x token ratio): V3's useful FLOP/s per GPU-hour vs Llama's",
        hours.name,
        params.name,
        tokens.name,
    )
    total_log = math.log(hours.value)
    for m in (params, tokens, resid):
        factor = m.name.removeprefix("gap_").removesuffix("_x")
        led.add(
            f"gap_{factor}_log_share_pct",
            100 * math.log(m.value) / total_log,
            "percent",
            "ln(factor) / ln(GPU-hour ratio) x 100",
            m.name,
            hours.name,
        )
    led.add(
        "v3_total_achieved_flops_per_gpu",
        achieved_flops_per_gpu(led.value("v3_training_flops_6nd"), led.num("v3_gpu_hours_total")),
        "FLOP/s per GPU",
        "V3 6ND FLOPs / (total GPU-hours incl. context extension and post-training x 3600)",
        "v3_training_flops_6nd",
        "v3_gpu_hours_total",
    )


def _maverick(led: Ledger) -> None:
    hours = led.add(
        "llama4_maverick_vs_v3_gpu_hours_x",
        led.num("llama4_maverick_gpu_hours") / led.num("v3_gpu_hours_pretraining"),
        "x",
        "Llama 4 Maverick pre-training GPU-hours / V3 pre-training GPU-hours (same basis: pre-training only)",
        "llama4_maverick_gpu_hours",
        "v3_gpu_hours_pretraining",
    )
    led.add(
        "llama4_maverick_fewer_gpu_hours_pct",
        100 * (1 - hours.value),
        "percent",
        "(1 - Maverick / V3 pre-training GPU-hours) x 100",
        hours.name,
    )
    led.add(
        "llama4_maverick_vs_v3_active_params_x",
        _active_b(led, "llama4_maverick") / led.num("v3_activated_params"),
        "x",
        "Maverick active params / V3 activated params",
        "llama4_maverick",
        "v3_activated_params",
    )
    tokens = maverick_tokens_trillion(led.fact("llama4_tokens"))
    led.add(
        "llama4_maverick_training_flops_6nd",
        training_flops(_active_b(led, "llama4_maverick") * 1e9, tokens * 1e12),
        "FLOP",
        "6 x active params x ~tokens (approximate token count)",
        "llama4_maverick",
        "llama4_tokens",
    )
    _run_utilisation(led, *RUNS[2])


def utilisation_table(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> pd.DataFrame:
    """Per run: 6ND FLOPs, GPU-hours, achieved TFLOP/s per GPU, and share of BF16/FP8 peak."""
    ms = {m.name: m for m in flops_metrics(facts, as_of)}
    rows = []
    for run, flops_name, hours_id, gpu in RUNS:
        if flops_name not in ms:
            continue
        spec = mapping(facts[gpu])
        rows.append(
            {
                "run": run,
                "gpu": gpu,
                "training_flops": ms[flops_name].value,
                "gpu_hours": number(facts[hours_id]),
                "achieved_tflops_per_gpu": ms[f"{run}_achieved_flops_per_gpu"].value / TFLOPS,
                "peak_bf16_tflops": float(spec["bf16_dense_tflops"]),
                "peak_fp8_tflops": float(spec["fp8_dense_tflops"]),
                "utilisation_bf16_pct": ms[f"{run}_utilisation_bf16_pct"].value,
                "utilisation_fp8_pct": ms[f"{run}_utilisation_fp8_pct"].value,
                "inputs": (flops_name, hours_id, gpu),
                "grade": ms[f"{run}_utilisation_bf16_pct"].grade,
            }
        )
    return pd.DataFrame(rows)


def gap_decomposition_table(
    facts: Mapping[str, Fact], as_of: dt.date | None = None
) -> pd.DataFrame:
    """The ~11x GPU-hour gap as a product of factors, each with its share in log terms."""
    ms = {m.name: m for m in flops_metrics(facts, as_of)}
    rows = []
    for factor in ("active_params", "tokens", "residual"):
        m = ms[f"gap_{factor}_x"]
        rows.append(
            {
                "factor": factor,
                "ratio_x": m.value,
                "log_share_pct": ms[f"gap_{factor}_log_share_pct"].value,
                "metric": m.name,
                "inputs": m.inputs,
            }
        )
    total = ms["gap_gpu_hours_x"]
    rows.append(
        {
            "factor": "gpu_hours (product)",
            "ratio_x": total.value,
            "log_share_pct": 100.0,
            "metric": total.name,
            "inputs": total.inputs,
        }
    )
    return pd.DataFrame(rows)
