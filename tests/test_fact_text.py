"""No number is read out of prose, and every fact id follows the grammar in data/facts/README.md.

The analysis takes numbers from structured fields; a regex over a fact's note, unit or label is how
"$279 billion" once got read out of a sentence. The source tree is checked, not trusted.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from build_scripts.errors import DataError
from build_scripts.fact_rules import id_problem
from build_scripts.facts import load_facts, parse_facts
from build_scripts.paths import ROOT

ANALYSIS = sorted((ROOT / "build_scripts" / "analysis").glob("*.py"))
SECTIONS = sorted((ROOT / "build_scripts" / "sections").glob("*.py")) + [ROOT / "build_scripts" / "values.py"]
REGEX_CALLS = {"search", "match", "fullmatch", "findall", "finditer", "sub", "subn", "split"}
# Attributes of a fact (or its source) that hold prose.
FACT_TEXT = {"value", "unit", "note", "label", "title", "publisher", "locator", "source"}


def regex_imports(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name in ("re", "regex") for a in node.names):
            lines.append(node.lineno)
        if isinstance(node, ast.ImportFrom) and node.module in ("re", "regex"):
            lines.append(node.lineno)
    return lines


def _compiled_names(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            f = node.value.func
            if isinstance(f, ast.Attribute) and f.attr == "compile" and getattr(f.value, "id", "") == "re":
                names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _touches_fact_text(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr in FACT_TEXT:
            return True
        if isinstance(sub, ast.Subscript) and "facts" in ast.unparse(sub.value):
            return True
    return False


def regex_over_fact_text(source: str) -> list[int]:
    """Lines where a regex is applied to something read from a fact."""
    tree = ast.parse(source)
    patterns = _compiled_names(tree) | {"re"}
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in REGEX_CALLS or getattr(node.func.value, "id", None) not in patterns:
            continue
        if any(_touches_fact_text(a) for a in [*node.args, *(k.value for k in node.keywords)]):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("path", ANALYSIS, ids=[p.name for p in ANALYSIS])
def test_no_analysis_module_uses_regular_expressions(path: Path) -> None:
    assert regex_imports(ast.parse(path.read_text(encoding="utf-8"))) == [], path.name


@pytest.mark.parametrize("path", SECTIONS, ids=[p.name for p in SECTIONS])
def test_no_section_applies_a_regex_to_a_fact(path: Path) -> None:
    assert regex_over_fact_text(path.read_text(encoding="utf-8")) == [], path.name


def test_the_checks_can_fail() -> None:
    bad = (
        "import re\nPRIOR = re.compile(r'\\$(\\d+)B')\n"
        "def f(fk):\n    return PRIOR.search(fk['x'].note or '')\n"
        "def g(kv):\n    return re.search(r'DeepSeek \\d+B', kv.unit)\n"
        "def h(inp):\n    return re.findall(r'\\d+', str(inp.facts['y'].value))\n"
    )
    assert regex_over_fact_text(bad) == [4, 6, 8]
    assert regex_imports(ast.parse(bad)) == [1]
    assert regex_over_fact_text("import re\nNAME = re.compile('x')\ndef f(m):\n    return NAME.search(m.name)\n") == []


@pytest.mark.slow
def test_every_fact_id_follows_the_grammar() -> None:
    bad = {fid: id_problem(fid) for fid in load_facts() if id_problem(fid)}
    assert bad == {}


@pytest.mark.parametrize("fid", ["nvda_close_2025-01-24", "semianalysis_hopper_fleet", "nvda_q3fy25_revenue",
                                 "nvda_mcap_loss_2025-01-27_589", "deepseek_v3_1_config"])
def test_the_grammar_accepts_the_usual_forms(fid: str) -> None:
    assert id_problem(fid) is None


@pytest.mark.parametrize(("fid", "why"), [
    ("edgar.nvda.revenue.fy25.q3", "does not follow the id grammar"),
    ("bis_rule_2022_10_07", "writes a date with underscores"),
    ("NVDA_move", "does not follow the id grammar"),
    ("nvda-move", "does not follow the id grammar"),
    ("nvda__move", "does not follow the id grammar"),
    ("nvda_close_2025-1-24", "does not follow the id grammar"),
])
def test_the_grammar_refuses_other_forms(fid: str, why: str) -> None:
    assert why in (id_problem(fid) or "")


def test_a_fact_with_a_bad_id_stops_the_build() -> None:
    rec = {"id": "edgar.nvda.revenue.fy25.q3", "value": 1, "unit": "USD", "date": "2024-11-20",
           "source": {"title": "t", "publisher": "U.S. Securities and Exchange Commission (EDGAR)",
                      "url": "https://www.sec.gov/x"}, "evidence": "filing", "seen_in": "original"}
    with pytest.raises(DataError) as err:
        parse_facts([rec], "edgar.yaml")
    assert str(err.value) == ("edgar.yaml: fact 'edgar.nvda.revenue.fy25.q3': field 'id': does not follow the "
                              "id grammar (lower-case words joined by '_', dates as YYYY-MM-DD)")
