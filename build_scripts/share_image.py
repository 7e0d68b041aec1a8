"""The preview image a page shows when it is shared (Open Graph, Twitter cards): 1200×630 PNG.

Drawn with the report's own chart style (fonts, colours) from the page's title and its headline
figure, at build time and without the network. The same inputs give the same bytes: Agg draws
deterministically and the PNG carries no software or time stamp. Images are kept in a cache keyed
by their inputs and the drawing code, so an unchanged rebuild draws nothing.
"""

from __future__ import annotations

import hashlib
import io
import textwrap
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import matplotlib

from .charts import style

WIDTH, HEIGHT, DPI = 1200, 630, 100
MARGIN = 0.06  # of the width, on the left and right
# Characters per line at each text size (a Japanese character is about as wide as two Latin ones).
TITLE_CHARS = {"en": 34, "ja": 17}
LABEL_CHARS = {"en": 60, "ja": 31}
LATIN_WIDTH = 0.55  # a Latin letter or digit, in widths of a Japanese character
_NO_LINE_START = "、。，．・：；？！）」』】〉》ー々"


@dataclass(frozen=True)
class Card:
    """What one page's image shows."""

    lang: str
    site: str
    title: str
    figure: str  # the headline figure as printed on the page ("" for none)
    label: str  # what the figure is
    edition: str  # the edition and its data date

    def key(self) -> str:
        h = hashlib.sha256()
        for part in (self.lang, self.site, self.title, self.figure, self.label, self.edition, code_digest()):
            h.update(part.encode("utf-8") + b"\0")
        return h.hexdigest()


def code_digest() -> str:
    h = hashlib.sha256()
    for path in (Path(__file__), Path(style.__file__)):
        h.update(path.read_bytes())
    h.update(matplotlib.__version__.encode() + metadata.version("matplotlib-fontja").encode())
    return h.hexdigest()


def wrap(text: str, width: int, lang: str, max_lines: int) -> list[str]:
    """Lines of at most `width` characters: at spaces in English, anywhere in Japanese except before
    closing punctuation. A text longer than `max_lines` ends in an ellipsis."""
    if lang == "ja":
        lines: list[str] = []
        line, used = "", 0.0
        for ch in text:
            w = LATIN_WIDTH if ch.isascii() else 1.0
            if used + w > width and ch not in _NO_LINE_START:
                lines.append(line)
                line, used = "", 0.0
            line += ch
            used += w
        lines += [line] if line else []
    else:
        lines = textwrap.wrap(text, width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip()[: width - 1] + "…"
    return lines


def draw(card: Card) -> bytes:
    """The card as PNG bytes."""
    import matplotlib.pyplot as plt

    pal = style.LIGHT
    rc = style.rc(card.lang, pal, salt=card.key()[:16])
    rc.update({"figure.facecolor": "#ffffff", "savefig.facecolor": "#ffffff", "axes.grid": False})
    with plt.rc_context(rc):
        fig = plt.figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
        try:
            fig.add_artist(matplotlib.patches.Rectangle((0, 0.955), 1, 0.045, transform=fig.transFigure,
                                                       facecolor=pal.accent, edgecolor="none"))
            fig.text(MARGIN, 0.87, card.site, fontsize=20, color=pal.muted, va="top")
            title = wrap(card.title, TITLE_CHARS[card.lang], card.lang, 2)
            # IPAexGothic has one weight; asking it for bold only makes Matplotlib warn.
            weight = "normal" if card.lang == "ja" else "bold"
            fig.text(MARGIN, 0.76, "\n".join(title), fontsize=40, fontweight=weight, color=pal.text,
                     va="top", linespacing=1.15)
            top = 0.76 - 0.135 * len(title) - 0.04
            if card.figure:
                fig.text(MARGIN, top, card.figure, fontsize=80, fontweight=weight, color=pal.accent, va="top")
                top -= 0.22
            label = wrap(card.label, LABEL_CHARS[card.lang], card.lang, 2)
            fig.text(MARGIN, top, "\n".join(label), fontsize=24, color=pal.text, va="top", linespacing=1.2)
            fig.text(MARGIN, 0.06, card.edition, fontsize=17, color=pal.muted, va="bottom")
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
        finally:
            plt.close(fig)
    return buf.getvalue()


def write(card: Card, dest: Path, cache_dir: Path) -> bool:
    """Write the card's PNG to `dest`, drawing it only if the cache has no copy. True if drawn."""
    cached = cache_dir / f"{card.key()}.png"
    drawn = not cached.exists()
    if drawn:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_bytes(draw(card))
        tmp.replace(cached)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(cached.read_bytes())
    return drawn
