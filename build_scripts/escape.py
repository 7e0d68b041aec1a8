"""Text from data enters a page escaped, so no title, name or claim can turn into markup.

Pages are Markdown with inline HTML, and everything a section builds for them (table cells,
captions, chart titles and alt text, page values, blocks) is read by both HTML and Markdown. One
rule holds for all of it:

- A string is text. A fact's title, a claim, a provider's field, a ticker's name, a catalog entry
  with its placeholders filled: `text()` writes it with every character HTML or Markdown would
  read as markup replaced by a character reference (`<` → `&lt;`, `*` → `&#42;`, `[` → `&#91;` …),
  so a reader sees the characters and no parser sees markup. The references mean the same in
  running text, in table cells and in attribute values, so the one escape fits every place.
- Markup the build writes itself is `Html` and passes as it stands. `Html` is a markupsafe
  `Markup` whose joins escape: `Html("<b>{}</b>").format(title)` escapes `title`, unless it is
  `Html` already. A cell function returns text (escaped by the table) or `Html` it built.
- A link target is `url()`: an http(s) address or a page of the site, with every character that
  could end a Markdown link or an HTML attribute percent-encoded.
"""

from __future__ import annotations

import re
import string
import unicodedata
from typing import Any
from urllib.parse import quote, urlsplit

from markupsafe import Markup


def _references(chars: str) -> tuple[dict[str, str], re.Pattern[str]]:
    table = {c: f"&#{ord(c)};" for c in chars}
    table.update({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})
    return table, re.compile("[" + re.escape("".join(table)) + "]")


# Characters HTML or (Python-)Markdown with the project's extensions read as markup anywhere in a
# line: tags and references, emphasis, code, links and footnotes, attribute lists, table cells,
# backslash escapes. Quotes too, so the same text is safe inside an attribute value.
_INLINE, _INLINE_RE = _references("\\`*_{}[]|")
# Inside a tag Markdown still reads code, links and backslash escapes (it sets raw tags aside only
# after those), but never emphasis.
_IN_TAG, _IN_TAG_RE = _references("\\`[]")
# What starts a block when it begins a line: headings, admonitions (!!!), details (???), fences
# (~~~), setext rules (=== ---), list items (- + 1.) and indented code. Only the first character
# of the text can sit there, so only it is escaped.
_LINE_START = re.compile(r"^(?:[#=~!?\s]|[-+](?=\s|-|$))|^\d+(?P<num>[.)])(?=\s|$)")
_LINE_BREAKS = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]\s*")


def _printable(ch: str) -> str:
    """Control characters (NUL, the C1 set), lone surrogates and non-characters have no place in a
    page; each becomes U+FFFD, as an HTML parser reads NUL. Data files refuse them before (yamlio,
    CSV rows); this is the last guard for text from anywhere else."""
    cp = ord(ch)
    if unicodedata.category(ch) in ("Cc", "Cs") or 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE:
        return "\ufffd"
    return ch


def _one_line(s: str) -> str:
    s = _LINE_BREAKS.sub(" ", s).replace("\t", " ")
    return s if s.isprintable() else "".join(map(_printable, s))


def _inline(s: str) -> str:
    """`s` on one line, with no character that markup reads anywhere in a line."""
    return _INLINE_RE.sub(lambda m: _INLINE[m[0]], _one_line(s))


def _guard_line_start(s: str) -> str:
    m = _LINE_START.match(s)
    if not m:
        return s
    at = m.start("num") if m["num"] else 0
    return s[:at] + f"&#{ord(s[at])};" + s[at + 1:]


class Html(Markup):
    """Markup the build wrote itself. Joining or formatting it with anything that is not markup
    escapes that with `text()`, as HTML and as Markdown."""

    __slots__ = ()

    @classmethod
    def escape(cls, s: Any) -> Html:
        if hasattr(s, "__html__"):
            return cls(s.__html__())
        return cls(_guard_line_start(_inline(str(s))))


def text(value: Any) -> Html:
    """Data text (or anything printed as text) as page markup: one line, no character read as markup.
    Markup already built (`Html`, markupsafe `Markup`) is returned as it is."""
    return Html.escape(value)


def attr(value: Any) -> Html:
    """Text for an attribute value of a tag written into Markdown (`title="…"`, `data-ref="…"`):
    HTML's own escapes plus code, link and backslash characters (`_` and `*` stay as they are)."""
    return Html(_IN_TAG_RE.sub(lambda m: _IN_TAG[m[0]], _one_line(str(value))))


_URL_SAFE = "-._~:/?#@!$&+,;=%"  # unreserved and reserved characters that end neither a link nor an attribute


def url(address: Any) -> Html:
    """A link target: an http(s) address, or a path of the site (`scorecard.md#c1-1`). Anything that
    could end a Markdown link `(…)` or an attribute (parentheses, brackets, quotes, spaces) is
    percent-encoded; another scheme (`javascript:`, `data:`) is refused."""
    s = str(address)
    scheme = urlsplit(s).scheme.lower()
    if scheme not in ("", "http", "https") or (not scheme and s.lstrip().startswith("//")):
        raise ValueError(f"'{s[:80]}' is not an http(s) address or a path of the site")
    return Html(quote(s, safe=_URL_SAFE).replace("&", "&amp;"))


def link(label: Any, address: Any) -> Html:
    """A Markdown link: the label escaped as text, the target through `url()`."""
    return Html("[{}]({})").format(label, url(address))


_PLAIN_CODE = re.compile(r"^[\w.:\-]+$", re.ASCII)


def code(value: Any) -> Html:
    """An identifier (a fact id, a value name) set as code: a Markdown code span, whose content
    Markdown prints as it stands; anything but a plain identifier goes in an escaped `<code>`."""
    s = str(value)
    return Html(f"`{s}`") if _PLAIN_CODE.match(s) else Html("<code>{}</code>").format(s)


def words(lang: str, key: str, **values: Any) -> Html:
    """A catalog entry as page markup: its words and each placeholder value escaped as text, except a
    value that is markup already (a traced value's span)."""
    from .catalog import load_catalog, word

    word(lang, key, **values)  # a missing entry or placeholder stops the build by name
    parts: list[str] = []  # plain strings: adding one to markup would escape it again
    for literal, field, spec, _ in string.Formatter().parse(load_catalog(lang)[key]):
        parts.append(_inline(literal))
        if field is not None:
            v = values[field]
            parts.append(str(v.__html__()) if hasattr(v, "__html__") else _inline(format(v, spec or "")))
    return Html(_guard_line_start("".join(parts)))
