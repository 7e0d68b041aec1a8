"""SEC EDGAR company facts: Nvidia's quarterly revenue and shares outstanding, as sourced facts.

Each fact names the filing it comes from (form, accession number, filing date), so a reader can
open the document; its date is the filing date, because that is when the number became public
(which is what the report's as-of editions need). The ids are the curated facts' own
(`nvda_q3fy25_revenue`, `nvda_shares_outstanding`), so a refreshed filing value replaces or
confirms the curated one when the facts are loaded (see `build_scripts/filings.py`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any

import yaml

from ..errors import DataError
from ..facts import parse_facts
from ..filings import REFRESH_ORIGIN
from .base import FetchError, HttpClient, parse_guard
from .config import EdgarSettings

NAME = "edgar"
SERIES = "companyfacts"
PUBLISHER = "U.S. Securities and Exchange Commission (EDGAR)"
SHARES_CONCEPT = "EntityCommonStockSharesOutstanding"
QUARTER_DAYS = range(80, 101)
YEAR_DAYS = range(350, 380)
REPORT_LAG_DAYS = 75
# What a filing's fields may be. Anything else (markup, a script, a stray control character) is
# refused before it can reach a fact, a page or the facts file.
FORMS = frozenset({"10-K", "10-K/A", "10-KT", "10-Q", "10-Q/A", "10-QT", "8-K", "8-K/A",
                   "20-F", "20-F/A", "40-F", "6-K", "S-1", "S-1/A", "S-4", "S-4/A"})
PERIODS = frozenset({"FY", "Q1", "Q2", "Q3", "Q4"})
ACCESSION = re.compile(r"^\d{10}-\d{2}-\d{6}$")


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(str(value))


def _entries(doc: Any, taxonomy: str, concept: str, unit: str) -> list[dict[str, Any]]:
    try:
        units = doc["facts"][taxonomy][concept]["units"]
    except (KeyError, TypeError):
        return []
    rows = units.get(unit) if isinstance(units, dict) else None
    if rows is not None and not isinstance(rows, list):
        raise FetchError(NAME, SERIES, f"parse failure: {taxonomy}:{concept} units.{unit} is not a list")
    return [r for r in rows or [] if isinstance(r, dict)]


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _refuse(where: str, i: int, key: str, value: Any, rule: str) -> FetchError:
    return FetchError(NAME, SERIES, f"refused: {where} entry {i + 1} field '{key}' is {_show(value)}, {rule}; "
                      "nothing was written")


def _checked(entry: dict[str, Any], where: str, i: int, dated_start: bool = False) -> dict[str, Any]:
    """One companyfacts entry whose every field we use is what it may be, or a refusal naming it."""
    needed = ("end", "val", "accn", "form", "filed", *(("start",) if dated_start else ()))
    missing = [k for k in needed if entry.get(k) is None]
    if missing:
        raise FetchError(NAME, SERIES, f"parse failure: {where} entry lacks '{missing[0]}'")
    val = entry["val"]
    if not isinstance(val, int | float) or isinstance(val, bool):
        raise FetchError(NAME, SERIES, f"parse failure: {where} value {_show(val)} is not a number")
    if not math.isfinite(val) or val < 0 or val >= 1e15:
        raise _refuse(where, i, "val", val, "not a finite, non-negative amount")
    _check_labels(entry, where, i, dated_start)
    return entry


def _check_labels(entry: dict[str, Any], where: str, i: int, dated_start: bool) -> None:
    """Form, accession, dates and fiscal labels: the fields that reach the page as text."""
    if entry["form"] not in FORMS:
        raise _refuse(where, i, "form", entry["form"], f"not a filing form ({', '.join(sorted(FORMS))})")
    if not isinstance(entry["accn"], str) or not ACCESSION.match(entry["accn"]):
        raise _refuse(where, i, "accn", entry["accn"], "not an accession number like 0001045810-25-000023")
    for key in ("start", "end", "filed"):
        if key in entry and not _real_day(entry[key]):
            raise _refuse(where, i, key, entry[key], "not a real date as YYYY-MM-DD")
    if dated_start and entry["start"] > entry["end"]:
        raise _refuse(where, i, "start", entry["start"], "after the period's end")
    if entry.get("fy") is not None and (not isinstance(entry["fy"], int) or not 1990 <= entry["fy"] <= 2100):
        raise _refuse(where, i, "fy", entry["fy"], "not a fiscal year")
    if entry.get("fp") is not None and entry["fp"] not in PERIODS:
        raise _refuse(where, i, "fp", entry["fp"], f"not a fiscal period ({', '.join(sorted(PERIODS))})")


def _real_day(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _company(cfg: EdgarSettings) -> str:
    """The company key facts use ('nvidia' for 'NVIDIA Corporation')."""
    return cfg.company.split()[0].lower()


def _source(cfg: EdgarSettings, entry: dict[str, Any], locator: str) -> dict[str, Any]:
    accn = str(entry["accn"])
    return {
        "title": f"{cfg.company} Form {entry['form']} (accession {accn}, filed {entry['filed']})",
        "publisher": PUBLISHER,
        "url": f"{cfg.filing_index_url.rstrip('/')}/{cfg.cik}/{accn.replace('-', '')}/",
        "locator": locator,
    }


def _original(entries: Iterable[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """One entry per period, from the filing made for that period.

    Later filings repeat a period as a comparative, labelled with their own fiscal year and
    quarter; keeping only filings made within `REPORT_LAG_DAYS` of the period end keeps the
    labels right (a 10-Q is due 40 days after the quarter, a 10-K 60 days after the year).
    """
    out: dict[tuple[str, str], dict[str, Any]] = {}
    timely = (e for e in entries if 0 < (_day(e["filed"]) - _day(e["end"])).days <= REPORT_LAG_DAYS)
    for e in sorted(timely, key=lambda e: (str(e["filed"]), str(e["accn"]))):
        key = (str(e["start"]), str(e["end"]))
        first = out.setdefault(key, e)
        if first["accn"] == e["accn"] and first["val"] != e["val"]:
            raise FetchError(
                NAME,
                SERIES,
                f"parse failure: filing {e['accn']} gives two values "
                f"for {key[0]} to {key[1]} ({first['val']} and {e['val']})",
            )
    return out


def shares_fact(doc: Any, cfg: EdgarSettings) -> dict[str, Any]:
    """Shares outstanding on the cover page whose as-of date is nearest `cfg.shares_near`."""
    where = f"dei:{SHARES_CONCEPT}"
    entries = [_checked(e, where, i) for i, e in enumerate(_entries(doc, "dei", SHARES_CONCEPT, "shares"))]
    if not entries:
        raise FetchError(NAME, SERIES, f"parse failure: missing field facts.dei.{SHARES_CONCEPT}")
    best = min(entries, key=lambda e: (abs((_day(e["end"]) - cfg.shares_near).days), str(e["filed"])))
    tk = cfg.ticker.lower()
    return {
        "id": f"{tk}_shares_outstanding",
        "value": int(best["val"]),
        "unit": "shares",
        "company": _company(cfg),
        "measure": "shares_outstanding",
        "date": str(best["filed"]),
        "source": _source(cfg, best, f"cover page, dei:{SHARES_CONCEPT} as of {best['end']}"),
        "evidence": "filing",
        "seen_in": "original",
        "label": f"{cfg.ticker} shares outstanding as of {best['end']} "
        f"(the cover date nearest {cfg.shares_near.isoformat()})",
    }


def _revenue_fact(
    cfg: EdgarSettings, concept: str, e: dict[str, Any], fy: Any, q: int, note: str | None = None
) -> dict[str, Any]:
    if isinstance(fy, bool) or not isinstance(fy, int):
        raise FetchError(NAME, SERIES, f"parse failure: filing {e['accn']} has no fiscal year (fy)")
    fact = {
        "id": f"{cfg.ticker.lower()}_q{q}fy{fy % 100:02d}_revenue",
        "value": int(e["val"]),
        "unit": "USD",
        "company": _company(cfg),
        "measure": "revenue",
        "period": {"basis": "fiscal", "year": fy, "quarter": q, "end": str(e["end"])},
        "date": str(e["filed"]),
        "source": _source(cfg, e, f"us-gaap:{concept}, {e['start']} to {e['end']}"),
        "evidence": "filing",
        "seen_in": "original",
        "label": f"{cfg.ticker} revenue, fiscal {fy} Q{q} (quarter ended {e['end']})",
    }
    if note:
        fact["note"] = note
    return fact


def revenue_facts(doc: Any, cfg: EdgarSettings) -> list[dict[str, Any]]:
    """Quarterly revenue; Q4 (absent from 10-Ks as a quarter) is the year minus Q1 to Q3."""
    for concept in cfg.revenue_concepts:
        entries = [
            _checked(e, f"us-gaap:{concept}", i, dated_start=True)
            for i, e in enumerate(_entries(doc, "us-gaap", concept, "USD"))
            if e.get("start")
        ]
        if entries:
            break
    else:
        raise FetchError(
            NAME,
            SERIES,
            f"parse failure: no revenue concept found (looked for {', '.join(cfg.revenue_concepts)})",
        )
    periods = _original(entries)
    length = {k: (_day(k[1]) - _day(k[0])).days for k in periods}
    quarters = sorted((k for k in periods if length[k] in QUARTER_DAYS), key=lambda k: k[1])
    facts = []
    for k in quarters:
        e = periods[k]
        fp = str(e.get("fp") or "")
        if fp in {"Q1", "Q2", "Q3"}:
            facts.append(_revenue_fact(cfg, concept, e, e.get("fy"), int(fp[1])))
    for k in (k for k in periods if length[k] in YEAR_DAYS):
        year = periods[k]
        inside = [q for q in quarters if q[0] >= k[0] and q[1] <= k[1]]
        if len(inside) != 3 or str(year.get("form", "")).upper() not in {"10-K", "10-K/A"}:
            continue
        q4 = dict(
            year,
            start=str(_day(max(q[1] for q in inside)) + dt.timedelta(days=1)),
            val=int(year["val"]) - sum(int(periods[q]["val"]) for q in inside),
        )
        facts.append(
            _revenue_fact(
                cfg,
                concept,
                q4,
                year.get("fy"),
                4,
                note=f"Derived: fiscal-year total {int(year['val'])} ({k[0]} to {k[1]}) minus Q1 to Q3 from the 10-Qs.",
            )
        )
    if not facts:
        raise FetchError(NAME, SERIES, f"parse failure: us-gaap:{concept} has no quarterly values")
    return sorted(facts, key=lambda f: f["id"])


def derive_facts(doc: Any, cfg: EdgarSettings) -> list[dict[str, Any]]:
    """All facts from one companyfacts document, checked against the project's fact schema."""
    if not isinstance(doc, dict) or "facts" not in doc:
        raise FetchError(NAME, SERIES, "parse failure: missing field 'facts'")
    records = [shares_fact(doc, cfg), *revenue_facts(doc, cfg)]
    derived = [r for r in records if r["value"] < 0]
    if derived:
        raise FetchError(NAME, SERIES, f"refused: {derived[0]['id']} comes out negative ({derived[0]['value']}); "
                         "the filings disagree, nothing was written")
    try:
        parse_facts(records, "edgar companyfacts")
    except DataError as err:
        raise FetchError(NAME, SERIES, f"refused: {err}") from None
    return records


def facts_yaml(records: list[dict[str, Any]], cik: int) -> bytes:
    """The file text: stable order and no timestamp, so an unchanged fetch changes no byte."""
    header = (
        "# Written by `python -m build_scripts refresh` from SEC EDGAR XBRL company facts\n"
        f"# (companyfacts, CIK{cik:010d}). Do not edit by hand: the refresh compares against it.\n"
    )
    body = yaml.safe_dump({"origin": REFRESH_ORIGIN, "facts": records}, sort_keys=False, allow_unicode=True,
                          width=100)
    return (header + body).encode("utf-8")


class Edgar:
    """Client for `/api/xbrl/companyfacts/CIK##########.json`, rate-limited by its HttpClient."""

    name = NAME

    def __init__(self, base_url: str, cfg: EdgarSettings, client: HttpClient) -> None:
        self.base_url, self.cfg, self.client = base_url.rstrip("/"), cfg, client

    @property
    def url(self) -> str:
        return f"{self.base_url}/api/xbrl/companyfacts/CIK{self.cfg.cik:010d}.json"

    def fetch_facts(self) -> list[dict[str, Any]]:
        doc = self.client.get_json(self.url, SERIES)
        with parse_guard(NAME, SERIES):
            return derive_facts(doc, self.cfg)
