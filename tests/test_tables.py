"""Tables as data: a sortable table carries each number's and date's raw value on its cell, so the
page's sorting script never reads a number back out of the printed text."""

from __future__ import annotations

import datetime as dt

import markdown
import pandas as pd

from build_scripts.tables import Column, Table, col_date, col_pct, sort_value


def test_a_sortable_table_puts_each_number_and_date_on_its_cell_and_leaves_text_alone() -> None:
    t = Table("t", pd.DataFrame({"name": ["b", "a"], "ret": [-16.97, float("nan")],
                                 "day": [dt.date(2025, 1, 27), None], "days": [3, 12]}),
              (Column("name", {"en": "Name", "ja": "名"}), Column("ret", {"en": "Ret", "ja": "騰落"}, col_pct(2)),
               Column("day", {"en": "Day", "ja": "日"}, col_date),
               Column("name", {"en": "Days", "ja": "日数"}, lambda v, _lang: f"{v}!", sort="days")),
              {"en": "c", "ja": "c"}, sortable=True)
    html = markdown.markdown(t.markdown("ja"), extensions=["tables", "attr_list"])
    assert '<td>b</td>' in html  # text: sorted by what the reader sees
    assert '<td data-sort="-16.97">−16.97%</td>' in html
    assert '<td data-sort="">–</td>' in html  # a missing value sorts last
    assert '<td data-sort="2025-01-27">2025年1月27日</td>' in html
    assert '<td data-sort="12">a!</td>' in html  # the column names the data it sorts by
    plain = Table("p", t.data, t.columns, t.caption)
    assert "data-sort" not in plain.markdown("en")


def test_sort_values_are_raw_numbers_and_iso_dates() -> None:
    assert sort_value(5.576e6) == "5576000" and sort_value(-0.1234567) == "-0.1234567"
    assert sort_value(pd.Timestamp("2025-06-06")) == "2025-06-06" and sort_value("2025-01") == "2025-01"
    assert sort_value(True) == "1" and sort_value(None) == "" and sort_value(float("nan")) == ""
    assert sort_value("NVIDIA") is None
