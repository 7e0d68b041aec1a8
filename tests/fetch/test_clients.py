"""The shared HTTP client and the provider parsers, tested on their own against 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pytest_httpserver import HTTPServer

from build_scripts.facts import parse_facts
from build_scripts.fetch.base import FetchError, HttpClient, RateLimiter, RetryPolicy, retry_after_seconds
from build_scripts.fetch.config import load_sources
from build_scripts.fetch.edgar import Edgar, derive_facts
from build_scripts.fetch.tiingo import Tiingo
from build_scripts.fetch.yahoo import Yahoo, parse_chart
from build_scripts.paths import DATA

from .conftest import EDGAR_PATH, FIXTURES, RECORDED, TIINGO_PATH, YAHOO_PATH, payload, yahoo_doc

POLICY = RetryPolicy(timeout_seconds=0.3, attempts=3, backoff_seconds=0.5, max_wait_seconds=60)


class Sleeps(list):
    """Records the waits the client asks for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(provider: str = "yahoo", policy: RetryPolicy = POLICY, **kw) -> tuple[HttpClient, Sleeps]:
    sleeps = Sleeps()
    return HttpClient(provider, "test-agent/1.0 (tests)", policy, sleeps, **kw), sleeps


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Sat, 28 Nov 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_429_waits_as_long_as_retry_after_asks(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request(YAHOO_PATH).respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_ordered_request(YAHOO_PATH).respond_with_json({"ok": True})
    http, sleeps = client()
    assert http.get_json(httpserver.url_for(YAHOO_PATH), "NVDA") == {"ok": True}
    assert sleeps == [7.0]


def test_5xx_backs_off_exponentially_then_gives_up_naming_the_status(httpserver: HTTPServer) -> None:
    httpserver.expect_request(YAHOO_PATH).respond_with_data("down", status=503)
    http, sleeps = client()
    with pytest.raises(FetchError) as err:
        http.get_json(httpserver.url_for(YAHOO_PATH), "NVDA")
    assert sleeps == [0.5, 1.0]
    assert err.value.status == 503
    assert "yahoo NVDA: HTTP 503" in str(err.value) and "3 attempts" in str(err.value)


def test_other_4xx_fails_at_once(httpserver: HTTPServer) -> None:
    httpserver.expect_request(YAHOO_PATH).respond_with_json({"detail": "nope"}, status=404)
    http, sleeps = client()
    with pytest.raises(FetchError, match="HTTP 404"):
        http.get_json(httpserver.url_for(YAHOO_PATH), "NVDA")
    assert sleeps == [] and len(httpserver.log) == 1


def test_timeout_is_reported_as_such(httpserver: HTTPServer) -> None:
    def slow(_request):
        import time

        from werkzeug import Response

        time.sleep(0.4)
        return Response("{}", content_type="application/json")

    httpserver.expect_request(YAHOO_PATH).respond_with_handler(slow)
    http, _ = client(policy=RetryPolicy(0.15, 1, 0, 0))
    with pytest.raises(FetchError, match=r"timed out after 0.15 s"):
        http.get_json(httpserver.url_for(YAHOO_PATH), "NVDA")


@pytest.mark.parametrize(
    ("body", "ctype", "message"),
    [
        ((FIXTURES / "blocked.html").read_bytes(), "text/html; charset=utf-8", "HTML page"),
        ((FIXTURES / "blocked.html").read_bytes(), "application/json", "HTML page"),
        (b'{"chart": {"result": [{"timestamp": [1, 2', "application/json", "truncated"),
        (b"", "application/json", "empty body"),
        (b"  \n", "application/json", "empty body"),
    ],
)
def test_bodies_that_are_not_json_fail_clearly(httpserver: HTTPServer, body: bytes, ctype: str, message: str) -> None:
    httpserver.expect_request(YAHOO_PATH).respond_with_data(body, content_type=ctype)
    http, _ = client()
    with pytest.raises(FetchError, match=message):
        http.get_json(httpserver.url_for(YAHOO_PATH), "NVDA")


def test_rate_limiter_spaces_requests() -> None:
    clock = [0.0]
    sleeps = Sleeps()

    def sleep(s: float) -> None:
        sleeps.append(s)
        clock[0] += s

    limiter = RateLimiter(10, clock=lambda: clock[0], sleep=sleep)
    for _ in range(3):
        limiter.wait()
    assert sleeps == pytest.approx([0.1, 0.1])


def test_yahoo_sends_its_user_agent_and_stores_the_adjusted_basis(httpserver: HTTPServer) -> None:
    httpserver.expect_request(YAHOO_PATH, headers={"User-Agent": "test-agent/1.0 (tests)"}).respond_with_json(
        yahoo_doc()
    )
    http, _ = client()
    got = Yahoo(httpserver.url_for(""), http).fetch("NVDA", dt.date(2026, 8, 7))
    req = httpserver.log[0][0]
    assert req.args["interval"] == "1d" and req.args["events"] == "div|split"
    doc = yahoo_doc()["chart"]["result"][0]
    first = got.prices.iloc[0]
    ratio = doc["indicators"]["adjclose"][0]["adjclose"][0] / doc["indicators"]["quote"][0]["close"][0]
    assert first["date"] == "2026-08-07"
    assert first["close"] == doc["indicators"]["adjclose"][0]["adjclose"][0]
    assert first["open"] == pytest.approx(doc["indicators"]["quote"][0]["open"][0] * ratio)
    assert ratio < 1  # the quoted close carries the later dividend, the adjusted one does not
    assert len(got.prices) == 15 and "period1=" in got.url


def test_yahoo_quotes_index_symbols_and_reads_tokyo_dates(httpserver: HTTPServer) -> None:
    doc = yahoo_doc()
    result = doc["chart"]["result"][0]
    result["meta"]["exchangeTimezoneName"] = "Asia/Tokyo"
    # 09:00 in Tokyo is 00:00 UTC: the local date must win over the UTC one.
    result["timestamp"] = [int(dt.datetime(2025, 1, 27, 0, 0, tzinfo=dt.UTC).timestamp())]
    for key, values in result["indicators"]["quote"][0].items():
        result["indicators"]["quote"][0][key] = values[:1]
    result["indicators"]["adjclose"][0]["adjclose"] = result["indicators"]["adjclose"][0]["adjclose"][:1]
    httpserver.expect_request("/v8/finance/chart/^N225").respond_with_json(doc)
    http, _ = client()
    got = Yahoo(httpserver.url_for(""), http).fetch("^N225", dt.date(2025, 1, 27))
    assert got.prices["date"].tolist() == ["2025-01-27"]


def test_yahoo_chart_error_is_named() -> None:
    doc = {
        "chart": {
            "result": None,
            "error": {"code": "Not Found", "description": "No data found, symbol may be delisted"},
        }
    }
    with pytest.raises(FetchError, match="symbol may be delisted"):
        parse_chart(doc, "NVDA")


def test_yahoo_arrays_of_the_wrong_length_are_a_parse_failure() -> None:
    doc = yahoo_doc()
    doc["chart"]["result"][0]["indicators"]["quote"][0]["close"].pop()
    with pytest.raises(FetchError, match=r"quote\[0\]\.close has 14 values for 15 timestamps"):
        parse_chart(doc, "NVDA")


def test_yahoo_reads_splits() -> None:
    doc = yahoo_doc()
    stamp = doc["chart"]["result"][0]["timestamp"][-1]
    doc["chart"]["result"][0]["events"]["splits"] = {
        str(stamp): {"date": stamp, "numerator": 10, "denominator": 1, "splitRatio": "10:1"}
    }
    assert parse_chart(doc, "NVDA")[1] == {"2026-08-27": 10.0}


def test_tiingo_sends_the_key_in_a_header_not_the_url(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        TIINGO_PATH,
        headers={"Authorization": "Token secret-key"},
        query_string={"startDate": "2026-08-07", "format": "json"},
    ).respond_with_json(payload("tiingo_prices_nvda.json"))
    http, _ = client("tiingo")
    got = Tiingo(httpserver.url_for(""), "secret-key", http).fetch("NVDA", dt.date(2026, 8, 7))
    assert "secret-key" not in got.url
    assert got.prices["close"].iloc[0] == 223.96  # adjClose, not the quoted close
    assert got.prices["source_id"].unique().tolist() == ["tiingo"]


def test_tiingo_error_detail_is_named() -> None:
    from build_scripts.fetch.tiingo import parse_prices

    with pytest.raises(FetchError, match="Invalid token"):
        parse_prices({"detail": "Invalid token."}, "NVDA")


def test_edgar_facts_follow_the_fact_schema() -> None:
    cfg = load_sources(DATA / "sources.yaml", env={}).edgar
    records = derive_facts(payload("edgar_companyfacts_nvda.json"), cfg)
    facts = {f.id: f for f in parse_facts(records, "edgar")}
    shares = facts["edgar.nvda.shares_outstanding"]
    assert shares.value == 24_400_000_000 and "as of 2025-02-21" in shares.source.locator
    assert "0001045810-25-000023" in shares.source.title and shares.date == "2025-02-26"
    # The comparative repeat of FY2024 Q3 in a 2024 filing must not become a second fact.
    assert facts["edgar.nvda.revenue.fy2024.q3"].date == "2023-11-21"
    assert facts["edgar.nvda.revenue.fy2025.q3"].value == 35_082_000_000
    q4 = facts["edgar.nvda.revenue.fy2025.q4"]
    assert q4.value == 130_497_000_000 - 26_044_000_000 - 30_040_000_000 - 35_082_000_000
    assert q4.note and q4.note.startswith("Derived")
    assert len(facts) == 6


def test_edgar_sends_the_configured_contact_and_respects_the_rate_limit(httpserver: HTTPServer) -> None:
    agent = "Research Desk research@example.org"
    httpserver.expect_request(EDGAR_PATH, headers={"User-Agent": agent}).respond_with_json(
        payload("edgar_companyfacts_nvda.json")
    )
    cfg = load_sources(DATA / "sources.yaml", env={}).edgar
    sleeps = Sleeps()
    clock = [0.0]
    limiter = RateLimiter(10, clock=lambda: clock[0], sleep=sleeps)
    http = HttpClient("edgar", agent, POLICY, sleeps, limiter)
    edgar = Edgar(httpserver.url_for(""), cfg, http)
    edgar.fetch_facts()
    edgar.fetch_facts()
    assert len(httpserver.log) == 2
    assert sleeps == pytest.approx([0.1])


def test_edgar_conflicting_values_in_one_filing_fail() -> None:
    doc = payload("edgar_companyfacts_nvda.json")
    rows = doc["facts"]["us-gaap"]["Revenues"]["units"]["USD"]
    rows.append({**rows[-1], "val": rows[-1]["val"] + 1})
    cfg = load_sources(DATA / "sources.yaml", env={}).edgar
    with pytest.raises(FetchError, match="two values"):
        derive_facts(doc, cfg)


def test_fixture_payloads_are_valid_json() -> None:
    for name in ("yahoo_chart_nvda.json", "tiingo_prices_nvda.json", "edgar_companyfacts_nvda.json"):
        assert json.loads((RECORDED / name).read_text(encoding="utf-8"))
