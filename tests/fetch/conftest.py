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
from build_scripts.market.schema import validate_prices
from build_scripts.market.snapshot import read_price_csv, series_entry
from build_scripts.market.store import json_bytes

FIXTURES = Path(__file__).parent / "fixtures"
START = "2026-08-07"  # first committed row in fixtures/committed/nvda.csv
YAHOO_PATH = "/v8/finance/chart/NVDA"
TIINGO_PATH = "/tiingo/daily/nvda/prices"
EDGAR_PATH = "/api/xbrl/companyfacts/CIK0001045810.json"
FAST_HTTP = {"timeout_seconds": 0.3, "attempts": 3, "backoff_seconds": 0.001, "max_wait_seconds": 0.01}


def payload(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


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


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """tmp/data with the NVDA fixture committed, a matching manifest and sources.yaml."""
    root = tmp_path / "data"
    prices = root / "market" / "prices"
    prices.mkdir(parents=True)
    (root / "facts").mkdir()
    target = prices / "nvda.csv"
    shutil.copy(FIXTURES / "committed" / "nvda.csv", target)
    df = validate_prices(read_price_csv(target), "nvda.csv")
    entry = series_entry(
        df, target.read_bytes(), target, {"provider": "compiled", "retrieved_at": "2026-11-01"}, root / "market"
    )
    (root / "market" / "manifest.json").write_bytes(
        json_bytes({"snapshot": "market prices, daily", "series": {"NVDA": entry}})
    )
    write_sources(root, sources_doc(["yahoo"]))
    return root


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
