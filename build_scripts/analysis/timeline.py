"""Prior art: when each technique DeepSeek used was first published, and how long before use.

"DeepSeek invented efficient training" is checked against dates: most ideas are years old,
and the newest ones (MLA, DeepSeekMoE, GRPO) are DeepSeek's own earlier papers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from ..facts import Fact
from .metric import visible

V3_REPORT = "v3_total_params"  # any fact read in the V3 report (its PDF in DeepSeek's repository, 26 Dec 2024)
_MOE = "deepseekmoe_2024"
_FP8 = "v3_fp8_scope"
# Technique fact -> the fact documenting DeepSeek's first use of it, and a short name for it.
FIRST_USE = {
    "moe_jacobs_1991": (_MOE, "DeepSeekMoE"),
    "sparsely_gated_moe_2017": (_MOE, "DeepSeekMoE"),
    "gshard_2020": (_MOE, "DeepSeekMoE"),
    "switch_2021": (_MOE, "DeepSeekMoE"),
    "mixtral_2023": (_MOE, "DeepSeekMoE"),
    "deepseekmoe_2024": ("v2_architecture", "DeepSeek-V2"),
    "mla_2024": ("v2_architecture", "DeepSeek-V2"),
    "grpo_2024": ("v2_uses_grpo", "DeepSeek-V2 Chat (RL)"),
    "mixed_precision_2017": (_FP8, "DeepSeek-V3 FP8 training"),
    "hfp8_2019": (_FP8, "DeepSeek-V3 FP8 training"),
    "hopper_fp8_transformer_engine_2022": (_FP8, "DeepSeek-V3 FP8 training"),
    "fp8_formats_2022": (_FP8, "DeepSeek-V3 FP8 training"),
    "fp8_lm_2023": (_FP8, "DeepSeek-V3 FP8 training"),
    "fp8_trillion_tokens_2024": (_FP8, "DeepSeek-V3 FP8 training"),
    "multi_token_prediction_2024": ("v3_mtp_depth", "DeepSeek-V3 MTP"),
    "distillation_hinton_2015": ("r1_distilled_models", "DeepSeek-R1 distilled models"),
}
_PRECISION = {1: "year", 2: "month", 3: "day"}
COLUMNS = [
    "technique",
    "fact_id",
    "date",
    "day",
    "date_precision",
    "reference",
    "url",
    "cited_by_deepseek",
    "by_deepseek",
    "grade",
    "deepseek_use",
    "deepseek_use_fact",
    "deepseek_use_day",
    "days_before_deepseek_use",
    "days_before_v3_report",
]


def prior_art_timeline(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> pd.DataFrame:
    """Every dated publication fact, oldest first, with the lead time to DeepSeek's use.

    `date` is as written in the fact; `day` reads a month- or year-only date as its first day
    (used for the day counts), and `date_precision` says which, so pages avoid false precision.
    MQA/GQA (compared with, not used) and Jevons have no DeepSeek use: those columns are empty.
    """
    seen = visible(facts, as_of)
    v3 = seen.get(V3_REPORT)
    rows = []
    for fid, f in seen.items():
        v = f.value
        if not isinstance(v, dict) or "reference" not in v or "cited_by_deepseek" not in v:
            continue
        use_id, use_name = FIRST_USE.get(fid, (None, None))
        use = seen.get(use_id) if use_id else None
        rows.append(
            {
                "technique": f.label or fid,
                "fact_id": fid,
                "date": f.date,
                "day": f.day,
                "date_precision": _PRECISION[len(f.date.split("-"))],
                "reference": v["reference"],
                "url": str(f.source.url),
                "cited_by_deepseek": bool(v.get("cited_by_deepseek", False)),
                "by_deepseek": "DeepSeek" in v["reference"],
                "grade": f.grade,
                "deepseek_use": use_name if use else None,
                "deepseek_use_fact": use.id if use else None,
                "deepseek_use_day": use.day if use else None,
                "days_before_deepseek_use": (use.day - f.day).days if use else None,
                "days_before_v3_report": (v3.day - f.day).days if v3 else None,
            }
        )
    df = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("days_before_deepseek_use", "days_before_v3_report"):
        df[col] = df[col].astype("Int64")
    return df.sort_values(["day", "fact_id"], ignore_index=True)
