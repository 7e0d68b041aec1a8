"""Hand-checked return arithmetic, on the quoted closes and on the committed snapshot."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from build_scripts.analysis.returns import day_returns_pct, period_return_pct
from build_scripts.market.snapshot import load_prices, wide_closes

EVENT = dt.date(2025, 1, 27)


def test_nvda_event_day_from_quoted_closes() -> None:
    closes = pd.DataFrame({"NVDA": [142.62, 118.42]},
                          index=pd.to_datetime(["2025-01-24", "2025-01-27"]))
    assert day_returns_pct(closes, EVENT)["NVDA"] == pytest.approx(-16.968, abs=5e-4)
    assert round(day_returns_pct(closes, EVENT)["NVDA"], 2) == -16.97


def test_nvda_event_day_from_the_snapshot_matches_the_quoted_move() -> None:
    closes = wide_closes(load_prices())
    assert round(day_returns_pct(closes, EVENT)["NVDA"], 2) == -16.97


def test_period_return_is_unknown_before_its_end_date() -> None:
    closes = pd.DataFrame({"X": [100.0, 110.0, 121.0]},
                          index=pd.to_datetime(["2025-01-27", "2025-02-27", "2025-03-27"]))
    assert period_return_pct(closes, "X", EVENT, dt.date(2025, 3, 27)) == pytest.approx(21.0)
    assert period_return_pct(closes, "X", EVENT, dt.date(2025, 3, 27), as_of=dt.date(2025, 3, 1)) is None
