"""Small helpers shared by the sections: catalog words, table cells and guarded facts."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pandas as pd

from .. import escape, fmt, grades
from ..analysis.results import Results
from ..catalog import load_catalog, word
from ..escape import Html
from ..paths import LANGS
from ..values import Kind, Values
from . import Inputs


class Labels(Mapping[str, dict[str, str]]):
    """The catalog entries under one prefix, read when used: `Labels("headline.stage")["total"]`
    is {"en": "Total", "ja": "合計"}. Iterating gives the keys in the catalog file's order, so a list
    of labels (chart legends, table rows) follows the catalog. A missing key stops the build naming
    the catalog file and the key."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __getitem__(self, key: str) -> dict[str, str]:
        return self.fill(key)

    def fill(self, key: str, **values: object) -> dict[str, str]:
        """Both languages of `key`; a placeholder value given as {"en": …, "ja": …} is picked per language."""
        return {lang: self.text(key, lang, **values) for lang in LANGS}

    def text(self, key: str, lang: str, **values: object) -> str:
        picked = {k: v[lang] if isinstance(v, Mapping) else v for k, v in values.items()}
        return word(lang, f"{self.prefix}.{key}", **picked)

    def markup(self, key: str, **values: object) -> dict[str, Html]:
        """Like `fill`, as page markup: words and values escaped, except a value that is markup
        already (a traced value's span), which stays live."""
        return {lang: escape.words(lang, f"{self.prefix}.{key}",
                                   **{k: v[lang] if isinstance(v, Mapping) else v for k, v in values.items()})
                for lang in LANGS}

    def _keys(self) -> list[str]:
        head = self.prefix + "."
        return list(dict.fromkeys(k[len(head):].split(".")[0] for k in load_catalog("en") if k.startswith(head)))

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and f"{self.prefix}.{key}" in load_catalog("en")


class Names(Mapping[str, dict[str, str]]):
    """The names of reference data kept in data/ (groups, technique families) per language,
    `{"en": …, "ja": …}`, read when used and in the data file's order."""

    def __init__(self, load: Callable[[], Mapping[str, Any]]) -> None:
        self._load = load

    def __getitem__(self, key: str) -> dict[str, str]:
        item = self._load()[key]
        return {lang: item.label(lang) for lang in LANGS}

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __repr__(self) -> str:  # the keys, so a spec or cache key that prints it stays stable
        return repr(list(self))


COMMON = Labels("common")
# The column header for a grade, everywhere a table shows one.
GRADE_HEADER = COMMON["grade"]


def results(inp: Inputs) -> Results:
    """What the analysis found for this build (computed once, before any section runs)."""
    if inp.results is None:
        raise RuntimeError("sections run after the analysis (build.study)")
    return inp.results


def fact_if(inp: Inputs, values: Values, fact_id: str, kind: Kind, **kw: Any) -> bool:
    """Register a fact only if it was public by `as_of`, so an edition never prints a later figure."""
    f = inp.facts.get(fact_id)
    if f is None or f.day > inp.as_of:
        return False
    values.fact(fact_id, kind, **kw)
    return True


def text_at(frame: pd.DataFrame, row: Any, column: str) -> str:
    """The text in `column` of the row labelled `row`, for a cell that prints another column of
    its row. The sections build these frames with text in such columns; to the type checker a
    cell could be any scalar, so it is read as `str` (which leaves text as it is)."""
    return str(frame.loc[row, column])


def english_or_japanese(frame: pd.DataFrame, en: str, ja: str) -> Callable[[Any, str], str]:
    """A cell for the `en` column that prints the same row's `ja` text on Japanese pages; the pairs
    are read from the frame once, not per cell."""
    names = {k: str(v) for k, v in zip(frame[en], frame[ja], strict=True)}
    return lambda v, lang: v if lang == "en" else names[v]


def row_where(frame: pd.DataFrame, column: str, value: object) -> pd.Series:
    """The row whose `column` holds `value` (a column that holds each value once, like an id)."""
    return frame[frame[column] == value].iloc[0]


def row_of_min(frame: pd.DataFrame, column: str) -> pd.Series:
    """The first row with the lowest value of `column`, missing values skipped (as `idxmin` finds it)."""
    return row_where(frame, column, frame[column].min())


def row_of_max(frame: pd.DataFrame, column: str) -> pd.Series:
    """The first row with the highest value of `column`, missing values skipped (as `idxmax` finds it)."""
    return row_where(frame, column, frame[column].max())


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and pd.isna(v))


def col_grade(v: Any, lang: str) -> str:
    """A grade code as the reader's words ('news report, seen only in a copy'); '–' if none."""
    if _missing(v) or v == "":
        return "–"
    return grades.label(str(v), lang)


def yes_no(v: Any, lang: str) -> str:
    """A yes/no cell in the reader's words; '–' where there is no answer."""
    if _missing(v) or (isinstance(v, float) and pd.isna(v)):
        return "–"
    return COMMON.text("yes" if bool(v) else "no", lang)


def usd_cell(v: Any, lang: str) -> str:
    """Dollars with the precision the sources give: $5.328 million (532万8000ドル), $238,000, $2.00."""
    if _missing(v):
        return "–"
    if abs(v) >= 1e6:
        return fmt.usd(v, lang, 3)
    return fmt.usd(v, lang, 0 if abs(v) >= 1e4 else None)


# A column of amounts counted in millions or billions in English is counted in 億 (10^8) in
# Japanese, as the Japanese press writes large amounts; the cells keep the same significant figures.
OKU = 1e8


def col_big(decimals: int, size: float) -> Callable[[Any, str], str]:
    """Cells of a column whose English header counts `size` (1e6 million, 1e9 billion): "39,112" /
    "391.12" under 億ドル; "671.03" / "6,710.3" under 億."""
    shift = round(math.log10(size / OKU))

    def cell(v: Any, lang: str) -> str:
        if _missing(v):
            return "–"
        if lang == "ja":
            return fmt.number(float(v) * size / OKU, max(decimals - shift, 0), lang)
        return fmt.number(float(v), decimals, lang)

    return cell


def partial_date(text: str, lang: str) -> str:
    """A date as precise as its source: '2025-01' reads 'January 2025' / '2025年1月'."""
    parts = [int(p) for p in str(text).split("-")]
    if len(parts) == 3:
        return fmt.date(dt.date(*parts), lang)
    if len(parts) == 2:
        return fmt.month_long(dt.date(parts[0], parts[1], 1), lang)
    return fmt.year(parts[0], lang)
