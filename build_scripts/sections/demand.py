"""Part of section 3: did demand fall? Nvidia's data-centre revenue and hyperscaler capex before and
after the sell-off, and the cost-curve facts behind "cheaper AI is good news" (Dally, Epoch).

Only facts known on the edition's date are used (`analysis.fundamentals` cuts them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import fmt, grades
from ..analysis.market import MarketResults
from ..analysis.recovery import EVENT, OK
from ..charts import formats
from ..charts.spec import Chart, ChartWords, per_lang
from ..tables import Column, Table, col_date, col_number, col_pct
from ..values import Values
from . import Inputs
from .common import GRADE_HEADER, Labels, col_big, col_grade
from .market_results import put, status_word

# Words in docs/catalog/<lang>/demand.yaml.
WORDS = Labels("demand")
COLUMNS = Labels("demand.columns")
CAPTION = Labels("demand.caption")
COMPANY = Labels("demand.company")
DALLY_WORDS = Labels("demand.dally")
PP_WORDS = Labels("demand.price_performance")


def _dc_chart(dc: pd.DataFrame, data: pd.DataFrame) -> Chart:
    """Quarterly data-centre revenue, before and after the sell-off."""
    first, last = dc.iloc[0], dc.iloc[-1]
    return ChartWords("demand", "dc-revenue").spec(
        "columns", data,
        params={"value": "data_center_busd", "label": {"format": "fiscal_quarter"}, "tick_fontsize": 7,
                "colour": {"column": "side", "map": {"before": "muted", "after": "accent"}},
                "divider": {"column": "side"}, "axis": {"units": formats.BILLIONS},
                "legend": {"loc": "upper left", "fontsize": 8}},
        fill=per_lang(lambda lang: {
            "first": formats.fiscal_quarter_long(first, lang), "last": formats.fiscal_quarter_long(last, lang),
            "before": int((dc["side"] == "before").sum()), "after": int((dc["side"] == "after").sum()),
            "from_usd": fmt.usd(first["data_center_musd"] * 1e6, lang),
            "to_usd": fmt.usd(last["data_center_musd"] * 1e6, lang)}),
    )


def _data_center(res: MarketResults, values: Values) -> tuple[list[Chart], list[Table]]:
    dc = res.data_center.copy()
    if dc.empty:
        return [], []
    dc["data_center_busd"] = dc["data_center_musd"].astype(float) / 1000
    last = dc.iloc[-1]
    put(values, "dc_last_share_pct", last["dc_share_pct"], "pct", decimals=0,
        inputs=(last["fact_id"], last["revenue_fact_id"]),
        formula="data-centre revenue ÷ total revenue")
    data = dc[["period", "fiscal_year", "fiscal_quarter", "quarter_end", "report_date", "side", "revenue_musd",
               "data_center_musd", "data_center_busd", "dc_share_pct", "dc_qoq_pct", "dc_yoy_pct", "fact_id",
               "grade"]]
    chart = _dc_chart(dc, data)
    quarters = {period: fmt.quarter_code(int(year), int(quarter), pd.Timestamp(end).date())
                for period, year, quarter, end in zip(dc["period"], dc["fiscal_year"], dc["fiscal_quarter"],
                                                      dc["quarter_end"], strict=True)}
    table = Table(
        id="dc-revenue-table",
        data=data,
        columns=(
            Column("period", COLUMNS["quarter"], lambda v, lang: fmt.fiscal_quarter_text(quarters[v], lang)),
            Column("quarter_end", COLUMNS["ended"], col_date),
            Column("side", COLUMNS["side"], lambda v, lang: WORDS.text(f"side.{v}", lang)),
            Column("data_center_musd", COLUMNS["data_centre"], col_big(0, 1e6), "right"),
            Column("dc_qoq_pct", COLUMNS["qoq"], col_pct(1), "right"),
            Column("dc_yoy_pct", COLUMNS["yoy"], col_pct(1), "right"),
            Column("dc_share_pct", COLUMNS["share"], col_pct(1, signed=False), "right"),
            Column("grade", GRADE_HEADER, col_grade),
        ),
        caption=CAPTION["data_centre"],
    )
    return [chart], [table]


def _capex_chart(df: pd.DataFrame) -> Chart:
    """Each hyperscaler's 2025 plan, 2025 actual and 2026 plan; plans made before the sell-off hatched."""
    w = ChartWords("demand", "capex-plan-actual")
    data = df.assign(**{f"company_label_{lang}": [COMPANY[c][lang] for c in df["company"]] for lang in ("en", "ja")})

    def item(r: pd.Series, lang: str) -> str:
        plan = fmt.usd(r["plan_2025"] * 1e9, lang, 0)
        if pd.isna(r["actual_2025"]):
            return w.part(lang, "pending", company=COMPANY[r["company"]][lang], plan=plan)
        return w.part(lang, "known", company=COMPANY[r["company"]][lang], plan=plan,
                      actual=fmt.usd(r["actual_2025"] * 1e9, lang, 0))

    return w.spec(
        "grouped_columns", data,
        params={"label": "company_label", "axis": {"units": formats.BILLIONS},
                "series": [{"value": "plan_2025", "colour": "series:0", "legend": "plan_2025",
                            "hatch": {"column": "plan_2025_when", "equals": "before"}},
                           {"value": "actual_2025", "colour": "series:1", "legend": "actual_2025"},
                           {"value": "plan_2026", "colour": "series:2", "legend": "plan_2026"}],
                "tick_note": {"column": "year_basis", "startswith": "fiscal", "word": "fiscal_note"},
                "legend": {"loc": "below", "offset": -0.16, "ncols": 2, "fontsize": 8}},
        fill=per_lang(lambda lang: {
            "n": len(df), "date": fmt.date(EVENT.date(), lang),
            "plans": w.part(lang, "sep").join(item(r, lang) for _, r in df.iterrows() if pd.notna(r["plan_2025"]))}),
    )


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
    chart = _capex_chart(df)
    b = col_big(1, 1e9)
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
                   lambda v, lang: status_word("not yet testable", lang) if pd.isna(v) else b(v, lang), "right"),
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
            values.fact(str(r.fact_id), "number", name=f"{r.fact_id}_years", decimals=2)  # the column holds fact ids
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
