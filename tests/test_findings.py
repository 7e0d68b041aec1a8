"""Key findings: each section page opens with three to five bullets built from the page values, in
both languages, and every edition gets only the words its data can back."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from build_scripts import findings
from build_scripts.catalog import load_catalog, placeholders
from build_scripts.errors import DataError

FIRST_EDITION = dt.date(2025, 1, 31)


@pytest.fixture(scope="module")
def current_values(analysed):
    return analysed[0]


@pytest.fixture(scope="module")
def first_edition():
    from build_scripts import build

    inp = build.study(build.load_inputs(FIRST_EDITION))
    return build.analyse(inp)[0], build.render_markdown(inp, findings.SECTIONS)


def test_every_finding_prints_its_full_words_in_the_current_edition(current_values) -> None:
    """A value name mistyped in a finding would drop it silently; with all the data, none is dropped."""
    for section in findings.SECTIONS:
        for fid in findings.finding_ids(section):
            assert findings.variant(current_values, section, fid) == "text", (section, fid)


@pytest.mark.slow
def test_every_not_yet_wording_can_print_in_the_first_edition(first_edition) -> None:
    values, _ = first_edition
    for section in findings.SECTIONS:
        for fid in findings.finding_ids(section):
            key = f"{section}.findings.{fid}.not_yet"
            if key in load_catalog("en"):
                assert placeholders(load_catalog("en")[key]) <= values.items.keys(), key


@pytest.mark.slow
def test_the_first_edition_says_what_it_cannot_know_yet(first_edition) -> None:
    values, pages = first_edition
    assert findings.variant(values, "overreaction", "reversal") == "not_yet"
    assert findings.variant(values, "investor", "twelve_months") == "not_yet"
    assert findings.variant(values, "investor", "worst") is None  # left out: no worst close yet
    for (lang, stem), text in pages.items():
        block = text[text.index('<div class="key-findings"'):]
        items = re.findall(r"^- ", block[:block.index("</div>")], flags=re.M)
        assert findings.MIN_FINDINGS <= len(items) <= findings.MAX_FINDINGS, (lang, stem, len(items))
    assert "not yet" in pages[("en", "overreaction")] and "まだ検証できません" in pages[("ja", "overreaction")]


def test_a_finding_without_its_values_is_left_out_or_says_not_yet() -> None:
    none = SimpleNamespace(items={})
    assert findings.variant(none, "scorecard", "tally") is None
    known = SimpleNamespace(items={"es_reversal_1_20_days": object()})
    assert findings.variant(known, "overreaction", "reversal") == "not_yet"


def test_a_page_with_too_few_findings_stops_the_build_naming_the_catalog() -> None:
    with pytest.raises(DataError, match=r"docs/catalog/en/scorecard\.yaml: findings: this edition has 0 findings"):
        findings.block(SimpleNamespace(items={}), "scorecard")  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("section", findings.SECTIONS)
def test_each_section_page_opens_with_traced_key_findings(built_site: Path, lang: str, section: str) -> None:
    root = built_site if lang == "en" else built_site / "ja"
    soup = BeautifulSoup((root / section / "index.html").read_text(encoding="utf-8"), "html.parser")
    h1 = soup.select_one("article h1")
    block = h1.find_next_sibling()
    if block is not None and "report-asof" in block.get("class", []):  # the edition line sits under the title
        block = block.find_next_sibling()
    assert block is not None and "key-findings" in block.get("class", []), (lang, section)
    assert block.select_one(".key-findings__title").get_text() == load_catalog(lang)["common.findings.title"]
    items = block.select("li")
    assert findings.MIN_FINDINGS <= len(items) <= findings.MAX_FINDINGS
    for li in items:
        traced = li.select("span.v[data-ref]")
        assert traced, li.get_text()
        for span in traced:
            span.decompose()
        names = re.sub(r"(?<![A-Za-z])C\d\.\d+|H\d{3}|BF16|FP8|DeepSeek-V\d|(?<![A-Za-z])[RV]\d", " ", li.get_text())
        assert not re.search(r"\d", names.replace("12か月", "").replace("10年", "")
                             .replace("1回", "").replace("1時間", "").replace("1トークン", "")
                             .replace("1バイト", "").replace("1日", "")), li.get_text()
