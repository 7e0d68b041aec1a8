"""The schema of `data/claims.yaml`: claims, the tests that judge them and the rules that combine
test outcomes into a verdict. A malformed claim stops the build naming the file, claim and field.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..errors import DataError
from ..paths import CLAIMS
from ..yamlio import load_yaml

EmpiricalVerdict = Literal["supported", "partly", "not_supported", "inconclusive", "not_yet"]
AttributionVerdict = Literal["verified", "reported", "not_found"]
Verdict = EmpiricalVerdict | AttributionVerdict
EMPIRICAL: tuple[EmpiricalVerdict, ...] = ("supported", "partly", "not_supported", "inconclusive", "not_yet")
ATTRIBUTION: tuple[AttributionVerdict, ...] = ("verified", "reported", "not_found")
Outcome = Literal["pass", "fail", "inconclusive"]
# A test's outcome on a date: judged, or pending (its date or its figure has not come).
TestOutcome = Outcome | Literal["pending"]
Count = Literal["all", "none", "some"] | int | list[str]
Compare = Literal[">", ">=", "<", "<=", "between"]
_ID = r"^[a-z0-9][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    en: str = Field(min_length=1)
    ja: str = Field(min_length=1)

    def __getitem__(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


class Test(_Strict):
    """One check of a claim: a figure, a comparison and a threshold, dated."""

    id: str = Field(pattern=_ID)
    # A computed figure's name, or `fact:<id>` for a numeric fact used as it stands.
    metric: str = Field(min_length=1)
    compare: Compare
    threshold: float | tuple[float, float]
    # Optional interval around the figure (names of its lower and upper bounds): the test passes only
    # if the whole interval passes, fails only if the whole interval fails, and otherwise cannot tell.
    interval: tuple[str, str] | None = None
    testable_from: dt.date
    # After this date a figure that is still missing counts as a failed test, not a pending one.
    deadline: dt.date
    # A pending required test holds the whole verdict back; an optional one is left out until ready.
    required: bool = True
    what: Text

    @model_validator(mode="after")
    def _shape(self) -> Test:
        if (self.compare == "between") != isinstance(self.threshold, tuple):
            raise ValueError("'between' takes two thresholds [low, high]; other comparisons take one")
        if isinstance(self.threshold, tuple) and self.threshold[0] > self.threshold[1]:
            raise ValueError("threshold [low, high] must have low ≤ high")
        if self.deadline < self.testable_from:
            raise ValueError("deadline must not come before testable_from")
        return self


class When(_Strict):
    """Counts of test outcomes a rule step needs: all / none / some / at least N / these tests."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    passed: Count | None = Field(None, alias="pass")
    fail: Count | None = None
    inconclusive: Count | None = None


class Step(_Strict):
    verdict: EmpiricalVerdict
    when: When = When()

    @field_validator("verdict")
    @classmethod
    def _no_pending(cls, v: str) -> str:
        if v == "not_yet":
            raise ValueError("'not_yet' comes from pending tests, not from a rule")
        return v


class Attribution(_Strict):
    """Did the person say it? Judged from the evidence of the fact that records the quote."""

    who: Text
    # The fact holding the quote; null when no source for the wording was found.
    fact: str | None = None


class Claim(_Strict):
    id: str = Field(pattern=r"^C\d\.\d+$")
    section: Literal["headline", "efficiency", "overreaction", "investor"]
    text: Text
    attribution: Attribution | None = None
    tests: tuple[Test, ...] = ()
    # A list of steps, or the name of a shared rule.
    rule: str | tuple[Step, ...] | None = None
    # What the tests cannot show (cause, motive, a judgement), printed beside the verdict.
    caveat: Text | None = None
    # One clause per verdict for the short answer on the home page.
    summary: dict[EmpiricalVerdict, Text] = {}

    @field_validator("tests")
    @classmethod
    def _unique_tests(cls, tests: tuple[Test, ...]) -> tuple[Test, ...]:
        ids = [t.id for t in tests]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"test ids used twice: {dupes}")
        return tests

    @field_validator("rule")
    @classmethod
    def _rule_fits_tests(cls, rule: str | tuple[Step, ...] | None, info: ValidationInfo) -> object:
        if isinstance(rule, tuple):
            check_steps(rule, {t.id for t in info.data.get("tests", ())})
        return rule

    @model_validator(mode="after")
    def _consistent(self) -> Claim:
        if not self.tests and self.attribution is None:
            raise ValueError("a claim needs tests, an attribution, or both")
        if self.tests and self.rule is None:
            raise ValueError("a claim with tests needs a rule")
        return self


def check_steps(steps: tuple[Step, ...], test_ids: set[str] | None) -> None:
    if not steps:
        raise ValueError("a rule needs at least one step")
    last = steps[-1].when
    if any(v is not None for v in (last.passed, last.fail, last.inconclusive)):
        raise ValueError("the last step of a rule must have no condition (it is the fallback)")
    if test_ids is None:
        return
    for step in steps:
        for v in (step.when.passed, step.when.fail, step.when.inconclusive):
            if isinstance(v, list):
                unknown = sorted(set(v) - test_ids)
                if unknown:
                    raise ValueError(f"rule names unknown tests {unknown}")


class Vocabulary(_Strict):
    label: Text
    definition: Text


class ClaimsFile(_Strict):
    verdicts: dict[Verdict, Vocabulary]
    outcomes: dict[TestOutcome, Text]
    rules: dict[str, tuple[Step, ...]]
    claims: tuple[Claim, ...]
    # Claims of the commentary that get no verdict of their own, with the reason.
    not_scored: dict[str, Text] = {}

    @model_validator(mode="after")
    def _complete(self) -> ClaimsFile:
        missing = sorted(set(EMPIRICAL + ATTRIBUTION) - set(self.verdicts))
        if missing:
            raise ValueError(f"verdicts: every verdict word needs a label and a definition; missing {missing}")
        for name, steps in self.rules.items():
            try:
                check_steps(steps, None)
            except ValueError as err:
                raise ValueError(f"rule '{name}': {err}") from None
        ids = [c.id for c in self.claims]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"claim ids used twice: {dupes}")
        return self

    def steps(self, claim: Claim) -> tuple[Step, ...]:
        return self.rules[claim.rule] if isinstance(claim.rule, str) else (claim.rule or ())


def _where(err: ValidationError, doc: object) -> tuple[str, str]:
    """(item, field) of the first error: the claim id when the error sits inside a claim."""
    first = err.errors()[0]
    loc = list(first["loc"])
    item = "file"
    if len(loc) >= 2 and loc[0] == "claims" and isinstance(loc[1], int):
        claims = doc.get("claims") if isinstance(doc, dict) else None
        cid = claims[loc[1]].get("id") if isinstance(claims, list) and loc[1] < len(claims) and isinstance(
            claims[loc[1]], dict) else None
        item = f"claim {cid}" if cid else f"claim #{loc[1] + 1}"
        loc = loc[2:]
    msg = first["msg"].removeprefix("Value error, ")
    if not loc:
        return item, msg
    return item, f"field '{'.'.join(str(p) for p in loc)}': {msg}"


@cache
def load_claims(path: Path = CLAIMS) -> ClaimsFile:
    doc = load_yaml(path)
    hint = "see the comments at the top of data/claims.yaml"
    try:
        book = ClaimsFile.model_validate(doc)
    except ValidationError as err:
        item, rule = _where(err, doc)
        raise DataError(path.name, item, rule, hint=hint) from None
    for c in book.claims:
        if isinstance(c.rule, str) and c.rule not in book.rules:
            raise DataError(path.name, f"claim {c.id}", f"field 'rule': unknown rule '{c.rule}' "
                            f"(known: {', '.join(sorted(book.rules))})", hint=hint)
    return book
