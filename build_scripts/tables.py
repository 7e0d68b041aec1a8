"""Tables as data: the raw frame goes to a CSV download, a formatted copy into the page.

A sortable table also carries each cell's raw value (`data-sort`), so the page's sorting script
orders numbers and dates by their value and never reads a number back out of the printed text.

A cell function returns text or markup. Text (a title, a name, a printed figure) is escaped here
on its way into the page (`escape.text`), so data cannot add a tag, a link or emphasis to a cell;
only `escape.Html` the function built itself (a verdict badge, a traced value, a link) passes as
it stands. Headers and captions are text too.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

import pandas as pd

from . import escape, fmt

# A cell's content from its raw value and the language: text, or markup (`Html`) built on purpose.
Cell = Callable[[Any, str], str]
# How a table reads on a 390 px phone (chosen per table in data/table_layouts.yaml, see table_layout):
# "fits" as it is; "cards", a card per row with each cell labelled by its column; "sticky", the first
# column stays in view while the rest scrolls inside the table; "summary", a table of a few columns
# with the full table (sticky) in a closed block.
Phone = Literal["fits", "cards", "sticky", "summary"]


def col_text(v: Any, _lang: str) -> str:
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def col_number(decimals: int = 1, signed: bool = False) -> Cell:
    return lambda v, lang: "–" if pd.isna(v) else fmt.number(v, decimals, lang, signed)


def col_pct(decimals: int = 1, signed: bool = True) -> Cell:
    return lambda v, lang: "–" if pd.isna(v) else fmt.pct(v, decimals, lang, signed)


def col_sci(v: Any, lang: str) -> str:
    return "–" if pd.isna(v) else fmt.sci(v, lang, 1)


def col_multiple(decimals: int = 1) -> Cell:
    return lambda v, lang: "–" if pd.isna(v) else fmt.multiple(v, lang, decimals)


col_int = col_number(0)


def col_date(v: Any, lang: str) -> str:
    return "–" if v is None or pd.isna(v) else fmt.date(pd.Timestamp(v).date(), lang)


_ISO_DATE = re.compile(r"^\d{4}(-\d{2}){0,2}$")


def sort_value(v: Any) -> str | None:
    """The raw value a cell sorts by: a number, or an ISO date (which sorts as text); "" for a
    missing value (always sorted last); None for text, which sorts by what the reader sees."""
    if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int | float) and not isinstance(v, bool):
        return f"{v:.12g}" if math.isfinite(v) else ""
    if hasattr(v, "item") and not isinstance(v, str):  # a numpy scalar
        return sort_value(v.item())
    if isinstance(v, pd.Timestamp | dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, str) and _ISO_DATE.match(v):
        return v
    return None


@dataclass(frozen=True)
class Column:
    key: str
    label: dict[str, str]
    cell: Cell = col_text
    align: str = "left"
    # The data column whose raw values order this column when the reader sorts it (default: `key`;
    # a cell that prints another column's figure names that column here).
    sort: str | None = None


@dataclass(frozen=True)
class Table:
    id: str
    data: pd.DataFrame
    columns: tuple[Column, ...]
    caption: Mapping[str, str]
    sortable: bool = False
    wrap: bool = False  # let long text cells wrap (numbers tables keep one line per cell)
    phone: Phone | None = None  # None: as data/table_layouts.yaml says
    summary: tuple[int, ...] = ()  # phone="summary": the positions of the summary table's columns
    summary_caption: Mapping[str, str] | None = None  # phone="summary": its own caption (else the table's)
    fold: bool = False  # a long detail table: in a closed block, with a one-line summary

    def summary_table(self) -> Table:
        """The few columns a "summary" table shows in the page, over the same rows."""
        return replace(self, id=f"{self.id}-summary", columns=tuple(self.columns[i] for i in self.summary),
                       caption=self.summary_caption or self.caption, phone="fits", summary=(),
                       summary_caption=None, fold=False)

    def csv(self) -> bytes:
        return self.data.to_csv(index=False, float_format="%.6g", lineterminator="\n").encode()

    def sort_keys(self) -> list[list[str] | None]:
        """Per column, each row's raw sort value, or None for a column of text."""
        records = self.data.to_dict("records")
        out: list[list[str] | None] = []
        for c in self.columns:
            keys = [sort_value(rec[c.sort or c.key]) for rec in records]
            raw = [k for k in keys if k is not None]
            out.append(raw if len(raw) == len(keys) else None)
        return out

    def markdown(self, lang: str) -> str:
        def esc(s: str) -> str:
            # Text is escaped whole; markup keeps its own characters but may not end the cell or row.
            return str(escape.text(s)).replace("|", "\\|").replace("\n", " ")

        def cell(text: str, key: str | None) -> str:
            # The raw value goes on the cell itself (`{ data-sort="…" }`, read by attr_list). An
            # empty cell cannot carry one; the script sorts it with the missing values.
            text = esc(text)
            return text if key is None or not text.strip() else f'{text} {{ data-sort="{key}" }}'

        keys = self.sort_keys() if self.sortable else [None] * len(self.columns)
        head = "| " + " | ".join(esc(c.label[lang]) for c in self.columns) + " |"
        rule = "| " + " | ".join("---:" if c.align == "right" else "---" for c in self.columns) + " |"
        rows = [
            "| " + " | ".join(cell(c.cell(rec[c.key], lang), None if k is None else k[i])
                              for c, k in zip(self.columns, keys, strict=True)) + " |"
            for i, rec in enumerate(self.data.to_dict("records"))
        ]
        return "\n".join([head, rule, *rows])
