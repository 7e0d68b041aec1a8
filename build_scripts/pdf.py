"""The whole report as one PDF per language and edition, printed by headless Chromium at build time.

The built pages are served from the site folder on 127.0.0.1 and joined into one print document:
each page's article in the order of the navigation, with its ids prefixed so that links between
pages become links inside the PDF, every collapsed block opened, the light-scheme charts only,
and links to downloads written out as the edition's own addresses. The print style sheet
(report.css) lays it out; Chromium prints it with a running footer and an outline of the headings.

Two prints of the same pages give the same bytes: Chromium stamps only the creation and
modification times, which are set to the edition's date here.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .shots import CHROMIUM_ARGS, chromium_path, serve

SHELL = "/__report_print__.html"  # served only to the printing browser, never written to the site
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}[^)]*\)")
# The trailer's two file ids (<hex> <hex>) and the XMP metadata's uuids.
_ID_HEX = re.compile(rb"(?<=/ID \[)<[0-9A-Fa-f]+>|(?<=> )<[0-9A-Fa-f]{32}>(?=\])")
_NODE = re.compile(rb"node(\d{8})")
_UUID = re.compile(rb"(?<=uuid:)[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class PrintError(Exception):
    pass


@dataclass(frozen=True)
class Job:
    site_dir: Path
    pages: tuple[str, ...]  # URL paths in reading order ("" for the home page, "headline/" …)
    stylesheets: tuple[str, ...]  # paths under the site root
    lang: str
    title: str  # the document's title, also in the running footer
    cover: str  # one line under the report's title: edition and data date
    address: str  # where the edition is online, shown on the first page
    public_base: str  # the edition's address, for links to its downloads
    day: str  # the edition's date, YYYY-MM-DD: the PDF's creation and modification date


# Runs in the printing page: fetch each built page, keep its article, and make one document of them.
_JOIN = r"""
async ({pages, base, publicBase}) => {
  const slug = p => "p-" + (p.replace(/\/$/, "").replace(/[^A-Za-z0-9]+/g, "-") || "home");
  const known = new Map(pages.map(p => [new URL(p, base + "/").pathname, slug(p)]));
  const out = document.querySelector("#report-print");
  for (const path of pages) {
    const pageUrl = new URL(path, base + "/").href;
    const res = await fetch(pageUrl);
    if (!res.ok) { throw new Error(`${pageUrl}: ${res.status}`); }
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    const article = doc.querySelector("article.md-content__inner");
    if (!article) { throw new Error(`${pageUrl}: no article`); }
    const prefix = slug(path);
    article.querySelectorAll("script, .headerlink, .md-source-file, .report-asof__pdf, .calc, img[src$='#only-dark']")
      .forEach(el => el.remove());
    article.querySelectorAll("details").forEach(el => el.setAttribute("open", ""));
    article.querySelectorAll("img").forEach(el => {
      el.setAttribute("src", new URL(el.getAttribute("src"), pageUrl).href);
      el.setAttribute("loading", "eager");
    });
    for (const attr of ["id", "for", "aria-labelledby", "aria-describedby", "aria-controls"]) {
      article.querySelectorAll(`[${attr}]`).forEach(el => {
        el.setAttribute(attr, el.getAttribute(attr).split(/\s+/).map(v => `${prefix}--${v}`).join(" "));
      });
    }
    article.querySelectorAll("a[href]").forEach(a => {
      const target = new URL(a.getAttribute("href"), pageUrl);
      if (target.origin !== new URL(base).origin) { return; }
      const inside = known.get(target.pathname);
      if (inside) {
        a.setAttribute("href", "#" + (target.hash ? `${inside}--${decodeURIComponent(target.hash.slice(1))}` : inside));
      } else {
        a.setAttribute("href", new URL(target.pathname.slice(new URL(base).pathname.length).replace(/^\//, ""),
                                       publicBase).href + target.hash);
      }
    });
    const section = document.createElement("section");
    section.className = "report-print__page";
    section.id = prefix;
    section.append(...article.childNodes);
    out.append(section);
  }
  await Promise.all([...document.images].map(img => img.complete ? null :
    new Promise(done => { img.onload = img.onerror = done; })));
  const broken = [...document.images].filter(img => !img.naturalWidth).map(img => img.src);
  return broken;
}
"""


def shell(job: Job) -> str:
    e = html.escape
    links = "".join(f'<link rel="stylesheet" href="{e(s)}">' for s in job.stylesheets)
    return (
        f'<!doctype html><html lang="{e(job.lang)}"><head><meta charset="utf-8"><title>{e(job.title)}</title>'
        f"{links}</head>"
        '<body data-md-color-scheme="default" data-md-color-primary="blue-grey" class="report-print">'
        '<div class="md-container"><main class="md-main"><div class="md-content">'
        '<article class="md-content__inner md-typeset" id="report-print">'
        f'<p class="report-print__cover">{e(job.cover)}<br>{e(job.address)}</p>'
        "</article></div></main></div></body></html>"
    )


def footer(title: str) -> str:
    return ('<div style="font-size:7pt;width:100%;margin:0 14mm;display:flex;justify-content:space-between;'
            f'color:#57606a"><span>{html.escape(title)}</span><span><span class="pageNumber"></span> / '
            '<span class="totalPages"></span></span></div>')


def stable_dates(pdf: bytes, day: str) -> bytes:
    """The PDF with its time stamps set to `day` and its document ids derived from its content.

    Chromium stamps each PDF with the time and with ids that differ on every print (the trailer's
    /ID, the XMP document and instance ids); both are rewritten in place, at the same length, so no
    offset moves and two prints of the same pages are the same bytes.
    """
    stamp = day.replace("-", "").encode() + b"000000"

    def one(m: re.Match[bytes]) -> bytes:
        old = m.group(0)
        new = re.sub(rb"D:\d{14}", b"D:" + stamp, old)
        return new if len(new) == len(old) else old

    dated = _renumber_nodes(_PDF_DATE.sub(one, pdf))
    zeroed = _ID_HEX.sub(lambda m: b"<" + b"0" * (len(m.group(0)) - 2) + b">", dated)
    blank = _UUID.sub(lambda m: b"0" * len(m.group(0)), zeroed)
    digest = hashlib.sha256(blank).hexdigest().encode()

    def hexed(m: re.Match[bytes]) -> bytes:
        return b"<" + (digest * 4)[: len(m.group(0)) - 2] + b">"

    def uuid(m: re.Match[bytes]) -> bytes:
        shape = m.group(0)
        out, k = bytearray(), 0
        for ch in shape:
            if ch == ord("-"):
                out.append(ch)
            else:
                out.append(digest[k % len(digest)])
                k += 1
        return bytes(out)

    return _UUID.sub(uuid, _ID_HEX.sub(hexed, dated))


def _renumber_nodes(pdf: bytes) -> bytes:
    """The tagged PDF's structure ids (`node00000220`) come from the page's DOM node numbers, which
    shift with script timing; number them by first appearance instead, at the same width."""
    seen: dict[bytes, bytes] = {}

    def one(m: re.Match[bytes]) -> bytes:
        width = len(m.group(1))
        return b"node" + seen.setdefault(m.group(1), str(len(seen)).zfill(width).encode())

    return _NODE.sub(one, pdf)


def print_report(job: Job, out: Path) -> Path:
    """Print the pages of `job` into one PDF at `out`."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        exe = chromium_path()
    except SystemExit as err:
        raise PrintError(f"the PDF needs Chromium: {err}") from None
    with serve(job.site_dir) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route(base + SHELL, lambda route: route.fulfill(body=shell(job), content_type="text/html"))
            page.goto(base + SHELL)
            broken = page.evaluate(_JOIN, {"pages": list(job.pages), "base": base, "publicBase": job.public_base})
            if broken:
                raise PrintError(f"images that did not load: {json.dumps(broken[:5])}")
            pdf = page.pdf(format="A4", print_background=True, display_header_footer=True,
                           header_template="<span></span>", footer_template=footer(job.title),
                           margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
                           outline=True, tagged=True)
        except PlaywrightError as err:
            raise PrintError(f"Chromium could not print the report: {err.message.splitlines()[0]}") from None
        finally:
            browser.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(stable_dates(pdf, job.day))
    tmp.replace(out)
    return out
