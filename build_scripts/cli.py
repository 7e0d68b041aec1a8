"""`python -m build_scripts …`: the project's one command-line entry point."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .errors import DataError


def _date(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


# Commands with their own option parsers: everything after the name is handed over unchanged.
PASS_THROUGH = {"refresh": ("refresh", "run"), "deploy": ("deploy", "main"), "editions": ("deploy", "editions_main")}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in PASS_THROUGH:
        import importlib

        name, func = PASS_THROUGH[argv[0]]
        module = importlib.import_module(f".{name}", __package__)
        try:
            return getattr(module, func)(argv[1:])
        except DataError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    p = argparse.ArgumentParser(prog="python -m build_scripts", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)

    snap = sub.add_parser("snapshot", help="manage the committed price snapshot")
    snap_sub = snap.add_subparsers(dest="action", required=True)
    imp = snap_sub.add_parser("import", help="import a compiled long CSV into data/market/")
    imp.add_argument("path", type=Path)
    imp.add_argument("--compiled-on", type=_date, default=dt.date.today(),
                     help="date the compiled file was made (default: today)")

    facts = sub.add_parser("facts", help="manage the curated facts")
    facts_sub = facts.add_subparsers(dest="action", required=True)
    fimp = facts_sub.add_parser("import", help="curate compiled fact files into data/facts/")
    fimp.add_argument("path", type=Path)
    facts_sub.add_parser("check", help="validate data/facts/*.yaml")

    for name, helptext in (("site", "build data products and the site"),
                           ("data", "build data products only (for `mkdocs serve`)")):
        b = sub.add_parser(name, help=helptext)
        b.add_argument("--site-dir", type=Path, default=None)
        b.add_argument("--as-of", type=_date, default=None, help="build an edition as of this date")
        b.add_argument("--fresh", nargs="?", const="all", default=None, choices=["all", "en", "ja"],
                       help="redraw every chart of all languages, or of the one named (ignore its cache)")

    sub.add_parser("editions", help="build the editions of data/editions.yaml into gh-pages", add_help=False)
    sub.add_parser("deploy", help="push the gh-pages branch that `editions` built", add_help=False)
    sub.add_parser("refresh", help="fetch new prices from the providers (network)", add_help=False)

    args = p.parse_args(argv)
    try:
        return _dispatch(args)
    except DataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace) -> int:
    if args.cmd == "snapshot":
        from .market.snapshot import import_compiled

        manifest = import_compiled(args.path, args.compiled_on)
        rows = sum(e["rows"] for e in manifest["series"].values())
        print(f"imported {len(manifest['series'])} series, {rows} rows")
        return 0
    if args.cmd == "facts":
        from .facts import load_facts

        if args.action == "import":
            from .facts_import import curate

            for line in curate(args.path):
                print(f"left out: {line}")
        print(f"{len(load_facts())} facts valid")
        return 0
    if args.cmd in ("site", "data"):
        from . import build
        from .paths import SITE

        fresh = True if args.fresh == "all" else (args.fresh,) if args.fresh else False
        build.run(site_dir=args.site_dir or SITE, as_of=args.as_of, fresh=fresh,
                  data_only=args.cmd == "data")
        return 0
    return 1
