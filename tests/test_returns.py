"""Hand-checked return arithmetic, through the functions the pages use, on quoted and snapshot closes."""

from __future__ import annotations

import pandas as pd
import pytest

from build_scripts import build
from build_scripts.analysis.recovery import recovery_row

PRE, EVENT = pd.Timestamp("2025-01-24"), pd.Timestamp("2025-01-27")


def test_nvda_event_day_from_quoted_closes() -> None:
    closes = pd.Series([142.62, 118.42], index=[PRE, EVENT])
    row = recovery_row(closes, PRE, EVENT)
    assert row["day1_pct"] == pytest.approx(-16.968, abs=5e-4)
    assert round(row["day1_pct"], 2) == -16.97


@pytest.mark.slow
def test_nvda_event_day_from_the_snapshot_matches_the_quoted_move() -> None:
    results = build.study(build.load_inputs()).results.market
    day0 = results.event_study.day0.set_index("ticker")
    assert round(day0.loc["NVDA", "ret_pct"], 2) == -16.97
    rec = results.recovery.set_index("ticker")
    assert round(rec.loc["NVDA", "day1_pct"], 2) == -16.97
