"""The registry of series the report knows: names in both languages, group, currency, calendar."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import DataError
from ..paths import DATA
from ..yamlio import load_yaml

TICKERS_FILE = DATA / "tickers.yaml"
Group = Literal["chips", "networking", "power", "hyperscalers_software", "japan", "index"]


class Ticker(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    symbol: str
    name: str
    name_ja: str
    group: Group
    kind: Literal["stock", "etf", "index"]
    currency: str
    calendar: str


def slug(symbol: str) -> str:
    """File-system name of a series: lower case, '^' spelled out (``^GSPC`` → ``idx-gspc``)."""
    return symbol.lower().replace("^", "idx-")


@cache
def load_tickers(path: Path = TICKERS_FILE) -> dict[str, Ticker]:
    doc = load_yaml(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("tickers"), dict):
        raise DataError(path.name, "file", "top level must be a mapping with a 'tickers' mapping")
    out: dict[str, Ticker] = {}
    for sym, rec in (doc.get("tickers") or {}).items():
        try:
            out[str(sym)] = Ticker(symbol=str(sym), **rec)
        except ValidationError as err:
            e = err.errors()[0]
            raise DataError(path.name, f"ticker '{sym}'", f"{e['loc'][0]}: {e['msg']}") from None
    return out
