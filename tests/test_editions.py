"""Every edition in data/editions.yaml renders every page in both languages (no MkDocs needed)."""

from __future__ import annotations

import datetime as dt

import pytest

from build_scripts import build, pages
from build_scripts.deploy import load_editions
from build_scripts.paths import DOCS, LANGS

EDITIONS = [e for e in load_editions() if isinstance(e.get("as_of"), dt.date)]


@pytest.mark.parametrize("edition", EDITIONS, ids=[e["version"] for e in EDITIONS])
def test_edition_renders_every_page(edition: dict) -> None:
    inp = build.load_inputs(edition["as_of"])
    assert inp.as_of <= edition["as_of"]
    assert all(f.day <= edition["as_of"] for f in inp.facts.values())
    values, products = build.analyse(inp)
    for lang in LANGS:
        ctx = pages.build_context(values, products.charts, products.tables, lang, extra={})
        for md in sorted((DOCS / lang).glob("*.md")):
            out = pages.render(md.read_text(encoding="utf-8"), ctx, 0, f"{lang}/{md.name}")
            assert "{{" not in out, md


def test_an_early_edition_says_the_twelve_month_test_is_not_yet_possible() -> None:
    inp = build.load_inputs(dt.date(2025, 1, 31))
    values, products = build.analyse(inp)
    assert "nvda_12m_return_pct" not in values.items
    verdicts = next(t for t in products.tables if t.id == "claims-scorecard").data.set_index("claim_id")["verdict"]
    assert verdicts["C4.4"] == "not_yet"
    assert verdicts["C3.2"] == "not_yet"  # R1's cost was disclosed in September 2025
