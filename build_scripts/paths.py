"""Where things live in the project, relative to its root (never to the caller's cwd)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FACTS_DIR = DATA / "facts"
MARKET_DIR = DATA / "market"
PRICES_DIR = MARKET_DIR / "prices"
MANIFEST = MARKET_DIR / "manifest.json"
CLAIMS = DATA / "claims.yaml"
DOCS = ROOT / "docs"
LANGS = ("en", "ja")
# Generated files (charts, tables, downloads) live inside each language's docs folder, but are
# ignored by git: MkDocs must see them, reviewers must not have to.
GENERATED = "generated"
BUILD = ROOT / "build"
SITE = ROOT / "site"


def docs_dir(lang: str) -> Path:
    return DOCS / lang


def generated_dir(lang: str) -> Path:
    return docs_dir(lang) / GENERATED
