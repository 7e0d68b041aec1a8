"""The EDGAR refresh feeds the analysis: its filing values confirm or replace the curated facts."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from build_scripts.analysis.fundamentals import data_center_revenue, market_value_lost
from build_scripts.facts import load_facts
from build_scripts.fetch.config import load_sources
from build_scripts.fetch.edgar import derive_facts, facts_yaml
from build_scripts.market.snapshot import load_prices, wide_closes
from build_scripts.paths import DATA, FACTS_DIR, ROOT

FIXTURE = ROOT / "build_scripts" / "fetch" / "recorded" / "edgar_companyfacts_nvda.json"


def refreshed(tmp_path: Path, doc: dict) -> Path:
    """A copy of the curated facts plus the edgar.yaml a refresh would write from `doc`."""
    folder = tmp_path / "facts"
    shutil.copytree(FACTS_DIR, folder)
    cfg = load_sources(DATA / "sources.yaml").edgar
    (folder / "edgar.yaml").write_bytes(facts_yaml(derive_facts(doc, cfg), cfg.cik))
    return folder


@pytest.fixture
def payload() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_refresh_writes_the_curated_ids(payload: dict) -> None:
    ids = {r["id"] for r in derive_facts(payload, load_sources(DATA / "sources.yaml").edgar)}
    curated = load_facts()
    assert "nvda_shares_outstanding" in ids and "nvda_q3fy25_revenue" in ids
    assert ids <= set(curated), ids - set(curated)


@pytest.mark.slow
def test_a_matching_filing_confirms_the_curated_fact(tmp_path: Path, payload: dict) -> None:
    facts = load_facts(refreshed(tmp_path, payload))
    q3 = facts["nvda_q3fy25_revenue"]
    assert q3.grade == "filing/original" and q3.unit == "USD" and q3.source.url.host == "www.sec.gov"
    assert "The filing confirms the curated 35082 USD million (company statement, seen only in a copy" in q3.note
    assert q3.period is not None and q3.period.quarter == 3 and q3.measure == "revenue"
    dc = data_center_revenue(facts, "2026-08-20").set_index("period")
    assert dc.loc["Q3 FY2025", "revenue_musd"] == pytest.approx(35_082)
    assert dc.loc["Q3 FY2025", "revenue_fact_id"] == "nvda_q3fy25_revenue"


@pytest.mark.slow
def test_a_different_filing_value_replaces_the_curated_one_and_says_so(tmp_path: Path, payload: dict) -> None:
    doc = copy.deepcopy(payload)
    for e in doc["facts"]["us-gaap"]["Revenues"]["units"]["USD"]:
        if e.get("fy") == 2025 and e.get("fp") == "Q3" and e["end"] == "2024-10-27":
            e["val"] = 35_090_000_000
    facts = load_facts(refreshed(tmp_path, doc))
    q3 = facts["nvda_q3fy25_revenue"]
    assert q3.value == 35_090_000_000
    assert "The filing replaces the curated 35082 USD million" in q3.note and "which differed" in q3.note
    dc = data_center_revenue(facts, "2026-08-20").set_index("period")
    assert dc.loc["Q3 FY2025", "revenue_musd"] == pytest.approx(35_090)


@pytest.mark.slow
def test_the_filed_share_count_is_used_for_the_market_value_lost(tmp_path: Path, payload: dict) -> None:
    closes = wide_closes(load_prices())
    before = market_value_lost(closes, load_facts(), "2026-08-20")
    assert np.isnan(before.shares_bn) and before.shares_source.startswith("none")
    facts = load_facts(refreshed(tmp_path, payload))
    after = market_value_lost(closes, facts, "2026-08-20")
    assert after.shares_bn == pytest.approx(24.4)
    assert after.shares_source == "fact nvda_shares_outstanding (filing/original)"
    assert after.value_lost_busd == pytest.approx(24.4 * -after.price_change_usd)
    assert pd.notna(after.times_prior_record_low)
