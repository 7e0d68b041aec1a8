"""Section 3: the sell-off measured — Nvidia around the day, and every ticker's move that day."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from matplotlib.axes import Axes

from .. import fmt
from ..analysis.returns import day_returns_pct, indexed
from ..charts.render import Chart
from ..charts.style import Palette
from ..tables import Column, Table, col_pct
from ..values import Values
from . import Inputs, Products, both

GROUP_NAMES = {
    "chips": both("Chips", "半導体"),
    "networking": both("Networking & servers", "ネットワーク・サーバー"),
    "power": both("Power", "電力"),
    "hyperscalers_software": both("Hyperscalers & software", "ハイパースケーラー・ソフトウェア"),
    "japan": both("Japan", "日本"),
    "index": both("Indexes & ETFs", "指数・ETF"),
}
GROUP_ORDER = list(GROUP_NAMES)


def day_moves(inp: Inputs) -> pd.DataFrame:
    r = day_returns_pct(inp.closes, inp.event_day, inp.as_of)
    df = r.rename_axis("ticker").reset_index()
    df["name"] = [inp.tickers[t].name for t in df["ticker"]]
    df["name_ja"] = [inp.tickers[t].name_ja for t in df["ticker"]]
    df["group"] = [inp.tickers[t].group for t in df["ticker"]]
    return df.sort_values("return_pct").reset_index(drop=True)


def _draw_moves(ax: Axes, df: pd.DataFrame, lang: str, pal: Palette) -> None:
    d = df.sort_values("return_pct", ascending=False).reset_index(drop=True)
    colours = {g: pal.series[i % len(pal.series)] for i, g in enumerate(GROUP_ORDER)}
    labels = d["name_ja"] if lang == "ja" else d["name"]
    ax.barh(range(len(d)), d["return_pct"], color=[colours[g] for g in d["group"]])
    ax.set_yticks(range(len(d)), labels)
    ax.invert_yaxis()
    ax.axvline(0, color=pal.muted, linewidth=0.8)
    ax.set_xlabel(both("One-day return (%)", "1日の騰落率（%）")[lang])
    ax.grid(axis="y", visible=False)
    seen = [g for g in GROUP_ORDER if g in set(d["group"])]
    handles = [ax.bar(0, 0, color=colours[g], label=GROUP_NAMES[g][lang]) for g in seen]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.09), ncols=2, fontsize=9)


def _draw_path(ax: Axes, df: pd.DataFrame, lang: str, pal: Palette) -> None:
    for i, (t, part) in enumerate(df.groupby("ticker", sort=True)):
        ax.plot(part["date"], part["index_100"], color=pal.series[i], linewidth=1.8, label=t)
    event = pd.Timestamp(df.attrs["event_day"])
    ax.axvline(event, color=pal.negative, linestyle="--", linewidth=1)
    ax.annotate(fmt.date(event.date(), lang), (event, ax.get_ylim()[1]), color=pal.negative,
                ha="left", va="top", xytext=(4, -4), textcoords="offset points")
    ax.set_ylabel(both("Adjusted close, day before = 100", "調整後終値（前営業日=100）")[lang])
    ax.legend(loc="lower left")
    ax.tick_params(axis="x", rotation=0)


def build(inp: Inputs, values: Values) -> Products:
    moves = day_moves(inp)
    by = moves.set_index("ticker")["return_pct"]
    ev = inp.event_day
    prev = inp.closes["NVDA"].dropna().loc[: pd.Timestamp(ev) - pd.Timedelta(days=1)].index[-1].date()
    values.fact_date("nvda_move_2025-01-27", name="event_date")
    values.metric("event_prev_date", prev, "date", formula="last NVDA trading day before the event")
    values.metric("nvda_day0_return_pct", by["NVDA"], "pct", decimals=2,
                  inputs=("snapshot:NVDA",), formula="close(event day) ÷ close(day before) − 1")
    values.metric("spy_day0_return_pct", by["SPY"], "pct", decimals=2, inputs=("snapshot:SPY",),
                  formula="close(event day) ÷ close(day before) − 1")
    values.metric("ndx_day0_return_pct", by["^NDX"], "pct", decimals=2, inputs=("snapshot:^NDX",),
                  formula="close(event day) ÷ close(day before) − 1")
    worst = moves.iloc[0]
    best = moves.iloc[-1]
    values.metric("day0_worst_name", worst["name"], "text", inputs=(f"snapshot:{worst['ticker']}",))
    values.metric("day0_worst_name_ja", worst["name_ja"], "text", inputs=(f"snapshot:{worst['ticker']}",))
    values.metric("day0_worst_return_pct", worst["return_pct"], "pct",
                  inputs=(f"snapshot:{worst['ticker']}",), formula="lowest one-day return that day")
    values.metric("day0_fallers", int((moves["return_pct"] < 0).sum()), "int",
                  inputs=("snapshot",), formula="tickers with a negative return that day")
    values.metric("day0_tickers", len(moves), "int", inputs=("snapshot",),
                  formula="tickers with prices that day and the day before")
    values.fact("nvda_mcap_loss_2025-01-27_589", "usd", name="mcap_loss_low_usd", scale=1e9)
    values.fact("nvda_mcap_loss_2025-01-27_593", "usd", name="mcap_loss_high_usd", scale=1e9)

    path = indexed(inp.closes, ["NVDA", "SOXX", "SPY"], prev, ev - dt.timedelta(days=30), inp.as_of)
    path = path[path["date"] <= pd.Timestamp(ev) + pd.Timedelta(days=45)].reset_index(drop=True)
    path.attrs["event_day"] = ev.isoformat()
    nvda_low = path[path["ticker"] == "NVDA"]["index_100"].min()
    charts = [
        Chart(
            id="day0-moves",
            data=moves[["ticker", "name", "name_ja", "group", "return_pct"]],
            draw=_draw_moves,
            title=both(f"Every ticker's move on {fmt.date(ev, 'en')}", f"{fmt.date(ev, 'ja')}の各銘柄の騰落率"),
            alt={
                "en": f"Ranked bar chart of one-day returns on {fmt.date(ev, 'en')} for {len(moves)} "
                      f"tickers, coloured by group. {int((moves['return_pct'] < 0).sum())} fell. The worst "
                      f"was {worst['name']} at {fmt.pct(worst['return_pct'], 1)}, Nvidia fell "
                      f"{fmt.pct(by['NVDA'], 1)}, and the best was {best['name']} at "
                      f"{fmt.pct(best['return_pct'], 1, signed=True)}.",
                "ja": f"{fmt.date(ev, 'ja')}の{len(moves)}銘柄の1日騰落率を順に並べた棒グラフ（グループ別に色分け）。"
                      f"{int((moves['return_pct'] < 0).sum())}銘柄が下落。最大の下落は{worst['name_ja']}の"
                      f"{fmt.pct(worst['return_pct'], 1)}、エヌビディアは{fmt.pct(by['NVDA'], 1)}、"
                      f"最も上げたのは{best['name_ja']}の{fmt.pct(best['return_pct'], 1, signed=True)}。",
            },
            source=both("Source: daily prices in this project's snapshot (adjusted closes).",
                        "出典：当プロジェクトの日次価格スナップショット（調整後終値）。"),
            size=(6.0, 7.4),
        ),
        Chart(
            id="nvda-around-event",
            data=path,
            draw=_draw_path,
            title=both("Nvidia, chip stocks and the S&P 500 around the sell-off",
                       "急落前後のエヌビディア・半導体株・S&P500"),
            alt={
                "en": f"Line chart of Nvidia, the SOXX semiconductor ETF and the SPY S&P 500 ETF, "
                      f"indexed to 100 on {fmt.date(prev, 'en')}, from a month before to six weeks after "
                      f"{fmt.date(ev, 'en')}. Nvidia drops to {fmt.number(by['NVDA'] + 100, 1)} on the day "
                      f"and its lowest point in the window is {fmt.number(nvda_low, 1)}.",
                "ja": f"エヌビディア、半導体ETF（SOXX）、S&P500 ETF（SPY）を{fmt.date(prev, 'ja')}=100として"
                      f"指数化した折れ線グラフ。{fmt.date(ev, 'ja')}にエヌビディアは"
                      f"{fmt.number(by['NVDA'] + 100, 1)}まで下落し、期間中の最低は{fmt.number(nvda_low, 1)}。",
            },
            source=both("Source: adjusted daily closes in this project's snapshot.",
                        "出典：当プロジェクトのスナップショットの調整後終値。"),
        ),
    ]
    table = Table(
        id="day0-moves-table",
        data=moves,
        columns=(
            Column("ticker", both("Ticker", "ティッカー")),
            Column("name", both("Company or index", "企業・指数"),
                   lambda v, lang: v if lang == "en" else moves.set_index("name").loc[v, "name_ja"]),
            Column("group", both("Group", "グループ"), lambda v, lang: GROUP_NAMES[v][lang]),
            Column("return_pct", both("Return on the day", "当日の騰落率"), col_pct(2), "right"),
        ),
        caption=both("One-day returns on the day of the sell-off", "急落当日の1日騰落率"),
        sortable=True,
    )
    return Products(charts=charts, tables=[table])
