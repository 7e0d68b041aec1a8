"""The committed price snapshot: one CSV per series plus a manifest of origin records.

`import_compiled` turns the compiled long CSV into that layout; `load_prices` reads it back for the
build, checking each file against its record so that a hand edit cannot slip into a chart, and
recognising the leftovers of an interrupted refresh so that they are not blamed on a hand edit.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError
from ..paths import MANIFEST, PRICES_DIR
from .manifest import (
    RESTORE,
    SNAPSHOT,
    compiled_origin,
    compiled_sources,
    interrupted_error,
    origin_record,
    series_path,
    shown,
    source_parts,
)
from .manifest import load_manifest as _load_manifest
from .schema import COLUMNS, read_price_csv, validate_prices
from .store import csv_bytes, finish_interrupted, interrupted, json_bytes, locked, sha256_file, staging_for, swap_folder
from .tickers import load_tickers, slug

__all__ = ["import_compiled", "load_manifest", "load_prices", "read_price_csv", "wide_closes"]


def _tickers(data_root: Path) -> set[str]:
    """The symbols a data folder accepts: its own tickers.yaml."""
    return set(load_tickers(data_root / "tickers.yaml"))


def split_series(df: pd.DataFrame, prices_dir: Path) -> dict[str, tuple[Path, pd.DataFrame, bytes]]:
    out = {}
    for ticker, part in df.groupby("ticker", sort=True):
        part = part.sort_values("date")[COLUMNS]
        out[str(ticker)] = (prices_dir / f"{slug(str(ticker))}.csv", part, csv_bytes(part))
    return out


def import_compiled(
    source: Path,
    compiled_on: dt.date,
    prices_dir: Path = PRICES_DIR,
    manifest_path: Path = MANIFEST,
) -> dict[str, Any]:
    """Validate the whole compiled file first, then swap in every series and the manifest together.

    Nothing under `data/` changes unless every row passes.
    """
    market = manifest_path.parent
    data_root = market.parent
    df = validate_prices(read_price_csv(source), source.name, _tickers(data_root))
    terms, urls = compiled_sources(market / "compiled_sources.yaml")
    series = split_series(df, prices_dir)
    records = {
        t: origin_record(part, data, path, market,
                         compiled_origin(part, terms, urls, source.name, compiled_on, f"ticker '{t}'"))
        for t, (path, part, data) in series.items()
    }
    manifest = {"snapshot": SNAPSHOT, "series": records}
    files = {path: data for path, _, data in series.values()}
    files[manifest_path] = json_bytes(manifest)
    staging = staging_for(data_root)
    with locked(staging):
        finish_interrupted(market, staging)
        swap_folder(market, files, staging)
    return manifest


def load_manifest(path: Path = MANIFEST) -> dict[str, Any]:
    """The manifest, every record typed and every path checked (see `market.manifest`)."""
    return _load_manifest(path)


def load_prices(manifest_path: Path = MANIFEST) -> pd.DataFrame:
    """All series as one long table (date as datetime64), each file checked against its record."""
    market = manifest_path.parent
    data_root = market.parent
    manifest = _load_manifest(manifest_path, data_root)
    mname = shown(manifest_path, data_root)
    tickers = _tickers(data_root)
    frames = []
    for ticker, entry in sorted(manifest["series"].items()):
        where = f"series '{ticker}'"
        path = series_path(market, entry["file"], mname, where)
        name = shown(path, data_root)
        if ticker not in tickers:
            raise DataError(mname, where, "not listed in tickers.yaml",
                            hint="add the ticker there or remove its record")
        if not path.is_file():
            raise _stale(market, data_root) or DataError(
                name, "file", f"listed in the manifest for {ticker} but missing", hint=RESTORE)
        if sha256_file(path) != entry["sha256"]:
            raise _stale(market, data_root) or DataError(
                name, "file", "sha256 differs from the manifest (edited by hand?)",
                hint=f"restore it with `git checkout -- {name}`, or refresh or re-import instead of editing")
        df = validate_prices(read_price_csv(path, name), name, tickers)
        _agrees(df, entry, ticker, name)
        frames.append(df)
    if not frames:
        raise DataError(mname, "series", "the manifest lists no series", hint=RESTORE)
    df = pd.concat(frames, ignore_index=True)
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    return df


def _stale(market: Path, data_root: Path) -> DataError | None:
    left = interrupted(market, staging_for(data_root))
    return None if left is None else interrupted_error(market, data_root, left)


def _agrees(df: pd.DataFrame, entry: dict[str, Any], ticker: str, name: str) -> None:
    """A file whose hash matches must also hold what its record says (one series, its rows and dates)."""
    found = {
        "ticker": sorted(set(df["ticker"])),
        "rows": len(df),
        "first_date": str(df["date"].min()),
        "last_date": str(df["date"].max()),
    }
    said = {"ticker": [ticker], **{k: entry[k] for k in ("rows", "first_date", "last_date")}}
    for key, value in said.items():
        if found[key] != value:
            raise DataError(name, "file", f"{key} is {found[key]} but the manifest says {value}", hint=RESTORE)
    missing = [p for p in source_parts(df["source_id"]) if p not in entry["sources"]]
    if missing:
        raise DataError(name, "file", f"source_id '{missing[0]}' has no URL under the record's sources",
                        hint="every row's origin must be in the manifest; refresh or re-import")


def wide_closes(prices: pd.DataFrame) -> pd.DataFrame:
    """Closes as a date × ticker table; a ticker's non-trading days stay empty."""
    return prices.pivot(index="date", columns="ticker", values="close").sort_index()
