"""Each report section turns the inputs into printable values, charts and tables.

A section module has one function, `build(inp, values) -> Products`. The page templates only
see what these functions register, which is what keeps every figure traceable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from ..analysis.results import Results
from ..charts.spec import Chart
from ..claims.engine import ClaimVerdict
from ..claims.schema import ClaimsFile
from ..event import EventDef
from ..facts import Fact
from ..market.tickers import Ticker
from ..tables import Table


@dataclass(frozen=True)
class Inputs:
    """What every section may read: the data of the edition and what the analysis made of it.

    Sections read these and nothing else; none reads what another section produced.
    """

    facts: dict[str, Fact]
    prices: pd.DataFrame
    closes: pd.DataFrame
    tickers: dict[str, Ticker]
    as_of: dt.date
    event: EventDef
    book: ClaimsFile
    # True for a dated edition (built as of a date), False for a build on all the data.
    edition: bool = False
    results: Results | None = field(default=None, compare=False, repr=False)
    verdicts: list[ClaimVerdict] = field(default_factory=list, compare=False, repr=False)
    timeline: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, repr=False)

    @property
    def event_day(self) -> dt.date:
        return self.event.day

    @property
    def last_date(self) -> dt.date:
        return self.closes.index.max().date()

    def name(self, ticker: str, lang: str) -> str:
        return self.tickers[ticker].label(lang)


@dataclass
class Products:
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    # Page blocks assembled in Python (per language); `[[table:ID]]` marks where a table goes.
    blocks: dict[str, dict[str, str]] = field(default_factory=dict)
    # Downloads other than chart and table CSVs (the calculator's prices), by file name.
    files: dict[str, bytes] = field(default_factory=dict)

