"""Charts as specs: words from the catalog, a cache key that covers the whole library, `--fresh`
per language, byte-stable SVGs, and the report's charts checked for what a reader would see."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from build_scripts import build, catalog, pages
from build_scripts.charts import render, style
from build_scripts.charts.checks import chart_collisions
from build_scripts.charts.kinds import KINDS
from build_scripts.charts.render import chart_key, draw_svg, library_digest
from build_scripts.charts.spec import Chart, per_lang
from build_scripts.errors import DataError
from build_scripts.paths import ROOT
from build_scripts.sections import Products
from build_scripts.values import Values

PACKAGE = ROOT / "build_scripts"
LANGS = ("en", "ja")


def bars(chart_id: str = "t-bars", **kw: object) -> Chart:
    """A small spec that uses real catalog words (the sell-off page's market-value chart)."""
    data = pd.DataFrame({"kind": ["reported", "prior"], "label_en": ["Reported", "Previous record"],
                         "label_ja": ["報道値", "従来の記録"], "busd": [589.0, 279.0]})
    spec = {"id": chart_id, "kind": "bars", "data": data, "words": ("overreaction.charts.mcap-lost",),
            "params": {"label": "label", "value": "busd",
                       "colour": {"column": "kind", "map": {"reported": "negative"}, "default": "muted"},
                       "value_text": {"format": "usd", "times": 1e9, "decimals": 0}, "axis": {"pad": 1.3}},
            "fill": per_lang(lambda _lang: {"low": "a", "high": "b", "prior": "c"}), "size": (6.0, 2.0)}
    spec.update(kw)
    return Chart(**spec)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def products(analysed) -> Products:
    return analysed[1]


def by_id(products: Products, chart_id: str) -> Chart:
    return next(c for c in products.charts if c.id == chart_id)


# --- words ---------------------------------------------------------------------------------------

@pytest.mark.slow
def test_every_chart_of_the_report_has_its_words_in_both_languages(products: Products) -> None:
    assert len(products.charts) >= 16
    for chart in products.charts:
        assert chart.kind in KINDS, chart.id
        for lang in LANGS:
            words = chart.text(lang)
            assert words["title"] and words["alt"] and words["source"], (chart.id, lang)
            assert "{" not in words["alt"] and "{" not in words["title"], (chart.id, lang)


@pytest.mark.slow
def test_every_chart_entry_of_the_catalog_belongs_to_a_chart(products: Products) -> None:
    """No stale words: each `<section>.charts.<id>` names a chart the build makes (or the shared
    placeholder words)."""
    ids = {c.id for c in products.charts} | {"placeholder"}
    for lang in LANGS:
        named = {k.split(".")[2] for k in catalog.load_catalog(lang) if k.split(".")[1:2] == ["charts"]}
        assert named <= ids, (lang, sorted(named - ids))


def test_a_missing_title_is_refused_naming_the_file_and_key() -> None:
    with pytest.raises(DataError,
                       match=r"docs/catalog/en/headline\.yaml: key 'headline\.charts\.nope\.title': missing"):
        bars(words=("headline.charts.nope",)).text("en")


def test_a_placeholder_without_a_value_is_refused_naming_the_key() -> None:
    with pytest.raises(DataError, match=r"key 'overreaction\.charts\.mcap-lost\.alt': placeholders without a "
                                        r"value: \['prior'\]"):
        bars(fill=per_lang(lambda _lang: {"low": "a", "high": "b"})).text("en")


@pytest.mark.slow
def test_a_word_the_kind_draws_but_the_catalog_lacks_is_refused_by_name() -> None:
    chart = bars(params={**bars().params, "legend": {"column": "kind", "loc": "below"}})
    with pytest.raises(DataError, match=r"docs/catalog/ja/overreaction\.yaml: key "
                                        r"'overreaction\.charts\.mcap-lost\.legend\.reported'"):
        draw_svg(chart, "ja", style.LIGHT)


def test_the_alt_text_is_built_from_the_data_the_chart_shows(products: Products) -> None:
    chart = by_id(products, "mcap-lost")
    rec = chart.data[chart.data["kind"] == "reported"]["busd"]
    assert f"${rec.max():.0f} billion" in chart.text("en")["alt"]
    assert f"{rec.max() * 10:,.0f}億ドル" in chart.text("ja")["alt"]


# --- the cache key -------------------------------------------------------------------------------

def library_copy(tmp_path: Path) -> Path:
    pkg = tmp_path / "build_scripts"
    shutil.copytree(PACKAGE / "charts", pkg / "charts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PACKAGE / "fmt.py", pkg / "fmt.py")
    return pkg


def test_the_library_digest_covers_every_file_of_the_library(tmp_path: Path) -> None:
    pkg = library_copy(tmp_path)
    assert library_digest(pkg) == library_digest()
    before = library_digest(pkg)
    for helper in ("charts/kinds.py", "charts/formats.py", "charts/style.py", "charts/checks.py", "fmt.py"):
        f = pkg / helper
        original = f.read_text(encoding="utf-8")
        f.write_text(original + "\n# edited\n", encoding="utf-8")
        assert library_digest(pkg) != before, helper
        f.write_text(original, encoding="utf-8")
    assert library_digest(pkg) == before


@pytest.mark.slow
def test_changing_a_helper_redraws_the_charts_that_use_it(tmp_path: Path) -> None:
    """A helper the kind calls (not the kind itself) changes: the next render redraws."""
    pkg = library_copy(tmp_path)
    chart, out, cache = bars(), tmp_path / "out", tmp_path / "cache"
    assert render.render(chart, "en", out, cache, library_digest(pkg)) == 2
    assert render.render(chart, "en", out, cache, library_digest(pkg)) == 0
    kinds = pkg / "charts" / "kinds.py"
    text = kinds.read_text(encoding="utf-8")
    assert "def value_labels(" in text
    kinds.write_text(text.replace('fontsize=cfg.get("fontsize", 9))', 'fontsize=cfg.get("fontsize", 10))'),
                     encoding="utf-8")
    assert render.render(chart, "en", out, cache, library_digest(pkg)) == 2
    assert render.render(chart, "en", out, cache, library_digest(pkg)) == 0


def test_the_key_moves_with_data_parameters_drawn_words_and_size_but_not_the_page_words() -> None:
    lib = library_digest()
    base = bars()
    key = chart_key(base, "en", style.LIGHT, lib)
    data = base.data.copy()
    data.loc[0, "busd"] = 590.0
    changed = {
        "data": dataclasses.replace(base, data=data),
        "params": dataclasses.replace(base, params={**base.params, "axis": {"pad": 1.4}}),
        "size": dataclasses.replace(base, size=(6.0, 2.1)),
        "words": dataclasses.replace(base, words=("overreaction.charts.recovery-days",),
                                     fill=per_lang(lambda _lang: dict.fromkeys(
                                         ("n", "pre", "back", "fastest", "slowest", "ending"), "")))}
    for what, chart in changed.items():
        assert chart_key(chart, "en", style.LIGHT, lib) != key, what
    assert chart_key(base, "ja", style.LIGHT, lib) != key
    assert chart_key(base, "en", style.DARK, lib) != key
    # The alt text is on the page, not in the SVG: new alt text, same picture, no redraw.
    alt_only = dataclasses.replace(base, fill=per_lang(lambda _lang: {"low": "x", "high": "y", "prior": "z"}))
    assert chart_key(alt_only, "en", style.LIGHT, lib) == key


# --- --fresh per language ------------------------------------------------------------------------

def small_products() -> tuple[SimpleNamespace, Values, Products]:
    values = Values({})
    values.metric("x", 1, "int", formula="a test value")
    inp = SimpleNamespace(as_of=dt.date(2025, 1, 31), edition=False)
    return inp, values, Products(charts=[bars("t-a"), bars("t-b")])


def stamps(build_dir: Path, lang: str) -> dict[str, float]:
    return {p.name: p.stat().st_mtime_ns for p in (build_dir / "chart-cache" / lang).iterdir()}


def svgs(build_dir: Path, lang: str) -> dict[str, bytes]:
    folder = build_dir / "pages" / lang / "generated" / "charts"
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.slow
def test_fresh_for_one_language_leaves_the_other_languages_cache_intact(tmp_path: Path) -> None:
    inp, values, prods = small_products()
    assert build.write_products(inp, values, prods, tmp_path, fresh=True) == (8, 8)  # type: ignore[arg-type]
    en_keys, en_svgs = stamps(tmp_path, "en"), svgs(tmp_path, "en")
    assert build.write_products(inp, values, prods, tmp_path, fresh=("ja",)) == (4, 8)  # type: ignore[arg-type]
    assert stamps(tmp_path, "en") == en_keys and svgs(tmp_path, "en") == en_svgs
    assert build.write_products(inp, values, prods, tmp_path) == (0, 8)  # type: ignore[arg-type]


@pytest.mark.slow
def test_after_a_fresh_build_the_next_build_redraws_nothing(tmp_path: Path) -> None:
    """The fault this fixes: `--fresh` cleared the cache both languages shared inside the loop, so
    the English keys were gone and the next build redrew every English chart."""
    inp, values, prods = small_products()
    build.write_products(inp, values, prods, tmp_path, fresh=True)  # type: ignore[arg-type]
    assert build.write_products(inp, values, prods, tmp_path) == (0, 8)  # type: ignore[arg-type]


def test_fresh_refuses_an_unknown_language(tmp_path: Path) -> None:
    inp, values, prods = small_products()
    with pytest.raises(ValueError, match=r"unknown language\(s\) \['fr'\]"):
        build.write_products(inp, values, prods, tmp_path, fresh=("fr",))  # type: ignore[arg-type]


@pytest.mark.parametrize(("argv", "fresh"), [([], False), (["--fresh"], True), (["--fresh", "ja"], ("ja",)),
                                             (["--fresh", "all"], True)])
def test_the_fresh_option_may_name_a_language(monkeypatch: pytest.MonkeyPatch, argv: list[str], fresh: object) -> None:
    from build_scripts import cli

    seen = {}
    monkeypatch.setattr(build, "run", lambda **kw: seen.update(kw))
    assert cli.main(["data", *argv]) == 0
    assert seen["fresh"] == fresh


# --- byte-stable SVGs ----------------------------------------------------------------------------

@pytest.mark.slow  # draws many charts; `make test` runs it, `make test-fast` does not
def test_every_kind_draws_the_same_bytes_twice(products: Products) -> None:
    """One chart of each kind, the languages and schemes taken in turn."""
    first = {}
    for chart in products.charts:
        first.setdefault(chart.kind, chart)
    assert set(first) >= {"bars", "columns", "grouped_columns", "ranges", "lines", "timeline", "grid"}
    for i, chart in enumerate(first.values()):
        lang, pal = LANGS[i % 2], style.PALETTES[(i // 2) % 2]
        assert draw_svg(chart, lang, pal) == draw_svg(chart, lang, pal), (chart.id, lang, pal.name)


DRAW_ONE = """
import hashlib, sys
sys.path.insert(0, sys.argv[1])
from tests.test_charts import bars
from build_scripts.charts import style
from build_scripts.charts.render import draw_svg
print(hashlib.sha256(draw_svg(bars(), "ja", style.DARK)).hexdigest())
"""


@pytest.mark.slow  # draws many charts; `make test` runs it, `make test-fast` does not
def test_a_spec_draws_the_same_bytes_in_another_process() -> None:
    here = subprocess.run([sys.executable, "-c", DRAW_ONE, str(ROOT)], capture_output=True, text=True, check=True)
    import hashlib

    assert here.stdout.strip() == hashlib.sha256(draw_svg(bars(), "ja", style.DARK)).hexdigest()


def test_the_placeholder_chart_draws_its_shared_words() -> None:
    from build_scripts.sections.market_results import waiting_chart

    chart = waiting_chart("dip-entries", "investor", dt.date(2025, 1, 31))
    assert chart.text("ja")["alt"] == "2025年1月31日の時点ではまだ検証できません。"
    assert chart.text("en")["title"] == "Nvidia's largest one-day falls, by the next year's return"
    assert draw_svg(chart, "en", style.LIGHT).startswith(b"<?xml")


# --- what a reader sees --------------------------------------------------------------------------

@pytest.mark.slow  # draws many charts; `make test` runs it, `make test-fast` does not
def test_no_two_labels_collide_on_any_chart_in_either_language(products: Products) -> None:
    """Tick labels, annotations and legend entries keep apart (the SVG scales as a whole, so this
    holds at 390 px too)."""
    found = {(c.id, lang): hits for c in products.charts for lang in LANGS if (hits := chart_collisions(c, lang))}
    assert not found, found


def test_the_collision_check_finds_labels_that_collide(products: Products, monkeypatch: pytest.MonkeyPatch) -> None:
    """The labels of before: "100万ドル" ran into "1,000万ドル" on the Japanese cost-range chart."""
    from build_scripts import fmt
    from build_scripts.charts import formats

    chart = by_id(products, "training-vs-hardware")
    chart = dataclasses.replace(chart, params={**chart.params, "axis": {**chart.params["axis"], "lim": [9e5, 3e11]}})
    assert chart_collisions(chart, "ja") == []
    monkeypatch.setattr(formats, "usd_axis", lambda v, lang: fmt.usd(v, lang, 0))
    assert ("100万ドル", "1,000万ドル") in chart_collisions(chart, "ja")


def test_the_gpu_hours_chart_compares_pre_training_with_pre_training(latest: build.Inputs,
                                                                      products: Products) -> None:
    inp = latest
    chart = by_id(products, "training-gpu-hours")
    v3 = chart.data.set_index("run").loc["v3", "gpu_hours"]
    assert v3 == float(inp.facts["v3_gpu_hours_pretraining"].value)
    assert v3 != float(inp.facts["v3_gpu_hours_total"].value)
    for lang, word in (("en", "pre-training"), ("ja", "事前学習")):
        text = chart.text(lang)
        assert all(word in text[k].lower() for k in ("source", "title", "x_label")), lang
        assert "all stages" not in text["source"] and "全段階" not in text["source"]


def test_figures_in_chart_titles_come_from_values(products: Products) -> None:
    from build_scripts.analysis.backtest import PATH_START
    from build_scripts.sections.investor import MAIN_RULE

    path = by_id(products, "nvda-path")
    assert path.text("en")["title"].endswith(f"since {PATH_START:%B %Y}")
    assert path.text("ja")["title"].startswith(f"{PATH_START.year}年{PATH_START.month}月以降")
    k = int(MAIN_RULE.split("_k")[1].split("_")[0])
    dips = by_id(products, "dip-entries")
    assert f"Nvidia's {k} largest one-day falls since 2015" in dips.text("en")["title"]
    assert f"上位{k}日" in dips.text("ja")["title"]
    assert len(dips.data) == k


def test_the_car_chart_equals_the_tables_and_says_why(products: Products) -> None:
    chart = by_id(products, "car-paths")
    groups = next(t for t in products.tables if t.id == "event-study-groups").data
    spy = groups[groups["benchmark"] == "SPY"].set_index("group")
    day20 = chart.data[chart.data["rel_day"] == 20].set_index("group")["car_pct"]
    assert len(day20) >= 4
    for g, v in day20.items():
        assert v == pytest.approx(spy.loc[g, "car_0_20_pct"], abs=1e-9), g
    assert (chart.data[chart.data["rel_day"] == -1]["car_pct"].abs() < 1e-12).all()
    assert "Cumulated from day 0 (zero on day −1)" in chart.text("en")["source"]
    assert "0日目から累積し、−1日目を0とする" in chart.text("ja")["source"]


def test_the_figure_puts_its_title_above_the_image_and_the_source_below(products: Products) -> None:
    chart = by_id(products, "nvda-path")
    for lang in LANGS:
        soup = BeautifulSoup(pages.chart_snippet(chart, lang), "html.parser")
        fig = soup.select_one("figure.chart")
        assert fig is not None
        kids = [k for k in fig.children if getattr(k, "name", None)]
        assert kids[0].name == "p" and "chart-title" in kids[0]["class"]
        assert fig["aria-labelledby"] == kids[0]["id"]
        assert kids[0].get_text() == chart.text(lang)["title"]  # "S&P" is escaped, and reads back the same
        assert "&amp;" in str(kids[0])
        assert kids[-1].name == "figcaption" and chart.text(lang)["source"] in kids[-1].get_text()
        assert ".csv" in kids[-1].get_text() and chart.text(lang)["title"] not in kids[-1].get_text()
