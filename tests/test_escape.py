"""Text from data reaches a page as text: every place a string enters page markup (table cells,
headers and captions, chart titles and alt text, traced values, catalog words with placeholders,
link targets) escapes it for HTML and for Markdown, and markup the build writes itself stays live.

Each check renders through Python-Markdown with the extensions of mkdocs.yml and reads the result
with an HTML parser: no element or attribute came from the text, and the text reads as it was.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from build_scripts import escape, pages
from build_scripts.escape import Html
from build_scripts.tables import Column, Table
from build_scripts.values import Value

from .markdown_pages import soup

# Text that would be markup somewhere if it reached a page as it stands.
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "</span></td></tr></table><script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "*em* _u_ **strong** __s__",
    "[link](javascript:alert(1)) and ![i](x.png)",
    "<https://example.org> and [ref][1]\n\n[1]: javascript:alert(1)",
    "`code` and ``more``",
    "a {: .evil #id onclick=x } b { data-x=1 }",
    "cell | split | row",
    "# heading",
    "- item",
    "+ item",
    "1. item",
    "> quote",
    "!!! note",
    "??? note",
    "~~~",
    "---",
    "===",
    "    indented code",
    "&amp; &#60; &lt;",
    "\\*not emphasis\\*",
    "<!-- comment -->",
    "[[table:sources-table]] {root}",
    "line one\n\n# line two\n\n<div>three</div>",
    "footnote[^1]\n\n[^1]: note",
    "*[HTML]: abbreviation",
    "{{ 7 * 7 }} {% if true %}x{% endif %}",
    "\u202eRTL override\u200f mark",
]


def words_of(node) -> str:
    return " ".join(node.get_text().split())


def same_text(s: str) -> str:
    return " ".join(s.split())


@pytest.mark.parametrize("payload", HOSTILE)
@pytest.mark.parametrize("place", ["alone", "inline"])
def test_text_reads_as_it_was_and_adds_no_markup(payload: str, place: str) -> None:
    text = escape.text(payload)
    md = str(text) if place == "alone" else f"Before {text} after."
    page = soup(md)
    assert [el.name for el in page.find_all(True)] == ["p"], md
    expected = payload if place == "alone" else f"Before {payload} after."
    assert words_of(page) == same_text(expected)


@pytest.mark.parametrize("payload", HOSTILE)
def test_text_in_an_attribute_stays_in_it(payload: str) -> None:
    page = soup(f'Before <span title="{escape.attr(payload)}" data-ref="fact:a_b">x</span> after.')
    assert [el.name for el in page.find_all(True)] == ["p", "span"]
    span = page.find("span")
    assert set(span.attrs) == {"title", "data-ref"} and span["data-ref"] == "fact:a_b"
    assert same_text(span["title"]) == same_text(payload) and span.get_text() == "x"


@pytest.mark.parametrize("payload", HOSTILE)
def test_a_table_escapes_text_cells_headers_and_captions(payload: str) -> None:
    t = Table("t", pd.DataFrame({"title": [payload], "n": [3]}),
              (Column("title", {"en": payload, "ja": payload}),
               Column("n", {"en": "N", "ja": "N"}, lambda v, _lang: Html('<span class="v">{}</span>').format(v))),
              caption={"en": payload, "ja": payload}, phone="fits")
    page = soup(pages.table_snippet(t, "en").replace("{root}", ""))
    names = [el.name for el in page.find_all(True)]
    assert names == ["div", "table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td", "span", "p", "strong", "a"]
    assert words_of(page.find("th")) == same_text(payload)
    assert words_of(page.find("td")) == same_text(payload)
    assert words_of(page.find("strong")) == same_text(payload)
    # Markup the cell function built itself is kept as markup.
    assert page.select_one("td > span.v").get_text() == "3"


@pytest.mark.parametrize("layout", [{"phone": "cards", "fold": True}, {"phone": "summary", "summary": (0,)}],
                         ids=["folded", "summary"])
@pytest.mark.parametrize("payload", HOSTILE)
def test_folded_and_summary_tables_escape_their_captions_too(payload: str, layout: dict) -> None:
    t = Table("t", pd.DataFrame({"title": [payload], "n": [3]}),
              (Column("title", {"en": payload, "ja": payload}), Column("n", {"en": "N", "ja": "N"})),
              caption={"en": payload, "ja": payload}, **layout)
    page = soup(pages.table_snippet(t, "en").replace("{root}", ""))
    allowed = {"div", "table", "thead", "tr", "th", "tbody", "td", "span", "p", "strong", "a", "details", "summary"}
    assert {el.name for el in page.find_all(True)} <= allowed
    captions = page.select("strong, .table-fold__title")
    assert captions and all(words_of(el) == same_text(payload) for el in captions)


def test_a_cell_function_returning_markup_keeps_its_markup_and_escapes_what_it_joins() -> None:
    cell = Html('<span class="verdict" title="{}">{}</span>').format(escape.attr("a <b>"), "<i>x</i> *y*")
    page = soup(str(cell))
    span = page.select_one("span.verdict")
    assert span["title"] == "a <b>" and span.get_text() == "<i>x</i> *y*" and page.find("i") is None


class _Chart(SimpleNamespace):
    def text(self, lang: str) -> dict[str, str]:
        return self.words


@pytest.mark.parametrize("payload", HOSTILE)
def test_chart_titles_alt_text_and_sources_are_text(payload: str) -> None:
    chart = _Chart(id="c", words={"title": payload, "alt": payload, "source": payload})
    page = soup(pages.chart_snippet(chart, "en").replace("{root}", ""))
    assert [el.name for el in page.find_all(True)] == ["figure", "p", "p", "img", "img", "figcaption", "p", "a"]
    assert words_of(page.select_one("p.chart-title")) == same_text(payload)
    assert all(same_text(img["alt"]) == same_text(payload) for img in page.find_all("img"))
    assert [img["src"] for img in page.find_all("img")] == ["generated/charts/c-light.svg#only-light",
                                                            "generated/charts/c-dark.svg#only-dark"]
    caption = page.find("figcaption")
    assert words_of(caption).startswith(same_text(payload))


@pytest.mark.parametrize("payload", HOSTILE)
def test_a_traced_value_of_text_prints_as_text(payload: str) -> None:
    v = Value("name_x", payload, "text", "fact:some_fact")
    page = soup(f"Said {v.html('en')} today.")
    span = page.select_one('span.v[data-ref="fact:some_fact"]')
    assert [el.name for el in page.find_all(True)] == ["p", "span"]
    assert words_of(span) == same_text(payload)


def test_catalog_words_escape_their_text_and_values_but_keep_a_traced_value_live() -> None:
    n = Html('<span class="v" data-ref="claim:C1.1">2</span>')
    out = escape.words("en", "scorecard.tests_summary", claim="C1.1", verdict="<b>*x*</b>", n=n)
    page = soup(str(out))
    assert page.select_one('span.v[data-ref="claim:C1.1"]').get_text() == "2"
    assert page.find("b") is None and page.find("em") is None
    assert "<b>*x*</b>" in page.get_text()


# --- link targets -----------------------------------------------------------------------------


def test_a_url_cannot_end_its_link_and_start_another() -> None:
    """The fact schema takes this address (http(s), and `)`, `[`, `]` are legal in a path); in a
    Markdown link its `)` would end the link and `[y](javascript:…)` would become a second one."""
    from pydantic import HttpUrl, TypeAdapter

    address = str(TypeAdapter(HttpUrl).validate_python("https://example.org/a)[y](javascript:alert(1))"))
    assert address == "https://example.org/a)[y](javascript:alert(1))"
    page = soup(f"See {escape.link('the <b>title</b>', address)}.")
    links = page.find_all("a")
    assert len(links) == 1 and page.find("b") is None
    assert links[0]["href"] == "https://example.org/a%29%5By%5D%28javascript:alert%281%29%29"
    assert links[0].get_text() == "the <b>title</b>"


@pytest.mark.parametrize("address", ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)",
                                     "data:text/html,<script>alert(1)</script>", "//evil.example/x",
                                     "java\tscript:alert(1)", "vbscript:x"])
def test_a_url_of_another_scheme_is_refused(address: str) -> None:
    with pytest.raises(ValueError, match="is not an http"):
        escape.url(address)


def test_site_paths_and_addresses_with_queries_stay_usable() -> None:
    assert escape.url("scorecard.md#c1-1") == "scorecard.md#c1-1"
    assert escape.url("https://example.org/p?q=1&r=2#x") == "https://example.org/p?q=1&amp;r=2#x"
    page = soup(f"[x]({escape.url('https://example.org/p?q=1&r=2')})")
    assert page.find("a")["href"] == "https://example.org/p?q=1&r=2"


def test_an_identifier_is_code_and_anything_else_in_code_is_escaped() -> None:
    assert escape.code("v3_total_params") == "`v3_total_params`"
    page = soup(f"{escape.code('a` <b>x</b> `b')} end")
    assert page.find("code").get_text() == "a` <b>x</b> `b" and page.find("b") is None


def test_control_characters_never_reach_a_page() -> None:
    assert str(escape.text("a\x00b\x02c\x1bd\ud800e\ufffe")) == "a\ufffdb\ufffdc\ufffdd\ufffde\ufffd"
    assert str(escape.attr("a\x00b")) == "a\ufffdb"
