"""Page markup done at build time that the theme would otherwise do in the reader's browser.

Material wraps every table in a scroll box from JavaScript after the page has loaded, which costs
the phone a long task and a relayout. Here the Markdown tree gets that markup directly:

- each table sits in the theme's scroll box, which is focusable and named after the table's
  caption (or the heading above it), so keyboard and screen-reader users can scroll it;
- tables are marked with `TABLE_CLASS`, so the theme's script leaves them alone (its CSS is
  retargeted to the mark in `theme_css`);
- long tables are laid out only when they scroll into view (`content-visibility` in report.css)
  and stay out of the search index, which they would otherwise dominate;
- in a table laid out as cards on phones (`phone-cards`), every cell carries its column's header
  as `data-label`, which the phone CSS prints before the cell (no script needed);
- chart images get their width and height from the SVG, so the page does not shift as they load.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

TABLE_CLASS = "report-table"
CARDS_CLASS = "phone-cards"  # a table's wrapper class when it reads as cards on a phone (table_layout)
LONG_TABLE_ROWS = 20  # from this many rows a table is laid out only when it scrolls into view
UNINDEXED_TABLE_ROWS = 100  # from this many rows a table stays out of the search index
# Row height in em of the scroll box's font: cell padding plus lines of the table's smaller text.
CHARS_PER_LINE, ROW_EM, LINE_EM, HEADER_EM = 30, 2.2, 1.4, 4.5
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SVG_SIZE = re.compile(rb'<svg[^>]*?\swidth="([\d.]+)(pt|px)?"[^>]*?\sheight="([\d.]+)(pt|px)?"')
PX_PER = {b"pt": 4 / 3, b"px": 1.0, None: 1.0}


@cache
def svg_size(path: Path) -> tuple[int, int] | None:
    """The (width, height) in CSS pixels of an SVG file, from its root element."""
    try:
        head = path.read_bytes()[:4096]
    except OSError:
        return None
    m = _SVG_SIZE.search(head)
    if not m:
        return None
    return round(float(m[1]) * PX_PER[m[2]]), round(float(m[3]) * PX_PER[m[4]])


def _text_width(cell: ET.Element) -> int:
    """Characters of a cell's text, CJK counted twice (they are about twice as wide)."""
    text = "".join(cell.itertext())
    return len(text) + sum(1 for ch in text if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")


def table_height_em(rows: list[ET.Element]) -> int:
    """A rough height for a table before it is laid out: each row as tall as its longest cell
    needs at about 30 characters a line. The browser keeps the real height once it has one."""
    lines = [max((-(-_text_width(c) // CHARS_PER_LINE) for c in row), default=1) or 1 for row in rows]
    return round(HEADER_EM + sum(ROW_EM + LINE_EM * n for n in lines))


def label_cells(table: ET.Element) -> None:
    """Write each column's header text on the cells below it (`data-label`), for the card layout,
    and hold each cell's content in one element, so the label and the content sit side by side.

    The first cell heads its card without a label, so it carries none; the wrapper is a bare span
    (the phone CSS finds it as the cell's only child). The register of facts has some 2,300 cells,
    so each attribute left out is bytes a phone does not download."""
    heads = ["".join(th.itertext()).strip() for th in table.findall("./thead/tr/th")]
    for row in table.findall("./tbody/tr"):
        for i, (head, cell) in enumerate(zip(heads, row.findall("td"), strict=False)):
            if i:
                cell.set("data-label", head)
            content = ET.Element("span")
            content.text, cell.text = cell.text, None
            for child in list(cell):
                cell.remove(child)
                content.append(child)
            cell.append(content)


class ReportMarkup(Treeprocessor):
    def __init__(self, md: Markdown, files_root: Path) -> None:
        super().__init__(md)
        self.files_root = files_root

    def run(self, root: ET.Element) -> None:
        parent = {child: p for p in root.iter() for child in p}
        for table in list(root.iter("table")):
            if "class" not in table.attrib:
                if self.in_class(table, parent, CARDS_CLASS):
                    label_cells(table)
                self.wrap_table(table, parent)
        for img in root.iter("img"):
            self.size_image(img)

    def wrap_table(self, table: ET.Element, parent: dict[ET.Element, ET.Element]) -> None:
        holder = parent[table]
        index = list(holder).index(table)
        box = ET.Element("div", {"class": "md-typeset__scrollwrap", "tabindex": "0", "role": "region"})
        inner = ET.SubElement(box, "div", {"class": "md-typeset__table"})
        holder.remove(table)
        holder.insert(index, box)
        inner.append(table)
        table.set("class", TABLE_CLASS)
        box.tail, table.tail = table.tail, None
        parent[box] = holder
        label = self.label_for(box, parent)
        if label:
            box.set("aria-labelledby", label)
        rows = table.findall("./tbody/tr")
        if len(rows) >= LONG_TABLE_ROWS:
            box.set("class", box.get("class", "") + " long-table")
            box.set("style", f"--table-height:{table_height_em(rows)}em")
        if len(rows) >= UNINDEXED_TABLE_ROWS:
            # Material's search plugin skips this element and then removes the attribute.
            box.set("data-search-exclude", "long-table")

    @staticmethod
    def label_for(box: ET.Element, parent: dict[ET.Element, ET.Element]) -> str | None:
        """The id of the element that names a table: its report caption, else the nearest heading."""
        node: ET.Element | None = box
        while node is not None:
            ident = node.get("id", "")
            if ident.startswith("table-"):
                return f"{ident}-caption"
            node = parent.get(node)
        # Back through the earlier siblings of the box (then of its ancestors) for a heading.
        node = box
        while node in parent:
            up = parent[node]
            siblings = list(up)
            for prev in reversed(siblings[: siblings.index(node)]):
                if prev.tag in HEADINGS and prev.get("id"):
                    return prev.get("id")
            node = up
        return None

    @staticmethod
    def in_class(node: ET.Element, parent: dict[ET.Element, ET.Element], cls: str) -> bool:
        while node in parent:
            node = parent[node]
            if cls in node.get("class", "").split():
                return True
        return False

    def size_image(self, img: ET.Element) -> None:
        src = img.get("src", "").split("#", 1)[0]
        if not src.endswith(".svg") or "://" in src:
            return
        rel = src
        while rel.startswith("../"):
            rel = rel[3:]
        size = svg_size(self.files_root / rel)
        if size and "width" not in img.attrib:
            img.set("width", str(size[0]))
            img.set("height", str(size[1]))
            img.set("decoding", "async")


class ReportMarkupExtension(Extension):
    """Register with `files_root`, the folder the page's generated files are found under."""

    def __init__(self, files_root: Path) -> None:
        super().__init__()
        self.files_root = files_root

    def extendMarkdown(self, md: Markdown) -> None:
        # After `toc` (priority 5) has given headings their ids; before MkDocs rewrites links (0).
        md.treeprocessors.register(ReportMarkup(md, self.files_root), "report_markup", 4)
