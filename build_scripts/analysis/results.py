"""The analysis, run once per build: every named figure and every table the pages and claims read.

Sections and the claims engine read from one `Results`; none of them computes a figure another
one needs, so the order in which sections run can change no output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from ..event import EventDef, load_event
from ..facts import Fact
from ..market.snapshot import wide_closes
from ..market.tickers import Ticker
from .compute import all_metrics
from .market import MarketResults, analyse_market
from .market_metrics import Collector, market_metrics
from .metric import Metric, MetricValue, is_number
from .technique_metrics import technique_metrics


@dataclass(frozen=True)
class Results:
    """What the analysis found on one as-of date. Absent names are figures not computable yet."""

    as_of: dt.date
    metrics: Mapping[str, Metric[MetricValue]]
    market: MarketResults
    facts: Mapping[str, Fact] = field(repr=False)
    # Figures the analysis knows of but could not compute on this date.
    absent: frozenset[str] = frozenset()

    def get(self, name: str) -> Metric[MetricValue] | None:
        return self.metrics.get(name)

    def value(self, name: str) -> MetricValue:
        return self.metrics[name].value

    def number(self, name: str) -> float:
        """A figure a page does arithmetic on; a date or a word under that name is a wiring fault."""
        v = self.metrics[name].value
        if not is_number(v):
            raise TypeError(f"metric '{name}' holds {type(v).__name__}, not a number")
        return float(v)

    def has(self, *names: str) -> bool:
        return all(n in self.metrics for n in names)


def analyse(facts: Mapping[str, Fact], prices: pd.DataFrame, tickers: Mapping[str, Ticker],
            as_of: dt.date, event: EventDef | None = None) -> Results:
    """Every analysis on data known by `as_of`. Pure: inputs in, results out."""
    event = event or load_event()
    market = analyse_market(prices, facts, as_of, tickers=tickers)
    closes = wide_closes(prices.loc[prices["date"] <= pd.Timestamp(as_of)])
    found: dict[str, Metric[MetricValue]] = {}
    collector = Collector(facts=facts)
    for m in (*all_metrics(facts, as_of), *technique_metrics(facts, as_of),
              *market_metrics(market, closes, event, collector=collector)):
        if m.name in found:
            raise ValueError(f"figure '{m.name}' computed twice (once in each of two analyses)")
        found[m.name] = m
    return Results(as_of=as_of, metrics=dict(sorted(found.items())), market=market, facts=facts,
                   absent=frozenset(collector.absent - set(found)))
