"""Methodology & data: every fact with its source, every series with its provenance."""

from __future__ import annotations

import json

import pandas as pd

from ..market.snapshot import load_manifest
from ..tables import Column, Table, col_date, col_number
from ..values import Values
from . import Inputs, Products, both


def _short(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def facts_frame(inp: Inputs) -> pd.DataFrame:
    rows = [{
        "id": f.id, "value": _short(f.value), "unit": f.unit, "date": f.date,
        "source_title": f.source.title, "publisher": f.source.publisher, "url": str(f.source.url),
        "locator": f.source.locator or "", "confidence": f.confidence,
    } for f in sorted(inp.facts.values(), key=lambda f: f.id)]
    return pd.DataFrame(rows)


def series_frame(inp: Inputs) -> pd.DataFrame:
    """The series as this edition sees them: only rows up to its date, so an early edition neither
    lists a series that started later nor a last date it could not have known. The file's hash is
    shown only where the edition uses the whole file (a cut file has no hash of its own)."""
    manifest = load_manifest()["series"]
    rows = []
    for t, part in sorted(inp.prices.groupby("ticker")):
        e = manifest.get(t, {})
        first, last = part["date"].min().date().isoformat(), part["date"].max().date().isoformat()
        whole = (e.get("rows"), e.get("first_date"), e.get("last_date")) == (len(part), first, last)
        rows.append({"ticker": t, "name": inp.tickers[t].name, "name_ja": inp.tickers[t].name_ja,
                     "currency": inp.tickers[t].currency, "provider": e.get("provider", ""),
                     "first_date": first, "last_date": last, "rows": len(part),
                     "sha256": e.get("sha256", "") if whole else ""})
    return pd.DataFrame(rows)


def build(inp: Inputs, values: Values) -> Products:
    facts = facts_frame(inp)
    series = series_frame(inp)
    values.metric("facts_count", len(facts), "int", formula="facts in data/facts")
    values.metric("series_count", len(series), "int", formula="series with prices up to the edition's date")
    values.metric("snapshot_last_date", inp.last_date, "date",
                  formula="latest price date in the edition's view of the snapshot")
    values.metric("as_of_date", inp.as_of, "date", formula="the edition's as-of date")

    def link(v: str, lang: str) -> str:
        row = facts.set_index("id").loc[v]
        return f"[{row['source_title'].replace('[', '(').replace(']', ')')}]({row['url']})"

    tables = [
        Table(
            id="sources-table",
            data=facts,
            columns=(
                Column("id", both("Fact", "ファクト"), lambda v, lang: f"`{v}`"),
                Column("unit", both("What", "内容")),
                Column("date", both("Date", "日付")),
                Column("id", both("Source", "出典"), link),
                Column("publisher", both("Publisher", "発行元")),
                Column("confidence", both("Confidence", "確度")),
            ),
            caption=both("Every fact the report uses, with its source", "本レポートが使うすべてのファクトと出典"),
            sortable=True,
        ),
        Table(
            id="series-table",
            data=series,
            columns=(
                Column("ticker", both("Series", "系列")),
                Column("name", both("Name", "名称"),
                       lambda v, lang: v if lang == "en" else series.set_index("name").loc[v, "name_ja"]),
                Column("currency", both("Unit", "単位")),
                Column("first_date", both("First", "開始"), col_date),
                Column("last_date", both("Last", "終了"), col_date),
                Column("rows", both("Rows", "行数"), col_number(0), "right"),
            ),
            caption=both("Price series in the snapshot", "スナップショットの価格系列"),
        ),
    ]
    return Products(tables=tables)
