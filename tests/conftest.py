"""Shared fixtures: one full site build per test session, reused by build and browser tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from build_scripts import build

    site = tmp_path_factory.mktemp("site")
    build.run(site_dir=site)
    return site
