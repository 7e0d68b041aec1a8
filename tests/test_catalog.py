"""The word catalogs: every file, every key and every placeholder exist in both languages.

The check walks the whole catalog folder, so any section's words (charts, tables, prose) pass
through it as soon as they are added.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from build_scripts import catalog
from build_scripts.catalog import CATALOG_DIR, placeholders
from build_scripts.errors import DataError

LANGS = ("en", "ja")


def entries(folder: Path, lang: str) -> dict[str, str]:
    catalog.load_catalog.cache_clear()
    try:
        return catalog.load_catalog(lang, folder)
    finally:
        catalog.load_catalog.cache_clear()


def parity(folder: Path) -> list[str]:
    """Every way the two languages' catalogs differ: files, keys, placeholders."""
    problems = []
    files = {lang: sorted(p.name for p in (folder / lang).glob("*.yaml")) for lang in LANGS}
    if files["en"] != files["ja"]:
        problems.append(f"files differ: en {files['en']} / ja {files['ja']}")
    en, ja = entries(folder, "en"), entries(folder, "ja")
    for key in sorted(en.keys() - ja.keys()):
        problems.append(f"{key}: only in en")
    for key in sorted(ja.keys() - en.keys()):
        problems.append(f"{key}: only in ja")
    for key in sorted(en.keys() & ja.keys()):
        a, b = placeholders(en[key]), placeholders(ja[key])
        if a != b:
            problems.append(f"{key}: placeholders en {sorted(a)} / ja {sorted(b)}")
    return problems


def test_the_catalog_folder_has_both_languages() -> None:
    assert sorted(p.name for p in CATALOG_DIR.iterdir() if p.is_dir()) == sorted(LANGS)
    assert list((CATALOG_DIR / "en").glob("*.yaml"))


def test_every_key_exists_in_both_languages_with_the_same_placeholders() -> None:
    assert parity(CATALOG_DIR) == []


def test_no_entry_is_empty() -> None:
    for lang in LANGS:
        empty = [k for k, v in entries(CATALOG_DIR, lang).items() if not v.strip() and not k.endswith("never_changed")]
        assert not empty, (lang, empty)


def copy_catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    for lang in LANGS:
        (folder / lang).mkdir(parents=True)
        for p in (CATALOG_DIR / lang).glob("*.yaml"):
            (folder / lang / p.name).write_bytes(p.read_bytes())
    return folder


def test_the_check_finds_a_missing_key_a_changed_placeholder_and_a_missing_file(tmp_path: Path) -> None:
    folder = copy_catalog(tmp_path)
    ja = folder / "ja" / "investor.yaml"
    text = ja.read_text(encoding="utf-8")
    assert "{k}日と" in text
    ja.write_text(text.replace("{k}日と", "{kk}日と"), encoding="utf-8")
    demand = folder / "ja" / "demand.yaml"
    text = demand.read_text(encoding="utf-8")
    assert "      after: 急落後の四半期\n" in text
    demand.write_text(text.replace("      after: 急落後の四半期\n", ""), encoding="utf-8")
    (folder / "en" / "extra.yaml").write_text("charts:\n  x:\n    title: X\n", encoding="utf-8")
    problems = parity(folder)
    assert "demand.charts.dc-revenue.legend.after: only in en" in problems
    assert "investor.charts.dip-entries.title: placeholders en ['k', 'start'] / ja ['kk', 'start']" in problems
    assert any(p.startswith("files differ") for p in problems)
    assert "extra.charts.x.title: only in en" in problems


def test_a_catalog_entry_that_is_not_text_is_refused_by_name(tmp_path: Path) -> None:
    folder = copy_catalog(tmp_path)
    (folder / "en" / "charts.yaml").write_text("charts:\n  placeholder:\n    text: [1, 2]\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"docs/catalog/en/charts\.yaml: key 'charts\.charts\.placeholder\.text'"):
        entries(folder, "en")


@pytest.mark.parametrize(("entry", "rule"), [
    ("On {date, the", r"broken placeholder \(.*\) \(a placeholder is a name in braces"),
    ("Item {0} of {n}", r"placeholders must be names, like \{date\}; found \['0', 'n'\]"),
    ("From {a.b}", r"placeholders must be names"),
])
def test_a_broken_placeholder_is_refused_by_name(tmp_path: Path, entry: str, rule: str) -> None:
    folder = copy_catalog(tmp_path)
    (folder / "en" / "charts.yaml").write_text(f"charts:\n  x:\n    title: \"{entry}\"\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"^docs/catalog/en/charts\.yaml: key 'charts\.charts\.x\.title': " + rule):
        entries(folder, "en")
