"""V3's cost table: dollars recomputed from GPU-hours x price must equal the reported figures."""

from __future__ import annotations

import datetime as dt

import pytest

from build_scripts.analysis.hardware import (
    cost_range_table,
    hardware_claims_table,
    hardware_metrics,
)
from build_scripts.analysis.training_cost import (
    cost_scope_table,
    r1_rl_cost_table,
    training_cost_metrics,
    training_cost_table,
)
from build_scripts.errors import DataError

JAN27 = dt.date(2025, 1, 27)


@pytest.fixture(scope="module")
def metrics(facts):
    return {m.name: m for m in training_cost_metrics(facts)}


@pytest.mark.slow
def test_stage_dollars_equal_reported(facts):
    table = training_cost_table(facts).set_index("stage")
    assert list(table.index) == ["pretraining", "context_extension", "post_training", "total"]
    # Table 1 of the report, in USD.
    expected = {
        "pretraining": 5_328_000,
        "context_extension": 238_000,
        "post_training": 10_000,
        "total": 5_576_000,
    }
    for stage, usd in expected.items():
        assert table.loc[stage, "computed_cost_usd"] == pytest.approx(usd)
        assert table.loc[stage, "reported_cost_usd"] == pytest.approx(usd)
    assert (table["difference_usd"].abs() < 1e-6).all()


def test_stages_add_up_to_total(metrics):
    assert metrics["v3_gpu_hours_sum_of_stages"].value == 2_788_000
    assert metrics["v3_cost_usd_total_minus_reported"].value == pytest.approx(0, abs=1e-6)
    assert metrics["v3_famous_figure_usd"].value == 5_576_000
    assert metrics["v3_pretraining_share_pct"].value == pytest.approx(100 * 2664 / 2788)


def test_cluster_arithmetic_matches_report(metrics):
    # 2,664,000 / 2048 / 24 = 54.2 days: "less than two months".
    assert metrics["v3_pretraining_days_on_cluster"].value == pytest.approx(54.199, abs=1e-3)
    assert metrics["v3_gpu_hours_per_trillion_tokens_computed"].value == pytest.approx(180_000)
    # Report says 3.7 days per trillion tokens.
    assert round(metrics["v3_days_per_trillion_tokens_computed"].value, 1) == 3.7


def test_r1_rl_cost_components(metrics, facts):
    # 512 x 198 h + 512 x 80 h + 5,000 GPU-h = 147,336 GPU-h -> $294,672 vs reported $294K.
    assert metrics["r1_rl_total_gpu_hours"].value == 147_336
    assert metrics["r1_rl_cost_usd_computed"].value == 294_672
    assert abs(metrics["r1_rl_cost_computed_vs_reported_pct"].value) < 0.5
    assert metrics["r1_rl_cost_usd_computed"].grade == "news/paraphrase"
    table = r1_rl_cost_table(facts)
    assert table["computed_cost_usd"].iloc[:3].sum() == table["computed_cost_usd"].iloc[3]


def test_r1_cost_hidden_before_disclosure(facts):
    names = {m.name for m in training_cost_metrics(facts, JAN27)}
    assert "v3_cost_usd_computed_total" in names
    assert not any(n.startswith("r1_") for n in names)
    assert r1_rl_cost_table(facts, JAN27).empty
    assert "r1_rl_cost_usd_nature" not in set(cost_scope_table(facts, JAN27)["fact_id"])


def test_cost_table_needs_the_v3_report(facts):
    with pytest.raises(DataError, match="v3_rental_price_assumption"):
        training_cost_table(facts, dt.date(2024, 12, 1))


def test_scope_lists_the_exclusions(facts):
    scope = cost_scope_table(facts)
    excluded = scope[~scope["in_headline_figure"]]
    assert "v3_cost_exclusions" in set(excluded["fact_id"])
    assert "r1_rl_cost_usd_nature" in set(excluded["fact_id"])
    assert excluded["item"].str.contains("ablation").any()


def test_hardware_claims_side_by_side(facts):
    claims = hardware_claims_table(facts).set_index("fact_id")
    assert claims.loc["deepseek_self_reported_training_cluster", "value"] == 2048
    assert claims.loc["wang_50000_h100_claim", "grade"] == "quote/outlet"
    assert claims.loc["semianalysis_hopper_fleet", "who"] == "SemiAnalysis"
    early = hardware_claims_table(facts, JAN27)
    assert set(early["fact_id"]) == {
        "deepseek_self_reported_training_cluster",
        "wang_50000_h100_claim",
        "nvidia_statement_phrases_2025-01-27",
    }


def test_hardware_ratios(facts):
    m = {x.name: x for x in hardware_metrics(facts)}
    assert m["semianalysis_total_gpus"].value == 60_000
    assert m["hopper_fleet_vs_v3_cluster_x"].value == pytest.approx(50_000 / 2048)
    assert m["hardware_spend_floor_vs_v3_run_x"].value == pytest.approx(500e6 / 5.576e6)
    assert m["server_capex_vs_v3_run_x"].value == pytest.approx(1.6e9 / 5.576e6)


def test_range_table_is_rounded_and_ordered(facts):
    rng = cost_range_table(facts).set_index("item")
    assert rng.loc["V3 final training run", "low_usd"] == 5_600_000
    outlay = rng.loc["DeepSeek hardware outlay (estimate)"]
    assert (outlay["low_usd"], outlay["high_usd"]) == (500_000_000, 1_600_000_000)
    assert (rng["low_usd"] <= rng["high_usd"]).all()
    assert list(cost_range_table(facts, JAN27)["item"]) == ["V3 final training run"]
