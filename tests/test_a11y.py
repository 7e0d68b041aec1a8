"""Accessibility: axe-core finds no violation on any page, in both languages and colour schemes,
at desktop width and on a 390 px phone. Rules: WCAG 2.0-2.2 A and AA, and axe's best practices."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_pages import AXE_TAGS, SCHEMES, WIDTHS, site_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_gate_covers_every_built_page(built_site: Path) -> None:
    built = {("/" + p.relative_to(built_site).as_posix()).removesuffix("index.html")[1:]
             for p in built_site.rglob("*.html")}
    assert built == set(site_pages())


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("path", site_pages())
def test_no_axe_violations(page_visits, path: str, scheme: str, width: str) -> None:
    visit = page_visits.get(path, scheme, width)
    assert not visit.violations, visit.violations


def test_axe_finds_a_violation(browser, axe_source: Path) -> None:
    """The gate can fail: an unnamed dialog and an image without alt text are reported."""
    page = browser.new_page()
    page.set_content('<html lang="en"><title>t</title><main><div role="dialog">x</div><img src="x.png"></main>')
    page.evaluate(axe_source.read_text(encoding="utf-8"))
    result = page.evaluate("async tags => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    page.close()
    assert {"aria-dialog-name", "image-alt"} <= {v["id"] for v in result["violations"]}


def test_no_axe_violations_under_mike(browser, mike_pages: Path, axe_source: Path) -> None:
    """An edition page, with the version selector the theme builds from versions.json."""
    from build_scripts.shots import serve

    with serve(mike_pages) as url:
        for scheme in SCHEMES:
            ctx = browser.new_context(color_scheme=scheme)
            page = ctx.new_page()
            page.goto(f"{url}/2026-08-20/efficiency/")
            page.wait_for_load_state("networkidle")
            page.wait_for_selector(".md-version")
            page.evaluate(axe_source.read_text(encoding="utf-8"))
            result = page.evaluate(
                "async tags => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
            ctx.close()
            problems = [f"{v['id']}: {v['help']}: {[n['target'] for n in v['nodes'][:3]]}"
                        for v in result["violations"]]
            assert not problems, (scheme, problems)
