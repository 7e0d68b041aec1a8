"""How to cite an edition (APA and BibTeX), and the edition addresses the pages link to.

An edition's lasting address is its dated one, `<site>/<version>/` (Japanese: `<site>/ja/<version>/`),
never `latest/`, which moves on with every new edition. Where the site is published is known only
when MkDocs builds the pages, so the texts carry the tokens below and the MkDocs hook fills them
(`fill`); the working edition, which has no dated address, gets the address it is built for.
"""

from __future__ import annotations

import datetime as dt
import html
from urllib.parse import urljoin

from . import fmt

EDITION_URL = "@@edition-url@@"
FEED_URL = "@@feed-url@@"
PREFIX = {"en": "", "ja": "ja/"}


def edition_url(site_root: str, lang: str, version: str) -> str:
    """The dated address of an edition (the site's own address for the working edition).
    `site_root` is the root of the whole site, the same for both languages."""
    root = site_root if site_root.endswith("/") else site_root + "/"
    return urljoin(root, f"{PREFIX[lang]}{version}/" if version else PREFIX[lang])


def fill(markdown: str, edition: str, feed: str) -> str:
    """The page with the edition's address and the feed's link written in (HTML-escaped)."""
    return (markdown.replace(EDITION_URL, html.escape(edition, quote=True))
            .replace(FEED_URL, html.escape(feed, quote=True)))


def apa_date(day: dt.date, lang: str) -> str:
    return fmt.date(day, lang) if lang == "ja" else f"{day.year}, {fmt.EN_MONTHS[day.month - 1]} {day.day}"


def apa(words, lang: str, *, author: str, title: str, edition: str, as_of: dt.date) -> str:
    """APA reference (a report by a group author, dated by the edition) as HTML."""
    e = html.escape
    return words.text("cite.apa_text", lang, author=e(author), date=e(apa_date(as_of, lang)),
                      title=words.text("cite.title", lang, title=e(title)), edition=e(edition),
                      url=f'<a href="{EDITION_URL}">{EDITION_URL}</a>')


_TEX = str.maketrans({c: "\\" + c for c in "&%$#_{}"} | {"~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                                                          "\\": r"\textbackslash{}", '"': '{"}'})
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def bibtex(lang: str, *, key: str, author: str, title: str, version: str, as_of: dt.date, note: str) -> str:
    """A BibTeX entry (@misc) for the edition; the URL field carries the token `fill` replaces.
    `key` names the edition in ASCII (its version, or "working")."""
    key = "deepseek-shock-checked-" + "".join(c if c.isascii() and c.isalnum() else "-" for c in key) + f"-{lang}"
    fields = [
        ("author", "{" + author.translate(_TEX) + "}"),  # a group: braced so it is not split into names
        ("title", "{" + title.translate(_TEX) + "}"),
        ("year", str(as_of.year)),
        ("month", MONTHS[as_of.month - 1]),
        ("version", version.translate(_TEX)),
        ("note", note.translate(_TEX)),
        ("url", EDITION_URL),
        ("language", {"en": "english", "ja": "japanese"}[lang]),
    ]
    # Values in quotes: a braced group inside braces would read "{{", the mark of an unfilled page value.
    body = ",\n".join(f"  {name:<8} = {value}" if name == "month" else f'  {name:<8} = "{value}"'
                      for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"
