"""Tiingo end-of-day prices: a key-based second source, used for fallback and cross-checks.

Tiingo returns both quoted and adjusted fields; the snapshot takes the adjusted ones (adjOpen,
adjHigh, adjLow, adjClose, adjVolume), which are on the same split- and dividend-adjusted basis
as Yahoo's adjusted close. The key travels in the Authorization header, so it never reaches a
log line or the manifest.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import pandas as pd

from .base import Fetched, FetchError, HttpClient, parse_guard

NAME = "tiingo"
KEY_FIELDS = {
    "open": "adjOpen",
    "high": "adjHigh",
    "low": "adjLow",
    "close": "adjClose",
    "volume": "adjVolume",
}


def parse_prices(doc: Any, ticker: str) -> tuple[pd.DataFrame, dict[str, float]]:
    """The long table and the splits (date -> shares multiplier) from one prices response."""
    if isinstance(doc, dict) and "detail" in doc:
        raise FetchError(NAME, ticker, f"API error: {str(doc['detail'])[:160]}")
    if not isinstance(doc, list):
        raise FetchError(NAME, ticker, f"parse failure: expected a JSON list, got {type(doc).__name__}")
    if not doc:
        raise FetchError(NAME, ticker, "no rows: the price list is empty")
    rows, splits = [], {}
    for i, rec in enumerate(doc):
        missing = [
            f for f in ("date", *KEY_FIELDS.values(), "splitFactor") if not isinstance(rec, dict) or f not in rec
        ]
        if missing:
            raise FetchError(NAME, ticker, f"parse failure: row {i} lacks field '{missing[0]}'")
        day = str(rec["date"])[:10]
        try:
            dt.date.fromisoformat(day)
        except ValueError:
            shown = str(rec["date"])[:40]
            raise FetchError(NAME, ticker, f"parse failure: row {i} date {shown!r} is not a real date") from None
        rows.append({"date": day, **{col: rec[f] for col, f in KEY_FIELDS.items()}})
        factor = pd.to_numeric(rec["splitFactor"], errors="coerce")
        if pd.notna(factor) and factor not in (0, 1):
            if not 0 < factor < 1e4:
                raise FetchError(NAME, ticker, f"parse failure: row {i} splitFactor {factor!r} is out of range")
            splits[day] = float(factor)
    df = pd.DataFrame(rows)
    for col in KEY_FIELDS:
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    df.insert(1, "ticker", ticker)
    df.insert(6, "adj_close", float("nan"))
    df["source_id"] = NAME
    return df, splits


class Tiingo:
    """Client for `/tiingo/daily/{ticker}/prices` on the configured base URL."""

    name = NAME

    def __init__(self, base_url: str, key: str, client: HttpClient) -> None:
        self.base_url, self._key, self.client = base_url.rstrip("/"), key, client

    def fetch(self, ticker: str, start: dt.date, symbol: str | None = None) -> Fetched:
        url = f"{self.base_url}/tiingo/daily/{quote((symbol or ticker).lower(), safe='')}/prices"
        params = {"startDate": start.isoformat(), "format": "json"}
        doc = self.client.get_json(url, ticker, params, {"Authorization": f"Token {self._key}"})
        with parse_guard(NAME, ticker):
            prices, splits = parse_prices(doc, ticker)
        return Fetched(NAME, ticker, f"{url}?startDate={start.isoformat()}", prices, splits)
