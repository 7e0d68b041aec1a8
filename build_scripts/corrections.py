"""The corrections log (data/corrections.yaml): what the report got wrong, and when it was put right.

A correction is dated the day it was made. An edition shows the corrections made by its date, so
an early edition never names a later one, and the working edition shows them all. The file is
optional: data recorded before the log existed simply has no corrections.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import DataError
from .paths import DATA
from .yamlio import load_yaml, unquoted_date

FILE = "data/corrections.yaml"
Page = Literal["index", "headline", "efficiency", "overreaction", "investor", "scorecard", "methodology"]


class Text(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    en: str = Field(min_length=1)
    ja: str = Field(min_length=1)

    @field_validator("en", "ja")
    @classmethod
    def _one_line(cls, text: str) -> str:
        return " ".join(text.split())


class Correction(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    date: dt.date
    page: Page
    refs: tuple[str, ...] = ()
    what: Text

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: Any) -> dt.date:
        return unquoted_date(v)


class CorrectionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    corrections: list[dict[str, Any]] = []


def load(path: Path | None = None, file: str = FILE) -> list[Correction]:
    """Every correction, checked, newest first (a missing file is an empty log)."""
    path = path or DATA / "corrections.yaml"
    if not path.exists():
        return []
    doc = load_yaml(path, file)
    try:
        top = CorrectionsFile.model_validate(doc if isinstance(doc, dict) else {"corrections": doc})
    except ValidationError:
        raise DataError(file, "file", "must hold a list named 'corrections'") from None
    out = []
    for i, entry in enumerate(top.corrections):
        where = f"correction #{i + 1}"
        if not isinstance(entry, dict):
            raise DataError(file, where, "a correction must be a mapping (date, page, what)")
        try:
            out.append(Correction.model_validate(entry))
        except ValidationError as err:
            first = err.errors()[0]
            loc = ".".join(str(p) for p in first["loc"]) or "entry"
            raise DataError(file, where, f"field '{loc}': {first['msg'].removeprefix('Value error, ')}") from None
    return sorted(out, key=lambda c: c.date, reverse=True)


def by_date(corrections: Iterable[Correction], as_of: dt.date | None) -> list[Correction]:
    """The corrections an edition dated `as_of` shows (all of them for the working edition)."""
    return [c for c in corrections if as_of is None or c.date <= as_of]


def check_refs(corrections: Iterable[Correction], known: set[str], file: str = FILE) -> None:
    for c in corrections:
        for ref in c.refs:
            if ref not in known:
                raise DataError(file, f"correction of {c.date} ({c.page})",
                                f"refs: '{ref}' is neither a fact nor a claim of this edition")
