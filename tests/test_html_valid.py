"""Valid HTML: the Nu Html Checker finds no error in any built page, in either language or edition.

All pages go through one run of the checker (one JVM). Errors the project cannot fix may be listed
with their reason in tests/html_allowlist.yaml; anything else fails.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow
TOOLS = Path(__file__).parent / "a11y"
VNU = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ALLOWLIST = Path(__file__).parent / "html_allowlist.yaml"


@pytest.fixture(scope="module")
def vnu() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.fail("the HTML check needs Java 11 or later (Debian: apt-get install default-jre-headless; "
                    "or run .ci/run, which installs it)")
    if not VNU.exists():
        pytest.fail(f"the HTML check needs the Nu Html Checker: run `make test-tools` (npm ci in {TOOLS.name}/)")
    return [java, "-Xss8m", "-jar", str(VNU)]


def check(vnu: list[str], files: list[Path]) -> list[dict]:
    res = subprocess.run([*vnu, "--format", "json", "--exit-zero-always", *map(str, files)],
                         capture_output=True, text=True, check=True)
    return [m for m in json.loads(res.stderr or res.stdout)["messages"] if m["type"] in {"error", "non-document-error"}]


def allowed() -> list[dict]:
    return yaml.safe_load(ALLOWLIST.read_text(encoding="utf-8"))["allowed"] or []


def test_the_checker_reports_errors(vnu: list[str], tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html lang="en"><title>t</title>'
                    '<meta name="description" content="a "quoted" word"><input type="checkbox" autocomplete="off">')
    messages = [m["message"] for m in check(vnu, [page])]
    assert any("autocomplete" in m for m in messages), messages
    assert any("quoted" in m for m in messages), messages


def test_every_page_is_valid_html(vnu: list[str], built_site: Path, mike_pages: Path) -> None:
    files = sorted(built_site.rglob("*.html")) + sorted(mike_pages.rglob("*.html"))
    assert len(files) >= 16 + 32
    rules = allowed()
    for rule in rules:
        assert rule.get("reason"), f"html_allowlist.yaml: {rule.get('message')!r} needs a reason"
    used: set[str] = set()
    errors = []
    for m in check(vnu, files):
        rule = next((r["message"] for r in rules if re.search(r["message"], m["message"])), None)
        if rule is None:
            where = "/".join(m.get("url", "").split("/")[-3:])
            errors.append(f"{where}: line {m.get('lastLine')}: {m['message']}")
        else:
            used.add(rule)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors[:40])
    stale = [r["message"] for r in rules if r["message"] not in used]
    assert not stale, f"html_allowlist.yaml entries that match nothing any more: {stale}"
