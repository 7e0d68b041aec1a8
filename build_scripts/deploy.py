"""Publish the editions with mike into the local `gh-pages` branch, and push that branch.

Layout: English at <version>/, Japanese at ja/<version>/ (mike's deploy prefix, set in
mkdocs.ja.yml). `latest` is a copy of the newest edition, so that canonical links, which point at
it, reach a real page; it is also the site's default. Each edition is built from its own frozen
data (`frozen.py`) in a scratch folder, so the working tree's build/ and site/ are not touched.

Safety: every edition is committed to a staging branch first, and `gh-pages` moves to it in one
step only when all of them built; a failure leaves `gh-pages` as it was. A published edition is
not rebuilt unless asked (`--rebuild`): it stays as it was published.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jinja2.sandbox

from . import editions as ed_mod
from . import feed, frozen
from .editions import Edition
from .errors import DataError
from .paths import DATA, LANGS, ROOT

BRANCH = "gh-pages"
STAGING = "gh-pages-staging"
CONFIGS = {"en": ROOT / "mkdocs.yml", "ja": ROOT / "mkdocs.ja.yml"}
PREFIX = {"en": "", "ja": "ja/"}
ROOT_404 = ROOT / "overrides" / "root" / "404.html"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def _git(repo: Path, *args: str, env: dict[str, str] | None = None, input_: str | None = None,
         check: bool = True) -> str:
    res = subprocess.run(["git", *args], cwd=repo, env=env, input=input_, capture_output=True, text=True)
    if check and res.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {res.stderr.strip()}")
    return res.stdout.strip()


def _rev(repo: Path, ref: str) -> str | None:
    out = subprocess.run(["git", "rev-parse", "--verify", "-q", f"refs/heads/{ref}"], cwd=repo,
                         capture_output=True, text=True)
    return out.stdout.strip() if out.returncode == 0 else None


def site_root() -> str:
    """The site's root URL: `site_url` of mkdocs.yml (the SITE_URL variable sets it for a fork)."""
    from mkdocs.config import load_config

    cfg = load_config(str(CONFIGS["en"]))
    url = cfg["site_url"] or ""
    return url if url.endswith("/") else url + "/"


def is_local(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOCAL_HOSTS


# ------------------------------------------------------------------ reading the branch

def published(repo: Path, branch: str) -> set[str]:
    """Versions present in both language trees of `branch`."""
    if _rev(repo, branch) is None:
        return set()
    sets = []
    for lang in LANGS:
        text = _git(repo, "show", f"{branch}:{PREFIX[lang]}versions.json", check=False)
        sets.append({v["version"] for v in json.loads(text)} if text else set())
    return set.intersection(*sets)


def versions(repo: Path, branch: str, lang: str = "en") -> list[dict]:
    text = _git(repo, "show", f"{branch}:{PREFIX[lang]}versions.json", check=False)
    return json.loads(text) if text else []


# ------------------------------------------------------------------ building one edition

def data_window(data_dir: Path) -> tuple[dt.date, dt.date]:
    """(first, last) day an edition of this data may be dated: the sell-off day, the last price."""
    from .event import load_event
    from .market.snapshot import load_manifest

    manifest = load_manifest(data_dir / "market" / "manifest.json")
    last = max(dt.date.fromisoformat(e["last_date"]) for e in manifest["series"].values())
    return load_event(data_dir / "event.yaml").day, last


def _env(work: Path, data_dir: Path) -> dict[str, str]:
    return {**os.environ, "REPORT_DATA_DIR": str(data_dir), "REPORT_BUILD_DIR": str(work / "build"),
            "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}


def _run(cmd: list[str], env: dict[str, str], cwd: Path, what: str) -> None:
    res = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if res.returncode != 0:
        tail = "\n".join((res.stdout + res.stderr).strip().splitlines()[-30:])
        raise SystemExit(f"{what} failed:\n{tail}")


def mike(args: list[str], env: dict[str, str], cwd: Path) -> None:
    # mike calls the `mkdocs` command itself, so this environment's scripts must be on PATH.
    bindir = str(Path(sys.executable).parent)
    env = {**env, "PATH": bindir + os.pathsep + env.get("PATH", "")}
    _run([str(Path(bindir) / "mike"), *args], env, cwd, f"mike {' '.join(args[:1])} {args[-1]}")


def build_edition(ed: Edition, snap: frozen.Snapshot, repo: Path, work: Path, *, branch: str,
                  site_url: str, aliases: tuple[str, ...] = (), editions_file: Path | None = None) -> None:
    """Data products from the edition's frozen data, then one mike deploy per language (each with
    its PDF, printed after the pages are built)."""
    data_dir = frozen.export(repo, snap, work)
    if editions_file is not None:  # the list being published (not part of the data's digest)
        shutil.copyfile(editions_file, data_dir / "editions.yaml")
    ed_mod.check_window(ed, *data_window(data_dir))
    env = _env(work, data_dir)
    _run([sys.executable, "-m", "build_scripts", "data", "--as-of", ed.as_of.isoformat()], env, ROOT,
         f"edition {ed.version}: build")
    epoch = str(int(dt.datetime.combine(ed.as_of, dt.time(), dt.UTC).timestamp()))
    for lang in LANGS:
        lang_env = {**env, "REPORT_VERSION": ed.version, "SOURCE_DATE_EPOCH": epoch, "SITE_URL": site_url,
                    "VERSION_PROVIDER": "mike", "MIKE_SITE_DIR": str(work / f"site-{lang}"), "REPORT_PDF": "1"}
        title = getattr(ed.title, lang)
        source = snap.commit[:12] if snap.commit else "working tree"
        msg = f"Edition {ed.version} ({lang}), as of {ed.as_of}, data {ed.data[:12]} from {source}"
        mike(["deploy", "-F", str(CONFIGS[lang]), "--branch", branch, "--title", title, "-m", msg,
              *(["--update-aliases"] if aliases else []), ed.version, *aliases], lang_env, repo)


# ------------------------------------------------------------------ files at the root of the branch

def root_files(site_url: str, branch_versions: dict[str, list[dict]],
               feeds: dict[str, str] | None = None) -> dict[str, str]:
    """The root 404 page (GitHub Pages serves only that one), robots.txt and a sitemap index
    over every edition in both languages, and the feeds of editions (`feed.xml`, `ja/feed.xml`).
    Links are absolute: the 404 page is shown at any depth."""
    path = urlsplit(site_url).path or "/"
    env = jinja2.sandbox.SandboxedEnvironment(autoescape=True, keep_trailing_newline=True)
    page = env.from_string(ROOT_404.read_text(encoding="utf-8")).render(root=path)
    maps = {lang: [urljoin(site_url, f"{PREFIX[lang]}{name}/sitemap.xml") for v in branch_versions[lang]
                   for name in (v["version"], *sorted(v["aliases"]))] for lang in LANGS}
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {urljoin(site_url, 'sitemap.xml')}\n"
    # The theme reads a sitemap.xml beside every <link rel="alternate"> a page has, the feed's
    # included, so ja/ (where the Japanese feed sits) gets an index of the Japanese editions.
    every = [u for lang in LANGS for u in maps[lang]]
    return {"404.html": page, "robots.txt": robots, "sitemap.xml": _sitemap_index(every),
            "ja/sitemap.xml": _sitemap_index(maps["ja"]), **(feeds or {})}


def _sitemap_index(urls: list[str]) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "".join(f"  <sitemap><loc>{u}</loc></sitemap>\n" for u in urls)
            + "</sitemapindex>\n")


def add_root_files(repo: Path, branch: str, files: dict[str, str], message: str) -> None:
    """Commit files at the root of `branch` without touching the working tree or the index."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        _git(repo, "read-tree", branch, env=env)
        for name, content in sorted(files.items()):
            blob = _git(repo, "hash-object", "-w", "--stdin", input_=content)
            _git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{name}", env=env)
        tree = _git(repo, "write-tree", env=env)
    if tree != _git(repo, "rev-parse", f"{branch}^{{tree}}"):
        commit = _git(repo, "commit-tree", tree, "-p", branch, "-m", message)
        _git(repo, "update-ref", f"refs/heads/{branch}", commit)


# ------------------------------------------------------------------ the whole publication

def publish(repo: Path = ROOT, editions_file: Path = DATA / "editions.yaml", *, branch: str = BRANCH,
            rebuild: bool = False, only: list[str] | None = None, log=print) -> list[str]:
    """Build every edition not yet on `branch` (all of them with `rebuild`) and commit them.

    Returns the versions built. The branch moves only if every edition built.
    """
    eds, _ = ed_mod.load(editions_file)
    newest = ed_mod.latest(eds)
    site_url = site_root()
    todo, snaps = _plan(repo, eds, branch, rebuild, only)
    before = _rev(repo, branch)
    _git(repo, "branch", "-D", STAGING, check=False)
    if before:
        _git(repo, "branch", STAGING, before)
    try:
        with tempfile.TemporaryDirectory(prefix="editions-") as tmp:
            for e in todo:
                log(f"edition {e.version}: as of {e.as_of}, data {e.data[:12]} …")
                try:
                    build_edition(e, snaps[e.version], repo, Path(tmp) / e.version, branch=STAGING,
                                  site_url=site_url, aliases=(ed_mod.LATEST,) if e == newest else (),
                                  editions_file=editions_file)
                except DataError as err:
                    if err.file == ed_mod.FILE:
                        raise
                    raise DataError(err.file, err.where, err.rule, hint=f"in the frozen data of edition "
                                    f"'{e.version}'; see build_scripts/frozen.py on re-recording") from None
                shutil.rmtree(Path(tmp) / e.version, ignore_errors=True)
            if _rev(repo, STAGING) is None:
                log("nothing to publish: the branch does not exist and no edition was built")
                return []
            env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT),
                   "REPORT_BUILD_DIR": str(Path(tmp) / "none")}
            for lang in LANGS:
                held = {v["version"] for v in versions(repo, STAGING, lang) if ed_mod.LATEST in v["aliases"]}
                if held != {newest.version} and newest.version in published(repo, STAGING):
                    mike(["alias", "-F", str(CONFIGS[lang]), "--branch", STAGING, "--update-aliases",
                          newest.version, ed_mod.LATEST], env, repo)
                mike(["set-default", "-F", str(CONFIGS[lang]), "--branch", STAGING, ed_mod.LATEST], env, repo)
        on_branch = {lang: versions(repo, STAGING, lang) for lang in LANGS}
        files = root_files(site_url, on_branch, feed.branch_feeds(
            eds, on_branch, site_url, lambda path: _git(repo, "show", f"{STAGING}:{path}", check=False)))
        add_root_files(repo, STAGING, files, "Root 404 page, robots.txt and sitemap index")
        # Move gh-pages only if nobody else moved it meanwhile (compare-and-swap).
        _git(repo, "update-ref", f"refs/heads/{branch}", _git(repo, "rev-parse", STAGING), before or "")
    except BaseException:
        if _rev(repo, STAGING):
            log(f"{branch} is unchanged; the editions built so far are on '{STAGING}' for inspection")
        raise
    _git(repo, "branch", "-D", STAGING, check=False)
    return [e.version for e in todo]


def _plan(repo: Path, eds: list, branch: str, rebuild: bool, only: list[str] | None) -> tuple[list, dict]:
    """The editions to build, oldest first, and each one's frozen data, all found before any build
    starts, so a missing snapshot or an unknown edition fails fast."""
    if only:
        unknown = set(only) - {e.version for e in eds}
        if unknown:
            raise DataError(ed_mod.FILE, f"edition '{sorted(unknown)[0]}'", "not in the edition list")
    done = published(repo, branch)
    todo = [e for e in sorted(eds, key=lambda e: e.as_of)
            if (rebuild or e.version not in done) and (not only or e.version in only)]
    snaps = {}
    for e in todo:
        try:
            snaps[e.version] = frozen.find(repo, e.data)
        except frozen.NotFound as err:
            raise DataError(ed_mod.FILE, f"edition '{e.version}'", f"field 'data': {err}") from None
    return todo, snaps


def add_edition(repo: Path = ROOT, editions_file: Path = DATA / "editions.yaml") -> str:
    """Append a dated edition of the data as it is now (named by its last price date)."""
    from . import fmt

    eds, dated = ed_mod.load(editions_file)
    digest, _ = frozen.working_tree(repo)
    _, last = data_window(repo / frozen.DATA_DIR)
    version = last.isoformat()
    for e in eds:
        if e.version == version and e.data == digest:
            raise DataError(ed_mod.FILE, f"edition '{version}'", "already records this data",
                            hint="nothing new to publish")
        if e.version == version:
            raise DataError(ed_mod.FILE, f"edition '{version}'", "exists with other data",
                            hint=f"re-record it on purpose with `editions record {version}`")
    en = dated.en.format(date=fmt.date(last, "en"))
    ja = dated.ja.format(date=fmt.date(last, "ja"))
    entry = (f'  - version: "{version}"\n    as_of: {version}\n    title:\n'
             f"      en: {json.dumps(en, ensure_ascii=False)}\n      ja: {json.dumps(ja, ensure_ascii=False)}\n"
             f"    data: \"{digest}\"\n")
    text = editions_file.read_text(encoding="utf-8")
    editions_file.write_text(text.rstrip("\n") + "\n" + entry, encoding="utf-8")
    ed_mod.load(editions_file)  # the new entry must pass like any other
    return version


def record(versions_: list[str], repo: Path = ROOT, editions_file: Path = DATA / "editions.yaml") -> str:
    """Re-record editions on the data as it is now: a correction, made on purpose (see frozen.py).
    Only the `data` value of each named entry changes; the rest of the file stays as written."""
    import yaml

    eds, _ = ed_mod.load(editions_file)
    missing = set(versions_) - {e.version for e in eds}
    if missing:
        raise DataError(ed_mod.FILE, f"edition '{sorted(missing)[0]}'", "not in the edition list")
    digest, _ = frozen.working_tree(repo)
    lines = editions_file.read_text(encoding="utf-8").splitlines(keepends=True)
    root = yaml.compose("".join(lines), Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):  # ed_mod.load has read it as a mapping already
        raise DataError(ed_mod.FILE, "the file", "is not a mapping of editions")
    entries = next(v for k, v in root.value if k.value == "editions").value
    for entry in entries:
        fields = {k.value: v for k, v in entry.value}
        if fields["version"].value in versions_:
            node = fields["data"]
            row, a, b = node.start_mark.line, node.start_mark.column, node.end_mark.column
            lines[row] = lines[row][:a] + f'"{digest}"' + lines[row][b:]
    editions_file.write_text("".join(lines), encoding="utf-8")
    ed_mod.load(editions_file)
    return digest


def push(repo: Path = ROOT, remote: str = "origin", branch: str = BRANCH) -> None:
    """Push `gh-pages` (a fast-forward only: a push never rewrites what readers already have)."""
    if _rev(repo, branch) is None:
        raise SystemExit(f"no local '{branch}' branch: run `make editions` first")
    robots = _git(repo, "show", f"{branch}:robots.txt", check=False)
    sitemap = next((ln.split(" ", 1)[1] for ln in robots.splitlines() if ln.startswith("Sitemap: ")), "")
    if not sitemap or is_local(sitemap):
        raise SystemExit(f"'{branch}' was built for a local preview ({sitemap or 'no site URL'}); set SITE_URL "
                         "to the published address and run `make editions ARGS=--rebuild` first")
    _git(repo, "push", remote, f"refs/heads/{branch}:refs/heads/{branch}")
    print(f"pushed {branch} to {remote} ({sitemap.removesuffix('sitemap.xml')})")


def configure_editions(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", nargs="?", default="publish", choices=("publish", "check", "add", "record"),
                   help="publish (default): build new editions into gh-pages; check: validate the list; "
                        "add: append a dated edition for the current data; record: re-record editions' data")
    p.add_argument("versions", nargs="*", help="publish/record: only these editions")
    p.add_argument("--rebuild", action="store_true", help="rebuild editions already on the branch")
    p.add_argument("--branch", default=BRANCH)


def run_editions(args: argparse.Namespace) -> int:
    if args.action == "check":
        eds, _ = ed_mod.load()
        first, last = data_window(DATA)
        for e in eds:
            ed_mod.check_window(e, first, last)
        print(f"{len(eds)} editions valid; latest is {ed_mod.latest(eds).version}")
    elif args.action == "add":
        print(f"added edition {add_edition()}; commit data/editions.yaml with the data")
    elif args.action == "record":
        if not args.versions:
            raise SystemExit("record needs the versions to re-record")
        digest = record(args.versions)
        print(f"re-recorded {', '.join(args.versions)} on data {digest[:12]}: this changes published "
              "editions; commit it on its own, say why, then `make editions ARGS=--rebuild`")
    else:
        built = publish(branch=args.branch, rebuild=args.rebuild, only=args.versions or None)
        print(f"{args.branch}: {len(built)} edition(s) built" + (f" ({', '.join(built)})" if built else ""))
    return 0


def configure_deploy(p: argparse.ArgumentParser) -> None:
    p.add_argument("--remote", default="origin")
    p.add_argument("--branch", default=BRANCH)


def run_deploy(args: argparse.Namespace) -> int:
    push(remote=args.remote, branch=args.branch)
    return 0
