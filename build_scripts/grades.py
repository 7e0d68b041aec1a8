"""Grades: how good the sources of a figure are, from the fact all the way to the printed page.

A grade has two parts, written `evidence/seen` (for example `news/copy`): what kind of statement the
source is, and where we read it. The vocabulary and its order live in `data/facts/vocab/grades.yaml`.
A figure computed from several inputs carries the weakest of them on each axis, so a careful
number built on one weak input is shown as weak.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from . import escape, publishers, vocab

if TYPE_CHECKING:
    from .facts import Fact

SNAPSHOT = "snapshot/original"
MARK = "†"
_FOCUSABLE = f' tabindex="0">{MARK}</abbr>'
_LINK = re.compile(r"<a\b[^>]*>.*?</a>", re.S)


def evidence_codes(facts_only: bool = False) -> list[str]:
    """Evidence kinds, strongest first (without 'snapshot' when `facts_only`)."""
    return [k.code for k in vocab.grades().evidence if k.facts or not facts_only]


def seen_codes() -> list[str]:
    """Where a fact can have been read, strongest first."""
    return [k.code for k in vocab.grades().seen_in]


def _evidence(code: str) -> vocab.EvidenceKind:
    return next(k for k in vocab.grades().evidence if k.code == code)


def _seen(code: str) -> vocab.SeenKind:
    return next(k for k in vocab.grades().seen_in if k.code == code)


def split(grade: str) -> tuple[str, str]:
    """('news', 'copy') from 'news/copy'; an unknown part is a programming error."""
    evidence, _, seen = grade.partition("/")
    if evidence not in evidence_codes() or seen not in seen_codes():
        raise ValueError(f"'{grade}' is not a grade (evidence/seen_in)")
    return evidence, seen


def rank(grade: str) -> tuple[int, int]:
    """Position on each axis, 0 = strongest."""
    evidence, seen = split(grade)
    return evidence_codes().index(evidence), seen_codes().index(seen)


def weakest(grades: Iterable[str]) -> str:
    """The weakest grade on each axis among `grades` (the snapshot's grade if there are none)."""
    ranks = [rank(g) for g in grades]
    if not ranks:
        return SNAPSHOT
    return f"{evidence_codes()[max(r[0] for r in ranks)]}/{seen_codes()[max(r[1] for r in ranks)]}"


def marked(grade: str) -> bool:
    """True if a figure of this grade gets a visible marker: a news report, an estimate, a
    recollection, or anything seen only in a copy or paraphrase."""
    evidence, seen = split(grade)
    return _evidence(evidence).marker or _seen(seen).marker


def weak(grade: str) -> bool:
    """True if the figure rests on a recollection or on a copy only (listed on the methodology page)."""
    evidence, seen = split(grade)
    return _evidence(evidence).weak or _seen(seen).weak


def label(grade: str, lang: str) -> str:
    """The reader's words for a grade: 'news report, seen only in a copy' / 「報道、転載でのみ確認」."""
    evidence, seen = split(grade)
    e, s = _evidence(evidence), _seen(seen)
    first = e.ja if lang == "ja" else e.en
    if evidence == "snapshot":
        return first
    return f"{first}、{s.ja}" if lang == "ja" else f"{first}, {s.en}"


def evidence_label(code: str, lang: str) -> str:
    e = _evidence(code)
    return e.ja if lang == "ja" else e.en


def seen_label(code: str, lang: str) -> str:
    s = _seen(code)
    return s.ja if lang == "ja" else s.en


def seen_where(fact: Fact, lang: str) -> str:
    """Where the fact was read, with names: 'seen in a copy of Forbes (keymantermlife.com)'."""
    s = _seen(fact.seen_in.kind if fact.seen_in else "not_seen")
    template = s.phrase_ja if lang == "ja" else s.phrase_en
    at = (fact.seen_in.at if fact.seen_in else None) or ""
    if lang == "ja":
        at = vocab.seen_at_ja().get(at, at)
    return template.format(publisher=fact.source.publisher, host=publishers.host(str(fact.source.url)), at=at)


def seen_phrase(fact: Fact, lang: str) -> str:
    """Evidence and where it was read: 'on-record quote, seen in a copy of Forbes (keymantermlife.com)'."""
    first, where = evidence_label(fact.evidence, lang), seen_where(fact, lang)
    return f"{first}、{where}" if lang == "ja" else f"{first}, {where}"


def attribution(fact: Fact) -> Literal["verified", "reported"]:
    """For a quote or statement: 'verified' if it was read in its original or in the outlet's own
    page, 'reported' if only in a copy or paraphrase (or not at all, or from memory)."""
    seen_ok = fact.seen_in is not None and fact.seen_in.kind in ("original", "outlet")
    return "verified" if seen_ok and fact.evidence != "recollection" else "reported"


def marker_html(grade: str, lang: str) -> str:
    """A quiet superscript mark with the grade as its tooltip, or '' if the grade needs none.

    The mark takes focus, as the glossary terms do, so the theme shows the grade on a tap or from
    the keyboard as well as on hover."""
    if not marked(grade):
        return ""
    title = escape.attr(label(grade, lang))
    return f'<sup class="grade"><abbr title="{title}"{_FOCUSABLE}</sup>'


def unfocus_marks_in_links(html: str) -> str:
    """A mark inside a link keeps its hover text but takes no focus of its own: HTML allows no
    focus stop inside a link, and a tap there follows the link."""
    if _FOCUSABLE not in html:
        return html
    return _LINK.sub(lambda m: m.group(0).replace(_FOCUSABLE, f">{MARK}</abbr>"), html)
