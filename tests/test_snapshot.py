"""The importer: round trip, exact rejection messages, and nothing touched by a failed import."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from build_scripts.errors import DataError
from build_scripts.market import snapshot
from build_scripts.market.snapshot import import_compiled, load_prices
from build_scripts.paths import DATA, MARKET_DIR

HEADER = "date,ticker,open,high,low,close,adj_close,volume,source_id\n"
ROWS = [
    "2025-01-23,NVDA,143.10,147.00,143.00,147.0,,200000000,fa",
    "2025-01-24,NVDA,148.00,148.90,141.80,142.62,,230000000,fa",
    "2025-01-27,NVDA,124.80,128.40,116.70,118.42,,818000000,fa",
    "2025-01-24,SPY,609.80,610.90,606.00,607.97,,34000000,fa",
    "2025-01-27,SPY,594.80,599.70,594.00,599.37,,70000000,fa",
]


def compiled(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "prices_daily.csv"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def layout(tmp_path: Path) -> tuple[Path, Path]:
    """An empty data folder with the project's tickers and compiled sources (what an import reads)."""
    data = tmp_path / "repo" / "data"
    (data / "market").mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "tickers.yaml", data / "tickers.yaml")
    shutil.copy(MARKET_DIR / "compiled_sources.yaml", data / "market" / "compiled_sources.yaml")
    return data / "market" / "prices", data / "market" / "manifest.json"


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_round_trip(tmp_path: Path) -> None:
    prices_dir, manifest = layout(tmp_path)
    m = import_compiled(compiled(tmp_path, ROWS), dt.date(2026, 11, 1), prices_dir, manifest)
    assert sorted(m["series"]) == ["NVDA", "SPY"]
    nvda = m["series"]["NVDA"]
    assert (nvda["rows"], nvda["first_date"], nvda["last_date"]) == (3, "2025-01-23", "2025-01-27")
    assert nvda["sha256"] == hashlib.sha256((prices_dir / "nvda.csv").read_bytes()).hexdigest()
    df = load_prices(manifest)
    assert len(df) == 5
    back = df[df["ticker"] == "NVDA"].set_index("date")["close"]
    assert back.loc[pd.Timestamp("2025-01-27")] == pytest.approx(118.42)
    # Importing the same file again changes nothing, byte for byte.
    before = tree_digest(prices_dir.parent)
    import_compiled(compiled(tmp_path, ROWS), dt.date(2026, 11, 1), prices_dir, manifest)
    assert tree_digest(prices_dir.parent) == before


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        (ROWS[:1] + ["2025-01-24,NVDA,148.00,140.00,141.80,142.62,,230000000,fa"], HEADER,
         "prices_daily.csv: line 3 (2025-01-24 NVDA): high >= max(open, close)"),
        (ROWS[:1] + ["2025-01-24,NVDA,148.00,149.00,148.50,142.62,,230000000,fa"], HEADER,
         "prices_daily.csv: line 3 (2025-01-24 NVDA): low <= min(open, close)"),
        (ROWS[:2] + ["2025-01-24,XXXX,1,1,1,1,,1,fa"], HEADER,
         "prices_daily.csv: line 4 (2025-01-24 XXXX): column 'ticker': ticker must be listed in tickers.yaml"),
        (ROWS[:2] + [ROWS[1]], HEADER,
         "prices_daily.csv: line 4 (2025-01-24 NVDA): (date, ticker) must be unique"),
        (ROWS[:1] + ["2025-01-24,NVDA,,,,-142.62,,,fa"], HEADER,
         "prices_daily.csv: line 3 (2025-01-24 NVDA): column 'close': prices must be positive"),
        (ROWS[:1] + ["2025-01-24,NVDA,148.00,148.90,141.80,abc,,230000000,fa"], HEADER,
         "prices_daily.csv: line 3: column 'close' must be a number, got 'abc'"),
        (["2025-01-24,NVDA,148.00,148.90,141.80,,230000000,fa"],
         "date,ticker,open,high,low,adj_close,volume,source_id\n",
         "prices_daily.csv: header: missing column 'close'"),
        (["24/01/2025,NVDA,148.00,148.90,141.80,142.62,,230000000,fa"], HEADER,
         "prices_daily.csv: line 2 (24/01/2025 NVDA): column 'date': date must be YYYY-MM-DD"),
    ],
    ids=["high", "low", "unknown-ticker", "duplicate", "negative", "not-a-number",
         "missing-column", "bad-date"],
)
def test_bad_rows_are_rejected_with_file_line_and_rule(
    tmp_path: Path, rows: list[str], header: str, message: str
) -> None:
    prices_dir, manifest = layout(tmp_path)
    import_compiled(compiled(tmp_path, ROWS), dt.date(2026, 11, 1), prices_dir, manifest)
    before = tree_digest(prices_dir.parent)
    with pytest.raises(DataError) as err:
        import_compiled(compiled(tmp_path, rows, header), dt.date(2026, 11, 2), prices_dir, manifest)
    assert str(err.value).startswith(message)
    assert tree_digest(prices_dir.parent) == before, "a failed import must not touch data/"


def test_a_hand_edited_series_is_caught_by_its_hash(tmp_path: Path) -> None:
    prices_dir, manifest = layout(tmp_path)
    import_compiled(compiled(tmp_path, ROWS), dt.date(2026, 11, 1), prices_dir, manifest)
    f = prices_dir / "nvda.csv"
    f.write_text(f.read_text().replace("118.4200", "128.4200"))
    with pytest.raises(DataError) as err:
        load_prices(manifest)
    assert str(err.value) == (
        "data/market/prices/nvda.csv: file: sha256 differs from the manifest (edited by hand?) (restore it with "
        "`git checkout -- data/market/prices/nvda.csv`, or refresh or re-import instead of editing)"
    )


@pytest.mark.slow
def test_committed_snapshot_matches_its_manifest() -> None:
    df = load_prices()
    m = snapshot.load_manifest()
    assert len(df) == sum(e["rows"] for e in m["series"].values())
    assert set(df["ticker"]) == set(m["series"])
