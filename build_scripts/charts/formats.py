"""Named number and date formats for chart labels.

A spec names a format ("usd", "kib" …) instead of passing a function, so the spec stays data (it
goes into the cache key) and both languages print the same figure at the same precision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd

from .. import fmt


def _f(v: Any) -> float:
    return float(v)


def usd(v: float, lang: str, decimals: int | None = None, times: float = 1.0) -> str:
    return fmt.usd(_f(v) * times, lang, decimals)


def usd_auto(v: float, lang: str, times: float = 1.0) -> str:
    """Whole dollars below a million ($238,000 / 23万8000ドル), else three figures ($5.33 million)."""
    x = _f(v) * times
    return fmt.usd(x, lang, 0 if abs(x) < 1e6 else None)


def _rough_decimals(v: float) -> int:
    """Decimals that show an already-rounded estimate without spurious zeros ($5.6 million,
    $500 million), chosen on the English scale so Japanese prints the same figure."""
    size = next((s for s in (1e12, 1e9, 1e6) if abs(v) >= s), 1.0)
    scaled = abs(v) / size
    return 0 if scaled >= 10 or float(scaled).is_integer() else 1


def usd_rough(v: float, lang: str, times: float = 1.0) -> str:
    x = _f(v) * times
    return fmt.usd(x, lang, _rough_decimals(x))


def usd_range(low: float, high: float, lang: str, times: float = 1.0) -> str:
    """"$500 million – $1.6 billion" / "5億〜16億ドル" (one unit, a wave dash, as Japanese writes it)."""
    lo, hi = _f(low) * times, _f(high) * times
    if lo == hi:
        return usd_rough(lo, lang)
    a, b = usd_rough(lo, lang), usd_rough(hi, lang)
    if lang == "ja":
        return f"{a.removesuffix('ドル')}〜{b}"
    return f"{a} – {b}"


def usd_axis(v: float, lang: str) -> str:
    """Short axis ticks: "$10M", "$1B" / "1,000万", "10億" (the axis label names the currency)."""
    if lang == "ja":
        return fmt.usd(_f(v), "ja", 0).removesuffix("ドル")
    return fmt.usd(_f(v), "en", 0).replace(" million", "M").replace(" billion", "B").replace(" trillion", "T")


def count(v: float, lang: str, decimals: int | None = None, times: float = 1.0) -> str:
    return fmt.count(_f(v) * times, lang, decimals)


def kib(v: float, lang: str, times: float = 1.0) -> str:
    """Bytes as KiB, whole above 10 KiB: "3,904 KiB"."""
    n = _f(v) * times / 1024
    return f"{fmt.number(n, 0 if n >= 10 else 1, lang)} KiB"


def number(v: float, lang: str, decimals: int = 0, times: float = 1.0) -> str:
    return fmt.number(_f(v) * times, decimals, lang)


def pct(v: float, lang: str, decimals: int = 1, signed: bool = False) -> str:
    return fmt.pct(_f(v), decimals, lang, signed=signed)


def date(v: Any, lang: str) -> str:
    return fmt.date(pd.Timestamp(v).date(), lang)


def month(day: dt.date, lang: str, year: bool = True, long: bool = False) -> str:
    """"Jan 2025" (or "January 2025") / "2025年1月", or just "Jul" / "7月" where the year is
    already shown."""
    if lang == "ja":
        return f"{day.year}年{day.month}月" if year else f"{day.month}月"
    name = fmt.EN_MONTHS[day.month - 1] if long else fmt.EN_MONTHS[day.month - 1][:3]
    return f"{name} {day.year}" if year else name


def day(d: dt.date, lang: str) -> str:
    """A short date for an axis label: "24 Jan 2025" / "2025年1月24日"."""
    if lang == "ja":
        return fmt.date(d, "ja")
    return f"{d.day} {fmt.EN_MONTHS[d.month - 1][:3]} {d.year}"


def _quarter(row: pd.Series, lang: str, narrow: bool) -> str:
    return fmt.fiscal_quarter(int(row["fiscal_year"]), int(row["fiscal_quarter"]),
                              pd.Timestamp(row["quarter_end"]).date(), lang, narrow=narrow)


def fiscal_quarter_long(row: pd.Series, lang: str) -> str:
    """A fiscal quarter in running text: "Q1 FY2024" / "2023年2〜4月期"."""
    return _quarter(row, lang, narrow=False)


def fiscal_quarter(row: pd.Series, lang: str) -> str:
    """A fiscal quarter on a narrow axis: "Q4\\nFY25" in English; in Japanese by the months it
    covers, "24年\\n11〜1", the way the Japanese press labels Nvidia's quarters."""
    return _quarter(row, lang, narrow=True)


# Value-axis units (`axis.units`): the plotted values are in billions (or millions) of the base
# unit; English ticks count billions (millions), Japanese ticks 億 (万), as each language writes.
BILLIONS = {"times": 1e9, "en": 1e9, "ja": 1e8}
MILLIONS = {"times": 1e6, "en": 1e6, "ja": 1e4}

VALUE_FORMATS: dict[str, Callable[..., str]] = {
    "usd": usd, "usd_auto": usd_auto, "usd_rough": usd_rough, "count": count, "kib": kib,
    "number": number, "pct": pct,
}
ROW_FORMATS: dict[str, Callable[[pd.Series, str], str]] = {"fiscal_quarter": fiscal_quarter}


def value_text(spec: dict[str, Any], v: float, lang: str) -> str:
    """`spec` = {"format": name, …options}: the label one value gets."""
    opts = {k: x for k, x in spec.items() if k not in ("format", "fontsize", "column")}
    try:
        f = VALUE_FORMATS[spec["format"]]
    except KeyError:
        raise ValueError(f"unknown value format '{spec.get('format')}' (known: {sorted(VALUE_FORMATS)})") from None
    return f(v, lang, **opts)
