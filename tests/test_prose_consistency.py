"""The pages say the same thing the same way: one date for the V3 report, "S&P 500" beside SPY
figures says total return, both pages count the dip definitions as the C4.1 test does, and counted
words come from values."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

import pytest

from build_scripts import build
from build_scripts.claims.schema import load_claims
from build_scripts.facts import load_facts

V3_REPORT_SOURCES = ("DeepSeek_V3.pdf", "arxiv.org/abs/2412.19437", "arxiv.org/pdf/2412.19437")


@cache
def pages(as_of: dt.date | None) -> dict[tuple[str, str], str]:
    return build.render_markdown(build.load_inputs(as_of), stems=("index", "efficiency", "overreaction", "investor",
                                                                   "scorecard"))


EDITIONS = [None, dt.date(2025, 1, 31)]


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


@pytest.mark.slow
def test_every_fact_read_in_the_v3_report_carries_the_report_date() -> None:
    facts = load_facts()
    day = facts["v3_release_date"].day
    from_report = {f.id: f.day for f in facts.values() if any(s in str(f.source.url) for s in V3_REPORT_SOURCES)}
    assert len(from_report) > 30
    assert {k: v for k, v in from_report.items() if v != day} == {}


@pytest.mark.slow
def test_the_claims_tests_on_the_v3_report_are_testable_from_the_same_date() -> None:
    day = load_facts()["v3_release_date"].day
    dates = {t.testable_from for c in load_claims().claims for t in c.tests if t.testable_from.year == 2024}
    assert dates == {day}


@pytest.mark.slow
@pytest.mark.parametrize("as_of", EDITIONS, ids=["latest", "2025-01"])
def test_the_sp500_beside_spy_figures_says_total_return(as_of: dt.date | None) -> None:
    words = {"en": ("S&P 500", "total return"), "ja": ("S&P500", "配当込み")}
    bad = []
    for (lang, stem), text in pages(as_of).items():
        name, total = words[lang]
        for p in paragraphs(text):
            if p.lstrip().startswith(("|", "<div", "![")):
                continue
            spy = re.search(r'data-ref="metric:(spy_|path_spy|nvda_\w*minus_spy)', p)
            if spy and name in p and total not in p:
                bad.append((lang, stem, p[:120]))
    assert not bad, bad


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_investor_page_counts_the_definitions_as_the_c4_1_test_does(lang: str) -> None:
    inp = build.study(build.load_inputs())
    r = inp.results
    entry, top3 = r.get("dip_event_entry_rules").value, r.get("dip_event_top3_count").value
    c41 = next(v for v in inp.verdicts if v.claim.id == "C4.1")
    test = next(t for t in c41.tests if t.test.metric == "dip_event_top3_share_pct")
    assert test.figure.value == pytest.approx(100 * top3 / entry)  # the share the scorecard judges
    answer = next(p for p in paragraphs(pages(None)[(lang, "investor")])
                  if "**Answer first:**" in p or "**要点：**" in p)
    assert 'data-ref="metric:dip_event_entry_rules"' in answer
    if top3 == 0:  # both languages say "none" in words rather than "0 of N"
        none = {"en": "under no such definition", "ja": "一つもありません"}[lang]
        assert none in answer and 'data-ref="metric:dip_event_top3_count"' not in answer
    else:
        assert 'data-ref="metric:dip_event_top3_count"' in answer
    assert "none of the" not in answer and "どれでも" not in answer
    if lang == "en":  # the same words as the test: definitions for which the day is an entry
        assert "for which 27 January" in test.test.what.en and "for which <span" in answer


@pytest.mark.slow
@pytest.mark.parametrize(("stem", "words"), [
    ("efficiency", ("Two of the four factors", "over ten years")),
    ("overreaction", ("the product of the four",)),
    ("investor", ("Among the ten largest",)),
])
def test_counted_words_come_from_values(stem: str, words: tuple[str, ...]) -> None:
    text = pages(None)[("en", stem)]
    assert not [w for w in words if w in text]
    counts = {"efficiency": "dally_factors_secondary_count", "overreaction": "dally_factors_count",
              "investor": "dip_main_k"}
    assert f'data-ref="metric:{counts[stem]}"' in text
