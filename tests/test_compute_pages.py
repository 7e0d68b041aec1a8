"""The headline and efficiency pages: every printed figure traces back, and editions do not leak.

A figure on these pages is a `data-ref` span naming a value; the value's own inputs must be fact ids,
other computed values, or (for counts of facts) the committed facts file they are counted in, so any
number can be walked back to `data/facts`.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from build_scripts import build
from build_scripts.facts import load_facts

STEMS = ("headline", "efficiency")
ROOT = Path(__file__).resolve().parents[1]
BEFORE_NATURE = dt.date(2025, 6, 1)  # after R1's launch, before its training cost was disclosed


def page_html(site: Path, lang: str, stem: str) -> str:
    root = site if lang == "en" else site / "ja"
    return (root / stem / "index.html").read_text(encoding="utf-8")


def traceable(item: str, facts: dict[str, object], values: dict[str, dict[str, str]]) -> bool:
    if item.startswith("data/facts/"):
        return (ROOT / item).is_file()
    return item in facts or item in values


def manifest(site: Path) -> dict[str, dict[str, str]]:
    with (site / "generated" / "data" / "values.csv").open(encoding="utf-8") as fh:
        return {row["name"]: row for row in csv.DictReader(fh)}


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("stem", STEMS)
def test_every_figure_traces_to_a_fact_or_metric(built_site: Path, lang: str, stem: str) -> None:
    values = manifest(built_site)
    facts = load_facts()
    soup = BeautifulSoup(page_html(built_site, lang, stem), "html.parser")
    refs = {el["data-ref"] for el in soup.select("article span.v[data-ref]")}
    assert len(refs) > 20, "the page should print its figures from values"
    bad = []
    for ref in sorted(refs):
        kind, _, name = ref.partition(":")
        if kind == "fact":
            ok = name in facts
        elif kind == "claim":  # a verdict (the key findings name them): the claims engine's, in the values
            ok = any(row["ref"] == ref and row["kind"] == "label" for row in values.values())
        elif kind == "table":  # a table's size (rows, columns): the table and its CSV are in the build
            ok = (built_site / "generated" / "data" / f"{name}.csv").is_file()
        else:
            row = values.get(name)
            ok = kind == "metric" and row is not None and row["ref"] == ref and all(
                traceable(i, facts, values) for i in filter(None, row["inputs"].split(";")))
        if not ok:
            bad.append(ref)
    assert not bad, bad


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_pages_have_a_method_block_and_downloads(built_site: Path, lang: str) -> None:
    label = {"en": "How we computed this", "ja": "計算方法"}[lang]
    for stem in STEMS:
        html = page_html(built_site, lang, stem)
        assert "<details" in html and label in html, stem
        soup = BeautifulSoup(html, "html.parser")
        for fig in soup.select("figure.chart"):
            assert fig.select_one("a.download[href$='.csv']"), stem
            assert all(img.get("alt") for img in fig.select("img")), stem


def render_early(lang: str) -> dict[str, str]:
    """Render both pages from a whole build at an early `as_of`."""
    inp = build.load_inputs(BEFORE_NATURE)
    assert inp.as_of <= BEFORE_NATURE
    out = build.render_markdown(inp, STEMS)
    return {stem: out[(lang, stem)] for stem in STEMS}


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "wording"), [("en", "not yet disclosed"), ("ja", "まだ開示されていません")])
def test_an_early_edition_does_not_show_later_facts(lang: str, wording: str) -> None:
    out = render_early(lang)
    assert wording in out["headline"]
    for text in out.values():
        for later in ("r1_rl_cost_usd_nature", "r1_rl_cost_usd", "kimi_k2", "gpt_oss_120b"):
            assert f":{later}\"" not in text, later
    assert "r1-rl-cost-table" not in out["headline"]
