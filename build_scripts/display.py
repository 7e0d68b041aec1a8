"""How each computed figure prints, read from `data/display.yaml` (unit rules, patterns, exceptions).

Keeping the rules in data means a new figure prints sensibly by its unit alone, and a change of
precision is one line that applies to both languages at once.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .errors import DataError
from .paths import DATA
from .yamlio import load_yaml

DISPLAY_FILE = DATA / "display.yaml"
Kind = Literal["usd", "pct", "pct_signed", "number", "number_signed", "int", "count", "sci", "multiple",
               "date", "text", "ticker", "year", "label", "billions", "quarter", "list", "month_name"]


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Kind | None = None
    decimals: int | None = None


class Pattern(Rule):
    match: str

    @field_validator("match")
    @classmethod
    def _regex(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as err:
            raise ValueError(f"'{v}' is not a regular expression ({err})") from None
        return v


class Display(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    units: dict[str, Rule]
    patterns: tuple[Pattern, ...] = ()
    figures: dict[str, Rule] = {}

    def rule(self, name: str, unit: str) -> tuple[Kind, int | None]:
        """The (kind, decimals) of figure `name` in `unit`: exception, then pattern, then unit."""
        base = self.units.get(unit)
        if base is None or base.kind is None:
            raise DataError(DISPLAY_FILE.name, f"figure '{name}'", f"unit '{unit}' has no display rule",
                            hint="add the unit under 'units'")
        picked: Rule = self.figures.get(name) or next(
            (p for p in self.patterns if re.search(p.match, name)), base)
        kind = picked.kind or base.kind
        decimals = picked.decimals if picked.decimals is not None else (
            base.decimals if picked.kind in (None, base.kind) else None)
        return kind, decimals


@cache
def load_display(path: Path = DISPLAY_FILE) -> Display:
    try:
        return Display.model_validate(load_yaml(path))
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise DataError(path.name, f"field '{loc}'" if loc else "file", first["msg"].removeprefix("Value error, "),
                        hint="see the comments at the top of data/display.yaml") from None
