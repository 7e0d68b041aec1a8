"""Words of the pages that Python assembles (table headers, chart titles, alt-text templates,
captions), kept per language in `docs/catalog/<lang>/<section>.yaml`.

A translator edits one file per section and language and never opens Python. Keys are dotted
paths (`scorecard.columns.claim`); `{name}` placeholders are filled with printed values.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from .errors import DataError
from .paths import DOCS
from .yamlio import load_yaml

CATALOG_DIR = DOCS / "catalog"


def _flatten(prefix: str, node: Any, out: dict[str, str], file: str) -> None:
    if isinstance(node, Mapping):
        for k, v in node.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out, file)
    elif isinstance(node, str):
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(node) if name is not None]
        except ValueError as err:
            raise DataError(file, f"key '{prefix}'", f"broken placeholder ({err})",
                            hint="a placeholder is a name in braces, {date}; write {{ or }} for a brace") from None
        if not all(name.isidentifier() for name in names):
            raise DataError(file, f"key '{prefix}'", f"placeholders must be names, like {{date}}; found {names}")
        out[prefix] = node
    else:
        raise DataError(file, f"key '{prefix}'", "catalog entries must be text", hint="quote the value")


@cache
def load_catalog(lang: str, folder: Path = CATALOG_DIR) -> dict[str, str]:
    """Every entry of every catalog file of `lang`, keyed `<file stem>.<dotted key>`."""
    out: dict[str, str] = {}
    for path in sorted((folder / lang).glob("*.yaml")):
        _flatten(path.stem, load_yaml(path, f"docs/catalog/{lang}/{path.name}") or {}, out,
                 f"docs/catalog/{lang}/{path.name}")
    return out


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def word(lang: str, key: str, **values: object) -> str:
    """The catalog text for `key` in `lang`, with its placeholders filled."""
    entries = load_catalog(lang)
    if key not in entries:
        raise DataError(f"docs/catalog/{lang}/{key.split('.')[0]}.yaml", f"key '{key}'", "missing",
                        hint="add it in both languages")
    text = entries[key]
    missing = placeholders(text) - set(values)
    if missing:
        raise DataError(f"docs/catalog/{lang}/{key.split('.')[0]}.yaml", f"key '{key}'",
                        f"placeholders without a value: {sorted(missing)}")
    try:
        return text.format(**values) if values else text
    except (ValueError, TypeError) as err:  # a format like {n:.1f} given text
        raise DataError(f"docs/catalog/{lang}/{key.split('.')[0]}.yaml", f"key '{key}'",
                        f"a placeholder's format does not fit its value ({err})") from None


def both_words(key: str, **values: object) -> dict[str, str]:
    """The same entry in both languages, for a chart or table that carries its own words."""
    return {lang: word(lang, key, **values) for lang in ("en", "ja")}
