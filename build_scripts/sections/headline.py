"""Section 1: what the famous ~$5.6M is — one training run of the base model, at rental rates.

Three parts: the V3 cost table recomputed, the hardware claims beside the training figure, and the
compute arithmetic (6·N·D, utilisation, the Llama gap). The numbers come from `analysis.compute`;
this module only chooses, labels and draws them.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, NullLocator

from .. import fmt, units
from ..analysis.compute import (
    cost_range_table,
    gap_decomposition_table,
    hardware_claims_table,
    r1_rl_cost_table,
    training_cost_table,
    utilisation_table,
)
from ..charts.render import Chart
from ..charts.style import Palette
from ..hardware_claims import load_claim_words
from ..tables import Column, Table, col_date, col_int, col_multiple, col_number, col_pct, col_sci
from ..values import Values
from . import Inputs, Products, both
from .common import GRADE_HEADER, Labels, col_grade, fact_if, usd_cell

# Words in docs/catalog/<lang>/headline.yaml.
STAGES = Labels("headline.stage")
RUNS = Labels("headline.run")
GAP_FACTORS = Labels("headline.gap_factor")
COLUMNS = Labels("headline.columns")
CAPTION = Labels("headline.caption")
RANGE_ITEMS = {
    "V3 final training run": both("V3 training run", "V3の学習1回分"),
    "V3 run + R1 RL": both("V3 run + R1 RL", "V3＋R1の強化学習"),
    "DeepSeek hardware outlay (estimate)": both("Hardware (est.)", "ハードウェア（推計）"),
    "hardware + operating cost, ~4 years (estimate)": both("Hardware + running (est.)",
                                                          "ハード＋運用（推計）"),
}
R1_PARTS = Labels("headline.r1_part")


# --- the cost table -------------------------------------------------------------------------


def _draw_cost(ax: Axes, df: pd.DataFrame, lang: str, pal: Palette) -> None:
    d = df[df["stage"] != "total"].iloc[::-1]
    labels = [STAGES[s][lang] for s in d["stage"]]
    ax.barh(labels, d["computed_cost_usd"] / 1e6, color=pal.accent)
    for y, v in enumerate(d["computed_cost_usd"]):
        ax.text(v / 1e6, y, _plain("  " + fmt.usd(v, lang, 0 if v < 1e6 else None)), va="center", color=pal.text)
    ax.set_xlabel(both("USD million at the assumed rental price", "想定レンタル価格での金額（百万ドル）")[lang])
    ax.set_xlim(0, d["computed_cost_usd"].max() / 1e6 * 1.45)
    ax.grid(axis="y", visible=False)


def cost_products(inp: Inputs) -> tuple[Chart, Table]:
    df = training_cost_table(inp.facts, inp.as_of)
    df = df.drop(columns=["inputs"])
    stages = df[df["stage"] != "total"]
    top = stages.loc[stages["computed_cost_usd"].idxmax()]
    total = df[df["stage"] == "total"].iloc[0]
    chart = Chart(
        id="v3-training-cost",
        data=df[["stage", "h800_gpu_hours", "price_per_gpu_hour_usd", "computed_cost_usd", "reported_cost_usd"]],
        draw=_draw_cost,
        title=both("DeepSeek-V3's training run, priced by stage", "DeepSeek-V3の学習1回分の費用（段階別）"),
        alt={lang: both(
            f"Horizontal bar chart of DeepSeek-V3's training cost by stage at the paper's assumed rental "
            f"price. {STAGES[top['stage']]['en']} dominates at {fmt.usd(top['computed_cost_usd'], 'en')}; "
            f"the three stages add up to {fmt.usd(total['computed_cost_usd'], 'en')} for "
            f"{fmt.number(total['h800_gpu_hours'])} GPU-hours.",
            f"DeepSeek-V3の学習費用を段階別に示す横棒グラフ（論文の想定レンタル価格で換算）。"
            f"{STAGES[top['stage']]['ja']}が{fmt.usd(top['computed_cost_usd'], 'ja')}と大半を占め、"
            f"3段階の合計は{fmt.number(total['h800_gpu_hours'])}GPU時間で{fmt.usd(total['computed_cost_usd'], 'ja')}。",
        )[lang] for lang in ("en", "ja")},
        source=both("Source: DeepSeek-V3 Technical Report, Table 1; our arithmetic.",
                    "出典：DeepSeek-V3技術報告 表1。計算は当サイト。"),
        size=(6.0, 2.4),
    )
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
        return template.format(n=fmt.number(float(value)))
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


def _tick(v: float, lang: str) -> str:
    if lang == "ja":
        return fmt.usd(v, "ja", 0)
    return fmt.usd(v, "en", 0).replace(" million", "M").replace(" billion", "B")


def _usd_rough(v: float, lang: str) -> str:
    """An already-rounded estimate without spurious zeros: $5.6 million, $500 million / 5億ドル."""
    sizes = (1e12, 1e8, 1e4) if lang == "ja" else (1e12, 1e9, 1e6)
    scaled = v / next((s for s in sizes if abs(v) >= s), 1)
    return fmt.usd(v, lang, 0 if scaled >= 10 or float(scaled).is_integer() else 1)


def _range_label(low: float, high: float, lang: str) -> str:
    if low == high:
        return _usd_rough(low, lang)
    return f"{_usd_rough(low, lang)} – {_usd_rough(high, lang)}"


def _plain(text: str) -> str:
    """Escape dollar signs so matplotlib does not read '$…$' as mathematics."""
    return text.replace("$", r"\$")


def _draw_ranges(ax: Axes, df: pd.DataFrame, lang: str, pal: Palette) -> None:
    d = df.iloc[::-1].reset_index(drop=True)
    for y, r in d.iterrows():
        estimate = "estimate" in r["item"]
        colour = pal.series[1] if estimate else pal.accent
        if r["low_usd"] == r["high_usd"]:
            ax.plot([r["low_usd"]], [y], "o", color=colour, markersize=8)
        else:
            ax.plot([r["low_usd"], r["high_usd"]], [y, y], "-", color=colour, linewidth=9,
                    solid_capstyle="butt")
        ax.text(r["high_usd"] * 1.35, y, _plain(_range_label(r["low_usd"], r["high_usd"], lang)), va="center",
                color=pal.text, fontsize=9)
    ax.set_yticks(list(range(len(d))), [RANGE_ITEMS[i][lang] for i in d["item"]])
    ax.set_xscale("log")
    ax.set_xlim(2e6, 3e11)
    ax.xaxis.set_major_locator(FixedLocator(TICKS))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticks(TICKS, [_plain(_tick(t, lang)) for t in TICKS])
    ax.set_ylim(-0.6, len(d) - 0.4)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(both("US dollars, log scale (estimates rounded)", "米ドル、対数目盛（推計は概数）")[lang])


def range_chart(inp: Inputs) -> Chart:
    df = cost_range_table(inp.facts, inp.as_of)
    df["inputs"] = [";".join(i) for i in df["inputs"]]
    parts_en = "; ".join(f"{RANGE_ITEMS[r['item']]['en']}: {_range_label(r['low_usd'], r['high_usd'], 'en')}"
                         for _, r in df.iterrows())
    parts_ja = "、".join(f"{RANGE_ITEMS[r['item']]['ja']}：{_range_label(r['low_usd'], r['high_usd'], 'ja')}"
                         for _, r in df.iterrows())
    return Chart(
        id="training-vs-hardware",
        data=df,
        draw=_draw_ranges,
        title=both("One training run vs the hardware behind it", "学習1回分とその背後のハードウェア"),
        alt=both(f"Chart on a logarithmic dollar scale comparing DeepSeek's training-run figure with "
                 f"estimates of its hardware outlay, rounded to two significant figures. {parts_en}.",
                 f"DeepSeekの学習費用と、ハードウェア投資の推計を対数目盛で比べた図（有効数字2桁に丸めた値）。"
                 f"{parts_ja}。"),
        source=both("Sources: DeepSeek-V3 report; SemiAnalysis estimates as reported by CNBC and Tom's "
                    "Hardware (secondary); R1 figure from press reports of the Nature supplement.",
                    "出典：DeepSeek-V3技術報告、SemiAnalysisの推計（CNBC、Tom's Hardwareの報道による二次情報）、"
                    "R1はNature補足資料の報道による。"),
        size=(6.0, 2.8),
    )


# --- compute arithmetic ---------------------------------------------------------------------


def _draw_gpu_hours(ax: Axes, df: pd.DataFrame, lang: str, pal: Palette) -> None:
    d = df.iloc[::-1].reset_index(drop=True)
    colours = [pal.accent if r == "v3" else pal.series[1] for r in d["run"]]
    ax.barh([RUNS[r][lang] for r in d["run"]], d["gpu_hours"] / 1e6, color=colours)
    for y, v in enumerate(d["gpu_hours"]):
        ax.text(v / 1e6, y, "  " + _millions(v, lang), va="center", color=pal.text)
    ax.set_xlim(0, d["gpu_hours"].max() / 1e6 * 1.3)
    ax.set_xlabel(both("GPU-hours (millions)", "GPU時間（百万）")[lang])
    ax.grid(axis="y", visible=False)


def _millions(v: float, lang: str) -> str:
    return fmt.count(v, lang, 2 if lang == "en" else 0)


def compute_products(inp: Inputs) -> tuple[Chart, Table, Table]:
    util = utilisation_table(inp.facts, inp.as_of)
    util["inputs"] = [";".join(i) for i in util["inputs"]]
    runs_en = "; ".join(f"{RUNS[r]['en']}: {_millions(h, 'en')}" for r, h in zip(util["run"], util["gpu_hours"],
                                                                                   strict=True))
    runs_ja = "、".join(f"{RUNS[r]['ja']}：{_millions(h, 'ja')}" for r, h in zip(util["run"], util["gpu_hours"],
                                                                                  strict=True))
    chart = Chart(
        id="training-gpu-hours",
        data=util[["run", "gpu", "gpu_hours", "training_flops"]],
        draw=_draw_gpu_hours,
        title=both("GPU-hours for one training run", "学習1回分のGPU時間"),
        alt=both(f"Horizontal bar chart of the GPU-hours each model's developer published for its training "
                 f"run. {runs_en}.",
                 f"各モデルの開発元が公表した学習のGPU時間を示す横棒グラフ。{runs_ja}。"),
        source=both("Sources: DeepSeek-V3 report (all stages); Llama model cards (pre-training).",
                    "出典：DeepSeek-V3技術報告（全段階）、Llamaのモデルカード（事前学習）。"),
        size=(6.0, 2.2),
    )
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
            Column("log_share_pct", COLUMNS["gap_share"], col_pct(0, False), "right"),
        ),
        caption=CAPTION["gap"],
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

