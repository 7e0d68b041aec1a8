"""The built site in a real headless Chromium: language switching, search, schemes, phones, privacy."""

from __future__ import annotations

import pytest

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


@pytest.mark.parametrize("path", ["", "headline/", "efficiency/", "overreaction/", "investor/",
                                  "methodology/", "ja/", "ja/investor/"])
def test_pages_load_nothing_from_other_hosts_and_log_no_errors(browser, site_url: str, path: str) -> None:
    ctx, page, errors, requests = open_page(browser, f"{site_url}/{path}")
    page.mouse.wheel(0, 20000)  # pull in lazy images
    page.wait_for_load_state("networkidle")
    foreign = [r for r in requests if not r.startswith(site_url) and not r.startswith("data:")]
    assert not foreign, foreign
    assert not errors, errors
    ctx.close()


def test_japanese_search_finds_japanese_words(browser, site_url: str) -> None:
    ctx, page, _, _ = open_page(browser, f"{site_url}/ja/")
    page.click("input[data-md-component=search-query]")
    page.fill("input[data-md-component=search-query]", "買い場")
    page.keyboard.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
    assert hrefs and all("/ja/" in h for h in hrefs), hrefs
    ctx.close()


def test_dark_scheme_shows_the_dark_charts(browser, site_url: str) -> None:
    ctx, page, _, _ = open_page(browser, f"{site_url}/overreaction/", color_scheme="dark")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    assert page.is_visible("img[src*='day0-moves-dark.svg']")
    assert not page.is_visible("img[src*='day0-moves-light.svg']")
    ctx.close()


@pytest.mark.parametrize("path", ["", "overreaction/", "ja/methodology/"])
def test_phone_width_has_no_sideways_scroll(browser, site_url: str, path: str) -> None:
    ctx, page, _, _ = open_page(browser, f"{site_url}/{path}", viewport={"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide at a 390px viewport"
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
