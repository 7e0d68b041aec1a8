"""The fact schema: good files load; each malformed fact stops the build with file, fact and rule."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from build_scripts.errors import DataError
from build_scripts.facts import load_facts

GOOD = {
    "id": "v3_total_params",
    "value": 671,
    "unit": "billion parameters",
    "date": "2024-12-27",
    "source": {"title": "DeepSeek-V3 Technical Report", "publisher": "DeepSeek-AI",
               "url": "https://arxiv.org/abs/2412.19437", "locator": "Abstract"},
    "confidence": "primary-verified",
}


def write(folder: Path, facts: list[dict], name: str = "sample.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump({"facts": facts}), encoding="utf-8")
    return path


def test_committed_facts_all_pass_the_schema() -> None:
    facts = load_facts()
    assert len(facts) > 100
    assert facts["v3_cost_usd_total"].value == 5.576
    assert facts["v3_cost_usd_total"].source.url.host == "arxiv.org"


def test_a_good_file_loads(tmp_path: Path) -> None:
    write(tmp_path, [GOOD])
    facts = load_facts(tmp_path)
    assert facts["v3_total_params"].day.isoformat() == "2024-12-27"


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"source": {"title": "x", "publisher": "y"}}, "field 'source.url': Field required"),
        ({"source": None}, "field 'source'"),
        ({"unit": ""}, "field 'unit'"),
        ({"date": "27 Jan 2025"}, "date must be YYYY, YYYY-MM or YYYY-MM-DD"),
        ({"confidence": "sure"}, "field 'confidence'"),
        ({"value": None}, "field 'value'"),
    ],
)
def test_a_malformed_fact_names_file_fact_and_rule(tmp_path: Path, change: dict, rule: str) -> None:
    write(tmp_path, [{**GOOD, **change}], "broken.yaml")
    with pytest.raises(DataError) as err:
        load_facts(tmp_path)
    message = str(err.value)
    assert message.startswith("broken.yaml: fact 'v3_total_params': ")
    assert rule in message


def test_a_fact_without_any_source_stops_the_build(tmp_path: Path) -> None:
    fact = {k: v for k, v in GOOD.items() if k != "source"}
    write(tmp_path, [fact], "nosource.yaml")
    with pytest.raises(DataError, match=r"nosource.yaml: fact 'v3_total_params': field 'source'"):
        load_facts(tmp_path)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    write(tmp_path, [GOOD], "a.yaml")
    write(tmp_path, [GOOD], "b.yaml")
    with pytest.raises(DataError, match=r"b\.yaml: fact 'v3_total_params': duplicate id"):
        load_facts(tmp_path)
