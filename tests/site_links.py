"""A link checker for a built site folder, as a static web server would serve it.

Every `href` and `src` of every page it reaches (and `url()` in the site's style sheets) is
resolved against the page's URL; a target must exist as a file (or a folder with index.html),
and a `#fragment` must be an id or name in the target page. Links to other hosts (the
sources a page cites) are collected, never fetched.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRS = {"href", "src", "poster", "data"}
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in LINK_ATTRS and tag != "meta":
                self.links.append(value)
            elif name == "srcset":
                self.links.extend(part.split()[0] for part in value.split(",") if part.strip())
            if name == "id" or (name == "name" and tag == "a"):
                self.anchors.add(value)


@dataclass
class LinkReport:
    pages: int = 0
    links: int = 0
    broken: list[str] = field(default_factory=list)
    external: set[str] = field(default_factory=set)


class SiteLinks:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._parsed: dict[Path, _Page] = {}

    def file_for(self, url_path: str) -> Path | None:
        """The file a static server sends for a URL path, or None (a 404)."""
        rel = unquote(url_path).lstrip("/")
        target = (self.root / rel).resolve()
        if self.root.resolve() not in (target, *target.parents):
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def page(self, path: Path) -> _Page:
        if path not in self._parsed:
            parser = _Page()
            parser.feed(path.read_text(encoding="utf-8", errors="replace"))
            self._parsed[path] = parser
        return self._parsed[path]

    def check(self, start: list[str], every_file: bool = False) -> LinkReport:
        """Follow links from the `start` URL paths; with `every_file`, also check each HTML file."""
        report = LinkReport()
        queue = list(start)
        if every_file:
            queue += ["/" + p.relative_to(self.root).as_posix() for p in sorted(self.root.rglob("*.html"))]
        seen: set[Path] = set()
        while queue:
            url = queue.pop(0)
            path = self.file_for(url)
            if path is None:
                report.broken.append(f"start page {url} does not exist")
                continue
            if path in seen:
                continue
            seen.add(path)
            if path.suffix == ".css":
                links = _CSS_URL.findall(path.read_text(encoding="utf-8"))
            elif path.suffix == ".html":
                links = self.page(path).links
                report.pages += 1
            else:
                continue
            for link in links:
                report.links += 1
                target = self.resolve(url, link, report)
                if target is not None and target not in seen and target.suffix in {".html", ".css"}:
                    queue.append("/" + target.relative_to(self.root.resolve()).as_posix())
        return report

    def resolve(self, page_url: str, link: str, report: LinkReport) -> Path | None:
        parts = urlsplit(link)
        if parts.scheme in {"data", "mailto", "javascript", "blob"}:
            return None
        if parts.scheme in {"http", "https"} and parts.netloc:
            report.external.add(link)
            return None
        if parts.scheme or parts.netloc:
            report.broken.append(f"{page_url}: {link} (not a link to a page of this site or a web address)")
            return None
        base = page_url if page_url.endswith("/") else posixpath.dirname(page_url) + "/"
        url_path = posixpath.normpath(posixpath.join(base, parts.path)) if parts.path else page_url
        if parts.path.endswith("/") and not url_path.endswith("/"):
            url_path += "/"
        target = self.file_for(url_path)
        if target is None:
            report.broken.append(f"{page_url}: {link} (no such file)")
            return None
        if parts.fragment and target.suffix == ".html":
            fragment = unquote(parts.fragment)
            if fragment not in self.page(target).anchors:
                report.broken.append(f"{page_url}: {link} (no #{fragment} in the target page)")
        return target.resolve()
