"""The refresh end to end against 127.0.0.1: every fault leaves the committed file byte-identical.

Each fault runs once per price provider (Yahoo, Tiingo); EDGAR has its own list below.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Response

from build_scripts.facts import load_facts
from build_scripts.fetch.mimic import build_payloads, make_server
from build_scripts.market.snapshot import load_prices

from .conftest import (
    EDGAR_PATH,
    FAST_HTTP,
    FIXTURES,
    TIINGO_PATH,
    YAHOO_PATH,
    payload,
    said,
    sha,
    sources_doc,
    tiingo_doc,
    tree,
    write_sources,
    yahoo_doc,
)

HTML = (FIXTURES / "blocked.html").read_bytes()


class Yahoo:
    """Edits a Yahoo chart payload; rows are addressed by position."""

    name, path = "yahoo", YAHOO_PATH

    def __init__(self) -> None:
        self.doc = yahoo_doc()
        self.r = self.doc["chart"]["result"][0]

    def arrays(self) -> list[list[Any]]:
        q = self.r["indicators"]["quote"][0]
        return [self.r["timestamp"], *q.values(), self.r["indicators"]["adjclose"][0]["adjclose"]]

    def keep(self, rows: slice) -> None:
        for a in self.arrays():
            a[:] = a[rows]

    def duplicate(self, i: int) -> None:
        for a in self.arrays():
            a.insert(i, a[i])

    def null_close(self, i: int) -> None:
        self.r["indicators"]["adjclose"][0]["adjclose"][i] = None
        self.r["indicators"]["quote"][0]["close"][i] = None

    def scale(self, rows: slice, k: float) -> None:
        adj = self.r["indicators"]["adjclose"][0]["adjclose"]
        adj[rows] = [v * k for v in adj[rows]]  # open/high/low follow through adjclose/close

    def drop_field(self) -> None:
        del self.r["indicators"]["adjclose"]

    def body(self) -> Any:
        return self.doc


class Tiingo:
    """Edits a Tiingo price list."""

    name, path = "tiingo", TIINGO_PATH

    def __init__(self) -> None:
        self.doc = tiingo_doc()

    def keep(self, rows: slice) -> None:
        self.doc = self.doc[rows]

    def duplicate(self, i: int) -> None:
        self.doc.insert(i, dict(self.doc[i]))

    def null_close(self, i: int) -> None:
        self.doc[i]["adjClose"] = None

    def scale(self, rows: slice, k: float) -> None:
        for rec in self.doc[rows]:
            for f in ("adjOpen", "adjHigh", "adjLow", "adjClose"):
                rec[f] *= k

    def drop_field(self) -> None:
        for rec in self.doc:
            del rec["adjClose"]

    def body(self) -> Any:
        return self.doc


PROVIDERS = [Yahoo, Tiingo]


@pytest.fixture(params=PROVIDERS, ids=lambda p: p.name)
def prov(
    request: pytest.FixtureRequest, data_dir: Path, env: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> Yahoo | Tiingo:
    monkeypatch.setenv("TIINGO_API_KEY", "test-key")
    write_sources(data_dir, sources_doc([request.param.name]))
    return request.param()


def committed_sha(data_dir: Path) -> str:
    return sha(data_dir / "market" / "prices" / "nvda.csv")


def assert_untouched(before: dict[str, str], data_dir: Path) -> None:
    assert tree(data_dir) == before


# --- success -------------------------------------------------------------------------------


def test_success_appends_new_rows_and_updates_the_manifest(prov, data_dir, env, run_refresh, capsys) -> None:
    env.expect_request(prov.path).respond_with_json(prov.body())
    old = (data_dir / "market" / "prices" / "nvda.csv").read_text()
    assert run_refresh() == 0
    path = data_dir / "market" / "prices" / "nvda.csv"
    text = path.read_text()
    assert text.startswith(old)  # committed history kept byte for byte
    assert len(text.splitlines()) == 1 + 15
    assert text.splitlines()[-1].startswith("2026-08-27,NVDA,") and f",{prov.name}" in text
    entry = json.loads((data_dir / "market" / "manifest.json").read_text())["series"]["NVDA"]
    assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (entry["provider"], entry["rows"], entry["last_date"]) == (prov.name, 15, "2026-08-27")
    assert entry["retrieved_at"].endswith("Z") and "test-key" not in json.dumps(entry)
    assert load_prices(data_dir / "market" / "manifest.json")["date"].max().day == 27
    out = capsys.readouterr().out
    assert "updated" in out and "NVDA" in out


@pytest.mark.slow
def test_a_second_identical_refresh_changes_no_file(prov, data_dir, env, run_refresh) -> None:
    env.expect_request(prov.path).respond_with_json(prov.body())
    assert run_refresh() == 0
    after_first = tree(data_dir)
    assert run_refresh() == 0
    assert tree(data_dir) == after_first  # retrieved_at not bumped either


def test_no_new_data_changes_no_file(prov, data_dir, env, run_refresh, capsys) -> None:
    prov.keep(slice(0, 10))  # exactly the committed sessions
    env.expect_request(prov.path).respond_with_json(prov.body())
    before = tree(data_dir)
    assert run_refresh() == 0
    assert_untouched(before, data_dir)
    assert "unchanged" in said(capsys)


def test_429_with_retry_after_then_success(prov, data_dir, env, run_refresh) -> None:
    env.expect_ordered_request(prov.path).respond_with_data(
        "Too Many Requests", status=429, headers={"Retry-After": "1"}
    )
    env.expect_ordered_request(prov.path).respond_with_json(prov.body())
    before = committed_sha(data_dir)
    started = time.monotonic()
    assert run_refresh() == 0
    assert time.monotonic() - started < 5  # the wait is capped by max_wait_seconds in tests
    assert len(env.log) == 2 and committed_sha(data_dir) != before


def test_500_then_success(prov, data_dir, env, run_refresh) -> None:
    env.expect_ordered_request(prov.path).respond_with_data("oops", status=500)
    env.expect_ordered_request(prov.path).respond_with_json(prov.body())
    assert run_refresh() == 0
    assert len(env.log) == 2
    assert "2026-08-27" in (data_dir / "market" / "prices" / "nvda.csv").read_text()


# --- faults: each leaves every file byte-identical and exits 1 ------------------------------


def _slow(_request: Any) -> Response:
    time.sleep(0.45)
    return Response("{}", content_type="application/json")


FAULTS: dict[str, Callable[[Any, HTTPServer], str]] = {}


def fault(name: str):
    def register(fn):
        FAULTS[name] = fn
        return fn

    return register


@fault("500 every time")
def _(p, server):
    server.expect_request(p.path).respond_with_data("down", status=500)
    return "HTTP 500"


@fault("timeout")
def _(p, server):
    server.expect_request(p.path).respond_with_handler(_slow)
    return "timed out"


@fault("HTML page with status 200")
def _(p, server):
    server.expect_request(p.path).respond_with_data(HTML, content_type="text/html")
    return "HTML page instead of JSON"


@fault("truncated JSON")
def _(p, server):
    text = json.dumps(p.body())
    server.expect_request(p.path).respond_with_data(text[: len(text) // 2], content_type="application/json")
    return "truncated or invalid JSON"


@fault("empty body")
def _(p, server):
    server.expect_request(p.path).respond_with_data(b"", content_type="application/json")
    return "empty body"


@fault("empty list of rows")
def _(p, server):
    p.keep(slice(0, 0))
    server.expect_request(p.path).respond_with_json(p.body())
    return "no rows"


@fault("missing field")
def _(p, server):
    p.drop_field()
    server.expect_request(p.path).respond_with_json(p.body())
    return "missing field" if p.name == "yahoo" else "lacks field 'adjClose'"


@fault("duplicate dates")
def _(p, server):
    p.duplicate(12)
    server.expect_request(p.path).respond_with_json(p.body())
    return "must be unique"


@fault("NaN close")
def _(p, server):
    p.null_close(12)
    server.expect_request(p.path).respond_with_json(p.body())
    return "close"


@fault("split jump with no split")
def _(p, server):
    p.scale(slice(12, None), 0.5)  # an unapplied 2-for-1 split on 2026-08-25
    server.expect_request(p.path).respond_with_json(p.body())
    return "one-day move over 35% with no known split"


@fault("shrunken: earlier last date")
def _(p, server):
    p.keep(slice(0, 8))
    server.expect_request(p.path).respond_with_json(p.body())
    return "before the committed last date"


@fault("shrunken: fewer rows")
def _(p, server):
    p.keep(slice(4, 10))
    server.expect_request(p.path).respond_with_json(p.body())
    return "shrunk: provider returned 6 rows"


@fault("revised history")
def _(p, server):
    p.scale(slice(3, 4), 1.02)  # 2026-08-12 restated by 2 %
    server.expect_request(p.path).respond_with_json(p.body())
    return "--accept-revisions"


@pytest.mark.slow
@pytest.mark.parametrize("name", list(FAULTS))
def test_fault_leaves_the_snapshot_byte_identical(name, prov, data_dir, env, run_refresh, capsys) -> None:
    expected = FAULTS[name](prov, env)
    before = tree(data_dir)
    sha_before = committed_sha(data_dir)
    assert run_refresh() == 1
    assert committed_sha(data_dir) == sha_before
    assert_untouched(before, data_dir)
    assert expected in said(capsys)


def test_revision_is_taken_with_accept_revisions(prov, data_dir, env, run_refresh) -> None:
    prov.scale(slice(3, 4), 1.02)
    env.expect_request(prov.path).respond_with_json(prov.body())
    assert run_refresh("--accept-revisions") == 0
    rows = (data_dir / "market" / "prices" / "nvda.csv").read_text().splitlines()
    row = next(r for r in rows if r.startswith("2026-08-12"))
    assert row.split(",")[5] == f"{224.09 * 1.02:.4f}" and row.endswith(prov.name)
    assert len(rows) == 16


# --- several series, several providers ------------------------------------------------------


def _add_amd(data_dir: Path) -> None:
    src = data_dir / "market" / "prices" / "nvda.csv"
    dst = data_dir / "market" / "prices" / "amd.csv"
    dst.write_text(src.read_text().replace(",NVDA,", ",AMD,"))
    manifest = json.loads((data_dir / "market" / "manifest.json").read_text())
    entry = dict(manifest["series"]["NVDA"], file="prices/amd.csv", sha256=sha(dst))
    manifest["series"]["AMD"] = entry
    (data_dir / "market" / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    doc = sources_doc(["yahoo"])
    doc["series"].append({"ticker": "AMD", "providers": ["yahoo"], "start": "2026-08-07"})
    write_sources(data_dir, doc)


@pytest.mark.slow
def test_all_or_nothing_writes_nothing_when_one_series_fails(data_dir, env, capsys) -> None:
    from build_scripts import refresh

    _add_amd(data_dir)
    env.expect_request(YAHOO_PATH).respond_with_json(yahoo_doc())
    env.expect_request("/v8/finance/chart/AMD").respond_with_data(HTML, content_type="text/html")
    before = tree(data_dir)
    assert refresh.run(["--data-dir", str(data_dir), "--only", "NVDA", "AMD", "--all-or-nothing"]) == 1
    assert_untouched(before, data_dir)
    assert "held" in said(capsys)
    # Without the flag the passing series goes through and the failing one stays as it was.
    assert refresh.run(["--data-dir", str(data_dir), "--only", "NVDA", "AMD"]) == 1
    after = tree(data_dir)
    assert after["market/prices/amd.csv"] == before["market/prices/amd.csv"]
    assert after["market/prices/nvda.csv"] != before["market/prices/nvda.csv"]


@pytest.mark.slow
def test_cross_check_reports_days_where_providers_disagree(data_dir, env, run_refresh, monkeypatch, capsys) -> None:
    monkeypatch.setenv("TIINGO_API_KEY", "test-key")
    write_sources(data_dir, sources_doc(["yahoo", "tiingo"]))
    other = tiingo_doc()
    other[-1]["adjClose"] *= 1.003  # 0.3 pp on the last day only
    env.expect_request(YAHOO_PATH).respond_with_json(yahoo_doc())
    env.expect_request(TIINGO_PATH).respond_with_json(other)
    assert run_refresh() == 0
    out = said(capsys)
    assert "cross-check with tiingo: 1 day(s)" in out and "2026-08-27" in out
    assert (data_dir / "market" / "prices" / "nvda.csv").read_text().rstrip().endswith("yahoo")


@pytest.mark.slow
def test_second_provider_stands_in_when_the_first_fails(data_dir, env, run_refresh, monkeypatch, capsys) -> None:
    monkeypatch.setenv("TIINGO_API_KEY", "test-key")
    write_sources(data_dir, sources_doc(["yahoo", "tiingo"]))
    env.expect_request(YAHOO_PATH).respond_with_data(HTML, content_type="text/html")
    env.expect_request(TIINGO_PATH).respond_with_json(tiingo_doc())
    assert run_refresh() == 0
    assert "HTML page" in said(capsys)
    assert (data_dir / "market" / "prices" / "nvda.csv").read_text().rstrip().endswith("tiingo")


def test_missing_tiingo_key_skips_tiingo_with_a_notice(data_dir, env, run_refresh, capsys) -> None:
    write_sources(data_dir, sources_doc(["yahoo", "tiingo"]))
    env.expect_request(YAHOO_PATH).respond_with_json(yahoo_doc())
    assert run_refresh() == 0
    assert "notice: tiingo: skipped, TIINGO_API_KEY is not set" in said(capsys)
    assert all("/tiingo/" not in req.path for req, _ in env.log)


def test_only_tiingo_and_no_key_fails_the_series(data_dir, env, run_refresh) -> None:
    write_sources(data_dir, sources_doc(["tiingo"]))
    before = tree(data_dir)
    assert run_refresh() == 1
    assert_untouched(before, data_dir)


def test_unknown_series_is_a_usage_error(data_dir, env) -> None:
    from build_scripts import refresh

    assert refresh.run(["--data-dir", str(data_dir), "--only", "XYZ"]) == 2


# --- EDGAR ------------------------------------------------------------------------------------


@pytest.fixture
def edgar_env(env: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> HTTPServer:
    monkeypatch.setenv("EDGAR_USER_AGENT", "Research Desk research@example.org")
    return env


def run_edgar(data_dir: Path, *extra: str) -> int:
    from build_scripts import refresh

    return refresh.run(["--data-dir", str(data_dir), "--only", "EDGAR", *extra])


@pytest.mark.slow
def test_edgar_writes_schema_valid_facts_once(data_dir, edgar_env) -> None:
    edgar_env.expect_request(
        EDGAR_PATH, headers={"User-Agent": "Research Desk research@example.org"}
    ).respond_with_json(payload("edgar_companyfacts_nvda.json"))
    assert run_edgar(data_dir) == 0
    facts = load_facts(data_dir / "facts")
    assert facts["nvda_shares_outstanding"].value == 24_400_000_000
    first = tree(data_dir)
    assert run_edgar(data_dir) == 0
    assert tree(data_dir) == first


def test_edgar_without_a_contact_is_skipped_with_a_notice(data_dir, env, capsys) -> None:
    assert run_edgar(data_dir) == 0
    assert "edgar: skipped, no User-Agent contact" in said(capsys)
    assert env.log == []


@pytest.mark.slow
def test_edgar_retries_429_and_500(data_dir, edgar_env) -> None:
    edgar_env.expect_ordered_request(EDGAR_PATH).respond_with_data("", status=429, headers={"Retry-After": "1"})
    edgar_env.expect_ordered_request(EDGAR_PATH).respond_with_data("", status=500)
    edgar_env.expect_ordered_request(EDGAR_PATH).respond_with_json(payload("edgar_companyfacts_nvda.json"))
    assert run_edgar(data_dir) == 0
    assert (data_dir / "facts" / "edgar.yaml").exists()


def _edgar_doc_without_shares() -> dict[str, Any]:
    doc = payload("edgar_companyfacts_nvda.json")
    del doc["facts"]["dei"]
    return doc


def _edgar_doc_with_null_value() -> dict[str, Any]:
    doc = payload("edgar_companyfacts_nvda.json")
    doc["facts"]["us-gaap"]["Revenues"]["units"]["USD"][1]["val"] = None
    return doc


EDGAR_FAULTS: dict[str, Callable[[HTTPServer], None]] = {
    "500 every time": lambda s: s.expect_request(EDGAR_PATH).respond_with_data("", status=500),
    "timeout": lambda s: s.expect_request(EDGAR_PATH).respond_with_handler(_slow),
    "HTML page": lambda s: s.expect_request(EDGAR_PATH).respond_with_data(HTML, content_type="text/html"),
    "truncated JSON": lambda s: s.expect_request(EDGAR_PATH).respond_with_data(
        json.dumps(payload("edgar_companyfacts_nvda.json"))[:500], content_type="application/json"
    ),
    "empty body": lambda s: s.expect_request(EDGAR_PATH).respond_with_data(b""),
    "missing field": lambda s: s.expect_request(EDGAR_PATH).respond_with_json(_edgar_doc_without_shares()),
    "null value": lambda s: s.expect_request(EDGAR_PATH).respond_with_json(_edgar_doc_with_null_value()),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(EDGAR_FAULTS))
def test_edgar_fault_leaves_the_facts_file_byte_identical(name, data_dir, edgar_env) -> None:
    facts = data_dir / "facts" / "edgar.yaml"
    facts.write_text("facts: []\n")
    before = tree(data_dir)
    EDGAR_FAULTS[name](edgar_env)
    assert run_edgar(data_dir) == 1
    assert_untouched(before, data_dir)


def _committed_edgar(data_dir: Path, edgar_env: HTTPServer) -> dict[str, str]:
    edgar_env.expect_oneshot_request(EDGAR_PATH).respond_with_json(payload("edgar_companyfacts_nvda.json"))
    assert run_edgar(data_dir) == 0
    return tree(data_dir)


@pytest.mark.slow
def test_edgar_shrunken_facts_are_refused(data_dir, edgar_env, capsys) -> None:
    before = _committed_edgar(data_dir, edgar_env)
    doc = payload("edgar_companyfacts_nvda.json")
    doc["facts"]["us-gaap"]["Revenues"]["units"]["USD"].pop(0)  # FY2024 Q3 disappears
    edgar_env.expect_request(EDGAR_PATH).respond_with_json(doc)
    assert run_edgar(data_dir) == 1
    assert_untouched(before, data_dir)
    assert "would drop 1 fact" in said(capsys)


@pytest.mark.slow
def test_edgar_revised_value_needs_accept_revisions(data_dir, edgar_env) -> None:
    before = _committed_edgar(data_dir, edgar_env)
    doc = payload("edgar_companyfacts_nvda.json")
    doc["facts"]["us-gaap"]["Revenues"]["units"]["USD"][1]["val"] += 1_000_000
    edgar_env.expect_request(EDGAR_PATH).respond_with_json(doc)
    assert run_edgar(data_dir) == 1
    assert_untouched(before, data_dir)
    assert run_edgar(data_dir, "--accept-revisions") == 0
    facts = yaml.safe_load((data_dir / "facts" / "edgar.yaml").read_text())["facts"]
    assert next(f for f in facts if f["id"] == "nvda_q1fy25_revenue")["value"] == (26_045_000_000)


# --- the local mimic --------------------------------------------------------------------------


@pytest.mark.slow
def test_mimic_serves_the_snapshot_so_a_refresh_changes_nothing(data_dir, monkeypatch) -> None:
    write_sources(data_dir, sources_doc(["yahoo", "tiingo"]))
    server = make_server(build_payloads(data_dir), 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        for var in ("YAHOO_BASE_URL", "TIINGO_BASE_URL", "EDGAR_BASE_URL"):
            monkeypatch.setenv(var, base)
        monkeypatch.setenv("TIINGO_API_KEY", "mimic")
        from build_scripts import refresh

        before = tree(data_dir)
        assert refresh.run(["--data-dir", str(data_dir), "--only", "NVDA"]) == 0
        assert tree(data_dir) == before
    finally:
        server.shutdown()
        server.server_close()


def test_mimic_extend_adds_sessions(data_dir) -> None:
    write_sources(data_dir, sources_doc(["yahoo", "tiingo"]))
    payloads = build_payloads(data_dir, extend=2)
    assert len(json.loads(payloads[YAHOO_PATH])["chart"]["result"][0]["timestamp"]) == 12
    dates = [r["date"][:10] for r in json.loads(payloads[TIINGO_PATH])]
    assert dates[-3:] == ["2026-08-20", "2026-08-21", "2026-08-24"]


def test_fast_http_settings_keep_tests_quick() -> None:
    assert FAST_HTTP["max_wait_seconds"] < 0.1
