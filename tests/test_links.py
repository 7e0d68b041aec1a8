"""Zero broken links: every href and src of every built page, in both languages and under mike.

CSV and chart downloads, the language switch, the version selector's targets and `#fragments`
are all links here; a target that a static server would answer with 404 fails the test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.site_links import LinkReport, SiteLinks

pytestmark = pytest.mark.slow


def test_the_checker_finds_broken_links_and_fragments(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="a/">a</a><a href="a/#there">t</a><a href="a/#nowhere">n</a>'
                                         '<img src="missing.svg"><a href="https://example.org/">x</a>')
    (tmp_path / "a" / "index.html").write_text('<h2 id="there">T</h2><a href="../index.html#top">up</a>')
    (tmp_path / "index.html").write_text((tmp_path / "index.html").read_text() + '<a href="//ja/">j</a>')
    report = SiteLinks(tmp_path).check(["/"])
    assert sorted(report.broken) == ["/: //ja/ (not a link to a page of this site or a web address)",
                                     "/: a/#nowhere (no #nowhere in the target page)",
                                     "/: missing.svg (no such file)",
                                     "/a/index.html: ../index.html#top (no #top in the target page)"]
    assert report.external == {"https://example.org/"} and report.pages == 2


def assert_clean(report: LinkReport, min_pages: int) -> None:
    assert report.pages >= min_pages, f"only {report.pages} pages reached"
    assert not report.broken, f"{len(report.broken)} broken links:\n" + "\n".join(report.broken[:40])


def test_no_broken_links_in_the_site(built_site: Path) -> None:
    report = SiteLinks(built_site).check(["/", "/ja/"], every_file=True)
    assert_clean(report, min_pages=16)
    csv = [p for p in built_site.rglob("*.csv")]
    assert len(csv) > 40  # the downloads exist, and the pages above link to them


def test_every_download_is_linked_from_a_page(built_site: Path) -> None:
    """Each table and chart CSV is offered on some page of its language (none is orphaned)."""
    for lang_root in (built_site, built_site / "ja"):
        pages = [p for p in lang_root.glob("**/index.html")
                 if lang_root != built_site or p.relative_to(built_site).parts[0] != "ja"]
        html = "".join(p.read_text(encoding="utf-8") for p in pages)
        for csv in sorted((lang_root / "generated" / "data").glob("*.csv")):
            assert f"generated/data/{csv.name}" in html, f"{csv.relative_to(built_site)} is linked from no page"


def test_no_broken_links_in_the_editions(mike_pages: Path) -> None:
    links = SiteLinks(mike_pages)
    start = ["/", "/ja/", "/404.html"]
    for versions_file in ("versions.json", "ja/versions.json"):
        prefix = "/" + versions_file.removesuffix("versions.json")
        for edition in json.loads((mike_pages / versions_file).read_text(encoding="utf-8")):
            # The version selector links to ../<version>/ and to each alias.
            start += [f"{prefix}{name}/" for name in (edition["version"], *edition["aliases"])]
    report = links.check(start)
    assert_clean(report, min_pages=28)
