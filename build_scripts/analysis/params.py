"""Parameter counts rebuilt from DeepSeek's own config files, checked against the papers.

Counting every weight matrix from the config shows where 671B lives (routed experts) and why
only ~37B are used per token; it also checks the published figures independently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..facts import Fact
from .metric import Ledger, Metric, in_unit, mapping, visible, weakest

# Hugging Face config.json names -> the inference-config names used below.
HF_KEYS = {
    "hidden_size": "dim",
    "intermediate_size": "inter_dim",
    "moe_intermediate_size": "moe_inter_dim",
    "num_hidden_layers": "n_layers",
    "first_k_dense_replace": "n_dense_layers",
    "num_attention_heads": "n_heads",
    "num_experts_per_tok": "n_activated_experts",
    "scoring_func": "score_func",
    "num_nextn_predict_layers": "n_mtp_modules",
}
# (config fact, total-params fact, activated-params fact) for the checks against the papers.
CHECKS = (
    ("v3", "deepseek_v3_config_671b", "v3_total_params", "v3_activated_params"),
    ("v2", "deepseek_v2_config_236b", "v2_total_params", "v2_activated_params"),
)


def from_hf_config(hf: Mapping[str, Any]) -> dict[str, Any]:
    """Rename a Hugging Face DeepSeek config to the inference-config field names."""
    return {HF_KEYS.get(k, k): v for k, v in hf.items()}


def mla_attention_params(cfg: Mapping[str, Any]) -> dict[str, int]:
    """Weights of one Multi-head Latent Attention block, by projection.

    With q_lora_rank = 0 (V2-Lite) queries are projected directly, with no low-rank step.
    """
    dim, heads = cfg["dim"], cfg["n_heads"]
    nope, rope, v = cfg["qk_nope_head_dim"], cfg["qk_rope_head_dim"], cfg["v_head_dim"]
    kv_rank, q_rank = cfg["kv_lora_rank"], cfg.get("q_lora_rank", 0)
    out: dict[str, int] = {}
    if q_rank:
        out["mla_q_down"] = dim * q_rank
        out["mla_q_norm"] = q_rank
        out["mla_q_up"] = q_rank * heads * (nope + rope)
    else:
        out["mla_q_proj"] = dim * heads * (nope + rope)
    out["mla_kv_down"] = dim * (kv_rank + rope)  # latent c_KV plus the shared RoPE key
    out["mla_kv_norm"] = kv_rank
    out["mla_kv_up"] = kv_rank * heads * (nope + v)  # keys (no-RoPE part) and values
    out["mla_out"] = heads * v * dim
    return out


def _ffn(dim: int, hidden: int) -> int:
    """Gated (SwiGLU) feed-forward: gate, up and down projections."""
    return 3 * dim * hidden


def param_breakdown(cfg: Mapping[str, Any]) -> pd.DataFrame:
    """Main-model parameters by component: total and activated per token (MTP excluded).

    Columns: component, layers, per_layer_params, total_params, active_params, total_params_b,
    active_params_b.
    """
    dim, layers, dense = cfg["dim"], cfg["n_layers"], cfg["n_dense_layers"]
    moe = layers - dense
    expert = _ffn(dim, cfg["moe_inter_dim"])
    routed, k, shared = cfg["n_routed_experts"], cfg["n_activated_experts"], cfg["n_shared_experts"]
    # Sigmoid-scored routers (V3) also carry a per-expert bias for aux-loss-free balancing.
    gate = routed * dim + (routed if cfg.get("score_func") == "sigmoid" else 0)
    rows: list[tuple[str, int, int, int]] = [("embedding", 1, cfg["vocab_size"] * dim, 0)]
    for name, n in mla_attention_params(cfg).items():
        rows.append((name, layers, n, n))
    rows += [
        ("layer_norms", layers, 2 * dim, 2 * dim),
        ("dense_ffn", dense, _ffn(dim, cfg["inter_dim"]), _ffn(dim, cfg["inter_dim"])),
        ("routed_experts", moe, routed * expert, k * expert),
        ("shared_experts", moe, shared * expert, shared * expert),
        ("router", moe, gate, gate),
        ("final_norm", 1, dim, dim),
        ("output_head", 1, cfg["vocab_size"] * dim, cfg["vocab_size"] * dim),
    ]
    df = pd.DataFrame(rows, columns=["component", "layers", "per_layer_params", "per_layer_active"])
    df["total_params"] = df["layers"] * df["per_layer_params"]
    # The input embedding is a table lookup: no multiply, so not "activated" compute.
    df["active_params"] = df["layers"] * df["per_layer_active"]
    df["total_params_b"] = df["total_params"] / 1e9
    df["active_params_b"] = df["active_params"] / 1e9
    return df.drop(columns="per_layer_active")


def mtp_breakdown(cfg: Mapping[str, Any], modules: int = 1) -> pd.DataFrame:
    """Multi-token-prediction modules: one MoE layer each plus a 2·dim→dim projection and norms.

    They share the main model's embedding and output head, so those are not counted here.
    """
    dim = cfg["dim"]
    main = param_breakdown(cfg)
    layer_rows = ~main["component"].isin(["embedding", "dense_ffn", "final_norm", "output_head"])
    one_layer_total = int(main.loc[layer_rows, "per_layer_params"].sum())
    moe_rows = main.loc[layer_rows]
    one_layer_active = int((moe_rows["active_params"] / moe_rows["layers"]).sum())
    rows = [
        ("mtp_transformer_layer", one_layer_total, one_layer_active),
        ("mtp_projection", 2 * dim * dim, 2 * dim * dim),
        ("mtp_norms", 3 * dim, 3 * dim),  # hidden-state norm, embedding norm, head norm
    ]
    df = pd.DataFrame(rows, columns=["component", "per_module_params", "per_module_active"])
    df["modules"] = modules
    df["total_params"] = df["per_module_params"] * modules
    df["active_params"] = df["per_module_active"] * modules
    df["total_params_b"] = df["total_params"] / 1e9
    df["active_params_b"] = df["active_params"] / 1e9
    return df.drop(columns="per_module_active")


@dataclass(frozen=True)
class ParamCounts:
    """Headline counts for one config (all in parameters, not billions)."""

    total: int
    active: int  # includes the input embedding, as DeepSeek's weights README counts it
    active_excl_embedding: int  # matmul parameters only
    embedding: int


def param_counts(cfg: Mapping[str, Any]) -> ParamCounts:
    df = param_breakdown(cfg)
    emb = int(df.loc[df["component"] == "embedding", "total_params"].sum())
    active = int(df["active_params"].sum())
    return ParamCounts(int(df["total_params"].sum()), active + emb, active, emb)


def param_metrics(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> list[Metric[float]]:
    """Config-derived counts for V3 and V2 against the papers, and V3's MTP / checkpoint size.

    Metric names: <m>_total_params_from_config_b, <m>_active_params_from_config_b (incl.
    embedding), <m>_active_params_excl_embedding_b, <m>_total_params_vs_paper_pct,
    <m>_active_params_vs_paper_pct, <m>_active_params_excl_embedding_vs_paper_pct for m in
    (v3, v2); v3_mtp_params_b, v3_checkpoint_params_b, v3_checkpoint_params_vs_published_pct,
    v3_hf_config_total_params_b.
    """
    led = Ledger(facts, as_of)
    for m, cfg_id, total_id, active_id in CHECKS:
        c = param_counts(mapping(led.fact(cfg_id)))
        derived = {
            "total_params_from_config_b": (c.total, total_id, "sum of all weight matrices"),
            "active_params_from_config_b": (
                c.active,
                active_id,
                "embedding + per-token weights (attention, dense FFN, k routed + shared experts, "
                "router, head)",
            ),
            "active_params_excl_embedding_b": (
                c.active_excl_embedding,
                active_id,
                "per-token matmul weights (input-embedding lookup excluded)",
            ),
        }
        for suffix, (count, paper_id, formula) in derived.items():
            metric = led.add(f"{m}_{suffix}", count / 1e9, "billion parameters", formula, cfg_id)
            check = suffix.removesuffix("_b").replace("_from_config", "")
            led.add(
                f"{m}_{check}_vs_paper_pct",
                100 * (metric.value / led.num(paper_id) - 1),
                "percent",
                "(config-derived / published - 1) x 100",
                metric.name,
                paper_id,
            )
    v3 = mapping(led.fact("deepseek_v3_config_671b"))
    mtp = led.add(
        "v3_mtp_params_b",
        mtp_breakdown(v3)["total_params"].sum() / 1e9,
        "billion parameters",
        "one MTP module: MoE layer + 2·dim x dim projection + 3 norms (shared embedding/head)",
        "deepseek_v3_config_671b",
    )
    emb = param_counts(v3).embedding / 1e9
    ckpt = led.add(
        "v3_checkpoint_params_b",
        led.value("v3_total_params_from_config_b") + mtp.value + 2 * emb,
        "billion parameters",
        "main model + MTP module + the MTP's stored copies of embedding and output head",
        "v3_total_params_from_config_b",
        mtp.name,
        "deepseek_v3_config_671b",
    )
    if led.has("v3_hf_total_size_incl_mtp"):
        led.add(
            "v3_checkpoint_params_vs_published_pct",
            100 * (ckpt.value / led.num("v3_hf_total_size_incl_mtp") - 1),
            "percent",
            "(derived checkpoint size / published 685B - 1) x 100",
            ckpt.name,
            "v3_hf_total_size_incl_mtp",
        )
    if led.has("deepseek_v3_hf_config_json"):
        hf = from_hf_config(mapping(led.fact("deepseek_v3_hf_config_json")))
        led.add(
            "v3_hf_config_total_params_b",
            param_counts(hf).total / 1e9,
            "billion parameters",
            "same count from the Hugging Face config.json (cross-check)",
            "deepseek_v3_hf_config_json",
        )
    return led.result()


def moe_models_table(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> pd.DataFrame:
    """Total vs active parameters of every model fact with those fields, by release date."""
    rows = []
    seen = visible(facts, as_of)
    for fid, f in seen.items():
        v = f.value
        if not (isinstance(v, dict) and "total_params_b" in v):
            continue
        # A count from a weaker source than the rest of the record is its own fact, <id>_active_params.
        split = seen.get(f"{fid}_active_params")
        if "active_params_b" in v:
            active, grade = float(v["active_params_b"]), f.grade
        elif split is not None:
            active, grade = in_unit(split, "billion parameters"), weakest((f.grade, split.grade))
        else:
            continue
        total = float(v["total_params_b"])
        rows.append(
            {
                "model": f.label or fid,
                "fact_id": fid,
                "developer": v.get("developer", ""),
                "type": v.get("type", ""),
                "total_params_b": total,
                "active_params_b": active,
                "active_share_pct": 100 * active / total,
                "date": f.date,
                "day": f.day,
                "grade": grade,
                "note": f.note or "",
            }
        )
    cols = [
        "model",
        "fact_id",
        "developer",
        "type",
        "total_params_b",
        "active_params_b",
        "active_share_pct",
        "date",
        "day",
        "grade",
        "note",
    ]
    df = pd.DataFrame(rows, columns=cols)
    return df.sort_values(["day", "model"], ignore_index=True)
