"""Traceable derived numbers: every figure a page prints names the facts it came from.

A `Metric` carries its inputs (fact ids or earlier metric names), a formula and the grade it rests
on (the weakest of its inputs, see `build_scripts/grades.py`), so a page can show "how we computed
this" and a test can walk any number back to `data/facts`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeGuard, TypeVar

import pandas as pd

from .. import grades, units
from ..errors import DataError
from ..facts import Fact

FACTS_LOCATION = "data/facts"
# A figure is a number, or a date or a word the pages print and the claims compare (a window start, "yes").
MetricValue = float | int | str | dt.date
# A ledger's figures are all numbers (`Metric[float]`), so arithmetic on them needs no checks; a
# list that mixes them with dates and words is a `list[Metric[MetricValue]]`.
V_co = TypeVar("V_co", bound=MetricValue, covariant=True)


def is_number(value: object) -> TypeGuard[int | float]:
    """An int or a float, not a bool (which Python counts as an int)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Metric(Generic[V_co]):
    """One derived figure, with the ids it was computed from and the formula used."""

    name: str
    value: V_co
    unit: str
    inputs: tuple[str, ...]
    formula: str
    grade: str = grades.SNAPSHOT


def visible(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> dict[str, Fact]:
    """Facts that were public by `as_of` (all of them if None): no hindsight in a dated view."""
    if as_of is None:
        return dict(facts)
    return {fid: f for fid, f in facts.items() if f.day <= as_of}


def require(facts: Mapping[str, Fact], fid: str, as_of: dt.date | None = None) -> Fact:
    """The fact `fid`, or a plain error naming it (missing, or dated after `as_of`)."""
    fact = facts.get(fid)
    if fact is None or (as_of is not None and fact.day > as_of):
        why = "not found" if fact is None else f"dated {fact.date}, after as_of {as_of}"
        raise DataError(FACTS_LOCATION, f"fact '{fid}'", why)
    return fact


def number(fact: Fact) -> float:
    """A fact's numeric value; a non-number here is a curation error worth stopping for.

    PyYAML reads `3.8e25` (no sign in the exponent) as a string, so a numeric string is accepted.
    """
    v = fact.value
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            pass
    if not is_number(v):
        raise DataError(FACTS_LOCATION, f"fact '{fact.id}'", "value must be a number")
    return float(v)


def mapping(fact: Fact) -> dict[str, Any]:
    """A fact whose value is a dict (configs, spec sheets, price rows)."""
    if not isinstance(fact.value, dict):
        raise DataError(FACTS_LOCATION, f"fact '{fact.id}'", "value must be a mapping")
    return fact.value


def weakest(grade_list: Iterable[str]) -> str:
    """The weakest grade among `grade_list`, axis by axis (the snapshot's grade if empty)."""
    return grades.weakest(grade_list)


def in_unit(fact: Fact, unit: str, part: str | None = None) -> float:
    """A fact's number (or one part of it) converted to `unit` through the unit vocabulary."""
    raw = mapping(fact).get(part) if part is not None else fact.value
    if not is_number(raw):
        raise DataError(FACTS_LOCATION, f"fact '{fact.id}'", f"value{'.' + part if part else ''} must be a number")
    try:
        return units.convert(float(raw), units.unit_of(fact.unit, part), unit)
    except (KeyError, ValueError) as err:
        raise DataError(FACTS_LOCATION, f"fact '{fact.id}'", f"cannot read it in {unit} ({err})") from None


def round_sig(x: float, digits: int = 2) -> float:
    """Round to significant digits, for estimates whose precision is far below their digits."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


class Ledger:
    """Collects the metrics of one computation; reads facts through the `as_of` guard.

    A fresh ledger per function call keeps the functions pure (no shared state).
    """

    def __init__(self, facts: Mapping[str, Fact], as_of: dt.date | None = None) -> None:
        self.facts = facts
        self.as_of = as_of
        self.metrics: dict[str, Metric[float]] = {}
        self.borrowed: dict[str, Metric[float]] = {}

    def borrow(self, metric: Metric[float]) -> Metric[float]:
        """Use a metric computed elsewhere as an input, without re-reporting it."""
        self.borrowed[metric.name] = metric
        return metric

    def fact(self, fid: str) -> Fact:
        return require(self.facts, fid, self.as_of)

    def num(self, fid: str) -> float:
        return number(self.fact(fid))

    def has(self, fid: str) -> bool:
        f = self.facts.get(fid)
        return f is not None and (self.as_of is None or f.day <= self.as_of)

    def add(self, name: str, value: float, unit: str, formula: str, *inputs: str) -> Metric[float]:
        """Record a metric; its grade is the weakest of its inputs."""
        if name in self.metrics:
            raise ValueError(f"metric '{name}' defined twice")
        levels = []
        for ref in inputs:
            known = self.metrics.get(ref) or self.borrowed.get(ref)
            levels.append(known.grade if known else self.fact(ref).grade)
        m = Metric(name, float(value), unit, tuple(inputs), formula, weakest(levels))
        self.metrics[name] = m
        return m

    def value(self, name: str) -> float:
        known = self.metrics.get(name) or self.borrowed[name]
        return known.value

    def result(self) -> list[Metric[float]]:
        return list(self.metrics.values())


def metrics_frame(metrics: Iterable[Metric[MetricValue]]) -> pd.DataFrame:
    """Metrics as a DataFrame (one row each) for a 'how we computed this' table."""
    rows = [
        {
            "metric": m.name,
            "value": m.value,
            "unit": m.unit,
            "formula": m.formula,
            "inputs": ", ".join(m.inputs),
            "grade": m.grade,
        }
        for m in metrics
    ]
    return pd.DataFrame(
        rows, columns=["metric", "value", "unit", "formula", "inputs", "grade"]
    )
