"""Page rendering: Markdown pages are Jinja2 templates filled with the build's values.

The build writes one context file per language (values as HTML spans, chart and table snippets).
The MkDocs hook renders each page from it with `StrictUndefined`, so a page that names a value the
build did not produce fails the build instead of printing a blank.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from .charts.render import Chart
from .paths import BUILD, DOCS, GENERATED
from .tables import Table
from .values import Values

WORDS = {
    "download": {"en": "Download data (CSV)", "ja": "データをダウンロード（CSV）"},
    # Before the download link: a space in English; none in Japanese, where the style sheet sets the gap.
    "gap": {"en": " ", "ja": ""},
}


def context_path(lang: str, build_dir: Path = BUILD) -> Path:
    return build_dir / "context" / f"{lang}.json"


def chart_snippet(chart: Chart, lang: str) -> str:
    """The figure: its title above the image (it names the figure), source and download below."""
    words = chart.text(lang)
    alt = words["alt"].replace("[", "(").replace("]", ")").replace("\n", " ")
    base = f"{{root}}{GENERATED}"
    title, source = html.escape(words["title"], quote=False), html.escape(words["source"], quote=False)
    return (
        f'<figure class="chart" id="chart-{chart.id}" aria-labelledby="chart-{chart.id}-title" markdown>\n'
        f'<p class="chart-title" id="chart-{chart.id}-title">{title}</p>\n'
        f"![{alt}]({base}/charts/{chart.id}-light.svg#only-light){{ loading=lazy }}\n"
        f"![{alt}]({base}/charts/{chart.id}-dark.svg#only-dark){{ loading=lazy }}\n"
        f"<figcaption markdown>{source}{WORDS['gap'][lang]}"
        f"[{WORDS['download'][lang]}]({base}/data/{chart.id}.csv){{ .download }}</figcaption>\n"
        f"</figure>\n"
    )


def table_snippet(table: Table, lang: str) -> str:
    base = f"{{root}}{GENERATED}"
    cls = " ".join(["data-table", *(["sortable"] if table.sortable else []), *(["wrap"] if table.wrap else [])])
    return (
        f'<div class="{cls}" id="table-{table.id}" data-ref="table:{table.id}" markdown>\n\n'
        f"{table.markdown(lang)}\n\n"
        f"</div>\n"
        # The caption is Markdown, so MkDocs resolves (and checks) the download link per page.
        f'<p class="table-caption" id="table-{table.id}-caption" markdown>**{table.caption[lang]}**{WORDS["gap"][lang]}'
        f"[{WORDS['download'][lang]}]({base}/data/{table.id}.csv){{ .download }}</p>\n"
    )


_TABLE_MARK = re.compile(r"\[\[table:([a-z0-9-]+)\]\]")


def block_snippet(text: str, tables: dict[str, str]) -> str:
    """A block assembled in Python, with each `[[table:ID]]` replaced by that table's snippet."""
    def one(m: re.Match[str]) -> str:
        if m.group(1) not in tables:
            raise PageError(f"block names unknown table '{m.group(1)}'")
        return tables[m.group(1)]

    return _TABLE_MARK.sub(one, text)


def build_context(values: Values, charts: list[Chart], tables: list[Table], lang: str,
                  extra: dict[str, Any], blocks: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    table_html = {t.id: table_snippet(t, lang) for t in tables}
    return {
        "lang": lang,
        "v": {name: val.html(lang) for name, val in sorted(values.items.items())},
        "raw": {name: val.text(lang) for name, val in sorted(values.items.items())},
        "charts": {c.id: chart_snippet(c, lang) for c in charts},
        "tables": table_html,
        "blocks": {b: block_snippet(text[lang], table_html) for b, text in sorted((blocks or {}).items())},
        **extra,
    }


def write_context(ctx: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(ctx, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != data:
        path.write_text(data, encoding="utf-8")


@cache
def _load(path: Path, mtime: float) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def load_context(lang: str, build_dir: Path = BUILD) -> dict[str, Any]:
    path = context_path(lang, build_dir)
    if not path.exists():
        raise FileNotFoundError(
            f"{path.name}: no page values yet; run `make site` (or `python -m build_scripts data`) first"
        )
    return _load(path, path.stat().st_mtime)


class PageError(Exception):
    pass


_CJK = "\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef"
_ENDS_IN_TEXT = re.compile(rf"(?:[{_CJK}]|</span>)$")
_STARTS_WITH_TEXT = re.compile(rf"^(?:[{_CJK}]|<span class=\"v\")")


def join_cjk_lines(markdown: str) -> str:
    """Join soft line breaks inside Japanese paragraphs, which browsers show as stray spaces.

    Only a line of running text (not a heading, table row or HTML block) that ends in Japanese or a
    printed value is joined to a next line that starts the same way.
    """
    out: list[str] = []
    for line in markdown.split("\n"):
        prev = out[-1] if out else ""
        if (out and _ENDS_IN_TEXT.search(prev) and _STARTS_WITH_TEXT.match(line)
                and not prev.lstrip().startswith(("#", "|", "<div", "<figure", "!", "?"))):
            out[-1] = prev + line
        else:
            out.append(line)
    return "\n".join(out)


def render(markdown: str, ctx: dict[str, Any], depth: int, page: str) -> str:
    """Fill one page. `depth` is how many folders deep the page is, to reach generated files."""
    root = "../" * depth
    # Shared page pieces (for example each section's methods) live outside the MkDocs docs
    # folders, in docs/partials/<lang>/, and are pulled in with {% include "name.md" %}.
    # Sandboxed: a page (or a partial) can print values and call the three snippet functions, but
    # it cannot reach Python objects (`{{ lipsum.__globals__ }}` and the like fail with a named error).
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True,
                               loader=jinja2.FileSystemLoader(DOCS / "partials" / ctx["lang"]))

    def lookup(kind: str, key: str) -> Markup:
        try:
            return Markup(ctx[kind][key].replace("{root}", root))
        except KeyError:
            raise PageError(f"{page}: unknown {kind[:-1]} '{key}'") from None

    names = {k: Markup(v) for k, v in ctx["v"].items()}
    try:
        out = env.from_string(markdown).render(
            v=names, raw=ctx["raw"], lang=ctx["lang"],
            chart=lambda key: lookup("charts", key),
            table=lambda key: lookup("tables", key),
            block=lambda key: lookup("blocks", key),
            **{k: v for k, v in ctx.items() if k not in {"v", "raw", "charts", "tables", "blocks", "lang"}},
        )
        return join_cjk_lines(out) if ctx["lang"] == "ja" else out
    except jinja2.UndefinedError as err:
        raise PageError(f"{page}: {err.message} (every value must come from the build)") from None
    except jinja2.TemplateNotFound as err:
        raise PageError(f"{page}: no partial '{err.name}' in docs/partials/{ctx['lang']}/") from None
    except jinja2.TemplateSyntaxError as err:
        raise PageError(f"{page}: line {err.lineno}: {err.message}") from None
    except SecurityError as err:
        raise PageError(f"{page}: the template tried something pages may not do ({err}); pages only print "
                        "values and charts, tables and blocks") from None
