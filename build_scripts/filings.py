"""Refreshed filing values meet the curated facts: the filing confirms or replaces each one.

The EDGAR refresh writes facts under the curated ids (`nvda_q3fy25_revenue`, `nvda_shares_outstanding`)
with the filing as their source. When both exist, the filing wins, because it is the original, and
its note says whether it agreed with the curated figure, so a correction is never silent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from . import grades, units
from .facts import Fact

REFRESH_ORIGIN = "refresh"  # the top-level `origin` of a facts file the refresh writes


def _decimals(x: float) -> int:
    text = repr(float(x))
    return 0 if "e" in text or text.endswith(".0") else len(text.split(".")[1])


def _bounds(fact: Fact, unit: str) -> tuple[float, float] | None:
    """The curated value as (low, high) in `unit`, widened by half its last written digit."""
    v = fact.value
    lo, hi = (v.get("low"), v.get("high")) if isinstance(v, Mapping) else (v, v)
    if not isinstance(fact.unit, str) or not isinstance(lo, int | float) or not isinstance(hi, int | float):
        return None
    try:
        step = 0.5 * 10 ** -max(_decimals(lo), _decimals(hi))
        return (units.convert(lo - step, fact.unit, unit), units.convert(hi + step, fact.unit, unit))
    except (KeyError, ValueError):
        return None


def agrees(curated: Fact, filing: Fact) -> bool | None:
    """True if the filing's number falls within the curated figure's precision; None if they
    cannot be compared (different kinds of unit, or not numbers)."""
    if not isinstance(filing.unit, str) or not isinstance(filing.value, int | float):
        return None
    b = _bounds(curated, filing.unit)
    return None if b is None else b[0] <= float(filing.value) <= b[1]


def reconcile(curated: Fact, filing: Fact) -> Fact:
    """The filing's fact, with a note saying what it did to the curated one."""
    unit = curated.unit if isinstance(curated.unit, str) else "named parts"
    was = (f"the curated {curated.value} {unit} ({grades.label(curated.grade, 'en')}, "
           f"{curated.source.publisher})")
    verdict = {True: f"The filing confirms {was}.", False: f"The filing replaces {was}, which differed.",
               None: f"The filing replaces {was}."}[agrees(curated, filing)]
    note = " ".join(p for p in (filing.note, verdict) if p)
    update = {"note": note}
    for field in ("company", "measure", "period", "label"):
        if getattr(filing, field) is None:
            update[field] = getattr(curated, field)
    return filing.model_copy(update=update)


def merge(curated: Mapping[str, Fact], refreshed: Iterable[Fact]) -> dict[str, Fact]:
    """Curated facts with each refreshed filing fact confirming or replacing its namesake."""
    out = dict(curated)
    for f in refreshed:
        out[f.id] = reconcile(out[f.id], f) if f.id in out else f
    return out
