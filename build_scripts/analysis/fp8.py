"""FP8 in numbers: bytes per value, V3's weight memory, scaling overhead, Hopper's 2x, Dally's 16x.

Lower-precision number formats are the single largest source of GPU speed-ups in the last
decade; DeepSeek's FP8 training applies the same lever, so we size it plainly.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

import pandas as pd

from ..errors import DataError
from ..facts import Fact
from .metric import FACTS_LOCATION, Ledger, Metric, in_unit, mapping, number, visible

# Storage width of each format (by definition of the formats, not a sourced claim).
FORMAT_BITS = {"fp32": 32, "bf16": 16, "fp8": 8}
FP32_SCALE_BITS = 32
GRANULARITY = "v3_fp8_quantization_granularity"
DALLY = (
    ("number_representation", "dally_gain_number_representation"),
    ("complex_instructions", "dally_gain_complex_instructions"),
    ("sparsity", "dally_gain_sparsity"),
    ("process_technology", "dally_gain_process_technology"),
)


def bytes_per_value(fmt: str) -> float:
    return FORMAT_BITS[fmt] / 8


def scale_overhead_pct(
    group_elements: int, scale_bits: int = FP32_SCALE_BITS, element_bits: int = 8
) -> float:
    """Extra storage for one scale factor shared by `group_elements` FP8 values, in percent."""
    return 100 * scale_bits / (group_elements * element_bits)


def _hbm_bytes(gpu: Fact) -> float:
    """A GPU's memory in bytes, from its spec's structured `hbm_gb` part."""
    return in_unit(gpu, "GB", "hbm_gb") * 1e9


def weight_memory_table(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> pd.DataFrame:
    """V3's 671B weights in FP32 / BF16 / FP8, and how many 80 GB H800s merely hold them."""
    led = Ledger(facts, as_of)
    params = led.num("v3_total_params") * 1e9
    hbm = _hbm_bytes(led.fact("h800_sxm"))
    rows = []
    for fmt in FORMAT_BITS:
        size = params * bytes_per_value(fmt)
        rows.append(
            {
                "format": fmt,
                "bits_per_value": FORMAT_BITS[fmt],
                "bytes_per_value": bytes_per_value(fmt),
                "v3_weights_bytes": size,
                "v3_weights_gb": size / 1e9,
                "h800_needed_for_weights": math.ceil(size / hbm),
                "inputs": ("v3_total_params", "h800_sxm"),
            }
        )
    return pd.DataFrame(rows)


SHAPE_PARTS = ("activation_tile_rows", "activation_tile_cols", "weight_block_rows", "weight_block_cols")


def granularity_shapes(fact: Fact) -> dict[str, int]:
    """The scaling-group shapes (rows and columns of activation tiles and weight blocks)."""
    spec = mapping(fact)
    try:
        return {k: int(spec[k]) for k in SHAPE_PARTS}
    except (KeyError, TypeError, ValueError):
        raise DataError(FACTS_LOCATION, f"fact '{fact.id}'",
                        f"needs whole-number parts {', '.join(SHAPE_PARTS)}") from None


def granularity(fact: Fact) -> tuple[int, int]:
    """(activation tile elements, weight block elements) from the report's granularity fact."""
    s = granularity_shapes(fact)
    return (s["activation_tile_rows"] * s["activation_tile_cols"],
            s["weight_block_rows"] * s["weight_block_cols"])


def fp8_metrics(
    facts: Mapping[str, Fact], as_of: dt.date | None = None, scale_bits: int = FP32_SCALE_BITS
) -> list[Metric[float]]:
    """Scaling-factor overhead, FP8/BF16 peak ratio on Hopper, and Dally's factors in log terms.

    Metric names: fp8_activation_tile_elements, fp8_weight_block_elements,
    fp8_weight_block_elements_hf_config, fp8_activation_scale_overhead_pct,
    fp8_weight_scale_overhead_pct, v3_fp8_weight_scales_bytes, v3_weights_<fmt>_bytes,
    <gpu>_fp8_to_bf16_x, dally_factors_product_x, dally_factors_vs_headline_x,
    dally_<factor>_log_share_pct.
    `scale_bits` is the width of one stored scale (FP32 by default; UE8M0 would be 8).
    """
    led = Ledger(facts, as_of)
    tile, block = granularity(led.fact(GRANULARITY))
    led.add("fp8_activation_tile_elements", tile, "elements", "1 x 128 tile", GRANULARITY)
    led.add("fp8_weight_block_elements", block, "elements", "128 x 128 block", GRANULARITY)
    if led.has("deepseek_v3_hf_config_json"):
        hf = mapping(led.fact("deepseek_v3_hf_config_json"))
        rows, cols = hf["quantization_config"]["weight_block_size"]
        led.add(
            "fp8_weight_block_elements_hf_config",
            rows * cols,
            "elements",
            "weight_block_size in config.json (cross-check)",
            "deepseek_v3_hf_config_json",
        )
    led.add(
        "fp8_activation_scale_overhead_pct",
        scale_overhead_pct(tile, scale_bits),
        "percent",
        f"{scale_bits}-bit scale / (tile elements x 8 bits) x 100",
        "fp8_activation_tile_elements",
    )
    led.add(
        "fp8_weight_scale_overhead_pct",
        scale_overhead_pct(block, scale_bits),
        "percent",
        f"{scale_bits}-bit scale / (block elements x 8 bits) x 100",
        "fp8_weight_block_elements",
    )
    params = led.num("v3_total_params") * 1e9
    led.add(
        "v3_fp8_weight_scales_bytes",
        params / block * scale_bits / 8,
        "bytes",
        "params / block elements x scale bytes (upper bound: not every tensor is FP8)",
        "v3_total_params",
        "fp8_weight_block_elements",
    )
    for fmt in FORMAT_BITS:
        led.add(
            f"v3_weights_{fmt}_bytes",
            params * bytes_per_value(fmt),
            "bytes",
            f"params x {bytes_per_value(fmt):g} bytes ({fmt})",
            "v3_total_params",
        )
    for fid, f in visible(facts, as_of).items():
        spec = f.value
        if (
            isinstance(spec, dict)
            and spec.get("bf16_dense_tflops")
            and spec.get("fp8_dense_tflops")
        ):
            led.add(
                f"{fid}_fp8_to_bf16_x",
                spec["fp8_dense_tflops"] / spec["bf16_dense_tflops"],
                "x",
                "dense FP8 peak / dense BF16 peak",
                fid,
            )
    _dally(led)
    return led.result()


def _dally(led: Ledger) -> None:
    ids = [fid for _, fid in DALLY]
    product = led.add(
        "dally_factors_product_x",
        math.prod(led.num(i) for i in ids),
        "x",
        "16 x 12.5 x 2 x 2.5 (should equal the 1000x headline)",
        *ids,
    )
    if led.has("dally_single_gpu_inference_gain"):
        led.add(
            "dally_factors_vs_headline_x",
            product.value / led.num("dally_single_gpu_inference_gain"),
            "x",
            "product of factors / 1000x headline",
            product.name,
            "dally_single_gpu_inference_gain",
        )
    for name, fid in DALLY:
        led.add(
            f"dally_{name}_log_share_pct",
            100 * math.log(led.num(fid)) / math.log(product.value),
            "percent",
            "ln(factor) / ln(product) x 100",
            fid,
            product.name,
        )


def fp8_throughput_table(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> pd.DataFrame:
    """Dense BF16 vs FP8 peak for every GPU spec that lists both."""
    rows = []
    for fid, f in visible(facts, as_of).items():
        spec = f.value
        if (
            isinstance(spec, dict)
            and spec.get("bf16_dense_tflops")
            and spec.get("fp8_dense_tflops")
        ):
            bf16, fp8 = float(spec["bf16_dense_tflops"]), float(spec["fp8_dense_tflops"])
            rows.append(
                {
                    "gpu": f.label or fid,
                    "fact_id": fid,
                    "bf16_dense_tflops": bf16,
                    "fp8_dense_tflops": fp8,
                    "fp8_to_bf16_x": fp8 / bf16,
                    "grade": f.grade,
                }
            )
    return pd.DataFrame(rows)


def dally_table(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> pd.DataFrame:
    """Dally's 1,000x split into its four factors, each with its share in log terms."""
    ms = {m.name: m for m in fp8_metrics(facts, as_of)}
    rows = [
        {
            "factor": name,
            "gain_x": number(facts[fid]),
            "log_share_pct": ms[f"dally_{name}_log_share_pct"].value,
            "fact_id": fid,
            "grade": facts[fid].grade,
        }
        for name, fid in DALLY
    ]
    return pd.DataFrame(rows)
