"""Section 2: mixture of experts in numbers — how little of each model works on a given token."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes

from .. import fmt
from ..charts.render import Chart
from ..charts.style import Palette
from ..tables import Column, Table, col_date, col_number, col_pct
from ..values import Values
from . import Inputs, Products, both

MODEL_PREFIX = "models_moe"


def model_table(inp: Inputs) -> pd.DataFrame:
    """Total and active parameters of every model in the facts released on or before as_of."""
    rows = []
    for f in inp.facts.values():
        val = f.value
        if not isinstance(val, dict) or "active_params_b" not in val or f.day > inp.as_of:
            continue
        total, active = val.get("total_params_b"), val.get("active_params_b")
        if total is None or active is None:
            continue
        rows.append({
            "model": f.label or f.id, "fact_id": f.id, "developer": val.get("developer"),
            "architecture": "dense" if str(val.get("type", "")).startswith("dense") else "MoE",
            "release_date": f.day, "total_params_b": float(total), "active_params_b": float(active),
            "active_share_pct": float(active) / float(total) * 100, "confidence": f.confidence,
        })
    return pd.DataFrame(rows).sort_values(["release_date", "model"]).reset_index(drop=True)


def _draw_params(ax: Axes, df: pd.DataFrame, lang: str, pal: Palette) -> None:
    d = df.sort_values("total_params_b")
    y = range(len(d))
    ax.barh(y, d["total_params_b"], color=pal.grid, label=both("Total", "総パラメータ")[lang])
    ax.barh(y, d["active_params_b"], color=pal.accent,
            label=both("Active per token", "トークンごとに使われる数")[lang])
    ax.set_yticks(list(y), d["model"])
    ax.set_xlabel(both("Parameters (billions)", "パラメータ数（10億）")[lang])
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")


def build(inp: Inputs, values: Values) -> Products:
    df = model_table(inp)
    v3 = df[df["fact_id"] == "deepseek_v3"].iloc[0]
    values.fact("v3_total_params", "count", name="v3_total_params", scale=1e9)
    values.fact("v3_activated_params", "count", name="v3_active_params", scale=1e9)
    values.metric("v3_active_share_pct", v3["active_share_pct"], "pct",
                  inputs=("deepseek_v3",), formula="active ÷ total parameters", decimals=1)
    moe = df[df["architecture"] == "MoE"]
    values.metric("moe_models_count", len(moe), "int", inputs=tuple(moe["fact_id"]),
                  formula="MoE models in the facts")
    values.metric("moe_models_before_v3", int((moe["release_date"] < v3["release_date"]).sum()), "int",
                  inputs=tuple(moe["fact_id"]), formula="MoE models released before DeepSeek-V3")
    smallest = df.loc[df["active_share_pct"].idxmin()]
    chart = Chart(
        id="total-vs-active-params",
        data=df[["model", "architecture", "release_date", "total_params_b", "active_params_b",
                 "active_share_pct"]],
        draw=_draw_params,
        title=both("Total vs active parameters", "総パラメータとアクティブパラメータ"),
        alt={
            "en": f"Bar chart of total and active parameters for {len(df)} language models. Dense "
                  f"models use all their parameters on every token; in mixture-of-experts models the "
                  f"active part is small: DeepSeek-V3 uses {fmt.pct(v3['active_share_pct'], 1)} of "
                  f"{fmt.count(v3['total_params_b'] * 1e9)}, and {smallest['model']} the smallest share, "
                  f"{fmt.pct(smallest['active_share_pct'], 1)}.",
            "ja": f"{len(df)}の言語モデルの総パラメータとアクティブパラメータを示す棒グラフ。密なモデルは"
                  f"毎トークンすべてを使うが、専門家の混成（MoE）モデルでは一部だけが働く。DeepSeek-V3は"
                  f"{fmt.count(v3['total_params_b'] * 1e9, 'ja')}のうち{fmt.pct(v3['active_share_pct'], 1)}、"
                  f"最も小さい{smallest['model']}は{fmt.pct(smallest['active_share_pct'], 1)}。",
        },
        source=both("Sources: model cards, papers and official READMEs (see the table).",
                    "出典：各モデルのモデルカード、論文、公式README（表を参照）。"),
        size=(6.0, 5.0),
    )
    table = Table(
        id="models-params-table",
        data=df,
        columns=(
            Column("model", both("Model", "モデル")),
            Column("architecture", both("Type", "種類")),
            Column("release_date", both("Released", "公開日"), col_date),
            Column("total_params_b", both("Total (B)", "総数（10億）"), col_number(1), "right"),
            Column("active_params_b", both("Active (B)", "アクティブ（10億）"), col_number(1), "right"),
            Column("active_share_pct", both("Active share", "アクティブ比率"), col_pct(1, False), "right"),
        ),
        caption=both("Parameters of well-known models", "主なモデルのパラメータ数"),
        sortable=True,
    )
    return Products(charts=[chart], tables=[table])
