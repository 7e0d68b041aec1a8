"""Sourced facts: the schema every fact must meet, and the loader that enforces it.

A page may only print a number that comes from a fact (which names its source) or from a metric
computed from the snapshot. The schema is the contract that makes the first half true.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

from . import fact_rules
from .errors import DataError
from .paths import FACTS_DIR, ROOT
from .yamlio import load_yaml, reuse_while_unchanged

Scalar = int | float | str | bool | None
Value = int | float | str | list[Any] | dict[str, Any]

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}){0,2}$")


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    url: HttpUrl
    locator: str | None = None


class SeenIn(BaseModel):
    """Where the value was read: `kind` from the grade vocabulary; `at` names a copy or paraphrase."""

    model_config = ConfigDict(extra="forbid")
    kind: str
    at: str | None = None


class Period(BaseModel):
    """The period a financial figure covers (a fiscal quarter, a calendar or fiscal year)."""

    model_config = ConfigDict(extra="forbid")
    basis: Literal["fiscal", "calendar"]
    year: int = Field(ge=1900, le=2100)
    quarter: int | None = Field(default=None, ge=1, le=4)
    end: dt.date | None = None


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    value: Value
    # One unit from data/facts/vocab/units.yaml, or one per named part of the value.
    unit: str | dict[str, str]
    # Some facts are only dated to a month or a year (a 1991 paper); keep that precision.
    date: str
    source: Source
    # What kind of statement this is, and where we read it (data/facts/vocab/grades.yaml).
    evidence: str
    seen_in: SeenIn | None = None
    label: str | None = None
    note: str | None = None
    # Structured fields, so no analysis has to read a number or a name out of prose.
    approx: bool = False  # the source gives the figure as approximate ("about", "~")
    baseline: str | None = None  # what a comparison is measured against
    company: str | None = None  # lower-case key of the company a financial figure is about
    measure: str | None = None  # what a financial figure measures: revenue, capex ...
    period: Period | None = None
    stage: Literal["plan", "actual"] | None = None
    # The technique a publication belongs to: a key of a `families` block (techniques_timeline.yaml).
    family: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")

    @field_validator("seen_in", mode="before")
    @classmethod
    def _seen_in(cls, v: Any) -> Any:
        return {"kind": v} if isinstance(v, str) else v

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, v: Any) -> Any:
        if v is None or v == "":
            raise ValueError("a fact needs a value")
        return v

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: Any) -> str:
        return checked_date(v)

    @property
    def day(self) -> dt.date:
        """The fact's date, with a month- or year-only date read as its first day."""
        parts = [int(p) for p in self.date.split("-")] + [1, 1]
        return dt.date(parts[0], parts[1], parts[2])

    @property
    def grade(self) -> str:
        """`evidence/seen_in`, e.g. 'news/copy' (see build_scripts/grades.py)."""
        return f"{self.evidence}/{self.seen_in.kind if self.seen_in else 'not_seen'}"


class Family(BaseModel):
    """A technique family: its name in both languages. Families listed with `technique: false` hold
    publications cited for context (an economics classic), which no prior-art table shows."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1, max_length=60)
    name_ja: str = Field(min_length=1, max_length=60)
    technique: bool = True

    def label(self, lang: str) -> str:
        return self.name_ja if lang == "ja" else self.name


def checked_date(v: Any) -> str:
    """A fact's date as text: a real day, month or year (YYYY-MM-DD, YYYY-MM, YYYY)."""
    if isinstance(v, dt.datetime):
        raise ValueError("date must be a day, not a time of day (YYYY-MM-DD)")
    if isinstance(v, dt.date):
        return v.isoformat()
    s = str(v)
    if not _PARTIAL_DATE.match(s):
        raise ValueError("date must be YYYY, YYYY-MM or YYYY-MM-DD")
    parts = [int(p) for p in s.split("-")]
    try:
        dt.date(parts[0], *(parts[1:] + [1, 1])[:2])
    except ValueError as err:
        raise ValueError(f"date '{s}' is not a real date ({err}); write YYYY-MM-DD, YYYY-MM or YYYY") from None
    return s


def _rule(err: ValidationError) -> str:
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"]) or "fact"
    return f"field '{loc}': {first['msg'].removeprefix('Value error, ')}"


def _family_problem(fact: Fact) -> tuple[str, str] | None:
    """A publication (a value with a `reference`) names its technique family, so a new paper
    reaches the prior-art table or stops the build; it never silently drops out."""
    if isinstance(fact.value, dict) and "reference" in fact.value and fact.family is None:
        return "family", ("missing; a publication names the technique family it belongs to "
                          "(a key of 'families' in techniques_timeline.yaml)")
    return None


def parse_facts(records: Iterable[Mapping[str, Any]], file: str) -> list[Fact]:
    facts: list[Fact] = []
    for i, rec in enumerate(records):
        where = f"fact '{rec.get('id', f'#{i + 1}')}'" if isinstance(rec, Mapping) else f"#{i + 1}"
        if not isinstance(rec, Mapping):
            raise DataError(file, where, "a fact must be a mapping")
        try:
            fact = Fact.model_validate(dict(rec))
        except ValidationError as err:
            raise DataError(file, where, _rule(err)) from None
        broken = fact_rules.first_problem(fact) or _family_problem(fact)
        if broken:
            raise DataError(file, where, f"field '{broken[0]}': {broken[1]}")
        facts.append(fact)
    return facts


def load_facts(folder: Path = FACTS_DIR) -> dict[str, Fact]:
    """Every fact in `folder/*.yaml`, by id. Duplicate ids are an error: ids are how pages cite.

    A file the refresh wrote (`origin: refresh`, e.g. EDGAR filings) may repeat a curated id: its
    filing value then confirms or replaces the curated one (see `build_scripts/filings.py`).
    """
    from . import filings

    out: dict[str, Fact] = {}
    refreshed: dict[str, Fact] = {}
    where: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        rel = _rel(path)
        doc = load_yaml(path, rel, dates_as_text=True)  # an impossible date is refused below, naming the fact
        if not isinstance(doc, Mapping) or not isinstance(doc.get("facts"), list):
            raise DataError(rel, "file", "top level must be a mapping with a 'facts' list")
        target = refreshed if doc.get("origin") == filings.REFRESH_ORIGIN else out
        for fact in parse_facts(doc["facts"], rel):
            if fact.id in target:
                raise DataError(rel, f"fact '{fact.id}'", "duplicate id (ids must be unique)")
            target[fact.id] = fact
            where[fact.id] = rel
    families = load_families(folder)
    for fact in out.values():
        if fact.family is not None and fact.family not in families:
            raise DataError(where[fact.id], f"fact '{fact.id}'", f"field 'family': '{fact.family}' is not a "
                            f"technique family (one of: {', '.join(families)})",
                            hint="declare it under 'families' in techniques_timeline.yaml")
    out = filings.merge(out, refreshed.values())
    if not out:
        raise DataError(_rel(folder), "folder", "no facts found")
    return out


FAMILIES_FILE = "techniques_timeline.yaml"


def load_families(folder: Path = FACTS_DIR) -> dict[str, Family]:
    """The technique families declared in `folder/techniques_timeline.yaml`, in the file's order
    (the order pages list them in)."""
    path = folder / FAMILIES_FILE
    return reuse_while_unchanged(path, "families", lambda: _read_families(path))


def _read_families(path: Path) -> dict[str, Family]:
    rel = _rel(path)
    doc = load_yaml(path, rel, dates_as_text=True) if path.exists() else {}
    block = doc.get("families") if isinstance(doc, Mapping) else None
    if block is None:
        return {}
    if not isinstance(block, Mapping):
        raise DataError(rel, "families", "must be a mapping of family keys to their names")
    out: dict[str, Family] = {}
    for key, rec in block.items():
        if not isinstance(rec, Mapping):
            raise DataError(rel, f"family '{key}'", "must be a mapping of name, name_ja (and technique)")
        try:
            out[str(key)] = Family.model_validate({**rec, "key": str(key)})
        except ValidationError as err:
            raise DataError(rel, f"family '{key}'", _rule(err)) from None
    return out


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return path.name
