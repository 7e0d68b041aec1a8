"""Yahoo Finance chart API (v8): daily bars, stored on the split- and dividend-adjusted basis.

The chart endpoint returns the quoted (split-adjusted) OHLC and a separate adjusted close. The
snapshot stores the adjusted close in `close` and scales open, high and low by the same
adjclose/close ratio, so every column of a row sits on one basis. Terms: Yahoo's data is for
personal and research use.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from .base import Fetched, FetchError, HttpClient, parse_guard

NAME = "yahoo"
LAST_EPOCH = 4_102_444_800  # 2100-01-01: a timestamp beyond it is not a trading day


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _field(obj: Any, key: str | int, where: str, ticker: str) -> Any:
    try:
        value = obj[key]
    except (KeyError, IndexError, TypeError):
        raise FetchError(NAME, ticker, f"parse failure: missing field {where}") from None
    if value is None:
        raise FetchError(NAME, ticker, f"parse failure: field {where} is null")
    return value


def _numbers(values: Any, n: int, where: str, ticker: str) -> np.ndarray:
    if not isinstance(values, list) or len(values) != n:
        got = len(values) if isinstance(values, list) else type(values).__name__
        raise FetchError(NAME, ticker, f"parse failure: {where} has {got} values for {n} timestamps")
    return pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").to_numpy(dtype=float)


def _epochs(stamps: Any, ticker: str) -> list[int]:
    if not isinstance(stamps, list) or not all(
        isinstance(t, int) and not isinstance(t, bool) and 0 <= t < LAST_EPOCH for t in stamps
    ):
        raise FetchError(NAME, ticker, "parse failure: chart.result[0].timestamp must be whole seconds since 1970")
    return stamps


def _zone(tz: Any, ticker: str) -> str:
    try:
        zoneinfo.ZoneInfo(str(tz))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise FetchError(NAME, ticker, f"parse failure: unknown exchange time zone {str(tz)[:40]!r}") from None
    return str(tz)


def _local_dates(epochs: list[int], tz: str) -> list[str]:
    stamps = pd.to_datetime(pd.Series(epochs, dtype="int64"), unit="s", utc=True).dt.tz_convert(tz)
    return stamps.dt.strftime("%Y-%m-%d").tolist()


def parse_chart(doc: Any, ticker: str) -> tuple[pd.DataFrame, dict[str, float]]:
    """The long table and the splits (date -> shares multiplier) from one chart response."""
    chart = _field(doc, "chart", "chart", ticker)
    error = chart.get("error") if isinstance(chart, dict) else None
    if error:
        detail = error.get("description") or error.get("code") if isinstance(error, dict) else error
        raise FetchError(NAME, ticker, f"chart.error: {str(detail)[:160]}")
    result = _field(_field(chart, "result", "chart.result", ticker), 0, "chart.result[0]", ticker)
    stamps = result.get("timestamp") if isinstance(result, dict) else None
    if not stamps:
        raise FetchError(NAME, ticker, "no rows: chart.result[0].timestamp is missing or empty")
    stamps = _epochs(stamps, ticker)
    tz = _zone((result.get("meta") or {}).get("exchangeTimezoneName") or "UTC", ticker)
    ind = _field(result, "indicators", "chart.result[0].indicators", ticker)
    q = _field(_field(ind, "quote", "indicators.quote", ticker), 0, "indicators.quote[0]", ticker)
    adj_block = _field(_field(ind, "adjclose", "indicators.adjclose", ticker), 0, "indicators.adjclose[0]", ticker)
    n = len(stamps)
    raw = {
        k: _numbers(_field(q, k, f"indicators.quote[0].{k}", ticker), n, f"indicators.quote[0].{k}", ticker)
        for k in ("open", "high", "low", "close", "volume")
    }
    adj = _numbers(
        _field(adj_block, "adjclose", "indicators.adjclose[0].adjclose", ticker),
        n,
        "indicators.adjclose[0].adjclose",
        ticker,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = adj / raw["close"]
    df = pd.DataFrame(
        {
            "date": _local_dates(stamps, tz),
            "ticker": ticker,
            "open": raw["open"] * ratio,
            "high": raw["high"] * ratio,
            "low": raw["low"] * ratio,
            "close": adj,
            "adj_close": np.nan,
            "volume": raw["volume"],
            "source_id": NAME,
        }
    )
    splits: dict[str, float] = {}
    for event in ((result.get("events") or {}).get("splits") or {}).values():
        try:
            day = _local_dates([int(event["date"])], tz)[0]
            ratio = float(event["numerator"]) / float(event["denominator"])
            if not 0 < ratio < 1e4:
                raise ValueError("split ratio out of range")
            splits[day] = ratio
        except (KeyError, TypeError, ValueError, ZeroDivisionError, OverflowError):
            raise FetchError(NAME, ticker, f"parse failure: unreadable split event {event!r}") from None
    return df, splits


class Yahoo:
    """Client for `/v8/finance/chart/{symbol}` on the configured base URL."""

    name = NAME

    def __init__(self, base_url: str, client: HttpClient, now: Callable[[], dt.datetime] = _now) -> None:
        self.base_url, self.client, self._now = base_url.rstrip("/"), client, now

    def fetch(self, ticker: str, start: dt.date, symbol: str | None = None) -> Fetched:
        url = f"{self.base_url}/v8/finance/chart/{quote(symbol or ticker, safe='')}"
        period1 = int(dt.datetime.combine(start, dt.time(), dt.UTC).timestamp())
        params = {
            "period1": period1,
            "period2": int(self._now().timestamp()),
            "interval": "1d",
            "events": "div|split",
            "includeAdjustedClose": "true",
        }
        doc = self.client.get_json(url, ticker, params)
        with parse_guard(NAME, ticker):
            prices, splits = parse_chart(doc, ticker)
        return Fetched(NAME, ticker, f"{url}?interval=1d&period1={period1}", prices, splits)
