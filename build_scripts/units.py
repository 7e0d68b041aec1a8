"""Units of facts: what a value must look like in its unit, and how to convert between scales.

A fact in "USD billion" and one in "USD" can be compared once both are in their base unit; the
analysis does that here instead of multiplying by 1e9 where it happens to remember to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from . import vocab

UnitSpec = str | Mapping[str, str]


def known(name: str) -> bool:
    return name in vocab.units()


def label(name: str, lang: str) -> str:
    u = vocab.units()[name]
    return u.ja if lang == "ja" else u.en


def scale(name: str) -> float:
    u = vocab.units()[name]
    if u.scale is None:
        raise ValueError(f"unit '{name}' is not a number unit")
    return u.scale


def convert(value: float, unit: str, to: str) -> float:
    """`value` in `unit` expressed in `to`; both must share a base ("USD million" -> "USD")."""
    a, b = vocab.units()[unit], vocab.units()[to]
    if a.base is None or a.base != b.base:
        raise ValueError(f"cannot convert '{unit}' to '{to}'")
    return value * scale(unit) / scale(to)


def unit_of(spec: UnitSpec, part: str | None = None) -> str:
    """The unit of a fact, or of one named part of its value."""
    if isinstance(spec, str):
        return spec
    if part is None or part not in spec:
        raise KeyError(part)
    return spec[part]


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _is_date(v: Any) -> bool:
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return True
    if isinstance(v, str) and len(v) == 10:
        try:
            dt.date.fromisoformat(v)
        except ValueError:
            return False
        return True
    return False


def _part_problem(v: Any, unit: str) -> str | None:
    kind = vocab.units()[unit].type
    if kind == "number":
        return None if v is None or _is_number(v) else "is not a number"
    if kind == "text":
        return None if isinstance(v, str) else "is not text"
    if kind == "date":
        return None if _is_date(v) else "is not a date (YYYY-MM-DD)"
    return None if isinstance(v, Mapping) else "is not a record of named fields"


def problem(value: Any, spec: UnitSpec) -> tuple[str, str] | None:
    """(field, rule) for the first way `value` does not fit its unit, or None if it fits."""
    names = [spec] if isinstance(spec, str) else list(spec.values())
    for name in names:
        if not known(name):
            where = "unit" if isinstance(spec, str) else f"unit.{_key(spec, name)}"
            return where, f"'{name}' is not in the unit vocabulary ({vocab.REL}/units.yaml)"
    if isinstance(spec, Mapping):
        return _parts_problem(value, spec)
    if vocab.units()[spec].type == "number" and isinstance(value, Mapping):
        for k, v in value.items():
            why = _part_problem(v, spec)
            if why:
                return f"value.{k}", f"{v!r} {why}, as unit '{spec}' needs"
        return None
    why = _part_problem(value, spec)
    return ("value", f"{value!r} {why}, as unit '{spec}' needs") if why else None


def _parts_problem(value: Any, spec: Mapping[str, str]) -> tuple[str, str] | None:
    """A value with named parts against a unit per part: same parts, each fitting its unit."""
    if not isinstance(value, Mapping):
        return "value", "a unit per part needs a value with named parts"
    missing = [k for k in value if k not in spec]
    if missing:
        return "unit", f"no unit for part '{missing[0]}' of the value"
    extra = [k for k in spec if k not in value]
    if extra:
        return "unit", f"unit names part '{extra[0]}', which the value does not have"
    for k, v in value.items():
        why = _part_problem(v, spec[k])
        if why:
            return f"value.{k}", f"{v!r} {why}, as unit '{spec[k]}' needs"
    return None


def _key(spec: Mapping[str, str], name: str) -> str:
    return next(k for k, v in spec.items() if v == name)
