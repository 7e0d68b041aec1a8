"""API list prices per million tokens, and how many times dearer each is than DeepSeek-R1.

The "R1 is ~27x cheaper than o1" line compares list prices on given dates; we keep the date
each price applied next to it, so a page never compares a launch promo with a later price.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from ..facts import Fact
from .metric import Ledger, Metric, mapping, visible

R1 = "deepseek_r1_launch"
FIELDS = ("input_cache_hit", "input_cache_miss", "output")
COLUMNS = [
    "model",
    "fact_id",
    "price_date",
    *(f"{f}_usd" for f in FIELDS),
    *(f"{f}_vs_r1_x" for f in FIELDS),
    "grade",
    "note",
]


def _price_facts(facts: Mapping[str, Fact], as_of: dt.date | None) -> dict[str, Fact]:
    return {
        fid: f
        for fid, f in visible(facts, as_of).items()
        if isinstance(f.value, dict) and all(k in f.value for k in FIELDS)
    }


def api_price_table(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> pd.DataFrame:
    """USD per 1M tokens for every price fact visible at `as_of`, with multiples of R1's price.

    Ratio columns are empty if R1's launch price is not yet visible.
    """
    prices = _price_facts(facts, as_of)
    r1 = prices.get(R1)
    rows = []
    for fid, f in prices.items():
        row: dict[str, object] = {
            "model": f.label or fid,
            "fact_id": fid,
            "price_date": f.date,
            "grade": f.grade,
            "note": f.note or "",
        }
        for k in FIELDS:
            row[f"{k}_usd"] = float(mapping(f)[k])
            row[f"{k}_vs_r1_x"] = float(mapping(f)[k]) / float(mapping(r1)[k]) if r1 else None
        rows.append(row)
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df.sort_values(["price_date", "fact_id"], ignore_index=True)


def api_price_metrics(facts: Mapping[str, Fact], as_of: dt.date | None = None) -> list[Metric[float]]:
    """Price multiples against R1 for each other model and price field.

    Metric names: api_<field>_<fact_id>_vs_r1_x, e.g. api_output_openai_o1_vs_r1_x (o1 output
    price / R1 output price). Empty before R1's launch price is visible.
    """
    led = Ledger(facts, as_of)
    prices = _price_facts(facts, as_of)
    if R1 not in prices:
        return []
    r1 = prices[R1]
    for fid, f in prices.items():
        if fid == R1:
            continue
        for k in FIELDS:
            led.add(
                f"api_{k}_{fid.replace('-', '_')}_vs_r1_x",
                float(mapping(f)[k]) / float(mapping(r1)[k]),
                "x",
                f"{k} price of {fid} / {k} price of R1 (USD per 1M tokens)",
                fid,
                R1,
            )
    return led.result()
