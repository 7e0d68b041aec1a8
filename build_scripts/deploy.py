"""Publish editions with mike: English at <version>/, Japanese at ja/<version>/ (deploy prefix).

Two builds joined by per-page language links keep the reader's page and edition when switching
language, and give each language its own search index. mike writes no root 404 page, which
GitHub Pages needs, so one is added to the branch here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import yaml

from . import build
from .paths import DATA, ROOT

EDITIONS = DATA / "editions.yaml"
NOT_FOUND = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Page not found</title>
<meta name="viewport" content="width=device-width,initial-scale=1"></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>Page not found</h1><p>This page does not exist in this edition.
<a href="./">Go to the latest edition</a>.</p>
<p lang="ja">このページはこの版にはありません。<a href="./ja/">最新版の日本語ページへ</a></p>
</body></html>
"""


def load_editions(path: Path = EDITIONS) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["editions"]


def _git(*args: str, cwd: Path, env: dict | None = None, input_: str | None = None) -> str:
    res = subprocess.run(["git", *args], cwd=cwd, env=env, input=input_, capture_output=True,
                         text=True, check=True)
    return res.stdout.strip()


def add_root_file(repo: Path, branch: str, name: str, content: str, message: str) -> None:
    """Commit one file at the root of `branch` without touching the working tree."""
    index = repo / ".git" / "deploy-index"
    env = {**os.environ, "GIT_INDEX_FILE": str(index)}
    try:
        _git("read-tree", branch, cwd=repo, env=env)
        blob = _git("hash-object", "-w", "--stdin", cwd=repo, input_=content)
        _git("update-index", "--add", "--cacheinfo", f"100644,{blob},{name}", cwd=repo, env=env)
        tree = _git("write-tree", cwd=repo, env=env)
        if tree == _git("rev-parse", f"{branch}^{{tree}}", cwd=repo):
            return
        commit = _git("commit-tree", tree, "-p", branch, "-m", message, cwd=repo)
        _git("update-ref", f"refs/heads/{branch}", commit, cwd=repo)
    finally:
        index.unlink(missing_ok=True)


def mike(args: list[str], env: dict[str, str], cwd: Path) -> None:
    # mike calls the `mkdocs` command itself, so the environment's scripts must be on PATH.
    bindir = str(Path(sys.executable).parent)
    env = {**env, "PATH": bindir + os.pathsep + env.get("PATH", "")}
    res = subprocess.run([str(Path(bindir) / "mike"), *args], cwd=cwd, env=env, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"mike {' '.join(args)} failed:\n{res.stdout}{res.stderr}")


def deploy(version: str, as_of: dt.date | None, title: str, aliases: list[str], *,
           branch: str = "gh-pages", push: bool = False, set_default: str | None = None,
           repo: Path = ROOT) -> None:
    summary = build.run(as_of=as_of, data_only=True)
    inp = build.load_inputs(as_of)
    env = {**os.environ, "REPORT_VERSION": version, "SOURCE_DATE_EPOCH": build.source_date_epoch(inp),
           "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT), "VERSION_PROVIDER": "mike"}
    common = ["--branch", branch, "--alias-type", "redirect", "--title", title]
    if push:
        common.append("--push")
    for config, prefix in ((ROOT / "mkdocs.yml", None), (ROOT / "mkdocs.ja.yml", "ja")):
        extra = ["--deploy-prefix", prefix] if prefix else []
        mike(["deploy", "-F", str(config), *common, *extra, "--update-aliases", version, *aliases],
             env, repo)
        if set_default:
            sd = ["set-default", "-F", str(config), "--branch", branch, *extra, set_default]
            mike(sd + (["--push"] if push else []), env, repo)
    add_root_file(repo, branch, "404.html", NOT_FOUND, f"Root 404 page ({version})")
    if push:
        _git("push", "origin", branch, cwd=repo)
    print(f"deployed {version} ({title}); {summary.charts} charts")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m build_scripts deploy")
    p.add_argument("version", nargs="?", help="edition to deploy (default: every edition)")
    p.add_argument("--branch", default="gh-pages")
    p.add_argument("--push", action="store_true", help="push the branch to origin")
    args = p.parse_args(argv)
    editions = load_editions()
    chosen = [e for e in editions if args.version in (None, e["version"])]
    if not chosen:
        raise SystemExit(f"unknown edition {args.version!r}; see data/editions.yaml")
    for e in chosen:
        as_of = e.get("as_of")
        deploy(e["version"], as_of if isinstance(as_of, dt.date) else None, e["title"],
               e.get("aliases", []), branch=args.branch, push=args.push,
               set_default="latest" if "latest" in e.get("aliases", []) else None)
    return 0
