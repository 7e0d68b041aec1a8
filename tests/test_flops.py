"""6ND FLOPs, implied utilisation and the Llama-vs-V3 gap, against hand calculations."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from build_scripts.analysis.flops import (
    achieved_flops_per_gpu,
    flops_metrics,
    gap_decomposition_table,
    maverick_tokens_trillion,
    training_flops,
    utilisation_table,
)
from build_scripts.errors import DataError


@pytest.fixture(scope="module")
def m(facts):
    return {x.name: x.value for x in flops_metrics(facts)}


def test_pure_formulas():
    assert training_flops(2, 3) == 36
    assert achieved_flops_per_gpu(7200.0, 1.0) == 2.0


@pytest.mark.slow
def test_flops_by_hand(m):
    assert m["v3_training_flops_6nd"] == pytest.approx(6 * 37e9 * 14.8e12)  # 3.2856e24
    assert m["llama31_405b_training_flops_6nd"] == pytest.approx(3.645e25)
    # With the paper's 15.6T tokens 6ND lands within 1% of Meta's stated 3.8e25.
    assert abs(m["llama31_405b_flops_6nd_vs_paper_pct"]) < 1


def test_utilisation_by_hand(m):
    # 3.2856e24 / (2,664,000 h x 3600 s) = 342.6 TFLOP/s per H800.
    assert m["v3_achieved_flops_per_gpu"] == pytest.approx(3.42593e14, rel=1e-5)
    assert m["v3_utilisation_bf16_pct"] == pytest.approx(100 * 342.593 / 989.4, rel=1e-5)
    assert m["v3_utilisation_fp8_pct"] == pytest.approx(100 * 342.593 / 1978.9, rel=1e-5)
    # 3.645e25 / (30.84M h x 3600 s) = 328.3 TFLOP/s per H100.
    assert m["llama31_405b_utilisation_bf16_pct"] == pytest.approx(33.18, abs=0.01)


def test_h800_has_h100_compute(m):
    assert m["h800_vs_h100_bf16_peak_x"] == 1.0
    assert m["h800_vs_h100_fp8_peak_x"] == 1.0


def test_gap_decomposition_multiplies_out(m, facts):
    # On V3's pre-training hours, the basis of its token and parameter factors: ~11.58.
    assert m["gap_gpu_hours_x"] == pytest.approx(30.84 / 2.664)
    assert m["gap_active_params_x"] == pytest.approx(405 / 37)
    assert m["gap_tokens_x"] == pytest.approx(15 / 14.8)
    product = m["gap_active_params_x"] * m["gap_tokens_x"] * m["gap_residual_x"]
    assert product == pytest.approx(m["gap_gpu_hours_x"])
    shares = gap_decomposition_table(facts).set_index("factor")["log_share_pct"]
    assert shares[["active_params", "tokens", "residual"]].sum() == pytest.approx(100)
    assert shares["active_params"] > 95  # MoE's small active set is nearly all of it
    # What is left is the ratio of the runs' useful FLOP/s per GPU, as in the utilisation table.
    assert m["gap_residual_x"] == pytest.approx(m["v3_achieved_flops_per_gpu"]
                                                / m["llama31_405b_achieved_flops_per_gpu"])


def test_maverick_vs_v3(m):
    # Pre-training against pre-training: both runs on the same basis.
    assert m["llama4_maverick_vs_v3_gpu_hours_x"] == pytest.approx(2.38 / 2.664)
    assert m["llama4_maverick_fewer_gpu_hours_pct"] == pytest.approx(100 * (1 - 2.38 / 2.664))
    assert m["llama4_maverick_training_flops_6nd"] == pytest.approx(6 * 17e9 * 22e12)


def test_maverick_absent_before_its_release(facts):
    early = {x.name for x in flops_metrics(facts, dt.date(2025, 1, 27))}
    assert "v3_training_flops_6nd" in early
    assert not any("maverick" in n for n in early)
    assert list(utilisation_table(facts, dt.date(2025, 1, 27))["run"]) == ["v3", "llama31_405b"]


def test_token_count_is_a_structured_part(facts):
    assert maverick_tokens_trillion(facts["llama4_tokens"]) == 22
    broken = facts["llama4_tokens"].model_copy(update={"value": {"scout": 40}})
    with pytest.raises(DataError, match="llama4_tokens"):
        maverick_tokens_trillion(broken)


def test_utilisation_table_consistent(facts):
    t = utilisation_table(facts).set_index("run")
    v3 = t.loc["v3"]
    assert v3["achieved_tflops_per_gpu"] / v3["peak_bf16_tflops"] * 100 == pytest.approx(
        v3["utilisation_bf16_pct"]
    )
    assert math.isclose(v3["gpu_hours"], 2_664_000)
