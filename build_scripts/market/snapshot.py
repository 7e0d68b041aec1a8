"""The committed price snapshot: one CSV per series plus a provenance manifest.

`import_compiled` turns the compiled long CSV into that layout; `load_prices` reads it back for the
build, checking each file against its manifest hash so that a hand edit cannot slip into a chart.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError
from ..paths import MANIFEST, MARKET_DIR, PRICES_DIR, ROOT
from .schema import COLUMNS, validate_prices
from .store import csv_bytes, json_bytes, replace_files, sha256_bytes, sha256_file
from .tickers import slug

COMPILED_ORIGIN = {
    "provider": "compiled",
    "description": (
        "Daily prices compiled from public GitHub copies of Yahoo Finance downloads, adjusted for "
        "splits and dividends onto one basis; see data/market/README.md"
    ),
}


def rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return path.name


def read_price_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise DataError(rel(path), "file", f"not a readable CSV ({err})") from None
    except pd.errors.EmptyDataError:
        raise DataError(rel(path), "file", "the file is empty") from None


def series_entry(df: pd.DataFrame, data: bytes, file: Path, origin: dict[str, Any],
                 base: Path = MARKET_DIR) -> dict[str, Any]:
    """A manifest entry; `file` is stored relative to the manifest's folder (`base`)."""
    return {
        **origin,
        "file": file.resolve().relative_to(base.resolve()).as_posix(),
        "rows": len(df),
        "first_date": str(df["date"].min()),
        "last_date": str(df["date"].max()),
        "sha256": sha256_bytes(data),
    }


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
    """Validate the whole compiled file first, then write every series and the manifest.

    Nothing under `data/` changes unless every row passes.
    """
    df = validate_prices(read_price_csv(source), source.name)
    series = split_series(df, prices_dir)
    origin = {**COMPILED_ORIGIN, "origin_file": source.name, "retrieved_at": compiled_on.isoformat()}
    manifest = {
        "snapshot": "market prices, daily",
        "series": {t: series_entry(part, data, path, origin, manifest_path.parent)
                   for t, (path, part, data) in series.items()},
    }
    files = {path: data for path, _, data in series.values()}
    files[manifest_path] = json_bytes(manifest)
    replace_files(files)
    return manifest


def load_manifest(path: Path = MANIFEST) -> dict[str, Any]:
    import json

    if not path.exists():
        raise DataError(rel(path), "file", "missing: import or refresh the snapshot first")
    return json.loads(path.read_text(encoding="utf-8"))


def load_prices(manifest_path: Path = MANIFEST) -> pd.DataFrame:
    """All series as one long table (date as datetime64), each file checked against the manifest."""
    manifest = load_manifest(manifest_path)
    frames = []
    for ticker, entry in sorted(manifest["series"].items()):
        path = manifest_path.parent / entry["file"]
        name = rel(path)
        if not path.exists():
            raise DataError(name, "file", f"listed in the manifest for {ticker} but missing")
        if sha256_file(path) != entry["sha256"]:
            raise DataError(name, "file", "sha256 differs from the manifest "
                            "(edited by hand? re-import or refresh instead)")
        frames.append(validate_prices(read_price_csv(path), name))
    df = pd.concat(frames, ignore_index=True)
    df["date"] = pd.to_datetime(df["date"])
    return df


def wide_closes(prices: pd.DataFrame) -> pd.DataFrame:
    """Closes as a date × ticker table; a ticker's non-trading days stay empty."""
    return prices.pivot(index="date", columns="ticker", values="close").sort_index()
