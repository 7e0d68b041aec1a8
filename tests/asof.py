"""Finding dates in an edition's text, to check that nothing after its `as_of` shows.

Dates are looked for in every form the report prints them: ISO (2025-01-31, 2025-01), English
(31 January 2025, 31 Jan 2025, January 2025) and Japanese (2025年1月31日, 2025年1月). A month
counts as later only if it is after the as-of month.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator

from bs4 import BeautifulSoup

from build_scripts import fmt

MONTHS = list(fmt.EN_MONTHS)
_MON = "|".join([*MONTHS, *(m[:3] for m in MONTHS), "Sept"])


def _month(name: str) -> int:
    return next(i for i, m in enumerate(MONTHS, 1) if m.startswith(name[:3]))


# (pattern, precision): "day" dates compare by day, "month" dates by month.
PATTERNS = [
    (re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d])"), "day", lambda m: (m[1], m[2], m[3])),
    (re.compile(rf"(?<!\d)(\d{{1,2}}) ({_MON})\.? (\d{{4}})(?!\d)"), "day",
     lambda m: (m[3], _month(m[2]), m[1])),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"), "day", lambda m: (m[1], m[2], m[3])),
    (re.compile(rf"(?<!\d\s)(?<!\d)({_MON})\.? (\d{{4}})(?!\d)"), "month", lambda m: (m[2], _month(m[1]), 1)),
    (re.compile(r"(\d{4})年(\d{1,2})月(?!\d)"), "month", lambda m: (m[1], m[2], 1)),
    (re.compile(r"(?<![\d-])(\d{4})-(\d{2})(?![\d-])"), "month", lambda m: (m[1], m[2], 1)),
]


def later_dates(text: str, as_of: dt.date) -> Iterator[tuple[str, str]]:
    """(date text, its context) for every date in `text` after `as_of`."""
    for rx, precision, parts in PATTERNS:
        for m in rx.finditer(text):
            try:
                day = dt.date(*(int(p) for p in parts(m)))
            except ValueError:
                continue
            limit = as_of if precision == "day" else as_of.replace(day=1)
            if day > limit:
                yield m[0], " ".join(text[max(0, m.start() - 60):m.end() + 30].split())


def _norm(s: str) -> str:
    return " ".join(s.split())


def html_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "template"]):
        tag.decompose()
    return _norm(soup.get_text(" "))


def without(text: str, exempt: Iterable[str]) -> str:
    """`text` with every exempt string taken out (longest first)."""
    out = _norm(text)
    for s in sorted({_norm(e) for e in exempt if e and e.strip()}, key=len, reverse=True):
        out = out.replace(s, " ")
    return out


def csv_cells(data: str) -> Iterator[str]:
    for row in csv.reader(io.StringIO(data)):
        yield from row


def leaks_in_csv(data: str, as_of: dt.date, exempt: set[str]) -> list[tuple[str, str]]:
    ex = {_norm(e) for e in exempt}
    return [hit for cell in csv_cells(data) if _norm(cell) not in ex
            for hit in later_dates(without(cell, exempt), as_of)]


def leaks_in_text(text: str, as_of: dt.date, exempt: set[str]) -> list[tuple[str, str]]:
    return list(later_dates(without(text, exempt), as_of))
