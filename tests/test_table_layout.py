"""Tables on phones: each table's layout is chosen in data/table_layouts.yaml, and the page markup
follows it (cards carry their labels, a summary keeps its full table in a closed block, long detail
tables fold away). The browser checks are in test_browser.py."""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path

import markdown
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from build_scripts import pages, table_layout
from build_scripts.catalog import load_catalog
from build_scripts.errors import DataError
from build_scripts.page_markup import ReportMarkupExtension
from build_scripts.tables import Column, Table, col_pct


@pytest.fixture(scope="module")
def built_tables(analysed) -> list[Table]:
    return analysed[1].tables


def sample(**layout: object) -> Table:
    df = pd.DataFrame({"name": ["NVIDIA", "AMD"], "a": [-16.97, -6.37], "b": [1.0, 2.0], "c": [3.0, 4.0]})
    cols = (Column("name", {"en": "Company", "ja": "会社"}),
            *(Column(k, {"en": f"Col {k}", "ja": f"列{k}"}, col_pct(2), "right") for k in "abc"))
    return Table("t", df, cols, {"en": "A caption", "ja": "表題"}, sortable=True, **layout)  # type: ignore[arg-type]


def render(table: Table, lang: str = "en") -> BeautifulSoup:
    text = pages.table_snippet(table, lang).replace("{root}", "")
    html = markdown.markdown(text, extensions=["tables", "attr_list", "md_in_html",
                                               ReportMarkupExtension(Path("."))])
    return BeautifulSoup(html, "html.parser")


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "table_layouts.yaml"
    path.write_text(body, encoding="utf-8")
    table_layout.load_layouts.cache_clear()
    return path


def test_every_table_has_a_chosen_layout_and_every_entry_names_a_table(built_tables: list[Table]) -> None:
    layouts = table_layout.load_layouts()
    resolved = [table_layout.apply(t) for t in built_tables]  # a table without an entry raises
    assert all(t.phone for t in resolved)
    ids = [t.id for t in built_tables]
    assert [k for k in layouts if not any(fnmatchcase(i, k) for i in ids)] == []
    kinds = {t.phone for t in resolved}
    assert {"cards", "sticky", "summary", "fits"} <= kinds and any(t.fold for t in resolved)


@pytest.mark.parametrize("table_id", ["event-study-table", "claims-scorecard"])
def test_the_tables_a_phone_reader_missed_have_a_phone_layout(built_tables: list[Table], table_id: str) -> None:
    """The scorecard lost its verdicts off the screen and the event study showed 3 of 9 columns."""
    table = table_layout.apply(next(t for t in built_tables if t.id == table_id))
    assert table.phone in {"cards", "summary", "sticky"}


def test_a_table_without_a_layout_stops_the_build_naming_the_file_and_table(tmp_path: Path) -> None:
    path = write(tmp_path, "tables:\n  other: {phone: cards}\n")
    with pytest.raises(DataError, match=r"table_layouts\.yaml: table 't': no phone layout chosen"):
        table_layout.apply(sample(), path)


@pytest.mark.parametrize(("entry", "rule"), [
    ("{phone: summary}", "lists its summary columns"),
    ("{phone: cards, summary: [0, 1]}", "only a 'summary' layout does"),
    ("{phone: summary, summary: [0, 0]}", "distinct positions"),
    ("{phone: summary, summary: [0, 1], fold: true}", "drop 'fold'"),
    ("{phone: wide}", "field 'phone'"),
    ("{phone: cards, colour: red}", "field 'colour'"),
    ("{phone: sticky, caption: overreaction.caption.event_study_summary}", "only a 'summary' layout has a caption"),
])
def test_a_bad_layout_is_refused_with_its_rule(tmp_path: Path, entry: str, rule: str) -> None:
    path = write(tmp_path, f"tables:\n  t: {entry}\n")
    with pytest.raises(DataError, match=rf"table 't': .*{rule}"):
        table_layout.load_layouts(path)


def test_a_summary_column_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "tables:\n  t: {phone: summary, summary: [0, 9]}\n")
    with pytest.raises(DataError, match=r"summary column 9 does not exist \(the table has 4 columns"):
        table_layout.apply(sample(), path)


def test_a_pattern_covers_a_family_of_tables(tmp_path: Path) -> None:
    path = write(tmp_path, "tables:\n  t*: {phone: sticky}\n")
    assert table_layout.apply(sample(), path).phone == "sticky"


def test_card_cells_carry_their_column_header() -> None:
    soup = render(sample(phone="cards"))
    assert soup.select_one("div.data-table")["class"] == ["data-table", "phone-cards", "sortable"]
    row = soup.select("tbody tr")[0]
    # The first cell heads the card and carries no label; each cell holds its content in one span.
    assert [td.get("data-label") for td in row.find_all("td")] == [None, "Col a", "Col b", "Col c"]
    assert all([c.name for c in td.children] == ["span"] for td in row.find_all("td"))
    cell = row.find_all("td")[1]
    assert cell["data-sort"] == "-16.97" and cell.span.get_text() == "−16.97%"
    assert "data-label" not in str(render(sample(phone="sticky")))


def test_a_summary_table_keeps_the_full_table_in_a_closed_block_with_its_csv() -> None:
    soup = render(sample(phone="summary", summary=(0, 2)), "ja")
    shown = soup.select_one("#table-t-summary table")
    assert [th.get_text() for th in shown.select("thead th")] == ["会社", "列b"]
    assert soup.select_one("#table-t-summary-caption a.download")["href"] == "generated/data/t.csv"
    block = soup.select_one("details.table-fold")
    assert block is not None and not block.has_attr("open")
    full = block.select_one("#table-t")
    assert "phone-sticky" in full["class"] and len(full.select("thead th")) == 4
    assert block.select_one("a.download")["href"] == "generated/data/t.csv"
    assert block.summary.get_text() == "表の全体（2行・4列）"
    # The counts are traced to the table, like every figure in the prose.
    assert {s["data-ref"] for s in block.summary.select("span.v")} == {"table:t"}


def test_a_folded_table_is_closed_and_named_by_its_caption_in_the_summary_line() -> None:
    soup = render(sample(phone="sticky", fold=True))
    block = soup.select_one("details.table-fold")
    assert not block.has_attr("open") and block.summary.get_text() == "A caption (2 rows)"
    box = block.select_one(".md-typeset__scrollwrap")
    assert box["aria-labelledby"] == "table-t-caption" and soup.select_one("#table-t-caption").parent.name == "summary"
    assert block.select_one("a.download")["href"] == "generated/data/t.csv"


def test_a_table_that_fits_is_left_as_it_was() -> None:
    soup = render(sample(phone="fits"))
    assert soup.select_one("details") is None and soup.select_one("#table-t-caption strong").get_text() == "A caption"


def test_a_summary_table_can_have_its_own_caption_from_the_catalogs(tmp_path: Path) -> None:
    """The event study's caption speaks of its last column, which the summary does not show."""
    key = "overreaction.caption.event_study_summary"
    path = write(tmp_path, f"tables:\n  t: {{phone: summary, summary: [0, 1], caption: {key}}}\n")
    table = table_layout.apply(sample(), path)
    soup = render(table, "ja")
    shown = soup.select_one("#table-t-summary-caption strong").get_text()
    assert shown == load_catalog("ja")[key]
    assert soup.select_one("#table-t-caption strong").get_text() == "表題"
    with pytest.raises(DataError, match=r"key 'overreaction\.caption\.nothing': missing"):
        bad = "tables:\n  t: {phone: summary, summary: [0], caption: overreaction.caption.nothing}\n"
        table_layout.apply(sample(), write(tmp_path, bad))
