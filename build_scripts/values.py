"""Named values that pages may print, each tied to the fact or computation it came from.

A page never types a number: it names a value (`{{ v.nvda_day0_return }}`), and the value knows
its source (`fact:<id>` or `metric:<name>`), its kind (dollars, percent, date …) and how to read
in each language. The rendered number carries its reference in a `data-ref` attribute, so a
test can walk a page and prove every figure is traceable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from . import escape, fmt, grades
from .analysis.metric import Metric
from .display import Kind, load_display
from .facts import Fact


@dataclass(frozen=True)
class Value:
    name: str
    value: Any
    kind: Kind
    ref: str
    decimals: int | None = None
    inputs: tuple[str, ...] = ()
    formula: str = ""
    grade: str = grades.SNAPSHOT  # the weakest grade of what the value rests on
    unit: str = ""
    # A value that reads differently per language (a ticker's name): the text for each.
    labels: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str) -> str:
        if self.kind in ("ticker", "label"):
            return dict(self.labels).get(lang, str(self.value))
        if self.kind not in _READ:
            raise ValueError(f"unknown kind {self.kind}")
        return _READ[self.kind](self.value, self.decimals, lang)

    def html(self, lang: str) -> str:
        # Figures never break across lines; clauses of text (a verdict's summary) wrap like prose.
        cls = "v v-text" if self.kind in ("label", "text") else "v"
        return (
            f'<span class="{cls}" data-ref="{escape.attr(self.ref)}">'
            f"{escape.text(self.text(lang))}{grades.marker_html(self.grade, lang)}</span>"
        )


def _or(d: int | None, default: int) -> int:
    return default if d is None else d


# How each kind of value reads: (value, decimals or None, language) -> text. Defaults for the decimals
# are the kind's usual precision; `data/display.yaml` sets others per value.
_READ: dict[str, Any] = {
    "usd": lambda v, d, lang: fmt.usd(v, lang, d),
    "pct": lambda v, d, lang: fmt.pct(v, _or(d, 1), lang),
    "pct_signed": lambda v, d, lang: fmt.pct(v, _or(d, 1), lang, signed=True),
    "number": lambda v, d, lang: fmt.number(v, _or(d, 1), lang),
    "number_signed": lambda v, d, lang: fmt.number(v, _or(d, 1), lang, signed=True),
    "year": lambda v, _d, _lang: str(int(v)),
    "int": lambda v, _d, lang: fmt.integer(v, lang),
    "billions": lambda v, d, lang: fmt.billions(v, lang, _or(d, 2)),
    "quarter": lambda v, _d, lang: fmt.fiscal_quarter_text(str(v), lang),
    "count": lambda v, d, lang: fmt.count(v, lang, d),
    "sci": lambda v, d, lang: fmt.sci(v, lang, _or(d, 1)),
    "multiple": lambda v, d, lang: fmt.multiple(v, lang, _or(d, 1)),
    "date": lambda v, _d, lang: fmt.date(v, lang),
    "text": lambda v, _d, _lang: str(v),
    "month_name": lambda v, _d, lang: fmt.month_name(v, lang),
    "list": lambda v, _d, lang: fmt.listing(str(v), lang),
}


@dataclass
class Values:
    """The registry of printable values for one build; names are unique."""

    facts: dict[str, Fact]
    items: dict[str, Value] = field(default_factory=dict)
    # Names of each ticker per language, for figures whose value is a ticker.
    ticker_names: dict[str, dict[str, str]] = field(default_factory=dict)
    # Figures registered from the analysis (before any section runs).
    analysed: set[str] = field(default_factory=set)

    def _add(self, val: Value) -> Value:
        if val.name in self.items:
            raise ValueError(f"value '{val.name}' defined twice")
        self.items[val.name] = val
        return val

    def fact(
        self,
        fact_id: str,
        kind: Kind,
        *,
        name: str | None = None,
        scale: float = 1.0,
        key: str | None = None,
        decimals: int | None = None,
    ) -> Value:
        """A value read straight from a fact (optionally one key of a dict value, rescaled)."""
        f = self.facts[fact_id]
        raw = f.value
        if key is not None:
            if not isinstance(raw, dict):
                raise ValueError(f"fact '{fact_id}' has no key '{key}': its value is not a mapping")
            raw = raw[key]
        value = raw * scale if isinstance(raw, int | float) else raw
        return self._add(Value(name or fact_id.replace("-", "_").replace(".", "_"), value, kind,
                               f"fact:{fact_id}", decimals, (fact_id,), grade=f.grade))

    def fact_date(self, fact_id: str, *, name: str | None = None) -> Value:
        f = self.facts[fact_id]
        return self._add(Value(name or f"{fact_id}_date", f.day, "date", f"fact:{fact_id}",
                               inputs=(fact_id,), grade=f.grade))

    def metric(
        self,
        name: str,
        value: Any,
        kind: Kind,
        *,
        inputs: tuple[str, ...] = (),
        formula: str = "",
        decimals: int | None = None,
        grade: str | None = None,
    ) -> Value:
        """A value computed by the build from the snapshot and/or facts. Its grade is `grade` if
        given (an analysis metric knows its own), else the weakest of its inputs."""
        if isinstance(value, dt.datetime):
            value = value.date()
        grade = grade if grade is not None else self.input_grade(inputs)
        return self._add(Value(name, value, kind, f"metric:{name}", decimals, inputs, formula, grade))

    def input_grade(self, inputs: tuple[str, ...]) -> str:
        """The weakest grade among `inputs`: a fact's own, an earlier value's, or the snapshot's
        for anything else (a price series such as `snapshot:NVDA`)."""
        found = []
        for ref in inputs:
            if ref in self.facts:
                found.append(self.facts[ref].grade)
            elif ref in self.items and self.items[ref].ref == f"metric:{ref}" and ref in self.analysed:
                # Only the analysis's own figures, which exist before any section runs: another
                # section's values must not be read, or the order of sections would matter.
                found.append(self.items[ref].grade)
        return grades.weakest(found)

    def labelled(self, name: str, value: Any, labels: dict[str, str], *, ref: str) -> Value:
        """A value that reads differently per language (a verdict's label, a summary clause)."""
        return self._add(Value(name, value, "label", ref, labels=tuple(sorted(labels.items()))))

    def computed(self, m: Metric) -> Value:
        """A figure from the analysis, printed as `data/display.yaml` says for its unit."""
        self.analysed.add(m.name)
        kind, decimals = load_display().rule(m.name, m.unit)
        labels = tuple(sorted(self.ticker_names.get(str(m.value), {}).items())) if kind == "ticker" else ()
        return self._add(Value(m.name, m.value, kind, f"metric:{m.name}", decimals, m.inputs, m.formula,
                               m.grade, m.unit, labels))

    def manifest(self) -> list[dict[str, Any]]:
        """Every value with its source and formula, for the methodology page and the download."""
        rows = []
        for name in sorted(self.items):
            v = self.items[name]
            rows.append({
                "name": name,
                "ref": v.ref,
                "value": v.value.isoformat() if isinstance(v.value, dt.date) else v.value,
                "kind": v.kind,
                "unit": v.unit,
                "inputs": ";".join(v.inputs),
                "formula": v.formula,
                "grade": v.grade,
            })
        return rows
