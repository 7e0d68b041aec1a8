"""The edition itself: which edition this is, what changed since the previous one, the corrections
it carries and how to cite it.

- Identity: a dated build is the edition of data/editions.yaml with its date; a build on all the
  data is the working edition, which is not a publication and says so.
- What changed: the verdicts of the previous edition's date, computed from this edition's data
  with the same engine, against this edition's; and the data dates of both. One record per
  edition up to this one goes into `editions.json`, which the feed of editions is made from.
- Corrections: data/corrections.yaml, only those made by the edition's date.
- Citation: APA and BibTeX text for this edition. The address depends on where the site is
  published, which only MkDocs knows, so the text carries `EDITION_URL` and the MkDocs hook
  fills it in (`citation.fill`).
"""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

import pandas as pd

from .. import corrections as corr_mod
from .. import editions as ed_mod
from .. import fmt
from ..citation import EDITION_URL, FEED_URL, apa, bibtex
from ..claims.engine import ClaimVerdict
from ..claims.schema import Verdict
from ..claims.timeline import verdicts_on
from ..errors import DataError
from ..escape import Html, code, url, words
from ..feed import GAP
from ..paths import LANGS
from ..tables import Column, Table, col_date
from ..values import Values
from . import Inputs, Products
from .common import Labels

WORDS = Labels("publishing")
RECORD_FILE = "editions.json"


def esc(text: str) -> str:
    return html.escape(text, quote=True)


# --- which edition ------------------------------------------------------------------------------------

def listed_editions() -> list[ed_mod.Edition]:
    """The edition list, oldest first (none when the data has no list)."""
    if not ed_mod.EDITIONS.exists():
        return []
    eds, _ = ed_mod.load()
    return sorted(eds, key=lambda e: e.as_of)


def this_edition(inp: Inputs, eds: list[ed_mod.Edition]) -> ed_mod.Edition | None:
    """The listed edition a dated build is. Its data stop at the last trading day on or before its
    date, so an edition dated on a weekend is the first listed date on or after the data's last
    day, within a week."""
    if not inp.edition:
        return None
    return next((e for e in eds if inp.as_of <= e.as_of < inp.as_of + dt.timedelta(days=7)), None)


def identity(inp: Inputs) -> dict[str, Any]:
    """What the pages, the citation and the feed need to know about this edition."""
    ed = this_edition(inp, listed_editions())
    return {
        "version": ed.version if ed else "",
        "as_of": (ed.as_of if ed else inp.as_of).isoformat(),
        "title": {lang: getattr(ed.title, lang) for lang in LANGS} if ed else {},
        "label": {lang: WORDS.text("edition.dated", lang, version=ed.version) if ed
                  else WORDS.text("edition.working", lang) for lang in LANGS},
    }


# --- what changed ----------------------------------------------------------------------------------------

def verdicts_at(inp: Inputs, day: dt.date) -> dict[str, Verdict]:
    """Each claim's tallied verdict as an edition dated `day` prints it, from this edition's data.

    Kept in the build's cache beside the study, under a key of the same inputs and code."""
    if day >= inp.as_of:
        return {v.claim.id: v.headline for v in inp.verdicts}
    from .. import build  # the study's cache; imported here because build imports the sections

    def compute() -> list[ClaimVerdict]:
        return verdicts_on(day, inp.facts, inp.prices, inp.tickers, inp.book, inp.event)

    path = build.BUILD / "cache" / f"verdicts-{build.study_key(inp)[:32]}-{day.isoformat()}.pkl"
    return {v.claim.id: v.headline for v in build._cached(path, compute)}


def newest_fact(inp: Inputs, day: dt.date) -> tuple[str, dt.date] | None:
    known = [(f.day, f.id) for f in inp.facts.values() if f.day <= day]
    if not known:
        return None
    d, fid = max(known)
    return fid, d


def prices_to(inp: Inputs, day: dt.date) -> dt.date:
    return pd.Timestamp(inp.prices.loc[inp.prices["date"] <= pd.Timestamp(day), "date"].max()).date()


def moves(before: dict[str, Verdict], after: dict[str, Verdict], inp: Inputs) -> tuple[list[dict], list[dict]]:
    """(verdicts that moved, claims newly testable), in claim order, with their labels."""
    def label(code: Verdict) -> dict[str, str]:
        return {lang: inp.book.verdicts[code].label[lang] for lang in LANGS}

    moved: list[dict] = []
    judged: list[dict] = []
    for claim in inp.book.claims:
        a, b = before.get(claim.id, "not_yet"), after.get(claim.id, "not_yet")
        if a == b or b == "not_yet":
            continue
        item = {"claim": claim.id, "before": a, "after": b, "before_label": label(a), "after_label": label(b)}
        (judged if a == "not_yet" else moved).append(item)
    return moved, judged


def record(inp: Inputs, ed: ed_mod.Edition | None, day: dt.date, previous: ed_mod.Edition | None) -> dict:
    """One edition's entry for the feed: its data dates and its verdict changes."""
    fact = newest_fact(inp, day)
    out: dict[str, Any] = {
        "version": ed.version if ed else "",
        "as_of": day.isoformat(),
        "title": {lang: getattr(ed.title, lang) for lang in LANGS} if ed else {},
        "prices_to": prices_to(inp, day).isoformat(),
        "newest_fact": {"id": fact[0], "date": fact[1].isoformat()} if fact else None,
        "previous": None, "moved": [], "judged": [],
    }
    if previous is not None:
        out["previous"] = {"version": previous.version, "as_of": previous.as_of.isoformat(),
                           "prices_to": prices_to(inp, previous.as_of).isoformat()}
        out["moved"], out["judged"] = moves(verdicts_at(inp, previous.as_of), verdicts_at(inp, day), inp)
    return out


def records(inp: Inputs) -> tuple[dict, list[dict]]:
    """(this edition's record, the record of every listed edition up to this one)."""
    eds = listed_editions()
    ed = this_edition(inp, eds)
    upto = [e for e in eds if e.as_of <= (ed.as_of if ed else inp.as_of)]
    listed = [record(inp, e, min(e.as_of, inp.as_of), upto[i - 1] if i else None) for i, e in enumerate(upto)]
    if ed is not None:
        return next(r for r in listed if r["version"] == ed.version), listed
    earlier = [e for e in eds if e.as_of < inp.as_of]
    return record(inp, None, inp.as_of, earlier[-1] if earlier else None), listed


def verdict_badge(code: str, labels: dict[str, str], lang: str) -> str:
    return f'<span class="verdict verdict--{esc(code)}">{esc(labels[lang])}</span>'


def change_items(items: list[dict], lang: str, key: str = "move") -> str:
    return WORDS.text("changes.join", lang).join(
        WORDS.text(f"changes.{key}", lang,
                   claim=f"[{esc(m['claim'])}](scorecard.md#{m['claim'].lower().replace('.', '-')})",
                   before=verdict_badge(m["before"], m["before_label"], lang),
                   after=verdict_badge(m["after"], m["after_label"], lang))
        for m in items)


def changes_text(rec: dict, values: Values, lang: str) -> str:
    """One paragraph: the previous edition and its data date, this one's, and the verdict moves."""
    if rec["previous"] is None:
        lines = [WORDS.text("changes.first", lang)]
    else:
        prev = rec["previous"]
        previous = f'<span class="v" data-ref="edition:{esc(prev["version"])}">' \
                   f'{esc(WORDS.text("edition.dated", lang, version=prev["version"]))}</span>'
        lines = [WORDS.text("changes.since", lang, previous=previous,
                            previous_prices=values.items["previous_edition_prices_date"].html(lang),
                            prices=values.items["edition_prices_date"].html(lang),
                            facts=values.items["newest_fact_date"].html(lang))]
        lines.append(WORDS.text("changes.moved", lang, moves=change_items(rec["moved"], lang)) if rec["moved"]
                     else WORDS.text("changes.none_moved", lang))
        if rec["judged"]:
            lines.append(WORDS.text("changes.judged", lang, claims=change_items(rec["judged"], lang, "judged_item")))
    feed = f'<a href="{FEED_URL}" type="application/atom+xml">{esc(WORDS.text("changes.feed", lang))}</a>'
    gap = GAP[lang]
    return '<p class="report-changes" markdown>' + gap.join([*lines, feed]) + "</p>\n"


# --- corrections -------------------------------------------------------------------------------------------

def corrections_products(inp: Inputs) -> tuple[list[Table], dict[str, dict[str, str]]]:
    shown = corr_mod.by_date(corr_mod.load(), inp.as_of if inp.edition else None)
    corr_mod.check_refs(shown, set(inp.facts) | {c.id for c in inp.book.claims})
    if not shown:
        return [], {"corrections": {lang: WORDS.text("corrections.none", lang) + "\n" for lang in LANGS}}
    frame = pd.DataFrame([{"n": i, "date": c.date.isoformat(), "page": c.page, "refs": ";".join(c.refs),
                           "en": c.what.en, "ja": c.what.ja} for i, c in enumerate(shown)])

    def page_cell(v: str, lang: str) -> Html:
        return Html("[{}]({})").format(WORDS.text(f"pages.{v}", lang), url(f"{v}.md"))

    def text_cell(v: int, lang: str) -> Html:
        row = frame.loc[v]
        refs = [code(r) for r in row["refs"].split(";") if r]
        # The refs in the language's brackets: " (…)" in English, "（…）" in Japanese.
        return Html("{}{}").format(row[lang], words(lang, "scorecard.aside", text=Html(" ").join(refs)) if refs else "")

    cols = Labels("publishing.corrections.columns")
    table = Table(id="corrections-table", data=frame,
                  columns=(Column("date", cols["date"], col_date), Column("page", cols["page"], page_cell),
                           Column("n", cols["correction"], text_cell)),
                  caption=WORDS.fill("corrections.caption"), wrap=True)
    return [table], {"corrections": {lang: "[[table:corrections-table]]" for lang in LANGS}}


# --- citation ----------------------------------------------------------------------------------------------

def cite_block(ident: dict[str, Any], lang: str) -> str:
    as_of = dt.date.fromisoformat(ident["as_of"])
    version = ident["version"]
    if version:
        title = f'<span class="v v-text" data-ref="edition:{esc(version)}">{esc(ident["title"][lang])}</span>'
        named = f'<span class="v" data-ref="edition:{esc(version)}">{esc(version)}</span>'
        intro = WORDS.text("cite.dated", lang, version=named, title=title)
        edition = WORDS.text("cite.edition_dated", lang, version=version)
    else:
        intro = WORDS.text("cite.working", lang)
        edition = WORDS.text("cite.edition_working", lang)
    author = WORDS.text("report.author", lang)
    report = WORDS.text("report.title", lang)
    apa_html = apa(WORDS, lang, author=author, title=report, edition=edition, as_of=as_of)
    bib = bibtex(lang, key=version or "working", author=author, title=report, version=version or edition, as_of=as_of,
                 note=WORDS.text("cite.note", lang, date=fmt.date(as_of, lang)))
    ref = f"edition:{version or 'working'}"
    return (
        '<div class="report-cite" markdown>\n\n'
        f"## {esc(WORDS.text('cite.heading', lang))} {{ #cite }}\n\n"
        f"{intro}\n\n"
        f'<p class="report-cite__label">{esc(WORDS.text("cite.apa", lang))}</p>\n'
        f'<p class="report-cite__apa" data-ref="{esc(ref)}">{apa_html}</p>\n'
        f'<p class="report-cite__label">{esc(WORDS.text("cite.bibtex", lang))}</p>\n'
        f'<pre class="report-cite__bibtex" data-ref="{esc(ref)}"><code>{esc(bib)}</code></pre>\n\n'
        "</div>\n"
    )


# --- the section -------------------------------------------------------------------------------------------

def build(inp: Inputs, values: Values) -> Products:
    ident = identity(inp)
    this, listed = records(inp)
    fact = newest_fact(inp, inp.as_of)
    if fact is None:
        raise DataError("data/facts", "file", "an edition needs at least one fact dated by its as-of date")
    values.fact_date(fact[0], name="newest_fact_date")
    values.metric("edition_prices_date", dt.date.fromisoformat(this["prices_to"]), "date",
                  formula="last price date of this edition's data")
    if this["previous"] is not None:
        values.metric("previous_edition_prices_date", dt.date.fromisoformat(this["previous"]["prices_to"]), "date",
                      formula="last price date on or before the previous edition's date")
    tables, blocks = corrections_products(inp)
    blocks["edition-changes"] = {lang: changes_text(this, values, lang) for lang in LANGS}
    blocks["cite"] = {lang: cite_block(ident, lang) for lang in LANGS}
    data = json.dumps({"this": this, "editions": listed}, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    return Products(tables=tables, blocks=blocks, files={RECORD_FILE: data.encode()})


# --- what every page needs (the page context) -----------------------------------------------------------------

def page_context(inp: Inputs, values: Values, tables: list[Table]) -> dict[str, Any]:
    """For the MkDocs hook: this edition's identity, and for each reference a page can carry (a
    value's, or a table's) the newest fact behind it (id, date), so each page can say which is the
    newest fact it uses. A table's facts are those it names by id (the source register)."""
    newest: dict[str, list[str]] = {}

    def newest_of(ids: set[str]) -> list[str]:
        d, fid = max((values.facts[f].day, f) for f in ids)
        return [fid, d.isoformat()]

    for name, v in values.items.items():
        roots = fact_roots(values, name)
        if roots:
            newest[v.ref] = newest_of(roots)
    for t in tables:
        named = {x for col in t.data.columns for x in t.data[col] if isinstance(x, str) and x in values.facts}
        if named:
            newest[f"table:{t.id}"] = newest_of(named)
    return {"edition": identity(inp), "newest_fact": dict(sorted(newest.items())),
            "edition_url_token": EDITION_URL, "feed_url_token": FEED_URL}


def fact_roots(values: Values, name: str) -> set[str]:
    """The facts a value rests on, following its inputs through other values."""
    out: set[str] = set()
    todo, seen = [name], {name}
    while todo:
        for ref in values.items[todo.pop()].inputs:
            if ref in values.facts:
                out.add(ref)
            elif ref in values.items and ref not in seen:
                seen.add(ref)
                todo.append(ref)
    return out
