"""KV cache per token: DeepSeek-V2 Table 1 formulas, the 2.25-groups statement, and ratios."""

from __future__ import annotations

import pytest

from build_scripts.analysis.kvcache import (
    equivalent_gqa_groups,
    gqa_elements,
    kv_cache_table,
    kv_claim_context,
    kv_metrics,
    kv_reduction_pct,
    llama_405b_shape,
    mha_elements,
    mla_elements,
    mqa_elements,
)
from build_scripts.errors import DataError


@pytest.fixture(scope="module")
def m(facts):
    return {x.name: x.value for x in kv_metrics(facts)}


def test_formulas_on_a_small_config():
    # 4 heads of 16 dims: MHA 2*4*16 = 128, GQA (2 groups) 64, MQA 32, MLA d_c=64 + d_R=8 = 72.
    assert mha_elements(4, 16) == 128
    assert gqa_elements(2, 16) == 64
    assert mqa_elements(16) == 32
    assert mla_elements(64, 8) == 72
    assert gqa_elements(4, 16) == mha_elements(4, 16)  # GQA with n_h groups is MHA
    assert gqa_elements(1, 16) == mqa_elements(16)  # ...and with one group is MQA


@pytest.mark.slow
def test_mla_is_gqa_with_2_25_groups(m, facts):
    # d_c = 4 d_h, d_h^R = d_h / 2  ->  4.5 d_h = 2 x 2.25 x d_h.
    assert m["v3_mla_latent_in_head_dims"] == 4
    assert m["v3_mla_rope_in_head_dims"] == 0.5
    assert m["v3_mla_cache_in_head_dims"] == 4.5
    assert m["v3_mla_equivalent_gqa_groups"] == facts["mla_equivalent_gqa_groups"].value == 2.25
    assert equivalent_gqa_groups(576, 128) == 2.25


def test_matches_fact_values(m, facts):
    assert m["v3_mla_kv_elements_per_token"] == facts["v3_mla_kv_cache_elements_per_token"].value
    assert (
        m["v2_mla_kv_elements_per_token"] == facts["v2_kv_cache_elements_per_token_derived"].value
    )
    assert (
        m["llama31_405b_kv_elements_per_token"]
        == facts["llama31_405b_kv_cache_per_token_derived"].value
    )
    assert m["v3_mha_kv_elements_per_token"] == 2 * 128 * 128 * 61
    assert m["v3_mla_kv_bytes_per_token_bf16"] == 70_272


def test_mla_about_one_57th_of_mha(m):
    assert m["v3_mha_to_mla_kv_x"] == pytest.approx(1_998_848 / 35_136)
    assert round(m["v3_mha_to_mla_kv_x"]) == 57
    assert round(m["v2_mha_to_mla_kv_x"]) == 57
    assert m["llama31_405b_to_v3_mla_kv_x"] == pytest.approx(258_048 / 35_136)


def test_table_bytes_and_layers(facts):
    t = kv_cache_table(facts).set_index("model")
    v3 = t.loc["DeepSeek-V3"]
    assert v3["elements_per_token_per_layer"] == 576
    assert v3["bytes_per_token"] == 2 * 576 * 61
    assert t.loc["Llama 3.1 405B", "layers"] == 126
    assert t.loc["Llama 3.1 405B", "equivalent_gqa_groups"] == 8
    fp8 = kv_cache_table(facts, bytes_per_element=1).set_index("model")
    assert fp8.loc["DeepSeek-V3", "bytes_per_token"] == 576 * 61


def test_93pct_is_a_different_comparison(facts):
    ctx = kv_claim_context(facts)
    assert ctx.published_reduction_pct == 93.3
    assert "67B" in ctx.baseline
    assert "quantiz" in ctx.caveat
    # MLA alone vs MHA of the same shape removes 98.2%, not 93.3%.
    assert ctx.v2_mla_vs_same_shape_mha_reduction_pct == pytest.approx(
        100 * (1 - 1 / 56.8889), abs=1e-3
    )
    # The fact's note: 34,560 elements at ~6 bits vs 67B's 194,560 at 16 bits gives 93.3%.
    assert kv_reduction_pct(34_560, 6, 194_560, 16) == pytest.approx(93.3, abs=0.05)
    # ...whereas MLA at 16 bits against the same baseline is only ~82%.
    assert kv_reduction_pct(34_560, 16, 194_560, 16) == pytest.approx(82.2, abs=0.05)


def test_llama_shape_from_structured_config():
    s = llama_405b_shape({"dim": 16384, "n_layers": 126, "n_heads": 128, "n_kv_heads": 8, "vocab_size": 128256})
    assert s == {"dim": 16384, "n_layers": 126, "n_heads": 128, "n_kv_heads": 8, "head_dim": 128}
    with pytest.raises(DataError, match="n_kv_heads"):
        llama_405b_shape({"dim": 8192})
