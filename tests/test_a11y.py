"""Accessibility: axe-core (WCAG 2 A and AA rules) finds no violations on the built pages."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]
AXE_DIR = Path(__file__).parent / "a11y"
AXE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def axe_source() -> Path:
    if not AXE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=AXE_DIR, check=True, capture_output=True)
    return AXE


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["", "headline/", "efficiency/", "overreaction/", "investor/", "methodology/",
                                  "ja/", "ja/overreaction/"])
def test_no_axe_violations(browser, site_url: str, axe_source: Path, path: str, scheme: str) -> None:
    url = site_url
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
