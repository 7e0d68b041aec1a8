"""Accessibility: axe-core (WCAG 2 A and AA rules) finds no violations on the built pages."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from build_scripts.shots import CHROMIUM_ARGS, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]
playwright = pytest.importorskip("playwright.sync_api")
AXE_DIR = Path(__file__).parent / "a11y"
AXE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def axe_source() -> Path:
    if not AXE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=AXE_DIR, check=True, capture_output=True)
    return AXE


@pytest.fixture(scope="module")
def page_factory(built_site: Path) -> Iterator[tuple[object, str]]:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.fail("Chromium is required for browser tests (Debian: apt-get install chromium)")
    with serve(built_site) as url, playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield browser, url
        browser.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["", "headline/", "efficiency/", "overreaction/", "investor/", "methodology/",
                                  "ja/", "ja/overreaction/"])
def test_no_axe_violations(page_factory, axe_source: Path, path: str, scheme: str) -> None:
    browser, url = page_factory
    ctx = browser.new_context(color_scheme=scheme)
    page = ctx.new_page()
    page.goto(f"{url}/{path}")
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(axe_source))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
    )
    ctx.close()
    problems = [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in result["violations"]]
    assert not problems, problems
