"""Hostile and malformed data files: each one stops the build with a message naming file, item and rule.

Every case works on a copy of the committed data/ and checks that the copy is byte-identical
afterwards: refusing bad input must never change a file. The refresh's own cases (a hand edit,
payloads, unreachable providers, a killed swap) are in tests/fetch/.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from build_scripts.errors import DataError
from build_scripts.facts import load_facts
from build_scripts.fetch.config import load_sources
from build_scripts.market.snapshot import load_prices
from build_scripts.market.tickers import load_tickers
from build_scripts.paths import DATA, ROOT


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def refused(action: Callable[[], object], data: Path) -> str:
    """Run `action`, which must raise a DataError and change nothing; return its message."""
    before = tree(data)
    with pytest.raises(DataError) as err:
        action()
    assert tree(data) == before
    return str(err.value)


def rewrite_csv(data: Path, name: str, edit: Callable[[list[str]], None]) -> None:
    """Edit a price file and record its new sha256, so the check that follows is the row check."""
    path = data / "market" / "prices" / name
    lines = path.read_text().splitlines()
    edit(lines)
    path.write_text("\n".join(lines) + "\n")
    manifest = data / "market" / "manifest.json"
    doc = json.loads(manifest.read_text())
    for entry in doc["series"].values():
        if entry["file"] == f"prices/{name}":
            entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest.write_text(json.dumps(doc, indent=2))


def prices(data: Path) -> Callable[[], object]:
    return lambda: load_prices(data / "market" / "manifest.json")


# --- price files: rows are exact ------------------------------------------------------------------


@pytest.mark.slow
def test_a_row_with_six_of_nine_fields_is_an_error_naming_the_line(data: Path) -> None:
    rewrite_csv(data, "nvda.csv", lambda lines: lines.__setitem__(101, ",".join(lines[101].split(",")[:6])))
    assert refused(prices(data), data) == (
        "data/market/prices/nvda.csv: line 102: 6 fields where the header has 9 (every row needs one value per "
        "column; leave a value empty (,,) rather than dropping it)"
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda lines: lines.__setitem__(5, lines[5] + ",extra"),
         "data/market/prices/nvda.csv: line 6: 10 fields where the header has 9"),
        (lambda lines: lines.insert(3, ""), "data/market/prices/nvda.csv: line 4: empty line (delete the empty line)"),
        (lambda lines: lines.__setitem__(7, lines[7].replace("fa+lab4", "fa\x00lab4")),
         "data/market/prices/nvda.csv: line 8: control character '\\x00'"),
        (lambda lines: lines.__setitem__(9, lines[9].replace("fa+lab4", "<script>")),
         "data/market/prices/nvda.csv: line 10 (2015-01-14 NVDA): column 'source_id': source_id must be a short id"),
    ],
    ids=["long-row", "blank-line", "nul", "markup-source-id"],
)
@pytest.mark.slow
def test_other_malformed_rows_name_the_line_and_rule(data: Path, edit: Callable, message: str) -> None:
    rewrite_csv(data, "nvda.csv", edit)
    assert refused(prices(data), data).startswith(message)


@pytest.mark.slow
def test_a_non_finite_price_is_refused(data: Path) -> None:
    def edit(lines: list[str]) -> None:
        f = lines[10].split(",")
        f[5] = "inf"
        lines[10] = ",".join(f)

    rewrite_csv(data, "nvda.csv", edit)
    assert refused(prices(data), data) == "data/market/prices/nvda.csv: line 11: column 'close' must be a finite " \
                                          "number, got 'inf'"


@pytest.mark.slow
def test_an_impossible_date_in_a_csv_is_a_named_error(data: Path) -> None:
    rewrite_csv(data, "nvda.csv", lambda lines: lines.__setitem__(
        next(i for i, x in enumerate(lines) if x.startswith("2015-02-27,")),
        next(x for x in lines if x.startswith("2015-02-27,")).replace("2015-02-27", "2015-02-30")))
    assert refused(prices(data), data) == (
        "data/market/prices/nvda.csv: line 40 (2015-02-30 NVDA): column 'date': not a real calendar date"
    )


@pytest.mark.slow
def test_a_file_that_disagrees_with_its_record_is_refused(data: Path) -> None:
    rewrite_csv(data, "nvda.csv", lambda lines: lines.pop())
    assert refused(prices(data), data) == (
        "data/market/prices/nvda.csv: file: rows is 2924 but the manifest says 2925 (restore it with `git checkout -- "
        "data/market/manifest.json`, or re-import or refresh the snapshot)"
    )


# --- the manifest -----------------------------------------------------------------------------------


def edit_manifest(data: Path, edit: Callable[[dict], None]) -> None:
    path = data / "market" / "manifest.json"
    doc = json.loads(path.read_text())
    edit(doc)
    path.write_text(json.dumps(doc, indent=2))


def test_a_manifest_path_outside_data_market_is_refused_by_the_build(data: Path) -> None:
    edit_manifest(data, lambda d: d["series"]["NVDA"].update(file="../../../../../etc/hostname"))
    assert refused(prices(data), data) == (
        "data/market/manifest.json: series 'NVDA': file '../../../../../etc/hostname' leaves data/market/ "
        "(manifest paths must stay inside data/market/) (a record's file is relative to data/market/, like "
        "prices/nvda.csv; restore it with `git checkout -- data/market/manifest.json`, or re-import or refresh "
        "the snapshot)"
    )


def test_a_half_written_manifest_is_a_named_error(data: Path) -> None:
    path = data / "market" / "manifest.json"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:5]))  # cut after a complete field, as a write stopped mid-file would
    assert refused(prices(data), data) == (
        "data/market/manifest.json: line 6: not valid JSON (Expecting property name enclosed in double quotes); "
        "the file is incomplete or damaged (restore it with `git checkout -- data/market/manifest.json`, or "
        "re-import or refresh the snapshot)"
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["series"]["NVDA"].update(sha256="<b>"),
         "data/market/manifest.json: series 'NVDA': field 'sha256': String should match pattern"),
        (lambda d: d["series"]["NVDA"].update(last_date="2026-02-30"),
         "data/market/manifest.json: series 'NVDA': field 'last_date': Value error, '2026-02-30' is not a real date"),
        (lambda d: d["series"]["NVDA"].update(url="javascript:alert(1)"),
         "data/market/manifest.json: series 'NVDA': field 'url': Value error, must be an http(s) URL"),
        (lambda d: d["series"]["NVDA"].pop("terms"),
         "data/market/manifest.json: series 'NVDA': field 'terms': Field required"),
        (lambda d: d["series"]["NVDA"].update(extra="x"),
         "data/market/manifest.json: series 'NVDA': field 'extra': Extra inputs are not permitted"),
    ],
    ids=["sha", "date", "url", "no-terms", "unknown-field"],
)
def test_every_record_field_is_checked(data: Path, edit: Callable, message: str) -> None:
    edit_manifest(data, edit)
    assert refused(prices(data), data).startswith(message)


def test_a_record_per_series_holds_its_origin() -> None:
    """Provider, URL, terms, retrieval date, rows, first and last date and sha256 for every series."""
    doc = json.loads((DATA / "market" / "manifest.json").read_text())
    for ticker, entry in doc["series"].items():
        assert {"provider", "url", "terms", "retrieved_at", "rows", "first_date", "last_date", "sha256",
                "sources"} <= set(entry), ticker
        assert entry["url"].startswith("https://") and entry["url"] in entry["sources"].values()
        data = (DATA / "market" / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]


# --- facts ------------------------------------------------------------------------------------------

FACT = """facts:
- id: v3_total_params
  value: 671
  unit: billion parameters
  date: {date}
  source:
    title: DeepSeek-V3 Technical Report
    publisher: DeepSeek-AI
    url: https://arxiv.org/abs/2412.19437
  confidence: primary-verified
"""


@pytest.mark.parametrize("date", ["'2024-13-45'", "2024-13-45", "'2025-02-30'", "2025-02-30", "'2024-00'"])
def test_an_impossible_fact_date_names_the_fact(tmp_path: Path, date: str) -> None:
    (tmp_path / "bad.yaml").write_text(FACT.format(date=date))
    with pytest.raises(DataError) as err:
        load_facts(tmp_path)
    shown = date.strip("'")
    assert str(err.value).startswith(
        f"bad.yaml: fact 'v3_total_params': field 'date': date '{shown}' is not a real date ("
    )
    assert str(err.value).endswith("); write YYYY-MM-DD, YYYY-MM or YYYY")


def test_an_alias_bomb_as_a_fact_value_fails_at_once(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n" + FACT.format(date="2024-12-27").replace(
        "value: 671", "value: *a8"))
    started = time.perf_counter()
    with pytest.raises(DataError) as err:
        load_facts(tmp_path)
    assert time.perf_counter() - started < 1.0
    assert str(err.value) == ("bomb.yaml: line 1: anchors (&a0) are not allowed in data files "
                              "(write the value out in full)")


def test_the_fact_importer_lists_unreadable_records_instead_of_crashing(tmp_path: Path) -> None:
    from build_scripts.facts_import import curate_file

    src = tmp_path / "compiled.yaml"
    src.write_text("prices:\n- id: p1\n  model: m\n- just text\nmodels: 5\n")
    kept, dropped = curate_file(src)
    assert kept == []
    assert dropped == [
        "compiled.yaml: p1: missing or unreadable 'unit'",
        "compiled.yaml: prices entry 2: not a mapping",
        "compiled.yaml: 'models' must be a list",
    ]
    src.write_text("- a list\n")
    with pytest.raises(DataError, match=r"^compiled\.yaml: file: top level must be a mapping of record lists"):
        curate_file(src)


# --- tickers.yaml and sources.yaml --------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  NVDA:   {name: NVIDIA, name_ja: エヌビディア, group: chips, kind: stock, currency: USD, calendar: XNYS}",
         "  NVDA: oops", "tickers.yaml: ticker 'NVDA': must be a mapping of name, name_ja, group, kind, currency and "
         "calendar"),
        ("name: NVIDIA,", "name: <b>NVIDIA</b>,", "tickers.yaml: ticker 'NVDA': field 'name': String should match"),
        ("group: chips, kind: stock, currency: USD, calendar: XNYS}\n  AMD:",
         "group: chipz, kind: stock, currency: USD, calendar: XNYS}\n  AMD:",
         "tickers.yaml: ticker 'NVDA': field 'group': 'chipz' is not one of the groups of this file (chips, "
         "networking, power, hyperscalers_software, japan, index) (add the group under 'groups')"),
        ("tickers:\n", "tickers:\n  NVDA:   {}\n",
         "tickers.yaml: line 20: duplicate key 'NVDA' (keep one of the two entries)"),
        ("power:                 {name: Power, name_ja: 電力, colour: 2}",
         "power:                 {name: Power, name_ja: 電力, colour: 9}",
         "tickers.yaml: group 'power': field 'colour': Input should be less than 7"),
        ("power:                 {name: Power, name_ja: 電力, colour: 2}",
         "power:                 {name: Power, colour: 2}",
         "tickers.yaml: group 'power': field 'name_ja': Field required"),
        ("groups:\n", "unused:\n",
         "tickers.yaml: file: needs a 'groups' mapping (see the comments at the top of the file)"),
    ],
    ids=["not-a-mapping", "markup-in-name", "unknown-group", "duplicate", "colour-out-of-palette",
         "group-without-japanese-name", "no-groups"],
)
def test_a_broken_ticker_registry_is_named(data: Path, old: str, new: str, message: str) -> None:
    path = data / "tickers.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    assert refused(lambda: load_tickers(path), data).startswith(message)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("jump_limit_pct: 35", "jump_limit_pct: 35\njump_limit_pct: 40", "sources.yaml: line "),
        ("{ticker: AMD, providers: [yahoo, tiingo], start: 2015-01-02}",
         "{ticker: AMD, providers: [yahoo, tiingo], start: 2015-02-30}", "sources.yaml: line "),
        ("{ticker: AMD, providers: [yahoo, tiingo], start: 2015-01-02}",
         "{ticker: AMD, providers: [yahoo, stooq], start: 2015-01-02}",
         "sources.yaml: series[2] (AMD).providers[2]: Input should be 'yahoo' or 'tiingo'"),
        ("base_url: https://query1.finance.yahoo.com", "base_url: file:///etc/passwd",
         "sources.yaml: providers.yahoo.base_url: Value error, 'file:///etc/passwd' is not an http(s) base URL"),
        ("timeout_seconds: 20 ", "timeout_seconds: -1 ",
         "sources.yaml: http.timeout_seconds: Input should be greater than 0"),
    ],
    ids=["duplicate-key", "impossible-date", "unknown-provider", "file-url", "negative-timeout"],
)
def test_a_broken_fetch_configuration_is_named(data: Path, old: str, new: str, message: str) -> None:
    path = data / "sources.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    assert refused(lambda: load_sources(path, env={}), data).startswith(message)


# --- through the command line: a named error and no traceback -----------------------------------


def cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REPORT_DATA_DIR": str(data)}
    return subprocess.run([sys.executable, "-m", "build_scripts", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.slow
def test_the_command_line_prints_data_errors_without_a_traceback(data: Path) -> None:
    (data / "facts" / "deepseek_v3.yaml").write_text(FACT.format(date="'2024-13-45'"))
    before = tree(data)
    res = cli(data, "facts", "check")
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    assert res.stderr.startswith("error: deepseek_v3.yaml: fact 'v3_total_params': field 'date': date "
                                 "'2024-13-45' is not a real date (month must be in 1..12)")
    assert tree(data) == before
