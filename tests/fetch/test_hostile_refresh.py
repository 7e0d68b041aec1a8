"""Hostile and broken input through the refresh: each case is refused by name and changes no file.

A hand edit of a committed file, a manifest path out of data/market/, a provider payload with
markup in it, a provider that cannot be reached, and a data folder with its own ticker list.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from build_scripts import refresh
from build_scripts.fetch.mimic import build_payloads, make_server
from build_scripts.paths import DATA

from .conftest import (
    YAHOO_PATH,
    one_line,
    payload,
    said,
    sha,
    sources_doc,
    tree,
    write_sources,
    yahoo_doc,
)

XSS = "<img src=x onerror=alert(1)>"


def run(data_dir: Path, *args: str) -> int:
    return refresh.run(["--data-dir", str(data_dir), *args])


@pytest.fixture
def mimic(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Start the local mimic on a data folder (optionally with recorded payloads); yields a starter."""
    servers = []

    def start(data_dir: Path, recorded: Path | None = None) -> str:
        server = make_server(build_payloads(data_dir, recorded=recorded), 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        for var in ("YAHOO_BASE_URL", "TIINGO_BASE_URL", "EDGAR_BASE_URL"):
            monkeypatch.setenv(var, base)
        monkeypatch.setenv("TIINGO_API_KEY", "mimic")
        monkeypatch.setenv("EDGAR_USER_AGENT", "Research Desk research@example.org")
        return base

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def edit_close(path: Path, day: str, factor: float) -> None:
    lines = path.read_text().splitlines()
    for i, line in enumerate(lines):
        if line.startswith(day + ","):
            fields = line.split(",")
            fields[5] = f"{float(fields[5]) * factor:.4f}"
            lines[i] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n")


# --- a hand edit cannot be laundered by the refresh ----------------------------------------------


@pytest.mark.slow
def test_a_hand_edited_close_stops_the_refresh_naming_the_file(data_dir, mimic, capsys) -> None:
    """The review's case: NVDA +0.3 % on one close, then `refresh --only NVDA` against the mimic."""
    write_sources(data_dir, sources_doc(["yahoo", "tiingo"]))
    nvda = data_dir / "market" / "prices" / "nvda.csv"
    edit_close(nvda, "2026-08-12", 1.003)
    mimic(data_dir)  # serves the edited file back, so only the hash can tell
    before = tree(data_dir)
    assert run(data_dir, "--only", "NVDA") == 2
    assert tree(data_dir) == before
    assert one_line(
        "refresh: data/market/prices/nvda.csv: file: sha256 differs from the manifest, so it was changed outside the "
        "refresh; nothing was fetched or written (restore it with `git checkout -- data/market/prices/nvda.csv`, or "
        "rerun with --accept-local-edits to keep the edit and record its new sha256)"
    ) in said(capsys)


@pytest.mark.slow
def test_accept_local_edits_keeps_the_edit_and_records_its_hash(data_dir, mimic, capsys) -> None:
    nvda = data_dir / "market" / "prices" / "nvda.csv"
    edit_close(nvda, "2026-08-12", 1.003)
    edited = nvda.read_bytes()
    mimic(data_dir)
    assert run(data_dir, "--only", "NVDA", "--accept-local-edits") == 0
    assert nvda.read_bytes() == edited
    entry = json.loads((data_dir / "market" / "manifest.json").read_text())["series"]["NVDA"]
    assert entry["sha256"] == sha(nvda)
    assert "kept the local edit of the committed file (--accept-local-edits)" in said(capsys)


def test_a_file_without_a_record_or_a_missing_file_also_stops_it(data_dir, env, capsys) -> None:
    doc = sources_doc(["yahoo"])
    doc["series"].append({"ticker": "AMD", "providers": ["yahoo"], "start": "2026-08-07"})
    write_sources(data_dir, doc)
    stray = data_dir / "market" / "prices" / "amd.csv"
    stray.write_text((data_dir / "market" / "prices" / "nvda.csv").read_text().replace(",NVDA,", ",AMD,"))
    before = tree(data_dir)
    assert run(data_dir, "--only", "NVDA", "AMD") == 2
    assert "data/market/prices/amd.csv: file: has no record in the manifest, so its origin is unknown" in said(capsys)
    stray.unlink()
    (data_dir / "market" / "prices" / "nvda.csv").unlink()
    assert run(data_dir, "--only", "NVDA") == 2
    assert "data/market/prices/nvda.csv: file: is listed in the manifest but missing" in said(capsys)
    assert env.log == []
    assert set(tree(data_dir)) == set(before) - {"market/prices/amd.csv", "market/prices/nvda.csv"}


# --- manifest paths stay inside data/market/ -------------------------------------------------------


def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every file the code under test opens or reads."""
    import builtins

    opened: list[str] = []
    real_read, real_open = Path.read_bytes, builtins.open

    def read_bytes(p: Path) -> bytes:
        opened.append(str(Path(p).resolve()))
        return real_read(p)

    def open_(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, str | Path):
            opened.append(str(Path(file).resolve()))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(builtins, "open", open_)
    return opened


@pytest.mark.parametrize(
    ("file", "rule"),
    [
        ("../../../../../etc/hostname", "leaves data/market/"),
        ("../../outside.csv", "leaves data/market/"),
        ("ABSOLUTE", "leaves data/market/"),
        ("prices/link.csv", "resolves outside data/market/"),
    ],
)
def test_a_manifest_path_out_of_the_market_folder_is_refused_before_any_read(
    file: str, rule: str, data_dir, env, capsys, monkeypatch
) -> None:
    outside = data_dir.parent / "outside.csv"
    shutil.copy(data_dir / "market" / "prices" / "nvda.csv", outside)
    (data_dir / "market" / "prices" / "link.csv").symlink_to(outside)
    file = str(outside) if file == "ABSOLUTE" else file
    manifest = data_dir / "market" / "manifest.json"
    doc = json.loads(manifest.read_text())
    doc["series"]["NVDA"]["file"] = file
    manifest.write_text(json.dumps(doc, indent=2))
    before = tree(data_dir)
    opened = reads(monkeypatch)
    assert run(data_dir, "--only", "NVDA") == 2
    monkeypatch.undo()
    assert str(outside.resolve()) not in opened and "/etc/hostname" not in opened
    assert tree(data_dir) == before
    assert one_line(
        f"refresh: data/market/manifest.json: series 'NVDA': file {file!r} {rule} (manifest paths must stay inside "
        "data/market/) (a record's file is relative to data/market/, like prices/nvda.csv; restore it with `git "
        "checkout -- data/market/manifest.json`, or re-import or refresh the snapshot)"
    ) in said(capsys)
    assert env.log == []


# --- provider payloads are checked field by field ------------------------------------------------


def _edgar_with(field: str, value: Any, concept: str = "dei") -> dict[str, Any]:
    doc = payload("edgar_companyfacts_nvda.json")
    if concept == "dei":
        doc["facts"]["dei"]["EntityCommonStockSharesOutstanding"]["units"]["shares"][0][field] = value
    else:
        doc["facts"]["us-gaap"]["Revenues"]["units"]["USD"][0][field] = value
    return doc


EDGAR_CASES = {
    "markup in form": (
        _edgar_with("form", XSS),
        f"refused: dei:EntityCommonStockSharesOutstanding entry 1 field 'form' is '{XSS}', not a filing form",
    ),
    "markup in accession": (
        _edgar_with("accn", "0001045810-25-000023\"><script>", "us-gaap"),
        "refused: us-gaap:Revenues entry 1 field 'accn' is '0001045810-25-000023\"><script>', not an accession "
        "number",
    ),
    "impossible filing date": (
        _edgar_with("filed", "2025-02-30"),
        "refused: dei:EntityCommonStockSharesOutstanding entry 1 field 'filed' is '2025-02-30', not a real date",
    ),
    "not a finite value": (
        _edgar_with("val", float("inf"), "us-gaap"),
        "refused: us-gaap:Revenues entry 1 field 'val' is inf, not a finite, non-negative amount",
    ),
    "markup in fiscal period": (
        _edgar_with("fp", "<b>Q1</b>", "us-gaap"),
        "refused: us-gaap:Revenues entry 1 field 'fp' is '<b>Q1</b>', not a fiscal period",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(EDGAR_CASES))
def test_an_edgar_payload_with_unexpected_fields_is_refused_and_writes_nothing(
    case: str, data_dir, mimic, tmp_path, capsys
) -> None:
    doc, message = EDGAR_CASES[case]
    recorded = tmp_path / "recorded"
    (recorded / "edgar").mkdir(parents=True)
    (recorded / "edgar" / "companyfacts.json").write_text(json.dumps(doc))  # inf is written as Infinity
    facts = data_dir / "facts" / "edgar.yaml"
    facts.write_text("facts: []\n")
    mimic(data_dir, recorded)
    before = tree(data_dir)
    assert run(data_dir, "--only", "EDGAR") == 1
    assert tree(data_dir) == before
    out = said(capsys)
    assert one_line(f"edgar companyfacts: {message}") in out and "nothing was written" in out


def test_markup_in_a_provider_error_reaches_the_terminal_as_text(data_dir, env, capsys) -> None:
    env.expect_request(YAHOO_PATH).respond_with_json(
        {"chart": {"result": None, "error": {"description": "[bold red]x[/] \x1b[31mred\x1b[0m [/]"}}}
    )
    assert run(data_dir, "--only", "NVDA") == 1  # rich markup and an ANSI escape, printed inert
    out = said(capsys)
    assert "chart.error: [bold red]x[/] \\x1b[31mred\\x1b[0m [/]" in out


# --- bounded work ---------------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_with_every_provider_unreachable_the_refresh_fails_fast(tmp_path, monkeypatch, capsys) -> None:
    """All 28 series, both price providers and EDGAR, with the default http settings of sources.yaml.

    On a closed port every connection is refused. This used to take six minutes of retries; the
    bound asked for is 60 s, and the expected time is a few seconds (mostly reading the snapshot).
    """
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    base = f"http://127.0.0.1:{closed_port()}"
    for var in ("YAHOO_BASE_URL", "TIINGO_BASE_URL", "EDGAR_BASE_URL"):
        monkeypatch.setenv(var, base)
    monkeypatch.setenv("TIINGO_API_KEY", "key")
    monkeypatch.setenv("EDGAR_USER_AGENT", "Research Desk research@example.org")
    before = tree(data)
    started = time.monotonic()
    assert run(data) == 1
    elapsed = time.monotonic() - started
    assert tree(data) == before
    assert elapsed < 60, f"took {elapsed:.1f} s"
    out = said(capsys)
    assert "0 file(s) written; 29 of 29 failed." in out
    assert out.count("not asked: yahoo was unreachable earlier in this run") == 27
    assert "edgar companyfacts: unreachable (cannot connect: ConnectError" in out


@pytest.mark.slow
def test_the_time_budget_stops_retries_against_a_failing_server(data_dir, env, capsys) -> None:
    env.expect_request(YAHOO_PATH).respond_with_data("busy", status=503)
    write_sources(data_dir, sources_doc(["yahoo"], http={"timeout_seconds": 2, "attempts": 10,
                                                         "backoff_seconds": 0.4, "max_wait_seconds": 5}))
    before = tree(data_dir)
    started = time.monotonic()
    assert run(data_dir, "--only", "NVDA", "--time-budget", "1") == 1
    assert time.monotonic() - started < 30  # 1 s of budget; without it 10 attempts would wait 3 min
    assert tree(data_dir) == before
    assert "yahoo NVDA: stopped after HTTP 503: busy: the next retry would pass the time budget of 1 s (raise it " \
           "with --time-budget)" in said(capsys)
    assert 1 <= len(env.log) <= 3


def test_a_time_budget_that_is_not_a_number_is_a_usage_error(data_dir, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(data_dir, "--time-budget", "soon")
    assert exit_.value.code == 2
    assert "'soon' is not a number of seconds" in capsys.readouterr().err


# --- the data folder's own ticker list ----------------------------------------------------------


def test_refresh_validates_against_the_data_folders_own_tickers(data_dir, env, capsys) -> None:
    tickers = data_dir / "tickers.yaml"
    tickers.write_text(tickers.read_text() + "  ZZZZ:   {name: Test Co, name_ja: テスト, group: chips, kind: stock, "
                       "currency: USD, calendar: XNYS}\n")
    doc = sources_doc(["yahoo"])
    doc["series"] = [{"ticker": "ZZZZ", "providers": ["yahoo"], "start": "2026-08-07"}]
    write_sources(data_dir, doc)
    env.expect_request("/v8/finance/chart/ZZZZ").respond_with_json(yahoo_doc())
    assert run(data_dir, "--only", "ZZZZ") == 0  # the project's tickers.yaml has no ZZZZ
    assert (data_dir / "market" / "prices" / "zzzz.csv").read_text().splitlines()[1].startswith("2026-08-07,ZZZZ,")
    # ... and a ticker the folder does not list is refused even though the project's list has it.
    tickers.write_text(tickers.read_text().replace("  NVDA:", "  NVDX:"))
    write_sources(data_dir, sources_doc(["yahoo"]))
    capsys.readouterr()
    assert run(data_dir, "--only", "NVDA") == 2
    assert "refresh: sources.yaml: series 'NVDA': not listed in tickers.yaml" in said(capsys)
