"""The edition list (data/editions.yaml): what each published edition is, checked before anything is built.

An edition is the whole report as of one date, built from the data it was first published with.
A wrong entry must stop the build with a message that names the edition and the field: before
this check, a quoted or non-ISO `as_of` silently built an edition from all the data.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import DataError
from .paths import DATA
from .yamlio import load_yaml, unquoted_date

EDITIONS = DATA / "editions.yaml"
FILE = "data/editions.yaml"
LATEST = "latest"  # the alias that always names the newest edition (and the site's default)
VERSION = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
DIGEST = re.compile(r"^[0-9a-f]{40}$")


class Title(BaseModel):
    model_config = ConfigDict(extra="forbid")
    en: str = Field(min_length=1)
    ja: str = Field(min_length=1)


class Edition(BaseModel):
    """One entry. `data` is the digest of the data the edition was first published with
    (see `frozen.py`); it is what keeps a later fact or a revised price out of the edition."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: str
    as_of: dt.date
    title: Title
    data: str

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: Any) -> str:
        if isinstance(v, dt.date):  # an unquoted 2026-08-20 arrives as a date
            v = v.isoformat()
        if not isinstance(v, str) or not VERSION.match(v):
            raise ValueError(f"{v!r} is not a version name (YYYY-MM or YYYY-MM-DD, in quotes)")
        return v

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of(cls, v: Any) -> dt.date:
        return unquoted_date(v)

    @field_validator("data", mode="before")
    @classmethod
    def _data(cls, v: Any) -> str:
        if not isinstance(v, str) or not DIGEST.match(v):
            raise ValueError("must be the 40-hex digest of the edition's data "
                             "(`python -m build_scripts editions add` records it)")
        return v

    @model_validator(mode="after")
    def _named_by_date(self) -> Edition:
        # A version names its date: 2026-08-20 is the as-of day itself, 2025-01 is its month.
        if not self.as_of.isoformat().startswith(self.version):
            raise ValueError(f"field 'as_of': {self.as_of} does not match the version name "
                             f"'{self.version}' (a version is named by its date)")
        return self


class EditionList(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dated_title: Title  # title of an edition added by a refresh; {date} is its data date
    editions: list[dict[str, Any]] = Field(min_length=1)


def _locate(text: str, line: int) -> tuple[str, str] | None:
    """The edition and field at `line` of the file, for errors the YAML reader reports by line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        if key.value != "editions" or not isinstance(value, yaml.SequenceNode):
            continue
        for i, entry in enumerate(value.value):
            if not (entry.start_mark.line + 1 <= line <= entry.end_mark.line + 1):
                continue
            if not isinstance(entry, yaml.MappingNode):
                return f"#{i + 1}", "entry"
            fields = dict((k.value, v) for k, v in entry.value if isinstance(k, yaml.ScalarNode))
            version = fields.get("version")
            name = version.value if isinstance(version, yaml.ScalarNode) else f"#{i + 1}"
            on_line = [k.value for k, v in entry.value if k.start_mark.line + 1 == line
                       or v.start_mark.line + 1 == line]
            return name, on_line[-1] if on_line else "entry"
    return None


def _read(path: Path, file: str) -> Any:
    try:
        return load_yaml(path, file)
    except DataError as err:
        m = re.match(r"line (\d+)$", err.where)
        found = _locate(path.read_text(encoding="utf-8"), int(m.group(1))) if m else None
        if found is None:
            raise
        edition, field = found
        raise DataError(file, f"edition '{edition}'", f"field '{field}': {err.rule}", err.hint) from None


def _rule(err: ValidationError) -> str:
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    msg = first["msg"].removeprefix("Value error, ")
    return msg if msg.startswith("field '") else f"field '{loc or 'entry'}': {msg}"


def load(path: Path = EDITIONS, file: str = FILE) -> tuple[list[Edition], Title]:
    """Every edition, checked on its own and against the others; and the title a refresh gives."""
    doc = _read(path, file)
    try:
        top = EditionList.model_validate(doc if isinstance(doc, dict) else {})
    except ValidationError as err:
        raise DataError(file, "file", _rule(err),
                        hint="the file needs 'dated_title' (en, ja) and a list of 'editions'") from None
    editions: list[Edition] = []
    for i, entry in enumerate(top.editions):
        name = entry.get("version", f"#{i + 1}") if isinstance(entry, dict) else f"#{i + 1}"
        where = f"edition '{name}'"
        if not isinstance(entry, dict):
            raise DataError(file, where, "an edition must be a mapping")
        try:
            ed = Edition.model_validate(entry)
        except ValidationError as err:
            raise DataError(file, where, _rule(err)) from None
        for other in editions:
            if other.version == ed.version:
                raise DataError(file, where, "field 'version': used twice (each edition needs its own name)")
            if other.as_of == ed.as_of:
                raise DataError(file, where, f"field 'as_of': {ed.as_of} is also edition "
                                f"'{other.version}' (one edition per date)")
        editions.append(ed)
    return editions, top.dated_title


def check_window(ed: Edition, first: dt.date, last: dt.date, file: str = FILE) -> None:
    """`as_of` must fall inside the data: not before the day the report is about, not after the
    last price of the edition's data (an edition cannot claim prices it does not have)."""
    where = f"edition '{ed.version}'"
    if ed.as_of < first:
        raise DataError(file, where, f"field 'as_of': {ed.as_of} is before the data (the report "
                        f"starts on {first}, the day of the sell-off)")
    if ed.as_of > last:
        raise DataError(file, where, f"field 'as_of': {ed.as_of} is after the data (its prices end "
                        f"on {last})")


def latest(editions: list[Edition]) -> Edition:
    """The newest edition: the alias `latest` and the site's default point at it."""
    return max(editions, key=lambda e: e.as_of)
