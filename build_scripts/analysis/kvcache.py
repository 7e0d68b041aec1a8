"""KV-cache size per token, from each model's config, with DeepSeek-V2's Table 1 formulas.

The cache is what limits long-context serving; MLA's saving is real but is routinely quoted
against the wrong baseline, so we compute it against several baselines side by side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..errors import DataError
from ..facts import Fact
from .metric import FACTS_LOCATION, Ledger, Metric, mapping, number

BF16_BYTES = 2
LLAMA_ARCH = "llama31_405b_config"


# Elements cached per token per layer (multiply by layers for the whole model).
def mha_elements(n_heads: int, head_dim: int) -> int:
    """MHA caches a key and a value for every head: 2·n_h·d_h."""
    return 2 * n_heads * head_dim


def gqa_elements(n_groups: int, head_dim: int) -> int:
    """GQA caches one key/value pair per group: 2·n_g·d_h."""
    return 2 * n_groups * head_dim


def mqa_elements(head_dim: int) -> int:
    """MQA caches a single key/value pair: 2·d_h."""
    return 2 * head_dim


def mla_elements(kv_lora_rank: int, rope_head_dim: int) -> int:
    """MLA caches the compressed latent c_KV plus one shared RoPE key: d_c + d_h^R."""
    return kv_lora_rank + rope_head_dim


def equivalent_gqa_groups(elements_per_layer: float, head_dim: int) -> float:
    """How many GQA groups would cache the same number of elements."""
    return elements_per_layer / (2 * head_dim)


@dataclass(frozen=True)
class KvRow:
    """One attention layout of one model, and where its shape came from."""

    model: str
    attention: str
    per_layer: int
    layers: int
    head_dim: int
    inputs: tuple[str, ...]


def llama_405b_shape(cfg: Mapping[str, Any]) -> dict[str, int]:
    """Llama 3.1 405B layout from its config fact: dim, layers, heads, KV heads."""
    try:
        dim, layers, heads, kv = (int(cfg[k]) for k in ("dim", "n_layers", "n_heads", "n_kv_heads"))
    except (KeyError, TypeError, ValueError):
        raise DataError(FACTS_LOCATION, f"fact '{LLAMA_ARCH}'",
                        "needs whole-number fields dim, n_layers, n_heads and n_kv_heads") from None
    return {
        "dim": dim,
        "n_layers": layers,
        "n_heads": heads,
        "n_kv_heads": kv,
        "head_dim": dim // heads,
    }


def _deepseek_rows(name: str, cfg: Mapping[str, Any], fid: str) -> list[KvRow]:
    d_h, layers = cfg["qk_nope_head_dim"], cfg["n_layers"]
    return [
        KvRow(
            name,
            "MLA",
            mla_elements(cfg["kv_lora_rank"], cfg["qk_rope_head_dim"]),
            layers,
            d_h,
            (fid, "kv_cache_per_token_mla"),
        ),
        KvRow(
            f"{name} shape as MHA",
            "MHA",
            mha_elements(cfg["n_heads"], d_h),
            layers,
            d_h,
            (fid, "kv_cache_per_token_mha"),
        ),
        KvRow(
            f"{name} shape as MQA",
            "MQA",
            mqa_elements(d_h),
            layers,
            d_h,
            (fid, "kv_cache_per_token_mqa"),
        ),
    ]


def kv_rows(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> list[KvRow]:
    """V3 and V2 (MLA, and their shapes as MHA/MQA) and Llama 3.1 405B (GQA)."""
    led = Ledger(facts, as_of)
    rows = _deepseek_rows(
        "DeepSeek-V3", mapping(led.fact("deepseek_v3_config_671b")), "deepseek_v3_config_671b"
    )
    if led.has("deepseek_v2_config_236b"):
        rows += _deepseek_rows(
            "DeepSeek-V2", mapping(led.fact("deepseek_v2_config_236b")), "deepseek_v2_config_236b"
        )
    if led.has(LLAMA_ARCH):
        s = llama_405b_shape(mapping(led.fact(LLAMA_ARCH)))
        rows.append(
            KvRow(
                "Llama 3.1 405B",
                "GQA",
                gqa_elements(s["n_kv_heads"], s["head_dim"]),
                s["n_layers"],
                s["head_dim"],
                (LLAMA_ARCH, "kv_cache_per_token_gqa"),
            )
        )
    return rows


def kv_cache_table(
    facts: Mapping[str, Fact], as_of: dt.date | None = None, bytes_per_element: int = BF16_BYTES
) -> pd.DataFrame:
    """Elements and bytes per token, per layer and per model, relative to V3's MLA cache."""
    rows = kv_rows(facts, as_of)
    v3 = rows[0].per_layer * rows[0].layers
    out = []
    for r in rows:
        total = r.per_layer * r.layers
        out.append(
            {
                "model": r.model,
                "attention": r.attention,
                "layers": r.layers,
                "head_dim": r.head_dim,
                "elements_per_token_per_layer": r.per_layer,
                "elements_per_token": total,
                "bytes_per_token_per_layer": r.per_layer * bytes_per_element,
                "bytes_per_token": total * bytes_per_element,
                "equivalent_gqa_groups": equivalent_gqa_groups(r.per_layer, r.head_dim),
                "vs_v3_mla_x": total / v3,
                "inputs": r.inputs,
            }
        )
    return pd.DataFrame(out)


def kv_metrics(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> list[Metric[float]]:
    """The headline KV-cache comparisons, each checked against the facts where one exists.

    Metric names: v3_mla_kv_elements_per_token, v3_mla_kv_bytes_per_token_bf16,
    v3_mha_kv_elements_per_token, v3_mha_to_mla_kv_x, v3_mla_share_of_mha_pct,
    v3_mla_equivalent_gqa_groups, v3_mla_latent_in_head_dims, v3_mla_rope_in_head_dims,
    v3_mla_cache_in_head_dims, v2_mla_kv_elements_per_token,
    v2_mha_kv_elements_per_token, v2_mha_to_mla_kv_x, llama31_405b_kv_elements_per_token,
    llama31_405b_to_v3_mla_kv_x.
    """
    led = Ledger(facts, as_of)
    by = {(r.model, r.attention): r for r in kv_rows(facts, as_of)}
    for key, name in (("DeepSeek-V3", "v3"), ("DeepSeek-V2", "v2")):
        if (key, "MLA") not in by:
            continue
        mla, mha = by[(key, "MLA")], by[(f"{key} shape as MHA", "MHA")]
        a = led.add(
            f"{name}_mla_kv_elements_per_token",
            mla.per_layer * mla.layers,
            "elements",
            "(d_c + d_h^R) x layers",
            *mla.inputs,
        )
        b = led.add(
            f"{name}_mha_kv_elements_per_token",
            mha.per_layer * mha.layers,
            "elements",
            "2 x n_h x d_h x layers (same shape, standard MHA)",
            *mha.inputs,
        )
        led.add(
            f"{name}_mha_to_mla_kv_x",
            b.value / a.value,
            "x",
            "MHA elements / MLA elements",
            b.name,
            a.name,
        )
        if name == "v3":
            led.add(
                "v3_mla_kv_bytes_per_token_bf16",
                a.value * BF16_BYTES,
                "bytes",
                "MLA elements x 2 bytes (BF16)",
                a.name,
            )
            led.add(
                "v3_mla_share_of_mha_pct",
                100 * a.value / b.value,
                "percent",
                "MLA elements / MHA elements x 100",
                a.name,
                b.name,
            )
            led.add(
                "v3_mla_equivalent_gqa_groups",
                equivalent_gqa_groups(mla.per_layer, mla.head_dim),
                "GQA groups",
                "(d_c + d_h^R) / (2 x d_h)",
                *mla.inputs,
            )
            cfg = mapping(led.fact("deepseek_v3_config_671b"))
            led.add(
                "v3_mla_latent_in_head_dims",
                cfg["kv_lora_rank"] / mla.head_dim,
                "x d_h",
                "d_c / d_h (V2 paper: 4)",
                *mla.inputs,
            )
            led.add(
                "v3_mla_rope_in_head_dims",
                cfg["qk_rope_head_dim"] / mla.head_dim,
                "x d_h",
                "d_h^R / d_h (V2 paper: 1/2)",
                *mla.inputs,
            )
            led.add(
                "v3_mla_cache_in_head_dims",
                mla.per_layer / mla.head_dim,
                "x d_h",
                "(d_c + d_h^R) / d_h (V2 paper: 9/2 = 2 x 2.25)",
                *mla.inputs,
            )
    gqa = by.get(("Llama 3.1 405B", "GQA"))
    if gqa is not None:
        g = led.add(
            "llama31_405b_kv_elements_per_token",
            gqa.per_layer * gqa.layers,
            "elements",
            "2 x n_g x d_h x layers",
            *gqa.inputs,
        )
        led.add(
            "llama31_405b_to_v3_mla_kv_x",
            g.value / led.value("v3_mla_kv_elements_per_token"),
            "x",
            "Llama 3.1 405B GQA elements / V3 MLA elements",
            g.name,
            "v3_mla_kv_elements_per_token",
        )
    return led.result()


@dataclass(frozen=True)
class KvClaimContext:
    """Why '93.3% smaller KV cache' is not 'MLA shrinks the cache by 93.3%'."""

    published_reduction_pct: float
    baseline: str  # what the 93.3% is measured against (the fact's `baseline` field)
    caveat: str  # the fact's note: deployed model, KV quantisation
    v2_mla_vs_same_shape_mha_reduction_pct: float
    v3_mla_vs_llama405b_gqa_reduction_pct: float | None
    inputs: tuple[str, ...]


def kv_claim_context(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> KvClaimContext:
    """Put the published 93.3% beside MLA-alone reductions computed from configs."""
    led = Ledger(facts, as_of)
    f = led.fact("v2_kv_cache_reduction")
    ms = {m.name: m for m in kv_metrics(facts, as_of)}
    v2_mla, v2_mha = ms["v2_mla_kv_elements_per_token"], ms["v2_mha_kv_elements_per_token"]
    llama = ms.get("llama31_405b_to_v3_mla_kv_x")
    return KvClaimContext(
        published_reduction_pct=number(f),
        baseline=f.baseline or "",
        caveat=f.note or "",
        v2_mla_vs_same_shape_mha_reduction_pct=100 * (1 - v2_mla.value / v2_mha.value),
        v3_mla_vs_llama405b_gqa_reduction_pct=None
        if llama is None
        else 100 * (1 - 1 / llama.value),
        inputs=(f.id, v2_mla.name, v2_mha.name) + (() if llama is None else (llama.name,)),
    )


def kv_reduction_pct(
    new_elements: float, new_bits: float, base_elements: float, base_bits: float
) -> float:
    """Percent fewer cache bits per token than a baseline (elements x bits per element)."""
    return 100 * (1 - (new_elements * new_bits) / (base_elements * base_bits))
