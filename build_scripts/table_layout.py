"""How each table reads on a phone, and which long tables fold away: `data/table_layouts.yaml`.

The choice is made per table (by id, or by a pattern such as `claim-tests-*` for a family of
tables) and written onto the table's spec (`Table.phone`, `Table.summary`, `Table.fold`) before
the pages are made, so the page markup and the tests read it from one place. A table the file does
not cover stops the build: a new table gets a phone layout chosen, not a default.
"""

from __future__ import annotations

import re
from dataclasses import replace
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .catalog import both_words
from .errors import DataError
from .paths import DATA
from .tables import Phone, Table
from .yamlio import load_yaml

LAYOUTS_FILE = DATA / "table_layouts.yaml"
_KEY = r"^[a-z0-9][a-z0-9-]*\*?$"  # a table id, or an id prefix followed by `*`


class Layout(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    phone: Phone
    summary: tuple[int, ...] = Field(default=(), max_length=5)
    caption: str | None = None  # a summary table's own caption: a catalog key (its words in both languages)
    fold: bool = False

    @model_validator(mode="after")
    def _summary_only_for_summary(self) -> Layout:
        if (self.phone == "summary") != bool(self.summary):
            raise ValueError("a 'summary' layout lists its summary columns (positions, 0 = first), "
                             "and only a 'summary' layout does")
        if len(set(self.summary)) != len(self.summary) or any(i < 0 for i in self.summary):
            raise ValueError("summary columns are distinct positions from 0")
        if self.caption is not None and self.phone != "summary":
            raise ValueError("only a 'summary' layout has a caption of its own (the summary table's)")
        if self.phone == "summary" and self.fold:
            raise ValueError("a 'summary' layout already keeps its full table in a closed block; drop 'fold'")
        return self


def _name(path: Path) -> str:
    return f"data/{path.name}" if path.parent == DATA else path.name


@cache
def load_layouts(path: Path = LAYOUTS_FILE) -> dict[str, Layout]:
    doc = load_yaml(path, _name(path))
    node: Any = doc.get("tables") if isinstance(doc, dict) else None
    if not isinstance(node, dict) or not node:
        raise DataError(_name(path), "file", "needs a 'tables' mapping of table id to layout",
                        hint="see the comments at the top of the file")
    out: dict[str, Layout] = {}
    for key, rec in node.items():
        key = str(key)
        if not re.match(_KEY, key):
            raise DataError(_name(path), f"table '{key}'", "a key is a table id, or an id prefix ending in '*'")
        if not isinstance(rec, dict):
            raise DataError(_name(path), f"table '{key}'", "must be a mapping with 'phone' (and 'summary', 'fold')")
        try:
            out[key] = Layout.model_validate(rec)
        except ValidationError as err:
            e = err.errors()[0]
            where = ".".join(str(p) for p in e["loc"])
            raise DataError(_name(path), f"table '{key}'", (f"field '{where}': " if where else "") + e["msg"]) from None
    return out


def layout_for(table_id: str, layouts: dict[str, Layout], file: str = "data/table_layouts.yaml") -> Layout:
    """The entry for a table: its own id first, else the one pattern that matches it."""
    if table_id in layouts:
        return layouts[table_id]
    matches = [k for k in layouts if k.endswith("*") and fnmatchcase(table_id, k)]
    if len(matches) != 1:
        rule = "no phone layout chosen" if not matches else f"matched by several patterns ({', '.join(matches)})"
        raise DataError(file, f"table '{table_id}'", rule,
                        hint="add the table with phone: fits, cards, sticky or summary")
    return layouts[matches[0]]


def apply(table: Table, path: Path = LAYOUTS_FILE) -> Table:
    """The table with its phone layout written on its spec (a spec that sets one keeps it)."""
    if table.phone is not None:
        return table
    layout = layout_for(table.id, load_layouts(path), _name(path))
    if any(i >= len(table.columns) for i in layout.summary):
        raise DataError(_name(path), f"table '{table.id}'",
                        f"summary column {max(layout.summary)} does not exist (the table has "
                        f"{len(table.columns)} columns, numbered from 0)")
    caption = both_words(layout.caption) if layout.caption else None
    return replace(table, phone=layout.phone, summary=layout.summary, summary_caption=caption, fold=layout.fold)
