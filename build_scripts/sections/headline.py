"""Section 1: what the famous ~$5.6M is — one training run of the base model, at rental rates.

Three parts: the V3 cost table recomputed, the hardware claims beside the training figure, and the
compute arithmetic (6·N·D, utilisation, the Llama gap). The numbers come from `analysis.compute`;
this module only chooses, labels and draws them.
"""

from __future__ import annotations

import pandas as pd

from .. import fmt, units
from ..analysis.compute import (
    cost_range_table,
    gap_decomposition_table,
    hardware_claims_table,
    r1_rl_cost_table,
    training_cost_table,
    utilisation_table,
)
from ..charts import formats
from ..charts.spec import Chart, ChartWords, per_lang
from ..tables import Column, Table, col_date, col_int, col_multiple, col_number, col_pct, col_sci
from ..values import Values
from . import Inputs, Products, both
from .common import GRADE_HEADER, col_grade, fact_if, usd_cell

STAGES = {
    "pretraining": both("Pre-training", "事前学習"),
    "context_extension": both("Context extension", "コンテキスト拡張"),
    "post_training": both("Post-training", "事後学習"),
    "total": both("Total", "合計"),
}
RUNS = {
    "v3": both("DeepSeek-V3 (H800)", "DeepSeek-V3（H800）"),
    "llama31_405b": both("Llama 3.1 405B (H100)", "Llama 3.1 405B（H100）"),
    "llama4_maverick": both("Llama 4 Maverick (H100)", "Llama 4 Maverick（H100）"),
}
GAP_FACTORS = {
    "active_params": both("Active parameters per token", "トークンあたりのアクティブパラメータ"),
    "tokens": both("Training tokens", "学習トークン数"),
    "residual": both("Everything else (precision, utilisation, overheads)",
                     "その他（数値精度・稼働率・オーバーヘッド）"),
    "gpu_hours (product)": both("GPU-hours (the product)", "GPU時間（積）"),
}
R1_PARTS = {
    "r1_zero_rl": both("R1-Zero reinforcement learning", "R1-Zeroの強化学習"),
    "r1_rl": both("R1 reinforcement learning", "R1の強化学習"),
    "r1_sft_data_creation": both("Creating fine-tuning data", "微調整用データの作成"),
    "r1_rl_total": both("Total", "合計"),
}


# --- the cost table -------------------------------------------------------------------------


def _cost_chart(df: pd.DataFrame) -> Chart:
    """V3's training run priced by stage (the total row is in the data, not drawn)."""
    stages = df[df["stage"] != "total"]
    top = stages.loc[stages["computed_cost_usd"].idxmax()]
    total = df[df["stage"] == "total"].iloc[0]
    data = df[["stage", "h800_gpu_hours", "price_per_gpu_hour_usd", "computed_cost_usd", "reported_cost_usd"]]
    data = data.assign(**{f"stage_label_{lang}": [STAGES[s][lang] for s in data["stage"]] for lang in ("en", "ja")})
    return ChartWords("headline", "v3-training-cost").spec(
        "bars", data,
        params={"label": "stage_label", "value": "computed_cost_usd", "times": 1e-6, "drop": {"stage": ["total"]},
                "colour": "accent", "value_text": {"format": "usd_auto", "times": 1e6, "fontsize": 11},
                "axis": {"pad": 1.45, "units": formats.MILLIONS}},
        fill=per_lang(lambda lang: {
            "top": STAGES[top["stage"]][lang], "top_usd": fmt.usd(top["computed_cost_usd"], lang),
            "total_usd": fmt.usd(total["computed_cost_usd"], lang),
            "hours": fmt.count(total["h800_gpu_hours"], lang, 3)}),
        size=(6.0, 2.4),
    )


def cost_products(inp: Inputs) -> tuple[Chart, Table]:
    df = training_cost_table(inp.facts, inp.as_of)
    df = df.drop(columns=["inputs"])
    chart = _cost_chart(df)
    table = Table(
        id="v3-training-cost-table",
        data=df,
        columns=(
            Column("stage", both("Stage", "段階"), lambda v, lang: STAGES[v][lang]),
            Column("h800_gpu_hours", both("H800 GPU-hours", "H800 GPU時間"), col_int, "right"),
            Column("price_per_gpu_hour_usd", both("Rental per GPU-hour", "1GPU時間の単価"), usd_cell, "right"),
            Column("computed_cost_usd", both("Hours × rental (ours)", "時間×単価（当サイト）"), usd_cell, "right"),
            Column("reported_cost_usd", both("As reported", "論文の記載"), usd_cell, "right"),
            Column("share_of_gpu_hours_pct", both("Share", "構成比"), col_pct(1, False), "right"),
        ),
        caption=both("DeepSeek-V3's training cost, recomputed from the paper's GPU-hours",
                     "論文のGPU時間から再計算したDeepSeek-V3の学習費用"),
    )
    return chart, table


SCOPE = (
    # (fact id, in the figure?, English, Japanese)
    ("v3_cost_usd_total", True, "The official training run of V3: pre-training, context extension, post-training",
     "V3の正式な学習：事前学習・コンテキスト拡張・事後学習"),
    ("v3_rental_price_assumption", True, "Priced at an assumed rental rate, not at what DeepSeek paid",
     "実際の支出ではなく、想定レンタル単価での換算"),
    ("v3_cost_exclusions", False, "Prior research and ablation experiments (architectures, algorithms, data)",
     "事前の研究とアブレーション実験（アーキテクチャ、アルゴリズム、データ）"),
    ("v3_cost_exclusions", False, "Buying the GPUs and running the cluster", "GPUの購入とクラスタの運用"),
    ("v3_cost_exclusions", False, "Staff and data acquisition", "人件費とデータの取得"),
    ("r1_rl_cost_usd_nature", False, "R1's reinforcement learning (disclosed later)", "R1の強化学習（後に開示）"),
)


def scope_table(inp: Inputs) -> Table:
    rows = [{"item": en, "included": inc, "fact_id": fid, "grade": inp.facts[fid].grade}
            for fid, inc, en, _ in SCOPE if fid in inp.facts and inp.facts[fid].day <= inp.as_of]
    ja = {en: ja for _, _, en, ja in SCOPE}
    return Table(
        id="v3-cost-scope-table",
        data=pd.DataFrame(rows),
        columns=(
            Column("item", both("Item", "項目"), lambda v, lang: v if lang == "en" else ja[v]),
            Column("included", both("In the figure?", "数字に含む？"),
                   lambda v, lang: both("yes", "含む")[lang] if v else both("no", "含まない")[lang]),
            Column("grade", GRADE_HEADER, col_grade),
        ),
        caption=both("What the training-run figure covers", "学習費用の数字が対象とする範囲"),
    )


def r1_table(inp: Inputs) -> Table | None:
    df = r1_rl_cost_table(inp.facts, inp.as_of)
    if df.empty:
        return None
    return Table(
        id="r1-rl-cost-table",
        data=df.drop(columns=["inputs"]),
        columns=(
            Column("component", both("Step", "工程"), lambda v, lang: R1_PARTS[v][lang]),
            Column("h800_gpu_hours", both("H800 GPU-hours", "H800 GPU時間"), col_int, "right"),
            Column("computed_cost_usd", both("At the same rental rate", "同じ単価での金額"), usd_cell, "right"),
            Column("grade", GRADE_HEADER, col_grade),
        ),
        caption=both("R1's training on top of V3, from press reports of the Nature supplement",
                     "V3に上乗せされたR1の学習（Nature補足資料の報道による）"),
    )


# --- hardware claims ------------------------------------------------------------------------

CLAIMS = {
    "deepseek_self_reported_training_cluster": (
        both("DeepSeek (V3 report)", "DeepSeek（V3技術報告）"),
        both("{n} H800 GPUs trained V3", "V3の学習にH800を{n}基"),
        both("self-reported", "自己申告")),
    "wang_50000_h100_claim": (
        both("Alexandr Wang, Scale AI", "アレクサンダー・ワン（Scale AI）"),
        both("about {n} H100s", "H100を約{n}基"),
        both("assertion, no source given", "根拠を示さない主張")),
    "nvidia_statement_phrases_2025-01-27": (
        both("Nvidia spokesperson", "Nvidia広報"),
        both("compute was export-control compliant", "計算資源は輸出規制に適合"),
        both("statement", "声明")),
    "semianalysis_hopper_fleet": (
        both("SemiAnalysis", "SemiAnalysis"),
        both("about {n} Hopper GPUs: H800, H20 and a minority of H100", "Hopper世代約{n}基（H800、H20と少数のH100）"),
        both("estimate", "推計")),
    "semianalysis_a100_2021": (
        both("SemiAnalysis", "SemiAnalysis"),
        both("{n} A100s bought before the export rules", "輸出規制前に購入したA100が{n}基"),
        both("estimate", "推計")),
    "semianalysis_hardware_spend": (
        both("SemiAnalysis, via CNBC", "SemiAnalysis（CNBC経由）"),
        both("hardware spend well above {usd}", "ハードウェア支出は{usd}を大きく上回る"),
        both("estimate (a floor)", "推計（下限）")),
    "semianalysis_server_capex": (
        both("SemiAnalysis, via Tom's Hardware", "SemiAnalysis（Tom's Hardware経由）"),
        both("server capex about {usd}", "サーバー投資は約{usd}"),
        both("estimate", "推計")),
    "semianalysis_operating_cost": (
        both("SemiAnalysis, via Tom's Hardware", "SemiAnalysis（Tom's Hardware経由）"),
        both("operating cost about {usd} (four-year basis)", "運用費は約{usd}（4年ベース）"),
        both("estimate", "推計")),
    "us_probe_singapore": (
        both("Bloomberg report", "Bloomberg報道"),
        both("US officials look into chips routed via Singapore", "シンガポール経由の調達を米当局が調査"),
        both("report of a probe, not a finding", "調査の報道（結論ではない）")),
}


def _claim_text(row: pd.Series, lang: str) -> str:
    template = CLAIMS[row["fact_id"]][1][lang]
    value = row["value"]
    if "{usd}" in template:
        return template.format(usd=fmt.usd(units.convert(float(value), str(row["unit"]), "USD"), lang))
    if "{n}" in template:
        return template.format(n=fmt.number(float(value)))
    return template


def claims_table(inp: Inputs) -> Table:
    df = hardware_claims_table(inp.facts, inp.as_of)
    df = df[df["fact_id"].isin(CLAIMS)].reset_index(drop=True)
    df["claim_en"] = [_claim_text(r, "en") for _, r in df.iterrows()]
    df["claim_ja"] = [_claim_text(r, "ja") for _, r in df.iterrows()]
    data = df[["fact_id", "who", "claim_en", "claim_ja", "kind", "date", "grade", "source_url"]]
    return Table(
        id="hardware-claims-table",
        data=data,
        columns=(
            Column("fact_id", both("Who", "発言者"), lambda v, lang: CLAIMS[v][0][lang]),
            Column("fact_id", both("What they said", "内容"),
                   lambda v, lang: str(df.loc[df["fact_id"] == v, f"claim_{lang}"].iloc[0])),
            Column("fact_id", both("Kind", "種類"), lambda v, lang: CLAIMS[v][2][lang]),
            Column("date", both("Date", "日付"), col_date),
            Column("grade", GRADE_HEADER, col_grade),
        ),
        caption=both("How many GPUs? The claims side by side", "GPUは何基か：各主張の比較"),
    )


# --- training figure vs hardware outlay -------------------------------------------------------

TICKS = (1e6, 1e7, 1e8, 1e9, 1e10)


def range_chart(inp: Inputs) -> Chart:
    """The training-run figure against the hardware estimates, on one log dollar scale."""
    df = cost_range_table(inp.facts, inp.as_of)
    df["inputs"] = [";".join(i) for i in df["inputs"]]
    df["estimate"] = ["estimate" in i for i in df["item"]]
    w = ChartWords("headline", "training-vs-hardware")
    return w.spec(
        "ranges", df,
        params={"label": {"words": "labels", "column": "item"}, "low": "low_usd", "high": "high_usd",
                "colour": {"column": "estimate", "map": {"True": "series:1"}, "default": "accent"},
                "axis": {"log": True, "lim": [2e6, 3e11], "ticks": list(TICKS), "format": "usd_axis"}},
        fill=per_lang(lambda lang: {"items": w.listing(lang, "item", (
            {"item": w.word(lang, f"labels.{r['item']}"),
             "range": formats.usd_range(r["low_usd"], r["high_usd"], lang)} for _, r in df.iterrows()))}),
        size=(6.0, 2.8),
    )


# --- compute arithmetic ---------------------------------------------------------------------


def _gpu_hours_chart(util: pd.DataFrame) -> Chart:
    """Pre-training GPU-hours of each run, all on the same basis."""
    w = ChartWords("headline", "training-gpu-hours")
    data = util[["run", "gpu", "gpu_hours", "training_flops"]]
    data = data.assign(**{f"run_label_{lang}": [RUNS[r][lang] for r in data["run"]] for lang in ("en", "ja")})
    return w.spec(
        "bars", data,
        params={"label": "run_label", "value": "gpu_hours", "times": 1e-6,
                "colour": {"column": "run", "map": {"v3": "accent"}, "default": "series:1"},
                "value_text": {"format": "count", "times": 1e6, "decimals": 2, "fontsize": 11},
                "axis": {"pad": 1.3, "units": formats.MILLIONS}},
        fill=per_lang(lambda lang: {"runs": w.listing(lang, "run", (
            {"run": RUNS[r][lang], "hours": fmt.count(h, lang, 2)}
            for r, h in zip(util["run"], util["gpu_hours"], strict=True)))}),
        size=(6.0, 2.2),
    )


def compute_products(inp: Inputs) -> tuple[Chart, Table, Table]:
    util = utilisation_table(inp.facts, inp.as_of)
    util["inputs"] = [";".join(i) for i in util["inputs"]]
    chart = _gpu_hours_chart(util)
    util_table = Table(
        id="utilisation-table",
        data=util,
        columns=(
            Column("run", both("Training run", "学習"), lambda v, lang: RUNS[v][lang]),
            Column("training_flops", both("FLOPs (6·N·D)", "演算量（6·N·D）"), col_sci, "right"),
            Column("gpu_hours", both("GPU-hours", "GPU時間"), col_int, "right"),
            Column("achieved_tflops_per_gpu", both("TFLOP/s per GPU", "GPUあたりTFLOP/s"), col_number(0), "right"),
            Column("utilisation_bf16_pct", both("Of BF16 peak", "BF16ピーク比"), col_pct(0, False), "right"),
            Column("utilisation_fp8_pct", both("Of FP8 peak", "FP8ピーク比"), col_pct(0, False), "right"),
        ),
        caption=both("Implied utilisation: useful FLOPs per GPU-second against the chip's dense peak",
                     "推定稼働率：GPU1秒あたりの有効演算量とチップの密演算ピークの比"),
    )
    gap = gap_decomposition_table(inp.facts, inp.as_of)
    gap["inputs"] = [";".join(i) for i in gap["inputs"]]
    gap_table = Table(
        id="gpu-hour-gap-table",
        data=gap,
        columns=(
            Column("factor", both("Factor (Llama 3.1 405B ÷ DeepSeek-V3)", "要因（Llama 3.1 405B÷DeepSeek-V3）"),
                   lambda v, lang: GAP_FACTORS[v][lang]),
            Column("ratio_x", both("Ratio", "比"), col_multiple(2), "right"),
            Column("log_share_pct", both("Share of the gap (log)", "差への寄与（対数）"), col_pct(0, False), "right"),
        ),
        caption=both("Where the GPU-hour gap comes from", "GPU時間の差はどこから来るか"),
    )
    return chart, util_table, gap_table


# --- values and build -----------------------------------------------------------------------


def register(inp: Inputs, values: Values) -> None:
    values.fact("v3_cost_usd_total", "usd", name="v3_cost_total_usd", scale=1e6)
    values.fact("v3_gpu_hours_total", "int", name="v3_gpu_hours_total")
    values.fact("v3_gpu_hours_pretraining", "int", name="v3_gpu_hours_pretraining")
    values.fact("v3_rental_price_assumption", "usd", name="v3_rental_usd_per_gpu_hour")
    values.fact("deepseek_self_reported_training_cluster", "int", name="v3_cluster_gpus")
    values.fact("v3_training_tokens", "count", name="v3_training_tokens", scale=1e12)
    values.fact("llama31_training_tokens", "count", name="llama31_training_tokens", scale=1e12, decimals=0)
    values.fact("llama31_405b_gpu_hours", "int", name="llama31_405b_gpu_hours")
    values.fact("llama3_405b_training_flops", "sci", name="llama3_405b_training_flops")
    values.fact_date("v3_release_date", name="v3_report_date")
    for gpu in ("h800_sxm", "h100_sxm"):
        values.fact(gpu, "int", name=f"{gpu}_nvlink_gbps", key="nvlink_GBps")
        values.fact(gpu, "int", name=f"{gpu}_bf16_tflops", key="bf16_dense_tflops")
        values.fact(gpu, "int", name=f"{gpu}_fp8_tflops", key="fp8_dense_tflops")
    fact_if(inp, values, "r1_rl_cost_usd_nature", "usd", name="r1_rl_cost_usd", decimals=0)
    fact_if(inp, values, "r1_rl_hardware_nature", "int", name="r1_rl_gpus")
    fact_if(inp, values, "llama4_maverick_gpu_hours", "int", name="llama4_maverick_gpu_hours")
    fact_if(inp, values, "wang_50000_h100_claim", "int", name="wang_h100_claim")
    fact_if(inp, values, "semianalysis_hopper_fleet", "int", name="semianalysis_hopper_fleet")
    fact_if(inp, values, "semianalysis_a100_2021", "int", name="semianalysis_a100")
    fact_if(inp, values, "semianalysis_hardware_spend", "usd", name="semianalysis_hardware_floor_usd", scale=1e6)
    fact_if(inp, values, "semianalysis_server_capex", "usd", name="semianalysis_server_capex_usd", scale=1e9)
    fact_if(inp, values, "semianalysis_operating_cost", "usd", name="semianalysis_operating_cost_usd", scale=1e6)


def build(inp: Inputs, values: Values) -> Products:
    register(inp, values)
    cost_chart, cost_tbl = cost_products(inp)
    gpu_chart, util_tbl, gap_tbl = compute_products(inp)
    tables = [cost_tbl, scope_table(inp), claims_table(inp), util_tbl, gap_tbl]
    r1 = r1_table(inp)
    if r1 is not None:
        tables.append(r1)
    return Products(charts=[cost_chart, range_chart(inp), gpu_chart], tables=tables)

