"""The glossary: one file per language (docs/glossary/<lang>.yaml), read and checked here.

The same entries serve two places. Every page gets them as Markdown abbreviations
(`*[form]: definition`), which the MkDocs hook has pymdownx.snippets append to each page, so a
term carries its definition on hover in the page's language (`glossary_markup` decides where the
marks go). The glossary page lists them all as a table.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import DataError
from .paths import BUILD, DOCS, LANGS
from .yamlio import load_yaml

GLOSSARY_DIR = DOCS / "glossary"


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    term: str = Field(min_length=1)
    # Spellings marked on the pages; the term itself when none are given.
    forms: tuple[str, ...] = ()
    definition: str = Field(min_length=1, max_length=400)

    @field_validator("forms")
    @classmethod
    def _forms(cls, forms: tuple[str, ...]) -> tuple[str, ...]:
        for f in forms:
            # The abbreviation syntax ends a form at "]" and cannot take a backslash or a line break.
            if not f.strip() or re.search(r"[\]\\\n]", f):
                raise ValueError(f"form {f!r} must be one line without ']' or '\\'")
        return forms

    @field_validator("definition")
    @classmethod
    def _one_line(cls, text: str) -> str:
        return " ".join(text.split())

    @property
    def marked(self) -> tuple[str, ...]:
        return self.forms or (self.term,)


class GlossaryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    terms: tuple[Term, ...] = Field(min_length=1)


def _file(lang: str) -> str:
    return f"docs/glossary/{lang}.yaml"


@cache
def load(lang: str, folder: Path = GLOSSARY_DIR) -> tuple[Term, ...]:
    """The terms of one language, checked: unique ids, and no spelling claimed by two terms."""
    path = folder / f"{lang}.yaml"
    doc = load_yaml(path, _file(lang))
    try:
        terms = GlossaryFile.model_validate(doc if isinstance(doc, dict) else {}).terms
    except ValidationError as err:
        first = err.errors()[0]
        loc = first["loc"]
        where = f"term #{loc[1] + 1}" if len(loc) > 1 and loc[0] == "terms" and isinstance(loc[1], int) else "file"
        field = ".".join(str(p) for p in loc[2:]) or "entry"
        raise DataError(_file(lang), where, f"field '{field}': {first['msg'].removeprefix('Value error, ')}",
                        hint="each term needs id, term and definition; forms is optional") from None
    seen_ids: set[str] = set()
    owner: dict[str, str] = {}
    for t in terms:
        if t.id in seen_ids:
            raise DataError(_file(lang), f"term '{t.id}'", "field 'id': used twice")
        seen_ids.add(t.id)
        for form in t.marked:
            if form in owner:
                raise DataError(_file(lang), f"term '{t.id}'",
                                f"form '{form}' is also a form of '{owner[form]}' (a spelling has one meaning)")
            owner[form] = t.id
    return terms


def check_parity(folder: Path = GLOSSARY_DIR) -> None:
    """Both languages define the same terms in the same order."""
    ids = {lang: [t.id for t in load(lang, folder)] for lang in LANGS}
    if ids["en"] != ids["ja"]:
        missing = sorted(set(ids["en"]) ^ set(ids["ja"]))
        rule = f"terms differ between languages: {missing}" if missing else "terms are in a different order"
        raise DataError(_file("ja"), "file", rule, hint="keep the same ids, in the same order, in both files")


def abbreviations(lang: str, folder: Path = GLOSSARY_DIR) -> str:
    """The terms as Markdown abbreviation definitions, one line per spelling."""
    return "".join(f"*[{form}]: {t.definition}\n" for t in load(lang, folder) for form in t.marked)


def abbreviations_dir(build_dir: Path = BUILD) -> Path:
    return build_dir / "glossary"


def write_abbreviations(lang: str, build_dir: Path = BUILD) -> Path:
    """Write the language's abbreviation file where the snippets extension looks for it."""
    check_parity()
    path = abbreviations_dir(build_dir) / f"{lang}.md"
    text = abbreviations(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path
