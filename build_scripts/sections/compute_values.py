"""Names of the models the headline and efficiency pages compare, as page values.

Model names hold digits ("Llama 3.1 405B"), and page prose may type no digit: printing the name
from the fact's label keeps the traceability test honest. Every computed figure is registered by
the build itself (`build.analyse`), so nothing else is needed here.
"""

from __future__ import annotations

from ..values import Values
from . import Inputs, Products

# Model names that contain digits are printed from the facts, not typed into prose.
MODEL_NAMES = ("llama31_405b", "llama31_70b", "llama4_maverick", "llama4_scout")
KV_BASELINE = "v2_kv_cache_reduction"


def short_label(label: str) -> str:
    """'Llama 4 Maverick (17Bx128E)' -> 'Llama 4 Maverick'."""
    return label.split(" (")[0].strip()


def register_names(inp: Inputs, values: Values) -> None:
    for fid in MODEL_NAMES:
        f = inp.facts.get(fid)
        if f is not None and f.day <= inp.as_of:
            values.metric(f"name_{fid}", short_label(f.label or fid), "text", inputs=(fid,),
                          formula="model name from the fact's label")
    kv = inp.facts[KV_BASELINE]
    if kv.baseline:
        values.metric("name_kv_baseline_model", kv.baseline, "text", inputs=(KV_BASELINE,),
                      formula="the fact's baseline: what the reduction is measured against")


def build(inp: Inputs, values: Values) -> Products:
    register_names(inp, values)
    return Products()
