"""`make bench`: how long the build takes, where the time goes, and what a reader downloads.

    python -m build_scripts.bench [--runs 3] [--lighthouse] [--scale] [--out build/bench.json]

Measured, each in its own process so that peak memory belongs to one step:
- the clean build (no chart cache), with its peak memory;
- the no-op rebuild (nothing changed), split into loading, analysis, charts and tables, and the
  two MkDocs builds, against two bare `mkdocs build`s of the same pages in the same run;
- the rebuild after one ticker's prices change (in a copy of data/), with the charts it redrew
  and the charts whose data changed: the two lists must be the same;
- analysis time on the committed snapshot;
- each page's weight as a phone downloads it (first view, and after reading to the end),
  uncompressed and gzip, and the largest chart SVG;
- with --lighthouse, Lighthouse (mobile) per page, the median of three runs;
- with --scale, the analysis and the data build on synthetic snapshots (see scale.py).

This is a measurement, not a test: it prints a table and writes JSON; nothing here fails a build.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .paths import BUILD, DATA, DOCS, ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Request

LARGEST_SVG_GOAL = 80 * 1024
LIGHTHOUSE = ROOT / "tests" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHANGED_TICKER = "9984.T"  # one series that only some charts use


def peak_mib() -> float:
    """Peak resident memory of this process and of every child it waited for, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, kids) / 1024, 1)


# --------------------------------------------------------------------------- stages (one process each)

def stage_clean(site: Path) -> dict[str, Any]:
    from . import build

    t0 = time.perf_counter()
    s = build.run(site_dir=site, fresh=True)
    return {"seconds": time.perf_counter() - t0, "charts_drawn": s.charts_drawn, "pages": s.pages}


def stage_rebuild(site: Path) -> dict[str, Any]:
    """The steps of `build.run`, timed one by one."""
    from . import build

    t = [time.perf_counter()]
    inp = build.load_inputs()
    t.append(time.perf_counter())
    values, products = build.analyse(inp)
    t.append(time.perf_counter())
    drawn, _ = build.write_products(inp, values, products)
    t.append(time.perf_counter())
    build.mkdocs_build(site, build.source_date_epoch(inp))
    t.append(time.perf_counter())
    parts = dict(zip(("load", "analysis", "charts_tables", "mkdocs"), (b - a for a, b in itertools.pairwise(t)),
                     strict=True))
    return {"seconds": t[-1] - t[0], **parts, "charts_drawn": drawn, "epoch": build.source_date_epoch(inp)}


def stage_bare(site: Path, epoch: str) -> dict[str, Any]:
    from . import build

    t0 = time.perf_counter()
    build.mkdocs_build(site, epoch)
    return {"seconds": time.perf_counter() - t0}


def stage_analysis(runs: int) -> dict[str, Any]:
    from . import build

    build.analyse(build.load_inputs())  # warm-up: imports and caches
    load, analysis = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        inp = build.load_inputs()
        t1 = time.perf_counter()
        build.analyse(inp)
        load.append(t1 - t0)
        analysis.append(time.perf_counter() - t1)
    return {"load": statistics.median(load), "analysis": statistics.median(analysis),
            "series": int(inp.closes.shape[1]), "rows": len(inp.prices)}


# Each stage takes its own arguments (a site folder, an epoch, a number of runs): main() passes them.
STAGES: dict[str, Callable[..., dict[str, Any]]] = {
    "clean": stage_clean, "rebuild": stage_rebuild, "bare": stage_bare, "analysis": stage_analysis}


def run_stage(name: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "build_scripts.bench", "--stage", name, *args]
    res = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"bench step '{name}' failed:\n{res.stdout[-3000:]}{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- one ticker changes

def change_one_ticker(data: Path, ticker: str) -> str:
    """Raise one close of `ticker` by 1% in a copy of data/, keeping its manifest record true."""
    from .market.store import sha256_file
    from .market.tickers import slug

    manifest_path = data / "market" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    entry = manifest["series"][ticker]
    path = data / "market" / entry["file"]
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    col = header.index("close")
    row = lines[len(lines) // 2].split(",")
    row[col] = f"{float(row[col]) * 1.01:.4f}"
    lines[len(lines) // 2] = ",".join(row)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    entry["sha256"] = sha256_file(path)
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return f"{slug(ticker)}.csv {row[0]} close ×1.01"


def digests(folder: Path, pattern: str) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.glob(pattern))}


def chart_state(build_dir: Path) -> dict[str, dict[str, str]]:
    """Digests of each chart's render keys (what decides a redraw) and of every CSV download."""
    return {"keys": digests(build_dir / "chart-cache", "*/*.key"),
            "csv": digests(build_dir / "pages", "*/generated/data/*.csv")}


def chart_changes(build_dir: Path, before: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Charts redrawn (their render key changed) against charts whose data changed."""
    after = chart_state(build_dir)
    redrawn = sorted(k for k in after["keys"] if before["keys"].get(k) != after["keys"][k])
    redrawn_charts = sorted({k.split("/")[-1].rsplit("-", 1)[0] for k in redrawn})
    charts = {k.split("/")[-1].rsplit("-", 1)[0] for k in after["keys"]}
    data_changed = sorted(k for k in after["csv"] if before["csv"].get(k) != after["csv"][k])
    changed_charts = sorted({k.split("/")[-1].removesuffix(".csv") for k in data_changed} & charts)
    return {"svgs_redrawn": len(redrawn), "charts_redrawn": redrawn_charts,
            "charts_whose_data_changed": changed_charts, "csv_changed": len(data_changed),
            "only_what_changed": redrawn_charts == changed_charts}


# --------------------------------------------------------------------------- page weight

def site_pages() -> list[str]:
    out = []
    for prefix, lang in (("", "en"), ("ja/", "ja")):
        out += [prefix + ("" if p.stem == "index" else f"{p.stem}/") for p in sorted((DOCS / lang).glob("*.md"))]
    return out


def file_for(site: Path, url_path: str) -> Path | None:
    target = site / url_path.lstrip("/")
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def same_site_requests(base: str, urls: set[str]) -> Callable[[Request], None]:
    """A page's request listener that keeps the URLs the page fetches from the site itself."""

    def keep(request: Request) -> None:
        if request.url.startswith(base):
            urls.add(request.url)

    return keep


def page_weights(site: Path) -> list[dict[str, Any]]:
    """What a 390 px phone fetches for each page: at first view, and after scrolling to the end."""
    from urllib.parse import unquote, urlsplit

    from playwright.sync_api import sync_playwright

    from .shots import CHROMIUM_ARGS, chromium_path, serve

    def sizes(urls: set[str]) -> tuple[int, int]:
        raw = gz = 0
        for url in urls:
            path = file_for(site, unquote(urlsplit(url).path))
            if path is not None:
                data = path.read_bytes()
                raw += len(data)
                gz += len(gzip.compress(data, 6, mtime=0))
        return raw, gz

    out = []
    with serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        ctx = browser.new_context(viewport={"width": 390, "height": 844})
        for path in site_pages():
            page = ctx.new_page()
            urls: set[str] = set()
            page.on("request", same_site_requests(base, urls))
            page.goto(f"{base}/{path}")
            page.wait_for_load_state("networkidle")
            first = sizes(set(urls))
            height = page.evaluate("document.documentElement.scrollHeight")
            for y in range(0, height, 700):
                page.evaluate(f"window.scrollTo(0, {y})")
                page.wait_for_timeout(40)
            page.wait_for_load_state("networkidle")
            whole = sizes(urls)
            html = file_for(site, path)
            out.append({"page": f"/{path}", "html": html.stat().st_size if html else 0,
                        "first_view": first[0], "first_view_gzip": first[1],
                        "whole_page": whole[0], "whole_page_gzip": whole[1], "requests": len(urls)})
            page.close()
        browser.close()
    return out


def largest_svg(site: Path) -> dict[str, Any]:
    svg = max(site.rglob("generated/charts/*.svg"), key=lambda p: p.stat().st_size)
    return {"file": svg.relative_to(site).as_posix(), "bytes": svg.stat().st_size,
            "goal_bytes": LARGEST_SVG_GOAL, "within_goal": svg.stat().st_size <= LARGEST_SVG_GOAL}


# --------------------------------------------------------------------------- Lighthouse

def lighthouse(site: Path, runs: int) -> list[dict[str, Any]]:
    from .shots import chromium_path, serve

    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: `make bench ARGS=--lighthouse` installs it "
                         "(npm ci in tests/lighthouse/)")
    flags = ("--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
             "--disable-background-networking --disable-component-update --disable-sync")
    out = []
    with serve(site) as base, tempfile.TemporaryDirectory() as tmp:
        for path in site_pages():
            scores = []
            for i in range(runs):
                report = Path(tmp) / f"lh-{i}.json"
                profile = Path(tmp) / f"profile-{i}"
                cmd = ["node", str(LIGHTHOUSE), f"{base}/{path}", "--quiet", "--output=json",
                       f"--output-path={report}", "--only-categories=performance,accessibility,best-practices,seo",
                       f"--chrome-flags={flags} --user-data-dir={profile}"]
                subprocess.run(cmd, check=True, capture_output=True, env={**os.environ, "CHROME_PATH": chromium_path()})
                lhr = json.loads(report.read_text(encoding="utf-8"))
                cats, audits = lhr["categories"], lhr["audits"]
                scores.append({
                    "performance": round(cats["performance"]["score"] * 100),
                    "accessibility": round(cats["accessibility"]["score"] * 100),
                    "best_practices": round(cats["best-practices"]["score"] * 100),
                    "seo": round(cats["seo"]["score"] * 100),
                    "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
                    "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
                    "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
                    "total_bytes": audits["total-byte-weight"]["numericValue"],
                })
            scores.sort(key=lambda s: s["performance"])
            median = scores[len(scores) // 2]
            out.append({"page": f"/{path}", **median, "performance_runs": [s["performance"] for s in scores]})
            print(f"  lighthouse /{path}: {median['performance']} {[s['performance'] for s in scores]}",
                  file=sys.stderr)
    return out


# --------------------------------------------------------------------------- report

def kib(n: float) -> str:
    return f"{n / 1024:,.0f} KiB"


def print_report(r: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console()
    t = Table(title=f"Build ({r['machine']['cpus']} CPUs, load {r['machine']['load_before']})")
    for col in ("step", "seconds", "notes"):
        t.add_column(col, justify="right" if col == "seconds" else "left")
    b = r["build"]
    t.add_row("clean build", f"{b['clean']['seconds']:.1f}", f"peak memory {b['clean']['peak_mib']} MiB, "
              f"{b['clean']['charts_drawn']} SVGs drawn")
    n = b["noop"]
    t.add_row("no-op rebuild (median)", f"{n['seconds']:.1f}",
              f"load {n['load']:.1f} · analysis {n['analysis']:.1f} · charts+tables {n['charts_tables']:.1f} · "
              f"mkdocs {n['mkdocs']:.1f}; {n['charts_drawn']} SVGs redrawn "
              f"({', '.join(n.get('charts_redrawn', [])) or 'none'})")
    t.add_row("two bare mkdocs builds (median)", f"{b['bare']['seconds']:.1f}", "")
    t.add_row("no-op ÷ bare", f"{b['noop_ratio']:.2f}", "goal ≤ 1.5")
    c = b["one_ticker"]
    t.add_row(f"rebuild after {c['ticker']} changed", f"{c['seconds']:.1f}",
              f"{len(c['charts_redrawn'])} charts redrawn ({c['svgs_redrawn']} SVGs): "
              f"{', '.join(c['charts_redrawn']) or 'none'}; only what changed: {c['only_what_changed']}")
    a = r["analysis"]
    t.add_row("analysis (median)", f"{a['analysis']:.2f}", f"load {a['load']:.2f} s; {a['series']} series, "
              f"{a['rows']:,} rows")
    con.print(t)
    w = Table(title="Page weight at 390 px (uncompressed / gzip)")
    for col in ("page", "html", "first view", "whole page", "requests"):
        w.add_column(col, justify="left" if col == "page" else "right")
    for p in r["pages"]:
        w.add_row(p["page"], kib(p["html"]), f"{kib(p['first_view'])} / {kib(p['first_view_gzip'])}",
                  f"{kib(p['whole_page'])} / {kib(p['whole_page_gzip'])}", str(p["requests"]))
    con.print(w)
    s = r["largest_svg"]
    con.print(f"largest SVG: {s['file']} {kib(s['bytes'])} (goal ≤ {kib(s['goal_bytes'])})")
    if r.get("lighthouse"):
        lt = Table(title="Lighthouse, mobile (median of runs)")
        for col in ("page", "perf", "runs", "a11y", "best pr.", "SEO", "LCP ms", "TBT ms", "bytes"):
            lt.add_column(col, justify="left" if col == "page" else "right")
        for p in r["lighthouse"]:
            lt.add_row(p["page"], str(p["performance"]), str(p["performance_runs"]), str(p["accessibility"]),
                       str(p["best_practices"]), str(p["seo"]), str(p["lcp_ms"]), str(p["tbt_ms"]),
                       kib(p["total_bytes"]))
        con.print(lt)
    if r.get("scale"):
        from .scale import print_scale

        print_scale(r["scale"], con)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="repeats of each timed rebuild (median kept)")
    ap.add_argument("--lighthouse", action="store_true", help="add Lighthouse per page (needs tests/lighthouse)")
    ap.add_argument("--lighthouse-runs", type=int, default=3)
    ap.add_argument("--scale", action="store_true", help="add the synthetic-snapshot scale runs")
    ap.add_argument("--scale-sizes", default="28,100,500", help="tickers per synthetic snapshot")
    ap.add_argument("--out", type=Path, default=BUILD / "bench.json")
    ap.add_argument("--stage", help=argparse.SUPPRESS)
    ap.add_argument("stage_args", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.stage:
        fn = STAGES[args.stage]
        extra = [Path(args.stage_args[0])] if args.stage in {"clean", "rebuild", "bare"} else [args.runs]
        result = fn(*extra, *args.stage_args[1:])
        print(json.dumps({**result, "peak_mib": peak_mib()}))
        return 0

    report: dict[str, Any] = {"measured": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                              "machine": {"cpus": os.cpu_count(), "load_before": os.getloadavg()[0]}}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        site, build_dir = work / "site", work / "build"
        env = {"REPORT_BUILD_DIR": str(build_dir)}
        print("clean build …", file=sys.stderr)
        clean = run_stage("clean", env, str(site))
        noop, bare, noop_redrawn = [], [], set()
        for i in range(args.runs):  # interleaved, so machine load hits both alike
            print(f"no-op rebuild and bare mkdocs, run {i + 1}/{args.runs} …", file=sys.stderr)
            before = chart_state(build_dir)
            noop.append(run_stage("rebuild", env, str(site)))
            noop_redrawn.update(chart_changes(build_dir, before)["charts_redrawn"])
            bare.append(run_stage("bare", env, str(site), noop[-1]["epoch"]))
        noop_med = {k: statistics.median(r[k] for r in noop) for k in
                    ("seconds", "load", "analysis", "charts_tables", "mkdocs", "peak_mib")}
        noop_med["charts_drawn"] = max(r["charts_drawn"] for r in noop)
        noop_med["charts_redrawn"] = sorted(noop_redrawn)  # should be none: nothing changed
        bare_s = statistics.median(r["seconds"] for r in bare)
        print(f"rebuild after a change to {CHANGED_TICKER} …", file=sys.stderr)
        data = work / "data"
        shutil.copytree(DATA, data)
        change = change_one_ticker(data, CHANGED_TICKER)
        before = chart_state(build_dir)
        one = run_stage("rebuild", {**env, "REPORT_DATA_DIR": str(data)}, str(site))
        one_ticker = {"ticker": CHANGED_TICKER, "change": change, "seconds": one["seconds"],
                      **chart_changes(build_dir, before)}
        # Measure the pages of the committed data, not of the changed copy.
        run_stage("rebuild", env, str(site))
        report["build"] = {"clean": clean, "noop": noop_med, "noop_runs": [r["seconds"] for r in noop],
                           "bare": {"seconds": bare_s, "runs": [r["seconds"] for r in bare]},
                           "noop_ratio": noop_med["seconds"] / bare_s, "one_ticker": one_ticker}
        print("analysis …", file=sys.stderr)
        report["analysis"] = run_stage("analysis", env, "--runs", str(args.runs * 2))
        print("page weight …", file=sys.stderr)
        report["pages"] = page_weights(site)
        report["largest_svg"] = largest_svg(site)
        if args.lighthouse:
            print("Lighthouse …", file=sys.stderr)
            report["lighthouse"] = lighthouse(site, args.lighthouse_runs)
    if args.scale:
        from .scale import run_scale

        report["scale"] = run_scale([int(n) for n in args.scale_sizes.split(",")])
    report["machine"]["load_after"] = os.getloadavg()[0]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print_report(report)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
