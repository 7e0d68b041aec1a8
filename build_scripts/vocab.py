"""The closed vocabularies facts are written in: grades, units and publishers, as data.

They live in `data/facts/vocab/` so that a contributor can read, and a reviewer can change, what a
grade or a unit means without touching code. Each file is checked once per process; a broken
vocabulary stops the build with the file, the entry and the rule, like any other bad input.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import DataError
from .paths import FACTS_DIR
from .yamlio import load_yaml

VOCAB_DIR = FACTS_DIR / "vocab"
REL = "data/facts/vocab"
T = TypeVar("T", bound=BaseModel)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvidenceKind(_Strict):
    code: str = Field(pattern=r"^[a-z_]+$")
    en: str = Field(min_length=1)
    ja: str = Field(min_length=1)
    facts: bool = True
    marker: bool = False
    weak: bool = False


class SeenKind(_Strict):
    code: str = Field(pattern=r"^[a-z_]+$")
    en: str = Field(min_length=1)
    ja: str = Field(min_length=1)
    phrase_en: str = Field(min_length=1)
    phrase_ja: str = Field(min_length=1)
    at: bool
    publisher_host: bool = False
    marker: bool = False
    weak: bool = False


class GradeVocab(_Strict):
    evidence: list[EvidenceKind] = Field(min_length=2)
    seen_in: list[SeenKind] = Field(min_length=2)


class Unit(_Strict):
    type: Literal["number", "text", "date", "record"]
    en: str = Field(min_length=1)
    ja: str = Field(min_length=1)
    base: str | None = None
    scale: float | None = None


class UnitVocab(_Strict):
    units: dict[str, Unit] = Field(min_length=1)


class SeenAtVocab(_Strict):
    # a fact's `seen_in.at`, as written in English -> how the Japanese register says it
    ja: dict[str, str] = Field(default_factory=dict)


class PublisherVocab(_Strict):
    # publisher name -> the hosts (optionally host/path) where its own pages live
    publishers: dict[str, list[str]] = Field(min_length=1)


def _load(name: str, model: type[T], folder: Path) -> T:
    rel = f"{REL}/{name}"
    doc = load_yaml(folder / name, rel)
    try:
        return model.model_validate(doc)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "file"
        raise DataError(rel, where, first["msg"]) from None


@cache
def grades(folder: Path = VOCAB_DIR) -> GradeVocab:
    vocab = _load("grades.yaml", GradeVocab, folder)
    for axis in (vocab.evidence, vocab.seen_in):
        codes = [k.code for k in axis]
        if len(set(codes)) != len(codes):
            raise DataError(f"{REL}/grades.yaml", "codes", "each code may appear once")
    return vocab


@cache
def units(folder: Path = VOCAB_DIR) -> dict[str, Unit]:
    vocab = _load("units.yaml", UnitVocab, folder).units
    for name, u in vocab.items():
        if (u.type == "number") != (u.scale is not None and u.base is not None):
            raise DataError(f"{REL}/units.yaml", f"unit '{name}'",
                            "a number unit needs a base and a scale; other units have neither")
    return vocab


@cache
def seen_at_ja(folder: Path = VOCAB_DIR) -> dict[str, str]:
    """The Japanese words for the places facts were read, where `at` is written in words."""
    return _load("seen_at.yaml", SeenAtVocab, folder).ja


@cache
def publishers(folder: Path = VOCAB_DIR) -> dict[str, list[str]]:
    return _load("publishers.yaml", PublisherVocab, folder).publishers
