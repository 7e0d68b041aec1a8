"""Build-time page markup (page_markup) and the theme CSS cut (theme_css), on small inputs."""

from __future__ import annotations

from pathlib import Path

import markdown

from build_scripts.page_markup import LONG_TABLE_ROWS, TABLE_CLASS, UNINDEXED_TABLE_ROWS, ReportMarkupExtension
from build_scripts.theme_css import purge, words_of


def render(text: str, root: Path) -> str:
    return markdown.markdown(text, extensions=["tables", "toc", "attr_list", "md_in_html",
                                               ReportMarkupExtension(root)])


def table(rows: int) -> str:
    return "| a | b |\n|---|---|\n" + "".join(f"| {i} | text {i} |\n" for i in range(rows))


def test_tables_arrive_wrapped_focusable_and_named(tmp_path: Path) -> None:
    html = render("## Prices\n\n" + table(3), tmp_path)
    assert ('<div aria-labelledby="prices" class="md-typeset__scrollwrap" role="region" tabindex="0">'
            f'<div class="md-typeset__table"><table class="{TABLE_CLASS}">') in html
    assert "long-table" not in html and "data-search-exclude" not in html


def test_a_report_table_is_named_by_its_caption(tmp_path: Path) -> None:
    html = render(f'<div class="data-table" id="table-x" markdown>\n\n{table(2)}\n</div>\n', tmp_path)
    assert 'aria-labelledby="table-x-caption"' in html


def test_long_tables_are_laid_out_late_and_left_out_of_search(tmp_path: Path) -> None:
    medium = render(table(LONG_TABLE_ROWS), tmp_path)
    assert "long-table" in medium and "--table-height:" in medium and "data-search-exclude" not in medium
    assert 'data-search-exclude="long-table"' in render(table(UNINDEXED_TABLE_ROWS), tmp_path)


def test_chart_images_get_their_size_from_the_svg(tmp_path: Path) -> None:
    (tmp_path / "generated" / "charts").mkdir(parents=True)
    (tmp_path / "generated" / "charts" / "c.svg").write_text(
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="432pt" height="216pt">')
    html = render("![A chart](../generated/charts/c.svg#only-light){ loading=lazy }", tmp_path)
    assert 'width="576"' in html and 'height="288"' in html and 'loading="lazy"' in html
    assert "width=" not in render("![Missing](generated/charts/none.svg)", tmp_path)


CSS = ("a{color:red}.used{color:blue}.unused{color:green}.used .unused{x:y}"
       ".used:not(.unused){top:0}[data-scheme=slate] .used{a:b}[data-scheme=pink] .used{a:b}"
       "@media print{.unused{a:b}.used{c:d}}@media screen{.unused{a:b}}"
       ":root{--kept:1px;--dropped:2px}.used{margin:var(--kept)}"
       ".md-typeset table:not([class]){border:0}")


def test_the_theme_css_keeps_what_the_pages_can_use() -> None:
    words = words_of(['<html><body class="used md-typeset" data-scheme="slate"><a href="#">x</a><table>'])
    out = purge(CSS, words)
    assert "a{color:red}" in out and ".used{color:blue}" in out
    assert ".unused{color:green}" not in out and ".used .unused" not in out
    assert ".used:not(.unused){top:0}" in out  # :not() requires nothing
    assert "[data-scheme=slate]" in out and "pink" not in out
    assert "@media print{.used{c:d}}" in out and "@media screen" not in out
    assert "--kept:1px" in out and "--dropped" not in out
    assert ".md-typeset table:is(:not([class]),.report-table){border:0}" in out
