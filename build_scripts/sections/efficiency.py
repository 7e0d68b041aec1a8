"""Section 2: good engineering, not a miracle — parameters, KV cache, FP8, prior art and prices.

Every figure comes from `analysis.compute`: parameters counted from DeepSeek's own config, the KV
cache from DeepSeek-V2's formulas, FP8 sizes from the formats, dates from the papers.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from .. import fmt, grades
from ..analysis.compute import (
    V3_CONFIG,
    api_price_table,
    dally_table,
    fp8_throughput_table,
    kv_cache_table,
    kv_claim_context,
    moe_models_table,
    param_breakdown,
    weight_memory_table,
)
from ..analysis.fp8 import GRANULARITY, granularity_shapes
from ..analysis.params import mtp_breakdown
from ..analysis.technique_metrics import prior_art_frame
from ..charts.render import Chart
from ..charts.style import Palette
from ..facts import load_families
from ..tables import Column, Table, col_int, col_multiple, col_number, col_pct, col_text
from ..values import Values
from . import Inputs, Products, both
from .common import COMMON, GRADE_HEADER, Labels, Names, col_grade, fact_if, partial_date, usd_cell

# Words in docs/catalog/<lang>/efficiency.yaml.
WORDS = Labels("efficiency")
COLUMNS = Labels("efficiency.columns")
CAPTION = Labels("efficiency.caption")

# --- parameters -----------------------------------------------------------------------------

COMPONENTS = Labels("efficiency.component")


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
            Column("component", COLUMNS["component"], lambda v, lang: COMPONENTS[v][lang]),
            Column("layers", COLUMNS["layers"], col_int, "right"),
            Column("total_params_b", COLUMNS["total_b"], col_number(2), "right"),
            Column("active_params_b", COLUMNS["per_token_b"], col_number(2), "right"),
        ),
        caption=CAPTION["breakdown"],
    )


CHECKS = (
    # (row in the catalog, metric with the derived value, published fact or None)
    ("v3_total", "v3_total_params_from_config_b", "v3_total_params"),
    ("v3_active", "v3_active_params_from_config_b", "v3_activated_params"),
    ("v3_active_no_embedding", "v3_active_params_excl_embedding_b", "v3_activated_params"),
    ("v3_mtp", "v3_mtp_params_b", None),
    ("v3_checkpoint", "v3_checkpoint_params_b", "v3_hf_total_size_incl_mtp"),
    ("v2_total", "v2_total_params_from_config_b", "v2_total_params"),
    ("v2_active", "v2_active_params_from_config_b", "v2_activated_params"),
)
CHECK_ROWS = Labels("efficiency.check")


def check_table(inp: Inputs, metrics: dict[str, float]) -> Table:
    rows = []
    for key, name, fid in CHECKS:
        published = float(inp.facts[fid].value) if fid else None
        label = CHECK_ROWS[key]
        rows.append({"item_en": label["en"], "item_ja": label["ja"], "derived_b": metrics[name],
                     "published_b": published,
                     "difference_pct": None if published is None else 100 * (metrics[name] / published - 1),
                     "metric": name, "fact_id": fid})
    df = pd.DataFrame(rows)
    ja = dict(zip(df["item_en"], df["item_ja"], strict=True))
    return Table(
        id="param-check-table",
        data=df,
        columns=(
            Column("item_en", COLUMNS["count"], lambda v, lang: v if lang == "en" else ja[v]),
            Column("derived_b", COLUMNS["from_config"], col_number(2), "right"),
            Column("published_b", COLUMNS["published"], col_number(0), "right"),
            Column("difference_pct", COLUMNS["difference"], col_pct(1, True), "right"),
        ),
        caption=CAPTION["check"],
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
               "active_share_pct", "grade"]]
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
            Column("model", COLUMNS["model"]),
            Column("architecture", COLUMNS["type"]),
            Column("date", COLUMNS["released"], lambda v, lang: partial_date(v, lang)),
            Column("total_params_b", COLUMNS["total_short"], col_number(1), "right"),
            Column("active_params_b", COLUMNS["per_token_short"], col_number(1), "right"),
            Column("active_share_pct", COLUMNS["share_used"], col_pct(1, False), "right"),
            Column("grade", GRADE_HEADER, col_grade),
        ),
        caption=CAPTION["models"],
        sortable=True,
    )
    return chart, table


# --- KV cache -------------------------------------------------------------------------------


def kv_label(model: str, attention: str, lang: str) -> str:
    base = model.replace("DeepSeek-", "").split(" shape")[0]
    if " shape as " in model:
        return f"{base} as {attention}" if lang == "en" else f"{base}を{attention}で"
    return f"{base} · {attention}" if lang == "en" else f"{base}・{attention}"


def kv_layout(model: str, lang: str) -> str:
    """A layout of the KV table: a model as published, or "<model> shape as <attention>" (another
    attention computed on that model's shape), worded by the catalog."""
    base, sep, attention = model.partition(" shape as ")
    return WORDS.text("kv_layout_as", lang, model=base, attention=attention) if sep else model


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
            Column("model", COLUMNS["layout"], kv_layout),
            Column("attention", COLUMNS["attention"]),
            Column("layers", COLUMNS["layers"], col_int, "right"),
            Column("elements_per_token_per_layer", COLUMNS["elements_per_layer"], col_int, "right"),
            Column("elements_per_token", COLUMNS["elements_per_token"], col_int, "right"),
            Column("bytes_per_token", COLUMNS["bytes"], col_int, "right"),
            Column("equivalent_gqa_groups", COLUMNS["gqa_groups"], col_number(2), "right"),
            Column("vs_v3_mla_x", COLUMNS["vs_mla"], col_multiple(1), "right"),
        ),
        caption=CAPTION["kv"],
        sortable=True,
    )
    return chart, table


# --- FP8 ------------------------------------------------------------------------------------

FORMATS = {"fp32": "FP32", "bf16": "BF16", "fp8": "FP8"}
DALLY = Labels("efficiency.dally")
# Where a fact was read when only someone else's rendering of the source was seen.
SECONDARY = ("copy", "paraphrase")


def fp8_tables(inp: Inputs) -> list[Table]:
    mem = weight_memory_table(inp.facts, inp.as_of).drop(columns=["inputs"])
    thr = fp8_throughput_table(inp.facts, inp.as_of)
    dal = dally_table(inp.facts, inp.as_of)
    return [
        Table(
            id="fp8-weight-memory-table",
            data=mem,
            columns=(
                Column("format", COLUMNS["format"], lambda v, lang: FORMATS[v]),
                Column("bytes_per_value", COLUMNS["bytes_per_number"], col_number(0), "right"),
                Column("v3_weights_gb", COLUMNS["v3_weights"], col_int, "right"),
                Column("h800_needed_for_weights", COLUMNS["h800_needed"], col_int, "right"),
            ),
            caption=CAPTION["fp8_memory"],
        ),
        Table(
            id="fp8-throughput-table",
            data=thr,
            columns=(
                Column("gpu", COLUMNS["gpu"], lambda v, lang: v.split(" (")[0]),
                Column("bf16_dense_tflops", COLUMNS["bf16_tflops"], col_int, "right"),
                Column("fp8_dense_tflops", COLUMNS["fp8_tflops"], col_int, "right"),
                Column("fp8_to_bf16_x", COLUMNS["fp8_vs_bf16"], col_multiple(1), "right"),
                Column("grade", GRADE_HEADER, col_grade),
            ),
            caption=CAPTION["fp8_throughput"],
        ),
        Table(
            id="dally-gains-table",
            data=dal,
            columns=(
                Column("factor", COLUMNS["gain_source"], lambda v, lang: DALLY[v][lang]),
                Column("gain_x", COLUMNS["gain"], col_multiple(1), "right"),
                Column("log_share_pct", COLUMNS["gain_share"], col_pct(0, False), "right"),
                Column("grade", GRADE_HEADER, col_grade),
            ),
            caption=CAPTION["dally"],
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
    dal = dally_table(inp.facts, inp.as_of)
    ids = tuple(dal["fact_id"])
    copies = tuple(f for f in ids if inp.facts[f].seen_in and inp.facts[f].seen_in.kind in SECONDARY)
    # Counts of facts, not readings of them: how well each factor is sourced does not make the count weak.
    values.metric("dally_factors_count", len(ids), "int", inputs=ids, formula="factors in Dally's breakdown",
                  grade=grades.SNAPSHOT)
    values.metric("dally_factors_secondary_count", len(copies), "int", inputs=ids, grade=grades.SNAPSHOT,
                  formula="of those, factors read only in a copy or a paraphrase of his talk")
    values.fact("dally_single_gpu_inference_gain", "multiple", name="dally_headline_x", decimals=0)
    values.fact("dally_gain_number_representation", "multiple", name="dally_number_formats_x", decimals=0)
    values.fact("dally_gain_process_technology", "multiple", name="dally_process_x", decimals=1)


# --- prior art ------------------------------------------------------------------------------

# Each technique family's name per language, in the order of data/facts/techniques_timeline.yaml.
FAMILIES = Names(lambda: {k: f for k, f in load_families().items() if f.technique})
CHART_START = pd.Timestamp("2014-06-01")


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
    df = prior_art_frame(inp.facts, inp.as_of)
    data = df[["family", "technique", "fact_id", "date", "day", "date_precision", "by_deepseek", "deepseek_use",
               "deepseek_use_day", "years_before_use", "reference", "url", "grade"]]
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
            Column("family", COLUMNS["technique"], lambda v, lang: FAMILIES[v][lang]),
            Column("reference", COLUMNS["paper"], col_text),
            Column("url", COLUMNS["link"], lambda v, lang: f"[{WORDS.text('read', lang)}]({v})"),
            Column("date", COLUMNS["published_on"], lambda v, lang: partial_date(v, lang)),
            Column("by_deepseek", COLUMNS["by_deepseek"], lambda v, lang: COMMON.text("yes", lang) if v else ""),
            Column("years_before_use", COLUMNS["years_before_use"], col_number(1), "right"),
        ),
        caption=CAPTION["prior_art"],
    )
    return chart, table


# --- API prices -----------------------------------------------------------------------------


def price_table(inp: Inputs) -> Table:
    df = api_price_table(inp.facts, inp.as_of)
    return Table(
        id="api-prices-table",
        data=df,
        columns=(
            Column("model", COLUMNS["model"], lambda v, lang: v.split(" (")[0]),
            Column("price_date", COLUMNS["price_as_of"], lambda v, lang: partial_date(v, lang)),
            Column("input_cache_miss_usd", COLUMNS["input"], usd_cell, "right"),
            Column("output_usd", COLUMNS["output"], usd_cell, "right"),
            Column("input_cache_miss_vs_r1_x", COLUMNS["input_vs_r1"], col_multiple(1), "right"),
            Column("output_vs_r1_x", COLUMNS["output_vs_r1"], col_multiple(1), "right"),
            Column("grade", GRADE_HEADER, col_grade),
        ),
        caption=CAPTION["prices"],
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

