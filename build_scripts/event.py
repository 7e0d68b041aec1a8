"""The studied event, read once from `data/event.yaml`: its dates and the event study's design.

Dates and windows used to be typed in three modules and in page prose; one definition in data
means a change of window moves the analysis, the labels and the sentences together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import DataError
from .paths import DATA
from .yamlio import load_yaml

EVENT_FILE = DATA / "event.yaml"
Window = tuple[int, int]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Benchmark(_Strict):
    symbol: str
    same_index: tuple[str, ...] = ()


class Study(_Strict):
    estimation_days: int = Field(gt=20)
    gap_days: int = Field(ge=0)
    min_obs: int = Field(gt=2)
    outlier_cut_sigma: float = Field(gt=2)
    max_gap_days: int = Field(gt=0)
    confidence: float = Field(gt=0.5, lt=1)
    power: float = Field(gt=0.5, lt=1)
    car_windows: tuple[Window, ...]
    reversal_windows: tuple[Window, ...]
    path_days: Window
    benchmarks: tuple[Benchmark, ...] = Field(min_length=1)
    sector_fund: str
    relative_sessions: int = Field(gt=0)

    @field_validator("car_windows", "reversal_windows")
    @classmethod
    def _ordered(cls, windows: tuple[Window, ...]) -> tuple[Window, ...]:
        for a, b in windows:
            if a > b:
                raise ValueError(f"window [{a}, {b}] ends before it starts")
        return windows

    @property
    def benchmark_symbols(self) -> tuple[str, ...]:
        return tuple(b.symbol for b in self.benchmarks)

    def is_benchmark_for(self, ticker: str, benchmark: str) -> bool:
        """True when `ticker` is `benchmark` itself or a series that follows the same index."""
        b = next((b for b in self.benchmarks if b.symbol == benchmark), None)
        return ticker == benchmark or (b is not None and ticker in b.same_index)


class EventCore(_Strict):
    date: dt.date
    pre_event_date: dt.date
    fact: str

    @model_validator(mode="after")
    def _order(self) -> EventCore:
        if self.pre_event_date >= self.date:
            raise ValueError("pre_event_date must come before date")
        return self


class EventDef(_Strict):
    event: EventCore
    study: Study

    @property
    def day(self) -> dt.date:
        return self.event.date

    @property
    def pre_day(self) -> dt.date:
        return self.event.pre_event_date


@cache
def load_event(path: Path = EVENT_FILE) -> EventDef:
    doc = load_yaml(path)
    try:
        return EventDef.model_validate(doc)
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "file"
        raise DataError(path.name, f"field '{loc}'", first["msg"],
                        hint="see the comments in data/event.yaml") from None


def check_event(event: EventDef, facts: Collection[str], sessions: Iterable[Any]) -> None:
    """The event against the rest of the data: its fact exists, and both of its dates are sessions
    of the price snapshot (a weekend or a holiday would shift every window by a day, silently)."""
    if event.event.fact not in facts:
        raise DataError(EVENT_FILE.name, "field 'event.fact'", f"no fact '{event.event.fact}' in data/facts",
                        hint="name the fact that records the move")
    days = {pd.Timestamp(d).date() for d in sessions}
    for name, day in (("date", event.day), ("pre_event_date", event.pre_day)):
        if day not in days:
            raise DataError(EVENT_FILE.name, f"field 'event.{name}'",
                            f"{day.isoformat()} is not a session in the price snapshot",
                            hint="use trading days: the sell-off's session and the last close before it")
