"""Which hardware facts the headline page's claims table shows, with its words for each, kept
beside the facts in `data/facts/hardware_claims.yaml`.

Every fact of that file is either shown (with who said it, what, and what kind of statement it
is, in both languages) or listed as not shown with a reason, so a new claim stops the build
instead of dropping out of the table.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import DataError
from .paths import FACTS_DIR, ROOT
from .yamlio import load_yaml, reuse_while_unchanged

FILE = "hardware_claims.yaml"


class Words(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    en: str = Field(min_length=1, max_length=120)
    ja: str = Field(min_length=1, max_length=120)

    def __getitem__(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


class ClaimWords(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    who: Words
    said: Words
    kind: Words


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return path.name


def load_claim_words(folder: Path = FACTS_DIR) -> dict[str, ClaimWords]:
    """The shown facts of `folder/hardware_claims.yaml`, in table order, with their words."""
    path = folder / FILE
    return reuse_while_unchanged(path, "claim words", lambda: _read_claim_words(path))


def _read_claim_words(path: Path) -> dict[str, ClaimWords]:
    rel = _rel(path)
    doc = load_yaml(path, rel, dates_as_text=True)
    if not isinstance(doc, dict):
        raise DataError(rel, "file", "top level must be a mapping with 'shown', 'not_shown' and 'facts'")
    shown, hidden = doc.get("shown") or {}, doc.get("not_shown") or {}
    if not isinstance(shown, dict) or not isinstance(hidden, dict):
        raise DataError(rel, "file", "'shown' and 'not_shown' must be mappings keyed by fact id")
    ids = [f.get("id") for f in doc.get("facts") or [] if isinstance(f, dict)]
    out: dict[str, ClaimWords] = {}
    for fid, rec in shown.items():
        try:
            out[str(fid)] = ClaimWords.model_validate(rec)
        except ValidationError as err:
            e = err.errors()[0]
            raise DataError(rel, f"shown '{fid}'", f"field '{'.'.join(str(p) for p in e['loc'])}': {e['msg']}",
                            hint="give who, said and kind, each with en and ja") from None
    for fid in [*shown, *hidden]:
        if fid not in ids:
            raise DataError(rel, f"'{fid}'", "is listed under shown or not_shown but is no fact of this file")
    for fid in ids:
        if fid in shown and fid in hidden:
            raise DataError(rel, f"fact '{fid}'", "is both shown and not shown")
        if fid not in shown and fid not in hidden:
            raise DataError(rel, f"fact '{fid}'", "has no words for the claims table",
                            hint="add it under 'shown' (who, said and kind in en and ja) or under 'not_shown' "
                                 "with the reason")
    return out
