"""Shared fixtures: one full site build per test session, reused by build and browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


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
def site_url(built_site: Path) -> Iterator[str]:
    """The session's built site, served on 127.0.0.1."""
    from build_scripts.shots import serve

    with serve(built_site) as url:
        yield url
