"""Draw chart specs into SVG files (one per language and colour scheme) plus their CSV.

An SVG is cached under a key made of everything it is drawn from: the spec of its language (kind,
parameters, drawn words, size), its data, and a digest of the whole chart library (every file of
`build_scripts/charts/`, the number formats it uses, and the versions of Matplotlib and the
Japanese font). Change any of them and the chart is redrawn; change nothing and nothing is.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..digest import code_digest
from ..errors import DataError
from . import style
from .kinds import KINDS, MissingWord, Words
from .spec import Chart, ChartWords, per_lang

__all__ = ["Chart", "ChartWords", "draw_svg", "library_digest", "per_lang", "render", "write_if_changed"]

# The code an SVG depends on, relative to the build_scripts package.
LIBRARY = ("charts", "fmt.py")


def library_digest(package: Path | None = None) -> str:
    """sha256 of the chart library's source (every helper, not only the kind a chart names) and of
    the drawing stack's versions."""
    from .. import digest

    parts = [code_digest(LIBRARY) if package is None else _digest_under(package),
             matplotlib.__version__, metadata.version("matplotlib-fontja")]
    return digest.combine(*parts)


def _digest_under(package: Path) -> str:
    h = hashlib.sha256()
    for part in sorted(LIBRARY):
        target = package / part
        for f in sorted(target.rglob("*.py")) if target.is_dir() else [target]:
            h.update(f.relative_to(package).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def chart_key(chart: Chart, lang: str, palette: style.Palette, library: str) -> str:
    h = hashlib.sha256()
    for part in (library.encode(), chart.spec_json(lang).encode(), chart.csv(), lang.encode(), palette.name.encode()):
        h.update(part)
        h.update(b"\0")
    return h.hexdigest()


def draw(chart: Chart, lang: str, palette: style.Palette) -> Figure:
    """The chart as a Matplotlib figure (the caller closes it)."""
    if chart.kind not in KINDS:
        raise ValueError(f"chart '{chart.id}': unknown kind '{chart.kind}' (known: {sorted(KINDS)})")
    words = Words(chart.drawn_words(lang))
    fig, ax = plt.subplots(figsize=chart.size, layout="constrained")
    try:
        KINDS[chart.kind](ax, chart.data, chart.params, words, lang, palette)
    except MissingWord as err:
        plt.close(fig)
        key = f"{chart.words[0]}.{err.args[0]}"
        raise DataError(f"docs/catalog/{lang}/{key.split('.')[0]}.yaml", f"key '{key}'",
                        f"chart '{chart.id}' ({chart.kind}) draws this word but it is missing",
                        hint="add it in both languages") from None
    return fig


def draw_svg(chart: Chart, lang: str, palette: style.Palette) -> bytes:
    salt = f"{chart.id}-{lang}-{palette.name}"
    with plt.rc_context(style.rc(lang, palette, salt)):
        return style.svg_bytes(draw(chart, lang, palette))


def write_if_changed(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def render(chart: Chart, lang: str, out_dir: Path, cache_dir: Path, library: str | None = None) -> int:
    """Write the chart's SVGs and CSV for one language; returns how many SVGs were drawn.

    `cache_dir` holds this language's keys only, so clearing it redraws this language alone."""
    library = library or library_digest()
    drawn = 0
    write_if_changed(out_dir / "data" / f"{chart.id}.csv", chart.csv())
    for palette in style.PALETTES:
        target = out_dir / "charts" / f"{chart.id}-{palette.name}.svg"
        stamp = cache_dir / f"{chart.id}-{palette.name}.key"
        key = chart_key(chart, lang, palette, library)
        if target.exists() and stamp.exists() and stamp.read_text() == key:
            continue
        write_if_changed(target, draw_svg(chart, lang, palette))
        write_if_changed(stamp, key.encode())
        drawn += 1
    return drawn
