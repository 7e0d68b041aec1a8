"""`refresh`: fetch every configured series, check it, and swap it into the snapshot atomically.

The only step of the project that uses the network. A series is stored only when its new data
passes every rule in `market.schema` and `market.checks`; a failed series keeps its committed
file byte for byte, and the exit code says so. Nothing changes when nothing new arrived, not
even the manifest's retrieval time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from rich.console import Console
from rich.table import Table

from .errors import DataError
from .fetch import edgar_client, price_providers
from .fetch.base import Fetched, FetchError, PriceProvider
from .fetch.config import SeriesSettings, Sources, load_sources
from .fetch.edgar import Edgar, facts_yaml
from .fetch.merge import merge_history
from .market import checks
from .market.schema import COLUMNS, validate_prices
from .market.snapshot import load_manifest, read_price_csv, series_entry
from .market.store import csv_bytes, json_bytes, replace_files, sha256_bytes
from .market.tickers import load_tickers, slug
from .paths import DATA

FAILED, REVISED, UPDATED, UNCHANGED, HELD = "failed", "revised", "updated", "unchanged", "held"
FACTS_NAME = "EDGAR"
DESCRIPTIONS = {
    "yahoo": "Yahoo Finance chart API, adjusted close (personal and research use)",
    "tiingo": "Tiingo end-of-day API, adjusted prices",
}


@dataclass
class Outcome:
    """What happened to one series (or to the EDGAR facts file)."""

    series: str
    status: str = FAILED
    provider: str = "-"
    new_rows: int = 0
    revised_rows: int = 0
    last_date: str = "-"
    stale: int | None = None
    notes: list[str] = field(default_factory=list)
    files: dict[Path, bytes] = field(default_factory=dict)
    entry: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.status in (UPDATED, UNCHANGED, HELD)


@dataclass(frozen=True)
class Context:
    root: Path
    sources: Sources
    manifest: dict[str, Any]
    now: dt.datetime
    accept_revisions: bool

    @property
    def manifest_path(self) -> Path:
        return self.root / "market" / "manifest.json"

    def price_path(self, ticker: str) -> Path:
        return self.root / "market" / "prices" / f"{slug(ticker)}.csv"

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root.parent).as_posix()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="refresh", description=__doc__.splitlines()[0])
    p.add_argument(
        "--all-or-nothing",
        action="store_true",
        help="write nothing unless every series (and the EDGAR facts) passes",
    )
    p.add_argument(
        "--accept-revisions",
        action="store_true",
        help="take restated closes that differ from the committed ones by over 0.5%%",
    )
    p.add_argument(
        "--only",
        nargs="+",
        metavar="TICKER",
        help="refresh only these series (skips the EDGAR facts)",
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        default=DATA,
        help="the data folder to refresh (default: the project's data/)",
    )
    p.add_argument("--sources", type=Path, help="configuration (default: DATA_DIR/sources.yaml)")
    return p


def _fetch(ctx: Context, prov: PriceProvider, s: SeriesSettings, code: str) -> tuple[Fetched, pd.DataFrame, list[str]]:
    """One provider's data for a series, typed and checked on its own (no history yet)."""
    fetched = prov.fetch(s.ticker, s.start, s.symbol(prov.name))
    label = f"{prov.name} {s.ticker}"
    prices = validate_prices(fetched.prices, label)
    prices, live = checks.drop_unclosed(prices, code, ctx.now)
    if prices.empty:
        raise checks.CheckError(label, "no completed session in the response")
    prices = prices.sort_values("date").reset_index(drop=True)
    missing = checks.check_calendar(prices, code, label)
    allowed = checks.known_moves(ctx.sources.known_moves)
    checks.check_jumps(prices, code, ctx.sources.jump_limit_pct, allowed, label)
    notes = [f"{label}: dropped {live} unfinished session(s)"] if live else []
    if missing:
        notes.append(f"{label}: {len(missing)} session(s) missing, e.g. {missing[0]}")
    return fetched, prices, notes


def _committed(ctx: Context, path: Path) -> pd.DataFrame | None:
    if not path.exists():
        return None
    return validate_prices(read_price_csv(path), ctx.rel(path))


def refresh_series(ctx: Context, s: SeriesSettings, providers: dict[str, PriceProvider]) -> Outcome:
    out = Outcome(s.ticker)
    info = load_tickers().get(s.ticker)
    if info is None:
        out.notes.append(f"{s.ticker} is not in data/tickers.yaml")
        return out
    path = ctx.price_path(s.ticker)
    try:
        committed = _committed(ctx, path)
    except DataError as err:
        out.notes.append(f"committed file is invalid, not touched: {err}")
        return out
    good: list[tuple[Fetched, pd.DataFrame]] = []
    for name in s.providers:
        if name not in providers:
            continue
        try:
            fetched, prices, notes = _fetch(ctx, providers[name], s, info.calendar)
        except (FetchError, DataError, checks.CheckError) as err:
            out.notes.append(str(err))
            continue
        good.append((fetched, prices))
        out.notes.extend(notes)
    if not good:
        if not any(p in providers for p in s.providers):
            out.notes.append(f"no available provider among {', '.join(s.providers)}")
        return out
    fetched, prices = good[0]
    out.provider = fetched.provider
    for other, other_prices in good[1:]:
        days = checks.cross_check(prices, other_prices)
        first = f", e.g. {days[0]}" if days else ""
        out.notes.append(
            f"cross-check with {other.provider}: {len(days)} day(s) with returns "
            f"{checks.CROSS_CHECK_PP} pp or more apart{first}"
        )
    history = None
    if committed is not None:
        try:
            history = checks.compare_history(committed, prices, s.start.isoformat(), s.ticker)
        except checks.CheckError as err:
            out.notes.append(str(err))
            return out
        out.revised_rows = len(history.revised)
        if history.revised and not ctx.accept_revisions:
            day = history.revised[0]
            old, new = history.detail[day]
            out.status = REVISED
            out.notes.append(
                f"{len(history.revised)} committed close(s) revised by more than "
                f"0.5% (first {day}: {old:.4f} -> {new:.4f}); rerun with "
                "--accept-revisions to take them"
            )
            return out
        if history.factor != 1.0:
            out.notes.append(f"history rescaled x{history.factor:.6f} to the provider's current adjustment basis")
    merged, out.new_rows = merge_history(committed, prices, history, fetched.splits)
    data = csv_bytes(merged[COLUMNS])
    out.last_date = str(merged["date"].max())
    out.stale = checks.stale_sessions(out.last_date, info.calendar, ctx.now)
    old_entry = ctx.manifest.get("series", {}).get(s.ticker) or {}
    if old_entry.get("sha256") == sha256_bytes(data) and path.exists() and path.read_bytes() == data:
        out.status = UNCHANGED
        return out
    origin = {
        "provider": fetched.provider,
        "url": fetched.url,
        "retrieved_at": ctx.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "description": f"{DESCRIPTIONS.get(fetched.provider, fetched.provider)}, merged "
        "with the committed history; each row's source_id names its origin",
    }
    out.entry = series_entry(merged, data, path, origin, ctx.manifest_path.parent)
    out.files = {path: data}
    out.status = UPDATED
    return out


def _fact_values(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(f["id"]): f.get("value") for f in doc.get("facts") or []}


def refresh_facts(ctx: Context, edgar: Edgar) -> Outcome:
    out = Outcome(f"{FACTS_NAME} facts", provider="edgar")
    path = ctx.root / "facts" / "edgar.yaml"
    try:
        records = edgar.fetch_facts()
        old = _fact_values(path)
    except (FetchError, DataError, yaml.YAMLError, KeyError, TypeError) as err:
        out.notes.append(str(err))
        return out
    new = {r["id"]: r["value"] for r in records}
    dropped, revised = checks.compare_facts(old, new)
    out.new_rows, out.revised_rows = len(set(new) - set(old)), len(revised)
    out.last_date = max(r["date"] for r in records)
    if dropped:
        out.notes.append(f"would drop {len(dropped)} fact(s) already in {ctx.rel(path)}, e.g. {dropped[0]}")
        return out
    if revised and not ctx.accept_revisions:
        out.status = REVISED
        out.notes.append(
            f"{len(revised)} fact value(s) revised, e.g. {revised[0]}: "
            f"{old[revised[0]]} -> {new[revised[0]]}; rerun with --accept-revisions"
        )
        return out
    data = facts_yaml(records, edgar.cfg.cik)
    if path.exists() and path.read_bytes() == data:
        out.status = UNCHANGED
    else:
        out.status, out.files = UPDATED, {path: data}
    return out


def _write(ctx: Context, outcomes: list[Outcome]) -> list[Path]:
    """Stage every changed file, then move them in, the manifest last."""
    files: dict[Path, bytes] = {}
    manifest = dict(ctx.manifest)
    manifest["series"] = dict(ctx.manifest.get("series", {}))
    for o in outcomes:
        if o.status != UPDATED:
            continue
        files.update(o.files)
        if o.entry is not None:
            manifest["series"][o.series] = o.entry
    if manifest != ctx.manifest:
        files[ctx.manifest_path] = json_bytes(manifest)
    return replace_files(files, staging=ctx.root.parent / "build" / ".staging")


def _table(outcomes: list[Outcome]) -> Table:
    table = Table(title="Refresh", show_lines=False)
    for col in (
        "Series",
        "Provider",
        "New rows",
        "Revised",
        "Last date",
        "Stale",
        "Status",
        "Notes",
    ):
        justify = "right" if col in ("New rows", "Revised", "Stale") else "left"
        table.add_column(col, justify=justify, overflow="fold")
    styles = {
        UPDATED: "green",
        UNCHANGED: "dim",
        FAILED: "bold red",
        REVISED: "yellow",
        HELD: "yellow",
    }
    for o in outcomes:
        table.add_row(
            o.series,
            o.provider,
            str(o.new_rows),
            str(o.revised_rows),
            o.last_date,
            "-" if o.stale is None else str(o.stale),
            f"[{styles[o.status]}]{o.status}[/]",
            "\n".join(o.notes),
        )
    return table


def _select(sources: Sources, only: list[str] | None) -> tuple[list[SeriesSettings], bool]:
    """The series to refresh and whether to refresh the EDGAR facts (`--only EDGAR`)."""
    if not only:
        return sources.series, True
    known = {s.ticker.upper(): s for s in sources.series}
    names = [t.upper() for t in dict.fromkeys(only)]
    unknown = [t for t in names if t not in known and t != FACTS_NAME]
    if unknown:
        raise DataError("sources.yaml", "series", f"no series '{unknown[0]}' is configured")
    return [known[t] for t in names if t in known], FACTS_NAME in names


def run(argv: list[str] | None = None) -> int:
    """Refresh the snapshot; 0 when every series passed, 1 when any failed, 2 on bad setup."""
    args = _parser().parse_args(argv)
    console = Console(width=160, highlight=False)
    root = args.data_dir.resolve()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        sources = load_sources(args.sources or root / "sources.yaml")
        series, with_facts = _select(sources, args.only)
        manifest = load_manifest(root / "market" / "manifest.json")
        providers, notices = price_providers(sources, os.environ)
        edgar, notice = edgar_client(sources) if with_facts else (None, None)
    except DataError as err:
        console.print(f"[bold red]refresh:[/] {err}")
        return 2
    notices += [notice] if notice else []
    ctx = Context(root, sources, manifest, now, args.accept_revisions)
    outcomes = [refresh_series(ctx, s, providers) for s in series]
    if edgar is not None:
        outcomes.append(refresh_facts(ctx, edgar))
        edgar.client.close()
    for prov in providers.values():
        prov.client.close()
    failed = [o for o in outcomes if not o.ok]
    if failed and args.all_or_nothing:
        for o in outcomes:
            if o.status == UPDATED:
                o.status = HELD
                o.notes.append("not written: --all-or-nothing and another series failed")
    try:
        written = _write(ctx, outcomes)
    except OSError as err:
        console.print(f"[bold red]refresh: writing failed, data/ is unchanged:[/] {err}")
        return 1
    console.print(_table(outcomes))
    for line in notices:
        console.print(f"notice: {line}")
    for name in sorted({o.provider for o in outcomes} & set(sources.providers)):
        if sources.providers[name].terms:
            console.print(f"terms: {sources.providers[name].terms}")
    console.print(f"{len(written)} file(s) written; {len(failed)} of {len(outcomes)} failed.")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(run())
