"""FP8 arithmetic: bytes, V3 weight memory, scale overhead, Hopper's 2x, Dally's log shares."""

from __future__ import annotations

import math

import pytest

from build_scripts.analysis.fp8 import (
    bytes_per_value,
    dally_table,
    fp8_metrics,
    fp8_throughput_table,
    granularity,
    scale_overhead_pct,
    weight_memory_table,
)


@pytest.fixture(scope="module")
def m(facts):
    return {x.name: x.value for x in fp8_metrics(facts)}


@pytest.mark.slow
def test_bytes_and_weight_memory(facts):
    assert [bytes_per_value(f) for f in ("fp32", "bf16", "fp8")] == [4, 2, 1]
    t = weight_memory_table(facts).set_index("format")
    assert t.loc["fp8", "v3_weights_gb"] == 671
    assert t.loc["bf16", "v3_weights_gb"] == 1342
    # 671 GB / 80 GB = 8.4 -> 9 GPUs just to hold FP8 weights; BF16 needs 17.
    assert t.loc["fp8", "h800_needed_for_weights"] == 9
    assert t.loc["bf16", "h800_needed_for_weights"] == 17


def test_scaling_granularity_and_overhead(m, facts):
    assert granularity(facts["v3_fp8_quantization_granularity"]) == (128, 16384)
    assert m["fp8_activation_tile_elements"] == 128
    assert m["fp8_weight_block_elements"] == m["fp8_weight_block_elements_hf_config"] == 16384
    # One FP32 scale per 128 FP8 values: 32 / (128 x 8) = 3.125% extra; per 128x128: 0.024%.
    assert m["fp8_activation_scale_overhead_pct"] == pytest.approx(3.125)
    assert m["fp8_weight_scale_overhead_pct"] == pytest.approx(100 * 32 / (16384 * 8))
    assert scale_overhead_pct(128, scale_bits=8) == pytest.approx(0.78125)
    assert m["v3_fp8_weight_scales_bytes"] == pytest.approx(671e9 / 16384 * 4)


def test_hopper_fp8_doubles_bf16(m, facts):
    assert m["h800_sxm_fp8_to_bf16_x"] == pytest.approx(2, abs=1e-3)
    assert m["h100_sxm_fp8_to_bf16_x"] == pytest.approx(2, abs=1e-3)
    t = fp8_throughput_table(facts)
    assert "a100_sxm_80gb" not in set(t["fact_id"])  # no FP8 on Ampere


def test_dally_log_shares(m, facts):
    assert m["dally_factors_product_x"] == pytest.approx(1000)
    assert m["dally_factors_vs_headline_x"] == pytest.approx(1)
    t = dally_table(facts).set_index("factor")
    assert t["log_share_pct"].sum() == pytest.approx(100)
    assert t.loc["number_representation", "log_share_pct"] == pytest.approx(
        100 * math.log(16) / math.log(1000)
    )  # ~40.1%
    assert t.loc["process_technology", "log_share_pct"] == pytest.approx(13.26, abs=0.01)
