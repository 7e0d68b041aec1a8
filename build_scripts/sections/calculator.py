"""The investor page's buy-date calculator: its price file and its page block.

The reader picks an entry date and a holding period; a small script on the page
(`overrides/assets/javascripts/calculator.js`) answers from `generated/data/calculator.json`, the
closes of Nvidia and the three funds up to the edition's date. The script repeats the rules of
`analysis.backtest.hold`, `analysis.recovery.path_stats` and `analysis.dips.forward_returns`, so
it prints the figures the analysis would print for the same day (tests/test_calculator.py checks
that in Chromium). Its words come from `docs/catalog/<lang>/investor.yaml` (`calculator:`).

The price file is exact, not rounded: each close is an integer count of 1/`scale` dollars, and
each series is stored as differences from the previous close, which keeps the file small.
"""

from __future__ import annotations

import html
import json

import numpy as np
import pandas as pd

from ..analysis.backtest import ASSETS
from ..analysis.market_metrics import DIP_START
from ..catalog import load_catalog, placeholders
from ..errors import DataError
from ..paths import LANGS
from ..values import Values
from . import Inputs, Products

BLOCK = "buy-date-calculator"
DATA_NAME = "calculator.json"
PREFIX = "investor.calculator."
FORMAT = 1
# The finest price step tried; the snapshot's adjusted closes have four decimals.
SCALES = tuple(10**k for k in range(9))
SCRIPT = "assets/javascripts/calculator.js"
# What the script fills in the catalog's `date` pattern.
DATE_PARTS = {"day", "month", "month_name", "year"}


def _scale(values: np.ndarray) -> int:
    """The smallest power of ten at which every close is a whole number of steps, exactly."""
    for scale in SCALES:
        steps = np.round(values * scale)
        if np.all(steps / scale == values) and np.abs(steps).max(initial=0) < 2**53:
            return scale
    raise DataError("data/market/prices", "closes of " + ", ".join(ASSETS),
                    f"a close has more than {len(SCALES) - 1} decimals", hint="the calculator stores closes exactly")


def data_file(inp: Inputs) -> bytes:
    """The closes of `ASSETS` up to the edition's date, compact and byte-identical across builds.

    `start` is the first day; `days` the gaps in calendar days between listed days (the first is
    0); each series lists its first close in steps of 1/`scale` dollars, then differences to the
    previous close, with null on a listed day the series has no close.
    """
    closes = inp.closes.reindex(columns=list(ASSETS))
    closes = closes[closes.index <= pd.Timestamp(inp.as_of)].dropna(how="all")
    if closes.empty:
        raise DataError("data/market/prices", "closes of " + ", ".join(ASSETS), f"none on or before {inp.as_of}")
    values = closes.to_numpy(dtype=float)
    scale = _scale(values[np.isfinite(values)])
    days = closes.index.to_numpy(dtype="datetime64[D]").astype(np.int64)
    series = {}
    for i, ticker in enumerate(ASSETS):
        prev = 0
        out: list[int | None] = []  # None on a listed day without a close
        for v in values[:, i]:
            if np.isnan(v):
                out.append(None)
                continue
            step = round(float(v) * scale)
            out.append(step - prev)
            prev = step
        series[ticker] = out
    doc = {
        "format": FORMAT,
        "as_of": inp.as_of.isoformat(),
        "rank_start": DIP_START.date().isoformat(),
        "scale": scale,
        "tickers": list(ASSETS),
        "start": closes.index[0].date().isoformat(),
        "days": [0, *np.diff(days).tolist()],
        "closes": series,
    }
    return (json.dumps(doc, separators=(",", ":"), sort_keys=True) + "\n").encode()


def words(lang: str) -> dict[str, str]:
    """The calculator's words in `lang` (placeholders left for the script to fill)."""
    return {k.removeprefix(PREFIX): v for k, v in sorted(load_catalog(lang).items()) if k.startswith(PREFIX)}


def check_words() -> dict[str, dict[str, str]]:
    """Both languages have the same keys and the same placeholders, or the build stops."""
    out = {lang: words(lang) for lang in LANGS}
    en = out["en"]
    if not en:
        raise DataError("docs/catalog/en/investor.yaml", "key 'calculator'", "missing")
    for lang, w in out.items():
        file = f"docs/catalog/{lang}/investor.yaml"
        for key in sorted(set(en) ^ set(w)):
            raise DataError(file, f"key 'calculator.{key}'", "missing in one language", hint="add it in both")
        for key, text in w.items():
            if key == "date":  # each language orders its own date parts
                if not placeholders(text) <= DATE_PARTS:
                    raise DataError(file, "key 'calculator.date'",
                                    f"only {sorted(DATE_PARTS)} can be filled in, not {sorted(placeholders(text))}")
            elif placeholders(text) != placeholders(en[key]):
                raise DataError(file, f"key 'calculator.{key}'",
                                f"placeholders {sorted(placeholders(text))} differ from English "
                                f"{sorted(placeholders(en[key]))}")
    return out


def _json_for_script(obj: object) -> str:
    """JSON that can sit inside a <script> element: no '<', '>' or '&' survive as such."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def block(inp: Inputs, w: dict[str, str]) -> str:
    """The page block: heading, an empty box the script fills, its words, and a note without scripts.

    The data link is a Markdown link so MkDocs makes it relative to the page; the script reads its
    address from it. The script tag is raw HTML: the page sits one folder below the language root
    (directory URLs), hence `{root}../`.
    """
    return "\n".join([
        f"### {html.escape(w['heading'])}",
        "",
        f"<div class=\"calc\" id=\"{BLOCK}\" data-default=\"{inp.event_day.isoformat()}\"></div>",
        f"<script type=\"application/json\" id=\"calc-words\">{_json_for_script(w)}</script>",
        f"<noscript><p class=\"calc-noscript\">{html.escape(w['noscript'])}</p></noscript>",
        "",
        f"[{html.escape(w['download'])}](generated/data/{DATA_NAME}){{ #calc-data .download }}",
        "",
        f"<script src=\"{{root}}../{SCRIPT}\" defer></script>",
        "",
    ])


def build(inp: Inputs, _values: Values) -> Products:
    """Registers no values: every figure the calculator shows is computed in the reader's browser."""
    w = check_words()
    return Products(blocks={BLOCK: {lang: block(inp, w[lang]) for lang in LANGS}},
                    files={DATA_NAME: data_file(inp)})
