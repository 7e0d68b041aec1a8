"""Section 4: Dan Ives' call, backtested — buying at the close of the sell-off day."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from matplotlib.axes import Axes

from .. import fmt
from ..analysis.returns import period_return_pct
from ..charts.render import Chart
from ..charts.style import Palette
from ..tables import Column, Table, col_date, col_pct
from ..values import Values
from . import Inputs, Products, both

COMPARE = ("NVDA", "SPY", "QQQ", "SOXX")
HORIZONS = ((1, both("1 month", "1か月")), (3, both("3 months", "3か月")),
            (6, both("6 months", "6か月")), (12, both("12 months", "12か月")))


def add_months(day: dt.date, months: int) -> dt.date:
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def backtest(inp: Inputs) -> pd.DataFrame:
    """Return from the event-day close over each horizon; empty where the horizon is after as_of."""
    ev = inp.event_day
    rows = []
    for months, label in HORIZONS:
        end = add_months(ev, months)
        rows.append({"horizon": label["en"], "horizon_ja": label["ja"], "end_date": end,
                     **{f"{t.lower()}_return_pct": period_return_pct(inp.closes, t, ev, end, inp.as_of)
                        for t in COMPARE}})
    common_last = min(inp.closes[t].dropna().index.max() for t in COMPARE).date()
    last = min(common_last, inp.as_of)
    rows.append({"horizon": "to last common date", "horizon_ja": "共通の最終日まで", "end_date": last,
                 **{f"{t.lower()}_return_pct": period_return_pct(inp.closes, t, ev, last, inp.as_of)
                    for t in COMPARE}})
    return pd.DataFrame(rows)


def _draw_growth(ax: Axes, df: pd.DataFrame, lang: str, pal: Palette) -> None:
    for i, (t, part) in enumerate(df.groupby("ticker", sort=False)):
        ax.plot(part["date"], part["value_usd"], color=pal.series[i], linewidth=1.8, label=t)
    ax.axhline(100, color=pal.muted, linewidth=0.8)
    ax.set_ylabel(both("Value of $100 invested at the close", "終値で投資した100ドルの価値（ドル）")[lang])
    ax.legend(loc="upper left")


def build(inp: Inputs, values: Values) -> Products:
    ev = inp.event_day
    bt = backtest(inp)
    twelve = bt.iloc[3]
    values.fact("ives_golden_buying_opportunity_2025-01-27", "text", name="ives_call_text")
    values.metric("backtest_12m_end_date", twelve["end_date"], "date",
                  formula="event day + 12 months (first trading day on or after)")
    for t in ("nvda", "spy"):
        v = twelve[f"{t}_return_pct"]
        if v is not None and not pd.isna(v):
            values.metric(f"{t}_12m_return_pct", v, "pct_signed", inputs=(f"snapshot:{t.upper()}",),
                          formula="close 12 months after ÷ event-day close − 1")
    last = bt.iloc[-1]
    values.metric("backtest_last_date", last["end_date"], "date",
                  formula="last date with prices for all compared series")
    values.metric("nvda_to_last_return_pct", last["nvda_return_pct"], "pct_signed",
                  inputs=("snapshot:NVDA",), formula="last close ÷ event-day close − 1")
    values.metric("spy_to_last_return_pct", last["spy_return_pct"], "pct_signed",
                  inputs=("snapshot:SPY",), formula="last close ÷ event-day close − 1")

    c = inp.closes.loc[pd.Timestamp(ev): pd.Timestamp(last["end_date"]), ["NVDA", "SPY", "SOXX"]]
    growth = (c / c.iloc[0] * 100).reset_index().melt(id_vars="date", var_name="ticker",
                                                       value_name="value_usd").dropna()
    chart = Chart(
        id="buy-the-dip",
        data=growth,
        draw=_draw_growth,
        title=both("$100 bought at the sell-off close", "急落日の終値で買った100ドル"),
        alt={
            "en": f"Line chart of $100 invested at the close on {fmt.date(ev, 'en')} in Nvidia, the "
                  f"S&P 500 ETF and the SOXX semiconductor ETF, to {fmt.date(last['end_date'], 'en')}. "
                  f"Nvidia ends at {fmt.usd(100 + last['nvda_return_pct'], 'en', 0)}, the S&P 500 at "
                  f"{fmt.usd(100 + last['spy_return_pct'], 'en', 0)}.",
            "ja": f"{fmt.date(ev, 'ja')}の終値でエヌビディア、S&P500 ETF、半導体ETF（SOXX）に100ドルずつ投資した"
                  f"場合の価値の推移（{fmt.date(last['end_date'], 'ja')}まで）。エヌビディアは"
                  f"{fmt.number(100 + last['nvda_return_pct'], 0)}ドル、S&P500は"
                  f"{fmt.number(100 + last['spy_return_pct'], 0)}ドルで終わる。",
        },
        source=both("Source: adjusted daily closes in this project's snapshot (dividends reinvested).",
                    "出典：当プロジェクトのスナップショットの調整後終値（配当再投資）。"),
    )
    table = Table(
        id="backtest-table",
        data=bt,
        columns=(
            Column("horizon", both("Held for", "保有期間"),
                   lambda v, lang: v if lang == "en" else bt.set_index("horizon").loc[v, "horizon_ja"]),
            Column("end_date", both("Until", "終了日"), col_date),
            *(Column(f"{t.lower()}_return_pct", both(t, t), col_pct(1), "right") for t in COMPARE),
        ),
        caption=both("Returns from buying at the sell-off close", "急落日の終値で買った場合のリターン"),
    )
    return Products(charts=[chart], tables=[table])
