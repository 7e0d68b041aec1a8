"""Section 2: good engineering, not a miracle — parameters, KV cache, FP8, prior art and prices.

Every figure comes from `analysis.compute`: parameters counted from DeepSeek's own config, the KV
cache from DeepSeek-V2's formulas, FP8 sizes from the formats, dates from the papers.
"""

from __future__ import annotations

import re

import pandas as pd

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
from ..analysis.fp8 import GRANULARITY, granularity_shapes
from ..analysis.params import mtp_breakdown
from ..charts import formats
from ..charts.spec import Chart, ChartWords, per_lang
from ..tables import Column, Table, col_int, col_multiple, col_number, col_pct, col_text
from ..values import Values
from . import Inputs, Products, both
from .common import GRADE_HEADER, col_grade, fact_if, partial_date, usd_cell

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


def _params_chart(data: pd.DataFrame, df: pd.DataFrame) -> Chart:
    """Total parameters behind, the part used per token in front, largest model on top."""
    v3 = df[df["fact_id"] == "deepseek_v3"].iloc[0]
    smallest = df.loc[df["active_share_pct"].idxmin()]
    return ChartWords("efficiency", "total-vs-active-params").spec(
        "bars", data.assign(model_short=[str(m).split(" (")[0] for m in data["model"]]),
        params={"label": "model_short", "sort": {"by": "total_params_b", "ascending": False},
                "series": [{"value": "total_params_b", "colour": "grid", "legend": "total"},
                           {"value": "active_params_b", "colour": "accent", "legend": "active"}],
                "axis": {"units": formats.BILLIONS}, "legend": {"loc": "lower right", "fontsize": 11}},
        fill=per_lang(lambda lang: {
            "n": len(df), "v3_share": fmt.pct(v3["active_share_pct"], 1),
            "v3_total": fmt.count(v3["total_params_b"] * 1e9, lang), "smallest": smallest["model"],
            "smallest_share": fmt.pct(smallest["active_share_pct"], 1)}),
        size=(6.0, 5.0),
    )


def params_products(inp: Inputs, values: Values) -> tuple[Chart, Table]:
    df = moe_models_table(inp.facts, inp.as_of)
    df["architecture"] = ["dense" if str(t).startswith("dense") else "MoE" for t in df["type"]]
    data = df[["model", "developer", "architecture", "date", "total_params_b", "active_params_b",
               "active_share_pct", "grade"]]
    chart = _params_chart(data, df)
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
            Column("grade", GRADE_HEADER, col_grade),
        ),
        caption=both("Parameters of well-known models", "主なモデルのパラメータ数"),
        sortable=True,
    )
    return chart, table


# --- KV cache -------------------------------------------------------------------------------


def _kv_chart(df: pd.DataFrame) -> Chart:
    """Key-value cache per token on a log scale, largest on top; MLA in the accent colour."""
    w = ChartWords("efficiency", "kv-cache-per-token")

    def label(model: str, attention: str, lang: str) -> str:
        base = model.replace("DeepSeek-", "").split(" shape")[0]
        return w.part(lang, "shape_as" if " shape as " in model else "native", model=base, attention=attention)

    data = df.assign(**{f"kv_label_{lang}": [label(m, a, lang) for m, a in zip(df["model"], df["attention"],
                                                                               strict=True)]
                        for lang in ("en", "ja")})
    return w.spec(
        "bars", data,
        params={"label": "kv_label", "value": "bytes_per_token", "times": 1 / 1024,
                "sort": {"by": "bytes_per_token", "ascending": False},
                "colour": {"column": "attention", "map": {"MLA": "accent", "GQA": "series:1"}, "default": "muted"},
                "value_text": {"format": "kib", "times": 1024, "fontsize": 9},
                "axis": {"log": True, "log_pad": [1.5, 6]}},
        fill=per_lang(lambda lang: {"items": w.listing(lang, "item", (
            {"layout": r[f"kv_label_{lang}"], "size": formats.kib(r["bytes_per_token"], lang)}
            for _, r in data.iterrows()))}),
        size=(6.0, 3.4),
    )


def kv_products(inp: Inputs) -> tuple[Chart, Table]:
    df = kv_cache_table(inp.facts, inp.as_of)
    df["inputs"] = [";".join(i) for i in df["inputs"]]
    chart = _kv_chart(df)
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
                Column("grade", GRADE_HEADER, col_grade),
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
                Column("grade", GRADE_HEADER, col_grade),
            ),
            caption=both("Bill Dally's breakdown of a decade of GPU inference gains",
                         "ビル・ダリーによるGPU推論性能10年分の内訳"),
        ),
    ]


def register_fp8(inp: Inputs, values: Values) -> None:
    shape = granularity_shapes(inp.facts[GRANULARITY])
    for name, part, word in (("fp8_activation_tile_shape", "activation_tile", "activations"),
                             ("fp8_weight_block_shape", "weight_block", "weights")):
        values.metric(name, f"{shape[part + '_rows']}×{shape[part + '_cols']}", "text", inputs=(GRANULARITY,),
                      formula=f"{word} scaling group shape")
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
CHART_START, CHART_END = pd.Timestamp("2014-06-01"), pd.Timestamp("2025-06-01")


def prior_art_frame(inp: Inputs) -> pd.DataFrame:
    df = prior_art_timeline(inp.facts, inp.as_of)
    df = df[df["fact_id"].isin(FAMILY_OF)].copy()
    df["family"] = df["fact_id"].map(FAMILY_OF)
    df["years_before_use"] = df["days_before_deepseek_use"].astype("float") / 365.25
    return df.reset_index(drop=True)


def _prior_art_chart(data: pd.DataFrame) -> Chart:
    """Each technique's papers on a time line, with the date DeepSeek first used it."""
    w = ChartWords("efficiency", "prior-art-timeline")
    data = data.assign(**{f"family_label_{lang}": [FAMILIES[f][lang] for f in data["family"]] for lang in ("en", "ja")})

    def family(lang: str, f: str, g: pd.DataFrame) -> str:
        first = g["date"].min()[:4]
        used = g["deepseek_use_day"].dropna()
        if len(used):
            return w.part(lang, "family_used", family=FAMILIES[f][lang], first=first,
                          used=pd.Timestamp(used.min()).year)
        return w.part(lang, "family", family=FAMILIES[f][lang], first=first)

    return w.spec(
        "timeline", data,
        params={"rows": {"column": "family", "order": list(FAMILIES), "label": "family_label"},
                "date": "day", "own": "by_deepseek", "used": "deepseek_use_day",
                "start": CHART_START.date().isoformat(), "end": CHART_END.date().isoformat(),
                "legend": {"loc": "below", "offset": -0.12, "ncols": 3, "fontsize": 8, "handletextpad": 0.3,
                           "columnspacing": 1.0}},
        fill=per_lang(lambda lang: {"n": len(data), "families": w.part(lang, "sep").join(
            family(lang, f, g) for f, g in data.groupby("family"))}),
        size=(6.0, 3.6),
    )


def prior_art_products(inp: Inputs, values: Values) -> tuple[Chart, Table]:
    df = prior_art_frame(inp)
    data = df[["family", "technique", "fact_id", "date", "day", "date_precision", "by_deepseek", "deepseek_use",
               "deepseek_use_day", "years_before_use", "reference", "url", "grade"]]
    chart = _prior_art_chart(data)
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
            Column("grade", GRADE_HEADER, col_grade),
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

