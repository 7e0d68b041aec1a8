"""Section 1: what the famous ~$5.6M figure is — one training run of the base model, at rental rates."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes

from .. import fmt
from ..charts.render import Chart
from ..charts.style import Palette
from ..tables import Column, Table, col_count, col_usd
from ..values import Values
from . import Inputs, Products, both

STAGES = (
    ("pretraining", both("Pre-training", "事前学習")),
    ("context_extension", both("Context extension", "コンテキスト拡張")),
    ("post_training", both("Post-training", "事後学習")),
)


def cost_table(inp: Inputs) -> pd.DataFrame:
    """V3's Table 1 recomputed: GPU-hours per stage × the paper's assumed rental price."""
    price = float(inp.facts["v3_rental_price_assumption"].value)
    rows = []
    for key, _ in STAGES:
        hours = float(inp.facts[f"v3_gpu_hours_{key}"].value)
        reported = float(inp.facts[f"v3_cost_usd_{key}"].value) * 1e6
        rows.append({"stage": key, "gpu_hours": hours, "rental_usd_per_gpu_hour": price,
                     "cost_usd": hours * price, "reported_cost_usd": reported})
    return pd.DataFrame(rows)


def _draw_cost(ax: Axes, df: pd.DataFrame, lang: str, pal: Palette) -> None:
    labels = [dict(STAGES)[s][lang] for s in df["stage"]]
    ax.barh(labels[::-1], df["cost_usd"][::-1] / 1e6, color=pal.accent)
    for y, v in enumerate(df["cost_usd"][::-1]):
        ax.text(v / 1e6, y, "  " + fmt.usd(v, lang), va="center", color=pal.text)
    ax.set_xlabel(both("Cost at the assumed rental price (USD million)",
                       "想定レンタル価格でのコスト（百万ドル）")[lang])
    ax.set_xlim(0, df["cost_usd"].max() / 1e6 * 1.35)
    ax.grid(axis="y", visible=False)


def build(inp: Inputs, values: Values) -> Products:
    df = cost_table(inp)
    total_hours = df["gpu_hours"].sum()
    total_cost = df["cost_usd"].sum()
    values.fact("v3_cost_usd_total", "usd", name="v3_cost_total_usd", scale=1e6)
    values.fact("v3_gpu_hours_total", "count", name="v3_gpu_hours_total")
    values.fact("v3_rental_price_assumption", "usd", name="v3_rental_usd_per_gpu_hour")
    values.fact("deepseek_self_reported_training_cluster", "int", name="v3_cluster_gpus")
    values.fact("r1_rl_cost_usd_nature", "usd", name="r1_rl_cost_usd")
    values.fact_date("v3_release_date", name="v3_report_date")
    values.metric("v3_cost_recomputed_usd", total_cost, "usd",
                  inputs=tuple(f"v3_gpu_hours_{k}" for k, _ in STAGES) + ("v3_rental_price_assumption",),
                  formula="sum over stages of GPU-hours × assumed rental price")
    values.metric("v3_pretraining_share_pct", df.loc[0, "cost_usd"] / total_cost * 100, "pct",
                  inputs=("v3_gpu_hours_pretraining", "v3_gpu_hours_total"),
                  formula="pre-training cost ÷ total cost")
    last = df["cost_usd"].idxmax()
    chart = Chart(
        id="v3-training-cost",
        data=df[["stage", "gpu_hours", "rental_usd_per_gpu_hour", "cost_usd"]],
        draw=_draw_cost,
        title=both("DeepSeek-V3's training cost, by stage", "DeepSeek-V3の学習コスト（段階別）"),
        alt={
            lang: both(
                f"Horizontal bar chart of DeepSeek-V3's training cost by stage at the paper's "
                f"assumed rental price. {dict(STAGES)[df.loc[last, 'stage']]['en']} is by far the "
                f"largest at {fmt.usd(df.loc[last, 'cost_usd'], 'en')}; the total is "
                f"{fmt.usd(total_cost, 'en')} for {fmt.count(total_hours, 'en')} GPU-hours.",
                f"DeepSeek-V3の段階別学習コストを示す横棒グラフ（論文の想定レンタル価格）。"
                f"{dict(STAGES)[df.loc[last, 'stage']]['ja']}が最大で{fmt.usd(df.loc[last, 'cost_usd'], 'ja')}、"
                f"合計は{fmt.count(total_hours, 'ja')}GPU時間で{fmt.usd(total_cost, 'ja')}。",
            )[lang]
            for lang in ("en", "ja")
        },
        source=both("Source: DeepSeek-V3 Technical Report, Table 1; our arithmetic.",
                    "出典：DeepSeek-V3テクニカルレポート 表1、当サイトで計算。"),
        size=(6.0, 2.6),
    )
    table = Table(
        id="v3-training-cost-table",
        data=df,
        columns=(
            Column("stage", both("Stage", "段階"), lambda v, lang: dict(STAGES)[v][lang]),
            Column("gpu_hours", both("H800 GPU-hours", "H800 GPU時間"), col_count(), "right"),
            Column("cost_usd", both("Cost (hours × rental)", "コスト（時間×レンタル単価）"), col_usd(), "right"),
            Column("reported_cost_usd", both("Cost as reported", "論文記載のコスト"), col_usd(), "right"),
        ),
        caption=both("DeepSeek-V3 training cost, recomputed from the paper's GPU-hours",
                     "論文のGPU時間から再計算したDeepSeek-V3の学習コスト"),
    )
    return Products(charts=[chart], tables=[table])
