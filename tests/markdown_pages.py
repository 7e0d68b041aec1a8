"""Page Markdown to HTML as MkDocs turns it, with the Markdown extensions named in mkdocs.yml, for
tests that check what data text becomes on a page without building the site."""

from __future__ import annotations

from functools import cache

import markdown
import yaml
from bs4 import BeautifulSoup

from build_scripts.paths import ROOT


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml with its tags (!ENV, !!python/...) read as nothing: only the extension list matters."""


_ConfigLoader.add_multi_constructor("!", lambda _loader, _suffix, _node: None)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda _loader, _suffix, _node: None)


@cache
def extensions() -> tuple[list[str], dict[str, dict]]:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)  # a SafeLoader
    names, options = ["fenced_code"], {}  # MkDocs adds fenced_code (and toc, tables) to every build
    for item in config["markdown_extensions"]:
        name, opts = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        if name not in names:
            names.append(name)
        if opts:
            options[name] = {k: v for k, v in opts.items() if v is not None}
    return names, options


def to_html(text: str) -> str:
    names, options = extensions()
    return markdown.markdown(text, extensions=names, extension_configs=options)


def soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(to_html(text), "html.parser")
