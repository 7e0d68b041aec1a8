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
        (4.012e12, "ja", "4兆100億ドル"),
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


@pytest.mark.parametrize(
    ("value", "decimals", "en", "ja"),
    [
        (5.576e6, 3, "$5.576 million", "557万6000ドル"),
        (5.328e6, 3, "$5.328 million", "532万8000ドル"),
        (294_000, 0, "$294,000", "29万4000ドル"),
        (294_672, 0, "$294,672", "29万4672ドル"),
        (0.55, None, "$0.55", "0.55ドル"),
        (2.19, None, "$2.19", "2.19ドル"),
        (0.14, None, "$0.14", "0.14ドル"),
        (589e9, None, "$589 billion", "5,890億ドル"),
    ],
)
def test_japanese_prints_the_same_figures_as_english(value: float, decimals: int | None, en: str, ja: str) -> None:
    assert fmt.usd(value, "en", decimals) == en
    assert fmt.usd(value, "ja", decimals) == ja


def test_large_counts_in_japanese_groups() -> None:
    assert fmt.count(671.03e9, "en", 2) == "671.03 billion"
    assert fmt.count(671.03e9, "ja", 2) == "6,710億3000万"
    assert fmt.count(2.788e6, "ja", 3) == "278万8000"
    assert fmt.ja_grouped(50_000) == "5万"
