"""Tables as data: the raw frame goes to a CSV download, a formatted copy into the page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import fmt

Cell = Callable[[Any, str], str]


def col_text(v: Any, lang: str) -> str:
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def col_number(decimals: int = 1, signed: bool = False) -> Cell:
    return lambda v, lang: "–" if pd.isna(v) else fmt.number(v, decimals, lang, signed)


def col_pct(decimals: int = 1, signed: bool = True) -> Cell:
    return lambda v, lang: "–" if pd.isna(v) else fmt.pct(v, decimals, lang, signed)


def col_usd(decimals: int | None = None) -> Cell:
    return lambda v, lang: "–" if pd.isna(v) else fmt.usd(v, lang, decimals)


def col_count(decimals: int | None = None) -> Cell:
    return lambda v, lang: "–" if pd.isna(v) else fmt.count(v, lang, decimals)


def col_sci(v: Any, lang: str) -> str:
    return "–" if pd.isna(v) else fmt.sci(v, lang, 1)


def col_multiple(decimals: int = 1) -> Cell:
    return lambda v, lang: "–" if pd.isna(v) else fmt.multiple(v, lang, decimals)


col_int = col_number(0)


def col_date(v: Any, lang: str) -> str:
    return "–" if v is None or pd.isna(v) else fmt.date(pd.Timestamp(v).date(), lang)


@dataclass(frozen=True)
class Column:
    key: str
    label: dict[str, str]
    cell: Cell = col_text
    align: str = "left"


@dataclass(frozen=True)
class Table:
    id: str
    data: pd.DataFrame
    columns: tuple[Column, ...]
    caption: dict[str, str]
    sortable: bool = False
    wrap: bool = False  # let long text cells wrap (numbers tables keep one line per cell)

    def csv(self) -> bytes:
        return self.data.to_csv(index=False, float_format="%.6g", lineterminator="\n").encode()

    def markdown(self, lang: str) -> str:
        def esc(s: str) -> str:
            return s.replace("|", "\\|").replace("\n", " ")

        head = "| " + " | ".join(esc(c.label[lang]) for c in self.columns) + " |"
        rule = "| " + " | ".join("---:" if c.align == "right" else "---" for c in self.columns) + " |"
        rows = [
            "| " + " | ".join(esc(c.cell(rec[c.key], lang)) for c in self.columns) + " |"
            for rec in self.data.to_dict("records")
        ]
        return "\n".join([head, rule, *rows])
