"""Checks on a drawn chart that a reader would notice: labels that run into each other.

Tick labels of one axis, annotations and legend entries are compared box by box after the figure
is laid out. An SVG scales as a whole, so two labels apart at the drawn size stay apart at phone
width (390 px), and two that touch touch there too.
"""

from __future__ import annotations

from itertools import combinations

import matplotlib.pyplot as plt
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from . import style
from .render import draw
from .spec import Chart

# Boxes may touch by this much (pixels at 100 dpi) before they count as colliding: glyph boxes
# include some empty space around the letters.
SLACK = 1.0


def _boxes(texts: list[Text], renderer: RendererBase) -> list[tuple[str, Bbox]]:
    out = []
    for t in texts:
        if t.get_visible() and t.get_text().strip():
            # The text's own box: an annotation's box would include its arrow.
            out.append((t.get_text(), Text.get_window_extent(t, renderer)))
    return out


def _touch(a: Bbox, b: Bbox) -> bool:
    return (a.x0 + SLACK < b.x1 and b.x0 + SLACK < a.x1) and (a.y0 + SLACK < b.y1 and b.y0 + SLACK < a.y1)


def collisions(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of labels whose boxes overlap: within one axis's tick labels, and among the
    annotations, tick labels and legend entries of each plot."""
    fig.canvas.draw()
    # The Agg canvas that draws it has a renderer; the base canvas class does not declare one.
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    found = []
    for ax in fig.axes:
        ticks = [ax.get_xticklabels(), ax.get_yticklabels()]
        for group in ticks:
            for (ta, a), (tb, b) in combinations(_boxes(list(group), renderer), 2):
                if _touch(a, b):
                    found.append((ta, tb))
        legend = ax.get_legend()
        notes = _boxes(list(ax.texts), renderer)
        others = _boxes([*ticks[0], *ticks[1], *(legend.get_texts() if legend else [])], renderer)
        for (ta, a), (tb, b) in combinations(notes, 2):
            if _touch(a, b):
                found.append((ta, tb))
        for ta, a in notes:
            for tb, b in others:
                if _touch(a, b):
                    found.append((ta, tb))
    return found


def chart_collisions(chart: Chart, lang: str, palette: style.Palette = style.LIGHT) -> list[tuple[str, str]]:
    with plt.rc_context(style.rc(lang, palette, chart.id)):
        fig = draw(chart, lang, palette)
        try:
            return collisions(fig)
        finally:
            plt.close(fig)
