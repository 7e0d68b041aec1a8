"""The one chart style: fonts, colours for light and dark pages, and byte-stable SVG output.

Each chart is drawn twice, once per colour scheme, because a single SVG cannot both keep dark
text readable on a light page and light text readable on a dark one. Text is converted to paths
(`svg.fonttype: path`) so Japanese labels look the same in every browser without web fonts.
"""

from __future__ import annotations

import importlib.util
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

JA_FONT = "IPAexGothic"
EN_FONT = "DejaVu Sans"


@dataclass(frozen=True)
class Palette:
    name: str
    text: str
    muted: str
    grid: str
    # Categorical colours chosen to stay distinct for common colour-vision deficiencies
    # (Okabe–Ito order) and to keep ≥ 3:1 contrast against the page background.
    series: tuple[str, ...]
    accent: str
    negative: str
    positive: str


LIGHT = Palette(
    "light", text="#1f2328", muted="#57606a", grid="#d0d7de",
    series=("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#6e7781"),
    accent="#0072B2", negative="#B42318", positive="#1A7F37",
)
DARK = Palette(
    "dark", text="#e6edf3", muted="#9da7b3", grid="#3d444d",
    series=("#56B4E9", "#F0A35E", "#3FD0A4", "#E59CC8", "#F5C24C", "#8FD3FF", "#9da7b3"),
    accent="#56B4E9", negative="#FF7B72", positive="#56D364",
)
PALETTES = (LIGHT, DARK)


@cache
def ja_font_path() -> Path:
    """The IPAexGothic file shipped inside the matplotlib-fontja wheel (no system font needed).

    Located without importing the package, whose import switches every chart's font globally.
    """
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib-fontja is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "ipaexg.ttf"
    font_manager.fontManager.addfont(str(path))
    return path


def rc(lang: str, palette: Palette, salt: str) -> dict[RcKeyType, Any]:
    ja_font_path()
    fonts = [JA_FONT, EN_FONT] if lang == "ja" else [EN_FONT, JA_FONT]
    return {
        "font.family": "sans-serif",
        "font.sans-serif": fonts,
        "font.size": 11.5,
        "axes.titlesize": 12.5,
        "axes.labelsize": 11.5,
        "axes.edgecolor": palette.grid,
        "axes.labelcolor": palette.text,
        "axes.facecolor": "none",
        "figure.facecolor": "none",
        "savefig.facecolor": "none",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": palette.grid,
        "grid.linewidth": 0.6,
        "xtick.color": palette.muted,
        "ytick.color": palette.muted,
        "xtick.labelcolor": palette.text,
        "ytick.labelcolor": palette.text,
        "text.color": palette.text,
        "legend.frameon": False,
        "svg.fonttype": "path",
        "svg.hashsalt": salt,
        "axes.unicode_minus": True,
        "path.simplify": True,
        # Labels are plain text: "$100" is a price, never the start of a formula.
        "text.parse_math": False,
    }


ROLES = ("text", "muted", "grid", "accent", "negative", "positive")


def colour(pal: Palette, role: str) -> str:
    """A palette colour by role ("accent", "negative" …) or by series index ("series:2"), so a
    spec names colours that work in both schemes."""
    if role.startswith("series:"):
        return pal.series[int(role.split(":", 1)[1]) % len(pal.series)]
    if role in ROLES:
        return str(getattr(pal, role))
    raise ValueError(f"unknown colour role '{role}' (use one of {', '.join(ROLES)} or series:N)")


def svg_bytes(fig: plt.Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return buf.getvalue()
