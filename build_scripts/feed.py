"""The Atom feed of editions, one per language: an entry for each dated edition, with the data
dates and the verdicts that moved since the edition before it.

Each edition's build writes its own record (`generated/data/editions.json`, see
`sections/edition.py`); the feed takes every edition's entry from that edition's own record, so
it says what the edition itself said. The feed sits at the root of each language's site
(`feed.xml`, `ja/feed.xml`), beside the editions, not inside one of them: a published edition
never changes, but the feed grows with each new one.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from urllib.parse import urljoin

from . import fmt
from .catalog import word
from .citation import PREFIX, edition_url

ATOM = "http://www.w3.org/2005/Atom"
FEED_NAME = "feed.xml"
RECORD = "generated/data/editions.json"
GAP = {"en": " ", "ja": ""}  # between sentences: Japanese sets none after 。


def _stamp(day: str) -> str:
    return f"{dt.date.fromisoformat(day).isoformat()}T00:00:00Z"


def _w(lang: str, key: str, **values: object) -> str:
    return word(lang, f"publishing.{key}", **values)


def summary(rec: dict, lang: str) -> str:
    """The record's changes as plain text, in the words of the home page's line."""
    if not rec.get("previous"):
        return _w(lang, "changes.first")
    prev = rec["previous"]
    fact = rec.get("newest_fact") or {}
    parts = [_w(lang, "changes.since", previous=_w(lang, "edition.dated", version=prev["version"]),
                previous_prices=fmt.date(prev["prices_to"], lang), prices=fmt.date(rec["prices_to"], lang),
                facts=fmt.date(fact["date"], lang) if fact else "–")]

    def items(moves: list[dict], key: str) -> str:
        return _w(lang, "changes.join").join(
            _w(lang, f"changes.{key}", claim=m["claim"], before=m["before_label"][lang], after=m["after_label"][lang])
            for m in moves)

    parts.append(_w(lang, "changes.moved", moves=items(rec["moved"], "move")) if rec.get("moved")
                 else _w(lang, "changes.none_moved"))
    if rec.get("judged"):
        parts.append(_w(lang, "changes.judged", claims=items(rec["judged"], "judged_item")))
    return GAP[lang].join(parts)


def atom(entries: Iterable[dict], lang: str, site_root: str) -> bytes:
    """The feed of `entries` (edition records, or {version, as_of, title} for an edition without one),
    newest first, with absolute links under `site_root` (the root of the whole site)."""
    ET.register_namespace("", ATOM)
    entries = sorted(entries, key=lambda r: (r["as_of"], r["version"]), reverse=True)
    root_lang = urljoin(site_root if site_root.endswith("/") else site_root + "/", PREFIX[lang])
    self_url = urljoin(root_lang, FEED_NAME)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    sub(feed, "title", _w(lang, "feed.title"))
    sub(feed, "subtitle", _w(lang, "feed.subtitle"))
    sub(feed, "id", self_url)
    sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(feed, "link", rel="alternate", type="text/html", href=root_lang)
    sub(feed, "updated", _stamp(entries[0]["as_of"]) if entries else "1970-01-01T00:00:00Z")
    author = sub(feed, "author")
    sub(author, "name", _w(lang, "feed.author"))
    for rec in entries:
        url = edition_url(site_root, lang, rec["version"])
        label = _w(lang, "edition.dated", version=rec["version"])
        title = rec.get("title", {}).get(lang)
        entry = sub(feed, "entry")
        sub(entry, "title", f"{label}: {title}" if title else label)
        sub(entry, "id", url)
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        sub(entry, "published", _stamp(rec["as_of"]))
        sub(entry, "updated", _stamp(rec["as_of"]))
        if "prices_to" in rec:
            sub(entry, "summary", summary(rec, lang), type="text")
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8") + b"\n"


def entries_for(editions, records: dict[str, dict]) -> list[dict]:
    """One entry per edition of the list: its own record where there is one, else its name and date."""
    out = []
    for e in editions:
        rec = records.get(e.version)
        out.append(rec if rec is not None else {"version": e.version, "as_of": e.as_of.isoformat(),
                                                "title": {"en": e.title.en, "ja": e.title.ja}})
    return out


def published_records(show: Callable[[str], str], versions: Iterable[str], lang: str) -> dict[str, dict]:
    """Each published edition's own record, read from the branch (`show(path)` returns a file's
    text, or "" when it is not there: an edition published before records existed)."""
    out = {}
    for v in versions:
        text = show(f"{PREFIX[lang]}{v}/{RECORD}")
        if text:
            this = json.loads(text).get("this") or {}
            if this.get("version") == v:
                out[v] = this
    return out


def branch_feeds(editions, on_branch: dict[str, list[dict]], site_root: str,
                 show: Callable[[str], str]) -> dict[str, str]:
    """The feed files at the root of the published branch: every edition of the list that is on
    the branch in that language, each with its own record."""
    out = {}
    for lang, versions in on_branch.items():
        names = {v["version"] for v in versions}
        listed = [e for e in editions if e.version in names]
        records = published_records(show, [e.version for e in listed], lang)
        out[f"{PREFIX[lang]}{FEED_NAME}"] = atom(entries_for(listed, records), lang, site_root).decode("utf-8")
    return out
