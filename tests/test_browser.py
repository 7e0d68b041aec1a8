"""The built site in a real headless Chromium: language switching, search, schemes, phones, privacy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from build_scripts.shots import serve
from tests.browser_pages import SCHEMES, WIDTHS, site_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def open_page(browser, url: str, **ctx):
    context = browser.new_context(**ctx)
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return context, page, errors, requests


def switch_language(page, lang: str) -> None:
    page.hover(".md-header__option .md-select")
    page.click(f"a.md-select__link[hreflang={lang}]")
    page.wait_for_load_state("networkidle")


def test_language_switch_keeps_the_page(browser, site_url: str) -> None:
    ctx, page, errors, _ = open_page(browser, f"{site_url}/overreaction/")
    switch_language(page, "ja")
    assert page.url == f"{site_url}/ja/overreaction/"
    assert page.get_attribute("html", "lang") == "ja"
    assert page.inner_text("h1").startswith("過剰反応")
    switch_language(page, "en")
    assert page.url == f"{site_url}/overreaction/"
    assert not errors, errors
    ctx.close()


@pytest.mark.parametrize("path", site_pages())
def test_page_loads_cleanly(page_visits, path: str) -> None:
    """No console error, nothing from another host, no failed request, and every chart loads,
    in both colour schemes at desktop and phone width."""
    for scheme in SCHEMES:
        for width in WIDTHS:
            visit = page_visits.get(path, scheme, width)
            state = f"{path or 'home'} ({scheme}, {width})"
            assert not visit.errors, (state, visit.errors)
            assert not visit.foreign, (state, visit.foreign)
            assert not visit.failed, (state, visit.failed)
            assert not visit.broken_images, (state, visit.broken_images)


def test_chart_pages_have_charts(page_visits) -> None:
    for path in ("overreaction/", "ja/overreaction/", "investor/", "headline/"):
        assert page_visits.get(path).images >= 2, path


@pytest.mark.parametrize("path", site_pages())
def test_phone_width_has_no_sideways_scroll(page_visits, path: str) -> None:
    """At 390 px no page scrolls sideways, with its closed blocks shut or open, and every table on
    it is readable: it fits its box, or (a sticky layout) its first column stays in view while the
    rest scrolls inside the box."""
    phone = WIDTHS["phone"][0]
    for scheme in SCHEMES:
        visit = page_visits.get(path, scheme, "phone")
        state = f"{path or 'home'} ({scheme})"
        assert visit.scroll_width <= phone, f"{state} is {visit.scroll_width}px wide at a 390px viewport"
        assert visit.open_scroll_width <= phone, f"{state} is {visit.open_scroll_width}px wide with its blocks open"
        for t in visit.tables:
            if t["kind"] == "phone-sticky" and t["over"] > 1:
                assert abs(t["first_left"]) <= 1 and t["last_right"] >= -1, (state, t)
            else:
                assert t["over"] <= 1, (state, "a table wider than its box", t)


def test_the_phone_check_sees_every_table(page_visits) -> None:
    """The check above reads the tables in closed blocks too (the facts register, the claims' tests)."""
    ids = {t["id"] for t in page_visits.get("methodology/", "light", "phone").tables}
    assert {"table-sources-table", "table-weak-figures-table"} <= ids
    scorecard = [t for t in page_visits.get("ja/scorecard/", "light", "phone").tables if t["kind"] == "phone-cards"]
    assert len(scorecard) > 10


CARD_CELLS_JS = """id => [...document.querySelectorAll(`#${id} tbody tr`)].slice(0, 3).flatMap(row =>
  [...row.cells].map((td, i) => ({ first: i === 0, label: td.dataset.label,
    before: getComputedStyle(td, '::before').content, right: td.getBoundingClientRect().right,
    display: getComputedStyle(td).display })))"""


@pytest.mark.parametrize(("path", "table", "label"), [
    ("scorecard/", "table-claims-scorecard", "Verdict"),
    ("ja/scorecard/", "table-claims-scorecard", "判定"),
    ("investor/", "table-entries-table", "Date"),
])
def test_cards_show_each_cell_with_its_column_label_on_a_phone(browser, site_url: str, path: str, table: str,
                                                               label: str) -> None:
    ctx, page, errors, _ = open_page(browser, f"{site_url}/{path}", viewport={"width": 390, "height": 844})
    cells = page.evaluate(CARD_CELLS_JS, table)
    labelled = [c for c in cells if not c["first"]]
    assert labelled and all(c["before"] == f'"{c["label"]}"' for c in labelled), labelled
    assert label in {c["label"] for c in labelled}
    assert all(c["right"] <= 390 for c in cells), cells
    ctx.close()
    ctx, page, _, _ = open_page(browser, f"{site_url}/{path}", viewport={"width": 1280, "height": 900})
    assert all(c["display"] == "table-cell" and c["before"] == "none" for c in page.evaluate(CARD_CELLS_JS, table))
    assert not errors, errors
    ctx.close()


@pytest.mark.parametrize("path", ["overreaction/", "ja/overreaction/"])
def test_a_sticky_first_column_stays_in_view_while_the_table_scrolls(browser, site_url: str, path: str) -> None:
    ctx, page, errors, _ = open_page(browser, f"{site_url}/{path}", viewport={"width": 390, "height": 844})
    box = page.locator("#table-reversal-table .md-typeset__scrollwrap")
    first = page.locator("#table-reversal-table tbody tr:first-child td:first-child")
    second = page.locator("#table-reversal-table tbody tr:first-child td:nth-child(2)")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the table fits: nothing to scroll"
    start = (first.bounding_box()["x"], second.bounding_box()["x"])
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    left = box.bounding_box()["x"]
    assert abs(first.bounding_box()["x"] - left) <= 1 and first.is_visible()
    assert second.bounding_box()["x"] < start[1], "the other columns did not scroll"
    assert start[0] >= left
    assert not errors, errors
    ctx.close()


def test_a_sticky_table_that_scrolls_shows_a_shadow_at_its_right_edge(browser, site_url: str) -> None:
    """The hint that more columns lie to the right: a shadow fixed to the box under a cover that
    scrolls with the table, so it shows until the last column is in view."""
    ctx, page, errors, _ = open_page(browser, f"{site_url}/ja/overreaction/", viewport={"width": 390, "height": 844})
    style = page.locator("#table-reversal-table .md-typeset__scrollwrap").evaluate(
        "b => { const s = getComputedStyle(b); return [s.backgroundImage, s.backgroundAttachment]; }")
    table_bg = page.locator("#table-reversal-table table").evaluate("t => getComputedStyle(t).backgroundColor")
    assert "linear-gradient" in style[0] and "radial-gradient" in style[0], style
    assert style[1].replace(" ", "") == "local,scroll", style
    assert table_bg == "rgba(0, 0, 0, 0)", "an opaque table would hide the shadow"
    assert not errors, errors
    ctx.close()


@pytest.mark.parametrize(("path", "columns"), [("overreaction/", 11), ("ja/overreaction/", 11)])
def test_a_summary_table_keeps_the_full_table_in_a_closed_block_with_its_csv(browser, site_url: str, path: str,
                                                                           columns: int) -> None:
    from build_scripts.table_layout import load_layouts

    shown = len(load_layouts()["event-study-table"].summary)
    ctx, page, errors, _ = open_page(browser, f"{site_url}/{path}", viewport={"width": 390, "height": 844})
    summary = page.locator("#table-event-study-table-summary table")
    assert summary.is_visible() and summary.locator("thead th").count() == shown
    assert page.evaluate("() => { const b = document.querySelector('#table-event-study-table-summary "
                         ".md-typeset__scrollwrap'); return b.scrollWidth <= b.clientWidth; }")
    block = page.locator("details.table-fold", has=page.locator("#table-event-study-table"))
    assert block.count() == 1 and block.get_attribute("open") is None
    full = block.locator("#table-event-study-table table")
    assert not full.is_visible() and full.locator("thead th").count() == columns
    assert block.locator("a.download").get_attribute("href").endswith("/data/event-study-table.csv")
    block.locator("summary").click()
    assert full.is_visible()
    assert not errors, errors
    ctx.close()


def search(page, words: str) -> list[str]:
    page.click("input[data-md-component=search-query]") if page.is_visible(
        "input[data-md-component=search-query]") else page.click("label.md-header__button[for=__search]")
    page.fill("input[data-md-component=search-query]", words)
    page.keyboard.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    return page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")


def test_english_search_finds_english_words(browser, site_url: str) -> None:
    ctx, page, errors, _ = open_page(browser, f"{site_url}/")
    hrefs = search(page, "overreaction")
    assert hrefs and not any("/ja/" in h for h in hrefs), hrefs
    assert any(h.startswith(f"{site_url}/overreaction/") for h in hrefs), hrefs
    assert not errors, errors
    ctx.close()


def test_japanese_search_finds_japanese_words(browser, site_url: str) -> None:
    ctx, page, _, _ = open_page(browser, f"{site_url}/ja/")
    hrefs = search(page, "買い場")
    assert hrefs and all("/ja/" in h for h in hrefs), hrefs
    ctx.close()


def test_dark_scheme_shows_the_dark_charts(browser, site_url: str) -> None:
    ctx, page, _, _ = open_page(browser, f"{site_url}/overreaction/", color_scheme="dark")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    assert page.is_visible("img[src*='day0-moves-dark.svg']")
    assert not page.is_visible("img[src*='day0-moves-light.svg']")
    ctx.close()


def test_dark_toggle_swaps_the_charts(browser, site_url: str) -> None:
    ctx, page, errors, _ = open_page(browser, f"{site_url}/overreaction/", color_scheme="light")
    assert page.is_visible("img[src*='day0-moves-light.svg']")
    page.click("form[data-md-component=palette] label:visible")
    page.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
    assert page.is_visible("img[src*='day0-moves-dark.svg']")
    assert not page.is_visible("img[src*='day0-moves-light.svg']")
    page.reload()  # the choice is kept
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    assert not errors, errors
    ctx.close()


def sorted_column(page, table_id: str, header_text: str, clicks: int) -> list[str | None]:
    """Click a header of a sortable table `clicks` times; the column's data-sort values, top to bottom."""
    table = page.locator(f"#table-{table_id} table")
    # A folded table, or the full table below a summary, is opened first, as a reader would.
    page.evaluate(f"document.querySelector('#table-{table_id}').closest('details')?.setAttribute('open', '')")
    header = table.locator("thead th", has_text=header_text).first
    col = header.evaluate("th => th.cellIndex")
    for _ in range(clicks):
        header.click()
    return table.evaluate(f"t => Array.from(t.tBodies[0].rows, r => r.cells[{col}].getAttribute('data-sort'))")


def in_order(keys: list[str | None], number: bool, descending: bool) -> bool:
    """Known values first, in order; cells without a value last."""
    known = [k for k in keys if k]
    if keys[:len(known)] != known:
        return False
    vals = [float(k) for k in known] if number else known
    return vals == sorted(vals, reverse=descending)


@pytest.mark.parametrize(("path", "table", "header", "number"), [
    ("overreaction/", "event-study-table", "AR day 0 vs QQQ", True),
    ("ja/overreaction/", "event-study-table", "QQQ基準の当日異常リターン", True),
    ("overreaction/", "recovery-table", "Trading days to get back", True),
    ("ja/overreaction/", "recovery-table", "回復日", False),
    ("ja/efficiency/", "api-prices-table", "出力", True),
])
def test_sortable_tables_sort_by_the_raw_value_in_both_languages(browser, site_url: str, path: str, table: str,
                                                                header: str, number: bool) -> None:
    ctx, page, errors, _ = open_page(browser, f"{site_url}/{path}")
    ascending = sorted_column(page, table, header, 1)
    assert len([k for k in ascending if k]) > 2 and in_order(ascending, number, descending=False), ascending
    descending = sorted_column(page, table, header, 1)
    assert in_order(descending, number, descending=True), descending
    assert not errors, errors
    ctx.close()


def test_the_sorting_script_never_reads_the_printed_numbers() -> None:
    from build_scripts.paths import ROOT

    script = (ROOT / "overrides" / "assets" / "javascripts" / "report.js").read_text(encoding="utf-8")
    assert "data-sort" in script and "parseFloat" not in script and ".replace(" not in script


@pytest.mark.parametrize(("path", "label"), [("", "Working edition · data to "), ("ja/", "作業中の版・")])
def test_a_plain_build_names_its_edition_and_data_date_in_the_header(browser, site_url: str, path: str,
                                                                     label: str) -> None:
    ctx, page, errors, _ = open_page(browser, f"{site_url}/{path}methodology/")
    shown = page.inner_text(".md-header__topic .report-edition")
    assert shown.startswith(label) and page.locator(".md-version").count() == 0
    assert shown.removeprefix(label).removesuffix("までのデータ") in page.inner_text("article")
    assert not errors, errors
    ctx.close()


@pytest.fixture(scope="module")
def mike_site(mike_pages) -> Iterator[str]:
    with serve(mike_pages) as url:
        yield url


def test_language_switch_keeps_page_and_edition_under_mike(browser, mike_site: str) -> None:
    ctx, page, errors, _ = open_page(browser, f"{mike_site}/2025-01/efficiency/")
    assert page.locator(".md-version").count() == 1, "version selector missing"
    switch_language(page, "ja")
    assert page.url == f"{mike_site}/ja/2025-01/efficiency/"
    assert page.get_attribute("html", "lang") == "ja"
    switch_language(page, "en")
    assert page.url == f"{mike_site}/2025-01/efficiency/"
    assert not errors, errors
    ctx.close()


@pytest.mark.parametrize("prefix", ["", "ja/"])
def test_version_selector_lists_the_editions(browser, mike_site: str, prefix: str) -> None:
    ctx, page, errors, _ = open_page(browser, f"{mike_site}/{prefix}2026-08-20/")
    page.wait_for_selector(".md-version__current")
    page.hover(".md-version")
    items = page.eval_on_selector_all(".md-version__link", "els => els.map(e => [e.textContent.trim(), e.href])")
    assert "2025-01" in items[-1][0], items
    assert [h for _, h in items] == [f"{mike_site}/{prefix}2026-08-20/", f"{mike_site}/{prefix}2025-01/"], items
    page.click(f".md-version__link[href='{mike_site}/{prefix}2025-01/']")
    page.wait_for_url(f"{mike_site}/{prefix}2025-01/", timeout=10000)
    assert not errors, errors
    ctx.close()
