"""Where things live in the project, relative to its root (never to the caller's cwd)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# REPORT_DATA_DIR points a build at another copy of data/ (used to test a refresh end to end).
DATA = Path(os.environ.get("REPORT_DATA_DIR") or ROOT / "data").resolve()
FACTS_DIR = DATA / "facts"
MARKET_DIR = DATA / "market"
PRICES_DIR = MARKET_DIR / "prices"
MANIFEST = MARKET_DIR / "manifest.json"
CLAIMS = DATA / "claims.yaml"
DOCS = ROOT / "docs"
LANGS = ("en", "ja")
# Generated files (charts, table downloads, page values) live under build/, never in docs/:
# the MkDocs hook adds them to each site as if they sat in docs/<lang>/generated/.
# REPORT_BUILD_DIR moves them elsewhere (tests use it to leave the working tree alone).
GENERATED = "generated"
BUILD = Path(os.environ.get("REPORT_BUILD_DIR") or ROOT / "build").resolve()
SITE = ROOT / "site"



def generated_root(lang: str) -> Path:
    """The folder that stands in for docs/<lang>/ for generated files."""
    return BUILD / "pages" / lang


def generated_dir(lang: str) -> Path:
    return generated_root(lang) / GENERATED
