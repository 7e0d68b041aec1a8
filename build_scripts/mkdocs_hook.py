"""MkDocs hook: fill each page's Jinja2 placeholders from the build's values (see pages.py)."""

from __future__ import annotations

from pathlib import PurePosixPath

from mkdocs.exceptions import PluginError

from build_scripts.pages import PageError, load_context, render


def on_page_markdown(markdown, page, config, files):
    # Links in Markdown are relative to the source file, so depth counts its folders.
    depth = len(PurePosixPath(page.file.src_uri).parts) - 1
    try:
        return render(markdown, load_context(config["theme"]["language"]), depth, page.file.src_uri)
    except (PageError, FileNotFoundError) as err:
        raise PluginError(str(err)) from None
