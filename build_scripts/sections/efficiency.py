"""Section 2: good engineering, not a miracle — parameters, KV cache, FP8, prior art and prices.

Every figure comes from `analysis.compute`: parameters counted from DeepSeek's own config, the KV
cache from DeepSeek-V2's formulas, FP8 sizes from the formats, dates from the papers.
"""

from __future__ import annotations

import pandas as pd

from .. import escape, fmt
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
from ..analysis.metric import mapping, number
from ..analysis.params import mtp_breakdown
from ..analysis.technique_metrics import prior_art_frame
from ..charts import formats
from ..charts.spec import Chart, ChartWords, per_lang
from ..facts import Fact, load_families
from ..tables import Column, Table, col_int, col_multiple, col_number, col_pct, col_text
from ..values import Values
from . import Inputs, Products
from .common import (
    COMMON,
    GRADE_HEADER,
    Labels,
    Names,
    col_big,
    col_grade,
    english_or_japanese,
    fact_if,
    partial_date,
    results,
    row_of_min,
    usd_cell,
)

# Words in docs/catalog/<lang>/efficiency.yaml.
WORDS = Labels("efficiency")
COLUMNS = Labels("efficiency.columns")
CAPTION = Labels("efficiency.caption")
ROW_NAMES = Labels("efficiency.row_names")

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
    df = breakdown_frame(mapping(inp.facts[V3_CONFIG]))
    return Table(
        id="v3-param-breakdown-table",
        data=df,
        columns=(
            Column("component", COLUMNS["component"], lambda v, lang: COMPONENTS[v][lang]),
            Column("layers", COLUMNS["layers"], col_int, "right"),
            Column("total_params_b", COLUMNS["total_b"], col_big(2, 1e9), "right"),
            Column("active_params_b", COLUMNS["per_token_b"], col_big(2, 1e9), "right"),
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


def check_table(inp: Inputs) -> Table:
    rows, res = [], results(inp)
    for key, name, fid in CHECKS:
        published = number(inp.facts[fid]) if fid else None
        derived = res.number(name)
        label = CHECK_ROWS[key]
        rows.append({"item_en": label["en"], "item_ja": label["ja"], "derived_b": derived,
                     "published_b": published,
                     "difference_pct": None if published is None else 100 * (derived / published - 1),
                     "metric": name, "fact_id": fid})
    df = pd.DataFrame(rows)
    return Table(
        id="param-check-table",
        data=df,
        columns=(
            Column("item_en", COLUMNS["count"], english_or_japanese(df, "item_en", "item_ja")),
            Column("derived_b", COLUMNS["from_config"], col_big(2, 1e9), "right"),
            Column("published_b", COLUMNS["published"], col_big(0, 1e9), "right"),
            Column("difference_pct", COLUMNS["difference"], col_pct(1, True), "right"),
        ),
        caption=CAPTION["check"],
    )


def _params_chart(data: pd.DataFrame, df: pd.DataFrame) -> Chart:
    """Total parameters behind, the part used per token in front, largest model on top."""
    v3 = df[df["fact_id"] == "deepseek_v3"].iloc[0]
    smallest = row_of_min(df, "active_share_pct")
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


def row_name(fact_id: str, label: str, lang: str) -> str:
    """A row's name: the catalog's (`efficiency.row_names`) where the fact's label has words to
    translate, else the label as the source names the model."""
    return ROW_NAMES.text(fact_id, lang) if fact_id in ROW_NAMES else label


def params_products(inp: Inputs) -> tuple[Chart, Table]:
    df = moe_models_table(inp.facts, inp.as_of)
    df["architecture"] = ["dense" if str(t).startswith("dense") else "MoE" for t in df["type"]]
    data = df[["model", "developer", "architecture", "date", "total_params_b", "active_params_b",
               "active_share_pct", "grade"]]
    chart = _params_chart(data, df)
    ids = dict(zip(df["model"], df["fact_id"], strict=True))
    table = Table(
        id="models-params-table",
        data=data,
        columns=(
            Column("model", COLUMNS["model"], lambda v, lang: row_name(ids[v], v, lang)),
            Column("architecture", COLUMNS["type"], lambda v, lang: WORDS.text(f"architecture.{v}", lang)),
            Column("date", COLUMNS["released"], lambda v, lang: partial_date(v, lang)),
            Column("total_params_b", COLUMNS["total_short"], col_big(1, 1e9), "right"),
            Column("active_params_b", COLUMNS["per_token_short"], col_big(1, 1e9), "right"),
            Column("active_share_pct", COLUMNS["share_used"], col_pct(1, False), "right"),
            Column("grade", GRADE_HEADER, col_grade),
        ),
        caption=CAPTION["models"],
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


def kv_layout(model: str, lang: str) -> str:
    """A layout of the KV table: a model as published, or "<model> shape as <attention>" (another
    attention computed on that model's shape), worded by the catalog."""
    base, sep, attention = model.partition(" shape as ")
    return WORDS.text("kv_layout_as", lang, model=base, attention=attention) if sep else model


def kv_products(inp: Inputs) -> tuple[Chart, Table]:
    df = kv_cache_table(inp.facts, inp.as_of)
    df["inputs"] = [";".join(i) for i in df["inputs"]]
    chart = _kv_chart(df)
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


def _seen_in_copy(fact: Fact) -> bool:
    return fact.seen_in is not None and fact.seen_in.kind in SECONDARY


def fp8_tables(inp: Inputs) -> list[Table]:
    mem = weight_memory_table(inp.facts, inp.as_of).drop(columns=["inputs"])
    thr = fp8_throughput_table(inp.facts, inp.as_of)
    dal = dally_table(inp.facts, inp.as_of)
    return [
        Table(
            id="fp8-weight-memory-table",
            data=mem,
            columns=(
                Column("format", COLUMNS["format"], lambda v, _lang: FORMATS[v]),
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
                Column("gpu", COLUMNS["gpu"], lambda v, _lang: v.split(" (")[0]),
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
    copies = tuple(f for f in ids if _seen_in_copy(inp.facts[f]))
    # Counts of facts, not readings of them: how well each factor is sourced does not make the count
    # weak, so the input is the facts file they are counted in.
    counted = ("data/facts/compute_trends.yaml",)
    values.metric("dally_factors_count", len(ids), "int", inputs=counted, formula="factors in Dally's breakdown")
    values.metric("dally_factors_secondary_count", len(copies), "int", inputs=counted,
                  formula="of those, factors read only in a copy or a paraphrase of his talk")
    values.fact("dally_single_gpu_inference_gain", "multiple", name="dally_headline_x", decimals=0)
    values.fact("dally_gain_number_representation", "multiple", name="dally_number_formats_x", decimals=0)
    values.fact("dally_gain_process_technology", "multiple", name="dally_process_x", decimals=1)


# --- prior art ------------------------------------------------------------------------------

# Each technique family's name per language, in the order of data/facts/techniques_timeline.yaml.
FAMILIES = Names(lambda: {k: f for k, f in load_families().items() if f.technique})
CHART_START, CHART_END = pd.Timestamp("2014-06-01"), pd.Timestamp("2025-06-01")


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
            family(lang, str(f), g) for f, g in data.groupby("family"))}),
        size=(6.0, 3.6),
    )


def prior_art_products(inp: Inputs) -> tuple[Chart, Table]:
    df = prior_art_frame(inp.facts, inp.as_of)
    data = df[["family", "technique", "fact_id", "date", "day", "date_precision", "by_deepseek", "deepseek_use",
               "deepseek_use_day", "years_before_use", "reference", "url", "grade"]]
    chart = _prior_art_chart(data)
    table = Table(
        id="prior-art-table",
        data=data,
        columns=(
            Column("family", COLUMNS["technique"], lambda v, lang: FAMILIES[v][lang]),
            Column("reference", COLUMNS["paper"], col_text),
            Column("url", COLUMNS["link"], lambda v, lang: escape.link(WORDS.text("read", lang), v)),
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
    ids = dict(zip(df["model"], df["fact_id"], strict=True))
    return Table(
        id="api-prices-table",
        data=df,
        columns=(
            Column("model", COLUMNS["model"], lambda v, lang: row_name(ids[v], v.split(" (")[0], lang)),
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
    # In billions: "671" beside the word "billion" in English, "6,710億" in Japanese.
    values.fact("v3_total_params", "billions", name="v3_total_params_b", decimals=0)
    values.fact("v3_activated_params", "billions", name="v3_active_params_b", decimals=0)
    values.fact("v3_hf_total_size_incl_mtp", "billions", name="v3_hf_checkpoint_b", decimals=0)
    values.fact("v2_kv_cache_reduction", "pct", name="v2_kv_reduction_pct")
    values.fact("mla_equivalent_gqa_groups", "number", name="v2_paper_gqa_groups", decimals=2)
    ctx = kv_claim_context(inp.facts, inp.as_of)
    values.metric("v2_mla_vs_mha_reduction_pct", ctx.v2_mla_vs_same_shape_mha_reduction_pct, "pct",
                  inputs=ctx.inputs[1:3], formula="(1 − MLA elements ÷ same-shape MHA elements) × 100")
    register_fp8(inp, values)
    register_prices(inp, values)


def build(inp: Inputs, values: Values) -> Products:
    register(inp, values)
    params_chart, models_tbl = params_products(inp)
    kv_chart, kv_tbl = kv_products(inp)
    art_chart, art_tbl = prior_art_products(inp)
    tables = [breakdown_table(inp), check_table(inp), models_tbl, kv_tbl, *fp8_tables(inp), art_tbl,
              price_table(inp)]
    return Products(charts=[params_chart, kv_chart, art_chart], tables=tables)

