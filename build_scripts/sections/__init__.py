"""Each report section turns the inputs into printable values, charts and tables.

A section module has one function, `build(inp, values) -> Products`. The page templates only
see what these functions register, which is what keeps every figure traceable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..charts.render import Chart
from ..facts import Fact
from ..market.tickers import Ticker
from ..tables import Table

# The day the commentary is about. Pages take it from the fact that records Nvidia's move.
EVENT_FACT = "nvda_move_2025-01-27"


@dataclass(frozen=True)
class Inputs:
    facts: dict[str, Fact]
    prices: pd.DataFrame
    closes: pd.DataFrame
    tickers: dict[str, Ticker]
    as_of: dt.date
    # Results shared by several sections of one build (e.g. the market analysis), computed once.
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def event_day(self) -> dt.date:
        return self.facts[EVENT_FACT].day

    @property
    def last_date(self) -> dt.date:
        return self.closes.index.max().date()

    def name(self, ticker: str, lang: str) -> str:
        t = self.tickers[ticker]
        return t.name_ja if lang == "ja" else t.name


@dataclass
class Products:
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def both(en: str, ja: str) -> dict[str, str]:
    return {"en": en, "ja": ja}
