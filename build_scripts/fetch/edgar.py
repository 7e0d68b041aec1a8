"""SEC EDGAR company facts: Nvidia's quarterly revenue and shares outstanding, as sourced facts.

Each fact names the filing it comes from (form, accession number, filing date), so a reader can
open the document; its date is the filing date, because that is when the number became public
(which is what the report's as-of editions need). The ids are the curated facts' own
(`nvda_q3fy25_revenue`, `nvda_shares_outstanding`), so a refreshed filing value replaces or
confirms the curated one when the facts are loaded (see `build_scripts/filings.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import yaml

from ..facts import parse_facts
from ..filings import REFRESH_ORIGIN
from .base import FetchError, HttpClient
from .config import EdgarSettings

NAME = "edgar"
SERIES = "companyfacts"
PUBLISHER = "U.S. Securities and Exchange Commission (EDGAR)"
SHARES_CONCEPT = "EntityCommonStockSharesOutstanding"
QUARTER_DAYS = range(80, 101)
YEAR_DAYS = range(350, 380)
REPORT_LAG_DAYS = 75


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(str(value))


def _entries(doc: Any, taxonomy: str, concept: str, unit: str) -> list[dict[str, Any]]:
    try:
        units = doc["facts"][taxonomy][concept]["units"]
    except (KeyError, TypeError):
        return []
    rows = units.get(unit) if isinstance(units, dict) else None
    return [r for r in rows or [] if isinstance(r, dict)]


def _checked(entry: dict[str, Any], where: str) -> dict[str, Any]:
    missing = [k for k in ("end", "val", "accn", "form", "filed") if entry.get(k) is None]
    if missing:
        raise FetchError(NAME, SERIES, f"parse failure: {where} entry lacks '{missing[0]}'")
    if not isinstance(entry["val"], int | float) or isinstance(entry["val"], bool):
        raise FetchError(NAME, SERIES, f"parse failure: {where} value {entry['val']!r} is not a number")
    return entry


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
    entries = [_checked(e, f"dei:{SHARES_CONCEPT}") for e in _entries(doc, "dei", SHARES_CONCEPT, "shares")]
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
            _checked(e, f"us-gaap:{concept}") for e in _entries(doc, "us-gaap", concept, "USD") if e.get("start")
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
    parse_facts(records, "edgar companyfacts")
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
        return derive_facts(self.client.get_json(self.url, SERIES), self.cfg)
