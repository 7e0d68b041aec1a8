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
               "url": "https://github.com/deepseek-ai/DeepSeek-V3/blob/4c2fdb8/DeepSeek_V3.pdf",
               "locator": "Abstract"},
    "evidence": "filing",
    "seen_in": "original",
}
COPY = {**GOOD, "source": {**GOOD["source"], "publisher": "Forbes", "url": "https://keymantermlife.com/x"},
        "evidence": "quote", "seen_in": {"kind": "copy", "at": "keymantermlife.com"}}


def write(folder: Path, facts: list[dict], name: str = "sample.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump({"facts": facts}), encoding="utf-8")
    return path


@pytest.mark.slow
def test_committed_facts_all_pass_the_schema() -> None:
    facts = load_facts()
    assert len(facts) > 100
    assert facts["v3_cost_usd_total"].value == 5.576
    # Read in the report PDF in DeepSeek's own repository, so the source links there.
    assert facts["v3_cost_usd_total"].source.url.host == "github.com"
    assert facts["v3_cost_usd_total"].grade == "filing/original"


def test_a_good_file_loads(tmp_path: Path) -> None:
    write(tmp_path, [GOOD, {**COPY, "id": "ives_line"}])
    facts = load_facts(tmp_path)
    assert facts["v3_total_params"].day.isoformat() == "2024-12-27"
    assert facts["ives_line"].grade == "quote/copy"


def test_a_plain_string_is_short_for_a_place_to_have_read_it(tmp_path: Path) -> None:
    write(tmp_path, [GOOD])
    assert load_facts(tmp_path)["v3_total_params"].seen_in.kind == "original"


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"source": {"title": "x", "publisher": "y"}}, "field 'source.url': Field required"),
        ({"source": None}, "field 'source'"),
        ({"unit": ""}, "field 'unit'"),
        ({"date": "27 Jan 2025"}, "date must be YYYY, YYYY-MM or YYYY-MM-DD"),
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


# The bad inputs a news desk would refuse, each with its exact message.
REJECTIONS = [
    ({"evidence": "sure"},
     "field 'evidence': 'sure' is not a kind of evidence "
     "(one of: filing, company, quote, news, estimate, recollection)"),
    ({"evidence": "snapshot"},
     "field 'evidence': 'snapshot' is not a kind of evidence "
     "(one of: filing, company, quote, news, estimate, recollection)"),
    ({"seen_in": None},
     "field 'seen_in': missing; say where the value was read "
     "(one of: original, outlet, copy, paraphrase, not_seen)"),
    ({"seen_in": "a blog"},
     "field 'seen_in.kind': 'a blog' is not a place to have read a fact "
     "(one of: original, outlet, copy, paraphrase, not_seen)"),
    ({"seen_in": "copy"}, "field 'seen_in.at': a 'copy' must name where it was read"),
    ({"seen_in": {"kind": "original", "at": "elsewhere.example"}},
     "field 'seen_in.at': not used with 'original': the source URL is what was read"),
    ({"source": {**GOOD["source"], "url": "https://keymantermlife.com/forbes-text"}},
     "field 'source.url': host 'keymantermlife.com' is not DeepSeek-AI's (github.com/deepseek-ai, "
     "huggingface.co/deepseek-ai, api-docs.deepseek.com, deepseek.com); a page elsewhere is a copy"),
    ({"source": {**GOOD["source"], "url": "https://github.com/someone-else/DeepSeek-V3/x.pdf"}},
     "field 'source.url': host 'github.com' is not DeepSeek-AI's (github.com/deepseek-ai, "
     "huggingface.co/deepseek-ai, api-docs.deepseek.com, deepseek.com); a page elsewhere is a copy"),
    ({"source": {**GOOD["source"], "publisher": "Some Blog"}},
     "field 'source.publisher': 'Some Blog' is not in the publisher registry "
     "(data/facts/vocab/publishers.yaml); 'original' needs to know the publisher's own hosts"),
    ({"unit": "billion parameters (activated per token)"},
     "field 'unit': 'billion parameters (activated per token)' is not in the unit vocabulary "
     "(data/facts/vocab/units.yaml)"),
    ({"unit": {"total": "bn params"}, "value": {"total": 671}},
     "field 'unit.total': 'bn params' is not in the unit vocabulary (data/facts/vocab/units.yaml)"),
    ({"value": "671B"}, "field 'value': '671B' is not a number, as unit 'billion parameters' needs"),
    ({"value": {"low": 60, "high": "65"}},
     "field 'value.high': '65' is not a number, as unit 'billion parameters' needs"),
    ({"value": {"total": 671, "developer": 7}, "unit": {"total": "billion parameters", "developer": "text"}},
     "field 'value.developer': 7 is not text, as unit 'text' needs"),
    ({"value": {"total": 671, "extra": 1}, "unit": {"total": "billion parameters"}},
     "field 'unit': no unit for part 'extra' of the value"),
    ({"period": {"basis": "fiscal", "year": "next year"}},
     "field 'period.year': Input should be a valid integer, unable to parse string as an integer"),
    ({"period": {"basis": "lunar", "year": 2025}},
     "field 'period.basis': Input should be 'fiscal' or 'calendar'"),
    ({"stage": "rumour"}, "field 'stage': Input should be 'plan' or 'actual'"),
    ({"approx": "roughly"}, "field 'approx': Input should be a valid boolean, unable to interpret input"),
    ({"confidence": "primary"}, "field 'confidence': Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("change", "message"), REJECTIONS, ids=[m.split(":")[0] + str(i)
                                                                  for i, (_, m) in enumerate(REJECTIONS)])
def test_bad_grades_units_and_fields_stop_the_build_with_an_exact_message(
    tmp_path: Path, change: dict, message: str
) -> None:
    fact = {**GOOD, **change}
    fact = {k: v for k, v in fact.items() if v is not None}
    write(tmp_path, [fact], "broken.yaml")
    with pytest.raises(DataError) as err:
        load_facts(tmp_path)
    assert str(err.value) == f"broken.yaml: fact 'v3_total_params': {message}"


def test_a_rejected_fact_changes_no_file(tmp_path: Path) -> None:
    path = write(tmp_path, [{**GOOD, "evidence": "sure"}], "broken.yaml")
    before = path.read_bytes()
    with pytest.raises(DataError):
        load_facts(tmp_path)
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["broken.yaml"]


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
