"""One visit per page, colour scheme and width in a shared Chromium, with what the gates check.

The accessibility and browser tests read the same visits, so each page is loaded once per state:
the visit records console errors, requests (to other hosts, and local ones that failed), chart
images that did not load, the page's width, and axe-core's violations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
SCHEMES = ("light", "dark")
# The rule sets of the outside audit: WCAG 2.0-2.2 A and AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def site_pages() -> list[str]:
    """Every page of both languages, as URL paths (from the authored pages, plus the error pages)."""
    out = []
    for prefix, lang in (("", "en"), ("ja/", "ja")):
        stems = sorted(p.stem for p in (DOCS / lang).glob("*.md"))
        out += [prefix + ("" if s == "index" else f"{s}/") for s in stems] + [f"{prefix}404.html"]
    return out


@dataclass
class Visit:
    url: str
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    images: int = 0
    scroll_width: int = 0
    violations: list[str] = field(default_factory=list)


class PageVisits:
    def __init__(self, browser, base_url: str, axe: Path) -> None:
        self.browser, self.base_url, self.axe = browser, base_url, axe
        self._contexts: dict[tuple[str, str], object] = {}
        self._visits: dict[tuple[str, str, str], Visit] = {}

    def context(self, scheme: str, width: str):
        if (scheme, width) not in self._contexts:
            w, h = WIDTHS[width]
            self._contexts[scheme, width] = self.browser.new_context(viewport={"width": w, "height": h},
                                                                      color_scheme=scheme)
        return self._contexts[scheme, width]

    def get(self, path: str, scheme: str = "light", width: str = "desktop") -> Visit:
        key = (path, scheme, width)
        if key not in self._visits:
            self._visits[key] = self._visit(*key)
        return self._visits[key]

    def _visit(self, path: str, scheme: str, width: str) -> Visit:
        visit = Visit(f"{self.base_url}/{path}")
        page = self.context(scheme, width).new_page()
        local = (self.base_url + "/", "data:", "blob:")
        page.on("console", lambda m: visit.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: visit.errors.append(str(e)))
        page.on("request", lambda r: None if r.url.startswith(local) else visit.foreign.append(r.url))
        page.on("requestfailed", lambda r: visit.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: visit.failed.append(f"{r.url} ({r.status})") if r.status >= 400 else None)
        try:
            response = page.goto(visit.url)
            if response is None or response.status >= 400:
                visit.failed.append(f"{visit.url} ({response.status if response else 'no response'})")
            page.wait_for_load_state("networkidle")
            # Charts load lazily: ask for every one, both schemes' files, and wait until they arrive.
            page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; })")
            page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=15000)
            images = page.evaluate("[...document.images].map(i => [i.getAttribute('src'), i.naturalWidth])")
            visit.images = len(images)
            visit.broken_images = [src for src, w in images if not w]
            visit.scroll_width = page.evaluate("document.documentElement.scrollWidth")
            page.evaluate(self.axe.read_text(encoding="utf-8"))  # by the driver: the page's CSP stays on
            result = page.evaluate(
                "async tags => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
                " resultTypes: ['violations']})", AXE_TAGS)
            visit.violations = [f"{v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in v['nodes'][:3]]}"
                                for v in result["violations"]]
        finally:
            page.close()
        return visit

    def close(self) -> None:
        for ctx in self._contexts.values():
            ctx.close()
