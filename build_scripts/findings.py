"""Key findings: the three to five bullets that open each section page, filled from the page values.

Their words are in each section's catalog, under `findings:` (docs/catalog/<lang>/<section>.yaml),
one entry per finding in the order the page lists them. A finding's `{placeholders}` are names of
page values (the analysis's figures, facts, verdicts), printed as the traced value spans the prose
uses. A finding must be true in every edition, so the values decide which words an edition gets:

- `text` when every value it names exists in this edition;
- otherwise `not_yet` (if the finding has one, and its own values exist), which says what this
  edition cannot know yet;
- otherwise the finding is left out of this edition.

The block of each section is `findings-<section>`; a page prints it with `{{ block("findings-…") }}`.
The step runs after every section, so a finding may name a value another section registered (the
overreaction page's findings name the verdict the scorecard registered).
"""

from __future__ import annotations

from .catalog import load_catalog, placeholders, word
from .errors import DataError
from .paths import LANGS
from .values import Values

SECTIONS = ("headline", "efficiency", "overreaction", "investor", "scorecard")
MIN_FINDINGS, MAX_FINDINGS = 3, 5
VARIANTS = ("text", "not_yet")


def finding_ids(section: str) -> list[str]:
    """The findings of a section, in the catalog file's order."""
    head = f"{section}.findings."
    ids = list(dict.fromkeys(k[len(head):].split(".")[0] for k in load_catalog("en") if k.startswith(head)))
    for fid in ids:
        extra = {k.split(".")[-1] for k in load_catalog("en") if k.startswith(f"{head}{fid}.")} - set(VARIANTS)
        if extra or f"{head}{fid}.text" not in load_catalog("en"):
            raise DataError(f"docs/catalog/en/{section}.yaml", f"findings.{fid}",
                            "a finding has a 'text' and may have a 'not_yet', nothing else")
    return ids


def variant(values: Values, section: str, fid: str) -> str | None:
    """Which words of a finding this edition can print ('text', 'not_yet'), or None."""
    for name in VARIANTS:
        key = f"{section}.findings.{fid}.{name}"
        text = load_catalog("en").get(key)
        if text is not None and placeholders(text) <= values.items.keys():
            return name
    return None


def bullets(values: Values, section: str, lang: str) -> list[str]:
    out = []
    for fid in finding_ids(section):
        name = variant(values, section, fid)
        if name is not None:
            key = f"{section}.findings.{fid}.{name}"
            names = placeholders(load_catalog(lang)[key])
            out.append(word(lang, key, **{n: values.items[n].html(lang) for n in names}))
    return out


def block(values: Values, section: str) -> dict[str, str]:
    """The section's findings as a bulleted block, per language."""
    out = {}
    for lang in LANGS:
        items = bullets(values, section, lang)
        if not MIN_FINDINGS <= len(items) <= MAX_FINDINGS:
            raise DataError(f"docs/catalog/{lang}/{section}.yaml", "findings",
                            f"this edition has {len(items)} findings; a page opens with "
                            f"{MIN_FINDINGS} to {MAX_FINDINGS}",
                            hint="give a finding whose figures are missing a 'not_yet' wording")
        title = word(lang, "common.findings.title")
        lines = "\n".join(f"- {item}" for item in items)
        out[lang] = (f'<div class="key-findings" markdown>\n<p class="key-findings__title">{title}</p>\n\n'
                     f"{lines}\n\n</div>\n")
    return out


def blocks(values: Values) -> dict[str, dict[str, str]]:
    return {f"findings-{section}": block(values, section) for section in SECTIONS}
