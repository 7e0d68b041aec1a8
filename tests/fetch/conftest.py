"""Fixtures for the refresh tests: a temporary data folder and recorded provider payloads.

Every test runs against 127.0.0.1 (pytest-httpserver) and a copy of a small committed snapshot
in tmp_path, so neither the internet nor the project's own data/ is ever touched.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_httpserver import HTTPServer

from build_scripts import refresh
from build_scripts.fetch.mimic import RECORDED
from build_scripts.market.manifest import origin_record
from build_scripts.market.schema import read_price_csv, validate_prices
from build_scripts.market.store import json_bytes

FIXTURES = Path(__file__).parent / "fixtures"  # test-only files; provider payloads are in RECORDED
START = "2026-08-07"  # first committed row in fixtures/committed/nvda.csv
YAHOO_PATH = "/v8/finance/chart/NVDA"
TIINGO_PATH = "/tiingo/daily/nvda/prices"
EDGAR_PATH = "/api/xbrl/companyfacts/CIK0001045810.json"
FAST_HTTP = {"timeout_seconds": 0.3, "attempts": 3, "backoff_seconds": 0.001, "max_wait_seconds": 0.01}


COMPILED = {
    "provider": "compiled",
    "url": "https://github.com/wudn9922/my-stock-screener/tree/b32ec9f7898663f84ddbb9dbed895ede52c2cfd9/data",
    "terms": "Yahoo Finance data are for personal and research use only.",
    "retrieved_at": "2026-11-01",
    "description": "test snapshot",
    "sources": {"mss": "https://github.com/wudn9922/my-stock-screener/tree/b32ec9f7898663f84ddbb9dbed895ede52c2cfd9/data"},
}


def payload(name: str) -> Any:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(root: Path) -> dict[str, str]:
    """Every file under `root` with its sha256: the whole state a refresh could change."""
    return {p.relative_to(root).as_posix(): sha(p) for p in sorted(root.rglob("*")) if p.is_file()}


def sources_doc(providers: list[str], http: dict[str, Any] | None = None) -> dict[str, Any]:
    doc = yaml.safe_load((Path(refresh.DATA) / "sources.yaml").read_text(encoding="utf-8"))
    doc["http"] = http or FAST_HTTP
    doc["series"] = [{"ticker": "NVDA", "providers": providers, "start": START}]
    return doc


def make_data_dir(root: Path) -> Path:
    """`root` as a data folder: the NVDA fixture committed, a matching manifest, tickers and sources."""
    prices = root / "market" / "prices"
    prices.mkdir(parents=True)
    (root / "facts").mkdir()
    shutil.copy(Path(refresh.DATA) / "tickers.yaml", root / "tickers.yaml")
    target = prices / "nvda.csv"
    shutil.copy(FIXTURES / "committed" / "nvda.csv", target)
    df = validate_prices(read_price_csv(target), "nvda.csv")
    entry = origin_record(df, target.read_bytes(), target, root / "market", COMPILED)
    (root / "market" / "manifest.json").write_bytes(
        json_bytes({"snapshot": "market prices, daily", "series": {"NVDA": entry}})
    )
    write_sources(root, sources_doc(["yahoo"]))
    return root


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """tmp/data with the NVDA fixture committed, a matching manifest, tickers.yaml and sources.yaml."""
    return make_data_dir(tmp_path / "data")


def write_sources(root: Path, doc: dict[str, Any]) -> None:
    (root / "sources.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer) -> HTTPServer:
    """Point every provider at the local server; no Tiingo key or EDGAR contact by default."""
    base = httpserver.url_for("").rstrip("/")
    for var in ("YAHOO_BASE_URL", "TIINGO_BASE_URL", "EDGAR_BASE_URL"):
        monkeypatch.setenv(var, base)
    monkeypatch.delenv("TIINGO_API_KEY", raising=False)
    monkeypatch.delenv("EDGAR_USER_AGENT", raising=False)
    return httpserver


@pytest.fixture
def run_refresh(data_dir: Path) -> Callable[..., int]:
    def go(*extra: str) -> int:
        return refresh.run(["--data-dir", str(data_dir), "--only", "NVDA", *extra])

    return go


def yahoo_doc() -> dict[str, Any]:
    return copy.deepcopy(payload("yahoo_chart_nvda.json"))


def tiingo_doc() -> list[dict[str, Any]]:
    return copy.deepcopy(payload("tiingo_prices_nvda.json"))


def said(capsys: pytest.CaptureFixture[str]) -> str:
    """The printed report as one line, without the table's borders and wrapping."""
    text = capsys.readouterr().out
    for ch in "│┃┏┓┗┛┡┩└┘━─┳┻╇┼":
        text = text.replace(ch, " ")
    return " ".join(text.split())


def one_line(message: str) -> str:
    return " ".join(message.split())
