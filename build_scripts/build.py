"""The whole build: load and check inputs → analyse → charts and tables → page values → MkDocs.

`make site` runs `python -m build_scripts site`. Each stage reports progress; the run ends with a
summary. No stage touches the network.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import pickle
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pandas as pd
from rich.console import Console
from rich.table import Table as RichTable

from . import findings, pages
from .analysis.results import Results
from .analysis.results import analyse as run_analysis
from .charts.render import library_digest, render, write_if_changed
from .claims.engine import check_figures, judge
from .claims.schema import load_claims
from .claims.timeline import verdict_timeline
from .event import check_event, load_event
from .facts import load_facts
from .market.snapshot import load_prices, wide_closes
from .market.tickers import load_tickers
from .paths import BUILD, DOCS, LANGS, ROOT, SITE, generated_dir
from .sections import (
    Inputs,
    Products,
    calculator,
    compute_values,
    edition,
    efficiency,
    glossary,
    headline,
    investor,
    methodology,
    overreaction,
    scorecard,
)
from .values import Values

SECTIONS = (compute_values, headline, efficiency, overreaction, investor, calculator, scorecard, methodology,
            edition, glossary)
CONFIGS = {"en": ROOT / "mkdocs.yml", "ja": ROOT / "mkdocs.ja.yml"}
console = Console(stderr=True, highlight=False)


@dataclass
class Summary:
    pages: int = 0
    charts: int = 0
    charts_drawn: int = 0
    tables: int = 0
    values: int = 0
    seconds: float = 0.0


def load_inputs(as_of: dt.date | None = None) -> Inputs:
    """Everything the analysis may see. An edition's `as_of` hides later prices and facts here,
    once, so no section can leak what was not yet known."""
    facts = load_facts()
    prices = load_prices()
    event = load_event()
    check_event(event, facts, prices["date"].unique())
    if as_of is not None:
        facts = {k: f for k, f in facts.items() if f.day <= as_of}
        prices = prices[prices["date"] <= pd.Timestamp(as_of)].reset_index(drop=True)
    closes = wide_closes(prices)
    last = closes.index.max().date()
    return Inputs(facts=facts, prices=prices, closes=closes, tickers=load_tickers(),
                  as_of=min(as_of, last) if as_of else last, event=event, book=load_claims(),
                  edition=as_of is not None)


def study(inp: Inputs, cache_dir: Path | None = None) -> Inputs:
    """The analysis, the verdicts and the verdict timeline, computed once for every section.

    All three are pure functions of the inputs and the analysis code, so they are kept in a cache
    keyed by a digest of both: an unchanged rebuild reads them back instead of rerunning twenty
    analyses (the analysis itself, and one per month-end of the timeline)."""
    folder = cache_dir or BUILD / "cache"
    key = study_key(inp)

    def compute() -> tuple[Results, list, pd.DataFrame]:
        results = run_analysis(inp.facts, inp.prices, inp.tickers, inp.as_of, inp.event)
        tl = verdict_timeline(inp.facts, inp.prices, inp.tickers, inp.book, inp.event, inp.as_of)
        return results, judge(inp.book, results), tl

    results, verdicts, timeline = _cached(folder / f"study-{key[:32]}.pkl", compute)
    if not inp.edition:  # on all the data every figure a test names must exist
        check_figures(inp.book, results)
    return dataclasses.replace(inp, results=results, verdicts=verdicts, timeline=timeline)


T = TypeVar("T")

# The code the analysis depends on; its cache is keyed by this and by every input.
STUDY_CODE = ("analysis", "claims", "event.py", "facts.py", "market", "grades.py", "vocab.py", "units.py")


def study_key(inp: Inputs) -> str:
    from . import digest
    from .paths import DATA

    vocab = b"".join(p.read_bytes() for p in sorted((DATA / "facts" / "vocab").glob("*.yaml")))
    return digest.combine(digest.frame_digest(inp.prices), digest.facts_digest(inp.facts),
                          inp.book.model_dump_json(), inp.event.model_dump_json(), inp.as_of.isoformat(),
                          repr(sorted((t, k.model_dump_json()) for t, k in inp.tickers.items())),
                          hashlib.sha256(vocab).hexdigest(), digest.code_digest(STUDY_CODE))


def _cached(path: Path, compute):
    if path.exists():
        try:
            with path.open("rb") as f:
                return pickle.load(f)  # a file this build wrote itself, under build/
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ModuleNotFoundError):
            path.unlink(missing_ok=True)
    out = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as f:
        pickle.dump(out, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return out


def analyse(inp: Inputs, sections: tuple = SECTIONS) -> tuple[Values, Products]:
    """Page values and products. Sections only read `inp`, so their order cannot change the output."""
    inp = inp if inp.results is not None else study(inp)
    assert inp.results is not None  # study() always fills it in
    values = Values(inp.facts, ticker_names={t: {"en": k.name, "ja": k.name_ja} for t, k in inp.tickers.items()})
    for m in inp.results.metrics.values():
        values.computed(m)
    products = Products()
    for section in sections:
        _add(products, section.build(inp, values))
    # Finishing steps read the complete registry (the whole site's values), after every section.
    for section in sections:
        if hasattr(section, "finish"):
            out = section.finish(inp, values)
            products.charts += out.charts
            products.tables += out.tables
    # Each section page opens with key findings built from the complete registry.
    _add(products, Products(blocks=findings.blocks(values)))
    products.charts.sort(key=lambda c: c.id)
    products.tables.sort(key=lambda t: t.id)
    ids = [c.id for c in products.charts] + [t.id for t in products.tables]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ValueError(f"chart/table ids used twice: {sorted(dupes)}")
    return values, products


def _add(products: Products, out: Products) -> None:
    """One section's products into the build's; a block or a download made twice is an error."""
    products.charts += out.charts
    products.tables += out.tables
    for key, text in out.blocks.items():
        if key in products.blocks:
            raise ValueError(f"page block '{key}' made twice")
        products.blocks[key] = text
    for name, data in out.files.items():
        if name in products.files:
            raise ValueError(f"download '{name}' made twice")
        products.files[name] = data


def context(inp: Inputs, values: Values, products: Products, lang: str) -> dict:
    """The page context of one language: what every page template may use."""
    publishing = edition.page_context(inp, values, products.tables)  # edition, newest facts (the hook's)
    return pages.build_context(values, products.charts, products.tables, lang,
                               extra={"as_of": inp.as_of.isoformat(), "publishing": publishing}, blocks=products.blocks)


def render_markdown(inp: Inputs, stems: tuple[str, ...] | None = None) -> dict[tuple[str, str], str]:
    """Every page (or the named ones) in both languages, rendered to Markdown without MkDocs."""
    values, products = analyse(inp)
    out = {}
    for lang in LANGS:
        ctx = context(inp, values, products, lang)
        for md in sorted((DOCS / lang).glob("*.md")):
            if stems is None or md.stem in stems:
                out[(lang, md.stem)] = pages.render(md.read_text(encoding="utf-8"), ctx, 0, f"docs/{lang}/{md.name}")
    return out


def write_products(inp: Inputs, values: Values, products: Products, build_dir: Path = BUILD,
                   fresh: bool | Iterable[str] = False) -> tuple[int, int]:
    """Charts, table CSVs, the values download and each language's page context.

    `fresh` (True for every language, or the languages named) first clears those languages'
    generated files and chart keys, and only theirs: the other language keeps its cache."""
    import csv
    import io

    clear = set(LANGS) if fresh is True else set(fresh or ())
    unknown = clear - set(LANGS)
    if unknown:
        raise ValueError(f"--fresh: unknown language(s) {sorted(unknown)} (use {', '.join(LANGS)})")
    library = library_digest()
    drawn = 0
    for lang in LANGS:
        out = build_dir / generated_dir(lang).relative_to(BUILD)
        cache = build_dir / "chart-cache" / lang
        if lang in clear:
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
        for chart in products.charts:
            drawn += render(chart, lang, out, cache, library)
        for table in products.tables:
            write_if_changed(out / "data" / f"{table.id}.csv", table.csv())
        buf = io.StringIO()
        rows = values.manifest()
        w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        write_if_changed(out / "data" / "values.csv", buf.getvalue().encode())
        for name, data in sorted(products.files.items()):
            write_if_changed(out / "data" / name, data)
        pages.write_context(context(inp, values, products, lang), pages.context_path(lang, build_dir))
    return drawn, len(products.charts) * len(LANGS) * 2


def source_date_epoch(inp: Inputs) -> str:
    """A build timestamp taken from the data, so the sitemap's dates don't change day to day."""
    return str(int(dt.datetime.combine(inp.last_date, dt.time(), dt.UTC).timestamp()))


def mkdocs_build(site_dir: Path, epoch: str, version: str = "") -> int:
    """Both languages built into a staging folder beside `site_dir`, swapped in only when both
    succeeded: a failed build leaves the last good site as it was."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "NO_MKDOCS_2_WARNING": "1",
           "REPORT_VERSION": version, "PYTHONPATH": str(ROOT), "VERSION_PROVIDER": "none"}
    staging = site_dir.with_name(f".{site_dir.name}.building")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for lang in LANGS:
            dest = staging if lang == "en" else staging / lang
            cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
                   "-f", str(CONFIGS[lang]), "-d", str(dest)]
            res = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
            if res.returncode != 0:
                console.print(res.stdout + res.stderr)
                raise SystemExit(f"mkdocs build failed for '{lang}'; {site_dir.name}/ keeps the last good site")
        old = site_dir.with_name(f".{site_dir.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if site_dir.exists():
            site_dir.rename(old)
        staging.rename(site_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sum(1 for _ in site_dir.rglob("index.html"))


def run(site_dir: Path = SITE, as_of: dt.date | None = None, fresh: bool | Iterable[str] = False,
        data_only: bool = False) -> Summary:
    t0 = time.perf_counter()
    s = Summary()
    with console.status("") as status:
        status.update("1/4 loading and checking data …")
        inp = load_inputs(as_of)
        console.print(f"[green]✓[/] data: {len(inp.facts)} facts, {inp.closes.shape[1]} series, "
                      f"as of {inp.as_of}")
        status.update("2/4 analysing …")
        values, products = analyse(inp)
        console.print(f"[green]✓[/] analysis: {len(values.items)} values")
        status.update("3/4 charts and tables …")
        s.charts_drawn, s.charts = write_products(inp, values, products, fresh=fresh)
        s.tables = len(products.tables)
        s.values = len(values.items)
        console.print(f"[green]✓[/] charts: {s.charts} SVGs ({s.charts_drawn} redrawn), "
                      f"tables: {s.tables}")
        if not data_only:
            status.update("4/4 building the site (English, Japanese) …")
            s.pages = mkdocs_build(site_dir, source_date_epoch(inp))
            console.print(f"[green]✓[/] site: {s.pages} pages in {site_dir.name}/")
    s.seconds = time.perf_counter() - t0
    table = RichTable(title="Build summary")
    for col in ("pages", "charts", "redrawn", "tables", "values", "seconds"):
        table.add_column(col, justify="right")
    table.add_row(str(s.pages), str(s.charts), str(s.charts_drawn), str(s.tables), str(s.values),
                  f"{s.seconds:.1f}")
    console.print(table)
    return s
