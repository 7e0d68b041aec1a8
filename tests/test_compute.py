"""Every derived number traces back to fact ids; the as_of guard hides later facts."""

from __future__ import annotations

import datetime as dt

import pytest

from build_scripts import grades
from build_scripts.analysis.compute import all_metrics, all_tables
from build_scripts.analysis.metric import (
    Ledger,
    require,
    round_sig,
    visible,
    weakest,
)
from build_scripts.errors import DataError

JAN27 = dt.date(2025, 1, 27)


@pytest.mark.slow
@pytest.mark.parametrize("as_of", [None, JAN27])
def test_every_metric_traces_to_facts(facts, as_of):
    metrics = all_metrics(facts, as_of)
    names = [m.name for m in metrics]
    assert len(names) == len(set(names))
    defined: set[str] = set()
    for m in metrics:
        assert m.inputs, m.name
        for ref in m.inputs:
            assert ref in facts or ref in defined, f"{m.name}: unknown input {ref}"
            if ref in facts and as_of is not None:
                assert facts[ref].day <= as_of, f"{m.name} uses {ref}, dated after as_of"
        grades.split(m.grade)  # a known grade on both axes
        assert m.formula
        defined.add(m.name)


def test_table_inputs_trace_to_facts_or_metrics(facts):
    known = set(facts) | {m.name for m in all_metrics(facts)}
    for name, table in all_tables(facts).items():
        for col in ("inputs", "fact_id", "metric"):
            if col not in table.columns:
                continue
            for cell in table[col].dropna():
                refs = cell if isinstance(cell, tuple) else str(cell).split(", ")
                assert set(refs) <= known, f"{name}.{col}: {set(refs) - known}"


def test_metric_grade_is_weakest_input(facts):
    by = {m.name: m for m in all_metrics(facts)}
    assert by["v3_cost_usd_computed_total"].grade == "filing/original"
    # Uses the H800's spec, read only in summaries: a derived share of peak cannot be better.
    assert by["v3_utilisation_bf16_pct"].grade == "news/paraphrase"
    assert weakest(["filing/original", "news/copy", "company/paraphrase"]) == "news/paraphrase"


def test_as_of_guard(facts):
    early = {m.name for m in all_metrics(facts, JAN27)}
    late = {m.name for m in all_metrics(facts)}
    assert early < late
    assert "r1_rl_cost_usd_computed" in late - early
    assert all(f.day <= JAN27 for f in visible(facts, JAN27).values())
    assert "r1_rl_cost_usd_nature" not in visible(facts, JAN27)
    with pytest.raises(DataError, match="after as_of"):
        require(facts, "r1_rl_cost_usd_nature", JAN27)
    with pytest.raises(DataError, match="not found"):
        require(facts, "no_such_fact")


def test_ledger_rejects_duplicate_names(facts):
    led = Ledger(facts)
    led.add("x", 1, "x", "one", "v3_cluster_gpus")
    with pytest.raises(ValueError):
        led.add("x", 2, "x", "two", "v3_cluster_gpus")


def test_round_sig():
    assert round_sig(5_576_000) == 5_600_000
    assert round_sig(1.6e9) == 1.6e9
    assert round_sig(0.01234, 3) == 0.0123
