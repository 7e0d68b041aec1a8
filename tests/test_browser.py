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
    for scheme in SCHEMES:
        width = page_visits.get(path, scheme, "phone").scroll_width
        assert width <= WIDTHS["phone"][0], f"{path or 'home'} is {width}px wide at a 390px viewport"


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
