"""MkDocs hook: add the generated files to the site and fill each page's placeholders.

Charts, downloads and page values are built into build/ (see paths.py), so docs/ holds only what
authors write. Here they join the site under generated/, and pages are rendered from the values.

After rendering, the hook does at build time what would otherwise cost the reader's phone time
(see page_markup and theme_css): tables arrive wrapped, images sized, the theme's CSS cut down to
what the pages use, and the search index written without escaping every Japanese character.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from build_scripts import grades, publishing
from build_scripts.csp import with_policy
from build_scripts.page_markup import ReportMarkupExtension
from build_scripts.pages import PageError, load_context, render
from build_scripts.paths import generated_root
from build_scripts.theme_css import write_theme_css

# The theme puts `autocomplete` on its two hidden toggles (drawer, search), which HTML allows only
# on text-like inputs. The markup sits outside every template block, so it cannot be overridden
# without copying the whole base template; the exact strings are replaced instead, and a theme
# update that changes them fails the build rather than passing unnoticed.
_TOGGLES = tuple(
    f'<input class="md-toggle" data-md-toggle="{name}" type="checkbox" id="__{name}" autocomplete="off">'
    for name in ("drawer", "search")
)
_pages: list[str] = []


def on_env(env, config, files):
    # The theme's bundle carries a content hash in its name; main.html loads it after the page.
    bundles = [f.src_uri for f in files if PurePosixPath(f.src_uri).match("assets/javascripts/bundle.*.min.js")]
    if len(bundles) != 1:
        raise PluginError(f"expected one theme bundle in assets/javascripts/, found {bundles}")
    env.globals["theme_bundle"] = bundles[0]
    return env


@event_priority(100)  # before mike's plugin adds the version to site_url
def on_config(config):
    """Each language's site lives under its own prefix of the one site root (ja/ for Japanese); the
    header and the outdated-edition banner need the edition's data date; and the Markdown step that
    wraps tables at build time joins the page's extensions."""
    _pages.clear()
    lang = config["theme"]["language"]
    _interface_words(config)
    publishing.configure(config)  # glossary, the site's root (before the language prefix below)
    config["markdown_extensions"].append(ReportMarkupExtension(generated_root(lang)))
    if lang != "en" and config["site_url"] and not config["site_url"].endswith(f"/{lang}/"):
        config["site_url"] = urljoin(config["site_url"], f"{lang}/")
    try:
        config["extra"]["edition_date"] = load_context(lang)["raw"]["as_of_date"]
    except FileNotFoundError:
        config["extra"]["edition_date"] = ""  # mike's own commands load the config without a build
    return config


def _interface_words(config) -> None:
    """The few interface words MkDocs takes from settings rather than from the theme's language (the
    palette toggles, the title of each heading's link) come from the edition's `extra.words.ui`."""
    ui = config["extra"].get("words", {}).get("ui")
    if not ui:
        return
    for scheme, name in zip(config["theme"]["palette"], ui["palette"], strict=True):
        scheme["toggle"]["name"] = name
    config["mdx_configs"].setdefault("toc", {})["permalink_title"] = ui["permalink"]


def on_files(files, config):
    root = generated_root(config["theme"]["language"])
    if not root.exists():
        raise PluginError(f"no generated files in {root}; run `make data` (or `make site`) first")
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        uri = path.relative_to(root).as_posix()
        if files.get_file_from_path(uri) is None:
            files.append(File(uri, str(root), config["site_dir"], config["use_directory_urls"]))
    return files


def on_page_markdown(markdown, page, config, files):
    # Links in Markdown are relative to the source file, so depth counts its folders.
    depth = len(PurePosixPath(page.file.src_uri).parts) - 1
    # MkDocs hands over the page without its front matter; errors name lines of the whole file.
    source = page.file.content_string
    first_line = source[: len(source) - len(markdown)].count("\n") + 1 if source.endswith(markdown) else 1
    lang = config["theme"]["language"]
    try:
        ctx = load_context(lang)
        body = render(markdown, ctx, depth, f"docs/{lang}/{page.file.src_uri}", first_line)
        return publishing.page_markdown(body, page, config, ctx)
    except (PageError, FileNotFoundError) as err:
        raise PluginError(str(err)) from None


def valid_toggles(html: str, where: str) -> str:
    for toggle in _TOGGLES:
        if html.count(toggle) != 1:
            raise PluginError(f"{where}: the theme's toggle markup changed; update _TOGGLES in mkdocs_hook.py")
        html = html.replace(toggle, toggle.replace(' autocomplete="off"', ""))
    return html


def on_post_page(output, page, config):
    output = with_policy(valid_toggles(grades.unfocus_marks_in_links(output), page.file.src_uri))
    _pages.append(output)
    return output


def on_post_template(output_content, template_name, config):
    if template_name.endswith(".html"):
        output_content = with_policy(valid_toggles(output_content, template_name))
        _pages.append(output_content)
    return output_content


def on_post_build(config):
    site = Path(config["site_dir"])
    try:
        write_theme_css(site, _pages)
    except (FileNotFoundError, ValueError) as err:
        raise PluginError(str(err)) from None
    publishing.post_build(config, load_context(config["theme"]["language"]))
    index = site / "search" / "search_index.json"
    if index.exists():
        data = json.loads(index.read_text(encoding="utf-8"))
        index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
