"""Section 2: good engineering, not a miracle — parameters, KV cache, FP8, prior art and prices.

Every figure comes from `analysis.compute`: parameters counted from DeepSeek's own config, the KV
cache from DeepSeek-V2's formulas, FP8 sizes from the formats, dates from the papers.
"""

from __future__ import annotations

import re

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from .. import fmt
from ..analysis.compute import (
    V3_CONFIG,
    api_price_table,
    dally_table,
    fp8_throughput_table,
    kv_cache_table,
    kv_claim_context,
    moe_models_table,
    param_breakdown,
    prior_art_timeline,
    weight_memory_table,
)
from ..analysis.fp8 import GRANULARITY
from ..analysis.params import mtp_breakdown
from ..charts.render import Chart
from ..charts.style import Palette
from ..tables import Column, Table, col_int, col_multiple, col_number, col_pct, col_text
from ..values import Values
from . import Inputs, Products, both
from .common import col_confidence, fact_if, partial_date, usd_cell

# --- parameters -----------------------------------------------------------------------------

COMPONENTS = {
    "embedding": both("Input embedding (a lookup)", "入力埋め込み（表引き）"),
    "mla_q_down": both("Attention: query compression", "アテンション：クエリ圧縮"),
    "mla_q_norm": both("Attention: query norm", "アテンション：クエリ正規化"),
    "mla_q_up": both("Attention: query expansion", "アテンション：クエリ展開"),
    "mla_kv_down": both("Attention: key-value compression", "アテンション：KV圧縮"),
    "mla_kv_norm": both("Attention: key-value norm", "アテンション：KV正規化"),
    "mla_kv_up": both("Attention: key-value expansion", "アテンション：KV展開"),
    "mla_out": both("Attention: output", "アテンション：出力"),
    "layer_norms": both("Layer norms", "層正規化"),
    "dense_ffn": both("Dense feed-forward (first layers)", "密なFFN（最初の層）"),
    "routed_experts": both("Routed experts", "ルーティング専門家"),
    "shared_experts": both("Shared expert", "共有専門家"),
    "router": both("Router (gate)", "ルーター（ゲート）"),
    "final_norm": both("Final norm", "最終正規化"),
    "output_head": both("Output head", "出力ヘッド"),
    "main_total": both("Main model, total", "本体の合計"),
    "mtp_transformer_layer": both("MTP: one MoE layer", "MTP：MoE層1つ"),
    "mtp_projection": both("MTP: projection", "MTP：射影"),
    "mtp_norms": both("MTP: norms", "MTP：正規化"),
    "mtp_total": both("MTP module, total (not in the main count)", "MTPモジュール合計（本体に含めない）"),
}


def breakdown_frame(cfg: dict) -> pd.DataFrame:
    """Main-model rows, a main total, then the MTP module's rows and total, in billions."""
    main = param_breakdown(cfg)[["component", "layers", "total_params_b", "active_params_b"]]
    mtp = mtp_breakdown(cfg).rename(columns={"modules": "layers"})[
        ["component", "layers", "total_params_b", "active_params_b"]]

    def total(df: pd.DataFrame, name: str) -> pd.DataFrame:
        return pd.DataFrame([{"component": name, "layers": None, "total_params_b": df["total_params_b"].sum(),
                              "active_params_b": df["active_params_b"].sum()}])

    return pd.concat([main, total(main, "main_total"), mtp, total(mtp, "mtp_total")], ignore_index=True)


def breakdown_table(inp: Inputs) -> Table:
    df = breakdown_frame(inp.facts[V3_CONFIG].value)
    return Table(
        id="v3-param-breakdown-table",
        data=df,
        columns=(
            Column("component", both("Component", "部位"), lambda v, lang: COMPONENTS[v][lang]),
            Column("layers", both("Layers", "層数"), col_int, "right"),
            Column("total_params_b", both("Total (billions)", "総数（10億）"), col_number(2), "right"),
            Column("active_params_b", both("Used per token (billions)", "トークンごと（10億）"),
                   col_number(2), "right"),
        ),
        caption=both("DeepSeek-V3's parameters, counted from its published config",
                     "公開された設定ファイルから数えたDeepSeek-V3のパラメータ"),
    )


CHECKS = (
    # (metric with the derived value, published fact or None, English, Japanese)
    ("v3_total_params_from_config_b", "v3_total_params", "V3 total", "V3 総数"),
    ("v3_active_params_from_config_b", "v3_activated_params", "V3 per token, with embedding",
     "V3 トークンごと（埋め込み込み）"),
    ("v3_active_params_excl_embedding_b", "v3_activated_params", "V3 per token, without embedding",
     "V3 トークンごと（埋め込みなし）"),
    ("v3_mtp_params_b", None, "V3 MTP module", "V3 MTPモジュール"),
    ("v3_checkpoint_params_b", "v3_hf_total_size_incl_mtp", "V3 checkpoint incl. MTP",
     "V3 チェックポイント（MTP込み）"),
    ("v2_total_params_from_config_b", "v2_total_params", "V2 total", "V2 総数"),
    ("v2_active_params_from_config_b", "v2_activated_params", "V2 per token, with embedding",
     "V2 トークンごと（埋め込み込み）"),
)


def check_table(inp: Inputs, metrics: dict[str, float]) -> Table:
    rows = []
    for name, fid, en, ja in CHECKS:
        published = float(inp.facts[fid].value) if fid else None
        rows.append({"item_en": en, "item_ja": ja, "derived_b": metrics[name], "published_b": published,
                     "difference_pct": None if published is None else 100 * (metrics[name] / published - 1),
                     "metric": name, "fact_id": fid})
    df = pd.DataFrame(rows)
    ja = dict(zip(df["item_en"], df["item_ja"], strict=True))
    return Table(
        id="param-check-table",
        data=df,
        columns=(
            Column("item_en", both("Count", "項目"), lambda v, lang: v if lang == "en" else ja[v]),
            Column("derived_b", both("From the config (billions)", "設定から（10億）"), col_number(2), "right"),
            Column("published_b", both("Published (billions)", "公表値（10億）"), col_number(0), "right"),
            Column("difference_pct", both("Difference", "差"), col_pct(1, True), "right"),
        ),
        caption=both("Our count against the published figures", "当サイトの集計と公表値の比較"),
    )


def _draw_params(ax: Axes, df: pd.DataFrame, lang: str, pal: Palette) -> None:
    d = df.sort_values("total_params_b").reset_index(drop=True)
    y = range(len(d))
    ax.barh(y, d["total_params_b"], color=pal.grid, label=both("Total", "総数")[lang])
    ax.barh(y, d["active_params_b"], color=pal.accent, label=both("Used per token", "トークンごとに使う数")[lang])
    ax.set_yticks(list(y), [str(m).split(" (")[0] for m in d["model"]])
    ax.set_xlabel(both("Parameters (billions)", "パラメータ数（10億）")[lang])
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")


def params_products(inp: Inputs, values: Values) -> tuple[Chart, Table]:
    df = moe_models_table(inp.facts, inp.as_of)
    df["architecture"] = ["dense" if str(t).startswith("dense") else "MoE" for t in df["type"]]
    v3 = df[df["fact_id"] == "deepseek_v3"].iloc[0]
    smallest = df.loc[df["active_share_pct"].idxmin()]
    data = df[["model", "developer", "architecture", "date", "total_params_b", "active_params_b",
               "active_share_pct", "confidence"]]
    chart = Chart(
        id="total-vs-active-params",
        data=data,
        draw=_draw_params,
        title=both("Total vs active parameters", "総パラメータとトークンごとに使うパラメータ"),
        alt=both(
            f"Bar chart of total and per-token parameters for {len(df)} language models. Dense models use "
            f"all of theirs on every token; mixture-of-experts models use a small part: DeepSeek-V3 uses "
            f"{fmt.pct(v3['active_share_pct'], 1)} of {fmt.count(v3['total_params_b'] * 1e9)}, and "
            f"{smallest['model']} the smallest share, {fmt.pct(smallest['active_share_pct'], 1)}.",
            f"{len(df)}の言語モデルについて総パラメータとトークンごとに使うパラメータを比べた棒グラフ。密なモデルは毎回"
            f"すべてを使い、MoEモデルは一部だけを使う。DeepSeek-V3は{fmt.count(v3['total_params_b'] * 1e9, 'ja')}の"
            f"うち{fmt.pct(v3['active_share_pct'], 1)}、最も比率が小さい{smallest['model']}は"
            f"{fmt.pct(smallest['active_share_pct'], 1)}。"),
        source=both("Sources: model cards, papers and official READMEs (see the table).",
                    "出典：各モデルのモデルカード、論文、公式README（表を参照）。"),
        size=(6.0, 5.0),
    )
    table = Table(
        id="models-params-table",
        data=data,
        columns=(
            Column("model", both("Model", "モデル")),
            Column("architecture", both("Type", "種類")),
            Column("date", both("Released", "公開"), lambda v, lang: partial_date(v, lang)),
            Column("total_params_b", both("Total (B)", "総数（10億）"), col_number(1), "right"),
            Column("active_params_b", both("Per token (B)", "トークンごと（10億）"), col_number(1), "right"),
            Column("active_share_pct", both("Share used", "使用比率"), col_pct(1, False), "right"),
            Column("confidence", both("Source quality", "情報の確度"), col_confidence),
        ),
        caption=both("Parameters of well-known models", "主なモデルのパラメータ数"),
        sortable=True,
    )
    return chart, table


# --- KV cache -------------------------------------------------------------------------------


def kv_label(model: str, attention: str, lang: str) -> str:
    base = model.replace("DeepSeek-", "").split(" shape")[0]
    if " shape as " in model:
        return f"{base} as {attention}" if lang == "en" else f"{base}を{attention}で"
    return f"{base} · {attention}" if lang == "en" else f"{base}・{attention}"


def _kib(n: float, lang: str) -> str:
    return f"{fmt.number(n / 1024, 0 if n >= 10 * 1024 else 1, lang)} KiB"


def _draw_kv(ax: Axes, df: pd.DataFrame, lang: str, pal: Palette) -> None:
    d = df.sort_values("bytes_per_token").reset_index(drop=True)
    colours = [pal.accent if a == "MLA" else (pal.series[1] if a == "GQA" else pal.muted) for a in d["attention"]]
    ax.barh([kv_label(m, a, lang) for m, a in zip(d["model"], d["attention"], strict=True)],
            d["bytes_per_token"] / 1024, color=colours)
    for y, v in enumerate(d["bytes_per_token"]):
        ax.text(v / 1024 * 1.1, y, _kib(v, lang), va="center", color=pal.text, fontsize=9)
    ax.set_xscale("log")
    ax.set_xlim(d["bytes_per_token"].min() / 1024 / 1.5, d["bytes_per_token"].max() / 1024 * 6)
    ax.set_xlabel(both("KiB cached per token, all layers, BF16 (log scale)",
                       "トークンあたりのキャッシュ（KiB、全層、BF16、対数目盛）")[lang])
    ax.grid(axis="y", visible=False)


def kv_products(inp: Inputs) -> tuple[Chart, Table]:
    df = kv_cache_table(inp.facts, inp.as_of)
    df["inputs"] = [";".join(i) for i in df["inputs"]]
    items_en = "; ".join(f"{kv_label(m, a, 'en')}: {_kib(b, 'en')}"
                         for m, a, b in zip(df["model"], df["attention"], df["bytes_per_token"], strict=True))
    items_ja = "、".join(f"{kv_label(m, a, 'ja')}：{_kib(b, 'ja')}"
                         for m, a, b in zip(df["model"], df["attention"], df["bytes_per_token"], strict=True))
    chart = Chart(
        id="kv-cache-per-token",
        data=df,
        draw=_draw_kv,
        title=both("Memory cached per token while generating", "生成中にトークンごとに保持するメモリ"),
        alt=both(f"Bar chart on a logarithmic scale of the key-value cache per token in BF16, from each model's "
                 f"configuration and DeepSeek-V2's formulas. {items_en}.",
                 f"各モデルの設定とDeepSeek-V2の式から求めた、トークンあたりのKVキャッシュ（BF16）を対数目盛で示す"
                 f"棒グラフ。{items_ja}。"),
        source=both("Sources: DeepSeek-V2 report, Table 1 (formulas); DeepSeek and Llama configs; our arithmetic.",
                    "出典：DeepSeek-V2技術報告 表1（式）、DeepSeekとLlamaの設定。計算は当サイト。"),
        size=(6.0, 3.4),
    )
    table = Table(
        id="kv-cache-table",
        data=df,
        columns=(
            Column("model", both("Layout", "構成"),
                   lambda v, lang: v if lang == "en" else re.sub(r" shape as (\w+)", r"を\1にした場合", v)),
            Column("attention", both("Attention", "方式")),
            Column("layers", both("Layers", "層数"), col_int, "right"),
            Column("elements_per_token_per_layer", both("Elements per layer", "1層あたり要素数"), col_int, "right"),
            Column("elements_per_token", both("Elements per token", "トークンあたり要素数"), col_int, "right"),
            Column("bytes_per_token", both("Bytes (BF16)", "バイト（BF16）"), col_int, "right"),
            Column("equivalent_gqa_groups", both("As GQA groups", "GQA換算グループ数"), col_number(2), "right"),
            Column("vs_v3_mla_x", both("× V3's MLA", "V3のMLA比"), col_multiple(1), "right"),
        ),
        caption=both("Key-value cache per token, by DeepSeek-V2's formulas",
                     "DeepSeek-V2の式によるトークンあたりのKVキャッシュ"),
        sortable=True,
    )
    return chart, table


# --- FP8 ------------------------------------------------------------------------------------

FORMATS = {"fp32": "FP32", "bf16": "BF16", "fp8": "FP8"}
DALLY = {
    "number_representation": both("Number formats (lower precision)", "数値形式（低精度化）"),
    "complex_instructions": both("Complex instructions", "複合命令"),
    "sparsity": both("Structured sparsity", "構造化スパース性"),
    "process_technology": both("Chip process technology", "半導体プロセス"),
}


def fp8_tables(inp: Inputs) -> list[Table]:
    mem = weight_memory_table(inp.facts, inp.as_of).drop(columns=["inputs"])
    thr = fp8_throughput_table(inp.facts, inp.as_of)
    dal = dally_table(inp.facts, inp.as_of)
    return [
        Table(
            id="fp8-weight-memory-table",
            data=mem,
            columns=(
                Column("format", both("Format", "形式"), lambda v, lang: FORMATS[v]),
                Column("bytes_per_value", both("Bytes per number", "1数値のバイト数"), col_number(0), "right"),
                Column("v3_weights_gb", both("V3's weights (GB)", "V3の重み（GB）"), col_int, "right"),
                Column("h800_needed_for_weights", both("H800s just to hold them", "保持だけに要るH800"),
                       col_int, "right"),
            ),
            caption=both("DeepSeek-V3's weights in each number format", "数値形式ごとのDeepSeek-V3の重みのサイズ"),
        ),
        Table(
            id="fp8-throughput-table",
            data=thr,
            columns=(
                Column("gpu", both("GPU", "GPU"), lambda v, lang: v.split(" (")[0]),
                Column("bf16_dense_tflops", both("BF16 dense TFLOPS", "BF16密TFLOPS"), col_int, "right"),
                Column("fp8_dense_tflops", both("FP8 dense TFLOPS", "FP8密TFLOPS"), col_int, "right"),
                Column("fp8_to_bf16_x", both("FP8 ÷ BF16", "FP8÷BF16"), col_multiple(1), "right"),
                Column("confidence", both("Source quality", "情報の確度"), col_confidence),
            ),
            caption=both("Peak throughput by number format (spec sheets, as reported)",
                         "数値形式ごとのピーク性能（仕様値、二次情報）"),
        ),
        Table(
            id="dally-gains-table",
            data=dal,
            columns=(
                Column("factor", both("Source of the gain", "向上の要因"), lambda v, lang: DALLY[v][lang]),
                Column("gain_x", both("Gain", "倍率"), col_multiple(1), "right"),
                Column("log_share_pct", both("Share of the total (log)", "全体への寄与（対数）"), col_pct(0, False),
                       "right"),
                Column("confidence", both("Source quality", "情報の確度"), col_confidence),
            ),
            caption=both("Bill Dally's breakdown of a decade of GPU inference gains",
                         "ビル・ダリーによるGPU推論性能10年分の内訳"),
        ),
    ]


def register_fp8(inp: Inputs, values: Values) -> None:
    text = str(inp.facts[GRANULARITY].value)
    for name, word in (("fp8_activation_tile_shape", "activations"), ("fp8_weight_block_shape", "weights")):
        rows, cols = re.search(rf"{word} (\d+)x(\d+)", text).groups()
        values.metric(name, f"{rows}×{cols}", "text", inputs=(GRANULARITY,), formula=f"{word} scaling group shape")
    values.fact("v3_fp8_loss_error_vs_bf16", "pct", name="v3_fp8_loss_error_pct", decimals=2)
    values.fact("v3_h800_fp8_accumulation_bits", "int", name="v3_fp8_accumulation_bits")
    values.fact("dally_single_gpu_inference_gain", "multiple", name="dally_headline_x", decimals=0)
    values.fact("dally_gain_number_representation", "multiple", name="dally_number_formats_x", decimals=0)
    values.fact("dally_gain_process_technology", "multiple", name="dally_process_x", decimals=1)


# --- prior art ------------------------------------------------------------------------------

FAMILIES = {
    "moe": both("Mixture of experts", "専門家の混成"),
    "attention": both("Shared / latent attention", "KV共有・潜在アテンション"),
    "precision": both("Low precision, FP8", "低精度計算・FP8"),
    "distillation": both("Distillation", "蒸留"),
    "rl": both("GRPO (RL)", "GRPO（強化学習）"),
    "mtp": both("Multi-token prediction", "複数トークン予測"),
}
FAMILY_OF = {
    "moe_jacobs_1991": "moe", "sparsely_gated_moe_2017": "moe", "gshard_2020": "moe", "switch_2021": "moe",
    "mixtral_2023": "moe", "deepseekmoe_2024": "moe",
    "mqa_2019": "attention", "gqa_2023": "attention", "mla_2024": "attention",
    "mixed_precision_2017": "precision", "hfp8_2019": "precision", "hopper_fp8_transformer_engine_2022": "precision",
    "fp8_formats_2022": "precision", "fp8_lm_2023": "precision", "fp8_trillion_tokens_2024": "precision",
    "distillation_hinton_2015": "distillation", "grpo_2024": "rl", "multi_token_prediction_2024": "mtp",
}
CHART_START = pd.Timestamp("2014-06-01")


def prior_art_frame(inp: Inputs) -> pd.DataFrame:
    df = prior_art_timeline(inp.facts, inp.as_of)
    df = df[df["fact_id"].isin(FAMILY_OF)].copy()
    df["family"] = df["fact_id"].map(FAMILY_OF)
    df["years_before_use"] = df["days_before_deepseek_use"].astype("float") / 365.25
    return df.reset_index(drop=True)


def _draw_timeline(ax: Axes, df: pd.DataFrame, lang: str, pal: Palette) -> None:
    fams = list(FAMILIES)[::-1]
    for _, r in df.iterrows():
        y = fams.index(r["family"])
        day = pd.Timestamp(r["day"])
        mine = bool(r["by_deepseek"])
        if day < CHART_START:
            ax.annotate(f"◀ {day.year}", (CHART_START, y), xytext=(2, 7), textcoords="offset points",
                        color=pal.muted, fontsize=8)
            day = CHART_START
        ax.plot([day], [y], "s" if mine else "o", color=pal.series[1] if mine else pal.series[0],
                markersize=7, alpha=0.9)
        if pd.notna(r["deepseek_use_day"]):
            ax.plot([pd.Timestamp(r["deepseek_use_day"])], [y], "D", color=pal.text, markersize=7)
    ax.set_yticks(range(len(fams)), [FAMILIES[f][lang] for f in fams])
    ax.set_ylim(-0.6, len(fams) - 0.4)
    ax.set_xlim(CHART_START, pd.Timestamp("2025-06-01"))
    ax.grid(axis="y", visible=False)
    handles = [
        Line2D([], [], marker="o", linestyle="", color=pal.series[0],
               label=both("Paper by others", "他者の論文")[lang]),
        Line2D([], [], marker="s", linestyle="", color=pal.series[1],
               label=both("DeepSeek's own paper", "DeepSeek自身の論文")[lang]),
        Line2D([], [], marker="D", linestyle="", color=pal.text,
               label=both("DeepSeek uses it", "DeepSeekが採用")[lang]),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8,
              handletextpad=0.3, columnspacing=1.0)


def prior_art_products(inp: Inputs, values: Values) -> tuple[Chart, Table]:
    df = prior_art_frame(inp)
    data = df[["family", "technique", "fact_id", "date", "day", "date_precision", "by_deepseek", "deepseek_use",
               "deepseek_use_day", "years_before_use", "reference", "url", "confidence"]]
    per_family = {f: g for f, g in df.groupby("family")}
    summary_en = "; ".join(f"{FAMILIES[f]['en']}: first paper {g['date'].min()[:4]}"
                           + (f", DeepSeek's use {pd.Timestamp(g['deepseek_use_day'].dropna().min()).year}"
                              if g["deepseek_use_day"].notna().any() else "")
                           for f, g in per_family.items())
    summary_ja = "、".join(f"{FAMILIES[f]['ja']}は最初の論文が{g['date'].min()[:4]}年"
                           + (f"、DeepSeekの採用は{pd.Timestamp(g['deepseek_use_day'].dropna().min()).year}年"
                              if g["deepseek_use_day"].notna().any() else "")
                           for f, g in per_family.items())
    chart = Chart(
        id="prior-art-timeline",
        data=data,
        draw=_draw_timeline,
        title=both("Published first, used later", "先に論文、後から採用"),
        alt=both(f"Timeline of {len(df)} publications behind the techniques DeepSeek used, with the date "
                 f"DeepSeek first used each. {summary_en}.",
                 f"DeepSeekが使った技術の元になった{len(df)}本の論文と、DeepSeekが初めて採用した時期を示す年表。"
                 f"{summary_ja}。"),
        source=both("Sources: the papers (see the table); DeepSeek's V2, V3 and R1 reports.",
                    "出典：各論文（表を参照）、DeepSeekのV2・V3・R1技術報告。"),
        size=(6.0, 3.6),
    )
    table = Table(
        id="prior-art-table",
        data=data,
        columns=(
            Column("family", both("Technique", "技術"), lambda v, lang: FAMILIES[v][lang]),
            Column("reference", both("Paper", "論文"), col_text),
            Column("url", both("Link", "リンク"), lambda v, lang: f"[{both('read', '読む')[lang]}]({v})"),
            Column("date", both("Published", "発表"), lambda v, lang: partial_date(v, lang)),
            Column("by_deepseek", both("By DeepSeek?", "DeepSeek自身？"),
                   lambda v, lang: both("yes", "はい")[lang] if v else ""),
            Column("years_before_use", both("Years before DeepSeek's use", "採用までの年数"), col_number(1), "right"),
        ),
        caption=both("The papers, oldest first", "論文の一覧（古い順）"),
    )
    return chart, table


# --- API prices -----------------------------------------------------------------------------


def price_table(inp: Inputs) -> Table:
    df = api_price_table(inp.facts, inp.as_of)
    return Table(
        id="api-prices-table",
        data=df,
        columns=(
            Column("model", both("Model", "モデル"), lambda v, lang: v.split(" (")[0]),
            Column("price_date", both("Price as of", "価格の時点"), lambda v, lang: partial_date(v, lang)),
            Column("input_cache_miss_usd", both("Input", "入力"), usd_cell, "right"),
            Column("output_usd", both("Output", "出力"), usd_cell, "right"),
            Column("input_cache_miss_vs_r1_x", both("Input × R1", "入力のR1比"), col_multiple(1), "right"),
            Column("output_vs_r1_x", both("Output × R1", "出力のR1比"), col_multiple(1), "right"),
            Column("confidence", both("Source quality", "情報の確度"), col_confidence),
        ),
        caption=both("API list prices per million tokens (input without cache hits)",
                     "100万トークンあたりのAPI表示価格（入力はキャッシュなし）"),
        sortable=True,
    )


def register_prices(inp: Inputs, values: Values) -> None:
    if fact_if(inp, values, "deepseek_r1_launch", "usd", name="api_r1_output_usd", key="output"):
        values.fact("deepseek_r1_launch", "usd", name="api_r1_input_usd", key="input_cache_miss")
        values.fact_date("deepseek_r1_launch", name="api_r1_price_date")
    fact_if(inp, values, "openai_o1", "usd", name="api_o1_output_usd", key="output")


# --- build ----------------------------------------------------------------------------------


def register(inp: Inputs, values: Values) -> None:
    values.fact("v3_total_params", "count", name="v3_total_params", scale=1e9, decimals=0)
    values.fact("v3_activated_params", "count", name="v3_active_params", scale=1e9, decimals=0)
    values.fact("v3_total_params", "number", name="v3_total_params_b", decimals=0)
    values.fact("v3_activated_params", "number", name="v3_active_params_b", decimals=0)
    values.fact("v3_hf_total_size_incl_mtp", "number", name="v3_hf_checkpoint_b", decimals=0)
    values.fact("v2_kv_cache_reduction", "pct", name="v2_kv_reduction_pct")
    values.fact("mla_equivalent_gqa_groups", "number", name="v2_paper_gqa_groups", decimals=2)
    ctx = kv_claim_context(inp.facts, inp.as_of)
    values.metric("v2_mla_vs_mha_reduction_pct", ctx.v2_mla_vs_same_shape_mha_reduction_pct, "pct",
                  inputs=ctx.inputs[1:3], formula="(1 − MLA elements ÷ same-shape MHA elements) × 100")
    register_fp8(inp, values)
    register_prices(inp, values)


def build(inp: Inputs, values: Values) -> Products:
    register(inp, values)
    metrics = {name: m.value for name, m in inp.results.metrics.items()}
    params_chart, models_tbl = params_products(inp, values)
    kv_chart, kv_tbl = kv_products(inp)
    art_chart, art_tbl = prior_art_products(inp, values)
    tables = [breakdown_table(inp), check_table(inp, metrics), models_tbl, kv_tbl, *fp8_tables(inp), art_tbl,
              price_table(inp)]
    return Products(charts=[params_chart, kv_chart, art_chart], tables=tables)

