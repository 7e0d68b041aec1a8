"""Grades reach the reader: values.csv carries the weakest grade of each figure's inputs, and a fact
downgraded in a copy of data/ turns its figures' markers on (and a quote from verified to reported)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from build_scripts import grades
from build_scripts.facts import load_facts
from build_scripts.paths import BUILD, DATA, ROOT, generated_dir

pytestmark = pytest.mark.slow

# A filing seen in its original, printed on the headline page with no marker.
STRONG_FACT, STRONG_VALUE = "v3_cost_usd_total", "v3_cost_total_usd"
QUOTE_FACT = "andreessen_sputnik_moment"


def values_rows(build_dir: Path, lang: str = "en") -> dict[str, dict[str, str]]:
    path = build_dir / "pages" / lang / "generated" / "data" / "values.csv"
    return {r["name"]: r for r in csv.DictReader(path.open(encoding="utf-8"))}


def expected_grade(row: dict[str, str], facts: dict, rows: dict[str, dict[str, str]]) -> str:
    found = []
    for ref in filter(None, row["inputs"].split(";")):
        if ref in facts:
            found.append(facts[ref].grade)
        elif ref in rows:
            found.append(rows[ref]["grade"])
        else:
            # Not a fact: a price series, the event definition in data/, or a constant of the code.
            assert ref.startswith(("snapshot", "data/", "code")), (
                f"{row['name']}: input {ref} is neither a fact, a value nor a series")
    return grades.weakest(found)


def test_every_printed_figure_carries_the_weakest_grade_of_its_inputs(built_site: Path) -> None:
    facts = load_facts()
    assert generated_dir("en").is_relative_to(BUILD)
    rows = values_rows(BUILD)
    assert len(rows) > 300
    wrong = {n: (r["grade"], expected_grade(r, facts, rows)) for n, r in rows.items()
             if r["grade"] != expected_grade(r, facts, rows)}
    assert wrong == {}
    # and the markers on the pages are exactly those grades
    ctx = json.loads((BUILD / "context" / "en.json").read_text(encoding="utf-8"))
    for name, r in rows.items():
        assert ('class="grade"' in ctx["v"][name]) is grades.marked(r["grade"]), name


def _downgrade(data: Path, fid: str, evidence: str, seen_in: object) -> None:
    for path in (data / "facts").glob("*.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for f in doc["facts"]:
            if f["id"] == fid:
                f["evidence"], f["seen_in"] = evidence, seen_in
                path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
                return
    raise AssertionError(f"no fact {fid}")


def test_a_downgraded_fact_turns_its_markers_on(tmp_path: Path) -> None:
    data, build = tmp_path / "data", tmp_path / "build"
    shutil.copytree(DATA, data)
    _downgrade(data, STRONG_FACT, "recollection", "not_seen")
    _downgrade(data, QUOTE_FACT, "quote", {"kind": "copy", "at": "usa-newnews.com"})
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REPORT_DATA_DIR": str(data), "REPORT_BUILD_DIR": str(build)}
    res = subprocess.run([sys.executable, "-m", "build_scripts", "data"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr

    facts = load_facts(data / "facts")
    rows = values_rows(build)
    assert rows[STRONG_VALUE]["grade"] == "recollection/not_seen"
    for lang in ("en", "ja"):
        ctx = json.loads((build / "context" / f"{lang}.json").read_text(encoding="utf-8"))
        html = ctx["v"][STRONG_VALUE]
        assert f'title="{grades.label("recollection/not_seen", lang)}"' in html
        # every figure resting on the fact, directly or through other values, is marked too
        leaning = [n for n, r in rows.items() if STRONG_FACT in r["inputs"].split(";")]
        assert len(leaning) >= 2
        assert all('class="grade"' in ctx["v"][n] for n in leaning)
    assert all(r["grade"] == expected_grade(r, facts, rows) for r in rows.values())

    # The same figure in the committed data has no marker.
    original = load_facts()
    assert not grades.marked(original[STRONG_FACT].grade)
    # A quote seen only in a copy is reported, not verified.
    assert grades.attribution(original[QUOTE_FACT]) == "verified"
    assert grades.attribution(facts[QUOTE_FACT]) == "reported"
