"""The registry of series the report knows: names in both languages, group, currency, calendar."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import DataError
from ..paths import DATA
from ..yamlio import load_yaml

TICKERS_FILE = DATA / "tickers.yaml"
Group = Literal["chips", "networking", "power", "hyperscalers_software", "japan", "index"]


SYMBOL = r"^\^?[A-Z0-9][A-Z0-9.\-]{0,11}$"
_PLAIN = r"^[^\x00-\x1f\x7f<>]+$"  # names reach pages and charts: no control characters, no markup


class Ticker(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    symbol: str = Field(pattern=SYMBOL)
    name: str = Field(min_length=1, max_length=80, pattern=_PLAIN)
    name_ja: str = Field(min_length=1, max_length=80, pattern=_PLAIN)
    group: Group
    kind: Literal["stock", "etf", "index"]
    currency: str = Field(pattern=r"^([A-Z]{3}|points)$")
    calendar: str = Field(pattern=r"^[A-Z0-9]{2,8}$")  # an exchange_calendars code, checked by the refresh


def slug(symbol: str) -> str:
    """File-system name of a series: lower case, '^' spelled out (``^GSPC`` → ``idx-gspc``)."""
    return symbol.lower().replace("^", "idx-")


def load_tickers(path: Path = TICKERS_FILE) -> dict[str, Ticker]:
    """The registry in `path`, read once per version of the file (a refresh may edit a copy)."""
    try:
        st = path.stat()
    except OSError:
        return _load(path, 0, -1)  # the loader names the missing file
    return _load(path, st.st_mtime_ns, st.st_size)


@cache
def _load(path: Path, _mtime: int, _size: int) -> dict[str, Ticker]:
    doc = load_yaml(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("tickers"), dict):
        raise DataError(path.name, "file", "top level must be a mapping with a 'tickers' mapping")
    out: dict[str, Ticker] = {}
    for sym, rec in doc["tickers"].items():
        if not isinstance(rec, dict):
            raise DataError(path.name, f"ticker '{sym}'", "must be a mapping of name, name_ja, group, kind, "
                            "currency and calendar")
        try:
            out[str(sym)] = Ticker.model_validate({**rec, "symbol": str(sym)})
        except ValidationError as err:
            e = err.errors()[0]
            loc = ".".join(str(p) for p in e["loc"]) or "ticker"
            raise DataError(path.name, f"ticker '{sym}'", f"field '{loc}': {e['msg']}") from None
    return out
