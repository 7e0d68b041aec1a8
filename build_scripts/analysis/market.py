"""One entry point for the market half of the report: `analyse_market(prices, facts, as_of)`.

The page builder and the benchmark both call this, so what is timed is what is built. Prices and
facts are cut at `as_of` here once, and every analysis function cuts again on its own, so no part
can see the future even when called directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..facts import Fact
from ..market.snapshot import wide_closes
from ..market.tickers import Ticker, load_tickers
from .backtest import BacktestResult, indexed_paths, path_annotations, run_backtest
from .dips import DipResult, rank_dips
from .event_study import EventSpec, EventStudyResult, run_event_study
from .fundamentals import (
    MarketValueLost,
    capex_plan_vs_actual,
    capex_table,
    dally_decomposition,
    data_center_revenue,
    known_facts,
    market_value_lost,
    price_performance,
)
from .recovery import DateLike, recovery_table, to_ts


@dataclass(frozen=True)
class MarketResults:
    """Everything the market pages show, as tidy tables (see each module for column meanings)."""

    as_of: pd.Timestamp
    last_price_date: pd.Timestamp | None
    event_study: EventStudyResult
    market_value: MarketValueLost
    recovery: pd.DataFrame
    price_paths: pd.DataFrame
    annotations: pd.DataFrame
    backtest: BacktestResult
    dips: DipResult
    data_center: pd.DataFrame
    capex: pd.DataFrame
    capex_vs_plan: pd.DataFrame
    dally: pd.DataFrame
    price_performance: pd.DataFrame


def analyse_market(
    prices: pd.DataFrame,
    facts: Mapping[str, Fact],
    as_of: DateLike,
    tickers: Mapping[str, Ticker] | None = None,
    spec: EventSpec | None = None,
    shares_bn: float | None = None,
) -> MarketResults:
    """Run every market analysis on the long price table and facts known on `as_of`."""
    as_of = to_ts(as_of)
    tickers = dict(tickers if tickers is not None else load_tickers())
    closes = wide_closes(prices.loc[prices["date"] <= as_of])
    fk = known_facts(facts, as_of)
    paths = indexed_paths(closes, as_of)
    capex = capex_table(fk, as_of)
    return MarketResults(
        as_of=as_of,
        last_price_date=closes.index.max() if len(closes) else None,
        event_study=run_event_study(closes, tickers, as_of, spec),
        market_value=market_value_lost(closes, fk, as_of, shares_bn),
        recovery=recovery_table(closes, tickers, as_of),
        price_paths=paths,
        annotations=path_annotations(fk, paths, as_of),
        backtest=run_backtest(closes, as_of),
        dips=rank_dips(closes, as_of),
        data_center=data_center_revenue(fk, as_of),
        capex=capex,
        capex_vs_plan=capex_plan_vs_actual(capex),
        dally=dally_decomposition(fk, as_of),
        price_performance=price_performance(fk, as_of),
    )
