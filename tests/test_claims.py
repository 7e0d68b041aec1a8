"""The claims engine: its schema refuses malformed claims by name, every test can flip, every rule
can move a verdict, and verdicts follow the data of each edition, never later data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from build_scripts import build, editions
from build_scripts.analysis.metric import Metric
from build_scripts.analysis.results import Results
from build_scripts.claims.engine import judge, judge_claim, judge_test
from build_scripts.claims.schema import ClaimsFile, load_claims
from build_scripts.claims.timeline import timeline_dates, verdicts_on
from build_scripts.errors import DataError
from build_scripts.paths import CLAIMS

EDITIONS = editions.load()[0]


@pytest.fixture(scope="module")
def book() -> ClaimsFile:
    return load_claims()


# --- the schema -------------------------------------------------------------------------------

def _copy_with(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    text = CLAIMS.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "claims.yaml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    rule: standard\n    summary:\n      supported: {en: \"the famous",
         "    rule: standad\n    summary:\n      supported: {en: \"the famous",
         "claims.yaml: claim C1.1: field 'rule': unknown rule 'standad' (known: half_tested, standard)"),
        ("      - id: one_run_at_rental_price\n        metric:", "      - id: one_run_at_rental_price\n        metrik:",
         "claims.yaml: claim C1.1: field 'tests.0.metric': Field required"),
        ("        compare: between\n        threshold: [-1000, 1000]",
         "        compare: between\n        threshold: 1000",
         "claims.yaml: claim C1.1: field 'tests.0': 'between' takes two thresholds [low, high]; "
         "other comparisons take one"),
        ("        compare: \">=\"\n        threshold: 10\n", "        compare: \"=>\"\n        threshold: 10\n",
         "claims.yaml: claim C1.1: field 'tests.1.compare': Input should be '>', '>=', '<', '<=' or 'between'"),
        ("  - id: C2.1\n", "  - id: C1.1\n", "claims.yaml: file: claim ids used twice: ['C1.1']"),
        ("      - {verdict: not_supported, when: {fail: [recovery]}}",
         "      - {verdict: not_supported, when: {fail: [recovry]}}",
         "claims.yaml: claim C3.1: field 'rule': rule names unknown tests ['recovry']"),
        ("      - {verdict: partly, when: {pass: some}}\n      - {verdict: not_supported}",
         "      - {verdict: partly, when: {pass: some}}",
         "claims.yaml: claim C3.1: field 'rule': the last step of a rule must have no condition (it is the fallback)"),
        ("        testable_from: 2025-09-17\n        deadline: 2026-01-27\n        what:\n          en: Once",
         "        testable_from: 2025-09-17\n        deadline: 2025-01-27\n        what:\n          en: Once",
         "claims.yaml: claim C3.2: field 'tests.0': deadline must not come before testable_from"),
    ],
)
def test_a_malformed_claim_is_refused_naming_file_claim_and_field(tmp_path: Path, old: str, new: str,
                                                                  message: str) -> None:
    with pytest.raises(DataError) as err:
        load_claims(_copy_with(tmp_path, old, new))
    assert str(err.value).split(" (see the comments")[0] == message


def test_an_impossible_date_is_refused_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"claims.yaml: line \d+: '2025-02-30' is not a real date"):
        load_claims(_copy_with(tmp_path, "testable_from: 2025-02-25", "testable_from: 2025-02-30"))


@pytest.mark.slow
def test_a_figure_the_analysis_does_not_compute_is_named(tmp_path: Path, latest: build.Inputs) -> None:
    from build_scripts.claims.engine import check_figures

    bad = load_claims(_copy_with(tmp_path, "metric: nvda_car_1_20_pct", "metric: nvda_car_1_21_pct"))
    with pytest.raises(DataError, match=re.escape("claim C3.1: test 'reversal_20': 'nvda_car_1_21_pct' is not")):
        check_figures(bad, latest.results)


# --- every test can flip, every rule can move ------------------------------------------------

def _with_figure(res: Results, test, x: float) -> Results:
    """Results in which the test's figure (and its interval, collapsed onto it) is `x`."""
    metrics = dict(res.metrics)
    facts = dict(res.facts)
    for name in (test.metric, *(test.interval or ())):
        if name.startswith("fact:"):
            fid = name.removeprefix("fact:")
            facts[fid] = facts[fid].model_copy(update={"value": x})
        else:
            old = metrics.get(name) or Metric(name, x, "number", (), "", "primary-verified")
            metrics[name] = dataclasses.replace(old, value=x)
    return dataclasses.replace(res, metrics=metrics, facts=facts)


def _sides(test) -> tuple[float, float]:
    """A figure that passes the test and one that fails it."""
    t = test.threshold
    if test.compare == "between":
        lo, hi = t
        return (lo + hi) / 2, hi + abs(hi - lo) + 1
    step = max(abs(t) * 0.5, 1.0)
    return (t + step, t - step) if test.compare in (">", ">=") else (t - step, t + step)


def _all_tests(book: ClaimsFile):
    return [(c, t) for c in book.claims for t in c.tests]


@pytest.mark.slow
@pytest.mark.parametrize("index", range(49))
def test_each_test_flips_when_its_figure_crosses_the_threshold(index: int, book: ClaimsFile,
                                                               latest: build.Inputs) -> None:
    pairs = _all_tests(book)
    assert len(pairs) == 49, "update the parametrisation when tests are added"
    claim, test = pairs[index]
    res = dataclasses.replace(latest.results, as_of=max(test.testable_from, latest.results.as_of))
    good, bad = _sides(test)
    assert judge_test(test, _with_figure(res, test, good)).outcome == "pass", (claim.id, test.id)
    assert judge_test(test, _with_figure(res, test, bad)).outcome == "fail", (claim.id, test.id)


@pytest.mark.parametrize("claim_id", [c.id for c in load_claims().claims if c.tests])
def test_failing_any_one_test_moves_the_verdict(claim_id: str, book: ClaimsFile, latest: build.Inputs) -> None:
    claim = next(c for c in book.claims if c.id == claim_id)
    res = dataclasses.replace(latest.results, as_of=max(t.deadline for t in claim.tests))
    passing = res
    for t in claim.tests:
        passing = _with_figure(passing, t, _sides(t)[0])
    top = judge_claim(claim, book, passing).empirical
    assert top in ("supported", "partly")
    for t in claim.tests:
        moved = judge_claim(claim, book, _with_figure(passing, t, _sides(t)[1])).empirical
        assert moved != top, (claim_id, t.id)


def test_changing_a_threshold_in_a_copy_of_the_claims_flips_the_verdict(tmp_path: Path,
                                                                        latest: build.Inputs) -> None:
    before = {v.claim.id: v.empirical for v in latest.verdicts}
    assert before["C3.2"] == "not_supported"
    path = _copy_with(tmp_path, "        compare: \">=\"\n        threshold: 100\n        testable_from: 2025-09-17",
                      "        compare: \">=\"\n        threshold: 5\n        testable_from: 2025-09-17")
    after = {v.claim.id: v.empirical for v in judge(load_claims(path), latest.results)}
    assert after["C3.2"] == "supported"
    assert {k: v for k, v in after.items() if k != "C3.2"} == {k: v for k, v in before.items() if k != "C3.2"}


@pytest.mark.slow
def test_a_recovery_missing_long_after_its_deadline_fails_instead_of_waiting() -> None:
    inp = build.load_inputs()
    prices = inp.prices.copy()
    after = (prices["ticker"] == "NVDA") & (prices["date"] > pd.Timestamp(inp.event.day))
    for col in ("open", "high", "low", "close"):
        prices.loc[after, col] = prices.loc[after, col] * 0.5
    halved = build.study(dataclasses.replace(inp, prices=prices))
    verdict = next(v for v in halved.verdicts if v.claim.id == "C3.1")
    assert verdict.empirical == "not_supported"
    recovery = next(r for r in verdict.tests if r.test.id == "recovery")
    assert recovery.outcome == "fail" and recovery.why == "deadline"


# --- verdicts follow each edition's data --------------------------------------------------------

@pytest.mark.slow
def test_sections_in_any_order_give_the_same_bytes() -> None:
    inp = build.study(build.load_inputs())

    def output(sections: tuple) -> bytes:
        values, products = build.analyse(inp, sections)
        parts = [json.dumps(build.context(inp, values, products, lang), sort_keys=True, ensure_ascii=False)
                 for lang in ("en", "ja")]
        parts += [c.csv().decode() for c in products.charts] + [t.csv().decode() for t in products.tables]
        return "\n".join(parts).encode()

    first = output(build.SECTIONS)
    order = list(build.SECTIONS)
    random.Random(7).shuffle(order)
    assert order != list(build.SECTIONS)
    assert output(tuple(order)) == first
    assert output(tuple(reversed(build.SECTIONS))) == first


@pytest.mark.slow
def test_the_first_edition_claims_nothing_it_could_not_know() -> None:
    inp = build.study(build.load_inputs(dt.date(2025, 1, 31)))
    verdicts = {v.claim.id: v for v in inp.verdicts}
    assert verdicts["C4.4"].empirical == "not_yet"
    assert verdicts["C3.1"].empirical == "not_yet"
    assert verdicts["C4.4"].pending_until == dt.date(2026, 1, 27)
    home = build.render_markdown(inp, ("index",))
    assert "did not last" not in home[("en", "index")]
    assert "長続きしませんでした" not in home[("ja", "index")]
    assert "cannot be told yet" in home[("en", "index")]


def test_the_timeline_has_a_column_per_month_end() -> None:
    dates = timeline_dates(dt.date(2025, 2, 1), dt.date(2026, 8, 20))
    assert dates[0] == dt.date(2025, 2, 28) and dates[-2] == dt.date(2026, 7, 31) and dates[-1] == dt.date(2026, 8, 20)
    assert len(dates) == 19
    assert all((d + dt.timedelta(days=1)).day == 1 for d in dates[:-1])


@pytest.mark.slow
@pytest.mark.parametrize("edition", EDITIONS, ids=[e.version for e in EDITIONS])
def test_the_timeline_at_an_edition_date_equals_that_editions_scorecard(edition: editions.Edition) -> None:
    full = build.load_inputs()
    on_timeline = verdicts_on(edition.as_of, full.facts, full.prices, full.tickers, full.book, full.event)
    edition_build = build.study(build.load_inputs(edition.as_of))
    assert [(v.claim.id, v.empirical, v.attribution) for v in on_timeline] == [
        (v.claim.id, v.empirical, v.attribution) for v in edition_build.verdicts]


@pytest.mark.slow
def test_every_claim_page_link_and_anchor_exists() -> None:
    """The scorecard links each claim to its section page and to its own block of tests."""
    out = build.render_markdown(build.load_inputs(), ("scorecard",))
    for lang in ("en", "ja"):
        text = out[(lang, "scorecard")]
        ids = set(re.findall(r'<details class="claim" id="([a-z0-9-]+)"', text))
        assert ids == {c.id.lower().replace(".", "-") for c in load_claims().claims}
        for target in re.findall(r"\]\(#([a-z0-9-]+)\)", text):
            assert target in ids


def test_copying_the_claims_file_keeps_its_verdicts(tmp_path: Path, latest: build.Inputs) -> None:
    path = tmp_path / "claims.yaml"
    shutil.copy(CLAIMS, path)
    assert [v.empirical for v in judge(load_claims(path), latest.results)] == [v.empirical for v in latest.verdicts]
