"""Time `analyse_market` on the committed snapshot: `python -m build_scripts.bench [-n N]`.

Loading the snapshot and facts is done once and not timed: the budget (2 s) is for the analysis.
A second line times one full data build (`build.load_inputs` + `build.analyse`, every section,
no charts drawn and no MkDocs), so a slow section shows up apart from the market analysis.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from . import build
from .analysis.market import analyse_market
from .facts import load_facts
from .market.snapshot import load_prices
from .market.tickers import load_tickers


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", "--repeat", type=int, default=7, help="timed runs (default 7)")
    ap.add_argument("--as-of", default=None, help="as-of date (default: last price date)")
    args = ap.parse_args(argv)
    prices, facts, tickers = load_prices(), load_facts(), load_tickers()
    as_of = args.as_of or prices["date"].max()
    analyse_market(prices, facts, as_of, tickers)  # warm-up: imports, caches
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        analyse_market(prices, facts, as_of, tickers)
        times.append(time.perf_counter() - t0)
    n_tickers, n_rows = prices["ticker"].nunique(), len(prices)
    print(
        f"analyse_market: {n_tickers} tickers, {n_rows} price rows, as of {str(as_of)[:10]}, "
        f"{args.repeat} runs"
    )
    print(
        f"median {statistics.median(times):.3f} s   min {min(times):.3f} s   max {max(times):.3f} s"
    )
    load, full = data_build_times(args.repeat, args.as_of)
    print(f"data build (load_inputs + analyse, all sections): {args.repeat} runs")
    print(
        f"median {statistics.median(full):.3f} s   min {min(full):.3f} s   max {max(full):.3f} s"
        f"   (of which load_inputs median {statistics.median(load):.3f} s)"
    )


def data_build_times(repeat: int, as_of: str | None) -> tuple[list[float], list[float]]:
    """(load_inputs seconds, load_inputs + analyse seconds) per run, after one warm-up build."""
    day = dt.date.fromisoformat(as_of[:10]) if as_of else None
    build.analyse(build.load_inputs(day))
    load, full = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        inp = build.load_inputs(day)
        t1 = time.perf_counter()
        build.analyse(inp)
        t2 = time.perf_counter()
        load.append(t1 - t0)
        full.append(t2 - t0)
    return load, full


if __name__ == "__main__":
    main()
