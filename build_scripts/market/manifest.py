"""The snapshot's manifest: one origin record per price series, and the rules it must meet.

Each record says where the series came from (provider, URL, terms, retrieval time) and what it
holds (rows, first and last date, sha256), the way Our World in Data keeps an origin beside each
dataset. The build trusts a price file only through its record, so the record is checked before
any file it names is opened: its path must stay inside `data/market/`, its fields must be typed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import DataError
from ..yamlio import iso_date, load_yaml
from .store import interrupted, sha256_bytes, staging_for

MAX_BYTES = 2_000_000
SNAPSHOT = "market prices, daily"
_SHA = r"^[0-9a-f]{64}$"
_URL = re.compile(r"^https?://[^\s<>\"'`\\]+$")
_ID = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$"
RESTORE = "restore it with `git checkout -- data/market/manifest.json`, or re-import or refresh the snapshot"


def shown(path: Path, data_root: Path) -> str:
    """How messages name a file: relative to the folder that holds `data/` (no machine paths)."""
    try:
        return path.resolve().relative_to(data_root.resolve().parent).as_posix()
    except ValueError:
        return path.name


def _real_day(v: Any) -> str:
    if iso_date(v) is None:
        raise ValueError(f"{v!r} is not a real date as YYYY-MM-DD")
    return str(v)


class Origin(BaseModel):
    """One series' origin record; the fields are documented in data/market/README.md."""

    model_config = ConfigDict(extra="forbid")
    file: str = Field(min_length=1, max_length=200)
    rows: int = Field(ge=1)
    first_date: str
    last_date: str
    sha256: str = Field(pattern=_SHA)
    provider: str = Field(pattern=r"^[a-z][a-z0-9_\-]{0,31}$")
    url: str = Field(max_length=500)
    terms: str = Field(min_length=1, max_length=500)
    retrieved_at: str
    description: str = Field(min_length=1, max_length=500)
    sources: dict[str, str] = Field(min_length=1)
    origin_file: str | None = Field(None, max_length=200)

    @field_validator("first_date", "last_date")
    @classmethod
    def _days(cls, v: Any) -> str:
        return _real_day(v)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not _URL.match(v):
            raise ValueError("must be an http(s) URL without spaces or quotes")
        return v

    @field_validator("sources")
    @classmethod
    def _sources(cls, v: dict[str, str]) -> dict[str, str]:
        for key, url in v.items():
            if not re.match(_ID, key) or not _URL.match(url):
                raise ValueError(f"entry {key!r}: a source id maps to an http(s) URL")
        return v

    @field_validator("retrieved_at")
    @classmethod
    def _when(cls, v: str) -> str:
        try:
            stamp = dt.date.fromisoformat(v) if len(v) == 10 else dt.datetime.fromisoformat(v)
        except ValueError:
            raise ValueError("must be an ISO date or UTC time (2026-11-01, 2026-11-01T10:00:00Z)") from None
        if isinstance(stamp, dt.datetime) and stamp.utcoffset() != dt.timedelta(0):
            raise ValueError("a retrieval time must be in UTC (ending in Z)")
        return v


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    snapshot: str
    series: dict[str, Origin]


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number in JSON")


def _missing(path: Path, name: str, data_root: Path) -> DataError:
    left = interrupted(path.parent, staging_for(data_root))
    if left is not None:
        return interrupted_error(path.parent, data_root, left)
    return DataError(name, "file", "missing", hint="import or refresh the snapshot first")


def interrupted_error(market: Path, data_root: Path, files: int) -> DataError:
    return DataError(shown(market, data_root) + "/", "folder",
                     f"an interrupted refresh left {files} file(s) in build/.staging",
                     hint="run `make refresh` to finish")


def load_manifest(path: Path, data_root: Path | None = None) -> dict[str, Any]:
    """The manifest as a dict, every record typed and every path checked, or a named DataError."""
    data_root = data_root or path.parent.parent
    name = shown(path, data_root)
    if not path.is_file():
        raise _missing(path, name, data_root)
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise DataError(name, "file", f"larger than {MAX_BYTES:,} bytes", hint=RESTORE)
    doc = _parse(raw, name)
    for ticker, entry in doc["series"].items():
        _check_record(path, name, f"series '{ticker}'", entry)
    try:
        return Manifest.model_validate(doc).model_dump(exclude_none=True)
    except ValidationError as err:  # only the top level is left to fail here
        first = err.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "file"
        raise DataError(name, f"field '{loc}'", first["msg"], hint=RESTORE) from None


def _parse(raw: bytes, name: str) -> dict[str, Any]:
    """The JSON document, refused unless it is UTF-8 JSON with a top-level 'series' object."""
    try:
        doc = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except UnicodeDecodeError as err:
        raise DataError(name, f"byte {err.start}", "not valid UTF-8 text", hint=RESTORE) from None
    except json.JSONDecodeError as err:
        raise DataError(name, f"line {err.lineno}", f"not valid JSON ({err.msg}); the file is incomplete or damaged",
                        hint=RESTORE) from None
    except ValueError as err:
        raise DataError(name, "file", f"not valid JSON ({err})", hint=RESTORE) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("series"), dict):
        raise DataError(name, "file", "top level must be an object with a 'series' object", hint=RESTORE)
    return doc


def _check_record(path: Path, name: str, where: str, entry: Any) -> None:
    if isinstance(entry, dict) and "file" in entry:
        series_path(path.parent, entry["file"], name, where)  # before any other check reads it
    try:
        Origin.model_validate(entry)
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "record"
        raise DataError(name, where, f"field '{loc}': {first['msg']}", hint=RESTORE) from None
    if entry["first_date"] > entry["last_date"]:
        raise DataError(name, where, "first_date is after last_date", hint=RESTORE)


def series_path(market: Path, file: Any, name: str, where: str) -> Path:
    """The price file a record names, refused unless it is a plain .csv path inside `market`."""
    rule = "manifest paths must stay inside data/market/"
    hint = "a record's file is relative to data/market/, like prices/nvda.csv; " + RESTORE
    if not isinstance(file, str) or not file:
        raise DataError(name, where, "file must be a path such as prices/nvda.csv", hint=hint)
    if "\\" in file or "\x00" in file or file.startswith("/") or ".." in file.split("/"):
        raise DataError(name, where, f"file {file!r} leaves data/market/ ({rule})", hint=hint)
    base = market.resolve()
    target = (base / file).resolve()
    if not target.is_relative_to(base) or target == base:
        raise DataError(name, where, f"file {file!r} resolves outside data/market/ ({rule})", hint=hint)
    if target.suffix != ".csv":
        raise DataError(name, where, f"file {file!r} is not a .csv price file", hint=hint)
    return target


# --- writing records -------------------------------------------------------------------------------


def source_parts(source_ids: Iterable[Any]) -> list[str]:
    """The single sources in a file's `source_id` column (`fa+lab4` is two: close from fa, rest from lab4)."""
    return sorted({p for s in source_ids if isinstance(s, str) for p in s.split("+") if p})


def origin_record(
    df: pd.DataFrame, data: bytes, file: Path, market: Path, origin: Mapping[str, Any]
) -> dict[str, Any]:
    """A record for a series written from `df` (whose canonical bytes are `data`) at `file`."""
    record = {
        **origin,
        "file": file.resolve().relative_to(market.resolve()).as_posix(),
        "rows": len(df),
        "first_date": str(df["date"].min()),
        "last_date": str(df["date"].max()),
        "sha256": sha256_bytes(data),
    }
    return Origin.model_validate(record).model_dump(exclude_none=True)


def compiled_sources(path: Path) -> tuple[str, dict[str, str]]:
    """Terms and source id -> URL of the compiled snapshot, from data/market/compiled_sources.yaml."""
    doc = load_yaml(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("sources"), dict) or not doc.get("terms"):
        raise DataError(path.name, "file", "needs 'terms' and a 'sources' mapping")
    urls: dict[str, str] = {}
    for key, rec in doc["sources"].items():
        if not isinstance(rec, dict) or not {"repository", "commit", "path"} <= set(rec):
            raise DataError(path.name, f"source '{key}'", "needs repository, commit and path")
        urls[str(key)] = f"https://github.com/{rec['repository']}/tree/{rec['commit']}/{rec['path']}"
    return str(doc["terms"]), urls


def compiled_origin(df: pd.DataFrame, terms: str, urls: Mapping[str, str], origin_file: str,
                    compiled_on: dt.date, where: str) -> dict[str, Any]:
    """The origin of one compiled series: its main source's URL, and a URL for every source in it."""
    parts = source_parts(df["source_id"])
    unknown = [p for p in parts if p not in urls]
    if unknown:
        raise DataError(origin_file, where, f"source_id part '{unknown[0]}' is not in compiled_sources.yaml",
                        hint="add the source with its repository, commit and path")
    closes = df["source_id"].dropna().map(lambda s: s.split("+")[0]).value_counts()
    main = str(closes.index[0]) if len(closes) else parts[0]
    return {
        "provider": "compiled",
        "url": urls[main],
        "terms": terms,
        "retrieved_at": compiled_on.isoformat(),
        "description": "Daily prices compiled from public GitHub copies of Yahoo Finance downloads, adjusted "
        "for splits and dividends onto one basis; url is the source of most closes, sources lists all; "
        "see data/market/README.md",
        "origin_file": origin_file,
        "sources": {p: urls[p] for p in parts},
    }
