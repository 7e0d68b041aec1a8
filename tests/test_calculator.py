"""The buy-date calculator: its price file is exact and as-of safe, its words are complete, and in
Chromium it prints the figures the Python analysis computes for the same day."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from build_scripts import build, fmt
from build_scripts.analysis.backtest import ASSETS, run_backtest
from build_scripts.analysis.dips import forward_returns
from build_scripts.analysis.market_metrics import DIP_START
from build_scripts.analysis.recovery import NOT_YET, OK, closes_of, first_on_or_after
from build_scripts.catalog import word
from build_scripts.errors import DataError
from build_scripts.sections import calculator

MONTHS = {"1m": 1, "3m": 3, "6m": 6, "12m": 12, "latest": None}


@cache
def inputs(as_of: dt.date | None = None):
    return build.load_inputs(as_of)


@cache
def studied():
    return build.study(inputs())


def decode(doc: dict) -> pd.DataFrame:
    """The price file read back the way the script reads it."""
    days = pd.Timestamp(doc["start"]) + pd.to_timedelta(np.cumsum(doc["days"]), unit="D")
    cols = {}
    for t in doc["tickers"]:
        step, out = 0, []
        for x in doc["closes"][t]:
            if x is None:
                out.append(np.nan)
                continue
            step += x
            out.append(step / doc["scale"])
        cols[t] = out
    return pd.DataFrame(cols, index=pd.DatetimeIndex(days, name="date"))


# ------------------------------------------------------------------ the price file

@pytest.mark.slow
def test_the_price_file_gives_back_every_close_exactly() -> None:
    inp = inputs()
    data = calculator.data_file(inp)
    assert data == calculator.data_file(inp), "two builds give the same bytes"
    doc = json.loads(data)
    got = decode(doc)
    want = inp.closes[list(ASSETS)].dropna(how="all")
    assert list(got.index) == list(want.index)
    for t in ASSETS:
        a, b = got[t].to_numpy(), want[t].to_numpy(dtype=float)
        assert np.array_equal(np.isnan(a), np.isnan(b)), t
        assert np.array_equal(a[~np.isnan(a)], b[~np.isnan(b)]), f"{t}: a close changed on the way"
    assert doc["as_of"] == inp.as_of.isoformat()
    assert doc["rank_start"] == DIP_START.date().isoformat()


@pytest.mark.slow
def test_an_editions_price_file_stops_at_its_date() -> None:
    as_of = dt.date(2025, 7, 28)
    doc = json.loads(calculator.data_file(inputs(as_of)))
    got = decode(doc)
    assert doc["as_of"] == as_of.isoformat()
    assert got.index.max() <= pd.Timestamp(as_of)
    assert got.index.max() == inputs().closes.loc[:pd.Timestamp(as_of), list(ASSETS)].dropna(how="all").index.max()


def test_a_close_the_file_cannot_hold_exactly_is_refused_by_name() -> None:
    with pytest.raises(DataError, match=r"closes of NVDA, SPY, QQQ, SOXX: a close has more than 8 decimals"):
        calculator._scale(np.array([1.0, 1 / 3]))
    assert calculator._scale(np.array([12.5, 3.25])) == 100


def test_words_are_safe_inside_the_script_element() -> None:
    text = calculator._json_for_script({"x": "</script><b>&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"x": "</script><b>&"}


def test_both_languages_have_the_same_words_and_placeholders() -> None:
    w = calculator.check_words()
    assert set(w["en"]) == set(w["ja"])
    assert {f"horizons.{h}" for h in MONTHS} <= set(w["en"])


def test_a_missing_or_mismatched_word_names_the_file_and_key(monkeypatch: pytest.MonkeyPatch) -> None:
    real = calculator.words

    def drop(lang: str) -> dict[str, str]:
        w = real(lang)
        if lang == "ja":
            w.pop("caption")
        return w

    monkeypatch.setattr(calculator, "words", drop)
    with pytest.raises(DataError, match=r"docs/catalog/ja/investor.yaml: key 'calculator.caption': missing"):
        calculator.check_words()

    def rename(lang: str) -> dict[str, str]:
        w = real(lang)
        if lang == "ja":
            w["worst"] = w["worst"].replace("{pct}", "{percent}")
        return w

    monkeypatch.setattr(calculator, "words", rename)
    with pytest.raises(DataError, match=r"ja/investor.yaml: key 'calculator.worst': placeholders"):
        calculator.check_words()


@pytest.mark.slow
def test_the_page_block_has_the_box_the_words_the_data_link_and_the_script() -> None:
    inp = inputs()
    out = build.render_markdown(inp, ("investor",))
    for lang in ("en", "ja"):
        page = out[(lang, "investor")]
        assert page.count('id="buy-date-calculator"') == 1
        assert '<script type="application/json" id="calc-words">' in page
        assert f"(generated/data/{calculator.DATA_NAME}){{ #calc-data .download }}" in page
        assert f'<script src="../{calculator.SCRIPT}" defer></script>' in page
        assert page.index('id="table-backtest-table"') < page.index('id="buy-date-calculator"')


# ------------------------------------------------------------------ what the analysis says

def expected(entry_picked: str, horizon: str) -> dict:
    """The figures for one entry and horizon, from the analysis functions themselves."""
    inp = inputs()
    as_of = pd.Timestamp(inp.as_of)
    nv = closes_of(inp.closes, "NVDA", as_of)
    entry = first_on_or_after(nv.index, pd.Timestamp(entry_picked))
    bt = run_backtest(inp.closes, as_of, entries={"reader": entry})
    r = bt.returns[bt.returns["horizon"] == horizon].set_index("asset")
    out: dict = {"entry": entry, "returns": {t: r.loc[t] for t in ASSETS}, "worst": None}
    d = bt.drawdowns
    if len(d):
        d = d[(d["asset"] == "NVDA") & (d["horizon"] == horizon)]
        out["worst"] = d.iloc[0] if len(d) else None
    months = MONTHS[horizon] or 12
    mine = forward_returns(nv, pd.DatetimeIndex([entry]), months, as_of)
    out["rank_months"] = months
    out["rank_target"] = entry + pd.DateOffset(months=months)
    if mine["status"].iloc[0] == OK:
        days = nv.index[nv.index >= DIP_START]
        fwd = forward_returns(nv, days, months, as_of).set_index(days)
        done = fwd.loc[fwd["status"] == OK, "fwd_pct"].astype(float)
        x = float(mine["fwd_pct"].iloc[0])
        out["rank"] = {"x": x, "pct": float((done.to_numpy() < x).mean() * 100), "n": len(done),
                       "rank": int(done.rank(ascending=False, method="min").loc[entry]), "start": days[0]}
    return out


# ------------------------------------------------------------------ in Chromium

def open_investor(browser, site_url: str, lang: str, **ctx):
    context = browser.new_context(**ctx)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site_url}/{'' if lang == 'en' else 'ja/'}investor/")
    return context, page, errors


def calculate(page, day: str, horizon: str, entry: pd.Timestamp) -> None:
    page.wait_for_selector("#buy-date-calculator[data-shown]")
    page.fill("#calc-entry", day)
    page.select_option("#calc-horizon", horizon)
    page.click(".calc__form button[type=submit]")
    page.wait_for_selector(f'#buy-date-calculator[data-shown="{entry.date().isoformat()}|{horizon}"]')


def d(ts: pd.Timestamp, lang: str) -> str:
    return fmt.date(pd.Timestamp(ts).date(), lang)


def pct(v: float, lang: str) -> str:
    return fmt.pct(v, 1, lang, signed=True)


def w(lang: str, key: str, **values: object) -> str:
    return word(lang, f"investor.calculator.{key}", **values)


# The sell-off day for a year; a month-end whose month ahead is shorter (31 Jan → 29 Feb); a Sunday,
# held to the last common date; and a day whose twelve months end after the data.
CASES = [("2025-01-27", "12m", "en"), ("2024-01-31", "1m", "ja"), ("2020-03-15", "latest", "en"),
         ("2026-01-15", "12m", "ja")]


@pytest.mark.parametrize(("day", "horizon", "lang"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES])
@pytest.mark.browser
@pytest.mark.slow
def test_the_calculator_prints_what_the_analysis_computes(browser, site_url: str, day: str, horizon: str,
                                                          lang: str) -> None:
    exp = expected(day, horizon)
    entry = exp["entry"]
    ctx, page, errors = open_investor(browser, site_url, lang)
    calculate(page, day, horizon, entry)
    box = page.locator("#buy-date-calculator")
    moved = box.locator(".calc__note").all_inner_texts()
    if entry != pd.Timestamp(day):
        assert w(lang, "moved", picked=d(pd.Timestamp(day), lang), date=d(entry, lang)) in moved
    nv = exp["returns"]["NVDA"]
    exits = {exp["returns"][t]["exit_date"] for t in ASSETS if exp["returns"][t]["status"] == OK}
    assert box.locator("thead th").count() == (4 if len(exits) > 1 else 3)
    for t in ASSETS:
        row = box.locator(f"tr[data-ticker={t}]")
        ret, lead = row.locator(".calc__ret"), row.locator(".calc__lead")
        r = exp["returns"][t]
        if r["status"] == OK:
            assert row.get_attribute("data-exit") == r["exit_date"].date().isoformat(), t
            assert float(ret.get_attribute("data-value")) == r["return_pct"], t
            assert ret.inner_text() == pct(r["return_pct"], lang), t
            if t != "NVDA" and nv["status"] == OK:
                gap = nv["return_pct"] - r["return_pct"]
                assert float(lead.get_attribute("data-value")) == gap
                assert lead.inner_text() == fmt.number(gap, 1, lang, signed=True)
        else:
            assert r["status"] == NOT_YET, r["reason"]
            assert ret.inner_text() == w(lang, "status.not_yet")
            assert lead.inner_text() == "–"
    if nv["status"] == OK:
        held = w(lang, "held" if MONTHS[horizon] else "held_latest", entry=d(entry, lang),
                 exit=d(nv["exit_date"], lang), target=d(nv["target_date"], lang))
        assert box.locator(".calc__held").inner_text() == held
        assert box.locator(".calc__nvda").inner_text() == w(lang, "result_nvda", nvda=pct(nv["return_pct"], lang))
        worst = exp["worst"]
        line = box.locator(".calc__worst")
        assert float(line.get_attribute("data-value")) == worst["worst_vs_cost_pct"]
        if pd.isna(worst["worst_vs_cost_date"]):
            assert line.inner_text() == w(lang, "never_below")
        else:
            assert line.inner_text() == w(lang, "worst", date=d(worst["worst_vs_cost_date"], lang),
                                          pct=pct(worst["worst_vs_cost_pct"], lang))
    else:
        assert nv["status"] == NOT_YET
        assert box.locator(".calc__not-yet").inner_text() == w(
            lang, "not_yet", target=d(nv["target_date"], lang), as_of=d(pd.Timestamp(inputs().as_of), lang))
        assert box.locator(".calc__worst").count() == 0
    rank = box.locator(".calc__rank")
    period = w(lang, f"periods.{exp['rank_months']}m")
    if "rank" in exp:
        r = exp["rank"]
        assert float(rank.get_attribute("data-value")) == r["pct"]
        assert float(rank.get_attribute("data-x")) == r["x"]
        assert int(rank.get_attribute("data-n")) == r["n"]
        assert int(rank.get_attribute("data-rank")) == r["rank"]
        assert rank.inner_text() == w(lang, "rank", period=period,
                                      period_noun=w(lang, f"period_nouns.{exp['rank_months']}m"),
                                      x=pct(r["x"], lang), pct=fmt.number(r["pct"], 0, lang), n=fmt.number(r["n"], 0),
                                      rank=fmt.number(r["rank"], 0), start=d(r["start"], lang))
    else:
        assert rank.inner_text() == w(lang, "rank_not_yet", period=period, target=d(exp["rank_target"], lang))
    assert not errors, errors
    ctx.close()


@pytest.mark.slow
def test_the_sell_off_entry_matches_the_figures_printed_on_the_page() -> None:
    """The browser case for 27 Jan 2025 uses the same functions as the page's own figures."""
    exp = expected("2025-01-27", "12m")
    m = studied().results.metrics
    assert exp["returns"]["NVDA"]["return_pct"] == m["nvda_12m_return_pct"].value
    assert exp["rank"]["pct"] == m["nvda_12m_entry_percentile"].value
    assert exp["rank"]["n"] == m["nvda_12m_entries_count"].value


@pytest.mark.browser
@pytest.mark.slow
def test_keyboard_alone_changes_the_period_and_the_result_is_announced(browser, site_url: str) -> None:
    ctx, page, errors = open_investor(browser, site_url, "en")
    page.wait_for_selector("#buy-date-calculator[data-shown]")
    assert page.get_attribute(".calc__result", "aria-live") == "polite"
    assert page.locator("label[for=calc-entry]").count() == 1 and page.locator("label[for=calc-horizon]").count() == 1
    page.focus("#calc-horizon")
    page.keyboard.press("ArrowUp")  # 12 months → 6 months
    page.wait_for_selector('#buy-date-calculator[data-shown$="|6m"]')
    exp = expected("2025-01-27", "6m")["returns"]["NVDA"]
    assert page.inner_text(".calc__nvda") == w("en", "result_nvda", nvda=pct(exp["return_pct"], "en"))
    page.focus("#calc-entry")
    page.keyboard.press("Enter")  # submits the form: same day, same period, same answer
    page.wait_for_selector('#buy-date-calculator[data-shown="2025-01-27|6m"]')
    assert not errors, errors
    ctx.close()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_without_scripts_the_page_keeps_its_tables_and_says_why(browser, site_url: str, lang: str) -> None:
    ctx, page, errors = open_investor(browser, site_url, lang, java_script_enabled=False)
    assert page.locator("#table-backtest-table table").count() == 1
    assert page.locator("#table-entries-table table").count() == 1
    assert page.locator(".calc-noscript").inner_text() == w(lang, "noscript")
    assert page.locator("#calc-entry").count() == 0
    assert not page.locator("#buy-date-calculator").is_visible()
    assert page.locator("#calc-data").get_attribute("href").endswith(f"generated/data/{calculator.DATA_NAME}")
    assert not errors, errors
    ctx.close()


@pytest.mark.browser
@pytest.mark.slow
def test_missing_prices_give_a_plain_message(browser, site_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route(f"**/{calculator.DATA_NAME}", lambda route: route.fulfill(status=404, body="gone"))
    page.goto(f"{site_url}/investor/")
    page.wait_for_selector('#buy-date-calculator[data-shown="error"]')
    assert page.inner_text("#buy-date-calculator") == w("en", "load_error")
    assert not errors, errors
    context.close()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_calculator_with_a_result_passes_axe_and_fits_a_phone(browser, site_url: str, axe_source: Path,
                                                                  lang: str, scheme: str) -> None:
    ctx, page, errors = open_investor(browser, site_url, lang, color_scheme=scheme,
                                      viewport={"width": 390, "height": 844})
    calculate(page, "2025-01-27", "12m", pd.Timestamp("2025-01-27"))
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    page.evaluate(axe_source.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run('#buy-date-calculator', "
                           "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})")
    problems = [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in result["violations"]]
    assert not problems, problems
    assert not errors, errors
    ctx.close()


TIES = [0.25, 0.75, 1.25, 2.5, 3.5, -0.25, -2.5, -0.05, 0.05, 0.04, -0.04, 0.0, 12.35, 1234567.25, 50.5, 0.125,
        38.7434554973822, -20.352425589927215, 1e6 + 0.05]


@pytest.mark.browser
def test_the_script_rounds_and_groups_numbers_as_the_pages_do(browser) -> None:
    """Python rounds an exact half to the even digit, JavaScript's toFixed away from zero; the
    script's formatter (taken from its source, run in Chromium) must print what fmt.number prints."""
    import re

    src = (Path(__file__).parent.parent / "overrides/assets/javascripts/calculator.js").read_text(encoding="utf-8")
    funcs = "".join(re.search(rf"  function {name}\(.*?\n  }}\n", src, re.S).group(0) for name in ("fixed", "number"))
    page = browser.new_page()
    got = page.evaluate(f"(vals) => {{ const MINUS = '\\u2212'; {funcs} "
                        "return vals.map((v) => [number(v, 1, true), number(v, 0, false)]); }", TIES)
    page.close()
    assert got == [[fmt.number(v, 1, signed=True), fmt.number(v, 0)] for v in TIES]
