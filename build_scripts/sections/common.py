"""Small helpers shared by the headline and efficiency sections: table cells and guarded facts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from .. import fmt
from ..values import Kind, Values
from . import Inputs, both

CONFIDENCE = {
    "primary-verified": both("primary, checked", "一次情報（確認済み）"),
    "primary": both("primary", "一次情報"),
    "secondary": both("secondary", "二次情報"),
    "unverified": both("unverified", "未確認"),
}


def fact_if(inp: Inputs, values: Values, fact_id: str, kind: Kind, **kw: Any) -> bool:
    """Register a fact only if it was public by `as_of`, so an edition never prints a later figure."""
    f = inp.facts.get(fact_id)
    if f is None or f.day > inp.as_of:
        return False
    values.fact(fact_id, kind, **kw)
    return True


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and pd.isna(v))


def col_confidence(v: Any, lang: str) -> str:
    return CONFIDENCE[v][lang]


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
