"""Section 5: every claim with the verdicts the claims engine computed for this edition, each test
behind them (figure, threshold, outcome), the rule that combined them, and the verdict timeline.

This module only lays out what `claims.engine` decided; it computes no verdict itself.
"""

from __future__ import annotations

import pandas as pd

from .. import fmt
from ..catalog import both_words, word
from ..charts.spec import Chart, ChartWords, per_lang
from ..claims.engine import ClaimVerdict, Figure, TestResult
from ..claims.schema import ATTRIBUTION, EMPIRICAL, Claim, ClaimsFile, Step, Test, Verdict
from ..claims.timeline import changes
from ..display import Kind, load_display
from ..escape import Html, attr, text, url, words
from ..event import load_event
from ..tables import Column, Table
from ..values import Value, Values
from . import Inputs, Products
from .market_results import month_label

PAGE = {"headline": "headline.md", "efficiency": "efficiency.md", "overreaction": "overreaction.md",
        "investor": "investor.md"}
LANGS = ("en", "ja")


def slug(claim_id: str) -> str:
    return claim_id.lower().replace(".", "-")


def claim_text(claim: Claim, lang: str) -> Html:
    """The claim as we paraphrase it; figures in it are the commentary's, traced to the claim."""
    return Html('<span class="claim-text" data-ref="{}">{}</span>').format(attr(f"claim:{claim.id}"),
                                                                           claim.text[lang])


def badge(verdict: Verdict, book: ClaimsFile, lang: str) -> Html:
    label = book.verdicts[verdict].label[lang]
    tip = book.verdicts[verdict].definition[lang]
    return Html('<span class="verdict verdict--{}" title="{}">{}</span>').format(attr(verdict), attr(tip), label)


# --- figures and thresholds as the page prints them -------------------------------------------------

# A threshold is printed without a sign: "above 10%", not "above +10%".
UNSIGNED: dict[Kind, Kind] = {"pct_signed": "pct", "number_signed": "number"}


def _rule(fig: Figure) -> tuple[Kind, int | None]:
    if fig.ref.startswith("metric:"):
        return load_display().rule(fig.name, fig.unit)
    # A fact used as it stands: whole numbers stay whole.
    return ("int", None) if float(fig.value).is_integer() and abs(fig.value) >= 10 else ("number", 2)


def printed(fig: Figure, x: float, lang: str) -> str:
    kind, decimals = _rule(fig)
    return Value(fig.name, x, kind, fig.ref, decimals).text(lang)


def _unsigned(fig: Figure, x: float, lang: str) -> str:
    kind, decimals = _rule(fig)
    return Value(fig.name, x, UNSIGNED.get(kind, kind), fig.ref, decimals).text(lang)


def threshold_text(test: Test, fig: Figure | None, lang: str) -> str:
    def one(x: float) -> str:
        return _unsigned(fig, x, lang) if fig is not None else fmt.number(x, 2)

    if isinstance(test.threshold, tuple):  # the schema gives "between" two thresholds, the others one
        lo, hi = test.threshold
        return word(lang, "scorecard.compare.between", low=one(lo), high=one(hi))
    return word(lang, f"scorecard.compare.{test.compare}", x=one(test.threshold))


def figure_cell(r: TestResult, lang: str) -> str:
    if r.figure is None:
        return "–"
    shown = text(printed(r.figure, r.figure.value, lang))
    if r.interval is not None:
        level = fmt.pct(load_event().study.confidence * 100, 0, lang)
        shown += Html("<br><small>{}</small>").format(word(lang, "scorecard.interval", level=level,
                                                           low=printed(r.figure, r.interval[0], lang),
                                                           high=printed(r.figure, r.interval[1], lang)))
    return Html('<span class="v" data-ref="{}">{}</span>').format(attr(r.figure.ref), shown)


def aside(said: str | Html, lang: str) -> Html:
    """A remark after a word, in the language's brackets: " (until …)" / "（…まで）"."""
    return words(lang, "scorecard.aside", text=said)


def labelled(label: str | Html, rest: str | Html, lang: str) -> Html:
    """A label and what follows it: "Is it true? [badge]" / "事実の検証：[badge]" (no space in Japanese)."""
    return words(lang, "scorecard.labelled", label=label, rest=rest)


def outcome_cell(r: TestResult, book: ClaimsFile, lang: str) -> Html:
    said = text(book.outcomes[r.outcome][lang])
    if r.why == "from":
        said += aside(word(lang, "scorecard.not_yet_from", date=fmt.date(r.test.testable_from, lang)), lang)
    elif r.why == "waiting":
        said += aside(word(lang, "scorecard.waiting", date=fmt.date(r.test.deadline, lang)), lang)
    elif r.why == "deadline":
        said += aside(word(lang, "scorecard.no_outcome", date=fmt.date(r.test.deadline, lang)), lang)
    if not r.test.required and r.outcome == "pending":
        said += aside(word(lang, "scorecard.optional"), lang)
    return Html('<span class="outcome outcome--{}">{}</span>').format(attr(r.outcome), said)


# --- the combination rule in words --------------------------------------------------------------------

def rule_words(steps: tuple[Step, ...], tests: tuple[Test, ...], book: ClaimsFile, lang: str) -> str:
    number = {t.id: f"T{i + 1}" for i, t in enumerate(tests)}
    parts = []
    for step in steps:
        verdict = book.verdicts[step.verdict].label[lang]
        conds = []
        for key, want in (("pass", step.when.passed), ("fail", step.when.fail),
                          ("inconclusive", step.when.inconclusive)):
            if want is None:
                continue
            verb = word(lang, f"scorecard.rule.verb.{key}")
            if want in ("all", "none", "some"):
                conds.append(word(lang, f"scorecard.rule.{want}", outcome=verb))
            elif isinstance(want, int):
                conds.append(word(lang, "scorecard.rule.at_least", n=want,
                                  outcome=word(lang, f"scorecard.rule.verb_plural.{key}")))
            else:
                names = word(lang, "scorecard.rule.list").join(number[t] for t in want)
                conds.append(word(lang, "scorecard.rule.named", tests=names, outcome=verb))
        if conds:
            parts.append(word(lang, "scorecard.rule.step", verdict=verdict,
                              condition=word(lang, "scorecard.rule.and").join(conds)))
        else:
            parts.append(word(lang, "scorecard.rule.fallback", verdict=verdict))
    return word(lang, "scorecard.rule.intro") + word(lang, "scorecard.rule.join").join(parts) + word(
        lang, "scorecard.rule.end")


# --- tables ----------------------------------------------------------------------------------------

def _changed(items: list, book: ClaimsFile, lang: str) -> str:
    if not items:
        return word(lang, "scorecard.never_changed")
    return Html("<br>").join(word(lang, "scorecard.changed_item", date=month_label(d, lang),
                                  verdict=book.verdicts[v].label[lang])
                             for d, v in items)


def claims_table(verdicts: list[ClaimVerdict], book: ClaimsFile, hist: pd.DataFrame) -> Table:
    by_id = {v.claim.id: v for v in verdicts}
    hist = hist.set_index("claim_id") if len(hist) else hist
    rows = []
    for v in verdicts:
        h = hist.loc[v.claim.id] if len(hist) and v.claim.id in hist.index else None
        rows.append({
            "claim_id": v.claim.id, "section": v.claim.section,
            "claim_en": v.claim.text.en, "claim_ja": v.claim.text.ja,
            "verdict": v.empirical or "", "attribution": v.attribution or "",
            "pending_until": v.pending_until,
            "judged_from": None if h is None else h["testable_from"],
            "changed_on": "" if h is None else "; ".join(f"{d}:{x}" for d, x in h["changed_on"]),
        })
    df = pd.DataFrame(rows)

    def claim_cell(cid: str, lang: str) -> Html:
        c = by_id[cid].claim
        return words(lang, "scorecard.claim_cell", id=Html("**[{}]({})**").format(cid, url(f"#{slug(cid)}")),
                     text=claim_text(c, lang), more=Html("[→]({})").format(url(PAGE[c.section])))

    def verdict_cell(cid: str, lang: str) -> Html:
        v = by_id[cid]
        out = []
        if v.empirical:
            shown = badge(v.empirical, book, lang)
            if v.pending_until:
                until = word(lang, "scorecard.not_yet_from", date=fmt.date(v.pending_until, lang))
                shown += Html("<small>{}</small>").format(aside(until, lang))
            out.append(labelled(Html("<small>{}</small>").format(word(lang, "scorecard.kind.empirical")), shown, lang))
        if v.attribution:
            out.append(labelled(Html("<small>{}</small>").format(word(lang, "scorecard.kind.attribution")),
                                badge(v.attribution, book, lang), lang))
        if v.claim.caveat:
            out.append(Html("<small>{}</small>").format(v.claim.caveat[lang]))
        return Html("<br>").join(out)

    def judged_cell(cid: str, lang: str) -> str:
        h = hist.loc[cid] if len(hist) and cid in hist.index else None
        d = None if h is None else h["testable_from"]
        return "–" if d is None or pd.isna(d) else month_label(d, lang)

    def changed_cell(cid: str, lang: str) -> str:
        h = hist.loc[cid] if len(hist) and cid in hist.index else None
        return _changed([] if h is None else list(h["changed_on"]), book, lang)

    return Table(
        id="claims-scorecard",
        data=df,
        columns=(
            Column("claim_id", both_words("scorecard.columns.claim"), claim_cell),
            Column("claim_id", both_words("scorecard.columns.verdict"), verdict_cell),
            Column("claim_id", both_words("scorecard.columns.testable_from"), judged_cell),
            Column("claim_id", both_words("scorecard.columns.changed_on"), changed_cell),
        ),
        caption=both_words("scorecard.caption.claims"),
        wrap=True,
    )


def tests_table(v: ClaimVerdict, book: ClaimsFile) -> Table:
    results = {f"T{i + 1}": r for i, r in enumerate(v.tests)}
    df = pd.DataFrame([{
        "number": n, "test_id": r.test.id, "metric": r.test.metric, "compare": r.test.compare,
        "threshold": str(r.test.threshold), "value": None if r.figure is None else r.figure.value,
        "interval_low": None if r.interval is None else r.interval[0],
        "interval_high": None if r.interval is None else r.interval[1],
        "outcome": r.outcome, "testable_from": r.test.testable_from, "deadline": r.test.deadline,
        "required": r.test.required, "what_en": r.test.what.en, "what_ja": r.test.what.ja,
    } for n, r in results.items()])
    return Table(
        id=f"claim-tests-{slug(v.claim.id)}",
        data=df,
        columns=(
            Column("number", both_words("scorecard.columns.number")),
            Column("number", both_words("scorecard.columns.test"), lambda n, lang: results[n].test.what[lang]),
            Column("number", both_words("scorecard.columns.figure"), lambda n, lang: figure_cell(results[n], lang),
                   "right"),
            Column("number", both_words("scorecard.columns.threshold"),
                   lambda n, lang: threshold_text(results[n].test, results[n].figure, lang)),
            Column("number", both_words("scorecard.columns.outcome"),
                   lambda n, lang: outcome_cell(results[n], book, lang)),
        ),
        caption={lang: word(lang, "scorecard.caption.tests", claim=v.claim.id) for lang in LANGS},
        wrap=True,
    )


def vocabulary_table(book: ClaimsFile) -> Table:
    order = [*EMPIRICAL, *ATTRIBUTION]
    df = pd.DataFrame([{"verdict": k, "label_en": book.verdicts[k].label.en,
                        "label_ja": book.verdicts[k].label.ja,
                        "definition_en": book.verdicts[k].definition.en,
                        "definition_ja": book.verdicts[k].definition.ja} for k in order])
    return Table(
        id="verdict-vocabulary",
        data=df,
        columns=(
            Column("verdict", both_words("scorecard.columns.word"), lambda k, lang: badge(k, book, lang)),
            Column("verdict", both_words("scorecard.columns.meaning"),
                   lambda k, lang: book.verdicts[k].definition[lang]),
        ),
        caption=both_words("scorecard.caption.vocabulary"),
        wrap=True,
    )


# --- the per-claim blocks ----------------------------------------------------------------------------

def claim_block(v: ClaimVerdict, book: ClaimsFile, table: Table | None, lang: str) -> str:
    """A collapsible block per claim: attribution, the tests table and the rule in words."""
    c = v.claim
    headline = badge(v.headline, book, lang)
    n = Html('<span class="v" data-ref="{}">{}</span>').format(attr(f"claim:{c.id}"), len(v.tests))
    verdict = book.verdicts[v.headline].label[lang]
    summary = (words(lang, "scorecard.tests_summary", claim=c.id, verdict=verdict, n=n) if v.tests
               else words(lang, "scorecard.tests_summary_none", claim=c.id, verdict=verdict))
    lines = [Html('<details class="claim" id="{}" markdown>').format(attr(slug(c.id))),
             Html("<summary>{}</summary>").format(labelled(headline, summary, lang)), "",
             words(lang, "scorecard.claim_line", id=Html("**{}**").format(c.id), text=claim_text(c, lang)), ""]
    if c.attribution:
        lines += [labelled(words(lang, "scorecard.said_by", who=c.attribution.who[lang]),
                           badge(v.attribution or "not_found", book, lang), lang), ""]
    if table is not None:
        lines += [f"[[table:{table.id}]]", "", text(rule_words(book.steps(c), c.tests, book, lang)), ""]
    else:
        lines += [text(word(lang, "scorecard.no_tests")), ""]
    if c.caveat:
        # Set apart by a class, not by italics: the style sheet slants it in English only.
        lines += [Html('<p class="claim-caveat">{}</p>').format(c.caveat[lang]), ""]
    lines.append("</details>")
    return "\n".join(lines)


# --- the timeline chart ------------------------------------------------------------------------------

# Cell colours by verdict (palette roles), and a marker shape per verdict so the grid does not rely
# on colour alone (○ supported, △ partly, × not supported, ? cannot tell, · not yet); light cells
# take dark marks.
VERDICT_COLOURS = {"supported": "positive", "verified": "positive", "partly": "series:4", "reported": "series:4",
                   "not_supported": "negative", "not_found": "negative", "inconclusive": "series:5",
                   "not_yet": "grid"}
DARK_SYMBOLS = ["not_yet", "partly", "inconclusive", "reported"]
VERDICT_MARKERS = {"supported": "o", "verified": "o", "partly": "^", "reported": "^", "not_supported": "x",
                   "not_found": "x", "inconclusive": "$?$", "not_yet": "."}


def timeline_chart(tl: pd.DataFrame, book: ClaimsFile) -> Chart | None:
    if tl.empty:
        return None
    df = tl.copy()
    for lang in LANGS:
        df[f"label_{lang}"] = [book.verdicts[v].label[lang] for v in df["verdict"]]
    last = df[df["date"] == df["date"].max()]
    counts = last["verdict"].value_counts()
    w = ChartWords("scorecard", "verdict-timeline")

    def fill(lang: str) -> dict[str, object]:
        return {"claims": df["claim_id"].nunique(), "months": df["date"].nunique(),
                "first": month_label(df["date"].min(), lang), "last": fmt.date(df["date"].max(), lang),
                "tally": w.listing(lang, "count", ({"verdict": book.verdicts[v].label[lang],
                                                    "n": int(counts[v])}
                                                   for v in (*EMPIRICAL, *ATTRIBUTION) if v in counts))}

    return w.spec(
        "grid", df[["date", "claim_id", "verdict", "attribution", "label_en", "label_ja"]],
        params={"rows": "claim_id", "columns": "date", "value": "verdict", "colours": VERDICT_COLOURS,
                "dark_text": DARK_SYMBOLS, "markers": VERDICT_MARKERS, "order": [*EMPIRICAL, *ATTRIBUTION],
                "legend_label": "label"},
        fill=per_lang(fill),
        size=(6.0, 1.2 + 0.28 * df["claim_id"].nunique()),
    )


# --- build -------------------------------------------------------------------------------------------

def register(values: Values, verdicts: list[ClaimVerdict], book: ClaimsFile) -> None:
    tested = [v for v in verdicts if v.empirical]
    attributed = [v for v in verdicts if v.attribution]
    f = "claims with this verdict in this edition (claims engine)"
    for kind in EMPIRICAL:
        values.metric(f"claims_{kind}", sum(v.empirical == kind for v in tested), "int", formula=f)
    for said in ATTRIBUTION:
        values.metric(f"claims_{said}", sum(v.attribution == said for v in attributed), "int", formula=f)
    values.metric("claims_total", len(verdicts), "int", formula="claims checked")
    values.metric("claims_tested", len(tested), "int", formula="claims with tests on figures")
    values.metric("claims_attributed", len(attributed), "int", formula="claims with an attribution to check")
    values.metric("claims_tests", sum(len(v.tests) for v in verdicts), "int", formula="tests in all")
    values.metric("claims_not_scored", len(book.not_scored), "int", formula="claims with no verdict of their own")
    for v in verdicts:
        if v.claim.summary and v.empirical:
            summary = v.claim.summary[v.empirical]
            values.labelled(f"summary_{slug(v.claim.id).replace('-', '_')}", v.empirical,
                            {"en": summary.en, "ja": summary.ja}, ref=f"claim:{v.claim.id}")
        values.labelled(f"verdict_{slug(v.claim.id).replace('-', '_')}", v.headline,
                        {lang: book.verdicts[v.headline].label[lang] for lang in LANGS},
                        ref=f"claim:{v.claim.id}")


def build(inp: Inputs, values: Values) -> Products:
    book, verdicts, tl = inp.book, inp.verdicts, inp.timeline
    register(values, verdicts, book)
    hist = changes(tl) if len(tl) else pd.DataFrame(columns=["claim_id", "testable_from", "changed_on"])
    tests = {v.claim.id: tests_table(v, book) for v in verdicts if v.tests}
    blocks = {lang: "\n\n".join(claim_block(v, book, tests.get(v.claim.id), lang) for v in verdicts)
              for lang in LANGS}
    not_scored = {lang: "\n".join(Html("- **{}** {}").format(cid, t[lang]) for cid, t in book.not_scored.items())
                  for lang in LANGS}
    chart = timeline_chart(tl, book)
    return Products(charts=[chart] if chart else [],
                    tables=[claims_table(verdicts, book, hist), vocabulary_table(book), *tests.values()],
                    blocks={"claim-details": blocks, "claims-not-scored": not_scored})

