"""A Content-Security-Policy for every page: scripts only from the site itself and the page's own
inline scripts (by hash), images from the site and data: URLs, nothing from any other host.

The policy is written into each page after it is rendered, because only then are its inline
scripts known. A script injected through data (a fact's title, a provider's payload) has no hash
in the policy, so a browser refuses to run it even if it slipped past the escaping.
"""

from __future__ import annotations

import base64
import hashlib
import re

_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_META_CHARSET = re.compile(r'<meta charset="utf-8">', re.I)
# Scripts a browser executes; JSON blocks and templates are data, and need no hash.
_EXECUTED = {"", "text/javascript", "module", "application/javascript"}


def inline_hashes(html: str) -> list[str]:
    out = []
    for m in _SCRIPT.finditer(html):
        attrs = m["attrs"]
        if re.search(r"\bsrc\s*=", attrs):
            continue
        kind = re.search(r'\btype\s*=\s*"([^"]*)"', attrs)
        if (kind[1].strip().lower() if kind else "") not in _EXECUTED:
            continue
        digest = base64.b64encode(hashlib.sha256(m["body"].encode("utf-8")).digest()).decode()
        out.append(f"'sha256-{digest}'")
    return sorted(set(out))


def policy(html: str) -> str:
    scripts = " ".join(["'self'", *inline_hashes(html)])
    return ("default-src 'self'; "
            f"script-src {scripts}; "
            "style-src 'self' 'unsafe-inline'; "  # the tables' cell alignment is a style attribute
            "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'")


def with_policy(html: str) -> str:
    """The page with its policy as the first element of its head (after the charset)."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html)}">'
    if not _META_CHARSET.search(html):
        raise ValueError("no <meta charset> to place the Content-Security-Policy after")
    return _META_CHARSET.sub(lambda m: m[0] + meta, html, count=1)
