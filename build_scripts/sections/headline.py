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
from ..analysis.flops import FLOPS_PER_PARAM_TOKEN
from ..analysis.hardware import RANGE_DIGITS
from ..charts import formats
from ..charts.spec import Chart, ChartWords, per_lang
from ..hardware_claims import load_claim_words
from ..tables import Column, Table, col_date, col_int, col_multiple, col_number, col_pct, col_sci
from ..values import Values
from . import Inputs, Products
from .common import GRADE_HEADER, Labels, col_grade, fact_if, row_of_max, usd_cell

# Words in docs/catalog/<lang>/headline.yaml.
STAGES = Labels("headline.stage")
RUNS = Labels("headline.run")
GAP_FACTORS = Labels("headline.gap_factor")
COLUMNS = Labels("headline.columns")
CAPTION = Labels("headline.caption")
R1_PARTS = Labels("headline.r1_part")


# --- the cost table -------------------------------------------------------------------------


def _cost_chart(df: pd.DataFrame) -> Chart:
    """V3's training run priced by stage (the total row is in the data, not drawn)."""
    stages = df[df["stage"] != "total"]
    top = row_of_max(stages, "computed_cost_usd")
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
            Column("stage", COLUMNS["stage"], lambda v, lang: STAGES[v][lang]),
            Column("h800_gpu_hours", COLUMNS["h800_gpu_hours"], col_int, "right"),
            Column("price_per_gpu_hour_usd", COLUMNS["rental"], usd_cell, "right"),
            Column("computed_cost_usd", COLUMNS["computed"], usd_cell, "right"),
            Column("reported_cost_usd", COLUMNS["reported"], usd_cell, "right"),
            Column("share_of_gpu_hours_pct", COLUMNS["share"], col_pct(1, False), "right"),
        ),
        caption=CAPTION["cost"],
    )
    return chart, table


SCOPE_ITEMS = Labels("headline.scope")
INCLUDED = Labels("headline.included")
SCOPE = (
    # (item in the catalog, the fact that says so, in the figure?)
    ("run", "v3_cost_usd_total", True),
    ("rental", "v3_rental_price_assumption", True),
    ("research", "v3_cost_exclusions", False),
    ("hardware", "v3_cost_exclusions", False),
    ("staff", "v3_cost_exclusions", False),
    ("r1", "r1_rl_cost_usd_nature", False),
)


def scope_table(inp: Inputs) -> Table:
    rows = [{"item": key, "included": inc, "fact_id": fid, "grade": inp.facts[fid].grade}
            for key, fid, inc in SCOPE if fid in inp.facts and inp.facts[fid].day <= inp.as_of]
    return Table(
        id="v3-cost-scope-table",
        data=pd.DataFrame(rows),
        columns=(
            Column("item", COLUMNS["item"], lambda v, lang: SCOPE_ITEMS[v][lang]),
            Column("included", COLUMNS["included"], lambda v, lang: INCLUDED.text("yes" if v else "no", lang)),
            Column("grade", GRADE_HEADER, col_grade),
        ),
        caption=CAPTION["scope"],
    )


def r1_table(inp: Inputs) -> Table | None:
    df = r1_rl_cost_table(inp.facts, inp.as_of)
    if df.empty:
        return None
    return Table(
        id="r1-rl-cost-table",
        data=df.drop(columns=["inputs"]),
        columns=(
            Column("component", COLUMNS["step"], lambda v, lang: R1_PARTS[v][lang]),
            Column("h800_gpu_hours", COLUMNS["h800_gpu_hours"], col_int, "right"),
            Column("computed_cost_usd", COLUMNS["same_rate"], usd_cell, "right"),
            Column("grade", GRADE_HEADER, col_grade),
        ),
        caption=CAPTION["r1"],
    )


# --- hardware claims ------------------------------------------------------------------------

def _claim_text(row: pd.Series, lang: str) -> str:
    """What the claim says, from its words in data/facts/hardware_claims.yaml, with its figure."""
    template = load_claim_words()[row["fact_id"]].said[lang]
    value = row["value"]
    if "{usd}" in template:
        return template.format(usd=fmt.usd(units.convert(float(value), str(row["unit"]), "USD"), lang))
    if "{n}" in template:
        return template.format(n=fmt.integer(float(value), lang))
    return template


def claims_table(inp: Inputs) -> Table:
    """Every hardware claim data/facts/hardware_claims.yaml shows, in its order (the analysis frame
    follows that list, so a new claim there appears here)."""
    words = load_claim_words()
    df = hardware_claims_table(inp.facts, inp.as_of).reset_index(drop=True)
    df["claim_en"] = [_claim_text(r, "en") for _, r in df.iterrows()]
    df["claim_ja"] = [_claim_text(r, "ja") for _, r in df.iterrows()]
    data = df[["fact_id", "who", "claim_en", "claim_ja", "kind", "date", "grade", "source_url"]]
    return Table(
        id="hardware-claims-table",
        data=data,
        columns=(
            Column("fact_id", COLUMNS["who"], lambda v, lang: words[v].who[lang]),
            Column("fact_id", COLUMNS["said"],
                   lambda v, lang: str(df.loc[df["fact_id"] == v, f"claim_{lang}"].iloc[0])),
            Column("fact_id", COLUMNS["kind"], lambda v, lang: words[v].kind[lang]),
            Column("date", COLUMNS["date"], col_date),
            Column("grade", GRADE_HEADER, col_grade),
        ),
        caption=CAPTION["claims"],
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
            Column("run", COLUMNS["run"], lambda v, lang: RUNS[v][lang]),
            Column("training_flops", COLUMNS["flops"], col_sci, "right"),
            Column("gpu_hours", COLUMNS["gpu_hours"], col_int, "right"),
            Column("achieved_tflops_per_gpu", COLUMNS["tflops"], col_number(0), "right"),
            Column("utilisation_bf16_pct", COLUMNS["bf16_peak"], col_pct(0, False), "right"),
            Column("utilisation_fp8_pct", COLUMNS["fp8_peak"], col_pct(0, False), "right"),
        ),
        caption=CAPTION["utilisation"],
    )
    gap = gap_decomposition_table(inp.facts, inp.as_of)
    gap["inputs"] = [";".join(i) for i in gap["inputs"]]
    gap_table = Table(
        id="gpu-hour-gap-table",
        data=gap,
        columns=(
            Column("factor", COLUMNS["factor"], lambda v, lang: GAP_FACTORS[v][lang]),
            Column("ratio_x", COLUMNS["ratio"], col_multiple(2), "right"),
            Column("log_share_pct", COLUMNS["gap_share"], col_pct(1, False), "right"),
        ),
        caption=CAPTION["gap"],
    )
    return chart, util_table, gap_table


# --- values and build -----------------------------------------------------------------------


def register(inp: Inputs, values: Values) -> None:
    # Constants of the method that the prose names, printed as traced figures.
    values.metric("flops_per_param_token", FLOPS_PER_PARAM_TOKEN, "int",
                  formula="the rule of thumb's FLOPs per active parameter per token (forward and backward pass)")
    values.metric("hardware_range_sig_digits", RANGE_DIGITS, "int",
                  formula="significant figures the hardware chart rounds its ranges to")
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

