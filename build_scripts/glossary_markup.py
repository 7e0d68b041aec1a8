"""Where glossary terms get their hover definitions: in running text, once per section.

Material's abbreviations come from Python-Markdown's `abbr` extension, which marks every
occurrence of every defined spelling, everywhere. That does not suit this report:

- inside tables an `<abbr>` and its dotted underline widen dense cells, and in code, links,
  headings and summaries a mark is noise or gets in the way of the control;
- a term marked ten times in a paragraph reads as clutter: the first use in each section (each
  part under an `h2`) is marked, which is where a reader meets it;
- the extension finds terms at word boundaries, and in Japanese there are none between a term
  and the text around it (「KVキャッシュを」), so Japanese terms would never be found. Here a term
  only may not continue a Latin word or number (`RL` is not marked inside `URL`).

This replaces the extension's tree step and keeps its definitions (the `*[form]: text` lines that
pymdownx.snippets appends to every page). A marked term is focusable, so the theme's tooltip shows
for keyboard readers too.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

SKIP = {"code", "pre", "kbd", "samp", "a", "abbr", "table", "script", "style", "svg", "button", "summary",
        "h1", "h2", "h3", "h4", "h5", "h6"}
SECTION = {"h1", "h2"}  # a new section: every term may be marked once more
EDGE = "A-Za-z0-9_"


class GlossaryMarks(Treeprocessor):
    def __init__(self, md: Markdown, abbrs: dict[str, str]) -> None:
        super().__init__(md)
        self.abbrs = abbrs  # shared with the abbr extension's block step, which fills it

    def run(self, root: ET.Element) -> None:
        forms = sorted((f for f, title in self.abbrs.items() if title), key=len, reverse=True)
        if not forms:
            return
        self.pattern = re.compile(rf"(?<![{EDGE}])(?:{'|'.join(map(re.escape, forms))})(?![{EDGE}])")
        self.seen: set[str] = set()  # definitions already marked in this section (one per term)
        self.walk(root)

    def walk(self, el: ET.Element) -> None:
        children = list(el)
        el.text = self.mark(el.text, el, 0)
        for child in children:
            if child.tag in SECTION:
                self.seen.clear()
            if child.tag not in SKIP:
                self.walk(child)
            child.tail = self.mark(child.tail, el, list(el).index(child) + 1)

    def mark(self, text: str | None, parent: ET.Element, index: int) -> str | None:
        """Mark the first unseen terms in `text`, inserting `<abbr>` elements into `parent` at `index`."""
        if not text or isinstance(text, AtomicString):
            return text
        pieces: list[tuple[str, str]] = []  # (term, text after it) for each mark, in order
        head, pos = None, 0
        for m in self.pattern.finditer(text):
            title = self.abbrs[m.group(0)]
            if title in self.seen:
                continue
            self.seen.add(title)
            if head is None:
                head = text[:m.start()]
            else:
                pieces[-1] = (pieces[-1][0], text[pos:m.start()])
            pieces.append((m.group(0), ""))
            pos = m.end()
        if head is None:
            return text
        pieces[-1] = (pieces[-1][0], text[pos:])
        for offset, (term, tail) in enumerate(pieces):
            abbr = ET.Element("abbr", {"title": self.abbrs[term], "tabindex": "0"})
            abbr.text = AtomicString(term)
            abbr.tail = tail
            parent.insert(index + offset, abbr)
        return head


class GlossaryMarkupExtension(Extension):
    """Load after `abbr`: takes over its tree step and keeps the definitions it collects."""

    def extendMarkdown(self, md: Markdown) -> None:
        if "abbr" not in md.treeprocessors:
            raise ValueError("the glossary marks need the 'abbr' extension (markdown_extensions in mkdocs.yml)")
        abbrs = md.treeprocessors["abbr"].abbrs
        md.treeprocessors.deregister("abbr")
        # Where abbr ran: after inline Markdown (20), before the table of contents (5).
        md.treeprocessors.register(GlossaryMarks(md, abbrs), "glossary_marks", 7)
