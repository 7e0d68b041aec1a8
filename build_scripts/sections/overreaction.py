"""Section 3: the sell-off measured — abnormal returns, the market value lost, how long each stock
took to get back, and whether the demand the market feared for actually fell.

Every number comes from `analysis.market` (one run per build, see `market_results`); this module
only chooses what to show and how to say it in each language.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from .. import fmt
from ..analysis.market import MarketResults
from ..analysis.recovery import DATA_ENDED, NEVER, OK, PRE_SHOCK
from ..charts.render import Chart
from ..charts.style import Palette
from ..tables import Column, Table, col_date, col_number, col_pct
from ..values import Values
from . import Inputs, Products, both
from .common import GRADE_HEADER, Labels, col_grade
from .demand import demand_products
from .market_results import (
    GROUP_NAMES,
    GROUP_ORDER,
    day_label,
    ensure_charts,
    group_colours,
    group_name,
    market,
    month_axis,
    ok,
    put,
    status_word,
)

# Conventional two-sided 5% critical value for the t-statistics on the page.
T_CRIT = 1.96
# Words in docs/catalog/<lang>/overreaction.yaml.
WORDS = Labels("overreaction")
COLUMNS = Labels("overreaction.columns")
CAPTION = Labels("overreaction.caption")
SOURCE_PRICES = both("Source: daily adjusted closes in this project's snapshot.",
                     "出典：当プロジェクトの日次価格スナップショット（調整後終値）。")


def short_name(inp: Inputs, ticker: str, lang: str) -> str:
    """A label that fits a phone-width chart: the ticker's short label in data/tickers.yaml."""
    return inp.tickers[ticker].short_label(lang)


# --- event study ---------------------------------------------------------------------------------

def _draw_moves(ax: Axes, df: pd.DataFrame, lang: str, pal: Palette) -> None:
    d = df.sort_values("ret_pct", ascending=False).reset_index(drop=True)
    colours = group_colours(pal)
    ax.barh(range(len(d)), d["ret_pct"], color=[colours[g] for g in d["group"]])
    ax.set_yticks(range(len(d)), d[f"label_{lang}"])
    ax.invert_yaxis()
    ax.axvline(0, color=pal.muted, linewidth=0.8)
    ax.set_xlabel(both("One-day return (%)", "1日の騰落率（%）")[lang])
    ax.grid(axis="y", visible=False)
    seen = [g for g in GROUP_ORDER if g in set(d["group"])]
    handles = [ax.bar(0, 0, color=colours[g], label=GROUP_NAMES[g][lang]) for g in seen]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.09), ncols=2, fontsize=9)


def _draw_car(ax: Axes, df: pd.DataFrame, lang: str, pal: Palette) -> None:
    colours = group_colours(pal)
    for g in GROUP_ORDER:
        part = df[df["group"] == g]
        if part.empty:
            continue
        ax.plot(part["rel_day"], part["car_pct"], color=colours[g], linewidth=1.8,
                label=GROUP_NAMES[g][lang])
    ax.axhline(0, color=pal.muted, linewidth=0.8)
    ax.axvline(0, color=pal.negative, linestyle="--", linewidth=1)
    ax.set_xlabel(both("Trading days from the sell-off (day 0)", "急落日（0日目）からの営業日数")[lang])
    ax.set_ylabel(both("Cumulative abnormal return (%)", "累積異常リターン（%）")[lang])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, fontsize=9)


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


def _study_values(inp: Inputs, res: MarketResults, values: Values, day0: pd.DataFrame,
                  stats: pd.DataFrame, groups: pd.DataFrame) -> None:
    """Day-0 figures that name a ticker; every other event-study figure comes from the analysis."""
    src = ("snapshot",)
    if len(day0):
        worst, best = day0.iloc[0], day0.iloc[-1]
        for tag, row, kind in (("worst", worst, "pct"), ("best", best, "pct_signed")):
            values.labelled(f"day0_{tag}_name", row["ticker"], {"en": row["name"], "ja": row["name_ja"]},
                            ref=f"metric:day0_{tag}_name")
            values.metric(f"day0_{tag}_return_pct", row["ret_pct"], kind, decimals=1,
                          inputs=(f"snapshot:{row['ticker']}",), formula=f"{tag} one-day return that day")
    values.metric("day0_fallers", int((day0["ret_pct"] < 0).sum()), "int", inputs=src,
                  formula="tickers with a negative return that day")
    values.metric("day0_tickers", len(day0), "int", inputs=src,
                  formula="tickers with a close that day and the session before")
    spec = res.event_study.spec
    values.metric("es_car_windows", ", ".join(f"[{a}, {f'+{b}' if b else b}]" for a, b in spec.car_windows), "text",
                  formula="study.car_windows in data/event.yaml")


def _first(df: pd.DataFrame, ticker: str, col: str) -> object:
    row = df[df["ticker"] == ticker]
    return row[col].iloc[0] if not row.empty else None


def _with_interval(df: pd.DataFrame, value: str, se: str, z: float) -> object:
    """Cell for `value` with the half-width of its confidence interval (z × standard error)."""
    errs = dict(zip(df[value], df[se], strict=False))

    def cell(v: object, lang: str) -> str:
        if pd.isna(v):
            return status_word("not yet testable", lang)
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
                           _with_interval(df, "ar_day0_qqq_pct", "se_car_0_0_qqq_pp", z), "right"))
    return cols


def _confidence_html(inp: Inputs) -> str:
    """The confidence level as a traced value, for captions assembled here."""
    m = inp.results.get("es_confidence_pct")
    return f'<span class="v" data-ref="metric:es_confidence_pct">{fmt.pct(m.value, 0)}</span>'


def _study_products(inp: Inputs, day0: pd.DataFrame, stats: pd.DataFrame, groups: pd.DataFrame,
                    paths: pd.DataFrame, z: float) -> tuple[list[Chart], list[Table]]:
    ev = inp.event_day
    level = _confidence_html(inp)
    fell = int((day0["ret_pct"] < 0).sum())
    charts = []
    if len(day0):
        worst, best = day0.iloc[0], day0.iloc[-1]
        nv = day0.set_index("ticker")["ret_pct"].get("NVDA", np.nan)
        charts.append(Chart(
            id="day0-moves",
            data=day0[["rank", "ticker", "name", "name_ja", "group", "event_day", "ret_pct", "ar_pct",
                       "t_day0", "label_en", "label_ja"]],
            draw=_draw_moves,
            title=both(f"Every ticker's move on {fmt.date(ev, 'en')}", f"{fmt.date(ev, 'ja')}の各銘柄の騰落率"),
            alt={
                "en": f"Ranked bar chart of one-day returns on {fmt.date(ev, 'en')} for {len(day0)} tickers, "
                      f"coloured by group. {fell} fell. The worst was {worst['name']} at "
                      f"{fmt.pct(worst['ret_pct'], 1)}, Nvidia fell {fmt.pct(nv, 1)}, and the best was "
                      f"{best['name']} at {fmt.pct(best['ret_pct'], 1, signed=True)}.",
                "ja": f"{fmt.date(ev, 'ja')}の{len(day0)}銘柄の1日騰落率を順に並べた棒グラフ（グループ別に色分け）。"
                      f"{fell}銘柄が下落。最大の下落は{worst['name_ja']}の{fmt.pct(worst['ret_pct'], 1)}、"
                      f"エヌビディアは{fmt.pct(nv, 1)}、最も上げたのは{best['name_ja']}の"
                      f"{fmt.pct(best['ret_pct'], 1, signed=True)}。",
            },
            source=SOURCE_PRICES,
            size=(6.0, 7.4),
        ))
    gp = paths[(paths["level"] == "group") & (paths["benchmark"] == "SPY") & (paths["group"] != "index")]
    # Days after the edition's as_of have no abnormal return yet; the chart stops at the last known day.
    gp = gp[["group", "rel_day", "date", "ar_pct", "car_pct"]].dropna(subset=["car_pct"]).reset_index(drop=True)
    if not gp.empty:
        last = gp.loc[gp.groupby("group")["rel_day"].idxmax()].set_index("group")
        parts = {lang: "; ".join(f"{group_name(g, lang)} {fmt.pct(r['car_pct'], 1, signed=True)}"
                                 for g, r in last.iterrows()) for lang in ("en", "ja")}
        end = int(gp["rel_day"].max())
        charts.append(Chart(
            id="car-paths",
            data=gp,
            draw=_draw_car,
            title=both("Cumulative abnormal returns by group", "グループ別の累積異常リターン"),
            alt={
                "en": f"Line chart of cumulative abnormal returns (market model vs SPY) of equal-weighted group "
                      f"portfolios from day {int(gp['rel_day'].min())} to day {end} around {fmt.date(ev, 'en')}. "
                      f"Values on day {end}: {parts['en']}.",
                "ja": "グループ別の等ウェイト・ポートフォリオの累積異常リターン（SPYに対するマーケットモデル）"
                      f"の折れ線グラフ。"
                      f"{fmt.date(ev, 'ja')}を0日目とし、{int(gp['rel_day'].min())}日目から{end}日目まで。"
                      f"{end}日目の値：{parts['ja']}。",
            },
            source=both("Source: adjusted closes in this project's snapshot; market model estimated on the "
                        "window before the event.",
                        "出典：当プロジェクトのスナップショットの調整後終値。マーケットモデルは事前の推定期間で推計。"),
            size=(6.0, 4.4),
        ))
    windows = [tuple(w) for w in inp.event.study.car_windows]
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
        caption=CAPTION.fill("event_study", level=level),
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
        caption=CAPTION.fill("groups", level=level),
        sortable=True,
    )
    return charts, [table, group_table]


def _reversal_table(inp: Inputs) -> Table:
    """Did the abnormal fall come back? Nvidia's CAR after day 0, with its interval, the smallest
    effect each window could detect, the share of the day-0 fall reversed, and Nvidia against the
    semiconductor fund over the same sessions."""
    r = inp.results
    fund = inp.event.study.sector_fund.lower()
    level = fmt.pct(inp.event.study.confidence * 100, 0)
    rows = []
    for a, b in inp.event.study.reversal_windows:
        def get(name: str) -> float:
            m = r.get(name)
            return float(m.value) if m is not None else np.nan
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

def _draw_mcap(ax: Axes, df: pd.DataFrame, lang: str, pal: Palette) -> None:
    colours = [pal.negative if k == "reported" else pal.muted for k in df["kind"]]
    y = range(len(df))
    ax.barh(y, df["busd"], color=colours)
    ax.set_yticks(list(y), df[f"label_{lang}"])
    ax.invert_yaxis()
    for i, v in enumerate(df["busd"]):
        ax.annotate(fmt.usd(v * 1e9, lang, 0), (v, i), xytext=(4, 0), textcoords="offset points",
                    va="center", color=pal.text, fontsize=9)
    ax.set_xlim(0, float(df["busd"].max()) * 1.3)
    ax.set_xlabel(both(r"One-day loss of market value (US\$ billion)", "1日で失った時価総額（10億ドル）")[lang])
    ax.grid(axis="y", visible=False)


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
                     "busd": float(f.value), "implied_shares_bn": float(f.value) / -mv.price_change_usd,
                     "fact_id": fid, "grade": f.grade})
    if ok(mv.prior_record_busd):
        rows.append({"kind": "prior", "label_en": WORDS.text("mcap.prior", "en"),
                     "label_ja": WORDS.text("mcap.prior", "ja"),
                     "busd": mv.prior_record_busd, "implied_shares_bn": np.nan,
                     "fact_id": mv.prior_record_fact,
                     "grade": inp.facts[mv.prior_record_fact].grade if mv.prior_record_fact else ""})
    df = pd.DataFrame(rows)
    rec = df[df["kind"] == "reported"]["busd"]
    chart = Chart(
        id="mcap-lost",
        data=df,
        draw=_draw_mcap,
        title=both("Nvidia's one-day loss of market value", "エヌビディアが1日で失った時価総額"),
        alt={
            "en": f"Bar chart: reported one-day loss of Nvidia's market value, "
                  f"{fmt.usd(rec.min() * 1e9, 'en', 0)} to {fmt.usd(rec.max() * 1e9, 'en', 0)} depending on "
                  f"the source, against the previous record of {fmt.usd(mv.prior_record_busd * 1e9, 'en', 0)}.",
            "ja": "棒グラフ：報じられたエヌビディアの1日の時価総額減少は出典により"
                  f"{fmt.usd(rec.min() * 1e9, 'ja', 0)}から"
                  f"{fmt.usd(rec.max() * 1e9, 'ja', 0)}。従来の記録は{fmt.usd(mv.prior_record_busd * 1e9, 'ja', 0)}。",
        },
        source=both("Source: facts from news reports (see the table); previous record from the same reports.",
                    "出典：報道に基づくファクト（表を参照）。従来の記録も同じ報道による。"),
        size=(6.0, 2.6),
    )
    table = Table(
        id="mcap-lost-table",
        data=df,
        columns=(
            Column("kind", COLUMNS["figure"],
                   lambda v, lang: WORDS.text("mcap.reported_loss" if v == "reported" else "mcap.prior", lang)),
            Column("label_en", COLUMNS["source"],
                   lambda v, lang: v if lang == "en" else df.set_index("label_en").loc[v, "label_ja"]),
            Column("busd", COLUMNS["busd"], col_number(0), "right"),
            Column("implied_shares_bn", COLUMNS["implied_shares"], col_number(2), "right"),
            Column("grade", GRADE_HEADER, col_grade),
        ),
        caption=CAPTION["mcap"],
    )
    return [chart], [table]


# --- recovery and the price path -----------------------------------------------------------------

def _draw_recovery(ax: Axes, df: pd.DataFrame, lang: str, pal: Palette) -> None:
    d = df.reset_index(drop=True)
    colours = group_colours(pal)
    y = np.arange(len(d))
    days = d["trading_days"].fillna(0)
    ax.barh(y, days, color=[colours[g] for g in d["group"]])
    for i, r in d.iterrows():
        if not r["recovered"]:
            words = both("data end", "データ終了") if r["status"] == DATA_ENDED else both("not back", "未回復")
            ax.annotate(words[lang], (0, i), xytext=(3, 0), textcoords="offset points",
                        va="center", color=pal.negative, fontsize=8)
    ax.set_yticks(y, d[f"label_{lang}"])
    ax.invert_yaxis()
    ax.set_xlabel(both("Trading days until a close above the pre-sell-off close",
                       "急落前の終値を上回るまでの営業日数")[lang])
    ax.grid(axis="y", visible=False)
    seen = [g for g in GROUP_ORDER if g in set(d["group"])]
    handles = [ax.bar(0, 0, color=colours[g], label=GROUP_NAMES[g][lang]) for g in seen]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=2, fontsize=9)


def _days_cell(data: pd.DataFrame) -> object:
    """Trading days back, or why there is no number: not back yet, or the series stops first."""
    by = data.set_index("ticker")

    def cell(t: str, lang: str) -> str:
        r = by.loc[t]
        if r["status"] == DATA_ENDED:
            return WORDS.text("data_end", lang, date=fmt.date(pd.Timestamp(r["data_end"]).date(), lang))
        return status_word(NEVER, lang) if pd.isna(r["trading_days"]) else fmt.number(r["trading_days"], 0)
    return cell


def _recovery(inp: Inputs, res: MarketResults, values: Values) -> tuple[list[Chart], list[Table]]:
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
    quick = back.iloc[0] if len(back) else None
    alt_en = (f"Bar chart of trading days until each of {len(rec)} tickers closed above its close of "
              f"{fmt.date(PRE_SHOCK.date(), 'en')}. {len(back)} got back"
              + (f"; the fastest was {quick['name']} ({fmt.days(quick['trading_days'])})" if quick is not None
                 else "")
              + (f"; the slowest was {back.iloc[-1]['name']} ({fmt.days(back.iloc[-1]['trading_days'])})"
                 if len(back) else "")
              + (f". Not back by the end of its data: {', '.join(never['name'])}." if len(never) else "."))
    alt_ja = (f"{len(rec)}銘柄が{fmt.date(PRE_SHOCK.date(), 'ja')}の終値を上回るまでの営業日数の棒グラフ。"
              f"{len(back)}銘柄が回復"
              + (f"。最も早いのは{quick['name_ja']}（{fmt.days(quick['trading_days'], 'ja')}）" if quick is not None
                 else "")
              + (f"、最も遅いのは{back.iloc[-1]['name_ja']}（{fmt.days(back.iloc[-1]['trading_days'], 'ja')}）"
                 if len(back) else "")
              + (f"。データの最終日までに回復していないのは{'、'.join(never['name_ja'])}。" if len(never) else "。"))
    chart = Chart(
        id="recovery-days",
        data=data,
        draw=_draw_recovery,
        title=both("How long each stock took to get back", "急落前の水準に戻るまでの日数"),
        alt={"en": alt_en, "ja": alt_ja},
        source=SOURCE_PRICES,
        size=(6.0, 7.0),
    )
    table = Table(
        id="recovery-table",
        data=data,
        columns=(
            Column("ticker", COLUMNS["ticker"]),
            Column("name", COLUMNS["company"],
                   lambda v, lang: v if lang == "en" else data.set_index("name").loc[v, "name_ja"]),
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


ANNOTATION_WORDS = {
    "r1_release": both("R1 released", "R1公開"),
    "deepseek_shock": both("Sell-off", "急落"),
    "april_2025_low": both("April low", "4月の安値"),
    "first_4t_close": both("First $4T close", "初の4兆ドル"),
    "first_5t_close": both("First $5T", "初の5兆ドル"),
}


def _draw_path(ax: Axes, df: pd.DataFrame, lang: str, pal: Palette) -> None:
    lines = df[df["kind"] == "line"]
    for i, t in enumerate(("NVDA", "SOXX", "SPY")):
        part = lines[lines["ticker"] == t]
        if not part.empty:
            ax.plot(part["date"], part["index_level"], color=pal.series[i], linewidth=1.6, label=t)
    ax.axhline(100, color=pal.muted, linewidth=0.8)
    marks = df[df["kind"] == "mark"].reset_index(drop=True)
    offsets = {"r1_release": (-40, 30), "deepseek_shock": (-58, -26), "april_2025_low": (14, -22),
               "first_4t_close": (-80, 26), "first_5t_close": (-30, 34)}
    for _, m in marks.iterrows():
        ax.plot([m["date"]], [m["index_level"]], "o", color=pal.text, markersize=4)
        dx, dy = offsets.get(m["ticker"], (6, 12))
        word = ANNOTATION_WORDS.get(m["ticker"], both(m["ticker"], m["ticker"]))[lang]
        ax.annotate(word.replace("$", r"\$"),
                    (m["date"], m["index_level"]), xytext=(dx, dy), textcoords="offset points",
                    fontsize=8, color=pal.text,
                    arrowprops={"arrowstyle": "-", "color": pal.muted, "linewidth": 0.6})
    lo = float(lines["index_level"].min())
    ax.set_ylim(bottom=lo - 0.15 * (float(lines["index_level"].max()) - lo))
    ax.set_ylabel(both("Adjusted close, 24 Jan 2025 = 100", "調整後終値（2025年1月24日=100）")[lang])
    month_axis(ax, lang)
    ax.legend(loc="upper left")


def _path(inp: Inputs, res: MarketResults, values: Values) -> tuple[list[Chart], list[Table]]:
    paths, notes = res.price_paths, res.annotations
    if paths.empty:
        return [], []
    lines = paths.assign(kind="line")
    marks = notes.dropna(subset=["plot_date"]).rename(columns={"key": "ticker"})
    marks = marks.assign(kind="mark", date=marks["plot_date"])[["date", "ticker", "index_level", "kind"]]
    data = pd.concat([lines, marks], ignore_index=True)
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
        r = low.loc[low["index_level"].idxmin()]
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
    ends_en = ", ".join(f"{t} {fmt.number(last.loc[t, 'index_level'], 0)}" for t in last.index)
    dates = "; ".join(f"{ANNOTATION_WORDS[k]['en']} ({fmt.date(pd.Timestamp(d).date(), 'en')})"
                      for k, d in zip(notes["key"], notes["date"], strict=True))
    dates_ja = "、".join(f"{ANNOTATION_WORDS[k]['ja']}（{fmt.date(pd.Timestamp(d).date(), 'ja')}）"
                         for k, d in zip(notes["key"], notes["date"], strict=True))
    first = paths["date"].min().date()
    chart = Chart(
        id="nvda-path",
        data=data,
        draw=_draw_path,
        title=both("Nvidia, chip stocks and the S&P 500 since autumn 2024",
                   "2024年秋以降のエヌビディア・半導体株・S&P500"),
        alt={
            "en": f"Line chart of NVDA, the SOXX semiconductor ETF and the SPY S&P 500 ETF from "
                  f"{fmt.date(first, 'en')}, adjusted closes indexed to 100 on {fmt.date(PRE_SHOCK.date(), 'en')}. "
                  f"Marked on the Nvidia line: {dates}. Last values: {ends_en}.",
            "ja": f"エヌビディア、半導体ETF（SOXX）、S&P500 ETF（SPY）の折れ線グラフ（{fmt.date(first, 'ja')}から、"
                  f"調整後終値、{fmt.date(PRE_SHOCK.date(), 'ja')}=100）。エヌビディアの線上の印：{dates_ja}。"
                  f"最終値：{ends_en}。",
        },
        source=both("Source: adjusted closes in this project's snapshot; marked dates from sourced facts.",
                    "出典：当プロジェクトのスナップショットの調整後終値。印の日付は出典付きのファクトによる。"),
        size=(6.0, 4.0),
    )
    return [chart], []


def build(inp: Inputs, values: Values) -> Products:
    res = market(inp)
    day0, stats, groups = _study_frames(inp, res)
    _study_values(inp, res, values, day0, stats, groups)
    charts, tables = _study_products(inp, day0, stats, groups, res.event_study.car_paths, res.event_study.spec.z)
    tables.append(_reversal_table(inp))
    for part in (_market_value, _recovery, _path, demand_products):
        c, t = part(inp, res, values)
        charts += c
        tables += t
    charts = ensure_charts(charts, {
        "day0-moves": both("Every ticker's move on the day", "当日の各銘柄の騰落率"),
        "car-paths": both("Cumulative abnormal returns by group", "グループ別の累積異常リターン"),
        "mcap-lost": both("Nvidia's one-day loss of market value", "エヌビディアが1日で失った時価総額"),
        "recovery-days": both("How long each stock took to get back", "急落前の水準に戻るまでの日数"),
        "nvda-path": both("Nvidia, chip stocks and the S&P 500", "エヌビディア・半導体株・S&P500"),
        "dc-revenue": both("Nvidia's data-centre revenue by quarter", "エヌビディアの四半期データセンター売上高"),
        "capex-plan-actual": both("Hyperscaler capital spending", "ハイパースケーラーの設備投資"),
    }, res.as_of.date())
    values.metric("market_as_of", res.as_of.date(), "date", formula="edition date (as_of)")
    put(values, "market_last_price_date", res.last_price_date, "date", formula="last price date used")
    return Products(charts=charts, tables=tables)


__all__ = ["build", "day_label", "short_name"]
