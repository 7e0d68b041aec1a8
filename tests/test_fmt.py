"""Numbers read as each language expects."""

from __future__ import annotations

import datetime as dt

import pytest

from build_scripts import fmt


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (589e9, "en", "$589 billion"),
        (589e9, "ja", "5,890億ドル"),
        (5.576e6, "en", "$5.58 million"),
        (5.576e6, "ja", "558万ドル"),
        (294_000, "en", "$294,000.00"),
        (4.012e12, "en", "$4.01 trillion"),
        (4.012e12, "ja", "4兆ドル"),
        (5.0e8, "ja", "5億ドル"),
    ],
)
def test_usd(value: float, lang: str, expected: str) -> None:
    assert fmt.usd(value, lang) == expected


def test_percent_uses_a_real_minus_and_optional_plus() -> None:
    assert fmt.pct(-16.9684, 2) == "\u221216.97%"
    assert fmt.pct(3.18, 1, signed=True) == "+3.2%"
    assert fmt.pct(-0.001, 1) == "0.0%"


def test_dates() -> None:
    assert fmt.date(dt.date(2025, 1, 27), "en") == "27 January 2025"
    assert fmt.date(dt.date(2025, 1, 27), "ja") == "2025年1月27日"


def test_counts_and_multiples() -> None:
    assert fmt.count(671e9, "en") == "671 billion"
    assert fmt.count(671e9, "ja") == "6,710億"
    assert fmt.multiple(11.04, "en") == "11.0×"
    assert fmt.multiple(11.04, "ja") == "11.0倍"


def test_missing_values_are_refused() -> None:
    with pytest.raises(ValueError, match="missing"):
        fmt.pct(float("nan"))
