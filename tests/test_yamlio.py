"""Data files are read by one bounded loader: no aliases, no duplicate keys, real dates only."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from build_scripts.errors import DataError
from build_scripts.yamlio import iso_date, load_yaml, parse_yaml, reuse_while_unchanged


def _bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, levels):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &x [1, 2]\nb: *x\n",
         "x.yaml: line 1: anchors (&x) are not allowed in data files (write the value out in full)"),
        ("a: 1\nb: 2\na: 3\n", "x.yaml: line 3: duplicate key 'a' (keep one of the two entries)"),
        ("facts:\n  - date: 2024-13-45\n",
         "x.yaml: line 2: '2024-13-45' is not a real date (month must be in 1..12) (write a real date as YYYY-MM-DD)"),
        ("a: [1, 2\nb: 3\n",
         "x.yaml: line 2: not valid YAML: expected ',' or ']', but got ':' "
         "(check the indentation and quoting near that line)"),
    ],
)
def test_refusals_name_the_file_line_and_rule(text: str, message: str) -> None:
    with pytest.raises(DataError) as err:
        parse_yaml(text, "x.yaml")
    assert str(err.value) == message


def test_an_alias_bomb_fails_at_once() -> None:
    t0 = time.perf_counter()
    with pytest.raises(DataError, match="anchors"):
        parse_yaml(_bomb(), "bomb.yaml")
    assert time.perf_counter() - t0 < 1.0


def test_plain_data_still_loads() -> None:
    doc = parse_yaml("facts:\n- id: a\n  date: 2025-01-02\n  value: {x: 1}\n", "x.yaml")
    assert doc["facts"][0]["value"] == {"x": 1}


@pytest.mark.parametrize(("value", "ok"), [("2025-01-31", True), ("2025-1-31", False), ("2025-02-30", False),
                                           ("31 Jan 2025", False), (20250131, False)])
def test_iso_date_is_strict(value: object, ok: bool) -> None:
    assert (iso_date(value) is not None) is ok


@pytest.mark.parametrize(("text", "shown"), [
    ('a: "x\\0y"\n', "'\\x00'"),
    ('a:\n  - "ok"\n  - "x\\ud800"\n', "'\\ud800'"),
    ('a: "x\\x1b[31m"\n', "'\\x1b'"),
])
def test_text_with_a_control_character_is_refused_with_its_line(text: str, shown: str) -> None:
    with pytest.raises(DataError) as err:
        parse_yaml(text, "x.yaml")
    line = text.count("\n") if "ok" in text else 1
    assert str(err.value) == (f"x.yaml: line {line}: control character {shown} in text "
                              "(data files hold printable text; remove it)")


def test_tabs_line_breaks_and_right_to_left_marks_are_text() -> None:
    assert parse_yaml('a: "x\\ty\\nz \u200f\u202e"\n', "x.yaml") == {"a": "x\ty\nz \u200f\u202e"}


def test_a_reference_file_is_read_again_only_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "names.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    reads: list[int] = []

    def load() -> dict:
        reads.append(1)
        return load_yaml(path)

    first = reuse_while_unchanged(path, "names", load)
    assert reuse_while_unchanged(path, "names", load) is first and len(reads) == 1
    path.write_text("a: 22\n", encoding="utf-8")  # an edit, as in a live preview
    assert reuse_while_unchanged(path, "names", load) == {"a": 22} and len(reads) == 2
    assert reuse_while_unchanged(path, "other loader", load) == {"a": 22} and len(reads) == 3
