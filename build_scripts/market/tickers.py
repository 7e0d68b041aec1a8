"""The registry of series the report knows, and the groups the event study forms.

Both live in `data/tickers.yaml`, so adding a ticker or a group, with its names in both
languages and its chart colour, is a change to that one file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import DataError
from ..paths import DATA
from ..yamlio import load_yaml

TICKERS_FILE = DATA / "tickers.yaml"

SYMBOL = r"^\^?[A-Z0-9][A-Z0-9.\-]{0,11}$"
GROUP_KEY = r"^[a-z][a-z0-9_]{0,39}$"
_PLAIN = r"^[^\x00-\x1f\x7f<>]+$"  # names reach pages and charts: no control characters, no markup
# The chart palette has seven categorical colours (build_scripts/charts/style.py); a group names one.
COLOUR_SLOTS = 7


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str = Field(pattern=GROUP_KEY)
    name: str = Field(min_length=1, max_length=60, pattern=_PLAIN)
    name_ja: str = Field(min_length=1, max_length=60, pattern=_PLAIN)
    colour: int = Field(ge=0, lt=COLOUR_SLOTS)

    def label(self, lang: str) -> str:
        return self.name_ja if lang == "ja" else self.name


class Ticker(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    symbol: str = Field(pattern=SYMBOL)
    name: str = Field(min_length=1, max_length=80, pattern=_PLAIN)
    name_ja: str = Field(min_length=1, max_length=80, pattern=_PLAIN)
    group: str = Field(pattern=GROUP_KEY)
    kind: Literal["stock", "etf", "index"]
    currency: str = Field(pattern=r"^([A-Z]{3}|points)$")
    calendar: str = Field(pattern=r"^[A-Z0-9]{2,8}$")  # an exchange_calendars code, checked by the refresh
    # The label where space is tight (a chart row, a table cell); the name if not given.
    short: str | None = Field(default=None, min_length=1, max_length=30, pattern=_PLAIN)
    short_ja: str | None = Field(default=None, min_length=1, max_length=30, pattern=_PLAIN)

    def label(self, lang: str) -> str:
        return self.name_ja if lang == "ja" else self.name

    def short_label(self, lang: str) -> str:
        if lang == "ja":
            return self.short_ja or self.name_ja
        return self.short or self.name


def slug(symbol: str) -> str:
    """File-system name of a series: lower case, '^' spelled out (``^GSPC`` → ``idx-gspc``)."""
    return symbol.lower().replace("^", "idx-")


def load_tickers(path: Path = TICKERS_FILE) -> dict[str, Ticker]:
    """The series in `path`, read once per version of the file (a refresh may edit a copy)."""
    return _registry(path)[1]


def load_groups(path: Path = TICKERS_FILE) -> dict[str, Group]:
    """The groups in `path`, in the order the pages list them."""
    return _registry(path)[0]


def _registry(path: Path) -> tuple[dict[str, Group], dict[str, Ticker]]:
    try:
        st = path.stat()
    except OSError:
        return _load(path, 0, -1)  # the loader names the missing file
    return _load(path, st.st_mtime_ns, st.st_size)


def _first_error(err: ValidationError) -> str:
    e = err.errors()[0]
    return f"field '{'.'.join(str(p) for p in e['loc']) or 'entry'}': {e['msg']}"


def _mapping(doc: dict[str, Any], key: str, path: Path) -> dict[Any, Any]:
    node = doc.get(key)
    if not isinstance(node, dict) or not node:
        raise DataError(path.name, "file", f"needs a '{key}' mapping", hint="see the comments at the top of the file")
    return node


@cache
def _load(path: Path, _mtime: int, _size: int) -> tuple[dict[str, Group], dict[str, Ticker]]:
    doc = load_yaml(path)
    if not isinstance(doc, dict):
        raise DataError(path.name, "file", "top level must be a mapping with 'groups' and 'tickers'")
    groups: dict[str, Group] = {}
    for key, rec in _mapping(doc, "groups", path).items():
        if not isinstance(rec, dict):
            raise DataError(path.name, f"group '{key}'", "must be a mapping of name, name_ja and colour")
        try:
            groups[str(key)] = Group.model_validate({**rec, "key": str(key)})
        except ValidationError as err:
            raise DataError(path.name, f"group '{key}'", _first_error(err)) from None
    out: dict[str, Ticker] = {}
    for sym, rec in _mapping(doc, "tickers", path).items():
        if not isinstance(rec, dict):
            raise DataError(path.name, f"ticker '{sym}'", "must be a mapping of name, name_ja, group, kind, "
                            "currency and calendar")
        try:
            t = Ticker.model_validate({**rec, "symbol": str(sym)})
        except ValidationError as err:
            raise DataError(path.name, f"ticker '{sym}'", _first_error(err)) from None
        if t.group not in groups:
            raise DataError(path.name, f"ticker '{sym}'", f"field 'group': '{t.group}' is not one of the "
                            f"groups of this file ({', '.join(groups)})", hint="add the group under 'groups'")
        out[str(sym)] = t
    return groups, out
