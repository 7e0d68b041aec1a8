"""Editions with mike on a real temporary git repository, then served from its gh-pages in Chromium.

One deployment is shared by every test here (building an edition takes a while). It follows the
life of a site: publish an early edition; try a publication that fails half-way (gh-pages must
not move, and the early edition, rebuilt from its frozen data, must come out identical although a
fact dated before it has been added since); then publish a newer dated edition, which moves
`latest` and leaves the first edition byte for byte as it was.

Nothing here depends on the project's own git history: the repository is made in the test from a
copy of data/.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import http.server
import io
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.request import urlopen

import pytest

from build_scripts import deploy, editions, frozen
from build_scripts.errors import DataError
from build_scripts.paths import DATA, ROOT
from tests.asof import html_text, leaks_in_csv, leaks_in_text

pytestmark = pytest.mark.slow

SITE_URL = "https://example.org/report/"  # any host: the test serves the branch under /report/
EARLY, NEWER = "2025-01-31", "2026-08-20"
LATE_FACT = "late_added_fact_2025-01-20"
LATE_FACT_YAML = f"""facts:
- id: {LATE_FACT}
  value: 1
  unit: GPUs
  date: '2025-01-20'
  source:
    title: A source added after publication
    publisher: Example
    url: https://example.org/late
  evidence: news
  seen_in:
    kind: copy
    at: example.org
  note: Added to the data after the early edition was published.
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()


def tree(repo: Path, path: str, branch: str = "gh-pages") -> str:
    return git(repo, "rev-parse", f"{branch}:{path}")


def edition_list(repo: Path, *entries: tuple[str, str, str]) -> Path:
    lines = ['dated_title: {en: "Data to {date}", ja: "{date}までのデータ"}', "editions:"]
    for version, as_of, digest in entries:
        lines += [f'  - version: "{version}"', f"    as_of: {as_of}",
                  f'    title: {{en: "Edition {version}", ja: "{version}版"}}', f'    data: "{digest}"']
    path = repo / "data" / "editions.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def life(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The repository after the three publications, and what was seen along the way."""
    repo = tmp_path_factory.mktemp("pages-repo")
    for args in (["init", "-q"], ["config", "user.email", "ci@example.org"], ["config", "user.name", "CI"]):
        git(repo, *args)
    shutil.copytree(DATA, repo / "data", ignore=shutil.ignore_patterns("editions.yaml"))
    digest_a, _ = frozen.working_tree(repo)
    ed_file = edition_list(repo, ("2025-01-31", EARLY, digest_a))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "data A")
    seen: dict = {"repo": repo, "digest_a": digest_a}
    old_env = os.environ.get("SITE_URL")
    os.environ["SITE_URL"] = SITE_URL
    try:
        # 1. The early edition.
        seen["built_1"] = deploy.publish(repo, ed_file, log=lambda _: None)
        seen["pages_1"] = git(repo, "rev-parse", "gh-pages")
        seen["early_1"] = tree(repo, EARLY), tree(repo, f"ja/{EARLY}")

        # 2. A fact dated before the early edition is added; then a publication that fails half-way:
        #    the early edition is rebuilt, then an edition dated after its data fails.
        (repo / "data" / "facts" / "late.yaml").write_text(LATE_FACT_YAML, encoding="utf-8")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "data B: a fact dated before the early edition")
        digest_b, _ = frozen.working_tree(repo)
        data_before = digest_b
        bad = edition_list(repo, ("2025-01-31", EARLY, digest_a), ("2026-09", "2026-09-01", digest_b))
        with pytest.raises(DataError) as err:
            deploy.publish(repo, bad, rebuild=True, log=lambda _: None)
        seen["failure"] = str(err.value)
        seen["pages_after_failure"] = git(repo, "rev-parse", "gh-pages")
        seen["early_rebuilt"] = (tree(repo, EARLY, deploy.STAGING), tree(repo, f"ja/{EARLY}", deploy.STAGING))
        seen["data_unchanged"] = frozen.working_tree(repo)[0] == data_before

        # 3. A newer dated edition, added the way a refresh adds it.
        edition_list(repo, ("2025-01-31", EARLY, digest_a))
        seen["added"] = deploy.add_edition(repo, ed_file)
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", f"edition {NEWER}")
        seen["built_2"] = deploy.publish(repo, ed_file, log=lambda _: None)
        seen["early_2"] = tree(repo, EARLY), tree(repo, f"ja/{EARLY}")
        seen["digest_b"] = digest_b
    finally:
        if old_env is None:
            os.environ.pop("SITE_URL", None)
        else:
            os.environ["SITE_URL"] = old_env
    yield seen


def show(repo: Path, path: str) -> str:
    return git(repo, "show", f"gh-pages:{path}")


def files(repo: Path) -> set[str]:
    return set(git(repo, "ls-tree", "-r", "--name-only", "gh-pages").split())


# ------------------------------------------------------------------ the branch

def test_every_edition_is_published_in_both_languages(life: dict) -> None:
    assert life["built_1"] == [EARLY] and life["built_2"] == [NEWER]
    tree_ = files(life["repo"])
    for version in (EARLY, NEWER, "latest"):
        for page in ("index.html", "efficiency/index.html", "methodology/index.html", "sitemap.xml"):
            assert f"{version}/{page}" in tree_
            assert f"ja/{version}/{page}" in tree_
    assert {"versions.json", "ja/versions.json", "404.html", "robots.txt", "sitemap.xml", ".nojekyll",
            "index.html", "ja/index.html"} <= tree_


def test_versions_json_lists_every_edition_with_latest_as_alias_and_default(life: dict) -> None:
    repo = life["repo"]
    for prefix in ("", "ja/"):
        versions = json.loads(show(repo, f"{prefix}versions.json"))
        assert [v["version"] for v in versions] == [NEWER, EARLY]
        assert versions[0]["aliases"] == ["latest"] and versions[1]["aliases"] == []
        assert 'url=latest/' in show(repo, f"{prefix}index.html")  # the default: the root goes to latest
    assert json.loads(show(repo, "ja/versions.json"))[1]["title"] == f"{EARLY}版"


def test_a_newer_edition_leaves_the_first_byte_for_byte(life: dict) -> None:
    assert life["early_2"] == life["early_1"]
    assert tree(life["repo"], "latest") == tree(life["repo"], NEWER)


def test_a_failed_publication_changes_neither_the_site_nor_the_data(life: dict) -> None:
    assert "edition '2026-09': field 'as_of': 2026-09-01 is after the data" in life["failure"]
    assert life["pages_after_failure"] == life["pages_1"]
    assert life["data_unchanged"]


def test_an_edition_rebuilt_from_its_frozen_data_is_unchanged_by_a_later_fact(life: dict) -> None:
    # The late fact is dated before the early edition, and the newer edition shows it ...
    repo = life["repo"]
    assert LATE_FACT in show(repo, f"{NEWER}/methodology/index.html")
    assert LATE_FACT not in show(repo, f"{EARLY}/methodology/index.html")
    # ... but the early edition, rebuilt after the fact was committed, came out identical.
    assert life["early_rebuilt"] == life["early_1"]


def test_the_edition_list_records_the_data_of_a_new_edition(life: dict) -> None:
    eds, _ = editions.load(life["repo"] / "data" / "editions.yaml")
    newer = next(e for e in eds if e.version == NEWER)
    assert life["added"] == NEWER and newer.data == life["digest_b"] and newer.title.en == "Data to 20 August 2026"
    snap = frozen.find(life["repo"], life["digest_a"])
    assert snap.commit is not None  # the early edition's data is found in the history


def test_canonical_links_sitemaps_and_robots(life: dict) -> None:
    repo = life["repo"]
    for prefix in ("", "ja/"):
        html = show(repo, f"{prefix}{EARLY}/efficiency/index.html")
        assert f'<link rel="canonical" href="{SITE_URL}{prefix}latest/efficiency/">' in html
        locs = re.findall(r"<loc>([^<]+)</loc>", show(repo, f"{prefix}{EARLY}/sitemap.xml"))
        pages = len(list((ROOT / "docs" / "en").glob("*.md")))
        assert len(locs) == pages and f"{SITE_URL}{prefix}latest/efficiency/" in locs
    index = re.findall(r"<loc>([^<]+)</loc>", show(repo, "sitemap.xml"))
    assert {f"{SITE_URL}{p}{v}/sitemap.xml" for p in ("", "ja/") for v in (EARLY, NEWER, "latest")} == set(index)
    assert f"Sitemap: {SITE_URL}sitemap.xml" in show(repo, "robots.txt")
    # Beside the Japanese feed, which the theme reads a sitemap next to: the Japanese editions only.
    ja_index = re.findall(r"<loc>([^<]+)</loc>", show(repo, "ja/sitemap.xml"))
    assert {f"{SITE_URL}ja/{v}/sitemap.xml" for v in (EARLY, NEWER, "latest")} == set(ja_index)


def test_the_early_edition_shows_no_date_after_its_own(life: dict) -> None:
    """Its HTML text and downloads as published, in both languages (exempt texts: test_editions.py)."""
    from build_scripts.facts import load_facts
    from tests.test_editions import exempt_texts

    repo, as_of = life["repo"], dt.date.fromisoformat(EARLY)
    facts = {k: f for k, f in load_facts(DATA / "facts").items() if f.day <= as_of}
    rows = csv.DictReader(io.StringIO(show(repo, f"{EARLY}/generated/data/backtest-table.csv")))
    due = {dt.date.fromisoformat(r["target_date"]) for r in rows if r["status"].startswith("not yet")}
    exempt = exempt_texts(facts, due)
    leaks, seen = [], 0
    for name in sorted(files(repo)):
        if not name.startswith((f"{EARLY}/", f"ja/{EARLY}/")):
            continue
        if name.endswith(".html"):
            leaks += [(name, *h) for h in leaks_in_text(html_text(show(repo, name)), as_of, exempt)]
        elif name.endswith(".csv"):
            leaks += [(name, *h) for h in leaks_in_csv(show(repo, name), as_of, exempt)]
        else:
            continue
        seen += 1
    assert seen > 50, "every page and download of both languages"
    assert not leaks, "\n".join(" | ".join(x) for x in leaks[:20])


@pytest.mark.parametrize(
    ("page", "lang", "target"),
    [
        (f"{EARLY}/efficiency/index.html", "ja", f"ja/{EARLY}/efficiency/"),
        (f"ja/{EARLY}/efficiency/index.html", "en", f"{EARLY}/efficiency/"),
        (f"{NEWER}/index.html", "ja", f"ja/{NEWER}/"),
    ],
)
def test_language_links_keep_page_and_edition(life: dict, page: str, lang: str, target: str) -> None:
    href = re.search(rf'<a href="([^"]+)" hreflang="{lang}"', show(life["repo"], page))
    assert href, f"no {lang} link on {page}"
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), href.group(1))) + "/"
    assert resolved == target.rstrip("/") + "/" or resolved == target


def test_pushing_pages_built_for_a_local_preview_is_refused(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    repo.mkdir()
    for args in (["init", "-q"], ["config", "user.email", "ci@example.org"], ["config", "user.name", "CI"],
                 ["commit", "-q", "--allow-empty", "-m", "init"]):
        git(repo, *args)
    git(repo, "branch", "gh-pages")
    deploy.add_root_files(repo, "gh-pages", deploy.root_files("http://127.0.0.1:8000/", {"en": [], "ja": []}), "x")
    with pytest.raises(SystemExit, match="built for a local preview"):
        deploy.push(repo)


# ------------------------------------------------------------------ in Chromium, served from gh-pages

class _Pages(http.server.SimpleHTTPRequestHandler):
    """Like GitHub Pages: a missing path gets the root 404 page, with status 404."""

    not_found: bytes = b""

    def log_message(self, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            return super().send_error(code, message, explain)
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.not_found)))
        self.end_headers()
        self.wfile.write(self.not_found)


@pytest.fixture(scope="module")
def pages(life: dict, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gh-pages, checked out under /report/ (the path of SITE_URL) and served on 127.0.0.1."""
    out = tmp_path_factory.mktemp("served")
    archive = subprocess.run(["git", "archive", "gh-pages"], cwd=life["repo"], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(out / "report", filter="data")
    handler = type("Pages", (_Pages,), {"not_found": (out / "report" / "404.html").read_bytes()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/report"
    finally:
        server.shutdown()
        server.server_close()


def open_page(browser, url: str):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return context, page, errors


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["", "ja/"])
def test_version_selector_keeps_the_page(browser, pages: str, lang: str) -> None:
    ctx, page, errors = open_page(browser, f"{pages}/{lang}{EARLY}/overreaction/")
    assert page.inner_text(".md-version__current") == {"": f"Edition {EARLY}", "ja/": f"{EARLY}版"}[lang]
    page.hover(".md-version")
    page.click(f".md-version__link[href$='/{NEWER}/']")
    page.wait_for_url(f"{pages}/{lang}{NEWER}/overreaction/")
    assert page.get_attribute("html", "lang") == ("ja" if lang else "en")
    assert not errors, errors
    ctx.close()


@pytest.mark.browser
def test_language_selector_keeps_page_and_edition(browser, pages: str) -> None:
    ctx, page, errors = open_page(browser, f"{pages}/{EARLY}/efficiency/")
    page.hover(".md-header__option .md-select")
    page.click("a.md-select__link[hreflang=ja]")
    page.wait_for_url(f"{pages}/ja/{EARLY}/efficiency/")
    assert page.inner_text(".md-version__current") == f"{EARLY}版"
    page.hover(".md-header__option .md-select")
    page.click("a.md-select__link[hreflang=en]")
    page.wait_for_url(f"{pages}/{EARLY}/efficiency/")
    assert not errors, errors
    ctx.close()


@pytest.mark.browser
@pytest.mark.parametrize(("lang", "words"), [("", "earlier edition"), ("ja/", "過去の版")])
def test_an_old_edition_shows_the_banner_linking_to_the_same_page_in_latest(browser, pages: str, lang: str,
                                                                          words: str) -> None:
    ctx, page, errors = open_page(browser, f"{pages}/{lang}{EARLY}/investor/")
    banner = page.locator("[data-md-component=outdated]")
    assert banner.is_visible() and words in banner.inner_text()
    assert banner.bounding_box()["height"] > 20
    page.click(".report-outdated__link")
    page.wait_for_url(f"{pages}/{lang}latest/investor/")
    assert not page.locator("[data-md-component=outdated]").is_visible()
    assert not errors, errors
    ctx.close()


@pytest.mark.browser
def test_a_missing_url_shows_the_404_page_with_working_links(browser, pages: str) -> None:
    ctx, page, _ = open_page(browser, f"{pages}/{EARLY}/no/such/page/")
    assert "Page not found" in page.inner_text("h1")
    hrefs = page.eval_on_selector_all("main a", "els => els.map(e => e.href)")
    assert len(hrefs) == 4
    for href in hrefs:
        assert href.startswith(f"{pages}/"), href
        with urlopen(href) as res:  # the test server on 127.0.0.1
            assert res.status == 200
    page.click("text=最新版の日本語ページへ")
    page.wait_for_url(f"{pages}/ja/latest/")
    assert page.get_attribute("html", "lang") == "ja"
    ctx.close()


def test_a_failing_refresh_leaves_data_and_pages_unchanged(life: dict, tmp_path: Path, httpserver) -> None:
    """A provider that answers nonsense: the refresh fails loudly, data/ and gh-pages stay."""
    repo = life["repo"]
    httpserver.expect_request(re.compile(".*")).respond_with_data("this is not price data", status=200)
    before = frozen.working_tree(repo)[0], git(repo, "rev-parse", "gh-pages")
    base = httpserver.url_for("/").rstrip("/")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REPORT_BUILD_DIR": str(tmp_path),
           "YAHOO_BASE_URL": base, "TIINGO_BASE_URL": base, "EDGAR_BASE_URL": base}
    env.pop("TIINGO_API_KEY", None)
    res = subprocess.run([sys.executable, "-m", "build_scripts", "refresh", "--data-dir", str(repo / "data"),
                          "--only", "NVDA"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode != 0
    assert "Traceback" not in res.stderr
    assert (frozen.working_tree(repo)[0], git(repo, "rev-parse", "gh-pages")) == before
