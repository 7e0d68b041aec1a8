"""MkDocs hook: add the generated files to the site and fill each page's placeholders.

Charts, downloads and page values are built into build/ (see paths.py), so docs/ holds only what
authors write. Here they join the site under generated/, and pages are rendered from the values.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import urljoin

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from build_scripts.pages import PageError, load_context, render
from build_scripts.paths import generated_root


@event_priority(100)  # before mike's plugin adds the version to site_url
def on_config(config):
    """Each language's site lives under its own prefix of the one site root (ja/ for Japanese);
    and the header and the outdated-edition banner need the edition's data date."""
    lang = config["theme"]["language"]
    if lang != "en" and config["site_url"] and not config["site_url"].endswith(f"/{lang}/"):
        config["site_url"] = urljoin(config["site_url"], f"{lang}/")
    try:
        config["extra"]["edition_date"] = load_context(lang)["raw"]["as_of_date"]
    except FileNotFoundError:
        config["extra"]["edition_date"] = ""  # mike's own commands load the config without a build
    return config


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
    try:
        return render(markdown, load_context(config["theme"]["language"]), depth, page.file.src_uri)
    except (PageError, FileNotFoundError) as err:
        raise PluginError(str(err)) from None
