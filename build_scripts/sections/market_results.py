"""Shared by the overreaction and investor sections: the build's one market analysis, and the small
helpers both pages need (group names and colours from data/tickers.yaml, status words from the
catalog, optional values)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from .. import fmt
from ..analysis.market import MarketResults
from ..analysis.recovery import NOT_YET, OK
from ..charts.spec import Chart, per_lang
from ..market.tickers import load_groups
from ..values import Kind, Values
from . import Inputs
from .common import Labels, Names, results

# Each group's name per language, in the order of data/tickers.yaml.
GROUP_NAMES = Names(load_groups)
GROUP_ORDER = GROUP_NAMES  # iterating gives the group keys in the file's order
# Words for the analysis's status codes ("not yet testable", "never" …), in docs/catalog/*/common.yaml.
STATUS_WORDS = Labels("common.status")


def market(inp: Inputs) -> MarketResults:
    """The market analysis of this build (computed once, before any section runs)."""
    return results(inp).market


def ok(value: Any) -> bool:
    """A value a page can print: present, and a finite number if it is a number."""
    if value is None or value is pd.NaT:
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    return not (isinstance(value, pd.Timestamp) and pd.isna(value))


def put(values: Values, name: str, value: Any, kind: Kind, **kw: Any) -> bool:
    """Register a metric only when it exists, so a page can test `v.name is defined`."""
    if not ok(value):
        return False
    if isinstance(value, pd.Timestamp):
        value = value.date()
    elif hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    values.metric(name, value, kind, **kw)
    return True


def status_word(status: object, lang: str) -> str:
    """The reader's words for an analysis status; '' for a figure that exists. A status without
    words in the catalog stops the build, naming the catalog file and the key."""
    return "" if status == OK else STATUS_WORDS.text(str(status), lang)


def group_colours() -> dict[str, str]:
    """Chart colour of each group, as the palette slot data/tickers.yaml gives it (funds and indexes
    take the grey slot, so the company groups stand out)."""
    return {k: f"series:{g.colour}" for k, g in load_groups().items()}


def with_group_labels(df: pd.DataFrame, column: str = "group") -> pd.DataFrame:
    """The frame with each row's group name per language (`group_label_en`, `group_label_ja`), for
    chart legends."""
    return df.assign(**{f"group_label_{lang}": [group_name(g, lang) for g in df[column]] for lang in ("en", "ja")})


def group_name(group: str, lang: str) -> str:
    return load_groups()[group].label(lang)


def month_label(day: dt.date, lang: str) -> str:
    return fmt.month(day, lang)


def day_label(day: dt.date, lang: str) -> str:
    """Short day label for chart annotations: "27 Jan" / "1月27日"."""
    return fmt.day_month(day, lang)


def waiting_chart(chart_id: str, section: str, as_of: dt.date) -> Chart:
    """Stands in for a chart whose data do not exist yet on the edition's date, so pages still build.
    Its title is the chart's own `waiting.title`; the rest is shared (`charts.charts.placeholder`)."""
    return Chart(
        id=chart_id,
        kind="placeholder",
        data=pd.DataFrame({"status": [NOT_YET], "as_of": [as_of]}),
        words=(f"{section}.charts.{chart_id}.waiting", "charts.charts.placeholder"),
        fill=per_lang(lambda lang: {"date": fmt.date(as_of, lang)}),
        size=(6.0, 1.2),
    )


def ensure_charts(charts: list[Chart], wanted: dict[str, str], as_of: dt.date) -> list[Chart]:
    """Add a placeholder for every wanted chart id (id → the section whose catalog has its words)
    the section could not draw for this edition."""
    have = {c.id for c in charts}
    return charts + [waiting_chart(i, section, as_of) for i, section in wanted.items() if i not in have]
