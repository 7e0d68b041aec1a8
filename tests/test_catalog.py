"""The word catalogs (docs/catalog/<lang>/<section>.yaml): a translator edits one file per language,
so every file, key and placeholder must exist in both languages. The check walks the whole folder.
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


def differences(folder: Path) -> list[str]:
    """Every way the two languages differ: files, keys and placeholders."""
    out = []
    files = {lang: sorted(p.name for p in (folder / lang).glob("*.yaml")) for lang in LANGS}
    if files["en"] != files["ja"]:
        out.append(f"files differ: en {files['en']} / ja {files['ja']}")
    en, ja = entries(folder, "en"), entries(folder, "ja")
    out += [f"{k}: only in en" for k in sorted(en.keys() - ja.keys())]
    out += [f"{k}: only in ja" for k in sorted(ja.keys() - en.keys())]
    for k in sorted(en.keys() & ja.keys()):
        if placeholders(en[k]) != placeholders(ja[k]):
            out.append(f"{k}: placeholders en {sorted(placeholders(en[k]))} / ja {sorted(placeholders(ja[k]))}")
    return out


def test_every_key_is_in_both_languages_with_the_same_placeholders() -> None:
    assert sorted(p.name for p in (CATALOG_DIR / "en").glob("*.yaml"))
    assert differences(CATALOG_DIR) == []


def test_no_entry_is_empty() -> None:
    for lang in LANGS:
        empty = [k for k, v in entries(CATALOG_DIR, lang).items() if not v.strip()]
        assert not empty, (lang, empty)


def test_a_missing_key_a_changed_placeholder_and_a_missing_file_are_all_found(tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    for lang in LANGS:
        (folder / lang).mkdir(parents=True)
        for p in (CATALOG_DIR / lang).glob("*.yaml"):
            (folder / lang / p.name).write_bytes(p.read_bytes())
    ja = folder / "ja" / "overreaction.yaml"
    text = ja.read_text(encoding="utf-8")
    ja.write_text(text.replace('interval: "{level}信頼区間"', 'interval: "{lvl}信頼区間"')
                  .replace("  ticker: ティッカー\n", ""), encoding="utf-8")
    (folder / "en" / "extra.yaml").write_text("title: Extra\n", encoding="utf-8")
    found = differences(folder)
    assert "overreaction.columns.interval: placeholders en ['level'] / ja ['lvl']" in found
    assert "overreaction.columns.ticker: only in en" in found
    assert "extra.title: only in en" in found
    assert any(d.startswith("files differ") for d in found)


def test_a_word_the_build_asks_for_and_the_catalog_lacks_names_the_file_and_key() -> None:
    from build_scripts.sections.common import Labels

    with pytest.raises(DataError, match=r"^docs/catalog/ja/headline\.yaml: key 'headline\.stage\.warm_up': missing"):
        Labels("headline.stage").text("warm_up", "ja")
    with pytest.raises(DataError, match=r"placeholders without a value: \['level'\]"):
        Labels("overreaction.columns").text("interval", "en")


def test_labels_follow_the_catalog_order() -> None:
    from build_scripts.sections.common import Labels

    stages = Labels("headline.stage")
    assert list(stages) == ["pretraining", "context_extension", "post_training", "total"]
    assert stages["total"] == {"en": "Total", "ja": "合計"}
