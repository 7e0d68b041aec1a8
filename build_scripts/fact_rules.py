"""The rules a fact must meet beyond its field types: closed vocabularies and honest provenance.

Each rule returns the field and a plain sentence, so the loader can stop the build with the file,
the fact and the rule. The vocabularies themselves are data (`data/facts/vocab/`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import grades, publishers, units, vocab

if TYPE_CHECKING:
    from .facts import Fact

# The id grammar of data/facts/README.md: lower-case words joined by '_'; a word is letters and
# digits, or an ISO date (2025-01-27). Dates are written with hyphens, never as 2025_01_27.
ID_GRAMMAR = re.compile(r"^[a-z][a-z0-9]*(?:_(?:[a-z0-9]+|\d{4}-\d{2}-\d{2}))*$")
_UNDERSCORE_DATE = re.compile(r"(?:^|_)\d{4}_\d{2}_\d{2}(?:_|$)")

Problem = tuple[str, str]


def id_problem(fid: str) -> str | None:
    if not ID_GRAMMAR.match(fid):
        return "does not follow the id grammar (lower-case words joined by '_', dates as YYYY-MM-DD)"
    if _UNDERSCORE_DATE.search(fid):
        return "writes a date with underscores; write it as YYYY-MM-DD"
    return None


def _evidence(fact: Fact) -> Problem | None:
    allowed = grades.evidence_codes(facts_only=True)
    if fact.evidence not in allowed:
        return "evidence", f"'{fact.evidence}' is not a kind of evidence (one of: {', '.join(allowed)})"
    return None


def _seen_in(fact: Fact) -> Problem | None:
    if fact.seen_in is None:
        return "seen_in", ("missing; say where the value was read "
                           f"(one of: {', '.join(grades.seen_codes())})")
    kind = fact.seen_in.kind
    if kind not in grades.seen_codes():
        return "seen_in.kind", f"'{kind}' is not a place to have read a fact (one of: {', '.join(grades.seen_codes())})"
    spec = next(k for k in vocab.grades().seen_in if k.code == kind)
    if spec.at and not (fact.seen_in.at or "").strip():
        return "seen_in.at", f"a '{kind}' must name where it was read"
    if not spec.at and fact.seen_in.at is not None:
        return "seen_in.at", f"not used with '{kind}': the source URL is what was read"
    if spec.publisher_host:
        pub = fact.source.publisher
        hosts = publishers.hosts(pub)
        if hosts is None:
            return "source.publisher", (f"'{pub}' is not in the publisher registry ({vocab.REL}/publishers.yaml); "
                                        f"'{kind}' needs to know the publisher's own hosts")
        if not publishers.owns(pub, str(fact.source.url)):
            return "source.url", (f"host '{publishers.host(str(fact.source.url))}' is not {pub}'s "
                                  f"({', '.join(hosts)}); a page elsewhere is a copy")
    return None


def first_problem(fact: Fact) -> Problem | None:
    """The first rule `fact` breaks, as (field, rule), or None."""
    why = id_problem(fact.id)
    if why:
        return "id", why
    for rule in (_evidence, _seen_in):
        found = rule(fact)
        if found:
            return found
    return units.problem(fact.value, fact.unit)
