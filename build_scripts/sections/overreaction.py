"""Section 3: the sell-off measured — abnormal returns, the market value lost, how long each stock
took to get back, and whether the demand the market feared for actually fell.

Every number comes from `analysis.market` (one run per build, see `market_results`); this module
only chooses what to show and how to say it in each language.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import fmt
from ..analysis.backtest import PATH_START
from ..analysis.market import MarketResults
from ..analysis.metric import number
from ..analysis.recovery import DATA_ENDED, NEVER, OK, PRE_SHOCK
from ..charts import formats
from ..charts.spec import Chart, ChartWords, per_lang
from ..escape import Html
from ..tables import Cell, Column, Table, col_date, col_number, col_pct
from ..values import Kind, Values
from . import Inputs, Products
from .common import GRADE_HEADER, Labels, col_big, col_grade, english_or_japanese, results, row_of_min, row_where
from .demand import demand_products
from .market_results import (
    GROUP_ORDER,
    day_label,
    ensure_charts,
    group_colours,
    group_name,
    market,
    ok,
    put,
    status_word,
    with_group_labels,
)

# Conventional two-sided 5% critical value for the t-statistics on the page.
T_CRIT = 1.96
# Words in docs/catalog/<lang>/overreaction.yaml.
WORDS = Labels("overreaction")
COLUMNS = Labels("overreaction.columns")
CAPTION = Labels("overreaction.caption")


def short_name(inp: Inputs, ticker: str, lang: str) -> str:
    """A label that fits a phone-width chart: the ticker's short label in data/tickers.yaml."""
    return inp.tickers[ticker].short_label(lang)


# --- event study ---------------------------------------------------------------------------------

def _day0_chart(inp: Inputs, day0: pd.DataFrame) -> Chart:
    """Every ticker's one-day return, ranked, coloured by group."""
    ev = inp.event_day
    worst, best = day0.iloc[0], day0.iloc[-1]
    nv = day0.set_index("ticker")["ret_pct"].get("NVDA", np.nan)
    name = {"en": "name", "ja": "name_ja"}
    data = with_group_labels(day0[["rank", "ticker", "name", "name_ja", "group", "event_day", "ret_pct", "ar_pct",
                                   "t_day0", "label_en", "label_ja"]])
    return ChartWords("overreaction", "day0-moves").spec(
        "bars", data,
        params={"label": "label", "value": "ret_pct", "sort": {"by": "ret_pct", "ascending": False},
                "colour": {"column": "group", "map": group_colours()}, "zero_line": True,
                "legend": {"column": "group", "order": list(GROUP_ORDER), "label": "group_label", "loc": "below",
                           "offset": -0.09, "ncols": 2, "fontsize": 9}},
        fill=per_lang(lambda lang: {
            "date": fmt.date(ev, lang), "n": len(day0), "fell": int((day0["ret_pct"] < 0).sum()),
            "worst": worst[name[lang]], "worst_pct": fmt.pct(worst["ret_pct"], 1), "nvda_pct": fmt.pct(nv, 1),
            "best": best[name[lang]], "best_pct": fmt.pct(best["ret_pct"], 1, signed=True)}),
        size=(6.0, 7.4),
    )


def _car_chart(inp: Inputs, gp: pd.DataFrame) -> Chart:
    """Group portfolios' cumulative abnormal returns, counted from day 0 like the tables."""
    w = ChartWords("overreaction", "car-paths")
    last = gp.loc[gp.groupby("group")["rel_day"].idxmax()].set_index("group")
    return w.spec(
        "lines", with_group_labels(gp),
        params={"x": "rel_day", "y": "car_pct", "linewidth": 1.8,
                "series": {"column": "group", "order": [g for g in GROUP_ORDER if g != "index"],
                           "colours": group_colours(), "label": "group_label"},
                "hlines": [{"at": 0}], "vlines": [{"at": 0, "colour": "negative", "style": "--", "width": 1}],
                "legend": {"loc": "below", "offset": -0.2, "ncols": 2, "fontsize": 9}},
        fill=per_lang(lambda lang: {
            "date": fmt.date(inp.event_day, lang), "first": fmt.number(gp["rel_day"].min(), 0),
            "end": fmt.number(gp["rel_day"].max(), 0),
            "values": w.listing(lang, "value", ({"group": group_name(str(g), lang),
                                                 "car": fmt.pct(r["car_pct"], 1, signed=True)}
                                                for g, r in last.iterrows()))}),
        size=(6.0, 4.4),
    )


def _study_frames(inp: Inputs, res: MarketResults) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(day-0 ranking, per-ticker statistics with the QQQ check, group portfolios)."""
    es = res.event_study
    day0 = es.day0.copy()
    for lang in ("en", "ja"):
        day0[f"label_{lang}"] = [short_name(inp, t, lang) for t in day0["ticker"]]
    day0["name_ja"] = [inp.tickers[t].name_ja for t in day0["ticker"]]
    s = es.stats
    spy = s[(s["benchmark"] == "SPY") & (s["status"] == OK)].copy()
    qqq = s.loc[s["benchmark"] == "QQQ", ["ticker", "beta", "ar_day0_pct", "t_day0", "se_car_0_0_pp"]].rename(
        columns={"beta": "beta_qqq", "ar_day0_pct": "ar_day0_qqq_pct", "t_day0": "t_day0_qqq",
                 "se_car_0_0_pp": "se_car_0_0_qqq_pp"})
    stats = spy.merge(qqq, on="ticker", how="left")
    stats["name_ja"] = [inp.tickers[t].name_ja for t in stats["ticker"]]
    groups = es.group_stats[es.group_stats["status"] == OK].copy()
    return day0, stats, groups


def _stat(stats: pd.DataFrame, ticker: str, col: str) -> float:
    row = stats[stats["ticker"] == ticker]
    return float(row[col].iloc[0]) if not row.empty and col in row else float("nan")


def _study_values(res: MarketResults, values: Values, day0: pd.DataFrame) -> None:
    """Day-0 figures that name a ticker; every other event-study figure comes from the analysis."""
    src = ("snapshot",)
    if len(day0):
        worst, best = day0.iloc[0], day0.iloc[-1]
        sides: tuple[tuple[str, pd.Series, Kind], ...] = (("worst", worst, "pct"), ("best", best, "pct_signed"))
        for tag, row, kind in sides:
            values.labelled(f"day0_{tag}_name", row["ticker"], {"en": row["name"], "ja": row["name_ja"]},
                            ref=f"metric:day0_{tag}_name")
            values.metric(f"day0_{tag}_return_pct", row["ret_pct"], kind, decimals=1,
                          inputs=(f"snapshot:{row['ticker']}",), formula=f"{tag} one-day return that day")
    values.metric("day0_fallers", int((day0["ret_pct"] < 0).sum()), "int", inputs=src,
                  formula="tickers with a negative return that day")
    values.metric("day0_tickers", len(day0), "int", inputs=src,
                  formula="tickers with a close that day and the session before")
    spec = res.event_study.spec
    windows = fmt.LIST_SEP.join(f"[{a},{f'+{b}' if b else b}]" for a, b in spec.car_windows)
    values.metric("es_car_windows", windows, "list",
                  formula="study.car_windows in data/event.yaml")


def _first(df: pd.DataFrame, ticker: str, col: str) -> object:
    row = df[df["ticker"] == ticker]
    return row[col].iloc[0] if not row.empty else None


def _with_interval(df: pd.DataFrame, value: str, se: str, z: float, missing: str = "not yet testable") -> Cell:
    """Cell for `value` with the half-width of its confidence interval (z × standard error); a
    missing figure reads as `missing` (a status word)."""
    errs = dict(zip(df[value], df[se], strict=False))

    def cell(v: float, lang: str) -> str:
        if pd.isna(v):
            return status_word(missing, lang)
        e = errs.get(v, np.nan)
        return fmt.pct(v, 2, lang, signed=True) + ("" if pd.isna(e) else f" ±{fmt.number(z * e, 1)}")
    return cell


def _car_columns(df: pd.DataFrame, z: float, qqq: bool, windows: list[tuple[int, int]]) -> list[Column]:
    """Day 0, then each CAR window of data/event.yaml that runs past day 0."""
    cols = [Column("ar_day0_pct", COLUMNS["ar_day0"], _with_interval(df, "ar_day0_pct", "se_car_0_0_pp", z), "right")]
    for a, b in windows:
        if b == 0:
            continue
        cols.append(Column(f"car_{a}_{b}_pct", COLUMNS.fill("car", first=a, last=b),
                           _with_interval(df, f"car_{a}_{b}_pct", f"se_car_{a}_{b}_pp", z), "right"))
    if qqq:
        cols.append(Column("ar_day0_qqq_pct", COLUMNS["ar_day0_qqq"],
                           # QQQ and the index it tracks are not regressed on themselves.
                           _with_interval(df, "ar_day0_qqq_pct", "se_car_0_0_qqq_pp", z, "not applicable"),
                           "right"))
    return cols


def _confidence_html(inp: Inputs) -> Html:
    """The confidence level as a traced value, for captions assembled here."""
    level = results(inp).number("es_confidence_pct")
    return Html('<span class="v" data-ref="metric:es_confidence_pct">{}</span>').format(fmt.pct(level, 0))


def _study_products(inp: Inputs, day0: pd.DataFrame, stats: pd.DataFrame, groups: pd.DataFrame,
                    paths: pd.DataFrame, z: float) -> tuple[list[Chart], list[Table]]:
    level = _confidence_html(inp)
    charts = [_day0_chart(inp, day0)] if len(day0) else []
    gp = paths[(paths["level"] == "group") & (paths["benchmark"] == "SPY") & (paths["group"] != "index")]
    # Days after the edition's as_of have no abnormal return yet; the chart stops at the last known day.
    gp = gp[["group", "rel_day", "date", "ar_pct", "car_pct"]].dropna(subset=["car_pct"]).reset_index(drop=True)
    if not gp.empty:
        charts.append(_car_chart(inp, gp))
    windows = list(inp.event.study.car_windows)
    table = Table(
        id="event-study-table",
        data=stats,
        columns=(
            Column("ticker", COLUMNS["company"], lambda v, lang: short_name(inp, v, lang)),
            Column("group", COLUMNS["group"], group_name),
            Column("n_obs", COLUMNS["returns_used"], col_number(0), "right"),
            Column("n_dropped", COLUMNS["dropped"], col_number(0), "right"),
            Column("beta", COLUMNS["beta"], col_number(2), "right"),
            Column("ret_day0_pct", COLUMNS["return_day0"], col_pct(2), "right"),
            *_car_columns(stats, z, qqq=True, windows=windows),
        ),
        caption=CAPTION.markup("event_study", level=level),
        sortable=True,
    )
    group_table = Table(
        id="event-study-groups",
        data=groups,
        columns=(
            Column("group", COLUMNS["group"], group_name),
            Column("benchmark", COLUMNS["benchmark"]),
            Column("beta", COLUMNS["beta"], col_number(2), "right"),
            *_car_columns(groups, z, qqq=False, windows=windows),
        ),
        caption=CAPTION.markup("groups", level=level),
        sortable=True,
    )
    return charts, [table, group_table]


def _reversal_table(inp: Inputs) -> Table:
    """Did the abnormal fall come back? Nvidia's CAR after day 0, with its interval, the smallest
    effect each window could detect, the share of the day-0 fall reversed, and Nvidia against the
    semiconductor fund over the same sessions."""
    r = results(inp)
    fund = inp.event.study.sector_fund.lower()
    level = fmt.pct(inp.event.study.confidence * 100, 0)
    rows = []
    for a, b in inp.event.study.reversal_windows:
        def get(name: str) -> float:
            return r.number(name) if r.has(name) else np.nan
        rows.append({"window": f"[+{a},+{b}]", "first": a, "last": b,
                     "car_pct": get(f"nvda_car_{a}_{b}_pct"), "ci_lo_pct": get(f"nvda_ci_lo_car_{a}_{b}_pct"),
                     "ci_hi_pct": get(f"nvda_ci_hi_car_{a}_{b}_pct"), "mde_pp": get(f"nvda_mde_car_{a}_{b}_pp"),
                     "reversal_pct": get(f"nvda_reversal_{a}_{b}_pct"),
                     "nvda_minus_fund_pp": get(f"nvda_minus_{fund}_{a}_{b}_pp")})
    df = pd.DataFrame(rows)

    def interval(w: str, lang: str) -> str:
        x = df.set_index("window").loc[w]
        if pd.isna(x["ci_lo_pct"]):
            return status_word("not yet testable", lang)
        return WORDS.text("interval_range", lang, low=fmt.pct(x["ci_lo_pct"], 1, lang, signed=True),
                          high=fmt.pct(x["ci_hi_pct"], 1, lang, signed=True))

    return Table(
        id="reversal-table",
        data=df,
        columns=(
            Column("window", COLUMNS["sessions_after"]),
            Column("car_pct", COLUMNS["nvda_car"], col_pct(1), "right"),
            Column("window", COLUMNS.fill("interval", level=level), interval, "right"),
            Column("mde_pp", COLUMNS["mde"], col_number(0), "right"),
            Column("reversal_pct", COLUMNS["reversed"], col_pct(0, signed=False), "right"),
            Column("nvda_minus_fund_pp", COLUMNS.fill("nvda_minus_fund", fund=fund.upper()),
                   col_number(1, signed=True), "right"),
        ),
        caption=CAPTION["reversal"],
    )


# --- market value lost ---------------------------------------------------------------------------

def _mcap_chart(df: pd.DataFrame, prior_busd: float) -> Chart:
    """The reported one-day losses against the previous record."""
    rec = df[df["kind"] == "reported"]["busd"]
    return ChartWords("overreaction", "mcap-lost").spec(
        "bars", df,
        params={"label": "label", "value": "busd",
                "colour": {"column": "kind", "map": {"reported": "negative"}, "default": "muted"},
                "value_text": {"format": "usd", "times": 1e9, "decimals": 0, "fontsize": 9},
                "axis": {"pad": 1.3, "units": formats.BILLIONS}},
        fill=per_lang(lambda lang: {"low": fmt.usd(rec.min() * 1e9, lang, 0), "high": fmt.usd(rec.max() * 1e9, lang, 0),
                                    "prior": fmt.usd(prior_busd * 1e9, lang, 0)}),
        size=(6.0, 2.6),
    )


def _publisher(inp: Inputs, fid: str) -> str:
    return inp.facts[fid].source.publisher.split(" (")[0]


def _market_value(inp: Inputs, res: MarketResults, values: Values) -> tuple[list[Chart], list[Table]]:
    mv = res.market_value
    for fid, name in (("nvda_mcap_loss_2025-01-27_589", "mcap_loss_low_usd"),
                      ("nvda_mcap_loss_2025-01-27_593", "mcap_loss_high_usd")):
        values.fact(fid, "usd", name=name, scale=1e9)
    if mv.status != OK:
        return [], []
    values.fact("nvda_close_2025-01-24", "usd", name="nvda_prev_close_usd", decimals=2)
    facts = ("nvda_close_2025-01-24", "snapshot:NVDA")
    put(values, "nvda_price_change_usd", mv.price_change_usd, "usd", decimals=2, inputs=facts,
        formula="quoted close on the day before × day-0 return of the adjusted series")
    for side in ("low", "high"):
        put(values, f"nvda_implied_shares_{side}", getattr(mv, f"implied_shares_{side}_bn") * 1e9, "count",
            decimals=2, inputs=(*facts, *mv.reported_facts), formula="reported loss ÷ price change per share")
        put(values, f"mcap_times_prior_{side}", getattr(mv, f"times_prior_record_{side}"), "multiple",
            decimals=1, inputs=(*mv.reported_facts, *(f for f in (mv.prior_record_fact,) if f)),
            formula="reported loss ÷ previous record loss")
    put(values, "mcap_prior_record_usd", mv.prior_record_busd * 1e9, "usd", decimals=0,
        inputs=tuple(f for f in (mv.prior_record_fact,) if f) or mv.reported_facts,
        formula=f"previous one-day record, from {mv.prior_record_source}")
    put(values, "mcap_loss_source_low", _publisher(inp, "nvda_mcap_loss_2025-01-27_589"), "text",
        inputs=("nvda_mcap_loss_2025-01-27_589",))
    put(values, "mcap_loss_source_high", _publisher(inp, "nvda_mcap_loss_2025-01-27_593"), "text",
        inputs=("nvda_mcap_loss_2025-01-27_593",))
    rows = []
    for fid in mv.reported_facts:
        f = inp.facts[fid]
        pub = _publisher(inp, fid)
        label = WORDS.fill("mcap.reported", publisher=pub)
        rows.append({"kind": "reported", "label_en": label["en"], "label_ja": label["ja"],
                     "busd": number(f), "implied_shares_bn": number(f) / -mv.price_change_usd,
                     "fact_id": fid, "grade": f.grade})
    if ok(mv.prior_record_busd):
        rows.append({"kind": "prior", "label_en": WORDS.text("mcap.prior", "en"),
                     "label_ja": WORDS.text("mcap.prior", "ja"),
                     "busd": mv.prior_record_busd, "implied_shares_bn": np.nan,
                     "fact_id": mv.prior_record_fact,
                     "grade": inp.facts[mv.prior_record_fact].grade if mv.prior_record_fact else ""})
    df = pd.DataFrame(rows)
    chart = _mcap_chart(df, mv.prior_record_busd)
    table = Table(
        id="mcap-lost-table",
        data=df,
        columns=(
            Column("kind", COLUMNS["figure"],
                   lambda v, lang: WORDS.text("mcap.reported_loss" if v == "reported" else "mcap.prior", lang)),
            Column("label_en", COLUMNS["source"], english_or_japanese(df, "label_en", "label_ja")),
            Column("busd", COLUMNS["busd"], col_big(0, 1e9), "right"),
            Column("implied_shares_bn", COLUMNS["implied_shares"], col_big(2, 1e9), "right"),
            Column("grade", GRADE_HEADER, col_grade),
        ),
        caption=CAPTION["mcap"],
    )
    return [chart], [table]


# --- recovery and the price path -----------------------------------------------------------------

def _recovery_chart(data: pd.DataFrame, back: pd.DataFrame, never: pd.DataFrame) -> Chart:
    """Trading days each ticker took to close above its pre-sell-off close; a word where it has not."""
    w = ChartWords("overreaction", "recovery-days")
    name = {"en": "name", "ja": "name_ja"}

    def fill(lang: str) -> dict[str, object]:
        def one(part: str, r: pd.Series) -> str:
            return w.part(lang, part, name=r[name[lang]], days=fmt.days(r["trading_days"], lang))
        return {"n": len(data), "pre": fmt.date(PRE_SHOCK.date(), lang), "back": len(back),
                "fastest": one("fastest", back.iloc[0]) if len(back) else "",
                "slowest": one("slowest", back.iloc[-1]) if len(back) else "",
                "ending": w.part(lang, "never", names=w.part(lang, "sep").join(never[name[lang]])) if len(never)
                else w.part(lang, "all_back")}

    return w.spec(
        "bars", with_group_labels(data),
        params={"label": "label", "value": "trading_days", "notes": {"column": "status"},
                "colour": {"column": "group", "map": group_colours()},
                "legend": {"column": "group", "order": list(GROUP_ORDER), "label": "group_label", "loc": "below",
                           "offset": -0.1, "ncols": 2, "fontsize": 9}},
        fill=per_lang(fill),
        size=(6.0, 7.0),
    )


def _days_cell(data: pd.DataFrame) -> Cell:
    """Trading days back, or why there is no number: not back yet, or the series stops first."""
    def cell(t: str, lang: str) -> str:
        r = row_where(data, "ticker", t)
        if r["status"] == DATA_ENDED:
            return WORDS.text("data_end", lang, date=fmt.date(pd.Timestamp(r["data_end"]).date(), lang))
        return status_word(NEVER, lang) if pd.isna(r["trading_days"]) else fmt.number(r["trading_days"], 0)
    return cell


def _recovery(inp: Inputs, res: MarketResults, _values: Values) -> tuple[list[Chart], list[Table]]:
    rec = res.recovery[res.recovery["status"].isin([OK, NEVER, DATA_ENDED])].copy()
    if rec.empty:
        return [], []
    rec["name_ja"] = [inp.tickers[t].name_ja for t in rec["ticker"]]
    for lang in ("en", "ja"):
        rec[f"label_{lang}"] = [short_name(inp, t, lang) for t in rec["ticker"]]
    rec["last_close_date"] = [inp.closes[t].dropna().loc[: pd.Timestamp(inp.as_of)].index.max()
                              for t in rec["ticker"]]
    rec = rec.sort_values(["recovered", "trading_days"], ascending=[False, True], na_position="last")
    back = rec[rec["recovered"].astype(bool)]
    never = rec[~rec["recovered"].astype(bool)]
    cols = ["ticker", "name", "name_ja", "group", "status", "recovered", "day1_pct", "trough_pct", "trough_date",
            "recovery_date", "trading_days", "calendar_days", "data_end", "last_close_date", "label_en", "label_ja",
            "reason"]
    data = rec[cols].reset_index(drop=True)
    chart = _recovery_chart(data, back, never)
    table = Table(
        id="recovery-table",
        data=data,
        columns=(
            Column("ticker", COLUMNS["ticker"]),
            Column("name", COLUMNS["company"], english_or_japanese(data, "name", "name_ja")),
            Column("group", COLUMNS["group"], group_name),
            Column("day1_pct", COLUMNS["day0"], col_pct(1), "right"),
            Column("trough_pct", COLUMNS["worst_close"], col_pct(1), "right"),
            Column("trough_date", COLUMNS["worst_on"], col_date),
            Column("ticker", COLUMNS["days_back"], _days_cell(data), "right", sort="trading_days"),
            Column("recovery_date", COLUMNS["back_on"], col_date),
            Column("last_close_date", COLUMNS["data_to"], col_date),
        ),
        caption=CAPTION["recovery"],
        sortable=True,
    )
    return [chart], [table]


def _path_chart(paths: pd.DataFrame, notes: pd.DataFrame, last: pd.DataFrame) -> Chart:
    """Nvidia, SOXX and SPY rebased to the pre-sell-off close, with the dated events marked."""
    w = ChartWords("overreaction", "nvda-path")
    lines = paths.assign(kind="line")
    marks = notes.dropna(subset=["plot_date"])
    marks = pd.DataFrame({"date": marks["plot_date"], "ticker": "NVDA", "index_level": marks["index_level"],
                          "kind": "mark", "mark": marks["key"]})
    data = pd.concat([lines, marks], ignore_index=True)
    base = PRE_SHOCK.date()

    def fill(lang: str) -> dict[str, object]:
        return {
            "start": formats.month(PATH_START.date(), lang, long=True),
            "first": fmt.date(paths["date"].min().date(), lang),
            "base": fmt.date(base, lang), "base_short": formats.day(base, lang),
            "marks": w.listing(lang, "mark", ({"mark": w.word(lang, f"marks.{k}"),
                                               "date": fmt.date(pd.Timestamp(d).date(), lang)}
                                              for k, d in zip(notes["key"], notes["date"], strict=True))),
            "ends": w.listing(lang, "end", ({"ticker": t, "level": fmt.number(last.loc[t, "index_level"], 0)}
                                            for t in last.index))}

    return w.spec(
        "lines", data,
        params={"x": "date", "y": "index_level", "where": {"kind": "line"},
                "series": {"column": "ticker", "order": ["NVDA", "SOXX", "SPY"],
                           "colours": {"NVDA": "series:0", "SOXX": "series:1", "SPY": "series:2"}},
                "hlines": [{"at": 100}], "pad_bottom": 0.15, "dates": [1, 7],
                "marks": {"where": {"kind": "mark"}, "key": "mark",
                          "offsets": {"r1_release": [-40, 30], "deepseek_shock": [-58, -26],
                                      "april_2025_low": [14, -22], "first_4t_close": [-80, 26],
                                      "first_5t_close": [-30, 34]}},
                "legend": {"loc": "upper left", "fontsize": 10}},
        fill=per_lang(fill),
        size=(6.0, 4.0),
    )


def _path(_inp: Inputs, res: MarketResults, values: Values) -> tuple[list[Chart], list[Table]]:
    paths, notes = res.price_paths, res.annotations
    if paths.empty:
        return [], []
    last = paths.groupby("ticker").tail(1).set_index("ticker")
    low = paths[paths["ticker"] == "NVDA"]
    low = low[low["date"] >= PRE_SHOCK]
    put(values, "path_start_date", paths["date"].min(), "date", formula="first day of the chart")
    for t in last.index:
        put(values, f"path_{t.lower()}_last_level", last.loc[t, "index_level"], "number", decimals=0,
            inputs=(f"snapshot:{t}",),
            formula=f"last adjusted close ÷ {PRE_SHOCK.date().isoformat()} close × 100")
        put(values, f"path_{t.lower()}_last_date", last.loc[t, "date"], "date", inputs=(f"snapshot:{t}",))
    if not low.empty:
        r = row_of_min(low, "index_level")
        put(values, "path_nvda_low_level", r["index_level"], "number", decimals=0, inputs=("snapshot:NVDA",),
            formula=f"lowest NVDA close after the sell-off, {PRE_SHOCK.date().isoformat()} = 100")
        put(values, "path_nvda_low_date", r["date"], "date", inputs=("snapshot:NVDA",))
    for key, fid, name in (("r1_release", "r1_release_date", "path_r1_date"),
                           ("april_2025_low", "nvda_2025_low_close", "path_april_low_date"),
                           ("first_4t_close", "nvda_first_4t_close", "path_4t_date"),
                           ("first_5t_close", "nvda_first_5t", "path_5t_date")):
        if key in set(notes["key"]):
            values.fact_date(fid, name=name)
    if "april_2025_low" in set(notes["key"]):
        values.fact("nvda_2025_low_close", "usd", name="path_april_low_close_usd", decimals=2)
    if "first_4t_close" in set(notes["key"]):
        values.fact("nvda_first_4t_close", "usd", name="path_4t_close_usd", decimals=2)
        values.fact("nvda_first_4t_close_mcap", "usd", name="path_4t_mcap_usd", scale=1e12)
    if "first_5t_close" in set(notes["key"]):
        values.fact("nvda_first_5t", "usd", name="path_5t_mcap_usd", key="mcap_usd_t", scale=1e12)
    chart = _path_chart(paths, notes, last)
    return [chart], []


def build(inp: Inputs, values: Values) -> Products:
    res = market(inp)
    day0, stats, groups = _study_frames(inp, res)
    _study_values(res, values, day0)
    charts, tables = _study_products(inp, day0, stats, groups, res.event_study.car_paths, res.event_study.spec.z)
    tables.append(_reversal_table(inp))
    for part in (_market_value, _recovery, _path, demand_products):
        c, t = part(inp, res, values)
        charts += c
        tables += t
    charts = ensure_charts(charts, {
        "day0-moves": "overreaction", "car-paths": "overreaction", "mcap-lost": "overreaction",
        "recovery-days": "overreaction", "nvda-path": "overreaction", "dc-revenue": "demand",
        "capex-plan-actual": "demand",
    }, res.as_of.date())
    values.metric("market_as_of", res.as_of.date(), "date", formula="edition date (as_of)")
    put(values, "market_last_price_date", res.last_price_date, "date", formula="last price date used")
    return Products(charts=charts, tables=tables)


__all__ = ["build", "day_label", "short_name"]
