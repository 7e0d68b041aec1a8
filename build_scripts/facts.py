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

from .errors import DataError
from .paths import FACTS_DIR, ROOT
from .yamlio import load_yaml

Confidence = Literal["primary-verified", "primary", "secondary", "unverified"]
Scalar = int | float | str | bool | None
Value = int | float | str | list[Any] | dict[str, Any]

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}){0,2}$")


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    url: HttpUrl
    locator: str | None = None


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    value: Value
    unit: str = Field(min_length=1)
    # Some facts are only dated to a month or a year (a 1991 paper); keep that precision.
    date: str
    source: Source
    confidence: Confidence
    label: str | None = None
    note: str | None = None

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
    return f"field '{loc}': {first['msg']}"


def parse_facts(records: Iterable[Mapping[str, Any]], file: str) -> list[Fact]:
    facts: list[Fact] = []
    for i, rec in enumerate(records):
        where = f"fact '{rec.get('id', f'#{i + 1}')}'" if isinstance(rec, Mapping) else f"#{i + 1}"
        if not isinstance(rec, Mapping):
            raise DataError(file, where, "a fact must be a mapping")
        try:
            facts.append(Fact.model_validate(dict(rec)))
        except ValidationError as err:
            raise DataError(file, where, _rule(err)) from None
    return facts


def load_facts(folder: Path = FACTS_DIR) -> dict[str, Fact]:
    """Every fact in `folder/*.yaml`, by id. Duplicate ids are an error: ids are how pages cite."""
    out: dict[str, Fact] = {}
    for path in sorted(folder.glob("*.yaml")):
        rel = _rel(path)
        doc = load_yaml(path, rel, dates_as_text=True)  # an impossible date is refused below, naming the fact
        if not isinstance(doc, Mapping) or not isinstance(doc.get("facts"), list):
            raise DataError(rel, "file", "top level must be a mapping with a 'facts' list")
        for fact in parse_facts(doc["facts"], rel):
            if fact.id in out:
                raise DataError(rel, f"fact '{fact.id}'", "duplicate id (ids must be unique)")
            out[fact.id] = fact
    if not out:
        raise DataError(_rel(folder), "folder", "no facts found")
    return out


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return path.name
