"""Verdicts from data: each claim's tests are evaluated on the analysis results, and the claim's
rule (kept in `data/claims.yaml`) turns the outcomes into a verdict.

Nothing here knows any claim: the same few functions judge every test and apply every rule, so a
verdict can only move because a figure, a threshold or a rule in data moved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from .. import grades
from ..analysis.metric import is_number
from ..analysis.results import Results
from ..errors import DataError
from ..facts import Fact
from .schema import (
    AttributionVerdict,
    Claim,
    ClaimsFile,
    EmpiricalVerdict,
    Step,
    Test,
    TestOutcome,
    Verdict,
    When,
)

PENDING: Literal["pending"] = "pending"


@dataclass(frozen=True)
class Figure:
    """The figure a test reads: a computed metric or a fact, with where it came from."""

    name: str
    value: float
    ref: str
    unit: str
    grade: str


@dataclass(frozen=True)
class TestResult:
    test: Test
    outcome: TestOutcome
    figure: Figure | None = None
    interval: tuple[float, float] | None = None
    # Why a test is pending or failed without a figure: "from" (its date has not come),
    # "waiting" (no figure yet, deadline ahead), "deadline" (no figure by the deadline).
    why: str = ""


@dataclass(frozen=True)
class ClaimVerdict:
    claim: Claim
    empirical: EmpiricalVerdict | None
    attribution: AttributionVerdict | None
    tests: tuple[TestResult, ...]
    # For a pending claim, the date by which its required tests can all be judged.
    pending_until: dt.date | None = None
    # Which rule step gave the verdict (its index), for the page's "why".
    step: int | None = None

    @property
    def headline(self) -> Verdict:
        """The verdict a tally counts: the empirical one when the claim has tests."""
        return self.empirical or self.attribution or "not_yet"


def figure(results: Results, name: str) -> Figure | None:
    """The figure named `name` on the results' date, or None if it does not exist yet."""
    if name.startswith("fact:"):
        fid = name.removeprefix("fact:")
        f = results.facts.get(fid)
        if f is None or f.day > results.as_of:
            return None
        if not is_number(f.value) or not isinstance(f.unit, str):
            raise DataError("claims.yaml", f"figure '{name}'", "the fact's value is not a number",
                            hint="a test can only compare numbers")
        return Figure(name, float(f.value), name, f.unit, f.grade)
    m = results.get(name)
    if m is None:
        return None
    if not is_number(m.value):
        raise DataError("claims.yaml", f"figure '{name}'", "the computed figure is not a number",
                        hint="a test can only compare numbers")
    return Figure(name, float(m.value), f"metric:{name}", m.unit, m.grade)


def _holds(test: Test, x: float) -> bool:
    # The schema pairs "between" with two thresholds and every other comparison with one.
    t = test.threshold
    if isinstance(t, tuple):
        lo, hi = t
        return lo <= x <= hi
    match test.compare:
        case ">":
            return x > t
        case ">=":
            return x >= t
        case "<":
            return x < t
        case "<=":
            return x <= t
    raise ValueError(test.compare)


def judge_test(test: Test, results: Results) -> TestResult:
    as_of = results.as_of
    if as_of < test.testable_from:
        return TestResult(test, PENDING, why="from")
    fig = figure(results, test.metric)
    if fig is None:
        return TestResult(test, "fail" if as_of >= test.deadline else PENDING,
                          why="deadline" if as_of >= test.deadline else "waiting")
    if test.interval is None:
        return TestResult(test, "pass" if _holds(test, fig.value) else "fail", fig)
    bounds = [figure(results, n) for n in test.interval]
    if any(b is None for b in bounds):
        raise DataError("claims.yaml", f"test '{test.id}'", "the interval's bounds are missing where the figure "
                        "exists", hint="name the figure's own interval bounds")
    lo, hi = sorted(b.value for b in bounds if b is not None)
    outcome: TestOutcome
    if isinstance(test.threshold, tuple):  # "between"
        a, b = test.threshold
        outcome = "pass" if a <= lo and hi <= b else "fail" if hi < a or lo > b else "inconclusive"
    else:
        ends = (_holds(test, lo), _holds(test, hi))
        outcome = "pass" if all(ends) else "fail" if not any(ends) else "inconclusive"
    return TestResult(test, outcome, fig, (lo, hi))


def _count_ok(want: object, key: str, judged: list[TestResult]) -> bool:
    n = sum(r.outcome == key for r in judged)
    if want == "all":
        return n == len(judged) and n > 0
    if want == "none":
        return n == 0
    if want == "some":
        return n >= 1
    if isinstance(want, int):
        return n >= want
    if isinstance(want, list):
        by_id = {r.test.id: r.outcome for r in judged}
        return all(by_id.get(t) == key for t in want)
    raise ValueError(want)


def matches(when: When, judged: list[TestResult]) -> bool:
    """Whether the outcomes meet every count the step asks for (an empty condition always does)."""
    wants = (("pass", when.passed), ("fail", when.fail), ("inconclusive", when.inconclusive))
    return all(_count_ok(w, key, judged) for key, w in wants if w is not None)


def combine(steps: tuple[Step, ...], judged: list[TestResult]) -> tuple[EmpiricalVerdict, int]:
    """The first step whose condition holds gives the verdict."""
    for i, step in enumerate(steps):
        if matches(step.when, judged):
            return step.verdict, i
    raise ValueError("rule without a fallback step")  # the schema forbids this


def attribution_verdict(claim: Claim, facts: Mapping[str, Fact], as_of: dt.date) -> AttributionVerdict | None:
    """From the evidence of the fact that records the words: verified if read in the original or the
    outlet's own page, reported if only in copies; not found if no source gives them (no fact, or
    only a recollection)."""
    if claim.attribution is None:
        return None
    fid = claim.attribution.fact
    f = facts.get(fid) if fid else None
    if f is None or f.day > as_of or f.evidence == "recollection":
        return "not_found"
    return grades.attribution(f)


def judge_claim(claim: Claim, book: ClaimsFile, results: Results) -> ClaimVerdict:
    tests = tuple(judge_test(t, results) for t in claim.tests)
    attribution = attribution_verdict(claim, results.facts, results.as_of)
    if not tests:
        return ClaimVerdict(claim, None, attribution, tests)
    waiting = [r for r in tests if r.outcome == PENDING and r.test.required]
    if waiting:
        until = max(r.test.testable_from if r.why == "from" else r.test.deadline for r in waiting)
        return ClaimVerdict(claim, "not_yet", attribution, tests, pending_until=until)
    judged = [r for r in tests if r.outcome != PENDING]
    verdict, step = combine(book.steps(claim), judged)
    return ClaimVerdict(claim, verdict, attribution, tests, step=step)


def judge(book: ClaimsFile, results: Results) -> list[ClaimVerdict]:
    """Every claim's verdict on the results' date, in the file's order."""
    return [judge_claim(c, book, results) for c in book.claims]


def check_figures(book: ClaimsFile, results: Results) -> None:
    """Every figure a test names must be one the analysis computes (or a fact): a typo would
    otherwise look like a figure that is merely not available yet."""
    for claim in book.claims:
        for t in claim.tests:
            for name in (t.metric, *(t.interval or ())):
                known = (name.removeprefix("fact:") in results.facts) if name.startswith("fact:") else (
                    name in results.metrics or name in results.absent)
                if not known:
                    raise DataError("claims.yaml", f"claim {claim.id}", f"test '{t.id}': '{name}' is not a figure "
                                    "the analysis computes", hint="check the name against values.csv")
