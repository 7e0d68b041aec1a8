"""Page values: undefined names fail the build; every number on a page traces to a value."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from build_scripts import pages
from build_scripts.paths import DOCS

CTX = {"lang": "en", "v": {"x": '<span class="v" data-ref="metric:x">1%</span>'}, "raw": {},
       "charts": {}, "tables": {}}


def test_a_known_value_renders_with_its_reference() -> None:
    out = pages.render("Fell {{ v.x }} that day.", CTX, 0, "t.md")
    assert out == 'Fell <span class="v" data-ref="metric:x">1%</span> that day.'


def test_an_undefined_value_fails_naming_the_page() -> None:
    with pytest.raises(pages.PageError, match=r"t.md: .*'nope'"):
        pages.render("Fell {{ v.nope }}.", CTX, 0, "t.md")


def test_an_unknown_chart_fails_naming_the_page_and_line() -> None:
    with pytest.raises(pages.PageError, match=r"^t\.md: line 1: unknown chart 'nope'$"):
        pages.render('{{ chart("nope") }}', CTX, 0, "t.md")


def test_an_error_names_the_line_of_the_file_after_its_front_matter() -> None:
    """MkDocs passes the page without its front matter; the line is the one an author sees."""
    body = "Intro.\n\nFell {{ v.x }}.\n{{ table(\"gone\") }}\n"
    with pytest.raises(pages.PageError, match=r"^t\.md: line 7: unknown table 'gone'$"):
        pages.render(body, CTX, 0, "t.md", first_line=4)
    with pytest.raises(pages.PageError, match=r"^t\.md: line 6: Encountered unknown tag 'endif'"):
        pages.render("a\n\n{% endif %}", CTX, 0, "t.md", first_line=4)


def test_a_template_error_of_any_kind_is_a_page_error() -> None:
    with pytest.raises(pages.PageError, match=r"^t\.md: line 2: ZeroDivisionError: .*a page prints values"):
        pages.render("ok\n{{ 1 // 0 }}", CTX, 0, "t.md")


def test_what_a_page_prints_besides_markup_is_text_and_a_link_target_goes_through_url() -> None:
    ctx = {**CTX, "raw": {"t": "<img src=x onerror=alert(1)> *x*", "u": "https://example.org/a)[b](javascript:c)",
                          "bad": "javascript:alert(1)"}}
    out = pages.render("{{ raw.t }} [s]({{ raw.u | url }})", ctx, 0, "t.md")
    assert out == ("&lt;img src=x onerror=alert(1)&gt; &#42;x&#42; "
                   "[s](https://example.org/a%29%5Bb%5D%28javascript:c%29)")
    assert pages.render("{{ v.x }}", ctx, 0, "t.md") == CTX["v"]["x"]  # markup the build made stays live
    with pytest.raises(pages.PageError, match=r"^t\.md: line 1: ValueError: 'javascript:alert\(1\)' is not an http"):
        pages.render("[s]({{ raw.bad | url }})", ctx, 0, "t.md")


def test_the_hook_names_the_page_by_its_docs_path_and_counts_the_front_matter(monkeypatch) -> None:
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    from build_scripts import mkdocs_hook

    monkeypatch.setattr(mkdocs_hook, "load_context", lambda lang: {**CTX, "lang": lang})
    source = "---\ndescription: x\n---\n# Title\n\n{{ v.gone }}\n"
    page = SimpleNamespace(file=SimpleNamespace(src_uri="sub/p.md", content_string=source))
    config = {"theme": {"language": "ja"}}
    with pytest.raises(PluginError, match=r"^docs/ja/sub/p\.md: line 6: .*'gone'"):
        mkdocs_hook.on_page_markdown("# Title\n\n{{ v.gone }}\n", page, config, None)


# Words that contain digits but are names, not figures.
NAMES = re.compile(
    r"DeepSeek-V\d(\.\d)?|DeepSeek-R\d|H20(?!\d)|(?<![A-Za-z])[RV]\d(?!\d)|FP\d+|BF16|H\d{3}|A\d{3}|B\d{3}|"
    r"S&P\s?500|Nasdaq-100|ナスダック100|S&P500|Llama \d(\.\d)?|GPT-\d\w*|Qwen\d|Mixtral \dx\d+B|"
    r"Global \d+|\b\dx\d+B\b|o\d(-mini)?|\^?N225|9984\.T|Claude \d\.\d|gpt-oss-\d+b|Grok-\d|"
    r"CC BY \d\.\d|SMCI|GOOGL|QQQ|SOXX|SMH|(?<![A-Za-z])C\d\.\d+(?!\d)|IPAex|v\d\.\d|Top-\d|"
    r"[Dd]ay[- ]0\b|(?<![A-Za-z])T\d+(?!\d)"
)


def prose_numbers(html: str) -> list[str]:
    """Digits left in a page's main text once traced values, tables, charts and code are removed."""
    soup = BeautifulSoup(html, "html.parser")
    article = soup.select_one("article")
    assert article is not None
    for el in article.select("[data-ref], table, figure, code, pre, .headerlink, svg, script"):
        el.decompose()
    text = NAMES.sub(" ", article.get_text(" "))
    return [m.group(0) for m in re.finditer(r".{0,12}\d[\d,.]*.{0,6}", text)]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_number_in_the_prose_traces_to_a_value(built_site: Path, lang: str) -> None:
    allowed = {"100", "1", "12", "10"}  # method constants: "= 100" rebasing, horizon words
    root = built_site if lang == "en" else built_site / "ja"
    bad = {}
    for md in sorted((DOCS / lang).glob("*.md")):
        html_file = root / ("index.html" if md.stem == "index" else f"{md.stem}/index.html")
        found = [n for n in prose_numbers(html_file.read_text(encoding="utf-8"))
                 if not set(re.findall(r"\d+", n)) <= allowed]
        if found:
            bad[md.stem] = found
    assert not bad, bad


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_no_page_shows_its_own_markup_as_text(built_site: Path, lang: str) -> None:
    """Markup the build wrote must never reach the reader escaped (a figure joined into a string in a
    template would): no visible text of any page holds a tag, a traced-value attribute or a character
    reference (an identifier escaped twice shows as `nvda&#95;q3`)."""
    root = built_site if lang == "en" else built_site / "ja"
    bad = {}
    for page in sorted(root.rglob("index.html")):
        if lang == "en" and page.relative_to(root).parts[0] == "ja":
            continue
        article = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("article")
        shown = article.get_text() if article else ""
        hits = re.findall(r".{0,30}(?:<span|<a |data-ref=|</|&#?\w+;).{0,30}", shown)
        if hits:
            bad[str(page.relative_to(root))] = hits[:3]
    assert not bad, bad


def test_japanese_soft_line_breaks_are_joined_but_blocks_are_kept() -> None:
    text = '急落しました。\n同じ日の<span class="v">x</span>\nです。\n\n- 箇条書き\n| 表 |\n## 見出し\n本文\n'
    out = pages.join_cjk_lines(text)
    assert out.startswith('急落しました。同じ日の<span class="v">x</span>です。')
    assert out.endswith("\n\n- 箇条書き\n| 表 |\n## 見出し\n本文\n")
