"""The full build: both language trees, every page and chart, strict MkDocs, byte-identical output."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from build_scripts import build
from build_scripts.paths import DOCS

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p.stem for p in (DOCS / "en").glob("*.md"))
pytestmark = pytest.mark.slow


def page_path(site: Path, lang: str, stem: str) -> Path:
    root = site if lang == "en" else site / "ja"
    return root / "index.html" if stem == "index" else root / stem / "index.html"


def test_both_languages_have_the_same_pages() -> None:
    assert sorted(p.stem for p in (DOCS / "ja").glob("*.md")) == PAGES
    assert {"index", "headline", "efficiency", "overreaction", "investor", "methodology"} <= set(PAGES)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_page_exists_with_its_language(built_site: Path, lang: str) -> None:
    for stem in PAGES:
        html = page_path(built_site, lang, stem).read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in html, stem
        article = html.split("<article", 1)[1].split("</article>", 1)[0]
        assert "{{" not in article and "{%" not in article, f"unrendered placeholder in {lang}/{stem}"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_chart_and_download_exists(built_site: Path, lang: str) -> None:
    inp = build.load_inputs()
    _, products = build.analyse(inp)
    root = built_site if lang == "en" else built_site / "ja"
    assert len(products.charts) >= 5
    for chart in products.charts:
        for scheme in ("light", "dark"):
            svg = root / "generated" / "charts" / f"{chart.id}-{scheme}.svg"
            assert svg.read_bytes().startswith(b"<?xml"), svg
        assert (root / "generated" / "data" / f"{chart.id}.csv").stat().st_size > 0
    for table in products.tables:
        assert (root / "generated" / "data" / f"{table.id}.csv").stat().st_size > 0


def test_each_section_page_has_a_chart_and_a_table(built_site: Path) -> None:
    for stem in ("headline", "efficiency", "overreaction", "investor"):
        for lang in ("en", "ja"):
            html = page_path(built_site, lang, stem).read_text(encoding="utf-8")
            assert 'class="chart"' in html and "<table" in html, f"{lang}/{stem}"
            assert ".csv" in html


def test_footer_disclaimer_on_every_page(built_site: Path) -> None:
    for stem in PAGES:
        assert "not investment advice" in page_path(built_site, "en", stem).read_text()
        assert "投資助言ではありません" in page_path(built_site, "ja", stem).read_text()


def test_no_third_party_requests_at_page_load(built_site: Path) -> None:
    for html_file in built_site.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        for marker in ("fonts.googleapis", "fonts.gstatic", "cdn.jsdelivr", "unpkg.com",
                       "api.github.com", "<script src=\"http", "<link rel=\"stylesheet\" href=\"http"):
            assert marker not in text, f"{marker} in {html_file}"


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_fresh_builds_are_byte_identical(tmp_path: Path) -> None:
    """Two separate processes with different hash seeds, so no state or set order carries over."""
    a, b = tmp_path / "a", tmp_path / "b"
    for site, seed in ((a, "1"), (b, "2")):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "build_scripts", "site", "--site-dir", str(site), "--fresh"],
                              cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    da, db = digest(a), digest(b)
    assert da.keys() == db.keys()
    differ = [k for k in da if da[k] != db[k]]
    assert not differ, differ[:10]


def test_japanese_headings_get_readable_anchors(built_site: Path) -> None:
    html = page_path(built_site, "ja", "methodology").read_text(encoding="utf-8")
    assert 'id="すべての出典付きデータ"' in html
    assert 'id="_1"' not in html


def test_each_language_has_its_own_search_index(built_site: Path) -> None:
    import json

    en = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    ja = json.loads((built_site / "ja" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert en["config"]["lang"] == ["en"] and ja["config"]["lang"] == ["ja"]
    assert not any(d["location"].startswith("ja/") for d in en["docs"])
    assert any("過剰反応" in d["title"] for d in ja["docs"])
