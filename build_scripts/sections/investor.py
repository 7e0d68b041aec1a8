"""Section 4: the "golden buying opportunity" call as a trade — buy at the sell-off close and hold —
and the "top-3 of the decade" wording tested against every dip-buying entry since 2015.

The numbers come from `analysis.backtest` and `analysis.dips` (one run per build, shared with
section 3); a horizon that ends after the edition's date is shown as "not yet testable".
"""

from __future__ import annotations

import datetime as dt
import inspect

import numpy as np
import pandas as pd

from .. import fmt
from ..analysis.backtest import ASSETS, HORIZONS
from ..analysis.dips import DEFAULT_RULES, rank_dips
from ..analysis.market import MarketResults
from ..analysis.recovery import EVENT, NOT_YET, OK
from ..charts import formats
from ..charts.spec import Chart, ChartWords, per_lang
from ..tables import Column, Table, col_date, col_pct
from ..values import Values
from . import Inputs, Products
from .common import COMMON, Labels, english_or_japanese, row_of_min, row_where
from .market_results import ensure_charts, market, put, status_word

SHOCK, PRE, APRIL = "shock_2025-01-27", "pre_shock_2025-01-24", "april_2025_low"
# Words in docs/catalog/<lang>/investor.yaml.
WORDS = Labels("investor")
COLUMNS = Labels("investor.columns")
CAPTION = Labels("investor.caption")
HORIZON_WORDS = Labels("investor.horizon")
# Each entry of the backtest, by its role (the catalog's key).
ENTRY_ROLE = {PRE: "pre", SHOCK: "shock", APRIL: "april"}
IVES_FACT = "ives_golden_buying_opportunity_2025-01-27"
GLOBAL2000_FACT = "ives_no_global2000_on_chinese_startup"
MAIN_RULE = "largest_falls_k10_gap0"
# The first day the dip ranking searches (the analysis runs it with its default window).
DIP_START = str(inspect.signature(rank_dips).parameters["start"].default)


def _returns_wide(res: MarketResults, entry: str) -> pd.DataFrame:
    """One row per horizon, one column per asset, for one entry; status kept per row."""
    r = res.backtest.returns
    r = r[r["entry"] == entry]
    if r.empty:
        return pd.DataFrame()
    wide = r.pivot(index="horizon", columns="asset", values="return_pct").reindex([h for h, _ in HORIZONS])
    meta = r[r["asset"] == "NVDA"].set_index("horizon").reindex(wide.index)
    out = pd.DataFrame({
        "horizon": wide.index,
        "status": meta["status"].to_numpy(),
        "target_date": meta["target_date"].to_numpy(),
        "exit_date": meta["exit_date"].to_numpy(),
        **{f"{a.lower()}_return_pct": wide.get(a, pd.Series(np.nan, index=wide.index)).to_numpy() for a in ASSETS},
    })
    out["nvda_minus_spy_pp"] = out["nvda_return_pct"] - out["spy_return_pct"]
    return out.reset_index(drop=True)


def _backtest_values(values: Values) -> None:
    values.fact(IVES_FACT, "text", name="ives_call_text")
    values.fact(GLOBAL2000_FACT, "text", name="ives_global2000_text")
    f = values.facts[IVES_FACT]
    values.metric("ives_source_publisher", f.source.publisher.split(" (")[0], "text", inputs=(IVES_FACT,))
    values.metric("ives_source_url", str(f.source.url), "text", inputs=(IVES_FACT,))


def _growth_chart(inp: Inputs, last: pd.Timestamp | None) -> Chart | None:
    ev = pd.Timestamp(inp.event_day)
    if last is None or pd.isna(last) or last <= ev:
        return None
    c = inp.closes.loc[ev:last, list(ASSETS)]
    growth = (c / c.iloc[0] * 100).reset_index().melt(id_vars="date", var_name="ticker",
                                                       value_name="value_usd").dropna()
    ends = growth.groupby("ticker").tail(1).set_index("ticker")["value_usd"]
    nv = growth[growth["ticker"] == "NVDA"]
    low = row_of_min(nv, "value_usd")
    w = ChartWords("investor", "buy-the-dip")
    return w.spec(
        "lines", growth,
        params={"x": "date", "y": "value_usd", "dates": "auto", "hlines": [{"at": 100}],
                "series": {"column": "ticker", "order": list(ASSETS),
                           "colours": {t: f"series:{i}" for i, t in enumerate(ASSETS)}},
                "low_mark": {"series": "NVDA"}, "legend": {"loc": "upper left", "ncols": 2, "fontsize": 9}},
        fill=per_lang(lambda lang: {
            "date": fmt.date(ev.date(), lang), "last": fmt.date(last.date(), lang),
            "assets": w.part(lang, "sep").join(ASSETS), "low_usd": fmt.usd(low["value_usd"], lang, 0),
            "low_date": fmt.date(low["date"].date(), lang),
            "ends": w.listing(lang, "end", ({"ticker": t, "usd": fmt.usd(ends[t], lang, 0)}
                                            for t in ASSETS if t in ends))}),
    )


def _entries(res: MarketResults) -> pd.DataFrame:
    """NVDA for the three buyers: 12-month and to-date returns, drawdown and time under water."""
    r = res.backtest.returns
    d = res.backtest.drawdowns
    rows = []
    for e in res.backtest.entries.itertuples():
        row: dict = {"entry": e.entry, "entry_date": e.entry_date, "status": e.status}
        for h in ("12m", "latest"):
            x = r[(r["entry"] == e.entry) & (r["asset"] == "NVDA") & (r["horizon"] == h)]
            row[f"nvda_{h}_pct"] = x["return_pct"].iloc[0] if len(x) else np.nan
            row[f"status_{h}"] = x["status"].iloc[0] if len(x) else e.status
            s = r[(r["entry"] == e.entry) & (r["asset"] == "SPY") & (r["horizon"] == h)]
            row[f"spy_{h}_pct"] = s["return_pct"].iloc[0] if len(s) else np.nan
        dd = d[(d["entry"] == e.entry) & (d["asset"] == "NVDA") & (d["horizon"] == "latest")] if len(d) else d
        if len(dd):
            y = dd.iloc[0]
            row.update(max_drawdown_pct=y["max_drawdown_pct"], peak_date=y["peak_date"], trough_date=y["trough_date"],
                       worst_vs_cost_pct=y["worst_vs_cost_pct"], worst_vs_cost_date=y["worst_vs_cost_date"],
                       days_below_cost=y["days_below_cost"], underwater_days=y["underwater_days"],
                       underwater_end=y["underwater_end"])
        rows.append(row)
    cols = ["entry", "entry_date", "status", "nvda_12m_pct", "status_12m", "spy_12m_pct", "nvda_latest_pct",
            "status_latest", "spy_latest_pct", "max_drawdown_pct", "peak_date", "trough_date", "worst_vs_cost_pct",
            "worst_vs_cost_date", "days_below_cost", "underwater_days", "underwater_end"]
    return pd.DataFrame(rows).reindex(columns=cols)


def entry_words(entry: str, day: dt.date | str | None, lang: str) -> str:
    """An entry of the backtest in words, with its date ("Sell-off close (27 January 2025)")."""
    if day is None or pd.isna(day):  # an edition before the entry day (the April low) knows no date
        return WORDS.text(f"entry.{ENTRY_ROLE[entry]}_unknown", lang)
    d = pd.Timestamp(day).date()
    return WORDS.text(f"entry.{ENTRY_ROLE[entry]}", lang, date=fmt.date(d, lang), month=fmt.month_long(d, lang))


def _entries_table(df: pd.DataFrame) -> Table:
    days = dict(zip(df["entry"], df["entry_date"], strict=True))

    def ret(v: float, lang: str) -> str:
        return "–" if pd.isna(v) else fmt.pct(v, 1, lang, signed=True)

    def nvda_12m(v: float, lang: str) -> str:
        return status_word(NOT_YET, lang) if pd.isna(v) else fmt.pct(v, 1, lang, signed=True)

    return Table(
        id="entries-table",
        data=df,
        columns=(
            Column("entry", COLUMNS["bought_at"], lambda v, lang: entry_words(v, days[v], lang)),
            Column("entry_date", COLUMNS["date"], col_date),
            Column("nvda_12m_pct", COLUMNS["nvda_12m"], nvda_12m, "right"),
            Column("spy_12m_pct", COLUMNS["spy_12m"], ret, "right"),
            Column("nvda_latest_pct", COLUMNS["nvda_latest"], ret, "right"),
            Column("max_drawdown_pct", COLUMNS["max_drawdown"], col_pct(1), "right"),
            Column("worst_vs_cost_pct", COLUMNS["worst_vs_cost"], col_pct(1), "right"),
            Column("underwater_days", COLUMNS["underwater"],
                   lambda v, _lang: "–" if pd.isna(v) else fmt.number(v, 0), "right"),
        ),
        caption=CAPTION["entries"],
    )


# --- the "top-3" test ------------------------------------------------------------------------------

def rule_words(kind: str, param: float, gap: int, rearm: float, lang: str) -> str:
    """The dip rule in words, for tables and charts (numbers are fine there)."""
    if kind == "largest_falls":
        return WORDS.text("rule.largest_falls", lang, n=int(param)) + (
            WORDS.text("rule.gap", lang, gap=gap) if gap else "")
    back = WORDS.text("rule.rearm_high", lang) if rearm == 0 else WORDS.text("rule.rearm_within", lang,
                                                                             rearm=f"{rearm:g}")
    return WORDS.text("rule.below_high", lang, n=f"{param:g}", back=back)


def _dips_chart(main: pd.DataFrame, k: int, start: str) -> Chart:
    """The 12-month return after each of the largest one-day falls, best first; the sell-off in red."""
    ranked = main.dropna(subset=["fwd_12m_pct"])
    evr = main[main["is_event"]].iloc[0]
    best = ranked.sort_values("rank").iloc[0]
    data = main[["entry_date", "signal_pct", "exit_date", "fwd_12m_pct", "rank", "is_event"]]
    data = data.assign(**{f"label_{lang}": [(f"{int(r)}. " if pd.notna(r) else "") + formats.date(t, lang)
                                            for r, t in zip(data["rank"], data["entry_date"], strict=True)]
                          for lang in ("en", "ja")})
    return ChartWords("investor", "dip-entries").spec(
        "bars", data,
        params={"label": "label", "value": "fwd_12m_pct", "sort": {"by": "rank"}, "tick_fontsize": 9,
                "colour": {"column": "is_event", "map": {"True": "negative"}, "default": "muted"}, "zero_line": True},
        fill=per_lang(lambda lang: {
            "k": k, "start": pd.Timestamp(start).year, "n": len(main), "date": fmt.date(evr["entry_date"].date(), lang),
            "rank": int(evr["rank"]), "of": len(ranked), "ret": fmt.pct(evr["fwd_12m_pct"], 1, signed=True),
            "best_date": fmt.date(best["entry_date"].date(), lang),
            "best_ret": fmt.pct(best["fwd_12m_pct"], 1, signed=True)}),
        size=(6.0, 4.2),
    )


def _dips(res: MarketResults, values: Values) -> tuple[list[Chart], list[Table]]:
    sens = res.dips.sensitivity.reindex(columns=[*res.dips.sensitivity.columns, *(
        c for c in ("episode_entry_date", "episode_fwd_pct", "episode_rank", "episode_top3")
        if c not in res.dips.sensitivity.columns)])
    ent = res.dips.entries
    ns = sorted({r.param for r in DEFAULT_RULES if r.kind == "below_high"})
    gaps = sorted({r.min_gap_days for r in DEFAULT_RULES if r.min_gap_days})
    values.metric("dip_n_list", fmt.LIST_SEP.join(f"{n:g}%" for n in ns), "list", formula="N in the below-high rules")
    values.metric("dip_gap_days", gaps[0] if gaps else 0, "int", formula="de-clustering gap (sessions)")
    done = sens[sens["status"] == OK]
    if len(done):
        later = done[~done["event_is_entry"]]
        if len(later):
            x = later.sort_values("episode_rank").iloc[0]
            put(values, "dip_later_entry_date", x["episode_entry_date"], "date", inputs=("snapshot:NVDA",))
            put(values, "dip_later_entry_rank", int(x["episode_rank"]), "int", formula="rank of that entry")
            put(values, "dip_later_entry_n", int(x["n_ranked"]), "int", formula="ranked entries under that rule")
            put(values, "dip_later_entry_fwd_pct", x["episode_fwd_pct"], "pct_signed", decimals=1,
                inputs=("snapshot:NVDA",), formula="12-month return from that entry")
            put(values, "dip_later_threshold_pct", x["param"], "pct", decimals=0,
                formula="N of the best-ranked below-the-high rule for the episode")
    main = ent[ent["rule_id"] == MAIN_RULE].copy()
    charts: list[Chart] = []
    m = row_where(sens, "rule_id", MAIN_RULE) if MAIN_RULE in set(sens["rule_id"]) else None
    if m is not None and m["status"] == OK:
        put(values, "dip_main_rank", int(m["episode_rank"]), "int",
            formula=f"rank of {EVENT.date().isoformat()} among the largest falls of rule {MAIN_RULE}")
        put(values, "dip_main_n", int(m["n_ranked"]), "int", formula="entries ranked under that rule")
        put(values, "dip_main_k", int(m["param"]), "int", formula=f"K, the falls counted by rule {MAIN_RULE}")
        ranked = main.dropna(subset=["fwd_12m_pct"])
        fall_rank = int((ranked["signal_pct"] < float(main.loc[main["is_event"], "signal_pct"].iloc[0])).sum()) + 1
        put(values, "dip_event_fall_rank", fall_rank, "int", inputs=("snapshot:NVDA",),
            formula=f"rank of the {EVENT.date().isoformat()} fall by size among the falls of rule {MAIN_RULE}")
        best = ranked.sort_values("rank").iloc[0]
        put(values, "dip_main_best_date", best["entry_date"], "date", inputs=("snapshot:NVDA",))
        put(values, "dip_main_best_fwd_pct", best["fwd_12m_pct"], "pct_signed", decimals=0, inputs=("snapshot:NVDA",))
        charts.append(_dips_chart(main, int(m["param"]), DIP_START))
    rules = list(zip(sens["kind"], sens["param"], sens["min_gap_days"], sens["rearm_pct"], strict=True))
    sens["rule_en"] = [rule_words(kind, param, int(gap), rearm, "en") for kind, param, gap, rearm in rules]
    sens["rule_ja"] = [rule_words(kind, param, int(gap), rearm, "ja") for kind, param, gap, rearm in rules]
    data = sens.drop(columns=[c for c in ("reason",) if c in sens])

    def rank_cell(v: str, lang: str, df: pd.DataFrame = data) -> str:
        r = row_where(df, "rule_id", v)
        if r["status"] != OK:
            return status_word(r["status"], lang)
        return WORDS.text("rank", lang, rank=int(r["episode_rank"]), n=int(r["n_ranked"]))

    def top3(v: bool | float | None, lang: str) -> str:
        if pd.isna(v):
            return "–"
        return COMMON.text("yes" if bool(v) else "no", lang)

    table = Table(
        id="dip-sensitivity-table",
        data=data,
        columns=(
            Column("rule_en", COLUMNS["entry_rule"], english_or_japanese(data, "rule_en", "rule_ja")),
            Column("event_is_entry", COLUMNS.fill("event_is_entry", day={
                lang: fmt.day_month(EVENT.date(), lang) for lang in ("en", "ja")}), top3),
            Column("episode_entry_date", COLUMNS["episode_entry"], col_date),
            Column("episode_fwd_pct", COLUMNS["episode_return"], col_pct(1), "right"),
            Column("rule_id", COLUMNS["rank"], rank_cell, "right", sort="episode_rank"),
            Column("episode_top3", COLUMNS["top3"], top3),
        ),
        caption=CAPTION["dips"],
        sortable=True,
    )
    return charts, [table]


def build(inp: Inputs, values: Values) -> Products:
    res = market(inp)
    bt = _returns_wide(res, SHOCK)
    _backtest_values(values)
    charts: list[Chart] = []
    latest = bt[bt["horizon"] == "latest"]
    last = pd.Timestamp(latest["exit_date"].iloc[0]) if len(latest) and latest["status"].iloc[0] == OK else None
    growth = _growth_chart(inp, last)
    if growth is not None:
        charts.append(growth)

    def cell(v: float, lang: str) -> str:
        return status_word(NOT_YET, lang) if pd.isna(v) else fmt.pct(v, 1, lang, signed=True)

    table = Table(
        id="backtest-table",
        data=bt,
        columns=(
            Column("horizon", COLUMNS["held_for"], lambda v, lang: HORIZON_WORDS[v][lang]),
            Column("exit_date", COLUMNS["sold_on"], col_date),
            *(Column(f"{a.lower()}_return_pct", COLUMNS.fill("asset", ticker=a), cell, "right") for a in ASSETS),
            Column("nvda_minus_spy_pp", COLUMNS["nvda_minus_spy"],
                   lambda v, lang: "–" if pd.isna(v) else fmt.number(v, 1, lang, signed=True), "right"),
        ),
        caption=CAPTION["backtest"],
    )
    entries = _entries(res)
    tables = [table, _entries_table(entries)] if len(entries) else [table]
    c, t = _dips(res, values)
    charts = ensure_charts(charts + c, {
        "buy-the-dip": "investor", "dip-entries": "investor",
    }, res.as_of.date())
    return Products(charts=charts, tables=tables + t)
