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
from . import Inputs, both
from .common import GRADE_HEADER, col_grade
from .market_results import put, status_word

COMPANY = {
    "microsoft": both("Microsoft", "マイクロソフト"),
    "alphabet": both("Alphabet", "アルファベット"),
    "amazon": both("Amazon", "アマゾン"),
    "meta": both("Meta", "メタ"),
}
DALLY_WORDS = {
    "number_representation": both("Number formats (FP32 → FP8/INT8)", "数値表現（FP32→FP8/INT8）"),
    "complex_instructions": both("Complex instructions", "複合命令"),
    "process_technology": both("Process technology", "製造プロセス"),
    "sparsity": both("Structured sparsity", "構造化スパース性"),
    "product_of_factors": both("Product of the four", "4要因の積"),
    "reported_total": both("Total Dally reported", "Dally氏が示した合計"),
}
PP_WORDS = {
    "gpu_price_perf_doubling_all": both("All GPUs", "GPU全体"),
    "gpu_price_perf_doubling_ml": both("GPUs used in machine learning", "機械学習に使われるGPU"),
    "huangs_law_reference": both("Huang's law (reference)", "フアンの法則（参考）"),
}


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
    side = {"before": both("before", "前"), "after": both("after", "後")}
    table = Table(
        id="dc-revenue-table",
        data=data,
        columns=(
            Column("period", both("Quarter", "四半期")),
            Column("quarter_end", both("Ended", "期末"), col_date),
            Column("side", both("vs sell-off", "急落の前後"), lambda v, lang: side[v][lang]),
            Column("data_center_musd", both("Data centre (US$ m)", "データセンター（100万ドル）"),
                   col_number(0), "right"),
            Column("dc_qoq_pct", both("vs previous quarter", "前四半期比"), col_pct(1), "right"),
            Column("dc_yoy_pct", both("vs a year earlier", "前年同期比"), col_pct(1), "right"),
            Column("dc_share_pct", both("Share of revenue", "売上高に占める割合"), col_pct(1, signed=False), "right"),
            Column("grade", GRADE_HEADER, col_grade),
        ),
        caption=both("Nvidia's data-centre revenue (fiscal quarters end in late January, April, July, October)",
                     "エヌビディアのデータセンター売上高（会計四半期は一月・四月・七月・十月の下旬に終了）"),
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
                  formula="2025 plans announced before 27 Jan 2025")
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
    b = col_number(1)
    table = Table(
        id="capex-table",
        data=df,
        columns=(
            Column("company", both("Company", "企業"), lambda v, lang: COMPANY[v][lang]),
            Column("year_basis", both("Year", "年度"),
                   lambda v, lang: v if lang == "en" else
                   ("会計年度（7月〜6月）" if v.startswith("fiscal") else "暦年")),
            Column("plan_2025", both("2025 plan (US$ bn)", "2025年計画（10億ドル）"), b, "right"),
            Column("plan_2025_announced", both("Plan announced", "計画の発表日"), col_date),
            Column("actual_2025", both("2025 actual (US$ bn)", "2025年実績（10億ドル）"),
                   lambda v, lang: status_word("not yet testable", lang) if pd.isna(v) else fmt.number(v, 1), "right"),
            Column("actual_vs_plan_pct", both("Actual vs plan", "実績÷計画"), col_pct(0), "right"),
            Column("plan_2026", both("2026 plan (US$ bn)", "2026年計画（10億ドル）"), b, "right"),
            Column("grade", GRADE_HEADER, col_grade),
        ),
        caption=both("Capital spending: the plan as first announced, the actual, and the next plan",
                     "設備投資：最初に発表された計画、実績、翌年の計画"),
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
                Column("factor", both("Factor", "要因"), lambda v, lang: DALLY_WORDS.get(v, both(v, v))[lang]),
                Column("gain_x", both("Gain (×)", "向上（倍）"), col_number(1), "right"),
                Column("source", both("Source", "出典")),
                Column("grade", GRADE_HEADER, col_grade),
            ),
            caption=both("Dally's decomposition of single-GPU inference performance over about a decade",
                         "Dally氏による単体GPUの推論性能向上（約十年）の要因分解"),
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
                Column("series", both("Series", "系列"), lambda v, lang: PP_WORDS.get(v, both(v, v))[lang]),
                Column("years_to_double", both("Years to double (= cost halving)", "倍増年数（=コスト半減）"),
                       col_number(2), "right"),
                Column("per_year_x", both("× per year", "年率（倍）"), col_number(2), "right"),
                Column("per_decade_x", both("× per decade", "十年で（倍）"), col_number(0), "right"),
                Column("source", both("Source", "出典")),
                Column("grade", GRADE_HEADER, col_grade),
            ),
            caption=both("GPU price-performance: how fast the cost of a fixed amount of compute falls",
                         "GPUの価格性能比：一定の計算量のコストが下がる速さ"),
        ))
    return tables


def demand_products(inp: Inputs, res: MarketResults, values: Values) -> tuple[list[Chart], list[Table]]:
    c1, t1 = _data_center(res, values)
    c2, t2 = _capex(res, values)
    return c1 + c2, t1 + t2 + _costs(inp, res, values)
