"""Numbers as a reader of each language expects them.

English: "$589 billion", "−16.97%", "27 January 2025". Japanese: "5,890億ドル", "−16.97%",
"2025年1月27日". Both languages always show the same significant figures. Pure functions; the
page layer decides which one a value uses.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_EVEN, Decimal

MINUS = "\u2212"  # a real minus sign, not a hyphen
# The one list of English month names; the short forms ("Jan") are their first three letters.
EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
EN_MONTH_ABBR = tuple(m[:3] for m in EN_MONTHS)


def _check(value: float) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ValueError("cannot format a missing value")
    return float(value)


# `lang` in number() and sci(): every formatter takes one, though these read the same in both languages.
def number(value: float, decimals: int = 0, lang: str = "en", signed: bool = False) -> str:  # noqa: ARG001
    v = _check(value)
    text = f"{abs(v):,.{decimals}f}"
    if v < 0 and float(text.replace(",", "")) != 0:
        return MINUS + text
    return ("+" if signed and v > 0 else "") + text


def pct(value: float, decimals: int = 1, lang: str = "en", signed: bool = False) -> str:
    """`value` is in percent already (−16.97 means −16.97 %)."""
    return number(value, decimals, lang, signed) + "%"


_EN_SCALES = (("trillion", 1e12), ("billion", 1e9), ("million", 1e6))


def _en_scale(v: float, decimals: int | None, big_default: int, small_default: int) -> tuple[str, float, int]:
    """(word, size, decimals) English uses for `v`: "$5.58 million" is ("million", 1e6, 2)."""
    for word, size in _EN_SCALES:
        if abs(v) >= size:
            d = decimals if decimals is not None else (0 if abs(v) / size >= 100 else big_default)
            return word, size, d
    return "", 1.0, decimals if decimals is not None else small_default


def _as_printed(v: float, size: float, decimals: int) -> Decimal:
    """The exact number the English text shows: `v` rounded to `decimals` in units of `size`."""
    step = Decimal(1).scaleb(-decimals)
    return (Decimal(repr(v)) / Decimal(repr(size))).quantize(step, rounding=ROUND_HALF_EVEN) * Decimal(repr(size))


def ja_grouped(x: Decimal | float, decimals: int = 0) -> str:
    """A number in Japanese 兆・億・万 groups, with no more and no less precision than given:
    5,576,000 → 557万6000; 589,000,000,000 → 5,890億; 0.55 → 0.55. The leading group keeps its
    thousands comma (5,890億), inner groups do not (278万8000), as the Japanese financial press writes."""
    d = Decimal(repr(x)) if isinstance(x, float) else x
    sign = MINUS if d < 0 else ""
    d = abs(d)
    if d < 10_000:
        return sign + number(float(d), decimals)
    n = int(d)
    frac = d - n
    groups = ((n // 10**12, "兆"), ((n // 10**8) % 10**4, "億"), ((n // 10**4) % 10**4, "万"))
    parts = [f"{g:,}{unit}" if i == 0 or not any(p for p, _ in groups[:i]) else f"{g}{unit}"
             for i, (g, unit) in enumerate(groups) if g]
    rest = n % 10**4
    if frac:
        parts.append(f"{Decimal(rest) + frac:.{decimals}f}")
    elif rest:
        parts.append(str(rest))
    return sign + "".join(parts)


def usd(value: float, lang: str = "en", decimals: int | None = None) -> str:
    """Dollar amounts, scaled to words: $5.58 million / 558万ドル; $589 billion / 5,890億ドル.

    Japanese prints exactly the number English shows, in 万・億・兆 groups, so both languages carry
    the same significant figures ($5.576 million / 557万6000ドル; $0.55 / 0.55ドル)."""
    v = _check(value)
    word, size, d = _en_scale(v, decimals, 2, 2)
    if lang == "ja":
        if size == 1:
            return ja_grouped(v, d) + "ドル"
        return ja_grouped(_as_printed(v, size, d)) + "ドル"
    if word:
        return (MINUS if v < 0 else "") + f"${number(abs(v) / size, d)} {word}"
    return (MINUS if v < 0 else "") + f"${number(abs(v), d)}"


def count(value: float, lang: str = "en", decimals: int | None = None) -> str:
    """Large counts (parameters, FLOPs): 671 billion / 6,710億; 2.788 million / 278万8000."""
    v = _check(value)
    word, size, d = _en_scale(v, decimals, 1, 0)
    if lang == "ja":
        if size == 1:
            return ja_grouped(v, d)
        return ja_grouped(_as_printed(v, size, d))
    if word:
        return f"{number(v / size, d)} {word}"
    return number(v, d)


def integer(value: float, lang: str = "en") -> str:
    """A whole count: "2,788,000" / "278万8000" (Japanese groups by 万・億・兆 from 10,000 up)."""
    v = _check(value)
    if lang == "ja" and abs(v) >= 10_000:
        return ja_grouped(Decimal(round(v)))
    return number(v, 0, lang)


def billions(value: float, lang: str = "en", decimals: int = 2) -> str:
    """A figure given in billions: "671.03" (the English text says "billion") / "6,710億3000万",
    the same digits in Japanese groups."""
    v = _check(value)
    if lang == "ja":
        return ja_grouped(_as_printed(v * 1e9, 1e9, decimals))
    return number(v, decimals, lang)


_QUARTER = re.compile(r"^Q([1-4]) FY(\d{4}) \(ended (\d{4}-\d{2}-\d{2})\)$")


def quarter_code(fiscal_year: int, quarter: int, end: dt.date) -> str:
    """The one text a fiscal quarter is stored as: "Q4 FY2025 (ended 2025-01-26)"."""
    return f"Q{quarter} FY{fiscal_year} (ended {end.isoformat()})"


def fiscal_quarter(fiscal_year: int, quarter: int, end: dt.date, lang: str = "en", narrow: bool = False) -> str:
    """A fiscal quarter as each press writes it. English by the company's fiscal calendar, "Q4 FY2025"
    ("Q4\\nFY25" on a narrow axis); Japanese by the calendar months the quarter covers,
    "2024年11月〜25年1月期" or "2025年2〜4月期" ("24年\\n11〜1" on a narrow axis, whose label names
    the months)."""
    if lang != "ja":
        return f"Q{quarter}\nFY{fiscal_year % 100:02d}" if narrow else f"Q{quarter} FY{fiscal_year}"
    months = end.year * 12 + end.month - 1 - 2
    start_year, start_month = divmod(months, 12)
    start_month += 1
    if narrow:
        return f"{start_year % 100:02d}年\n{start_month}〜{end.month}"
    if start_year == end.year:
        return f"{start_year}年{start_month}〜{end.month}月期"
    return f"{start_year}年{start_month}月〜{end.year % 100:02d}年{end.month}月期"


def fiscal_quarter_text(code: str, lang: str = "en") -> str:
    """A quarter stored by `quarter_code`, in the reader's language."""
    m = _QUARTER.match(code)
    if m is None:
        raise ValueError(f"'{code}' is not a fiscal quarter (expected e.g. 'Q4 FY2025 (ended 2025-01-26)')")
    return fiscal_quarter(int(m.group(2)), int(m.group(1)), dt.date.fromisoformat(m.group(3)), lang)


LIST_SEP = ", "


def listing(text: str, lang: str = "en") -> str:
    """A list of figures stored as "10, 20, 30": English keeps the commas; Japanese joins the items
    with a middle dot, "10・20・30", as it writes a list inside a sentence."""
    return "・".join(text.split(LIST_SEP)) if lang == "ja" else text


def sci(value: float, lang: str = "en", decimals: int = 2) -> str:  # noqa: ARG001
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


def month_long(value: dt.date, lang: str = "en") -> str:
    """A month of a year: "January 2025" / "2025年1月"."""
    if lang == "ja":
        return f"{value.year}年{value.month}月"
    return f"{EN_MONTHS[value.month - 1]} {value.year}"


def month_name(number: int, lang: str = "en") -> str:
    """A month without its year: "April" / "4月"."""
    n = int(number)
    return f"{n}月" if lang == "ja" else EN_MONTHS[n - 1]


def month(value: dt.date, lang: str = "en") -> str:
    """A month of a year for labels and axes: "Jan 2025" / "2025年1月"."""
    if lang == "ja":
        return f"{value.year}年{value.month}月"
    return f"{EN_MONTH_ABBR[value.month - 1]} {value.year}"


def day_month(value: dt.date, lang: str = "en") -> str:
    """A day without its year, for chart annotations: "27 Jan" / "1月27日"."""
    if lang == "ja":
        return f"{value.month}月{value.day}日"
    return f"{value.day} {EN_MONTH_ABBR[value.month - 1]}"


def year(value: int, lang: str = "en") -> str:
    return f"{value}年" if lang == "ja" else str(value)


def days(value: float, lang: str = "en") -> str:
    n = int(_check(value))
    if lang == "ja":
        return f"{n:,}日"
    return f"{n:,} day" + ("" if n == 1 else "s")
