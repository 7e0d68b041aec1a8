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
from ..analysis.recovery import OK, PRE_SHOCK
from ..charts.render import Chart
from ..charts.style import Palette
from ..tables import Column, Table, col_date, col_number, col_pct
from ..values import Values
from . import Inputs, Products, both
from .common import GRADE_HEADER, col_grade
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
SOURCE_PRICES = both("Source: daily adjusted closes in this project's snapshot.",
                     "出典：当プロジェクトの日次価格スナップショット（調整後終値）。")


def short_name(inp: Inputs, ticker: str, lang: str) -> str:
    """A label that fits a phone-width chart: the ticker for funds and indexes, else a short name."""
    t = inp.tickers[ticker]
    if t.group == "index":
        return ticker.lstrip("^")
    name = t.name_ja if lang == "ja" else t.name
    for cut in (" (ADR)", "（ADR）", " Group", " Platforms", " Technology", " Networks", " Computer",
                " Energy", "グループ", "・プラットフォームズ", "・テクノロジー", "・ネットワークス",
                "・コンピューター", "・エナジー"):
        name = name.replace(cut, "")
    return name


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
    qqq = s.loc[s["benchmark"] == "QQQ", ["ticker", "beta", "ar_day0_pct", "t_day0"]].rename(
        columns={"beta": "beta_qqq", "ar_day0_pct": "ar_day0_qqq_pct", "t_day0": "t_day0_qqq"})
    stats = spy.merge(qqq, on="ticker", how="left")
    stats["name_ja"] = [inp.tickers[t].name_ja for t in stats["ticker"]]
    groups = es.group_stats[es.group_stats["status"] == OK].copy()
    return day0, stats, groups


def _stat(stats: pd.DataFrame, ticker: str, col: str) -> float:
    row = stats[stats["ticker"] == ticker]
    return float(row[col].iloc[0]) if not row.empty and col in row else float("nan")


def _study_values(inp: Inputs, res: MarketResults, values: Values, day0: pd.DataFrame,
                  stats: pd.DataFrame, groups: pd.DataFrame) -> None:
    spec = res.event_study.spec
    src = ("snapshot",)
    by = day0.set_index("ticker")["ret_pct"]
    values.fact_date("nvda_move_2025-01-27", name="event_date")
    nv = inp.closes["NVDA"].dropna()
    prev = nv.loc[nv.index < pd.Timestamp(inp.event_day)]
    put(values, "event_prev_date", prev.index[-1] if len(prev) else None, "date",
        formula="last NVDA trading day before the event")
    for t, name in (("NVDA", "nvda_day0_return_pct"), ("SPY", "spy_day0_return_pct"),
                    ("^NDX", "ndx_day0_return_pct"), ("QQQ", "qqq_day0_return_pct"),
                    ("SOXX", "soxx_day0_return_pct")):
        put(values, name, by.get(t), "pct", decimals=2, inputs=(f"snapshot:{t}",),
            formula="close(event day) ÷ close(session before) − 1")
    if len(day0):
        worst, best = day0.iloc[0], day0.iloc[-1]
        values.metric("day0_worst_name", worst["name"], "text", inputs=(f"snapshot:{worst['ticker']}",))
        values.metric("day0_worst_name_ja", worst["name_ja"], "text", inputs=(f"snapshot:{worst['ticker']}",))
        values.metric("day0_worst_return_pct", worst["ret_pct"], "pct", decimals=1,
                      inputs=(f"snapshot:{worst['ticker']}",), formula="lowest one-day return that day")
        values.metric("day0_best_name", best["name"], "text", inputs=(f"snapshot:{best['ticker']}",))
        values.metric("day0_best_name_ja", best["name_ja"], "text", inputs=(f"snapshot:{best['ticker']}",))
        values.metric("day0_best_return_pct", best["ret_pct"], "pct_signed", decimals=1,
                      inputs=(f"snapshot:{best['ticker']}",), formula="highest one-day return that day")
    values.metric("day0_fallers", int((day0["ret_pct"] < 0).sum()), "int", inputs=src,
                  formula="tickers with a negative return that day")
    values.metric("day0_tickers", len(day0), "int", inputs=src,
                  formula="tickers with a close that day and the session before")
    # The design of the study, printed from the spec so prose and code cannot drift apart.
    values.metric("es_estimation_days", spec.estimation_days, "int", formula="EventSpec.estimation_days")
    values.metric("es_gap_days", spec.gap_days, "int", formula="EventSpec.gap_days")
    values.metric("es_min_obs", spec.min_obs, "int", formula="EventSpec.min_obs")
    values.metric("es_max_gap_days", spec.max_gap_days, "int", formula="EventSpec.max_gap_days")
    values.metric("es_path_first_day", spec.path_days[0], "int", formula="EventSpec.path_days[0]")
    values.metric("es_path_last_day", spec.path_days[1], "int", formula="EventSpec.path_days[1]")
    values.metric("es_car_windows", ", ".join(f"[{a}, {f'+{b}' if b else b}]" for a, b in spec.car_windows), "text",
                  formula="EventSpec.car_windows")
    values.metric("es_long_window_days", spec.car_windows[-1][1], "int", formula="last CAR window end")
    values.metric("es_t_crit", T_CRIT, "number", decimals=2, formula="two-sided 5% normal critical value")
    model = "market model vs SPY, estimation window before the event"
    put(values, "nvda_es_est_start", _first(stats, "NVDA", "est_start"), "date", formula="first estimation day")
    put(values, "nvda_es_est_end", _first(stats, "NVDA", "est_end"), "date", formula="last estimation day")
    put(values, "nvda_es_n_obs", _first(stats, "NVDA", "n_obs"), "int", formula="returns in the window")
    for col, name, kind, d, f in (
        ("beta", "nvda_beta", "number", 2, "OLS slope on SPY"),
        ("alpha_pct", "nvda_alpha_pct", "pct_signed", 3, "OLS intercept (daily)"),
        ("sigma_pct", "nvda_sigma_pct", "pct", 2, "residual standard error (daily)"),
        ("ar_day0_pct", "nvda_ar0_pct", "pct_signed", 2, "return − (α + β × SPY return) on day 0"),
        ("t_day0", "nvda_t0", "number", 2, "AR ÷ σ"),
        ("car_0_1_pct", "nvda_car_0_1_pct", "pct_signed", 2, "sum of AR, days 0..1"),
        ("car_0_4_pct", "nvda_car_0_4_pct", "pct_signed", 2, "sum of AR, days 0..4"),
        ("car_0_20_pct", "nvda_car_0_20_pct", "pct_signed", 2, "sum of AR, days 0..20"),
        ("t_car_0_1", "nvda_t_car_0_1", "number", 2, "CAR ÷ (σ√L)"),
        ("t_car_0_4", "nvda_t_car_0_4", "number", 2, "CAR ÷ (σ√L)"),
        ("t_car_0_20", "nvda_t_car_0_20", "number", 2, "CAR ÷ (σ√L)"),
        ("beta_qqq", "nvda_beta_qqq", "number", 2, "OLS slope on QQQ"),
        ("ar_day0_qqq_pct", "nvda_ar0_qqq_pct", "pct_signed", 2, "day-0 AR, market model vs QQQ"),
        ("t_day0_qqq", "nvda_t0_qqq", "number", 2, "AR ÷ σ, vs QQQ"),
    ):
        put(values, name, _stat(stats, "NVDA", col), kind, decimals=d, inputs=("snapshot:NVDA", "snapshot:SPY"),
            formula=f"{f}; {model}")
    n = len(stats)
    put(values, "es_tickers", n, "int", inputs=src, formula="tickers with a valid market-model fit")
    put(values, "es_sig_day0", int((stats["t_day0"].abs() > T_CRIT).sum()), "int", inputs=src,
        formula=f"tickers with |t| > {T_CRIT} on day 0")
    car20 = stats["t_car_0_20"]
    if car20.notna().any():
        put(values, "es_sig_car20", int((car20.abs() > T_CRIT).sum()), "int", inputs=src,
            formula=f"tickers with |t| > {T_CRIT} for CAR[0,+20]")
    g = groups[groups["benchmark"] == "SPY"].set_index("group")
    for grp in ("chips", "networking", "power", "hyperscalers_software", "japan"):
        if grp in g.index:
            put(values, f"es_{grp}_ar0_pct", g.loc[grp, "ar_day0_pct"], "pct_signed", decimals=1, inputs=src,
                formula="day-0 AR of the equal-weighted group portfolio vs SPY")
            put(values, f"es_{grp}_t0", g.loc[grp, "t_day0"], "number", decimals=1, inputs=src, formula="AR ÷ σ")
            put(values, f"es_{grp}_car20_pct", g.loc[grp, "car_0_20_pct"], "pct_signed", decimals=1,
                inputs=src, formula="group CAR, days 0..20")
            put(values, f"es_{grp}_t_car20", g.loc[grp, "t_car_0_20"], "number", decimals=1, inputs=src,
                formula="CAR ÷ (σ√L)")


def _first(df: pd.DataFrame, ticker: str, col: str) -> object:
    row = df[df["ticker"] == ticker]
    return row[col].iloc[0] if not row.empty else None


def _with_t(df: pd.DataFrame, value: str, t: str) -> object:
    """Cell for `value` with its t-statistic in brackets, looked up on the same row."""
    ts = dict(zip(df[value], df[t], strict=False))

    def cell(v: object, lang: str) -> str:
        if pd.isna(v):
            return status_word("not yet testable", lang)
        tv = ts.get(v, np.nan)
        return fmt.pct(v, 2, lang, signed=True) + ("" if pd.isna(tv) else f" ({fmt.number(tv, 2)})")
    return cell


def _car_columns(df: pd.DataFrame, qqq: bool) -> list[Column]:
    cols = [Column("ar_day0_pct", both("AR day 0 (t)", "当日の異常リターン（t値）"),
                   _with_t(df, "ar_day0_pct", "t_day0"), "right")]
    for a, b in ((0, 1), (0, 4), (0, 20)):
        cols.append(Column(f"car_{a}_{b}_pct", both(f"CAR [{a},+{b}] (t)", f"CAR [{a},+{b}]（t値）"),
                           _with_t(df, f"car_{a}_{b}_pct", f"t_car_{a}_{b}"), "right"))
    if qqq:
        cols.append(Column("ar_day0_qqq_pct", both("AR day 0 vs QQQ (t)", "QQQ基準の当日異常リターン（t値）"),
                           _with_t(df, "ar_day0_qqq_pct", "t_day0_qqq"), "right"))
    return cols


def _study_products(inp: Inputs, day0: pd.DataFrame, stats: pd.DataFrame, groups: pd.DataFrame,
                    paths: pd.DataFrame) -> tuple[list[Chart], list[Table]]:
    ev = inp.event_day
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
    table = Table(
        id="event-study-table",
        data=stats,
        columns=(
            Column("ticker", both("Company or fund", "企業・ファンド"),
                   lambda v, lang: short_name(inp, v, lang)),
            Column("group", both("Group", "グループ"), group_name),
            Column("beta", both("β", "β"), col_number(2), "right"),
            Column("ret_day0_pct", both("Return day 0", "当日の騰落率"), col_pct(2), "right"),
            *_car_columns(stats, qqq=True),
        ),
        caption=both("Event study, market model vs SPY; t-statistics in brackets (last column: the same "
                     "model vs QQQ)",
                     "イベントスタディ（SPY基準のマーケットモデル、括弧内はt値。最終列はQQQ基準）"),
        sortable=True,
    )
    group_table = Table(
        id="event-study-groups",
        data=groups,
        columns=(
            Column("group", both("Group", "グループ"), group_name),
            Column("benchmark", both("vs", "基準")),
            Column("beta", both("β", "β"), col_number(2), "right"),
            *_car_columns(groups, qqq=False),
        ),
        caption=both("Equal-weighted group portfolios against each benchmark; t-statistics in brackets",
                     "グループ別の等ウェイト・ポートフォリオ（ベンチマーク別、括弧内はt値）"),
        sortable=True,
    )
    return charts, [table, group_table]


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
        rows.append({"kind": "reported", "label_en": f"Reported ({pub})", "label_ja": f"報道値（{pub}）",
                     "busd": float(f.value), "implied_shares_bn": float(f.value) / -mv.price_change_usd,
                     "fact_id": fid, "grade": f.grade})
    if ok(mv.prior_record_busd):
        rows.append({"kind": "prior", "label_en": "Previous record", "label_ja": "従来の記録",
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
            Column("kind", both("Figure", "数値"),
                   lambda v, lang: both("Reported loss", "報道された減少額")[lang] if v == "reported"
                   else both("Previous record", "従来の記録")[lang]),
            Column("label_en", both("Source", "出典"),
                   lambda v, lang: v if lang == "en" else df.set_index("label_en").loc[v, "label_ja"]),
            Column("busd", both("US$ billion", "10億ドル"), col_number(0), "right"),
            Column("implied_shares_bn", both("Implied shares (billion)", "逆算した株式数（10億株）"),
                   col_number(2), "right"),
            Column("grade", GRADE_HEADER, col_grade),
        ),
        caption=both("Reported market value lost, and the share count each figure implies",
                     "報じられた時価総額の減少と、各数値から逆算される株式数"),
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
            ax.annotate(both("not back", "未回復")[lang], (0, i), xytext=(3, 0), textcoords="offset points",
                        va="center", color=pal.negative, fontsize=8)
    ax.set_yticks(y, d[f"label_{lang}"])
    ax.invert_yaxis()
    ax.set_xlabel(both("Trading days until a close above the pre-sell-off close",
                       "急落前の終値を上回るまでの営業日数")[lang])
    ax.grid(axis="y", visible=False)
    seen = [g for g in GROUP_ORDER if g in set(d["group"])]
    handles = [ax.bar(0, 0, color=colours[g], label=GROUP_NAMES[g][lang]) for g in seen]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=2, fontsize=9)


def _recovery(inp: Inputs, res: MarketResults, values: Values) -> tuple[list[Chart], list[Table]]:
    rec = res.recovery[res.recovery["status"].isin([OK, "never"])].copy()
    values.metric("recovery_ref_date", PRE_SHOCK.date(), "date", formula="last close before the sell-off")
    if rec.empty:
        return [], []
    rec["name_ja"] = [inp.tickers[t].name_ja for t in rec["ticker"]]
    for lang in ("en", "ja"):
        rec[f"label_{lang}"] = [short_name(inp, t, lang) for t in rec["ticker"]]
    rec["last_close_date"] = [inp.closes[t].dropna().loc[: pd.Timestamp(inp.as_of)].index.max()
                              for t in rec["ticker"]]
    rec = rec.sort_values(["recovered", "trading_days"], ascending=[False, True], na_position="last")
    nv = rec[rec["ticker"] == "NVDA"].iloc[0] if (rec["ticker"] == "NVDA").any() else None
    src = ("snapshot",)
    if nv is not None and nv["recovered"]:
        put(values, "nvda_recovery_days", nv["trading_days"], "int", inputs=("snapshot:NVDA",),
            formula="trading days until the first close above the 24 Jan 2025 close")
        put(values, "nvda_recovery_date", nv["recovery_date"], "date", inputs=("snapshot:NVDA",))
    if nv is not None:
        put(values, "nvda_recovery_trough_pct", nv["trough_pct"], "pct", decimals=1, inputs=("snapshot:NVDA",),
            formula="lowest close before recovery ÷ 24 Jan 2025 close − 1")
        put(values, "nvda_recovery_trough_date", nv["trough_date"], "date", inputs=("snapshot:NVDA",))
    back = rec[rec["recovered"].astype(bool)]
    values.metric("recovery_back_count", len(back), "int", inputs=src, formula="tickers back above the close")
    values.metric("recovery_total_count", len(rec), "int", inputs=src, formula="tickers with data that day")
    never = rec[~rec["recovered"].astype(bool)]
    values.metric("recovery_never_count", len(never), "int", inputs=src, formula="tickers not back yet")
    if len(never) == 1:  # a list would not wrap on a phone (values never break)
        values.metric("recovery_never_name", never["name"].iloc[0], "text", inputs=src)
        values.metric("recovery_never_name_ja", never["name_ja"].iloc[0], "text", inputs=src)
    if len(back):
        slow = back.iloc[-1]
        values.metric("recovery_slowest_name", slow["name"], "text", inputs=(f"snapshot:{slow['ticker']}",))
        values.metric("recovery_slowest_name_ja", slow["name_ja"], "text", inputs=(f"snapshot:{slow['ticker']}",))
        put(values, "recovery_slowest_days", slow["trading_days"], "int", inputs=(f"snapshot:{slow['ticker']}",),
            formula="most trading days among the tickers that got back")
    cols = ["ticker", "name", "name_ja", "group", "status", "recovered", "day1_pct", "trough_pct", "trough_date",
            "recovery_date", "trading_days", "calendar_days", "last_close_date", "label_en", "label_ja", "reason"]
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
            Column("ticker", both("Ticker", "ティッカー")),
            Column("name", both("Company or fund", "企業・ファンド"),
                   lambda v, lang: v if lang == "en" else data.set_index("name").loc[v, "name_ja"]),
            Column("group", both("Group", "グループ"), group_name),
            Column("day1_pct", both("Day 0", "0日目"), col_pct(1), "right"),
            Column("trough_pct", both("Worst close", "最安値"), col_pct(1), "right"),
            Column("trough_date", both("Worst on", "最安値の日"), col_date),
            Column("trading_days", both("Trading days to get back", "回復までの営業日数"),
                   lambda v, lang: status_word("never", lang) if pd.isna(v) else fmt.number(v, 0), "right"),
            Column("recovery_date", both("Back on", "回復日"), col_date),
            Column("last_close_date", both("Data to", "データ最終日"), col_date),
        ),
        caption=both("Back above the last close before the sell-off", "急落前の最後の終値を上回るまで"),
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
            inputs=(f"snapshot:{t}",), formula="last adjusted close ÷ 24 Jan 2025 close × 100")
        put(values, f"path_{t.lower()}_last_date", last.loc[t, "date"], "date", inputs=(f"snapshot:{t}",))
    if not low.empty:
        r = low.loc[low["index_level"].idxmin()]
        put(values, "path_nvda_low_level", r["index_level"], "number", decimals=0, inputs=("snapshot:NVDA",),
            formula="lowest NVDA close after the sell-off, 24 Jan 2025 = 100")
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
    charts, tables = _study_products(inp, day0, stats, groups, res.event_study.car_paths)
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
