"""Prior-art timeline and API price ratios."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from build_scripts.analysis.prices_api import api_price_metrics, api_price_table
from build_scripts.analysis.timeline import prior_art_timeline


@pytest.mark.slow
def test_timeline_sorted_and_dated(facts):
    t = prior_art_timeline(facts)
    assert list(t["day"]) == sorted(t["day"])
    row = t.set_index("fact_id")
    # GQA 2023-05-22 -> V3 report 2024-12-26 (its PDF in DeepSeek's repository) is 584 days.
    assert row.loc["gqa_2023", "days_before_v3_report"] == 584
    # FP8-LM (2023-10-27) -> V3 report (2024-12-26): 426 days.
    assert row.loc["fp8_lm_2023", "days_before_deepseek_use"] == 426
    # MLA is introduced by V2 itself: no lead time.
    assert row.loc["mla_2024", "days_before_deepseek_use"] == 0
    assert row.loc["mla_2024", "by_deepseek"]
    assert row.loc["hfp8_2019", "date_precision"] == "month"
    assert pd.isna(row.loc["mqa_2019", "days_before_deepseek_use"])


def test_timeline_as_of(facts):
    t = prior_art_timeline(facts, dt.date(2024, 1, 1))
    assert "deepseekmoe_2024" not in set(t["fact_id"])
    # DeepSeekMoE is not yet public, so MoE rows have no DeepSeek use yet.
    assert pd.isna(t.set_index("fact_id").loc["mixtral_2023", "days_before_deepseek_use"])


def test_api_ratios_by_hand(facts):
    m = {x.name: x.value for x in api_price_metrics(facts)}
    assert m["api_output_openai_o1_vs_r1_x"] == pytest.approx(60 / 2.19)  # 27.4x
    assert m["api_input_cache_miss_openai_o1_vs_r1_x"] == pytest.approx(15 / 0.55)  # 27.3x
    assert m["api_input_cache_hit_openai_o1_vs_r1_x"] == pytest.approx(7.5 / 0.14)
    assert m["api_output_openai_o3_mini_vs_r1_x"] == pytest.approx(4.4 / 2.19)


def test_price_table_dates_and_as_of(facts):
    t = api_price_table(facts).set_index("fact_id")
    assert t.loc["deepseek_r1_launch", "price_date"] == "2025-01-20"
    assert t.loc["deepseek_r1_launch", "output_vs_r1_x"] == 1
    early = api_price_table(facts, dt.date(2025, 1, 27))
    ids = set(early["fact_id"])
    assert "openai_o1" in ids  # dated '2025-01': counts from 1 January
    assert "openai_o3_mini" not in ids and "deepseek_v3_standard_after_2025-02-08" not in ids
    assert api_price_metrics(facts, dt.date(2025, 1, 1)) == []
