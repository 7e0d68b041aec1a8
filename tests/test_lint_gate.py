"""The lint and type gates stay what ARCHITECTURE.md promises: `make test` runs ruff with the
complexity and unused-argument rules, and mypy over all of build_scripts, strict on analysis/."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STRICT_FLAGS = {
    "disallow_untyped_defs", "disallow_incomplete_defs", "disallow_untyped_calls", "disallow_any_generics",
    "check_untyped_defs", "warn_return_any", "strict_equality",
}


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _recipe(target: str) -> list[str]:
    """The command lines of one Makefile target."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    m = re.search(rf"^{target}:[^\n]*\n((?:\t[^\n]*\n)+)", text, re.M)
    assert m, f"no '{target}' target in the Makefile"
    return [line.strip() for line in m.group(1).splitlines()]


def test_ruff_selects_complexity_unused_arguments_and_bugbear():
    lint = _config()["tool"]["ruff"]["lint"]
    assert {"C90", "ARG", "B"} <= set(lint["select"])
    assert lint["mccabe"]["max-complexity"] <= 10


def test_mypy_covers_build_scripts_and_is_strict_on_analysis():
    mypy = _config()["tool"]["mypy"]
    assert mypy["files"] == ["build_scripts"]
    assert mypy.get("ignore_errors") is not True
    strict = [o for o in mypy["overrides"] if "build_scripts.analysis.*" in o["module"]]
    assert strict, "no override for build_scripts.analysis"
    assert {flag for flag in STRICT_FLAGS if strict[0].get(flag) is True} == STRICT_FLAGS
    loosened = [o["module"] for o in mypy.get("overrides", []) if o.get("ignore_errors")]
    assert not loosened, f"modules left out of the type check: {loosened}"


def test_make_test_and_make_lint_run_both_checks():
    for target in ("test", "lint"):
        lines = _recipe(target)
        assert any("-m ruff check build_scripts tests" in line for line in lines), target
        assert any(line.endswith("-m mypy") for line in lines), target
    test = _recipe("test")
    pytest_at = next(i for i, line in enumerate(test) if "-m pytest" in line)
    assert pytest_at > max(i for i, line in enumerate(test) if "ruff" in line or "mypy" in line)
