"""`python -m build_scripts …`: the project's one command-line app, with one help and one error path.

Every command is a subcommand of one parser (`python -m build_scripts --help` lists them all). Bad
input anywhere raises `DataError`, printed here as one line naming the file, the item and the rule,
with exit status 2; a refused operation (`SystemExit` with a message) exits 1. No traceback reaches
the user for either.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import DataError

Handler = Callable[[argparse.Namespace], int]


def _date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{s}' is not a date (write YYYY-MM-DD)") from None


def _lazy(module: str, func: str) -> Handler:
    """A handler imported only when its command runs, so `--help` stays fast."""
    def run(args: argparse.Namespace) -> int:
        return getattr(importlib.import_module(f".{module}", __package__), func)(args)
    return run


def _build_site(args: argparse.Namespace) -> int:
    from . import build
    from .paths import SITE

    fresh = True if args.fresh == "all" else (args.fresh,) if args.fresh else False
    build.run(site_dir=args.site_dir or SITE, as_of=args.as_of, fresh=fresh, data_only=args.cmd == "data")
    return 0


def _snapshot_import(args: argparse.Namespace) -> int:
    from .market.snapshot import import_compiled

    manifest = import_compiled(args.path, args.compiled_on)
    rows = sum(e["rows"] for e in manifest["series"].values())
    print(f"imported {len(manifest['series'])} series, {rows} rows")
    return 0


def _facts(args: argparse.Namespace) -> int:
    from .facts import load_facts

    if args.action == "import":
        from .facts_import import curate

        for line in curate(args.path):
            print(f"left out: {line}")
    print(f"{len(load_facts())} facts valid")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m build_scripts", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True, metavar="COMMAND")

    for name, helptext in (("site", "build data products and the bilingual site into site/ (offline)"),
                           ("data", "build data products only (charts, tables, page values; for `mkdocs serve`)")):
        b = sub.add_parser(name, help=helptext, description=helptext)
        b.add_argument("--site-dir", type=Path, default=None)
        b.add_argument("--as-of", type=_date, default=None, help="build an edition as of this date")
        b.add_argument("--fresh", nargs="?", const="all", default=None, choices=["all", "en", "ja"],
                       help="redraw every chart of all languages, or of the one named (ignore its cache)")
        b.set_defaults(handler=_build_site)

    snap = sub.add_parser("snapshot", help="manage the committed price snapshot")
    snap_sub = snap.add_subparsers(dest="action", required=True, metavar="ACTION")
    imp = snap_sub.add_parser("import", help="import a compiled long CSV into data/market/")
    imp.add_argument("path", type=Path)
    imp.add_argument("--compiled-on", type=_date, default=dt.date.today(),
                     help="date the compiled file was made (default: today)")
    imp.set_defaults(handler=_snapshot_import)

    facts = sub.add_parser("facts", help="manage the curated facts")
    facts_sub = facts.add_subparsers(dest="action", required=True, metavar="ACTION")
    fimp = facts_sub.add_parser("import", help="curate compiled fact files into data/facts/")
    fimp.add_argument("path", type=Path)
    fimp.set_defaults(handler=_facts)
    facts_sub.add_parser("check", help="validate data/facts/*.yaml").set_defaults(handler=_facts)

    from . import deploy, refresh

    r = sub.add_parser("refresh", help="fetch new prices from the providers (the only networked step)")
    refresh.configure(r)
    r.set_defaults(handler=_lazy("refresh", "execute"))
    e = sub.add_parser("editions", help="build the editions of data/editions.yaml into gh-pages with mike")
    deploy.configure_editions(e)
    e.set_defaults(handler=_lazy("deploy", "run_editions"))
    d = sub.add_parser("deploy", help="push the gh-pages branch that `editions` built")
    deploy.configure_deploy(d)
    d.set_defaults(handler=_lazy("deploy", "run_deploy"))
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return args.handler(args)
    except DataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
