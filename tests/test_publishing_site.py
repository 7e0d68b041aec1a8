"""The publishing features on the built site (every page, both languages) and on published editions:
the edition line, glossary marks, share previews, the feed, the citation and the PDF."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from build_scripts import editions, fmt
from build_scripts.paths import DOCS
from tests.conftest import EDITIONS_PUBLISHED

pytestmark = pytest.mark.slow
ATOM = "{http://www.w3.org/2005/Atom}"
STEMS = sorted(p.stem for p in (DOCS / "en").glob("*.md"))
LOCAL_ROOT = "http://127.0.0.1:8000/"  # mkdocs.yml's site_url when SITE_URL is not set


def page_file(root: Path, stem: str) -> Path:
    return root / ("index.html" if stem == "index" else f"{stem}/index.html")


def lang_root(site: Path, lang: str) -> Path:
    return site if lang == "en" else site / "ja"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# ------------------------------------------------------------------ every page of the built site

@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_page_says_its_edition_its_price_date_and_its_newest_fact(built_site: Path, lang: str) -> None:
    for stem in STEMS:
        page = soup(page_file(lang_root(built_site, lang), stem))
        line = page.select_one("article h1 + p.report-asof")
        assert line is not None, f"{lang}/{stem}: no edition line under the title"
        text = line.get_text()
        assert ("Working edition" if lang == "en" else "作業中の版") in text
        assert line.select_one('[data-ref="metric:edition_prices_date"]').get_text() == fmt.date(
            dt.date(2026, 8, 20), lang)
        fact = line.select_one('[data-ref^="fact:"]')
        if stem != "glossary":  # the glossary prints no dated figure
            assert fact is not None, f"{lang}/{stem}: no newest fact"


def test_the_newest_fact_of_a_page_is_the_newest_its_own_figures_rest_on(built_site: Path) -> None:
    from build_scripts.facts import load_facts

    facts = load_facts()
    page = soup(page_file(built_site, "methodology"))
    fid = page.select_one("p.report-asof [data-ref^='fact:']")["data-ref"].removeprefix("fact:")
    assert facts[fid].day == max(f.day for f in facts.values())  # the source register lists every fact
    page = soup(page_file(built_site, "efficiency"))
    fid = page.select_one("p.report-asof [data-ref^='fact:']")["data-ref"].removeprefix("fact:")
    assert facts[fid].day < max(f.day for f in facts.values())  # a page that uses only older facts


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_glossary_terms_carry_their_definitions_in_the_pages_language(built_site: Path, lang: str) -> None:
    page = soup(page_file(lang_root(built_site, lang), "efficiency"))
    marks = page.select("article abbr[tabindex]")
    assert len(marks) >= 5
    want = {"en": "Mixture of experts", "ja": "多数の「エキスパート」"}[lang]
    assert any(m["title"].startswith(want) for m in marks), [m["title"][:30] for m in marks]
    for m in marks:
        assert not m.find_parent(["table", "code", "pre", "a", "h1", "h2", "h3", "summary"]), m
    glossary_page = soup(page_file(lang_root(built_site, lang), "glossary"))
    assert len(glossary_page.select("#table-glossary-table tbody tr")) >= 19
    assert glossary_page.select_one("#term-jevons") is not None


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_page_has_share_previews_with_an_image_of_1200_by_630(built_site: Path, lang: str) -> None:
    root = lang_root(built_site, lang)
    prefix = "" if lang == "en" else "ja/"
    for stem in STEMS:
        page = soup(page_file(root, stem))
        meta = {m.get("property") or m.get("name"): m["content"] for m in page.select("head meta[content]")}
        for key in ("og:title", "og:description", "og:url", "og:image", "og:image:alt", "twitter:card",
                    "twitter:title", "twitter:image"):
            assert meta.get(key), f"{lang}/{stem}: no {key}"
        assert meta["twitter:card"] == "summary_large_image"
        assert meta["og:url"] == LOCAL_ROOT + prefix + ("" if stem == "index" else f"{stem}/")
        image = meta["og:image"]
        assert image == f"{LOCAL_ROOT}{prefix}assets/share/{stem}.png"
        png = built_site / urlsplit(image).path.lstrip("/")
        with Image.open(png) as img:
            assert img.size == (1200, 630) and img.format == "PNG"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_feed_has_one_entry_per_listed_edition_and_every_page_links_it(built_site: Path, lang: str) -> None:
    root = lang_root(built_site, lang)
    eds, _ = editions.load()
    feed = ET.parse(root / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(eds)
    assert {e.find(f"{ATOM}id").text for e in entries} == {
        f"{LOCAL_ROOT}{'' if lang == 'en' else 'ja/'}{e.version}/" for e in eds}
    assert all(e.find(f"{ATOM}summary") is not None for e in entries)
    for stem in STEMS:
        link = soup(page_file(root, stem)).select_one('head link[rel="alternate"][type="application/atom+xml"]')
        assert link is not None, stem
        assert (page_file(root, stem).parent / link["href"]).resolve() == (root / "feed.xml").resolve()


def test_home_says_what_changed_since_the_previous_edition(built_site: Path) -> None:
    eds, _ = editions.load()
    previous = max((e for e in eds if e.as_of < dt.date(2026, 8, 20)), key=lambda e: e.as_of)
    line = soup(page_file(built_site, "index")).select_one("article p.report-changes")
    assert f"Edition {previous.version}" in line.get_text()
    assert line.select_one('[data-ref="metric:previous_edition_prices_date"]') is not None
    assert line.select_one('a[href="feed.xml"]') is not None


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_working_edition_is_cited_as_what_it_is(built_site: Path, lang: str) -> None:
    for stem in ("index", "methodology"):
        box = soup(page_file(lang_root(built_site, lang), stem)).select_one("article .report-cite")
        assert box is not None, stem
        text = box.get_text()
        assert ("working edition" if lang == "en" else "作業中の版") in text
        assert "@misc{deepseek-shock-checked-working-" in text and "latest" not in text
        assert LOCAL_ROOT + ("" if lang == "en" else "ja/") in text


def test_the_corrections_log_is_on_the_methodology_page_with_its_dates(built_site: Path) -> None:
    page = soup(page_file(built_site, "methodology"))
    rows = page.select("#table-corrections-table tbody tr")
    assert len(rows) >= 4 and all("1 December 2026" in r.get_text() for r in rows)


# ------------------------------------------------------------------ published editions (mike)

def test_a_published_editions_citation_names_its_dated_address(mike_pages: Path) -> None:
    for version, _ in EDITIONS_PUBLISHED:
        for prefix in ("", "ja/"):
            for stem in ("index", "methodology"):
                box = soup(page_file(mike_pages / prefix / version, stem)).select_one(".report-cite")
                text = box.get_text()
                dated = f"{LOCAL_ROOT}{prefix}{version}/"
                assert re.search(rf'url\s*=\s*"{re.escape(dated)}"', text), (prefix, version, stem)
                assert box.select_one(f'.report-cite__apa a[href="{dated}"]') is not None
                assert "latest" not in text and f"-{version}-" in text


def test_each_edition_has_its_pdf_in_both_languages_with_its_headings(mike_pages: Path) -> None:
    assert shutil.which("pdftotext"), "the PDF test needs pdftotext (Debian: apt-get install poppler-utils)"
    for version, _ in EDITIONS_PUBLISHED:
        for lang, prefix, heading in (("en", "", "Headline correction"), ("ja", "ja/", "報道見出しの検証")):
            pdf = mike_pages / f"{prefix}{version}" / f"deepseek-shock-checked-{version}-{lang}.pdf"
            assert pdf.read_bytes().startswith(b"%PDF-"), pdf
            text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                  check=True).stdout
            assert heading in text, (version, lang)
            if lang == "ja":
                assert "過剰反応" in text and "方法とデータ" in text  # Japanese headings, not missing glyphs
            link = soup(page_file(mike_pages / prefix / version, "headline")).select_one(".report-asof__pdf a")
            assert link["href"] == f"../{pdf.name}"


def test_the_branch_root_feeds_list_every_published_edition_with_its_own_changes(mike_pages: Path) -> None:
    for prefix in ("", "ja/"):
        feed = ET.parse(mike_pages / prefix / "feed.xml").getroot()
        ids = [e.find(f"{ATOM}id").text for e in feed.findall(f"{ATOM}entry")]
        assert ids == [f"{LOCAL_ROOT}{prefix}{v}/" for v, _ in reversed(EDITIONS_PUBLISHED)]
        newest = feed.findall(f"{ATOM}entry")[0]
        record = json.loads((mike_pages / prefix / EDITIONS_PUBLISHED[-1][0] / "generated" / "data"
                             / "editions.json").read_text(encoding="utf-8"))["this"]
        assert record["previous"]["version"] == EDITIONS_PUBLISHED[0][0]
        claims = {m["claim"] for m in record["moved"] + record["judged"]}
        assert claims and all(c in newest.find(f"{ATOM}summary").text for c in claims)
        page = page_file(mike_pages / prefix / EDITIONS_PUBLISHED[0][0], "efficiency")
        href = soup(page).select_one('head link[type="application/atom+xml"]')["href"]
        assert (page.parent / href).resolve() == (mike_pages / prefix / "feed.xml").resolve()


def test_an_early_edition_says_it_is_the_first_and_lists_no_later_correction(mike_pages: Path) -> None:
    early = EDITIONS_PUBLISHED[0][0]
    home = soup(page_file(mike_pages / early, "index"))
    assert "first edition" in home.select_one("p.report-changes").get_text()
    methodology = soup(page_file(mike_pages / early, "methodology"))
    assert methodology.select_one("#table-corrections-table") is None
    assert "No correction had been made" in methodology.get_text()
    meta = {m.get("property"): m["content"] for m in home.select("head meta[property]")}
    assert meta["og:image"] == f"{LOCAL_ROOT}{early}/assets/share/index.png"
    assert (mike_pages / early / "assets" / "share" / "index.png").exists()


# ------------------------------------------------------------------ in Chromium

@pytest.mark.browser
@pytest.mark.parametrize(("path", "words"), [("efficiency/", "Mixture of experts"), ("ja/efficiency/", "エキスパート")])
def test_a_focused_term_shows_its_definition(browser, site_url: str, path: str, words: str) -> None:
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"{site_url}/{path}")
    page.wait_for_load_state("networkidle")
    term = page.locator("article abbr[tabindex]").first
    term.focus()
    tip = page.locator(".md-tooltip2--active, .md-tooltip2[role=tooltip]").filter(has_text=words)
    tip.first.wait_for(state="visible", timeout=5000)
    ctx.close()
