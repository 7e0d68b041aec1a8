"""Editions with mike, on a real temporary git repository: layout, aliases, 404, language links."""

from __future__ import annotations

import posixpath
import re
import subprocess
from pathlib import Path

import pytest

from build_scripts.deploy import deploy

pytestmark = pytest.mark.slow


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def pages_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("pages-repo")
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "ci@example.org")
    git(repo, "config", "user.name", "CI")
    git(repo, "commit", "-q", "--allow-empty", "-m", "init")
    deploy("v1", None, "First", [], repo=repo)
    deploy("v2", None, "Second", ["latest"], set_default="latest", repo=repo)
    return repo


def files(repo: Path) -> set[str]:
    return set(git(repo, "ls-tree", "-r", "--name-only", "gh-pages").split())


def test_both_languages_of_both_editions_are_published(pages_repo: Path) -> None:
    tree = files(pages_repo)
    for version in ("v1", "v2"):
        for page in ("index.html", "efficiency/index.html", "methodology/index.html"):
            assert f"{version}/{page}" in tree
            assert f"ja/{version}/{page}" in tree
    assert {"versions.json", "ja/versions.json", "404.html", "index.html", "ja/index.html",
            "latest/index.html", "ja/latest/index.html"} <= tree


def test_versions_json_lists_editions_and_alias(pages_repo: Path) -> None:
    import json

    for path in ("versions.json", "ja/versions.json"):
        versions = json.loads(git(pages_repo, "show", f"gh-pages:{path}"))
        assert [v["version"] for v in versions] == ["v2", "v1"]
        assert versions[0]["aliases"] == ["latest"]


@pytest.mark.parametrize(
    ("page", "lang", "target"),
    [
        ("v1/efficiency/index.html", "ja", "ja/v1/efficiency/index.html"),
        ("ja/v1/efficiency/index.html", "en", "v1/efficiency/index.html"),
        ("v2/index.html", "ja", "ja/v2/index.html"),
        ("ja/v2/overreaction/index.html", "en", "v2/overreaction/index.html"),
    ],
)
def test_language_links_keep_page_and_edition(pages_repo: Path, page: str, lang: str, target: str) -> None:
    html = git(pages_repo, "show", f"gh-pages:{page}")
    href = re.search(rf'<a href="([^"]+)" hreflang="{lang}"', html)
    assert href, f"no {lang} link on {page}"
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), href.group(1)))
    assert resolved + "/index.html" == target or resolved == target.removesuffix("/index.html")
    assert target in files(pages_repo)
