"""Page rendering: Markdown pages are Jinja2 templates filled with the build's values.

The build writes one context file per language (values as HTML spans, chart and table snippets).
The MkDocs hook renders each page from it with `StrictUndefined`, so a page that names a value the
build did not produce fails the build instead of printing a blank.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from . import escape, table_layout
from .catalog import word
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
    """The figure: its title above the image (it names the figure), source and download below.
    Its words are catalog entries filled with data (names, dates), so each enters as text."""
    words = chart.text(lang)
    alt, title, source = (escape.text(words[k]) for k in ("alt", "title", "source"))
    base = f"{{root}}{GENERATED}"
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
    """A table, its caption and download, laid out for phones as the table's spec says (`phone`,
    `summary`, `fold`; see data/table_layouts.yaml): a summary table keeps its full table in a
    closed block below it, and a folded table sits in a closed block with a one-line summary."""
    table = table_layout.apply(table)
    base = f"{{root}}{GENERATED}"
    caption = escape.text(table.caption[lang])
    gap = WORDS["gap"][lang]  # Japanese sets no space before the download link
    download = f"[{WORDS['download'][lang]}]({base}/data/{table.id}.csv){{ .download }}"

    def grid(t: Table, ident: str) -> str:
        cls = " ".join(["data-table", f"phone-{t.phone}", *(["sortable"] if t.sortable else []),
                        *(["wrap"] if t.wrap else [])])
        return (f'<div class="{cls}" id="{ident}" data-ref="table:{table.id}" markdown>\n\n'
                f"{t.markdown(lang)}\n\n</div>\n")

    def count(n: int) -> str:
        return f'<span class="v" data-ref="table:{table.id}">{n}</span>'

    # The caption is Markdown, so MkDocs resolves (and checks) the download link per page.
    def caption_line(ident: str, words: str = caption) -> str:
        return f'<p class="table-caption" id="{ident}" markdown>**{words}**{gap}{download}</p>\n'

    rows, cols = len(table.data), len(table.columns)
    if table.phone == "summary":
        full = replace(table, phone="sticky")
        words = word(lang, "common.table.full", rows=count(rows), columns=count(cols))
        summary = table.summary_table()
        return (grid(summary, f"table-{table.id}-summary")
                + caption_line(f"table-{table.id}-summary-caption", escape.text(summary.caption[lang]))
                + f'<details class="table-fold" markdown>\n<summary>{words}</summary>\n\n'
                + grid(full, f"table-{table.id}") + caption_line(f"table-{table.id}-caption")
                + "\n</details>\n")
    if table.fold:
        words = word(lang, "common.table.rows", rows=count(rows))
        return (f'<details class="table-fold" markdown>\n<summary><span class="table-fold__title" '
                f'id="table-{table.id}-caption">{caption}</span>{gap}{words}</summary>\n\n'
                + grid(table, f"table-{table.id}")
                + f'<p class="table-caption" markdown>{download}</p>\n\n</details>\n')
    return grid(table, f"table-{table.id}") + caption_line(f"table-{table.id}-caption")


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
def _load(path: Path, _mtime: float) -> dict[str, Any]:
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


def render(markdown: str, ctx: dict[str, Any], depth: int, page: str, first_line: int = 1) -> str:
    """Fill one page. `depth` is how many folders deep the page is, to reach generated files;
    `first_line` is the line of the file `markdown` starts on (after any front matter), so an error
    names the line an author sees."""
    root = "../" * depth
    # Shared page pieces (for example each section's methods) live outside the MkDocs docs
    # folders, in docs/partials/<lang>/, and are pulled in with {% include "name.md" %}.
    # Sandboxed: a page (or a partial) can print values and call the three snippet functions, but
    # it cannot reach Python objects (`{{ lipsum.__globals__ }}` and the like fail with a named error).
    # Whatever a page prints that is not markup the build made (a `raw` value, text from anywhere)
    # is escaped as text; a link target from data goes through `| url`.
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True,
                               loader=jinja2.FileSystemLoader(DOCS / "partials" / ctx["lang"]),
                               finalize=escape.text)
    env.filters["url"] = escape.url

    def lookup(kind: str, key: str) -> Markup:
        try:
            return Markup(ctx[kind][key].replace("{root}", root))
        except KeyError:
            raise _Unknown(f"unknown {kind[:-1]} '{key}'") from None

    def chart(key: str) -> Markup:
        return lookup("charts", key)

    def table(key: str) -> Markup:
        return lookup("tables", key)

    def block(key: str) -> Markup:
        return lookup("blocks", key)

    for f in (chart, table, block):
        f.__qualname__ = f.__name__  # an error message names `chart()`, as the page writes it
    names = {k: Markup(v) for k, v in ctx["v"].items()}
    try:
        out = env.from_string(markdown).render(
            v=names, raw=ctx["raw"], lang=ctx["lang"], chart=chart, table=table, block=block,
            **{k: v for k, v in ctx.items() if k not in {"v", "raw", "charts", "tables", "blocks", "lang"}},
        )
    except jinja2.TemplateSyntaxError as err:
        where = (f"{page}: line {err.lineno + first_line - 1}" if err.filename is None
                 else f"{page}: partial {Path(err.filename).name}: line {err.lineno}")
        raise PageError(f"{where}: {err.message}") from None
    except Exception as err:  # whatever a template does wrong is reported by page and line
        raise PageError(f"{_where(err, page, first_line)}: {_reason(err, ctx['lang'])}") from None
    return join_cjk_lines(out) if ctx["lang"] == "ja" else out


class _Unknown(Exception):
    """A page named a chart, table or block the build did not make."""


def _where(err: BaseException, page: str, first_line: int) -> str:
    """The page and line a rendering error happened on (and the partial, if it was in one). Jinja
    reports template code as frames named after the template, with the template's line numbers."""
    where = page
    tb = err.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name == "<template>":
            where = f"{page}: line {tb.tb_lineno + first_line - 1}"
        elif name.endswith(".md"):
            where = f"{where.split(': partial ')[0]}: partial {Path(name).name}: line {tb.tb_lineno}"
        tb = tb.tb_next
    return where


def _reason(err: Exception, lang: str) -> str:
    if isinstance(err, jinja2.UndefinedError):
        return f"{err.message} (every value must come from the build)"
    if isinstance(err, jinja2.TemplateNotFound):
        return f"no partial '{err.name}' in docs/partials/{lang}/"
    if isinstance(err, SecurityError):
        return (f"the template tried something pages may not do ({err}); pages only print values and "
                "charts, tables and blocks")
    if isinstance(err, _Unknown):
        return str(err)
    return (f"{type(err).__name__}: {err} (a page prints values, {{{{ v.name }}}}, and calls chart(\"id\"), "
            "table(\"id\") or block(\"id\"))")
