"""Numbers as a reader of each language expects them.

English: "$589 billion", "−16.97%", "27 January 2025". Japanese: "5,890億ドル", "−16.97%",
"2025年1月27日". Pure functions; the page layer decides which one a value uses.
"""

from __future__ import annotations

import datetime as dt
import math

MINUS = "\u2212"  # a real minus sign, not a hyphen
EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def _check(value: float) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ValueError("cannot format a missing value")
    return float(value)


def number(value: float, decimals: int = 0, lang: str = "en", signed: bool = False) -> str:
    v = _check(value)
    text = f"{abs(v):,.{decimals}f}"
    if v < 0 and float(text.replace(",", "")) != 0:
        return MINUS + text
    return ("+" if signed and v > 0 else "") + text


def pct(value: float, decimals: int = 1, lang: str = "en", signed: bool = False) -> str:
    """`value` is in percent already (−16.97 means −16.97 %)."""
    return number(value, decimals, lang, signed) + "%"


def _ja_large(v: float, decimals: int) -> str:
    """Japanese large-number units: 兆 (1e12), 億 (1e8), 万 (1e4); "5億", not "5.0億"."""
    for unit, size in (("兆", 1e12), ("億", 1e8), ("万", 1e4)):
        if abs(v) >= size:
            text = number(v / size, decimals)
            return (text[:-2] if text.endswith(".0") else text) + unit
    return number(v, decimals)


def usd(value: float, lang: str = "en", decimals: int | None = None) -> str:
    """Dollar amounts, scaled to words: $5.58 million / 558万ドル; $589 billion / 5,890億ドル."""
    v = _check(value)
    if lang == "ja":
        size = next((s for s in (1e12, 1e8, 1e4) if abs(v) >= s), 1)
        d = decimals if decimals is not None else (0 if abs(v) / size >= 100 else 1)
        return _ja_large(v, d) + "ドル"
    for word, size in (("trillion", 1e12), ("billion", 1e9), ("million", 1e6)):
        if abs(v) >= size:
            d = decimals if decimals is not None else (0 if abs(v) / size >= 100 else 2)
            return (MINUS if v < 0 else "") + f"${number(abs(v) / size, d)} {word}"
    d = decimals if decimals is not None else 2
    return (MINUS if v < 0 else "") + f"${number(abs(v), d)}"


def count(value: float, lang: str = "en", decimals: int | None = None) -> str:
    """Large counts (parameters, FLOPs): 671 billion / 6,710億."""
    v = _check(value)
    if lang == "ja":
        size = next((s for s in (1e12, 1e8, 1e4) if abs(v) >= s), 1)
        d = decimals if decimals is not None else (0 if abs(v) / size >= 100 else 1)
        return _ja_large(v, d)
    for word, size in (("trillion", 1e12), ("billion", 1e9), ("million", 1e6)):
        if abs(v) >= size:
            d = decimals if decimals is not None else (0 if abs(v) / size >= 100 else 1)
            return f"{number(v / size, d)} {word}"
    return number(v, decimals or 0)


def sci(value: float, lang: str = "en", decimals: int = 2) -> str:
    """Scientific notation for FLOP counts: 3.3 × 10²⁴."""
    v = _check(value)
    exp = math.floor(math.log10(abs(v)))
    sup = str(exp).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{number(v / 10**exp, decimals)} × 10{sup}"


def multiple(value: float, lang: str = "en", decimals: int = 1) -> str:
    return number(value, decimals) + ("倍" if lang == "ja" else "×")


def date(value: dt.date | str, lang: str = "en") -> str:
    d = dt.date.fromisoformat(value) if isinstance(value, str) else value
    if lang == "ja":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}"


def days(value: float, lang: str = "en") -> str:
    n = int(_check(value))
    if lang == "ja":
        return f"{n:,}日"
    return f"{n:,} day" + ("" if n == 1 else "s")
