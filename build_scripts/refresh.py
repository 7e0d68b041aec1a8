"""`refresh`: fetch every configured series, check it, and swap it into the snapshot atomically.

The only step of the project that uses the network. A series is stored only when its new data
passes every rule in `market.schema` and `market.checks`; a failed series keeps its committed
file byte for byte, and the exit code says so. Nothing changes when nothing new arrived, not
even the manifest's retrieval time.

Before anything is fetched, every committed price file must match its sha256 in the manifest:
the refresh merges new rows into the committed history and re-hashes the result, so without this
check it would launder a hand edit into a file the build trusts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console, JustifyMethod
from rich.markup import escape
from rich.table import Table

from .errors import DataError
from .fetch import edgar_client, price_providers
from .fetch.base import Budget, Fetched, FetchError, PriceProvider
from .fetch.config import SeriesSettings, Sources, load_sources
from .fetch.edgar import Edgar, facts_yaml
from .fetch.merge import merge_history
from .market import checks
from .market.manifest import load_manifest, origin_record, series_path, shown, source_parts
from .market.schema import COLUMNS, read_price_csv, validate_prices
from .market.store import (
    csv_bytes,
    finish_interrupted,
    json_bytes,
    locked,
    replace_files,
    sha256_bytes,
    sha256_file,
    staging_for,
    swap_folder,
)
from .market.tickers import Ticker, load_tickers, slug
from .paths import DATA
from .yamlio import load_yaml

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
    tickers: Mapping[str, Ticker] = field(default_factory=dict)
    local_edits: frozenset[str] = frozenset()  # tickers whose committed file was edited and accepted

    @property
    def market(self) -> Path:
        return self.root / "market"

    @property
    def manifest_path(self) -> Path:
        return self.market / "manifest.json"

    def price_path(self, ticker: str) -> Path:
        entry = self.manifest.get("series", {}).get(ticker)
        if entry is not None:
            return series_path(self.market, entry["file"], self.rel(self.manifest_path), f"series '{ticker}'")
        return self.market / "prices" / f"{slug(ticker)}.csv"

    def rel(self, path: Path) -> str:
        return shown(path, self.root)


def configure(p: argparse.ArgumentParser) -> None:
    """The refresh's options, on the parser the command-line app gives it."""
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
    p.add_argument(
        "--accept-local-edits",
        action="store_true",
        help="take committed price files whose sha256 differs from the manifest as they are, and re-record them",
    )
    p.add_argument(
        "--time-budget",
        type=_seconds,
        metavar="SECONDS",
        help="stop asking providers after this many seconds (default: http.budget_seconds in sources.yaml)",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 86_400:
        raise argparse.ArgumentTypeError("the time budget must be more than 0 and at most 86400 seconds")
    return value


def _fetch(ctx: Context, prov: PriceProvider, s: SeriesSettings, code: str) -> tuple[Fetched, pd.DataFrame, list[str]]:
    """One provider's data for a series, typed and checked on its own (no history yet)."""
    fetched = prov.fetch(s.ticker, s.start, s.symbol(prov.name))
    label = f"{prov.name} {s.ticker}"
    prices = validate_prices(fetched.prices, label, ctx.tickers)
    checks.check_dates(prices, code, ctx.now, label)
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
    name = ctx.rel(path)
    return validate_prices(read_price_csv(path, name), name, ctx.tickers)


def refresh_series(ctx: Context, s: SeriesSettings, providers: dict[str, PriceProvider]) -> Outcome:
    out = Outcome(s.ticker)
    info = ctx.tickers[s.ticker]  # checked against the data folder's tickers.yaml before any fetch
    path = ctx.price_path(s.ticker)
    if s.ticker in ctx.local_edits:
        out.notes.append("kept the local edit of the committed file (--accept-local-edits)")
    try:
        committed = _committed(ctx, path)
    except DataError as err:
        out.notes.append(f"committed file is invalid, not touched: {err}")
        return out
    good = _fetch_all(ctx, s, providers, info.calendar, out)
    if not good:
        if not any(p in providers for p in s.providers):
            out.notes.append(f"no available provider among {', '.join(s.providers)}")
        return out
    fetched, prices = good[0]
    out.provider = fetched.provider
    _cross_check(prices, good[1:], out)
    history = None
    if committed is not None:
        history = _checked_history(ctx, s, committed, prices, out)
        if history is None:
            return out
    merged, out.new_rows = merge_history(committed, prices, history, fetched.splits)
    data = csv_bytes(merged[COLUMNS])
    out.last_date = str(merged["date"].max())
    out.stale = checks.stale_sessions(out.last_date, info.calendar, ctx.now)
    old_entry = ctx.manifest.get("series", {}).get(s.ticker) or {}
    if old_entry.get("sha256") == sha256_bytes(data) and path.exists() and path.read_bytes() == data:
        out.status = UNCHANGED
        return out
    out.entry = origin_record(merged, data, path, ctx.market, _origin(ctx, fetched, merged, old_entry))
    out.files = {path: data}
    out.status = UPDATED
    return out


def _fetch_all(ctx: Context, s: SeriesSettings, providers: dict[str, PriceProvider], calendar: str,
               out: Outcome) -> list[tuple[Fetched, pd.DataFrame]]:
    """Every configured provider's prices that passed their checks, in the configured order."""
    good: list[tuple[Fetched, pd.DataFrame]] = []
    for name in s.providers:
        if name not in providers:
            continue
        try:
            fetched, prices, notes = _fetch(ctx, providers[name], s, calendar)
        except (FetchError, DataError, checks.CheckError) as err:
            out.notes.append(str(err))
            continue
        good.append((fetched, prices))
        out.notes.extend(notes)
    return good


def _cross_check(prices: pd.DataFrame, others: list[tuple[Fetched, pd.DataFrame]], out: Outcome) -> None:
    for other, other_prices in others:
        days = checks.cross_check(prices, other_prices)
        first = f", e.g. {days[0]}" if days else ""
        out.notes.append(
            f"cross-check with {other.provider}: {len(days)} day(s) with returns "
            f"{checks.CROSS_CHECK_PP} pp or more apart{first}"
        )


def _checked_history(ctx: Context, s: SeriesSettings, committed: pd.DataFrame, prices: pd.DataFrame,
                     out: Outcome) -> checks.History | None:
    """The committed history against the new prices, or None (with the reason noted) to stop here."""
    try:
        history = checks.compare_history(committed, prices, s.start.isoformat(), s.ticker)
    except checks.CheckError as err:
        out.notes.append(str(err))
        return None
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
        return None
    if history.factor != 1.0:
        out.notes.append(f"history rescaled x{history.factor:.6f} to the provider's current adjustment basis")
    return history


def _origin(ctx: Context, fetched: Fetched, merged: pd.DataFrame, old: Mapping[str, Any]) -> dict[str, Any]:
    """The series' origin record: this provider and endpoint, plus the origins of the rows it kept."""
    kept = old.get("sources") or {}
    parts = source_parts(merged["source_id"])
    sources = {p: kept[p] for p in parts if p in kept}
    sources[fetched.provider] = fetched.url
    prov = ctx.sources.providers.get(fetched.provider)
    return {
        "provider": fetched.provider,
        "url": fetched.url,
        "terms": prov.terms if prov else "see the provider's terms of use",
        "retrieved_at": ctx.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "description": f"{DESCRIPTIONS.get(fetched.provider, fetched.provider)}, merged "
        "with the committed history; each row's source_id names its origin, listed under sources",
        "sources": {p: sources[p] for p in sorted(sources)},
    }


def _fact_values(path: Path, name: str) -> dict[str, Any]:
    if not path.exists():
        return {}
    doc = load_yaml(path, name) or {}
    facts = doc.get("facts") if isinstance(doc, dict) else None
    if not isinstance(facts, list) or not all(isinstance(f, dict) and "id" in f for f in facts):
        raise DataError(name, "file", "must be a mapping with a 'facts' list of facts with ids",
                        hint="restore it from git; the refresh writes this file")
    return {str(f["id"]): f.get("value") for f in facts}


def refresh_facts(ctx: Context, edgar: Edgar) -> Outcome:
    out = Outcome(f"{FACTS_NAME} facts", provider="edgar")
    path = ctx.root / "facts" / "edgar.yaml"
    try:
        old = _fact_values(path, ctx.rel(path))
        records = edgar.fetch_facts()
    except (FetchError, DataError) as err:
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
    """Swap the changed price files and the manifest in as one unit; then the facts file on its own."""
    market: dict[Path, bytes] = {}
    others: dict[Path, bytes] = {}
    manifest = dict(ctx.manifest)
    manifest["series"] = dict(ctx.manifest.get("series", {}))
    for o in outcomes:
        if o.status != UPDATED:
            continue
        for path, data in o.files.items():
            (market if path.resolve().is_relative_to(ctx.market.resolve()) else others)[path] = data
        if o.entry is not None:
            manifest["series"][o.series] = o.entry
    if manifest != ctx.manifest:
        market[ctx.manifest_path] = json_bytes(manifest)
    staging = staging_for(ctx.root)
    written = swap_folder(ctx.market, market, staging)
    return written + replace_files(others, staging)


def local_edits(ctx: Context, series: list[SeriesSettings]) -> list[tuple[str, str, str]]:
    """(ticker, file, problem) for every committed price file that is not what the manifest recorded."""
    found = []
    for ticker, entry in sorted(ctx.manifest.get("series", {}).items()):
        path = ctx.price_path(ticker)
        if not path.is_file():
            found.append((ticker, ctx.rel(path), "is listed in the manifest but missing"))
        elif sha256_file(path) != entry["sha256"]:
            found.append((ticker, ctx.rel(path), "sha256 differs from the manifest, so it was changed outside "
                          "the refresh"))
    for s in series:
        path = ctx.price_path(s.ticker)
        if s.ticker not in ctx.manifest.get("series", {}) and path.exists():
            found.append((s.ticker, ctx.rel(path), "has no record in the manifest, so its origin is unknown"))
    return found


def _tamper_error(found: list[tuple[str, str, str]]) -> DataError:
    _, file, problem = found[0]
    more = f"; {len(found) - 1} more file(s) too" if len(found) > 1 else ""
    return DataError(file, "file", f"{problem}{more}; nothing was fetched or written",
                     hint=f"restore it with `git checkout -- {file}`, or rerun with --accept-local-edits to keep "
                     "the edit and record its new sha256")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]")


def plain(text: str) -> str:
    """Text from providers and files made safe for the terminal: no rich markup, no control codes."""
    return escape(_CONTROL.sub(lambda m: repr(m.group())[1:-1], text))


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
        justify: JustifyMethod = "right" if col in ("New rows", "Revised", "Stale") else "left"
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
            plain("\n".join(o.notes)),
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


def _setup(args: argparse.Namespace, root: Path) -> tuple[Sources, list[SeriesSettings], bool, dict[str, Ticker]]:
    """Configuration checked against the data folder's own tickers.yaml; a DataError stops the run."""
    sources = load_sources(args.sources or root / "sources.yaml")
    tickers = load_tickers(root / "tickers.yaml")
    series, with_facts = _select(sources, args.only)
    for s in sources.series:
        if s.ticker not in tickers:
            raise DataError("sources.yaml", f"series '{s.ticker}'", "not listed in tickers.yaml",
                            hint="add it to tickers.yaml or remove it from sources.yaml")
    for m in sources.known_moves:
        if m.ticker not in tickers:
            raise DataError("sources.yaml", f"known_moves ({m.ticker} {m.date})", "ticker not listed in tickers.yaml")
    for s in series:
        code = tickers[s.ticker].calendar
        if not checks.known_calendar(code):
            raise DataError("tickers.yaml", f"ticker '{s.ticker}'", f"calendar '{code}' is not an exchange "
                            "calendar code", hint="use an exchange_calendars code such as XNYS or XTKS")
    return sources, series, with_facts, tickers


def run(argv: list[str] | None = None) -> int:
    """Refresh the snapshot from a list of options (as `python -m build_scripts refresh …` would)."""
    p = argparse.ArgumentParser(prog="python -m build_scripts refresh")
    configure(p)
    return execute(p.parse_args(argv))


def execute(args: argparse.Namespace) -> int:
    """Refresh the snapshot; 0 when every series passed, 1 when any failed, 2 on bad setup."""
    console = Console(width=160, highlight=False)
    root = args.data_dir.resolve()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    staging = staging_for(root)
    try:
        sources, series, with_facts, tickers = _setup(args, root)
        with locked(staging):
            return _run(args, console, root, now, sources, series, with_facts, tickers)
    except DataError as err:
        console.print(f"[bold red]refresh:[/] {plain(str(err))}")
        return 2


def _run(args: argparse.Namespace, console: Console, root: Path, now: dt.datetime, sources: Sources,
         series: list[SeriesSettings], with_facts: bool, tickers: dict[str, Ticker]) -> int:
    finished = finish_interrupted(root / "market", staging_for(root))
    if finished:
        console.print(f"notice: finished an interrupted refresh ({finished} file(s) moved in)")
    manifest = load_manifest(root / "market" / "manifest.json", root)
    ctx = Context(root, sources, manifest, now, args.accept_revisions, tickers)
    ctx = _with_local_edits(args, console, ctx, series)
    budget = Budget(args.time_budget or sources.http.budget_seconds)
    providers, notices = price_providers(sources, os.environ, budget=budget)
    edgar, notice = edgar_client(sources, budget=budget) if with_facts else (None, None)
    notices += [notice] if notice else []
    try:
        outcomes = [refresh_series(ctx, s, providers) for s in series]
        if edgar is not None:
            outcomes.append(refresh_facts(ctx, edgar))
    finally:
        if edgar is not None:
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
        console.print(f"[bold red]refresh: writing failed; the snapshot is whole (old or new):[/] {plain(str(err))}")
        return 1
    _report(console, sources, outcomes, notices, written, failed)
    return 1 if failed else 0


def _with_local_edits(args: argparse.Namespace, console: Console, ctx: Context,
                      series: list[SeriesSettings]) -> Context:
    """The context, once committed files that differ from the manifest are refused or accepted."""
    edits = local_edits(ctx, series)
    if edits and not args.accept_local_edits:
        raise _tamper_error(edits)
    refreshed = {s.ticker for s in series}
    for ticker, file, problem in edits:
        if ticker not in refreshed:
            console.print(f"notice: {plain(file)} {plain(problem)} and is not refreshed now; the build refuses it "
                          "until it is refreshed or restored")
    return replace(ctx, local_edits=frozenset(t for t, _, _ in edits if t in refreshed))


def _report(console: Console, sources: Sources, outcomes: list[Outcome], notices: list[str],
            written: list[Path], failed: list[Outcome]) -> None:
    console.print(_table(outcomes))
    for line in notices:
        console.print(f"notice: {plain(line)}")
    for name in sorted({o.provider for o in outcomes} & set(sources.providers)):
        console.print(f"terms: {plain(sources.providers[name].terms)}")
    console.print(f"{len(written)} file(s) written; {len(failed)} of {len(outcomes)} failed.")


if __name__ == "__main__":
    raise SystemExit(run())
