"""The Japanese edition follows its style guide (docs/catalog/glossary.ja.yaml).

The mechanical rules are checked over every built Japanese page: no raw verdict or grade codes, no
B/M suffixes or 10億 column units, large numbers in 万・億・兆 groups, one counter per kind of object,
no half-width parenthesis beside Japanese, no space between Japanese characters or after full-width
punctuation, no words the glossary retires, no italic Japanese, no heading, table header or label
left in English. Each rule is also run on a snippet written to break it, so a rule that stops
finding anything fails here first. Source titles may stay in their original language, so the text
of links to other sites is not read, nor code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest
import tinycss2
from bs4 import BeautifulSoup, NavigableString, Tag

from build_scripts.claims.schema import load_claims
from build_scripts.facts import load_facts
from build_scripts.paths import DOCS
from build_scripts.vocab import grades, seen_at_ja
from build_scripts.yamlio import load_yaml

GLOSSARY_FILE = DOCS / "catalog" / "glossary.ja.yaml"

# Japanese characters: CJK punctuation (not the ideographic space), kana, kanji, full-width forms.
J = "\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e"
SPACE = "[ \u00a0\u3000\t]"
OPAQUE = "\x1a"  # stands for code and foreign-language text, which the rules do not read
BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "caption", "summary", "dt",
          "dd", "label", "button", "option", "title", "div", "section", "article", "nav", "header", "footer",
          "main", "aside", "details", "figure", "table", "tr", "ul", "ol", "dl", "body", "html", "form",
          "blockquote", "noscript", "select", "template"}
UNREAD = "script, style, svg, pre, code, kbd, samp, .headerlink"
ITALIC_TAGS = ("em", "i", "cite", "dfn", "var")
ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")


@cache
def glossary() -> dict:
    return load_yaml(GLOSSARY_FILE, "docs/catalog/glossary.ja.yaml")


def texts(html: str) -> Iterator[tuple[str, str]]:
    """(kind, text) for every piece of text a reader of the page meets: each block's own text with
    its whitespace as the browser shows it ("block", or "cell" in a table), and the text of the
    attributes readers hear or see ("attribute")."""
    soup = _readable(BeautifulSoup(html, "html.parser"))
    yield from _attribute_texts(soup)
    yield from _block_texts(soup)


def _readable(soup: BeautifulSoup) -> BeautifulSoup:
    """The page with what is not Japanese prose (code, scripts, outside links, other languages) opaque."""
    for el in soup.select(UNREAD):
        el.replace_with(OPAQUE)
    for el in soup.select('a[href^="http://"], a[href^="https://"], [lang]:not([lang^="ja"])'):
        if el.name != "html":
            el.replace_with(OPAQUE)
    return soup


def _attribute_texts(soup: BeautifulSoup) -> Iterator[tuple[str, str]]:
    for el in soup.find_all(True):
        for name in ATTRIBUTES:
            if isinstance(el.get(name), str) and el[name].strip():
                yield "attribute", el[name]
    meta = soup.find("meta", attrs={"name": "description"})
    if meta is not None and meta.get("content"):
        yield "attribute", meta["content"]


def _block_texts(soup: BeautifulSoup) -> Iterator[tuple[str, str]]:
    own: dict[int, list[str]] = {}
    kind: dict[int, str] = {}
    for s in soup.find_all(string=True):
        if not isinstance(s, NavigableString) or type(s) is not NavigableString:
            continue  # comments, doctype
        block = next((p for p in s.parents if isinstance(p, Tag) and p.name in BLOCKS), None)
        if block is None:
            continue
        own.setdefault(id(block), []).append(str(s))
        kind[id(block)] = "cell" if block.name in ("td", "th") else "block"
    for key, parts in own.items():
        text = re.sub(r"\s+", " ", "".join(parts)).strip()
        if text:
            yield kind[key], text


def _around(text: str, m: re.Match[str], width: int = 14) -> str:
    return text[max(0, m.start() - width):m.end() + width]


def _find(pattern: re.Pattern[str], text: str) -> list[str]:
    return [_around(text, m) for m in pattern.finditer(text)]


HALF_PAREN = re.compile(rf"[{J}][()]|[()][{J}]")
SPACE_IN_JAPANESE = re.compile(rf"[{J}]{SPACE}+[{J}]")
SPACE_AFTER_PUNCT = re.compile(rf"[、。，．：；！？「」『』（）・〜]{SPACE}+(?=[^\s{OPAQUE}])")
# A number with a B/M suffix; model names ("Llama 3.1 405B", "8x7B", "235B-A22B") follow a Latin word.
BM_SUFFIX = re.compile(r"(?<![A-Za-z0-9.\-x/ ])\$?\d[\d,.]*\s?(?:B|M|bn|mn)(?![A-Za-z])")
# A 10億/100万 unit: allowed only in a per-unit price (100万トークンあたり) or a register's "…単位".
COLUMN_UNIT = re.compile(r"(?<![\d,.])(?:10億|100万|百万|十億)(?!トークン)(?![^\s、。（）]{0,8}単位)")
# In running text, a count of a million or more written only with commas (2,788,000) instead of 万.
COMMA_ONLY = re.compile(r"(?<![\d,.])\d{1,3}(?:,\d{3}){2,}(?![\d,.万億兆])")


def raw_codes(text: str) -> list[str]:
    words = sorted(glossary()["codes"], key=len, reverse=True)
    rx = re.compile(r"(?<![A-Za-z_\-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![A-Za-z_\-])")
    return _find(rx, text)


def retired_terms(text: str) -> list[str]:
    return [t for term in glossary()["terms"] for t in term.get("avoid", []) if t in text]


BREAK = "[、。，：；「」（）『』]"  # a counted object is named within its own clause


def wrong_counters(text: str) -> list[str]:
    """A count of an object with another object's counter: the object named just before the number
    ("H100を約5万基", "モデル11件") or just after the counter ("1枚のGPU")."""
    found = []
    for c in glossary()["counters"]:
        rx = re.compile(r"\d[\d,.万億兆]*(?:" + "|".join(map(re.escape, c["never"])) + ")")
        for m in rx.finditer(text):
            before = re.split(BREAK, text[max(0, m.start() - 6):m.start()])[-1]
            after = re.split(BREAK, text[m.end():m.end() + 5])[0]
            near = before + " " + after
            if any(word in near for word in c["context"]):
                found.append(f"{c['object']}: {_around(text, m)}")
    return found


Rule = Callable[[str, str], list[str]]
RULES: dict[str, Rule] = {
    "raw code": lambda _kind, t: raw_codes(t),
    "B/M suffix": lambda _kind, t: _find(BM_SUFFIX, t),
    "10億/100万 unit": lambda _kind, t: _find(COLUMN_UNIT, t),
    "commas instead of 万・億・兆": lambda kind, t: [] if kind == "cell" else _find(COMMA_ONLY, t),
    "counter": lambda _kind, t: wrong_counters(t),
    "half-width parenthesis": lambda _kind, t: _find(HALF_PAREN, t),
    "space between Japanese": lambda _kind, t: _find(SPACE_IN_JAPANESE, t),
    "space after full-width punctuation": lambda _kind, t: _find(SPACE_AFTER_PUNCT, t),
    "retired term": lambda _kind, t: retired_terms(t),
}


def italic_japanese(html: str) -> list[str]:
    """Japanese text inside an element the browser sets in italics by default."""
    soup = BeautifulSoup(html, "html.parser")
    return [el.get_text()[:40] for el in soup.find_all(ITALIC_TAGS) if re.search(f"[{J}]", el.get_text())]


LABELS = ("th, h1, h2, h3, h4, h5, h6, caption, summary, label, button, option, title, .chart-title, "
          ".table-caption, .md-nav__link")
ENGLISH_WORD = re.compile(r"[a-z]{2,}")


def untranslated_labels(html: str) -> list[str]:
    """Headings, table headers, captions and interface labels with no Japanese in them and an English
    word (a symbol, ticker or abbreviation such as "NVDA", "β" or "CAR [0,+1]" may stand alone)."""
    soup = BeautifulSoup(html, "html.parser")
    for el in soup.select(UNREAD):
        el.replace_with(OPAQUE)
    for el in soup.select('[lang]:not([lang^="ja"])'):
        if el.name != "html":
            el.replace_with(OPAQUE)
    out = []
    for el in soup.select(LABELS):
        text = el.get_text(" ", strip=True)
        if text and not re.search(f"[{J}]", text) and ENGLISH_WORD.search(text):
            out.append(text[:40])
    return out


def problems(html: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for kind, text in texts(html):
        for name, rule in RULES.items():
            out.setdefault(name, []).extend(rule(kind, text))
    out["italic Japanese"] = italic_japanese(html)
    out["untranslated label"] = untranslated_labels(html)
    return {k: sorted(set(v)) for k, v in out.items() if v}


def japanese_pages(site: Path) -> list[Path]:
    pages = sorted(p for p in (site / "ja").rglob("*.html") if "generated" not in p.parts)
    assert len(pages) >= 8, pages
    return pages


@pytest.mark.slow
def test_every_japanese_page_follows_the_mechanical_rules(built_site: Path) -> None:
    bad = {}
    for page in japanese_pages(built_site):
        html = page.read_text(encoding="utf-8")
        assert '<html lang="ja"' in html, page
        found = problems(html)
        if found:
            bad[str(page.relative_to(built_site))] = found
    assert not bad, bad


def _upright_selectors(css: str) -> set[str]:
    """Selectors of the rules that set `font-style: normal`."""
    out = set()
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        decls = tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
        if any(d.type == "declaration" and d.lower_name == "font-style"
               and tinycss2.serialize(d.value).strip() == "normal" for d in decls):
            out |= {s.strip() for s in tinycss2.serialize(rule.prelude).split(",")}
    return out


@pytest.mark.slow
def test_the_style_sheet_sets_japanese_emphasis_and_captions_upright(built_site: Path) -> None:
    css = (built_site / "ja" / "assets" / "report.css").read_text(encoding="utf-8")
    upright = _upright_selectors(css)
    missing = [f":lang(ja) {t}" for t in (*ITALIC_TAGS, "figcaption", "caption") if f":lang(ja) {t}" not in upright]
    assert not missing, missing


def test_the_style_sheet_check_notices_a_missing_rule() -> None:
    assert ":lang(ja) em" in _upright_selectors(":lang(ja) em, :lang(ja) i { font-style: normal }")
    assert ":lang(ja) em" not in _upright_selectors(":lang(ja) em { font-style: italic }")


CLEAN = ('<html lang="ja"><body><p>エヌビディアは<span class="v">5万個</span>のH100（推計）を持ち、'
         '<a href="https://example.org/">Supported by 3M users</a>、<code>f(x) = 2 x</code>を使います。</p>'
         '<table><tr><th>総数（億）</th><td>2,788,000</td><td>裏付けあり</td></tr></table>'
         '<p>Llama 3.1 405BとMixtral 8x7Bは、100万トークンあたり0.55ドルです。</p></body></html>')


def test_a_page_written_to_the_guide_passes() -> None:
    assert problems(CLEAN) == {}


@pytest.mark.parametrize(("rule", "snippet"), [
    ("raw code", "<td>secondary</td>"),
    ("raw code", "<p>確度は primary-verified です。</p>"),
    ("raw code", '<img alt="判定：not_yet">'),
    ("B/M suffix", "<p>総数は671.03Bで、論文の671Bを再現します。</p>"),
    ("10億/100万 unit", "<th>総数（10億）</th>"),
    ("10億/100万 unit", "<p>GPU時間（百万）</p>"),
    ("commas instead of 万・億・兆", "<p>2,788,000GPU時間を使いました。</p>"),
    ("counter", "<p>約50,000基のH100を持っていると述べました。</p>"),
    ("counter", "<p>1枚のGPUで扱える量です。</p>"),
    ("counter", "<p>MoEモデル11件のうち5件は前に公開されました。</p>"),
    ("half-width parenthesis", "<p>（専門家の混成モデル (MoE)）</p>"),
    ("space between Japanese", "<p>同じ日の\n市場は下げました。</p>"),
    ("space between Japanese", "<p><strong>要点：</strong> 急落しました。</p>"),
    ("space after full-width punctuation", "<p>（MHA） をV3の形に</p>"),
    ("retired term", "<p>専門家の混成を使います。</p>"),
    ("italic Japanese", "<p><em>R1に関する数字は二次情報です。</em></p>"),
    ("untranslated label", "<table><tr><th>Seen in</th><td>原典で確認</td></tr></table>"),
    ("untranslated label", "<h2>All facts</h2>"),
])
def test_each_rule_finds_a_page_that_breaks_it(rule: str, snippet: str) -> None:
    assert rule in problems(f'<html lang="ja"><body>{snippet}</body></html>')


# --- the glossary is the one source of the words -------------------------------------------------


def test_the_glossary_labels_are_the_labels_the_build_prints() -> None:
    labels = glossary()["labels"]
    book = load_claims()
    assert labels["verdicts"] == {k: v.label.ja for k, v in book.verdicts.items()}
    assert labels["outcomes"] == {k: v.ja for k, v in book.outcomes.items()}
    vocab = grades()
    assert labels["evidence"] == {e.code: e.ja for e in vocab.evidence}
    assert labels["seen_in"] == {s.code: s.ja for s in vocab.seen_in}


def test_every_place_written_in_words_has_its_japanese() -> None:
    """A fact read in a copy names where (`seen_in.at`): a host reads the same in Japanese; words need
    an entry in data/facts/vocab/seen_at.yaml, and every entry there is still used."""
    ats = {f.seen_in.at for f in load_facts().values() if f.seen_in and f.seen_in.at}
    worded = {a for a in ats if " " in a}
    assert sorted(worded - seen_at_ja().keys()) == []
    assert sorted(seen_at_ja().keys() - ats) == []
