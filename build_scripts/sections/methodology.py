"""Methodology & data: every fact with its source, every series with its provenance."""

from __future__ import annotations

import json

import pandas as pd

from .. import escape, grades, units
from ..escape import Html
from ..market.snapshot import load_manifest
from ..tables import Column, Table, col_date, col_number
from ..values import Values
from . import Inputs, Products
from .common import GRADE_HEADER, Labels, col_grade, english_or_japanese, partial_date, text_at

# Words in docs/catalog/<lang>/methodology.yaml.
WORDS = Labels("methodology")
COLUMNS = Labels("methodology.columns")
CAPTION = Labels("methodology.caption")
CURRENCY = Labels("methodology.currency")


def _short(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def _unit_text(unit: object, lang: str) -> str:
    if isinstance(unit, str):
        return units.label(unit, lang)
    return WORDS.text("unit_parts", lang)


def facts_frame(inp: Inputs) -> pd.DataFrame:
    """The source register, grouped by grade: strongest evidence first, then where it was seen."""
    rows = [{
        "id": f.id, "value": _short(f.value), "unit": json.dumps(f.unit, ensure_ascii=False)
        if not isinstance(f.unit, str) else f.unit, "date": f.date,
        "source_title": f.source.title, "publisher": f.source.publisher, "url": str(f.source.url),
        "locator": f.source.locator or "", "grade": f.grade, "evidence": f.evidence,
        "seen_in": f.seen_in.kind if f.seen_in else "", "seen_at": (f.seen_in.at or "") if f.seen_in else "",
        "seen_en": grades.seen_where(f, "en"), "seen_ja": grades.seen_where(f, "ja"),
        "_rank": grades.rank(f.grade),
    } for f in inp.facts.values()]
    df = pd.DataFrame(rows).sort_values(["_rank", "id"], ignore_index=True)
    return df.drop(columns=["_rank"])


def _fact_roots(values: Values, name: str, seen: set[str] | None = None) -> set[str]:
    """The facts a value rests on, following its inputs through other values."""
    seen = set() if seen is None else seen
    out: set[str] = set()
    for ref in values.items[name].inputs:
        if ref in values.facts:
            out.add(ref)
        elif ref in values.items and ref not in seen:
            seen.add(ref)
            out |= _fact_roots(values, ref, seen)
    return out


def weak_figures_frame(values: Values) -> pd.DataFrame:
    """Every figure on the site that rests on a recollection or on a copy only, with those facts."""
    rows = []
    for name in sorted(values.items):
        v = values.items[name]
        if not grades.weak(v.grade):
            continue
        weak = sorted(f for f in _fact_roots(values, name) if grades.weak(values.facts[f].grade))
        rows.append({"name": name, "text_en": v.text("en"), "text_ja": v.text("ja"), "grade": v.grade,
                     "facts": ", ".join(weak)})
    return pd.DataFrame(rows, columns=["name", "text_en", "text_ja", "grade", "facts"])


def series_frame(inp: Inputs) -> pd.DataFrame:
    """The series as this edition sees them: only rows up to its date, so an early edition neither
    lists a series that started later nor a last date it could not have known. The file's hash is
    shown only where the edition uses the whole file (a cut file has no hash of its own)."""
    manifest = load_manifest()["series"]
    rows = []
    for key, part in sorted(inp.prices.groupby("ticker")):
        t = str(key)  # the ticker column holds text
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
    for code in grades.evidence_codes(facts_only=True):
        values.metric(f"facts_evidence_{code}", int((facts["evidence"] == code).sum()), "int",
                      formula=f"facts whose evidence is '{code}'")
    values.metric("facts_seen_copy_only", int(facts["seen_in"].isin(("copy", "paraphrase")).sum()), "int",
                  formula="facts seen only in a copy or a paraphrase")
    values.metric("series_count", len(series), "int", formula="series with prices up to the edition's date")
    values.metric("snapshot_last_date", inp.last_date, "date",
                  formula="latest price date in the edition's view of the snapshot")
    values.metric("as_of_date", inp.as_of, "date", formula="the edition's as-of date")

    def link(v: str, _lang: str) -> Html:
        row = facts.set_index("id").loc[v]
        return escape.link(row["source_title"], row["url"])

    seen_text = facts.set_index("id")
    tables = [
        Table(
            id="sources-table",
            data=facts,
            columns=(
                Column("evidence", COLUMNS["evidence"], lambda v, lang: grades.evidence_label(v, lang)),
                Column("id", COLUMNS["fact"], lambda v, _lang: escape.code(v)),
                Column("unit", COLUMNS["unit"],
                       lambda v, lang: _unit_text(v if not v.startswith("{") else json.loads(v), lang)),
                # A fact's date as precise as its source; Japanese writes it 2024年5月7日.
                Column("date", COLUMNS["date"], lambda v, lang: partial_date(v, lang) if lang == "ja" else v),
                Column("id", COLUMNS["source"], link),
                Column("id", COLUMNS["seen_in"], lambda v, lang: text_at(seen_text, v, f"seen_{lang}")),
            ),
            caption=CAPTION["sources"],
            sortable=True,
            wrap=True,
        ),
        Table(
            id="series-table",
            data=series,
            columns=(
                Column("ticker", COLUMNS["series"]),
                Column("name", COLUMNS["name"], english_or_japanese(series, "name", "name_ja")),
                Column("currency", COLUMNS["unit"],
                       lambda v, lang: CURRENCY.text(v, lang) if v in CURRENCY else v),
                Column("first_date", COLUMNS["first"], col_date),
                Column("last_date", COLUMNS["last"], col_date),
                Column("rows", COLUMNS["rows"], col_number(0), "right"),
            ),
            caption=CAPTION["series"],
        ),
    ]
    return Products(tables=tables)


def finish(_inp: Inputs, values: Values) -> Products:
    """After every section: the figures of the whole site that rest on weak sources. It runs once
    all values exist, so what it lists cannot depend on the order the sections ran in."""
    weak = weak_figures_frame(values)
    values.metric("weak_figures_count", len(weak), "int",
                  formula="figures on the site resting on a recollection or on a copy only")
    by_name = weak.set_index("name")
    return Products(tables=[
        Table(
            id="weak-figures-table",
            data=weak,
            columns=(
                Column("name", COLUMNS["figure"], lambda v, _lang: escape.code(v)),
                Column("name", COLUMNS["value"], lambda v, lang: text_at(by_name, v, f"text_{lang}")),
                Column("grade", GRADE_HEADER, col_grade),
                Column("facts", COLUMNS["weak_facts"],
                       lambda v, _lang: Html(", ").join(map(escape.code, v.split(", "))) if v else "–"),
            ),
            caption=CAPTION["weak"],
            sortable=True,
            wrap=True,
        )
    ])
