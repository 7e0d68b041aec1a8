"""A chart as data: which kind draws it, from which table, with which parameters and which words.

A section builds a `Chart` and never draws. Its words (title, axis labels, legend labels,
annotations, alt text, source line) live in the catalog under `<section>.charts.<id>`; `fill`
gives, per language, the printed values their `{placeholders}` take, so the alt text is built
from the data the chart shows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import catalog
from ..errors import DataError

LANGS = ("en", "ja")
# Words the page prints around the image; every other word is drawn into the SVG.
PAGE_WORDS = ("title", "alt", "source")
# Templates a section fills itself (list items of an alt text); never formatted with `fill`.
PARTS = "parts."


def _file(lang: str, key: str) -> str:
    return f"docs/catalog/{lang}/{key.split('.')[0]}.yaml"


def resolve_words(lang: str, prefixes: tuple[str, ...], fill: Mapping[str, object]) -> dict[str, str]:
    """Every catalog entry under the prefixes (the first prefix wins), placeholders filled."""
    entries = catalog.load_catalog(lang)
    raw: dict[str, tuple[str, str]] = {}
    for prefix in reversed(prefixes):
        head = prefix + "."
        for key, text in entries.items():
            if key.startswith(head):
                raw[key[len(head):]] = (key, text)
    for name in PAGE_WORDS:
        if name not in raw:
            raise DataError(_file(lang, prefixes[0]), f"key '{prefixes[0]}.{name}'", "missing",
                            hint="every chart needs a title, an alt text and a source line in both languages")
    out = {}
    for name, (key, text) in sorted(raw.items()):
        if name.startswith(PARTS):
            continue
        missing = catalog.placeholders(text) - set(fill)
        if missing:
            raise DataError(_file(lang, key), f"key '{key}'", f"placeholders without a value: {sorted(missing)}",
                            hint="the section that builds this chart fills them")
        out[name] = text.format(**fill) if catalog.placeholders(text) else text
    return out


@dataclass(frozen=True)
class Chart:
    """One chart: `kind` names a function in `charts.kinds`; `params` are plain data for it."""

    id: str
    kind: str
    data: pd.DataFrame
    words: tuple[str, ...]
    params: Mapping[str, Any] = field(default_factory=dict)
    fill: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    size: tuple[float, float] = (6.0, 3.8)

    def text(self, lang: str) -> dict[str, str]:
        """All of the chart's words in `lang`."""
        return resolve_words(lang, self.words, self.fill.get(lang, {}))

    def drawn_words(self, lang: str) -> dict[str, str]:
        """The words that appear inside the SVG (not the page's title, alt text and source)."""
        return {k: v for k, v in self.text(lang).items() if k not in PAGE_WORDS}

    def csv(self) -> bytes:
        return self.data.to_csv(index=False, float_format="%.6g", lineterminator="\n").encode()

    def spec_json(self, lang: str) -> str:
        """The spec of one language as canonical JSON: kind, parameters, drawn words and size."""
        return json.dumps({"kind": self.kind, "params": self.params, "words": self.drawn_words(lang),
                           "size": list(self.size)}, sort_keys=True, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class ChartWords:
    """The catalog entries of one chart, `<section>.charts.<id>.*`, for the section that builds it."""

    section: str
    chart: str

    @property
    def prefix(self) -> str:
        return f"{self.section}.charts.{self.chart}"

    @property
    def prefixes(self) -> tuple[str, ...]:
        return (self.prefix,)

    def word(self, lang: str, name: str, /, **values: object) -> str:
        return catalog.word(lang, f"{self.prefix}.{name}", **values)

    def part(self, lang: str, name: str, /, **values: object) -> str:
        return catalog.word(lang, f"{self.prefix}.parts.{name}", **values)

    def listing(self, lang: str, name: str, rows: Iterable[Mapping[str, object]]) -> str:
        """Items joined with the chart's separator (`parts.sep`): "Chips −8.8%; Power −21.9%"."""
        return self.part(lang, "sep").join(self.part(lang, name, **r) for r in rows)

    def spec(self, kind: str, data: pd.DataFrame, **kw: Any) -> Chart:
        """The chart with these words."""
        return Chart(id=self.chart, kind=kind, data=data, words=self.prefixes, **kw)


def per_lang(make: Callable[[str], dict[str, object]]) -> dict[str, dict[str, object]]:
    """Placeholder values for each language, from one function of the language."""
    return {lang: make(lang) for lang in LANGS}
