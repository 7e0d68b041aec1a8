"""Small helpers shared by the headline and efficiency sections: table cells and guarded facts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from .. import fmt, grades
from ..values import Kind, Values
from . import Inputs, both

# The column header for a grade, everywhere a table shows one.
GRADE_HEADER = both("Source quality", "情報の確度")


def fact_if(inp: Inputs, values: Values, fact_id: str, kind: Kind, **kw: Any) -> bool:
    """Register a fact only if it was public by `as_of`, so an edition never prints a later figure."""
    f = inp.facts.get(fact_id)
    if f is None or f.day > inp.as_of:
        return False
    values.fact(fact_id, kind, **kw)
    return True


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and pd.isna(v))


def col_grade(v: Any, lang: str) -> str:
    """A grade code as the reader's words ('news report, seen only in a copy'); '–' if none."""
    if _missing(v) or v == "":
        return "–"
    return grades.label(str(v), lang)


def usd_cell(v: Any, lang: str) -> str:
    """Dollars with the precision the sources give: $5.328 million, $0.24 million, $2.00."""
    if _missing(v):
        return "–"
    if lang == "en" and abs(v) >= 1e6:
        return fmt.usd(v, lang, 3)
    return fmt.usd(v, lang, 0 if abs(v) >= 1e4 else None)


def partial_date(text: str, lang: str) -> str:
    """A date as precise as its source: '2025-01' reads 'January 2025' / '2025年1月'."""
    parts = [int(p) for p in str(text).split("-")]
    if len(parts) == 3:
        return fmt.date(dt.date(*parts), lang)
    if len(parts) == 2:
        return f"{parts[0]}年{parts[1]}月" if lang == "ja" else f"{fmt.EN_MONTHS[parts[1] - 1]} {parts[0]}"
    return f"{parts[0]}年" if lang == "ja" else str(parts[0])
