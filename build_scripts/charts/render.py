"""Draw declared charts into SVG files (one per language and colour scheme) plus their CSV.

Output is cached by a hash of the chart's data, its drawing code and the style, so a rebuild with
nothing changed redraws nothing.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes

from . import style

Draw = Callable[[Axes, pd.DataFrame, str, style.Palette], None]
STYLE_VERSION = "1"


@dataclass(frozen=True)
class Chart:
    """A chart as data: what it shows, how to draw it, and words for each language."""

    id: str
    data: pd.DataFrame
    draw: Draw
    title: dict[str, str]
    alt: dict[str, str]
    source: dict[str, str]
    size: tuple[float, float] = (6.0, 3.8)
    extra: dict[str, str] = field(default_factory=dict)

    def csv(self) -> bytes:
        return self.data.to_csv(index=False, float_format="%.6g", lineterminator="\n").encode()

    def key(self, lang: str, palette: style.Palette) -> str:
        h = hashlib.sha256()
        for part in (self.csv(), inspect.getsource(self.draw).encode(),
                     inspect.getsource(style).encode(), STYLE_VERSION.encode(),
                     lang.encode(), palette.name.encode(), repr(self.size).encode(),
                     repr(sorted(self.extra.items())).encode()):
            h.update(part)
            h.update(b"\0")
        return h.hexdigest()


def draw_svg(chart: Chart, lang: str, palette: style.Palette) -> bytes:
    salt = f"{chart.id}-{lang}-{palette.name}"
    with plt.rc_context(style.rc(lang, palette, salt)):
        fig, ax = plt.subplots(figsize=chart.size, layout="constrained")
        chart.draw(ax, chart.data, lang, palette)
        return style.svg_bytes(fig)


def write_if_changed(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def render(chart: Chart, lang: str, out_dir: Path, cache_dir: Path) -> int:
    """Write the chart's SVGs and CSV for one language; returns how many SVGs were drawn."""
    drawn = 0
    write_if_changed(out_dir / "data" / f"{chart.id}.csv", chart.csv())
    for palette in style.PALETTES:
        target = out_dir / "charts" / f"{chart.id}-{palette.name}.svg"
        stamp = cache_dir / lang / f"{chart.id}-{palette.name}.key"
        key = chart.key(lang, palette)
        if target.exists() and stamp.exists() and stamp.read_text() == key:
            continue
        write_if_changed(target, draw_svg(chart, lang, palette))
        write_if_changed(stamp, key.encode())
        drawn += 1
    return drawn
