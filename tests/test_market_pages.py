"""The market pages (overreaction, investor) for an early and the latest edition, and their traceability."""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from build_scripts import build
from build_scripts.facts import load_facts
from build_scripts.paths import DOCS

MARKET_PAGES = ("overreaction", "investor")
NOT_YET = {"en": "not yet testable", "ja": "まだ検証できません"}


@cache
def rendered(as_of: dt.date | None) -> dict[tuple[str, str], str]:
    """Each market page in each language, rendered from one in-memory build as of `as_of`."""
    return build.render_markdown(build.load_inputs(as_of), (*MARKET_PAGES, "methodology"))


def refs(text: str) -> set[str]:
    return set(re.findall(r'data-ref="metric:([^"]+)"', text))


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_early_edition_says_the_twelve_month_claim_is_not_yet_testable(lang: str) -> None:
    out = rendered(dt.date(2025, 3, 1))
    investor = out[(lang, "investor")]
    answer = " ".join(investor.split("## ", 1)[0].split())  # the answer-first paragraph
    assert NOT_YET[lang] in answer
    assert "nvda_12m_return_pct" not in refs(investor)
    assert "dip_main_rank" not in refs(investor)
    # Results that need later data are absent, and the page says so instead.
    over = out[(lang, "overreaction")]
    assert not {"capex_beat", "dc_growth_since_pct", "nvda_recovery_days"} & refs(over)
    assert NOT_YET[lang] in over


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_latest_edition_shows_the_twelve_month_numbers(lang: str) -> None:
    out = rendered(None)
    investor = out[(lang, "investor")]
    answer = " ".join(investor.split("## ", 1)[0].split())
    for name in ("nvda_12m_return_pct", "spy_12m_return_pct", "qqq_12m_return_pct", "soxx_12m_return_pct"):
        assert f'data-ref="metric:{name}"' in answer, name
    assert NOT_YET[lang] not in answer
    assert "dip_main_rank" in refs(investor)
    over = out[(lang, "overreaction")]
    for name in ("nvda_ar0_pct", "nvda_ci_lo_car_0_0_pct", "nvda_car_0_20_pct", "nvda_car_1_20_pct",
                 "nvda_mde_car_1_20_pp", "nvda_recovery_days", "capex_beat"):
        assert name in refs(over), name


@pytest.mark.slow
def test_latest_edition_key_results() -> None:
    """The headline numbers the pages print, checked against the analysis (not retyped prose)."""
    inp = build.load_inputs()
    values, _ = build.analyse(inp)
    v = {k: x.value for k, x in values.items.items()}
    assert v["nvda_beta"] == pytest.approx(2.66, abs=0.01)
    assert v["nvda_ar0_pct"] == pytest.approx(-13.39, abs=0.01)
    # The month after: the interval includes zero, and it is wide (about ±23 pp), so the page must
    # not read it as "no effect".
    assert v["nvda_ci_lo_car_0_20_pct"] < 0 < v["nvda_ci_hi_car_0_20_pct"]
    assert v["nvda_car_0_20_pct"] == pytest.approx(-7.15, abs=0.01)
    assert v["nvda_se_car_0_20_pp"] == pytest.approx(11.8, abs=0.05)
    assert v["nvda_car_1_20_pct"] == pytest.approx(6.2, abs=0.05)
    assert v["nvda_12m_return_pct"] == pytest.approx(59.2, abs=0.1)
    assert v["dip_main_rank"] > 3 and v["dip_event_top3_count"] == 0
    assert 24e9 < v["nvda_implied_shares_low"] < v["nvda_implied_shares_high"] < 25e9


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_pages_keep_their_collapsible_method_note(lang: str) -> None:
    title = {"en": '??? note "How we computed this"', "ja": '??? note "計算方法"'}[lang]
    for page in MARKET_PAGES:
        assert title in (DOCS / lang / f"{page}.md").read_text(encoding="utf-8")


def manifest(site: Path, lang: str) -> set[str]:
    root = site if lang == "en" else site / "ja"
    with (root / "generated" / "data" / "values.csv").open(encoding="utf-8") as f:
        return {row["ref"] for row in csv.DictReader(f)}


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_data_ref_on_the_market_pages_is_in_the_manifest(built_site: Path, lang: str) -> None:
    known = manifest(built_site, lang)
    # A fact printed as itself (the edition line's newest fact) traces to data/facts directly.
    facts = {f"fact:{i}" for i in load_facts()}
    root = built_site if lang == "en" else built_site / "ja"
    for page in MARKET_PAGES:
        soup = BeautifulSoup((root / page / "index.html").read_text(encoding="utf-8"), "html.parser")
        found = {el["data-ref"] for el in soup.select("article [data-ref]")}
        values = {r for r in found if not r.startswith("table:")}
        assert values, page
        assert values <= known | facts, (page, sorted(values - known - facts))
        tables = {r for r in found if r.startswith("table:")}
        for t in tables:
            assert (root / "generated" / "data" / f"{t.removeprefix('table:')}.csv").exists(), t
