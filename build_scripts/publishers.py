"""Which hosts belong to which publisher, so "seen in the original" can be checked, not asserted.

A fact that says it was read in the original (or in an outlet's own page) must link to a page on
that publisher's own site; a link anywhere else is a copy and has to say so.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from . import vocab


def host(url: str) -> str:
    """The URL's host without a leading 'www.', lower case."""
    h = (urlsplit(str(url)).hostname or "").lower()
    return h.removeprefix("www.")


def hosts(publisher: str) -> list[str] | None:
    """The registered hosts of `publisher`, or None if it is not in the registry."""
    return vocab.publishers().get(publisher)


def _matches(url: str, entry: str) -> bool:
    h = host(url)
    want, _, prefix = entry.lower().removeprefix("www.").partition("/")
    if h != want and not h.endswith("." + want):
        return False
    if not prefix:
        return True
    path = urlsplit(str(url)).path.lower().strip("/")
    return path == prefix or path.startswith(prefix + "/")


def owns(publisher: str, url: str) -> bool:
    """True if `url` is on one of `publisher`'s registered hosts (False if it has none)."""
    return any(_matches(url, e) for e in hosts(publisher) or [])
