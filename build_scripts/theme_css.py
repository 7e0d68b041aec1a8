"""The theme's style sheets, cut down to the rules this site can use, as one file.

Material ships 150 KiB of CSS for every feature it has; a phone must download and parse all of it
before the first paint. After both languages are built, the MkDocs hook calls `write_theme_css`:
a rule is kept when every class, id, element and attribute value that its selector requires occurs
somewhere in the built pages or in the theme's and the report's scripts (which create the search
results, the version selector, tooltips and so on at run time). So a feature that a page or a
script can show keeps its styles: dark mode, print, the search dialog, admonitions, the version
banner, tabs. Custom properties that no kept rule uses are dropped as well.

The output depends only on its inputs, so two builds give the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import tinycss2
from tinycss2 import ast

from .page_markup import TABLE_CLASS

THEME_CSS = "assets/stylesheets/theme.css"  # what overrides/main.html links
_WORD = re.compile(r"[A-Za-z0-9_-]+")
_VAR = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)")
# The theme styles tables it has not wrapped (`table:not([class])`); the build wraps and marks them.
_UNWRAPPED = "table:not([class])"
_WRAPPED = f"table:is(:not([class]),.{TABLE_CLASS})"


def words_of(texts: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for text in texts:
        out.update(_WORD.findall(text))
    return out


def _selector_needs(tokens: list) -> set[str]:
    """The names a selector cannot match without: classes, ids, elements, attributes and values."""
    needs: set[str] = set()
    prev = None
    for tok in tokens:
        after = prev.value if prev is not None and prev.type == "literal" else None
        if tok.type == "hash":
            needs.add(tok.value)
        elif tok.type == "ident" and after == ".":
            needs.add(tok.value)  # a class
        elif tok.type == "ident" and after not in {":", "::"} and (prev is None or prev.type in {"whitespace",
                                                                                                 "literal"}):
            needs.add(tok.value.lower())  # an element
        elif tok.type == "[] block":
            parts = [t for t in tok.content if t.type != "whitespace"]
            if parts and parts[0].type == "ident":
                needs.add(parts[0].value)
            values = [t.value for t in parts[1:] if t.type in {"ident", "string"}]
            needs.update(v for v in values[:1] if _WORD.fullmatch(v))
        # Pseudo-classes, and everything inside :not(), :is(), :where() or :has(), add no requirement.
        prev = tok
    return needs - {"html", "body", "*"}


def _split_selectors(prelude: list) -> list[list]:
    groups: list[list] = [[]]
    for tok in prelude:
        if tok.type == "literal" and tok.value == ",":
            groups.append([])
        else:
            groups[-1].append(tok)
    return [g for g in groups if any(t.type != "whitespace" for t in g)]


def _strip(tokens: list) -> list:
    while tokens and tokens[0].type == "whitespace":
        tokens = tokens[1:]
    while tokens and tokens[-1].type == "whitespace":
        tokens = tokens[:-1]
    return tokens


def _purge_rules(rules: list, words: set[str]) -> list[str]:
    out: list[str] = []
    for rule in rules:
        if rule.type == "error":
            raise ValueError(f"theme CSS: cannot read a rule: {rule.message}")
        if rule.type == "qualified-rule":
            kept = [g for g in _split_selectors(rule.prelude) if _selector_needs(g) <= words]
            if not kept:
                continue
            prelude = ",".join(tinycss2.serialize(_strip(g)) for g in kept)
            out.append(prelude.replace(_UNWRAPPED, _WRAPPED) + "{" + tinycss2.serialize(rule.content) + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in {"media", "supports", "container", "layer"} \
                and rule.content is not None:
            inner = _purge_rules(tinycss2.parse_rule_list(rule.content), words)
            if inner:
                out.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{''.join(inner)}}}")
        elif rule.type == "at-rule":
            out.append(tinycss2.serialize([rule]))
    return out


def _drop_unused_properties(css: str, extra_uses: str) -> str:
    """Remove `--name: value` declarations that nothing reads through `var(--name)`."""
    used = set(_VAR.findall(css)) | set(_VAR.findall(extra_uses))
    # A property read by another one that is itself unused is still counted: one pass is enough
    # for the theme's icon and colour variables, and keeps the rule simple.

    def clean(rules: list) -> list[str]:
        out: list[str] = []
        for rule in rules:
            if rule.type == "qualified-rule":
                keep = _used_declarations(rule, used)
                if not keep:
                    continue
                body = ";".join(_declaration(d) for d in keep)
                out.append(tinycss2.serialize(rule.prelude) + "{" + body + "}")
            elif rule.type == "at-rule" and rule.lower_at_keyword in {"media", "supports", "container", "layer"} \
                    and rule.content is not None:
                inner = clean(tinycss2.parse_rule_list(rule.content))
                if inner:
                    out.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{''.join(inner)}}}")
            elif rule.type == "at-rule":
                out.append(tinycss2.serialize([rule]))
        return out

    return "".join(clean(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True)))


def _used_declarations(rule: ast.QualifiedRule, used: set[str]) -> list[ast.Node]:
    """A rule's declarations and nested rules, minus custom properties nobody reads."""
    keep = []
    for d in tinycss2.parse_blocks_contents(rule.content):
        if d.type == "error":
            raise ValueError(f"theme CSS: cannot read a declaration: {d.message}")
        if d.type == "declaration" and d.name.startswith("--") and d.name not in used:
            continue
        if d.type in {"declaration", "at-rule", "qualified-rule"}:
            keep.append(d)
    return keep


def _declaration(d: ast.Node) -> str:
    if d.type != "declaration":
        return tinycss2.serialize([d])
    value = tinycss2.serialize(_strip(list(d.value)))
    return f"{d.name}:{value}{'!important' if d.important else ''}"


def purge(css: str, words: set[str], extra_uses: str = "") -> str:
    """The rules of `css` that can match content made of `words`, minus unused custom properties."""
    rules = tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True)
    kept = "".join(_purge_rules(rules, words))
    return _drop_unused_properties(kept, extra_uses)


def write_theme_css(site_dir: Path, pages: Iterable[str]) -> Path:
    """Replace the theme's main and palette style sheets in `site_dir` by one purged file.

    `pages` are the HTML pages of this build (the other language's build may share the folder,
    so the pages are passed in, not found on disk). Scripts are read from the site's assets.
    """
    css_dir = site_dir / "assets" / "stylesheets"
    sources = sorted(css_dir.glob("main.*.min.css")) + sorted(css_dir.glob("palette.*.min.css"))
    if len(sources) != 2:
        raise FileNotFoundError(f"{css_dir}: expected the theme's main and palette style sheets")
    scripts = [p.read_text(encoding="utf-8") for p in sorted((site_dir / "assets" / "javascripts").glob("*.js"))]
    report_css = "".join(p.read_text(encoding="utf-8") for p in sorted((site_dir / "assets").glob("*.css")))
    pages = list(pages)
    words = words_of([*pages, *scripts]) | {TABLE_CLASS}
    css = purge("".join(p.read_text(encoding="utf-8") for p in sources), words,
                extra_uses=report_css + "".join(pages))
    out = site_dir / THEME_CSS
    out.write_text(css, encoding="utf-8")
    for p in sources:
        p.unlink()
        p.with_name(p.name + ".map").unlink(missing_ok=True)
    return out
