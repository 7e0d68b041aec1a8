"""Hostile text in the data reaches the pages as text, in both languages.

The cases an outside review ran: `<img src=x onerror=…>` in a fact's source title and `<script>` in
a claim were written into the methodology and scorecard pages unescaped. Here the same payloads
(with Markdown that would add emphasis, code or a `javascript:` link, and a source address whose
`)` would end its link) go into a copy of data/, every page of both languages is rendered from the
copy in a separate process, and the HTML Markdown makes of it must hold no element or attribute
from the payloads, and show each payload's characters as they were.

A property-style check then feeds generated strings (markup, template syntax, NUL and other
control characters, right-to-left marks, line breaks, very long lines) into a fact's title and a
claim's text: the data either stops with a named error, or the pages show the text and nothing else.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from build_scripts import pages
from build_scripts.claims.schema import load_claims
from build_scripts.claims.timeline import changes
from build_scripts.errors import DataError
from build_scripts.facts import parse_facts
from build_scripts.paths import DATA, LANGS, ROOT
from build_scripts.sections import methodology, scorecard
from build_scripts.values import Values
from build_scripts.yamlio import load_yaml, parse_yaml

from .markdown_pages import soup

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"
TITLE = f"DeepSeek-V3 report {IMG} *bold* [more](javascript:alert(2)) `code` {{: .x }}"
CLAIM_EN = f"The headlines were wrong {SCRIPT} _really_ [see](javascript:alert(3))"
CLAIM_JA = f"見出しは誤りだった {SCRIPT} **本当に** [参照](javascript:alert(3))"
# Legal for the fact schema (an http(s) URL; `)`, `[`, `]` may sit in a path), and in a Markdown
# link its `)` would end the link and start a second one to `javascript:`.
BREAKOUT = "https://github.com/deepseek-ai/DeepSeek-V3/blob/4c2fdb8/V3.pdf)[x](javascript:alert(4))"

FACT_FILE, FACT_ID = "deepseek_v3.yaml", "v3_gpu_hours_pretraining"
CLAIM_ID = "C1.1"
# A provider's field as it reaches the facts: a refreshed filing file (`origin: refresh`, as the EDGAR
# refresh writes it) whose form carries the payload; the filing then stands in for the curated fact.
FILING_ID = "nvda_shares_outstanding"
FILING_TITLE = f"NVIDIA Form 10-Q{IMG} (accession 0001045810-24-000316, filed 2024-11-20)"
# Ticker and group names may hold no `<` or `>` (tickers.yaml refuses them), but Markdown they may.
TICKER_EN = "NVIDIA *x* [y](javascript:alert(5)) {: .x }"
TICKER_JA = "エヌビディア **x** [y](javascript:alert(5))"
GROUP_EN, GROUP_JA = "Chips _u_ [g](javascript:alert(6))", "半導体 `g` ![g](x)"

RENDER = """
import json, sys
from build_scripts import build
pages = build.render_markdown(build.load_inputs(), stems=("methodology", "scorecard", "overreaction"))
json.dump({f"{lang}/{stem}": text for (lang, stem), text in pages.items()}, sys.stdout, ensure_ascii=False)
"""


def dump(path: Path, doc: object) -> None:
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def with_hostile_text(data: Path) -> None:
    facts = load_yaml(data / "facts" / FACT_FILE, dates_as_text=True)
    fact = next(f for f in facts["facts"] if f["id"] == FACT_ID)
    fact["source"].update(title=TITLE, url=BREAKOUT)
    dump(data / "facts" / FACT_FILE, facts)
    claims = load_yaml(data / "claims.yaml")
    claim = next(c for c in claims["claims"] if c["id"] == CLAIM_ID)
    claim["text"] = {"en": CLAIM_EN, "ja": CLAIM_JA}
    dump(data / "claims.yaml", claims)
    curated = load_yaml(data / "facts" / "nvidia_financials.yaml", dates_as_text=True)
    filing = copy.deepcopy(next(f for f in curated["facts"] if f["id"] == FILING_ID))
    filing["source"]["title"] = FILING_TITLE
    dump(data / "facts" / "edgar.yaml", {"origin": "refresh", "facts": [filing]})
    tickers = load_yaml(data / "tickers.yaml")
    tickers["tickers"]["NVDA"].update(name=TICKER_EN, name_ja=TICKER_JA)
    tickers["groups"]["chips"].update(name=GROUP_EN, name_ja=GROUP_JA)
    dump(data / "tickers.yaml", tickers)


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    work = tmp_path_factory.mktemp("hostile")
    shutil.copytree(DATA, work / "data")
    with_hostile_text(work / "data")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REPORT_DATA_DIR": str(work / "data"),
           "REPORT_BUILD_DIR": str(work / "build")}
    res = subprocess.run([sys.executable, "-c", RENDER], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=900)
    assert res.returncode == 0, res.stderr[-3000:]
    return {key: soup(text) for key, text in json.loads(res.stdout).items()}


def no_live_payload(page) -> None:
    """Nothing on the page came from a payload: no image to x, no script that alerts, no handler,
    no javascript: link, no class from an attribute list."""
    assert not page.select('img[src="x"]')
    assert not [s for s in page.find_all("script") if "alert" in s.get_text()]
    assert not [el for el in page.find_all(True) if any(a.startswith("on") for a in el.attrs)]
    assert not [a for a in page.find_all("a") if a.get("href", "").strip().lower().startswith("javascript:")]
    assert not page.select(".x")


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_a_hostile_source_title_and_address_are_text_on_the_methodology_page(hostile_pages, lang: str) -> None:
    page = hostile_pages[f"{lang}/methodology"]
    no_live_payload(page)
    row = next(tr for tr in page.select("#table-sources-table tbody tr")
               if tr.find("code") and tr.find("code").get_text() == FACT_ID)
    link = row.find("a")
    assert link.get_text() == TITLE  # every character of the title, as the data has it
    assert link["href"] == "https://github.com/deepseek-ai/DeepSeek-V3/blob/4c2fdb8/V3.pdf%29%5Bx%5D%28javascript:alert%284%29%29"
    assert len(row.find_all("a")) == 1 and not row.find_all(["em", "strong", "img"])
    assert len(row.find_all("code")) == 1  # the fact's id; the title's `code` stayed text


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_a_hostile_filing_and_ticker_name_are_text_on_the_methodology_page(hostile_pages, lang: str) -> None:
    page = hostile_pages[f"{lang}/methodology"]
    row = next(tr for tr in page.select("#table-sources-table tbody tr")
               if tr.find("code") and tr.find("code").get_text() == FILING_ID)
    assert [a.get_text() for a in row.find_all("a")] == [FILING_TITLE] and not row.find_all("img")
    row = next(tr for tr in page.select("#table-series-table tbody tr") if tr.find("td").get_text() == "NVDA")
    assert row.find_all("td")[1].get_text() == (TICKER_EN if lang == "en" else TICKER_JA)
    assert not row.find_all(["a", "em", "strong", "code"])


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_hostile_ticker_and_group_names_are_text_on_the_overreaction_page(hostile_pages, lang: str) -> None:
    page = hostile_pages[f"{lang}/overreaction"]
    no_live_payload(page)
    assert not page.select("article img[src='x'], a[href*='alert']")
    ticker, group = (TICKER_EN, GROUP_EN) if lang == "en" else (TICKER_JA, GROUP_JA)
    cells = [td.get_text() for td in page.select("td")]
    assert ticker in cells and group in cells
    for td in page.select("td"):
        if td.get_text() in (ticker, group):
            assert not td.find_all(True)


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_a_hostile_claim_is_text_in_the_scorecard_table_and_its_details(hostile_pages, lang: str) -> None:
    page = hostile_pages[f"{lang}/scorecard"]
    no_live_payload(page)
    claim = CLAIM_EN if lang == "en" else CLAIM_JA
    shown = page.select(f'span.claim-text[data-ref="claim:{CLAIM_ID}"]')
    assert len(shown) == 2  # in the claims table and in the claim's details
    for span in shown:
        assert span.get_text() == claim and not span.find_all(True)


# --- generated text --------------------------------------------------------------------------------

PIECES = [
    "<", ">", '"', "'", "&", "{{", "}}", "{%", "%}", "{#", "#}", "*", "**", "_", "`", "```", "[", "]", "(", ")",
    "|", "#", "\\", "!", "{:", "{", "}", "-", "+", "1.", "~~~", "---", "===", ":", "^", "=", "%",
    "\x00", "\x01", "\x02", "\x03", "\x08", "\x1b", "\x7f", "\x85", "\ud800", "\udfff", "\ufffe", "\uffff",
    "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069", "\u2028", "\u2029", "\ufeff", "\u00a0", "\u3000",
    "\n", "\n\n", "\r\n", "\t", "    ", " ",
    "&amp;", "&#60;", "&lt;", "&#x3C;", "<script>", "</script>", "</span>", "</td>", "<b>", IMG, "<!--", "-->",
    "javascript:alert(1)", "[x](javascript:alert(1))", "![x](y.png)", "<https://example.org>",
    "[[table:sources-table]]", "[[table:claims-scorecard]]", "{root}", "\x02wzxhzdk:0\x03", "[^1]", "*[A]: b",
    "{: .x }", "{ data-sort=\"1\" }", "{{ lipsum.__globals__ }}", "{% include 'x.md' %}",
    "é", "日本語の文", "ﾃｽﾄ", "💥", "a", "Z", "9",
]
MARK = "MARKTEXT"


def generated(rng: random.Random) -> str:
    if rng.random() < 0.08:  # a very long line, with something sharp at its end
        return "long " * rng.randint(400, 4000) + rng.choice(PIECES)
    parts = [rng.choice(PIECES) if rng.random() < 0.75 else chr(rng.randint(0x20, 0x2FFF))
             for _ in range(rng.randint(1, 14))]
    return "".join(parts)


NAMED = re.compile(r"^probe\.yaml: (line \d+|fact '[^']+'|claim [^:]+|file): \S")


def refused_by_name(err: DataError) -> None:
    """The message names the file and the item (a line, a fact, a claim) and gives a rule."""
    assert NAMED.match(str(err)), str(err)


def shape(page) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every element with its attributes, in document order."""
    return [(el.name, sorted((k, v if isinstance(v, str) else " ".join(v)) for k, v in el.attrs.items()))
            for el in page.find_all(True)]


def same_text(s: str) -> str:
    return " ".join(s.split())


@pytest.fixture(scope="module")
def studied(latest):
    return latest


class Renderer:
    """The methodology's source register with one fact, and a claim's scorecard row and details,
    rendered in both languages exactly as the sections build them for the pages."""

    def __init__(self, inp, tmp: Path) -> None:
        self.inp, self.tmp = inp, tmp
        self.fact_doc = next(f for f in load_yaml(DATA / "facts" / FACT_FILE, dates_as_text=True)["facts"]
                             if f["id"] == FACT_ID)
        # The claims file with the one claim (its vocabulary and rules as they are), to read quickly.
        self.claims_doc = load_yaml(DATA / "claims.yaml")
        self.claims_doc["claims"] = [c for c in self.claims_doc["claims"] if c["id"] == CLAIM_ID]
        tl = inp.timeline
        self.hist = changes(tl) if len(tl) else pd.DataFrame(columns=["claim_id", "testable_from", "changed_on"])

    def fact(self, title: str):
        rec = copy.deepcopy(self.fact_doc)
        rec["source"]["title"] = title
        doc = parse_yaml(yaml.safe_dump({"facts": [rec]}, allow_unicode=True), "probe.yaml", dates_as_text=True)
        return parse_facts(doc["facts"], "probe.yaml")[0]

    def book(self, text: str):
        doc = copy.deepcopy(self.claims_doc)
        doc["claims"][0]["text"] = {"en": text, "ja": text}
        path = self.tmp / "probe.yaml"
        dump(path, doc)
        return load_claims.__wrapped__(path)

    def methodology(self, fact) -> dict[str, str]:
        inp = dataclasses.replace(self.inp, facts={fact.id: fact})
        table = next(t for t in methodology.build(inp, Values(inp.facts)).tables if t.id == "sources-table")
        table.csv()  # the download is written too
        return {lang: pages.table_snippet(table, lang).replace("{root}", "") for lang in LANGS}

    def scorecard(self, book) -> dict[str, str]:
        claim = next(c for c in book.claims if c.id == CLAIM_ID)
        v = dataclasses.replace(next(v for v in self.inp.verdicts if v.claim.id == CLAIM_ID), claim=claim)
        table, tests = scorecard.claims_table([v], book, self.hist), scorecard.tests_table(v, book)
        out = {}
        for lang in LANGS:
            details = pages.block_snippet(scorecard.claim_block(v, book, tests, lang),
                                          {tests.id: pages.table_snippet(tests, lang)})
            out[lang] = (pages.table_snippet(table, lang) + "\n" + details).replace("{root}", "")
        return out


@pytest.mark.slow
def test_generated_text_is_refused_by_name_or_shown_as_text(studied, tmp_path: Path) -> None:
    rng = random.Random(20250127)
    r = Renderer(studied, tmp_path)
    marked = {"fact": {k: soup(v) for k, v in r.methodology(r.fact(MARK)).items()},
              "claim": {k: soup(v) for k, v in r.scorecard(r.book(MARK)).items()}}
    seen = {"refused": 0, "shown": 0}
    for _ in range(120):
        text = generated(rng)
        for where in ("fact", "claim"):
            try:
                rendered = r.methodology(r.fact(text)) if where == "fact" else r.scorecard(r.book(text))
            except DataError as err:
                refused_by_name(err)
                seen["refused"] += 1
                continue
            seen["shown"] += 1
            for lang in LANGS:
                page, expected = soup(rendered[lang]), marked[where][lang]
                assert shape(page) == shape(expected), (where, lang, text)
                assert same_text(page.get_text()) == same_text(expected.get_text().replace(MARK, text)), \
                    (where, lang, text)
                pages.write_context({"page": rendered[lang]}, tmp_path / "context.json")
    # Both outcomes happened: the generator reaches the refusals and the pages.
    assert seen["refused"] > 20 and seen["shown"] > 100, seen
