"""Figures about where DeepSeek's techniques came from: who published them first, and when.

The efficiency claims ("known techniques", "used by other labs") are tested on these counts, so
they are computed here once from the dated publication and model facts, never in a page module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from .. import grades
from ..facts import Fact, load_families
from .metric import Metric, MetricValue
from .params import moe_models_table
from .timeline import prior_art_timeline

# Publications of FP8 training specifically (the precision family also holds FP16 mixed precision).
FP8_PAPERS = ("hfp8_2019", "hopper_fp8_transformer_engine_2022", "fp8_formats_2022", "fp8_lm_2023",
              "fp8_trillion_tokens_2024")
# The three techniques the commentary names, each with the publications that introduce it.
NAMED_TECHNIQUES = {
    "mixture_of_experts": "moe",  # every publication of the family
    "latent_attention": ("mla_2024",),
    "fp8_training": FP8_PAPERS,
}
V3_MODEL = "deepseek_v3"
DEEPSEEK = "DeepSeek"


def prior_art_frame(facts: Mapping[str, Fact], as_of: dt.date | None) -> pd.DataFrame:
    """The dated publications of techniques (each fact's `family`, declared in
    techniques_timeline.yaml), with their lead time before DeepSeek used them. Publications in a
    family that is not a technique (cited for context) are left out on purpose."""
    techniques = {k for k, f in load_families().items() if f.technique}
    df = prior_art_timeline(facts, as_of)
    df["family"] = [facts[i].family for i in df["fact_id"]]
    df = df[df["family"].isin(techniques)].copy()
    df["years_before_use"] = df["days_before_deepseek_use"].astype("float") / 365.25
    return df.reset_index(drop=True)


def technique_metrics(facts: Mapping[str, Fact], as_of: dt.date | None) -> list[Metric[MetricValue]]:
    out: list[Metric[MetricValue]] = []

    def add(name: str, value: float | str, unit: str, formula: str, ids: pd.Series | tuple[str, ...]) -> None:
        ids = tuple(ids)
        out.append(Metric(name, value, unit, ids, formula, grades.weakest(facts[i].grade for i in ids)))

    art = prior_art_frame(facts, as_of)
    if len(art):
        used = art[art["deepseek_use"].notna()]
        others = used[~used["by_deepseek"]]
        add("prior_art_papers_count", len(art), "count",
            "dated publications of the techniques DeepSeek's models use", art["fact_id"])
        add("prior_art_by_others_count", int((~art["by_deepseek"]).sum()), "count",
            "of those, publications not by DeepSeek", art["fact_id"])
        add("prior_art_by_others_share_pct", float((~art["by_deepseek"]).mean() * 100), "pct",
            "publications by others ÷ all × 100", art["fact_id"])
        add("prior_art_all_before_use", "yes" if (used["days_before_deepseek_use"] > 0).all() else "no", "text",
            "every publication predates DeepSeek's first use", used["fact_id"])
        if len(others):
            add("prior_art_median_lead_years", float(others["years_before_use"].median()), "years",
                "median of (DeepSeek's first use − publication), publications by others", others["fact_id"])
        if "moe_jacobs_1991" in set(art["fact_id"]):
            add("moe_first_year", str(facts["moe_jacobs_1991"].day.year), "text",
                "year of the first mixture-of-experts paper", ("moe_jacobs_1991",))
        v3_day = facts[V3_MODEL].day if V3_MODEL in facts else None
        fp8 = art[art["fact_id"].isin(FP8_PAPERS)]
        if v3_day is not None and len(fp8):
            early = fp8[(~fp8["by_deepseek"]) & (fp8["day"] < v3_day)]
            add("fp8_papers_by_others_before_v3", len(early), "count",
                "FP8-training publications by others dated before DeepSeek-V3", fp8["fact_id"])
        firsts = []
        for ids in NAMED_TECHNIQUES.values():
            papers = art[art["family"] == ids] if isinstance(ids, str) else art[art["fact_id"].isin(ids)]
            papers = papers.sort_values("day")
            if len(papers):
                firsts.append(papers.iloc[0])
        if len(firsts) == len(NAMED_TECHNIQUES):
            first_ids = tuple(f["fact_id"] for f in firsts)
            by_others = sum(not bool(f["by_deepseek"]) for f in firsts)
            add("named_techniques_count", len(firsts), "count", "techniques the commentary names", first_ids)
            add("named_techniques_first_by_others", by_others, "count",
                "of those, techniques whose first publication is by another group", first_ids)
            add("named_techniques_first_by_others_share_pct", by_others / len(firsts) * 100, "pct",
                "techniques first published by others ÷ techniques named × 100", first_ids)
    models = moe_models_table(facts, as_of)
    if len(models) and V3_MODEL in set(models["fact_id"]):
        moe = models[~models["type"].astype(str).str.startswith("dense")]
        v3 = models[models["fact_id"] == V3_MODEL].iloc[0]
        add("v3_active_share_pct", float(v3["active_share_pct"]), "pct", "active ÷ total parameters", (V3_MODEL,))
        add("moe_models_count", len(moe), "count", "mixture-of-experts models in the facts", moe["fact_id"])
        add("moe_models_before_v3", int((moe["day"] < v3["day"]).sum()), "count",
            "MoE models released before DeepSeek-V3", moe["fact_id"])
        others = moe[(moe["developer"] != DEEPSEEK) & (moe["day"] < v3["day"])]
        add("moe_models_by_others_before_v3", len(others), "count",
            "MoE models by other developers released before DeepSeek-V3", moe["fact_id"])
    return out
