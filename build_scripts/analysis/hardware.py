"""Who said how many GPUs DeepSeek has, and how the $5.6M compares with hardware outlay.

Claims and estimates sit side by side with their speaker and grade, because the story
mixed a self-reported training cluster, an unsourced assertion and an analyst estimate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from ..facts import Fact
from ..hardware_claims import load_claim_words
from .metric import Ledger, Metric, number, round_sig, visible, weakest
from .training_cost import training_cost_metrics

# The chart's ranges keep this many significant figures: the estimates carry no more.
RANGE_DIGITS = 2


def hardware_claims_table(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> pd.DataFrame:
    """One row per claim visible at `as_of`: speaker, value, unit, date, grade, source. The claims
    and their order are those data/facts/hardware_claims.yaml shows."""
    seen = visible(facts, as_of)
    rows = []
    for fid, words in load_claim_words().items():
        f = seen.get(fid)
        if f is None:
            continue
        rows.append(
            {
                "fact_id": fid,
                "who": words.who.en,
                "kind": words.kind.en,
                "value": f.value,
                "unit": f.unit,
                "date": f.date,
                "grade": f.grade,
                "speaker_detail": f.label or f.source.publisher,
                "source_url": str(f.source.url),
                "note": f.note or "",
            }
        )
    return pd.DataFrame(rows)


def hardware_metrics(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> list[Metric[float]]:
    """Fleet vs training cluster, and hardware outlay as multiples of the training-run figure.

    Metric names: semianalysis_total_gpus, hopper_fleet_vs_v3_cluster_x,
    hardware_spend_floor_vs_v3_run_x, server_capex_vs_v3_run_x,
    semianalysis_capex_plus_opex_usd. Only those whose inputs are visible at `as_of`.
    """
    led = Ledger(facts, as_of)
    cluster = "deepseek_self_reported_training_cluster"
    run = "v3_cost_usd_computed_total"
    run_usd = led.borrow({m.name: m for m in training_cost_metrics(facts, as_of)}[run])
    if led.has("semianalysis_hopper_fleet") and led.has("semianalysis_a100_2021"):
        led.add(
            "semianalysis_total_gpus",
            led.num("semianalysis_hopper_fleet") + led.num("semianalysis_a100_2021"),
            "GPUs",
            "Hopper-class fleet + A100 bought in 2021",
            "semianalysis_hopper_fleet",
            "semianalysis_a100_2021",
        )
        if led.has("semianalysis_h100_estimate"):
            led.add(
                "semianalysis_h100_share_pct",
                100 * led.num("semianalysis_h100_estimate") / led.num("semianalysis_hopper_fleet"),
                "percent",
                "estimated H100s / estimated Hopper-class fleet x 100",
                "semianalysis_h100_estimate",
                "semianalysis_hopper_fleet",
            )
        led.add(
            "hopper_fleet_vs_v3_cluster_x",
            led.num("semianalysis_hopper_fleet") / led.num(cluster),
            "x",
            "estimated Hopper fleet / V3 training cluster",
            "semianalysis_hopper_fleet",
            cluster,
        )
    if led.has("semianalysis_hardware_spend"):
        led.add(
            "hardware_spend_floor_vs_v3_run_x",
            led.num("semianalysis_hardware_spend") * 1e6 / run_usd.value,
            "x",
            "hardware spend floor (million USD x 1e6) / V3 training-run cost",
            "semianalysis_hardware_spend",
            run,
        )
    if led.has("semianalysis_server_capex"):
        led.add(
            "server_capex_vs_v3_run_x",
            led.num("semianalysis_server_capex") * 1e9 / run_usd.value,
            "x",
            "server capex (billion USD x 1e9) / V3 training-run cost",
            "semianalysis_server_capex",
            run,
        )
        if led.has("semianalysis_operating_cost"):
            led.add(
                "semianalysis_capex_plus_opex_usd",
                led.num("semianalysis_server_capex") * 1e9
                + led.num("semianalysis_operating_cost") * 1e6,
                "USD",
                "server capex + operating cost (4-year TCO basis); our sum of two estimates",
                "semianalysis_server_capex",
                "semianalysis_operating_cost",
            )
    return led.result()


def cost_range_table(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> pd.DataFrame:
    """Chart rows: the training-run figure against estimated hardware outlay, as low/high USD.

    Values are rounded to two significant figures: the estimates carry no more precision, and
    the 5.576M becomes the familiar 5.6M.
    """
    cost = {m.name: m for m in training_cost_metrics(facts, as_of)}
    seen = visible(facts, as_of)
    rows = []

    def add(
        item: str, low: float, high: float, inputs: tuple[str, ...], grade: str, basis: str
    ) -> None:
        rows.append(
            {
                "item": item,
                "low_usd": round_sig(low, RANGE_DIGITS),
                "high_usd": round_sig(high, RANGE_DIGITS),
                "basis": basis,
                "inputs": inputs,
                "grade": grade,
            }
        )

    run = cost["v3_cost_usd_computed_total"]
    add(
        "V3 final training run",
        run.value,
        run.value,
        (run.name,),
        run.grade,
        "rental-equivalent: H800 GPU-hours x assumed $/GPU-hour",
    )
    if "v3_plus_r1_rl_cost_usd" in cost:
        m = cost["v3_plus_r1_rl_cost_usd"]
        add(
            "V3 run + R1 RL",
            m.value,
            m.value,
            (m.name,),
            m.grade,
            "rental-equivalent; R1 part from press reports of the Nature supplement",
        )
    floor, capex = seen.get("semianalysis_hardware_spend"), seen.get("semianalysis_server_capex")
    if floor is not None and capex is not None:
        add(
            "DeepSeek hardware outlay (estimate)",
            number(floor) * 1e6,
            number(capex) * 1e9,
            (floor.id, capex.id),
            weakest((floor.grade, capex.grade)),
            "low: stated floor on hardware spend; high: server capex estimate",
        )
    opex = seen.get("semianalysis_operating_cost")
    if capex is not None and opex is not None:
        total = number(capex) * 1e9 + number(opex) * 1e6
        add(
            "hardware + operating cost, ~4 years (estimate)",
            total,
            total,
            (capex.id, opex.id),
            weakest((capex.grade, opex.grade)),
            "our sum of two SemiAnalysis estimates",
        )
    return pd.DataFrame(
        rows, columns=["item", "low_usd", "high_usd", "basis", "inputs", "grade"]
    )
