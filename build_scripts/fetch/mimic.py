"""A local stand-in for the providers, so the refresh can be run by hand without the internet.

    python -m build_scripts.fetch.mimic --port 8765 [--data-dir DIR] [--extend N]

Serves, on 127.0.0.1, every configured series in Yahoo's chart format and Tiingo's price
format, rendered from the committed snapshot (so a refresh against it finds nothing new), plus
a recorded EDGAR companyfacts payload (from `recorded/`, beside this module). `--extend N` adds
N flat sessions after each series' last date, to watch an update go through. Files in
`--recorded DIR` (yahoo/<slug>.json, tiingo/<slug>.json, edgar/companyfacts.json) are served
instead of the rendered payloads.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pandas as pd

from ..errors import DataError
from ..market.checks import calendar, sessions
from ..market.schema import read_price_csv
from ..market.tickers import load_tickers, slug
from ..paths import DATA
from .config import load_sources

# Payloads in each provider's documented format, written by hand (illustrative numbers): the
# mimic serves the EDGAR one, and the tests build their faulty variants from all three.
RECORDED = Path(__file__).with_name("recorded")
EDGAR_PAYLOAD = RECORDED / "edgar_companyfacts_nvda.json"
ZONES = {"XNYS": ("America/New_York", "09:30"), "XTKS": ("Asia/Tokyo", "09:00")}
HOST = "127.0.0.1"  # the mimic serves this machine only


def _num(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _history(path: Path, code: str, start: str, extend: int) -> pd.DataFrame:
    """Committed rows on exchange sessions (a real provider has no others), plus flat extras."""
    df = read_price_csv(path)
    for col in ("open", "high", "low", "close", "volume"):
        df[col] = pd.to_numeric(df[col])
    open_days = set(sessions(code, df["date"].min(), df["date"].max()))
    df = df[(df["date"] >= start) & df["date"].isin(open_days)]
    if extend:
        after = calendar(code).sessions_window(df["date"].max(), extend + 1)[1:]
        extra = pd.DataFrame([df.iloc[-1]] * extend).assign(date=after.strftime("%Y-%m-%d"))
        df = pd.concat([df, extra], ignore_index=True)
    return df.reset_index(drop=True)


def yahoo_payload(df: pd.DataFrame, symbol: str, code: str) -> dict[str, Any]:
    zone, opens = ZONES.get(code, ("UTC", "00:00"))
    stamps = pd.to_datetime(df["date"] + " " + opens).dt.tz_localize(zone)
    quote = {c: [_num(v) for v in df[c].astype(float)] for c in ("open", "high", "low", "close")}
    quote["volume"] = [None if _num(v) is None else int(v) for v in df["volume"]]
    return {
        "chart": {
            "error": None,
            "result": [
                {
                    "meta": {"symbol": symbol, "exchangeTimezoneName": zone, "dataGranularity": "1d"},
                    "timestamp": [int(t.timestamp()) for t in stamps],
                    "events": {},
                    "indicators": {"quote": [quote], "adjclose": [{"adjclose": quote["close"]}]},
                }
            ],
        }
    }


def tiingo_payload(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in df.to_dict("records"):
        prices = {k: _num(float(row[k])) for k in ("open", "high", "low", "close")}
        volume = None if _num(float(row["volume"])) is None else int(row["volume"])
        out.append(
            {
                "date": f"{row['date']}T00:00:00.000Z",
                **prices,
                "volume": volume,
                **{f"adj{k.title()}": v for k, v in prices.items()},
                "adjVolume": volume,
                "divCash": 0.0,
                "splitFactor": 1.0,
            }
        )
    return out


def build_payloads(
    data_dir: Path, extend: int = 0, recorded: Path | None = None, edgar: Path = EDGAR_PAYLOAD
) -> dict[str, bytes]:
    """URL path -> body for every configured series and the EDGAR document."""
    sources = load_sources(data_dir / "sources.yaml", env={})
    tickers = load_tickers(data_dir / "tickers.yaml")
    out: dict[str, bytes] = {}
    for s in sources.series:
        code = tickers[s.ticker].calendar
        df = _history(data_dir / "market" / "prices" / f"{slug(s.ticker)}.csv", code, s.start.isoformat(), extend)
        if "yahoo" in s.providers:
            doc = yahoo_payload(df, s.symbol("yahoo"), code)
            out[f"/v8/finance/chart/{s.symbol('yahoo')}"] = json.dumps(doc).encode()
        if "tiingo" in s.providers:
            path = f"/tiingo/daily/{s.symbol('tiingo').lower()}/prices"
            out[path] = json.dumps(tiingo_payload(df)).encode()
    out[f"/api/xbrl/companyfacts/CIK{sources.edgar.cik:010d}.json"] = edgar.read_bytes()
    if recorded:
        for s in sources.series:
            for prov, path in (
                ("yahoo", f"/v8/finance/chart/{s.symbol('yahoo')}"),
                ("tiingo", f"/tiingo/daily/{s.symbol('tiingo').lower()}/prices"),
            ):
                file = recorded / prov / f"{slug(s.ticker)}.json"
                if file.exists():
                    out[path] = file.read_bytes()
        file = recorded / "edgar" / "companyfacts.json"
        if file.exists():
            out[f"/api/xbrl/companyfacts/CIK{sources.edgar.cik:010d}.json"] = file.read_bytes()
    return out


def make_server(payloads: dict[str, bytes], port: int = 0) -> ThreadingHTTPServer:
    """A server on 127.0.0.1 answering GETs from `payloads`, ignoring the query string."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = payloads.get(unquote(urlsplit(self.path).path))
            status = 200 if body is not None else 404
            body = body if body is not None else b'{"detail": "Not found."}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return ThreadingHTTPServer((HOST, port), Handler)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="mimic", description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--data-dir", type=Path, default=DATA)
    p.add_argument("--extend", type=int, default=0, help="flat sessions to add to each series")
    p.add_argument("--recorded", type=Path, help="folder of recorded payloads to serve instead")
    args = p.parse_args(argv)
    try:
        payloads = build_payloads(args.data_dir, args.extend, args.recorded)
    except DataError as err:
        print(f"mimic: {err}", file=sys.stderr)
        return 2
    server = make_server(payloads, args.port)
    print(f"mimic: serving {args.data_dir} on http://{HOST}:{server.server_port} (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
