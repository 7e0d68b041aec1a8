"""The edition list: every entry is checked, and every edition's as-of view is whole.

The as-of check renders every page and every download of each edition in memory and looks for
any date after the edition's `as_of`. Three kinds of text may name a later date, and only these:
the date a test falls due on (shown as "not yet testable"), the name of a scenario whose test is
not due yet, and the citation of a fact (a fact public by the edition's date may be cited from a
later copy of its source).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from build_scripts import build, editions, fmt, pages
from build_scripts.errors import DataError
from build_scripts.facts import Fact
from build_scripts.paths import DOCS, LANGS, ROOT
from build_scripts.sections.market_results import month_label
from tests.asof import leaks_in_csv, leaks_in_text

EDITIONS, _ = editions.load()
DIGEST = "ab" * 20


# ------------------------------------------------------------------ the edition list

def test_the_project_edition_list_is_valid_and_inside_the_data() -> None:
    from build_scripts.deploy import data_window
    from build_scripts.paths import DATA

    first, last = data_window(DATA)
    for ed in EDITIONS:
        editions.check_window(ed, first, last)
    assert editions.latest(EDITIONS).version == last.isoformat(), "the newest edition is named by its data date"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "editions.yaml"
    path.write_text('dated_title: {en: "Data to {date}", ja: "{date}までのデータ"}\neditions:\n' + body,
                    encoding="utf-8")
    return path


def entry(version: str = "2025-01", as_of: str = "2025-01-31", data: str = DIGEST) -> str:
    return (f'  - version: "{version}"\n    as_of: {as_of}\n'
            f'    title: {{en: "An edition", ja: "版"}}\n    data: {data}\n')


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (entry(as_of='"2025-01-31"'), "edition '2025-01': field 'as_of': '2025-01-31' is quoted text, not a date"),
        (entry(as_of="2025-1-31"), "edition '2025-01': field 'as_of': '2025-1-31' is not a date"),
        (entry(version="2025-02", as_of="2025-02-30"),
         "edition '2025-02': field 'as_of': '2025-02-30' is not a real date"),
        (entry(as_of="2025-01-31 10:00:00"), "edition '2025-01': field 'as_of'"),
        (entry() + entry(as_of="2025-01-30"), "edition '2025-01': field 'version': used twice"),
        (entry() + entry(version="2025-01-31"), "edition '2025-01-31': field 'as_of': 2025-01-31 is also edition"),
        (entry(version="2025-02"), "edition '2025-02': field 'as_of': 2025-01-31 does not match the version name"),
        (entry(version="latest"), "edition 'latest': field 'version'"),
        (entry(data="abc"), "edition '2025-01': field 'data'"),
        (entry().replace("    data:", "    aliases: [latest]\n    data:"), "edition '2025-01': field 'aliases'"),
        (entry().replace('ja: "版"', 'ja: ""'), "edition '2025-01': field 'title.ja'"),
        (entry().replace("    data:", "    as_of: 2025-01-30\n    data:"),
         "edition '2025-01': field 'as_of': duplicate key 'as_of'"),
    ],
    ids=["quoted", "non-iso", "impossible", "datetime", "duplicate-version", "duplicate-date",
         "name-vs-date", "reserved-name", "digest", "unknown-field", "empty-title", "duplicate-key"],
)
def test_a_malformed_entry_names_the_edition_and_the_field(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(DataError) as err:
        editions.load(write(tmp_path, body), "editions.yaml")
    assert str(err.value).startswith(f"editions.yaml: {message}"), str(err.value)


@pytest.mark.parametrize(("as_of", "rule"), [("2010-01-01", "is before the data"), ("2027-01-04", "is after the data")])
def test_an_edition_outside_the_data_fails(tmp_path: Path, as_of: str, rule: str) -> None:
    (ed,), _ = editions.load(write(tmp_path, entry(version=as_of[:7], as_of=as_of)), "editions.yaml")
    with pytest.raises(DataError, match=rf"edition '{as_of[:7]}': field 'as_of': {as_of} {rule}"):
        editions.check_window(ed, dt.date(2025, 1, 27), dt.date(2026, 8, 20))


@pytest.mark.slow
def test_the_command_line_prints_the_error_without_a_traceback(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    write(data, entry(as_of="2025-1-31"))
    res = subprocess.run([sys.executable, "-m", "build_scripts", "editions", "check"], cwd=ROOT,
                         capture_output=True, text=True, env={"PATH": "", "REPORT_DATA_DIR": str(data)})
    assert res.returncode == 2
    assert res.stderr.strip() == ("error: data/editions.yaml: edition '2025-01': field 'as_of': "
                                  "'2025-1-31' is not a date (write it unquoted, as YYYY-MM-DD)")


# ------------------------------------------------------------------ the as-of view of each edition

def exempt_texts(facts: dict[str, Fact], due: set[dt.date]) -> set[str]:
    """Texts allowed to name a later date (see the module docstring): a visible fact's own words
    (a fiscal year's name, an announced end date, a later copy of its source)."""
    out: set[str] = set()
    for f in facts.values():
        s = f.source
        out |= {s.title, s.title.replace("[", "(").replace("]", ")"), s.publisher, s.locator or "",
                str(s.url), f.note or "", f.label or "", *strings(f.value), *strings(f.unit)}
    from build_scripts.claims.schema import load_claims

    # The claims' test dates are announced in data/claims.yaml before they come ("until …").
    due = set(due) | {d for c in load_claims().claims for t in c.tests for d in (t.testable_from, t.deadline)}
    for day in due:
        out |= {day.isoformat(), *(fmt.date(day, lang) for lang in LANGS),
                *(month_label(day, lang) for lang in LANGS),
                fmt.EN_MONTHS[day.month - 1] + f" {day.year}", f"{day.year}年{day.month}月"}
    out |= set(facts)  # fact ids, some of which name a date (a promotion's end)
    return out


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [x for v in value.values() for x in strings(v)]
    if isinstance(value, list):
        return [x for v in value for x in strings(v)]
    return []


def due_dates(tables) -> set[dt.date]:
    """Target dates of tests that are not due yet, from the edition's own tables."""
    out = set()
    for t in tables:
        df = t.data
        if {"status", "target_date"} <= set(df.columns):
            for _, row in df[df["status"].astype(str).str.startswith("not yet")].iterrows():
                out.add(pd.Timestamp(row["target_date"]).date())
    return out


@cache
def rendered(version: str) -> tuple[editions.Edition, dict[str, str], dict[str, str], set[str]]:
    """Every page (Markdown after rendering) and every download of one edition, built in memory."""
    ed = next(e for e in EDITIONS if e.version == version)
    inp = build.study(build.load_inputs(ed.as_of))
    values, products = build.analyse(inp)
    texts = {}
    for lang in LANGS:
        ctx = build.context(inp, values, products, lang)
        for md in sorted((DOCS / lang).glob("*.md")):
            texts[f"{lang}/{md.name}"] = pages.render(md.read_text(encoding="utf-8"), ctx, 0, f"{lang}/{md.name}")
    csvs = {f"{t.id}.csv": t.csv().decode() for t in products.tables}
    csvs |= {f"{c.id}.csv": c.data.to_csv(index=False) for c in products.charts}
    csvs["values.csv"] = pd.DataFrame(values.manifest()).to_csv(index=False)
    return ed, texts, csvs, exempt_texts(inp.facts, due_dates(products.tables))


def visible(markdown: str) -> str:
    """Page text without link targets and attributes (a URL is not a printed date), with the escapes
    that data text gets on its way into the page read back as the characters they stand for."""
    text = re.sub(r"\]\([^)\s]*\)", "]", markdown)
    return html.unescape(re.sub(r'\b(?:href|src|id|data-ref)="[^"]*"', "", text))


@pytest.mark.slow
@pytest.mark.parametrize("version", [e.version for e in EDITIONS])
def test_edition_renders_every_page_with_no_later_date(version: str) -> None:
    ed, texts, csvs, exempt = rendered(version)
    leaks = []
    for name, text in texts.items():
        assert "{{" not in text, name
        leaks += [(name, *hit) for hit in leaks_in_text(visible(text), ed.as_of, exempt)]
    for name, data in csvs.items():
        leaks += [(name, *hit) for hit in leaks_in_csv(data, ed.as_of, exempt)]
    assert not leaks, "\n".join(" | ".join(x) for x in leaks[:20])


@pytest.mark.slow
@pytest.mark.parametrize("version", [e.version for e in EDITIONS])
def test_counts_and_data_dates_are_those_of_the_edition(version: str) -> None:
    ed, texts, csvs, _ = rendered(version)
    series = pd.read_csv(io.StringIO(csvs["series-table.csv"]))
    last = pd.to_datetime(series["last_date"]).dt.date.max()
    assert last <= ed.as_of and (pd.to_datetime(series["first_date"]).dt.date <= ed.as_of).all()
    shown = dict(re.findall(r"(Data as of|with prices up to) <span[^>]*>([^<]+)</span>",
                            texts["en/index.md"] + texts["en/methodology.md"]))
    assert shown["Data as of"] == shown["with prices up to"] == fmt.date(last, "en")
    methodology = re.sub(r"<[^>]+>", "", texts["en/methodology.md"])
    assert f"{len(series)} daily price series" in methodology


@pytest.mark.slow
def test_an_early_edition_says_the_twelve_month_test_is_not_yet_possible() -> None:
    inp = build.load_inputs(dt.date(2025, 1, 31))
    inp = build.study(inp)
    assert inp.results.get("nvda_12m_return_pct") is None
    verdicts = {v.claim.id: v.headline for v in inp.verdicts}
    assert verdicts["C4.4"] == "not_yet"
    assert verdicts["C3.2"] == "not_yet"  # R1's cost was disclosed in September 2025
    assert verdicts["C3.1"] == "not_yet"  # the reversal windows were not over
