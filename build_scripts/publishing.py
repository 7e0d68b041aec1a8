"""What the MkDocs hook does for the report's publishing features, in one place.

- Glossary: writes the language's abbreviation file and points pymdownx.snippets at it, so every
  page ends with the definitions; `glossary_markup` marks the terms.
- "As of": a line under each page's title with the edition, the last price date and the date of
  the newest fact that the page's own figures rest on (found from their `data-ref`s).
- Addresses: the edition's dated address goes into the citation, the page's preview tags and the
  PDF; the feed link is made relative to the page.
- After the build: the feed (plain builds; published editions get theirs at the branch root, see
  deploy.py), the share images, and with `extra.pdf` set, the PDF of the whole report.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from mkdocs.exceptions import PluginError

from . import citation, fmt, glossary
from . import feed as feed_mod
from .catalog import word
from .paths import BUILD, generated_dir

_REF = re.compile(r'data-ref="((?:fact|metric|table):[^"]+)"')
_H1 = re.compile(r"^# (.+?)\s*(?:\{[^}]*\})?\s*$", re.M)
_TAGS = re.compile(r"<[^>]+>")
SHARE_DIR = "assets/share"
LOCALE = {"en": "en_US", "ja": "ja_JP"}


@dataclass
class BuildState:
    """What one MkDocs build collects from its pages for the steps after it."""

    cards: dict[str, Any] = field(default_factory=dict)


_state = BuildState()


def _w(lang: str, key: str, **values: object) -> str:
    return word(lang, f"publishing.{key}", **values)


# ------------------------------------------------------------------ configuration

def configure(config) -> None:
    """Before any page: the site's root, the glossary for this language, and the build's state.
    Runs before the hook moves a language's site_url to its prefix and before mike adds a version."""
    from .glossary_markup import GlossaryMarkupExtension

    _state.cards.clear()
    lang = config["theme"]["language"]
    root = config["site_url"] or ""
    if lang != "en" and root.endswith(f"/{lang}/"):
        root = root[: -len(f"{lang}/")]
    config["extra"]["site_root"] = root
    try:
        path = glossary.write_abbreviations(lang)
    except Exception as err:  # a DataError names the file, the term and the rule
        raise PluginError(str(err)) from None
    config["mdx_configs"]["pymdownx.snippets"] = {
        **config["mdx_configs"].get("pymdownx.snippets", {}),
        "base_path": [str(path.parent)], "auto_append": [path.name], "check_paths": True,
    }
    config["markdown_extensions"].append(GlossaryMarkupExtension())


def version_of(config) -> str:
    """The version mike deploys ("" in a plain build). `!ENV` reads 2026-08-20 as a date: made text."""
    return str(config["extra"].get("report_version") or "")


def edition_of(config, ctx: dict) -> dict[str, Any]:
    """The edition being built, checked against the version mike deploys it as."""
    ident = ctx["publishing"]["edition"]
    deployed = version_of(config)
    if deployed and deployed != ident["version"]:
        raise PluginError(f"the pages' data are of edition '{ident['version'] or 'working'}' but mike deploys them "
                          f"as '{deployed}': build the data with `--as-of` the edition's date")
    return ident


def here(config) -> str:
    """Where this build's pages are served: the dated edition under mike, else site_url."""
    lang = config["theme"]["language"]
    version = version_of(config)
    if version:
        return citation.edition_url(config["extra"]["site_root"], lang, version)
    url = config["site_url"] or ""
    return url if url.endswith("/") else url + "/"


def pdf_name(config, ident: dict) -> str:
    return f"deepseek-shock-checked-{ident['version'] or 'working'}-{config['theme']['language']}.pdf"


# ------------------------------------------------------------------ each page

def up(page) -> str:
    """The relative path from a page's URL to its site's root."""
    return "../" * page.url.count("/")


def newest_fact(markdown: str, ctx: dict) -> tuple[str, str] | None:
    """(fact id, ISO date) of the newest fact any figure on the page rests on."""
    table = ctx["publishing"]["newest_fact"]
    found: list[list[str]] = [table[r] for r in set(_REF.findall(markdown)) if r in table]
    if not found:
        return None
    fact_id, day = max(found, key=lambda x: (x[1], x[0]))
    return fact_id, day


def asof_line(markdown: str, page, config, ctx: dict, ident: dict) -> str:
    lang = ctx["lang"]
    label = html.escape(ident["label"][lang])
    edition = (f'<span class="v v-text" data-ref="edition:{html.escape(ident["version"])}">{label}</span>'
               if ident["version"] else label)
    fact = newest_fact(markdown, ctx)
    prices = ctx["v"]["edition_prices_date"]
    if fact:
        span = f'<span class="v" data-ref="fact:{html.escape(fact[0])}">{html.escape(fmt.date(fact[1], lang))}</span>'
        text = _w(lang, "asof.line", edition=edition, prices=prices, fact=span)
    else:
        text = _w(lang, "asof.line_no_fact", edition=edition, prices=prices)
    if config["extra"].get("pdf"):
        href = html.escape(up(page) + pdf_name(config, ident))
        text += (f'<span class="report-asof__pdf"> · <a href="{href}" type="application/pdf" download>'
                 f'{html.escape(_w(lang, "asof.pdf"))}</a></span>')
    return f'<p class="report-asof">{text}</p>'


def page_markdown(markdown: str, page, config, ctx: dict) -> str:
    """The rendered page with its as-of line, the edition's address and its share card."""
    ident = edition_of(config, ctx)
    lang = ctx["lang"]
    m = _H1.search(markdown)
    if m is None:
        raise PluginError(f"{page.file.src_uri}: a page needs a '# ' title for its edition line")
    line = asof_line(markdown, page, config, ctx, ident)
    markdown = markdown[: m.end()] + "\n\n" + line + "\n" + markdown[m.end():]
    version_url = (citation.edition_url(config["extra"]["site_root"], lang, ident["version"])
                   if ident["version"] else here(config))
    feed = up(page) + ("../" if version_of(config) else "") + feed_mod.FEED_NAME
    markdown = citation.fill(markdown, version_url, feed)
    page.meta["report_share"] = {**share_meta(page, config, ctx, ident, _TAGS.sub("", m.group(1)).strip()),
                                 "feed": feed, "feed_title": _w(lang, "feed.title")}
    return markdown


def share_meta(page, config, ctx: dict, ident: dict, title: str) -> dict[str, str]:
    lang = ctx["lang"]
    stem = PurePosixPath(page.file.src_uri).with_suffix("").as_posix()
    names = page.meta.get("share_figure") or []
    names = [names] if isinstance(names, str) else list(names)
    figure = " / ".join(ctx["raw"][n] for n in names) if names and all(n in ctx["raw"] for n in names) else ""
    description = " ".join(str(page.meta.get("description") or config["site_description"] or "").split())
    label = _w(lang, f"share.pages.{stem}") if figure else description
    edition = _w(lang, "share.edition", edition=ident["label"][lang], date=ctx["raw"]["edition_prices_date"])
    _state.cards[stem] = {"lang": lang, "site": config["site_name"], "title": title, "figure": figure,
                          "label": label, "edition": edition}
    base = here(config)
    return {"title": title, "description": description, "url": base + page.url,
            "image": f"{base}{SHARE_DIR}/{stem}.png", "locale": LOCALE[lang],
            "image_alt": _w(lang, "share.alt", title=title, figure=figure, label=label) if figure
            else _w(lang, "share.alt_no_figure", title=title, label=label)}


# ------------------------------------------------------------------ after the build

def post_build(config, ctx: dict) -> None:
    from . import share_image

    site = Path(config["site_dir"])
    lang = config["theme"]["language"]
    ident = edition_of(config, ctx)
    for stem, card in sorted(_state.cards.items()):
        share_image.write(share_image.Card(**card), site / SHARE_DIR / f"{stem}.png", BUILD / "share-cache" / lang)
    if not version_of(config):
        write_feed(site, lang, config["extra"]["site_root"])
    if config["extra"].get("pdf"):
        print_pdf(site, config, ctx, ident)


def write_feed(site: Path, lang: str, site_root: str) -> Path:
    """A plain build's feed: every edition of the list, with the records this build computed."""
    from .sections.edition import listed_editions

    path = generated_dir(lang) / "data" / "editions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    records = {r["version"]: r for r in data["editions"]}
    out = site / feed_mod.FEED_NAME
    out.write_bytes(feed_mod.atom(feed_mod.entries_for(listed_editions(), records), lang, site_root))
    return out


def print_pdf(site: Path, config, ctx: dict, ident: dict) -> Path:
    from . import pdf
    from .theme_css import THEME_CSS

    lang = ctx["lang"]
    pages = []
    for item in config["nav"] or []:
        for src in item.values() if isinstance(item, dict) else [item]:
            stem = PurePosixPath(src).with_suffix("").as_posix()
            pages.append("" if stem == "index" else f"{stem}/")
    base = here(config)
    cited = citation.edition_url(config["extra"]["site_root"], lang, ident["version"]) if ident["version"] else base
    job = pdf.Job(site_dir=site, pages=tuple(pages), stylesheets=(THEME_CSS, *config["extra_css"]), lang=lang,
                  title=config["site_name"],
                  cover=_w(lang, "pdf.cover", edition=ident["label"][lang], date=ctx["raw"]["edition_prices_date"]),
                  address=_w(lang, "pdf.address", url=cited), public_base=base, day=ident["as_of"])
    try:
        return pdf.print_report(job, site / pdf_name(config, ident))
    except pdf.PrintError as err:
        raise PluginError(f"PDF of the {lang} report: {err}") from None
