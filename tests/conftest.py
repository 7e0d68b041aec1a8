"""Shared fixtures, one per test session: the facts, the analysed inputs, and a full site build.

Loading the facts and running the study are the costly steps of most unit tests; sharing them keeps
`make test-fast` in seconds. Tests must not mutate what these return.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def facts() -> dict:
    from build_scripts.facts import load_facts

    return load_facts()


@pytest.fixture(scope="session")
def latest() -> object:
    """The committed snapshot, loaded and analysed once (`build.Inputs` after the study)."""
    from build_scripts import build

    return build.study(build.load_inputs())


@pytest.fixture(scope="session")
def analysed(latest: object) -> tuple:
    """(values, products) of the committed snapshot: every section run once."""
    from build_scripts import build

    return build.analyse(latest)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from build_scripts import build

    site = tmp_path_factory.mktemp("site")
    build.run(site_dir=site)
    return site


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless system Chromium driven by Playwright, shared by the browser tests."""
    from playwright.sync_api import sync_playwright

    from build_scripts.shots import CHROMIUM_ARGS, find_chromium

    exe = find_chromium()
    if exe is None:
        pytest.fail("browser tests need Chromium (Debian: apt-get install chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def mike_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two editions (EDITION_OLD, and EDITION_NEW as `latest`) published with mike to a real git
    repository through `make editions`' own code, checked out as GitHub Pages would serve the branch."""
    import io
    import shutil
    import subprocess
    import tarfile

    from build_scripts import deploy, frozen
    from build_scripts.paths import DATA

    repo = tmp_path_factory.mktemp("mike-repo")
    for args in (["init", "-q"], ["config", "user.email", "ci@example.org"], ["config", "user.name", "CI"]):
        subprocess.run(["git", *args], cwd=repo, check=True)
    shutil.copytree(DATA, repo / "data", ignore=shutil.ignore_patterns("editions.yaml"))
    digest, _ = frozen.working_tree(repo)
    lines = ['dated_title: {en: "Data to {date}", ja: "{date}までのデータ"}', "editions:"]
    for version, as_of in EDITIONS_PUBLISHED:
        lines += [f'  - version: "{version}"', f"    as_of: {as_of}",
                  f'    title: {{en: "Edition {version}", ja: "{version}版"}}', f'    data: "{digest}"']
    (repo / "data" / "editions.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for args in (["add", "-A"], ["commit", "-qm", "data"]):
        subprocess.run(["git", *args], cwd=repo, check=True)
    deploy.publish(repo, repo / "data" / "editions.yaml", log=lambda _: None)
    out = tmp_path_factory.mktemp("gh-pages")
    archive = subprocess.run(["git", "archive", "gh-pages"], cwd=repo, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(out, filter="data")
    return out


# The two editions the mike fixture publishes: the first week, and the whole data (`latest`).
EDITIONS_PUBLISHED = (("2025-01", "2025-01-31"), ("2026-08-20", "2026-08-20"))


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The session's built site, served on 127.0.0.1."""
    from build_scripts.shots import serve

    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def axe_source() -> Path:
    axe = Path(__file__).parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.exists():
        pytest.fail("the accessibility gate needs axe-core: run `make test-tools` (npm ci in tests/a11y/; "
                    "Debian: apt-get install nodejs npm)")
    return axe


@pytest.fixture(scope="session")
def page_visits(browser, site_url: str, axe_source: Path) -> Iterator[object]:
    """Each page of the built site visited once per colour scheme and width (tests/browser_pages.py)."""
    from tests.browser_pages import PageVisits

    visits = PageVisits(browser, site_url, axe_source)
    yield visits
    visits.close()
