"""Part of section 3: did demand fall? Nvidia's data-centre revenue and hyperscaler capex before and
after the sell-off, and the cost-curve facts behind "cheaper AI is good news" (Dally, Epoch).

Only facts known on the edition's date are used (`analysis.fundamentals` cuts them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from .. import fmt, grades
from ..analysis.market import MarketResults
from ..analysis.recovery import EVENT, OK
from ..charts.render import Chart
from ..charts.style import Palette
from ..tables import Column, Table, col_date, col_number, col_pct
from ..values import Values
from . import Inputs, both
from .common import GRADE_HEADER, Labels, col_grade
from .market_results import put, status_word

# Words in docs/catalog/<lang>/demand.yaml.
WORDS = Labels("demand")
COLUMNS = Labels("demand.columns")
CAPTION = Labels("demand.caption")
COMPANY = Labels("demand.company")
DALLY_WORDS = Labels("demand.dally")
PP_WORDS = Labels("demand.price_performance")


def _draw_dc(ax: Axes, df: pd.DataFrame, lang: str, pal: Palette) -> None:
    x = np.arange(len(df))
    after = df["side"] == "after"
    ax.bar(x[~after], df.loc[~after, "data_center_busd"], color=pal.muted,
           label=both("Quarter ended before the sell-off", "急落前に終わった四半期")[lang])
    ax.bar(x[after], df.loc[after, "data_center_busd"], color=pal.accent,
           label=both("Quarter ended after", "急落後の四半期")[lang])
    if after.any() and (~after).any():
        edge = float(np.flatnonzero(after.to_numpy())[0]) - 0.5
        ax.axvline(edge, color=pal.negative, linestyle="--", linewidth=1)
        ax.annotate(both("Sell-off", "急落")[lang], (edge, ax.get_ylim()[1]), xytext=(-4, -4),
                    textcoords="offset points", ha="right", va="top", color=pal.negative, fontsize=9)
    ax.set_xticks(x, [f"Q{q}\nFY{y % 100:02d}" for q, y in zip(df["fiscal_quarter"], df["fiscal_year"], strict=True)],
                  fontsize=7)
    ax.set_ylabel(both(r"Data-centre revenue (US\$ billion)", "データセンター売上高（10億ドル）")[lang])
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left", fontsize=8)


def _data_center(res: MarketResults, values: Values) -> tuple[list[Chart], list[Table]]:
    dc = res.data_center.copy()
    if dc.empty:
        return [], []
    dc["data_center_busd"] = dc["data_center_musd"].astype(float) / 1000
    before, after = dc[dc["side"] == "before"], dc[dc["side"] == "after"]
    last = dc.iloc[-1]
    put(values, "dc_last_share_pct", last["dc_share_pct"], "pct", decimals=0,
        inputs=(last["fact_id"], last["revenue_fact_id"]),
        formula="data-centre revenue ÷ total revenue")
    alt_en = (f"Bar chart of Nvidia's quarterly data-centre revenue from {dc.iloc[0]['period']} to {last['period']}, "
              f"{len(before)} quarters before the sell-off and {len(after)} after; it went from "
              f"{fmt.usd(dc.iloc[0]['data_center_musd'] * 1e6, 'en')} to "
              f"{fmt.usd(last['data_center_musd'] * 1e6, 'en')}.")
    alt_ja = (f"エヌビディアの四半期データセンター売上高の棒グラフ（{dc.iloc[0]['period']}〜{last['period']}、"
              f"急落前{len(before)}四半期、急落後{len(after)}四半期）。"
              f"{fmt.usd(dc.iloc[0]['data_center_musd'] * 1e6, 'ja')}から"
              f"{fmt.usd(last['data_center_musd'] * 1e6, 'ja')}に増加。")
    data = dc[["period", "fiscal_year", "fiscal_quarter", "quarter_end", "report_date", "side", "revenue_musd",
               "data_center_musd", "data_center_busd", "dc_share_pct", "dc_qoq_pct", "dc_yoy_pct", "fact_id",
               "grade"]]
    chart = Chart(
        id="dc-revenue",
        data=data,
        draw=_draw_dc,
        title=both("Nvidia's data-centre revenue by quarter", "エヌビディアの四半期データセンター売上高"),
        alt={"en": alt_en, "ja": alt_ja},
        source=both("Source: Nvidia quarterly results (facts; source quality in the table).",
                    "出典：エヌビディアの四半期決算（ファクト。情報の確度は表を参照）。"),
    )
    table = Table(
        id="dc-revenue-table",
        data=data,
        columns=(
            Column("period", COLUMNS["quarter"]),
            Column("quarter_end", COLUMNS["ended"], col_date),
            Column("side", COLUMNS["side"], lambda v, lang: WORDS.text(f"side.{v}", lang)),
            Column("data_center_musd", COLUMNS["data_centre"], col_number(0), "right"),
            Column("dc_qoq_pct", COLUMNS["qoq"], col_pct(1), "right"),
            Column("dc_yoy_pct", COLUMNS["yoy"], col_pct(1), "right"),
            Column("dc_share_pct", COLUMNS["share"], col_pct(1, signed=False), "right"),
            Column("grade", GRADE_HEADER, col_grade),
        ),
        caption=CAPTION["data_centre"],
    )
    return [chart], [table]


def _draw_capex(ax: Axes, df: pd.DataFrame, lang: str, pal: Palette) -> None:
    companies = list(dict.fromkeys(df["company"]))
    x = np.arange(len(companies))
    width = 0.26
    series = (("plan_2025", both("2025 plan", "2025年計画")), ("actual_2025", both("2025 actual", "2025年実績")),
              ("plan_2026", both("2026 plan", "2026年計画")))
    for i, (key, label) in enumerate(series):
        part = df.set_index("company").reindex(companies)
        vals = part[key].to_numpy(dtype=float)
        hatch = ["//" if key == "plan_2025" and b == "before" else "" for b in part["plan_2025_when"]]
        bars = ax.bar(x + (i - 1) * width, np.nan_to_num(vals), width, color=pal.series[i], label=label[lang],
                      edgecolor=pal.text, linewidth=0)
        for bar, h in zip(bars, hatch, strict=True):
            bar.set_hatch(h)
    ax.set_xticks(x, [COMPANY[c][lang] + ("\n(FY)" if c == "microsoft" else "") for c in companies], fontsize=9)
    ax.set_ylabel(both(r"Capital spending (US\$ billion)", "設備投資（10億ドル）")[lang])
    ax.grid(axis="x", visible=False)
    handles, _ = ax.get_legend_handles_labels()
    handles.append(Patch(facecolor="none", edgecolor=pal.text, hatch="//",
                         label=both("Plan announced before the sell-off", "急落前に発表された計画")[lang]))
    ax.legend(handles=handles, loc="upper left", fontsize=8)


def _capex(res: MarketResults, values: Values) -> tuple[list[Chart], list[Table]]:
    pv = res.capex_vs_plan.copy()
    cap = res.capex
    y25 = pv[pv["year"] == 2025]
    done = y25[y25["status"] == OK]
    ids = tuple(y25["plan_fact_id"]) + tuple(done["actual_fact_id"])
    values.metric("capex_2025_plans", len(y25), "int", inputs=ids, formula="companies with a 2025 plan")
    values.metric("capex_2025_done", len(done), "int", inputs=ids, formula="2025 plans with a reported actual")
    values.metric("capex_2025_plans_before", int((y25["plan_announced"] < EVENT).sum()), "int", inputs=ids,
                  formula=f"2025 plans announced before {EVENT.date().isoformat()}")
    if len(done):
        values.metric("capex_2025_beat", int((done["actual_vs_plan_pct"] > 0).sum()), "int", inputs=ids,
                      formula="companies whose 2025 actual exceeded the plan's midpoint")
        put(values, "capex_2025_min_vs_plan_pct", done["actual_vs_plan_pct"].min(), "pct_signed", decimals=0,
            inputs=ids, formula="smallest actual ÷ plan midpoint − 1")
        put(values, "capex_2025_max_vs_plan_pct", done["actual_vs_plan_pct"].max(), "pct_signed", decimals=0,
            inputs=ids, formula="largest actual ÷ plan midpoint − 1")
        put(values, "capex_2025_actual_total_usd", done["actual_busd"].sum() * 1e9, "usd", inputs=ids,
            formula="sum of 2025 actuals")
        put(values, "capex_2025_plan_total_usd", done["plan_mid_busd"].sum() * 1e9, "usd", inputs=ids,
            formula="sum of the same companies' 2025 plan midpoints")
    rows = []
    for c in COMPANY:
        sub = cap[cap["company"] == c]
        if sub.empty:
            continue

        def pick(year: int, kind: str, s: pd.DataFrame = sub) -> pd.Series | None:
            r = s[(s["year"] == year) & (s["kind"] == kind)].sort_values("announced")
            return r.iloc[0] if len(r) else None

        p25, a25, p26 = pick(2025, "plan"), pick(2025, "actual"), pick(2026, "plan")
        rows.append({
            "company": c,
            "year_basis": sub["year_basis"].iloc[-1],
            "plan_2025": p25["mid_busd"] if p25 is not None else np.nan,
            "plan_2025_when": p25["announced_vs_event"] if p25 is not None else "",
            "plan_2025_announced": p25["announced"] if p25 is not None else pd.NaT,
            "actual_2025": a25["mid_busd"] if a25 is not None else np.nan,
            "actual_vs_plan_pct": (a25["mid_busd"] / p25["mid_busd"] - 1) * 100
            if p25 is not None and a25 is not None else np.nan,
            "plan_2026": p26["mid_busd"] if p26 is not None else np.nan,
            "facts": ";".join(r["fact_id"] for r in (p25, a25, p26) if r is not None),
            "grade": grades.weakest(r["grade"] for r in (p25, a25, p26) if r is not None),
        })
    df = pd.DataFrame(rows)
    if df.empty:
        return [], []
    desc_en = "; ".join(
        f"{COMPANY[r.company]['en']} plan {fmt.usd(r.plan_2025 * 1e9, 'en', 0)}"
        + (f", actual {fmt.usd(r.actual_2025 * 1e9, 'en', 0)}" if pd.notna(r.actual_2025) else ", actual not yet known")
        for r in df.itertuples() if pd.notna(r.plan_2025))
    desc_ja = "、".join(
        f"{COMPANY[r.company]['ja']}は計画{fmt.usd(r.plan_2025 * 1e9, 'ja', 0)}"
        + (f"・実績{fmt.usd(r.actual_2025 * 1e9, 'ja', 0)}" if pd.notna(r.actual_2025) else "・実績は未発表")
        for r in df.itertuples() if pd.notna(r.plan_2025))
    chart = Chart(
        id="capex-plan-actual",
        data=df,
        draw=_draw_capex,
        title=both("Hyperscaler capital spending: plans and actuals", "ハイパースケーラーの設備投資：計画と実績"),
        alt={
            "en": f"Grouped bar chart of 2025 capital-spending plans, 2025 actuals and 2026 plans for four "
                  f"hyperscalers; hatched plans were announced before {fmt.date(EVENT.date(), 'en')}. "
                  f"2025 (midpoint of the plan): {desc_en}.",
            "ja": f"4社のハイパースケーラーの2025年設備投資計画、2025年実績、2026年計画の棒グラフ。斜線の計画は"
                  f"{fmt.date(EVENT.date(), 'ja')}より前に発表。2025年（計画は中央値）：{desc_ja}。",
        },
        source=both("Source: company guidance and results (facts). Microsoft uses its fiscal year (July–June).",
                    "出典：各社の見通しと決算（ファクト）。マイクロソフトは会計年度（7月〜6月）。"),
    )
    b = col_number(1)
    table = Table(
        id="capex-table",
        data=df,
        columns=(
            Column("company", COLUMNS["company"], lambda v, lang: COMPANY[v][lang]),
            Column("year_basis", COLUMNS["year"],
                   lambda v, lang: WORDS.text("year_basis." + ("fiscal" if v.startswith("fiscal") else "calendar"),
                                              lang)),
            Column("plan_2025", COLUMNS["plan_2025"], b, "right"),
            Column("plan_2025_announced", COLUMNS["plan_announced"], col_date),
            Column("actual_2025", COLUMNS["actual_2025"],
                   lambda v, lang: status_word("not yet testable", lang) if pd.isna(v) else fmt.number(v, 1), "right"),
            Column("actual_vs_plan_pct", COLUMNS["actual_vs_plan"], col_pct(0), "right"),
            Column("plan_2026", COLUMNS["plan_2026"], b, "right"),
            Column("grade", GRADE_HEADER, col_grade),
        ),
        caption=CAPTION["capex"],
    )
    return [chart], [table]


def _costs(inp: Inputs, res: MarketResults, values: Values) -> list[Table]:
    tables = []
    d = res.dally
    if not d.empty:
        for fid, x in zip(d["fact_id"], d["gain_x"], strict=True):
            if fid:
                values.fact(fid, "multiple", name=f"{fid}_x", decimals=0 if float(x).is_integer() else 1)
        prod = d[d["factor"] == "product_of_factors"]["gain_x"]
        if len(prod):
            put(values, "dally_product_x", float(prod.iloc[0]), "multiple", decimals=0,
                inputs=tuple(f for f in d["fact_id"] if f), formula="product of the four factors")
        data = d.assign(source=[inp.facts[f].source.publisher if f else "" for f in d["fact_id"]])
        tables.append(Table(
            id="dally-table",
            data=data,
            columns=(
                Column("factor", COLUMNS["factor"], lambda v, lang: DALLY_WORDS[v][lang]),
                Column("gain_x", COLUMNS["gain"], col_number(1), "right"),
                Column("source", COLUMNS["source"]),
                Column("grade", GRADE_HEADER, col_grade),
            ),
            caption=CAPTION["dally"],
        ))
    pp = res.price_performance
    if not pp.empty:
        for r in pp.itertuples():
            values.fact(r.fact_id, "number", name=f"{r.fact_id}_years", decimals=2)
            put(values, f"{r.fact_id}_per_decade_x", r.per_decade_x, "multiple", decimals=0, inputs=(r.fact_id,),
                formula="2 ^ (10 ÷ years to double)")
        data = pp.assign(source=[inp.facts[f].source.publisher for f in pp["fact_id"]])
        tables.append(Table(
            id="price-performance-table",
            data=data,
            columns=(
                Column("series", COLUMNS["series"], lambda v, lang: PP_WORDS[v][lang]),
                Column("years_to_double", COLUMNS["years_to_double"], col_number(2), "right"),
                Column("per_year_x", COLUMNS["per_year"], col_number(2), "right"),
                Column("per_decade_x", COLUMNS["per_decade"], col_number(0), "right"),
                Column("source", COLUMNS["source"]),
                Column("grade", GRADE_HEADER, col_grade),
            ),
            caption=CAPTION["price_performance"],
        ))
    return tables


def demand_products(inp: Inputs, res: MarketResults, values: Values) -> tuple[list[Chart], list[Table]]:
    c1, t1 = _data_center(res, values)
    c2, t2 = _capex(res, values)
    return c1 + c2, t1 + t2 + _costs(inp, res, values)
