"""How the analysis and the data build grow with the snapshot: synthetic snapshots of N tickers.

`python -m build_scripts.bench --scale` (or `python -m build_scripts.scale 28,100,500`) builds, for
each N, a synthetic snapshot in memory: N series of 20 years of sessions (the report's 28 symbols
first, then made-up ones spread over the groups), prices from a seeded random walk. Nothing is
written to data/. Each size runs in its own process, so its peak memory is its own, through the
same steps as the build: the price checks, the wide table of closes, the analysis (figures,
verdicts, verdict timeline), then the sections' page values and every chart and table written
to a temporary build folder. The committed snapshot runs first as the reference.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .paths import ROOT

YEARS = 20
GROUPS = ("chips", "networking", "power", "hyperscalers_software", "japan")


def synthetic_tickers(n: int) -> dict:
    from .market.tickers import load_tickers

    real = load_tickers()
    out = dict(list(real.items())[:n])
    template = real["AMD"]
    for i in range(len(out), n):
        group = GROUPS[i % len(GROUPS)]
        symbol = f"SYN{i:04d}"
        out[symbol] = template.model_copy(update={"symbol": symbol, "name": f"Synthetic {i}",
                                                  "name_ja": f"合成銘柄{i}", "group": group})
    return out


def synthetic_prices(tickers: dict, end: dt.date) -> pd.DataFrame:
    import exchange_calendars as xcals

    start = end.replace(year=end.year - YEARS)
    sessions = {cal: pd.DatetimeIndex(xcals.get_calendar(cal, start=start.isoformat(), end=end.isoformat())
                                      .sessions).tz_localize(None)
                for cal in sorted({t.calendar for t in tickers.values()})}
    frames = []
    for k, (symbol, t) in enumerate(tickers.items()):
        days = sessions[t.calendar]
        rng = np.random.default_rng(k)
        close = 50 * np.exp(np.cumsum(rng.normal(0.0003, 0.02, len(days))))
        open_ = close * np.exp(rng.normal(0, 0.005, len(days)))
        spread = np.abs(rng.normal(0, 0.01, len(days)))
        frames.append(pd.DataFrame({
            "date": days, "ticker": symbol, "open": open_.round(4), "close": close.round(4),
            "high": (np.maximum(open_, close) * (1 + spread)).round(4),
            "low": (np.minimum(open_, close) * (1 - spread)).round(4),
            "adj_close": np.nan, "volume": rng.integers(10**5, 10**8, len(days)), "source_id": "synthetic",
        }))
    return pd.concat(frames, ignore_index=True)


def measure(n: int | None) -> dict[str, Any]:
    """One size (None: the committed snapshot), every step timed; run in a fresh process."""
    import resource

    from . import build
    from .market.schema import validate_prices
    from .market.snapshot import wide_closes

    t: dict[str, float] = {}
    start = time.perf_counter()
    inp = build.load_inputs()
    t["load"] = time.perf_counter() - start
    if n is not None:
        tickers = synthetic_tickers(n)
        prices = synthetic_prices(tickers, inp.as_of)
        t0 = time.perf_counter()
        checked = validate_prices(prices.assign(date=prices["date"].dt.strftime("%Y-%m-%d")), "synthetic",
                                  set(tickers))
        checked["date"] = pd.to_datetime(checked["date"], format="%Y-%m-%d")
        closes = wide_closes(checked)
        t["load"] = time.perf_counter() - t0
        import dataclasses

        # Random prices need not produce every figure a claim test names (a dip may not rank at
        # all), so the run is treated like a dated edition, where a missing figure is allowed.
        inp = dataclasses.replace(inp, prices=checked, closes=closes, tickers=tickers,
                                  as_of=closes.index.max().date(), edition=True)
    t0 = time.perf_counter()
    studied = build.study(inp)
    t["analysis"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    values, products = build.analyse(studied)
    t["sections"] = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        _, svgs = build.write_products(studied, values, products, build_dir=Path(tmp), fresh=True)
        t["charts_tables"] = time.perf_counter() - t0
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return {"tickers": int(inp.closes.shape[1]), "days": int(inp.closes.shape[0]), "rows": len(inp.prices),
            **{k: round(v, 2) for k, v in t.items()}, "data_build": round(sum(t.values()), 2),
            "svgs": svgs, "peak_mib": round(peak, 1)}


def run_scale(sizes: list[int]) -> list[dict[str, Any]]:
    out = []
    for n in [None, *sizes]:
        label = "committed snapshot" if n is None else f"synthetic, {n} tickers × {YEARS} years"
        print(f"scale: {label} …", file=sys.stderr)
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "REPORT_BUILD_DIR": tmp, "MPLBACKEND": "Agg"}
            res = subprocess.run([sys.executable, "-m", "build_scripts.scale", "--one", str(n or 0)], cwd=ROOT,
                                 env=env, capture_output=True, text=True)
        if res.returncode != 0:
            raise SystemExit(f"scale run '{label}' failed:\n{res.stderr[-4000:]}")
        out.append({"snapshot": label, **json.loads(res.stdout.strip().splitlines()[-1])})
    base = out[1] if len(out) > 1 else out[0]
    for row in out:
        size = row["tickers"] * row["days"] / (base["tickers"] * base["days"])
        row["size_vs_smallest"] = round(size, 2)
        row["time_vs_smallest"] = round(row["data_build"] / base["data_build"], 2)
    return out


def print_scale(rows: list[dict[str, Any]], con: Any) -> None:
    from rich.table import Table

    t = Table(title="Scale: analysis and data build")
    cols = ("snapshot", "tickers", "days", "rows", "load", "analysis", "sections", "charts_tables", "data_build",
            "peak_mib", "size_vs_smallest", "time_vs_smallest")
    for col in cols:
        t.add_column(col.replace("_", " "), justify="left" if col == "snapshot" else "right")
    for r in rows:
        t.add_row(*(f"{r[c]:,}" if isinstance(r[c], int) else str(r[c]) for c in cols))
    con.print(t)


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("sizes", nargs="?", default="28,100,500")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one is not None:
        print(json.dumps(measure(args.one or None)))
        return 0
    from rich.console import Console

    print_scale(run_scale([int(s) for s in args.sizes.split(",")]), Console())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
