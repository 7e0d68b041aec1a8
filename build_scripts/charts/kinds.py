"""The kinds of chart the report draws, each from a spec's data, parameters and words.

A kind reads only its arguments (never a section, a fact or a global), so the cache key — spec,
data, drawn words and the source of this library — covers everything an SVG depends on.

Parameters are plain data. The recurring ones:
- `label`: a column stem for category labels (`label` reads `label_en` / `label_ja`, or the column
  itself), or `{"format": name}` for a label made from the whole row (`formats.ROW_FORMATS`).
- `colour`: a palette role ("accent", "series:2") or `{"column", "map", "default"}` to colour rows
  by a column's value.
- `axis`: the value axis — `log`, `lim`, `pad`, `log_pad`, fixed `ticks` with a tick `format`, or
  `units` to print ticks in each language's unit (billions in English, 億 in Japanese).
- `legend`: where the legend goes (`loc`: "below" or a Matplotlib location) and what it lists.
Words are catalog entries: `x_label`, `y_label`, `legend.<key>`, `marks.<key>`, `notes.<key>` …
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter, NullLocator

from . import formats
from .style import Palette, colour

Params = Mapping[str, Any]
# A legend entry: one artist, or a container of them (the BarContainer of a bar series).
Handle = Artist | tuple[Artist, ...]


class MissingWord(KeyError):
    """A kind asked for a word the chart's catalog entry does not have."""


class Words(dict[str, str]):
    def __missing__(self, key: str) -> str:
        raise MissingWord(key)


Draw = Callable[[Axes, pd.DataFrame, Params, Words, str, Palette], None]
KINDS: dict[str, Draw] = {}


def kind(name: str) -> Callable[[Draw], Draw]:
    def register(f: Draw) -> Draw:
        KINDS[name] = f
        return f
    return register


# --- shared pieces ------------------------------------------------------------------------------

def rows(data: pd.DataFrame, p: Params) -> pd.DataFrame:
    """The rows a chart shows: `where` keeps, `drop` removes, `sort` orders (stable)."""
    d = data
    for col, val in p.get("where", {}).items():
        d = d[d[col] == val]
    for col, vals in p.get("drop", {}).items():
        d = d[~d[col].isin(vals)]
    if "sort" in p:
        d = d.sort_values(p["sort"]["by"], ascending=p["sort"].get("ascending", True), kind="stable")
    return d.reset_index(drop=True)


def labels(d: pd.DataFrame, spec: str | Mapping[str, str], lang: str, w: Words | None = None) -> list[str]:
    """Category labels: from a column stem, a row format, or words (`{"words": "labels",
    "column": c}` reads `labels.<value>`, so a value without a word is an error, not a blank)."""
    if isinstance(spec, Mapping) and "words" in spec:
        if w is None:
            raise ValueError("labels from words need the chart's words")
        return [w[f"{spec['words']}.{v}"] for v in d[spec["column"]]]
    if isinstance(spec, Mapping):
        f = formats.ROW_FORMATS[spec["format"]]
        return [f(r, lang) for _, r in d.iterrows()]
    col = f"{spec}_{lang}" if f"{spec}_{lang}" in d else spec
    return [str(x) for x in d[col]]


def row_colour(spec: str | Mapping[str, Any] | None, value: object, pal: Palette) -> str:
    if spec is None:
        return colour(pal, "accent")
    if isinstance(spec, str):
        return colour(pal, spec)
    return colour(pal, spec["map"].get(str(value), spec.get("default", "muted")))


def colours(d: pd.DataFrame, spec: str | Mapping[str, Any] | None, pal: Palette) -> list[str]:
    if isinstance(spec, Mapping):
        return [row_colour(spec, v, pal) for v in d[spec["column"]]]
    return [row_colour(spec, None, pal)] * len(d)


def axis_words(ax: Axes, w: Words) -> None:
    if "x_label" in w:
        ax.set_xlabel(w["x_label"])
    if "y_label" in w:
        ax.set_ylabel(w["y_label"])


def _plain(x: float, lang: str) -> str:
    return formats.number(x, lang, 0 if abs(x - round(x)) < 1e-9 else 1)


def scale_axis(ax: Axes, which: str, cfg: Params, values: pd.Series | None, lang: str) -> None:
    """Scale, limits and tick labels of the value axis (see the module docstring)."""
    axis = ax.xaxis if which == "x" else ax.yaxis
    set_lim = ax.set_xlim if which == "x" else ax.set_ylim
    if cfg.get("log"):
        (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    v = values.dropna() if values is not None else pd.Series(dtype=float)
    if "lim" in cfg:
        set_lim(*cfg["lim"])
    elif "pad" in cfg and len(v):
        set_lim(0, float(v.max()) * cfg["pad"])
    elif "log_pad" in cfg and len(v):
        set_lim(float(v.min()) / cfg["log_pad"][0], float(v.max()) * cfg["log_pad"][1])
    if "ticks" in cfg:
        f = {"usd_axis": formats.usd_axis, "number": formats.number}[cfg.get("format", "number")]
        axis.set_major_locator(FixedLocator(cfg["ticks"]))
        axis.set_minor_locator(NullLocator())
        axis.set_major_formatter(FuncFormatter(lambda x, _: f(x, lang)))
    elif "units" in cfg:
        u = cfg["units"]
        axis.set_major_formatter(FuncFormatter(lambda x, _: _plain(x * u["times"] / u[lang], lang)))
    elif cfg.get("log"):
        axis.set_major_formatter(FuncFormatter(lambda x, _: _plain(x, lang)))
        axis.set_minor_formatter(NullFormatter())


def legend(ax: Axes, handles: Sequence[Handle], cfg: Params) -> None:
    kw: dict[str, Any] = {"fontsize": cfg.get("fontsize", 9), "ncols": cfg.get("ncols", 1)}
    for k in ("handletextpad", "columnspacing"):
        if k in cfg:
            kw[k] = cfg[k]
    if cfg.get("loc") == "below":
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, cfg.get("offset", -0.1)), **kw)
    else:
        ax.legend(handles=handles, loc=cfg.get("loc", "best"), **kw)


def category_handles(d: pd.DataFrame, cspec: Mapping[str, Any], cfg: Params, w: Words, lang: str,
                     pal: Palette) -> list[Artist]:
    """One legend entry per category present, in `order`; its label from a data column or a word."""
    col = cfg["column"]
    present = list(dict.fromkeys(d[col]))
    order = [g for g in cfg.get("order", present) if g in present]
    out: list[Artist] = []
    for g in order:
        text = labels(d[d[col] == g].head(1), cfg["label"], lang)[0] if "label" in cfg else w[f"legend.{g}"]
        out.append(Patch(facecolor=row_colour(cspec, g, pal), label=text))
    return out


def value_labels(ax: Axes, y: np.ndarray, vals: pd.Series, cfg: Params | None, lang: str, pal: Palette,
                 horizontal: bool = True) -> None:
    """A printed figure at the end of each bar."""
    if not cfg:
        return
    for pos, v in zip(y, vals, strict=True):
        if pd.isna(v):
            continue
        text = formats.value_text(dict(cfg), v, lang)
        xy, off = ((v, pos), (4, 0)) if horizontal else ((pos, v), (0, 3))
        ax.annotate(text, xy, xytext=off, textcoords="offset points", color=pal.text,
                    va="center" if horizontal else "bottom", ha="left" if horizontal else "center",
                    fontsize=cfg.get("fontsize", 9))


def _month_ticks(start: pd.Timestamp, end: pd.Timestamp, months: Sequence[int]) -> list[pd.Timestamp]:
    days = pd.date_range(start.normalize().replace(day=1), end, freq="MS")
    return [d for d in days if d.month in months and start <= d <= end]


def month_labels(days: Sequence[dt.date], lang: str) -> list[str]:
    """Month ticks that name the year only where it changes (and on the first tick): "Jan 2025",
    "Jul", "Jan 2026" — short enough not to collide at phone width in either language."""
    out, year = [], None
    for d in days:
        out.append(formats.month(d, lang, year=d.year != year))
        year = d.year
    return out


def month_axis(ax: Axes, start: pd.Timestamp, end: pd.Timestamp, months: Sequence[int] | str, lang: str) -> None:
    if isinstance(months, str):
        if months != "auto":
            raise ValueError(f"month ticks '{months}': give 'auto' or a list of months")
        months = (1, 7) if (end - start).days > 400 else (1, 4, 7, 10)
    ticks = _month_ticks(start, end, months)
    ax.xaxis.set_major_locator(FixedLocator([mdates.date2num(t) for t in ticks]))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticks([mdates.date2num(t) for t in ticks], month_labels([t.date() for t in ticks], lang))
    ax.tick_params(axis="x", rotation=0)


# --- bars ----------------------------------------------------------------------------------------

@kind("bars")
def bars(ax: Axes, data: pd.DataFrame, p: Params, w: Words, lang: str, pal: Palette) -> None:
    """Horizontal bars, first row on top: ranked when `sort` is given; one series, or several
    overlaid (`series`: total behind, part in front)."""
    d = rows(data, p)
    y = np.arange(len(d))
    series = p.get("series") or [{"value": p["value"], "colour": p.get("colour")}]
    handles: list[Handle] = []
    values = [d[s["value"]].astype(float) * s.get("times", p.get("times", 1.0)) for s in series]
    for s, v in zip(series, values, strict=True):
        b = ax.barh(y, v.fillna(0).to_numpy(), color=colours(d, s.get("colour"), pal))
        if "legend" in s:
            b.set_label(w[f"legend.{s['legend']}"])
            handles.append(b)
    first = values[0]  # the axis, the printed figures and the notes follow the first series
    ax.set_yticks(y, labels(d, p["label"], lang, w), fontsize=p.get("tick_fontsize"))
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    if p.get("zero_line"):
        ax.axvline(0, color=pal.muted, linewidth=0.8)
    scale_axis(ax, "x", p.get("axis", {}), first, lang)
    value_labels(ax, y, first, p.get("value_text"), lang, pal)
    if "notes" in p:  # a word where a bar has no value ("not back", "data end")
        for i, (v, key) in enumerate(zip(first, d[p["notes"]["column"]], strict=True)):
            if pd.isna(v):
                ax.annotate(w[f"notes.{key}"], (0, i), xytext=(3, 0), textcoords="offset points",
                            va="center", color=pal.negative, fontsize=8)
    axis_words(ax, w)
    if "legend" in p:
        cfg = p["legend"]
        hs = handles if "column" not in cfg else category_handles(d, series[0]["colour"], cfg, w, lang, pal)
        legend(ax, hs, cfg)


@kind("columns")
def columns(ax: Axes, data: pd.DataFrame, p: Params, w: Words, lang: str, pal: Palette) -> None:
    """Vertical bars in data order, coloured by a column (one legend entry per value), with a
    dashed divider and a word where that column changes (before / after an event)."""
    d = rows(data, p)
    x = np.arange(len(d))
    v = d[p["value"]].astype(float) * p.get("times", 1.0)
    cs = p["colour"]
    handles: list[Handle] = []
    for key in dict.fromkeys(d[cs["column"]]):
        m = (d[cs["column"]] == key).to_numpy()
        handles.append(ax.bar(x[m], v[m], color=row_colour(cs, key, pal), label=w[f"legend.{key}"]))
    if "divider" in p:
        side = d[p["divider"]["column"]].tolist()
        for i in range(1, len(side)):
            if side[i] != side[i - 1]:
                edge = i - 0.5
                ax.axvline(edge, color=pal.negative, linestyle="--", linewidth=1)
                ax.annotate(w["marks.divider"], (edge, ax.get_ylim()[1]), xytext=(-4, -4), textcoords="offset points",
                            ha="right", va="top", color=pal.negative, fontsize=9)
    ax.set_xticks(x, labels(d, p["label"], lang), fontsize=p.get("tick_fontsize", 9))
    ax.grid(axis="x", visible=False)
    scale_axis(ax, "y", p.get("axis", {}), v, lang)
    axis_words(ax, w)
    legend(ax, handles, p.get("legend", {"loc": "upper left"}))


@kind("grouped_columns")
def grouped_columns(ax: Axes, data: pd.DataFrame, p: Params, w: Words, lang: str, pal: Palette) -> None:
    """Several series side by side per category; a series may hatch some bars (`hatch`: column,
    value) and the legend then explains the hatching (`legend.hatch`)."""
    d = rows(data, p)
    x = np.arange(len(d))
    width = p.get("width", 0.26)
    n = len(p["series"])
    hatched = False
    for i, s in enumerate(p["series"]):
        vals = d[s["value"]].astype(float).fillna(0).to_numpy()
        bs = ax.bar(x + (i - (n - 1) / 2) * width, vals, width, color=colour(pal, s["colour"]),
                    label=w[f"legend.{s['legend']}"], edgecolor=pal.text, linewidth=0)
        if "hatch" in s:
            hatched = True
            for b, flag in zip(bs, d[s["hatch"]["column"]] == s["hatch"]["equals"], strict=True):
                b.set_hatch("//" if flag else "")
    ticks = labels(d, p["label"], lang)
    if "tick_note" in p:  # e.g. "(FY)" under a company that reports by fiscal year
        cfg = p["tick_note"]
        ticks = [t + ("\n" + w[cfg["word"]] if str(v).startswith(cfg["startswith"]) else "")
                 for t, v in zip(ticks, d[cfg["column"]], strict=True)]
    ax.set_xticks(x, ticks, fontsize=p.get("tick_fontsize", 9))
    ax.grid(axis="x", visible=False)
    scale_axis(ax, "y", p.get("axis", {}), None, lang)
    axis_words(ax, w)
    handles = list(ax.get_legend_handles_labels()[0])
    if hatched:
        handles.append(Patch(facecolor="none", edgecolor=pal.text, hatch="//", label=w["legend.hatch"]))
    legend(ax, handles, p.get("legend", {"loc": "upper left", "fontsize": 8}))


@kind("ranges")
def ranges(ax: Axes, data: pd.DataFrame, p: Params, w: Words, lang: str, pal: Palette) -> None:
    """One row per item: a thick bar from `low` to `high`, or a dot where they are equal, with the
    range printed beside it (`formats.usd_range`)."""
    d = rows(data, p)
    for y, (_, r) in enumerate(d.iterrows()):  # rows() numbers them from 0
        c = row_colour(p.get("colour"), r[p["colour"]["column"]] if isinstance(p.get("colour"), Mapping) else None, pal)
        lo, hi = float(r[p["low"]]), float(r[p["high"]])
        if lo == hi:
            ax.plot([lo], [y], "o", color=c, markersize=8)
        else:
            ax.plot([lo, hi], [y, y], "-", color=c, linewidth=9, solid_capstyle="butt")
        ax.annotate(formats.usd_range(lo, hi, lang), (hi, y), xytext=(7, 0), textcoords="offset points",
                    va="center", color=pal.text, fontsize=9)
    ax.set_yticks(list(range(len(d))), labels(d, p["label"], lang, w))
    ax.set_ylim(len(d) - 0.4, -0.6)
    ax.grid(axis="y", visible=False)
    scale_axis(ax, "x", p.get("axis", {}), None, lang)
    axis_words(ax, w)


# --- lines ---------------------------------------------------------------------------------------

def _marks(ax: Axes, data: pd.DataFrame, cfg: Params | None, p: Params, w: Words, pal: Palette) -> None:
    """Dated events on a line, each with its word and a hand-placed offset (points)."""
    if not cfg:
        return
    marks = rows(data, {"where": cfg["where"]})
    for _, m in marks.iterrows():
        xy = (m[p["x"]], m[p["y"]])
        ax.plot([xy[0]], [xy[1]], "o", color=pal.text, markersize=4)
        dx, dy = cfg.get("offsets", {}).get(str(m[cfg["key"]]), (6, 12))
        ax.annotate(w[f"marks.{m[cfg['key']]}"], xy, xytext=(dx, dy), textcoords="offset points", fontsize=8,
                    color=pal.text, arrowprops={"arrowstyle": "-", "color": pal.muted, "linewidth": 0.6})


def _low_mark(ax: Axes, d: pd.DataFrame, cfg: Params | None, p: Params, w: Words, pal: Palette) -> None:
    """A dot and a word at one series' lowest point."""
    if not cfg:
        return
    part = d[d[p["series"]["column"]] == cfg["series"]]
    if part.empty:
        return
    r = part.loc[part[p["y"]].idxmin()]
    ax.plot([r[p["x"]]], [r[p["y"]]], "o", color=pal.negative, markersize=4)
    ax.annotate(w["marks.low"], (r[p["x"]], r[p["y"]]), xytext=(8, -4), textcoords="offset points",
                color=pal.negative, fontsize=8, va="top")


@kind("lines")
def lines(ax: Axes, data: pd.DataFrame, p: Params, w: Words, lang: str, pal: Palette) -> None:
    """One line per series (`series`: column, order, colours, optional label stem), reference lines
    (`hlines`, `vlines`), event `marks`, a `low_mark`, and month ticks when x is a date (`dates`)."""
    d = rows(data, p)
    s = p["series"]
    for key in s["order"]:
        part = d[d[s["column"]] == key]
        if part.empty:
            continue
        name = labels(part.head(1), s["label"], lang)[0] if "label" in s else str(key)
        ax.plot(part[p["x"]], part[p["y"]], color=colour(pal, s["colours"][key]), linewidth=p.get("linewidth", 1.6),
                label=name)
    for ref in p.get("hlines", []):
        ax.axhline(ref["at"], color=colour(pal, ref.get("colour", "muted")), linewidth=ref.get("width", 0.8),
                   linestyle=ref.get("style", "-"))
    for ref in p.get("vlines", []):
        ax.axvline(ref["at"], color=colour(pal, ref.get("colour", "muted")), linewidth=ref.get("width", 0.8),
                   linestyle=ref.get("style", "-"))
    _marks(ax, data, p.get("marks"), p, w, pal)
    _low_mark(ax, d, p.get("low_mark"), p, w, pal)
    if "pad_bottom" in p:
        y_col: str = p["y"]
        lo, hi = float(d[y_col].min()), float(d[y_col].max())
        ax.set_ylim(bottom=lo - p["pad_bottom"] * (hi - lo))
    if "dates" in p:
        x = pd.to_datetime(d[p["x"]])
        month_axis(ax, x.min(), x.max(), p["dates"], lang)
    axis_words(ax, w)
    legend(ax, ax.get_legend_handles_labels()[0], p.get("legend", {"loc": "upper left"}))


# --- timelines and grids -------------------------------------------------------------------------

@kind("timeline")
def timeline(ax: Axes, data: pd.DataFrame, p: Params, w: Words, lang: str, pal: Palette) -> None:
    """Dated points on rows (one row per category, first on top): others' papers as dots, the
    subject's own as squares, and a diamond when the subject first used it. Points before `start`
    sit on the edge with their year."""
    rc = p["rows"]
    present = list(dict.fromkeys(data[rc["column"]]))
    order = [r for r in rc["order"] if r in present][::-1]
    start, end = pd.Timestamp(p["start"]), pd.Timestamp(p["end"])
    # Matplotlib places dates through its unit converters (a date axis, date ticks); its stubs type
    # positions and limits as numbers only, hence the three ignores below.
    for _, r in data.iterrows():
        y = order.index(r[rc["column"]])
        day, own = pd.Timestamp(r[p["date"]]), bool(r[p["own"]])
        if day < start:
            ax.annotate(f"◀ {day.year}", (start, y), xytext=(2, 7), textcoords="offset points", color=pal.muted,
                        fontsize=8)
            day = start
        ax.plot([day], [y], "s" if own else "o",  # type: ignore[arg-type]
                color=pal.series[1] if own else pal.series[0], markersize=7, alpha=0.9)
        if pd.notna(r[p["used"]]):
            ax.plot([pd.Timestamp(r[p["used"]])], [y], "D", color=pal.text, markersize=7)  # type: ignore[arg-type]
    names = {g: labels(data[data[rc["column"]] == g].head(1), rc["label"], lang)[0] for g in order}
    ax.set_yticks(range(len(order)), [names[g] for g in order])
    ax.set_ylim(-0.6, len(order) - 0.4)
    ax.set_xlim(start, end)  # type: ignore[arg-type]
    ax.grid(axis="y", visible=False)
    handles = [
        Line2D([], [], marker="o", linestyle="", color=pal.series[0], label=w["legend.others"]),
        Line2D([], [], marker="s", linestyle="", color=pal.series[1], label=w["legend.own"]),
        Line2D([], [], marker="D", linestyle="", color=pal.text, label=w["legend.used"]),
    ]
    legend(ax, handles, p.get("legend", {"loc": "below", "ncols": 3, "fontsize": 8}))


@kind("grid")
def grid(ax: Axes, data: pd.DataFrame, p: Params, w: Words, lang: str, pal: Palette) -> None:
    """Rows × dates of categories (a verdict per claim and month-end). Each row is drawn as runs of
    one category, a bar per run, each marked with its category's shape so colour is never the only
    cue. Runs instead of cells keep the SVG small and show at a glance when a verdict moved."""
    row_col: str = p["rows"]
    date_col: str = p["columns"]
    value_col: str = p["value"]
    names: list[str] = list(dict.fromkeys(data[row_col]))
    dates = sorted(data[date_col].unique())
    x_of = {d: i for i, d in enumerate(dates)}
    cmap, dark, shapes = p["colours"], set(p.get("dark_text", [])), p["markers"]
    runs: list[tuple[int, int, int, str]] = []  # (row, first column, last column, category)
    for y, name in enumerate(names):
        row = data[data[row_col] == name].sort_values(date_col)
        categories: list[str] = row[value_col].tolist()
        for x, v in zip((x_of[d] for d in row[date_col]), categories, strict=True):
            if runs and runs[-1][0] == y and runs[-1][3] == v and runs[-1][2] == x - 1:
                runs[-1] = (y, runs[-1][1], x, v)
            else:
                runs.append((y, x, x, v))
    present = [v for v in p["order"] if v in set(data[value_col])]
    first = data.drop_duplicates(value_col).set_index(value_col)
    handles = []
    for v in present:
        mine = [r for r in runs if r[3] == v]
        fill, ink = colour(pal, cmap[v]), (pal.text if v in dark else "#ffffff")
        ax.barh([r[0] for r in mine], [r[2] - r[1] + 0.9 for r in mine], left=[r[1] - 0.45 for r in mine],
                height=0.8, color=fill, linewidth=0)
        mark = shapes[v]
        hollow = mark in ("o", "^", "s", "D")
        centres = ([(r[1] + r[2]) / 2 for r in mine], [r[0] for r in mine])
        paint: dict[str, Any] = {"facecolors": "none", "edgecolors": ink} if hollow else {"c": ink}
        ax.scatter(*centres, marker=mark, s=p.get("mark_size", 30), linewidths=1.2, zorder=3, **paint)
        handles.append(Line2D([], [], linestyle="", marker=mark, markersize=6, markeredgewidth=1.1,
                              color=fill, markerfacecolor="none" if hollow else fill,
                              label=str(first.loc[v, f"{p['legend_label']}_{lang}"])))
    ax.set_xlim(-0.6, len(dates) - 0.4)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ticks = [i for i, d in enumerate(dates) if pd.Timestamp(d).month in p.get("tick_months", (1, 4, 7, 10))]
    ax.set_xticks(ticks, month_labels([pd.Timestamp(dates[i]).date() for i in ticks], lang), fontsize=8)
    ax.tick_params(axis="x", rotation=0, length=0)
    ax.tick_params(axis="y", length=0)
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    axis_words(ax, w)
    legend(ax, handles, p.get("legend", {"loc": "below", "offset": -0.1, "ncols": 3, "fontsize": 8}))


@kind("placeholder")
def placeholder(ax: Axes, _data: pd.DataFrame, _p: Params, w: Words, _lang: str, pal: Palette) -> None:
    """Stands in for a chart whose data do not exist yet on an edition's date."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, w["text"], ha="center", va="center", fontsize=12, color=pal.muted, transform=ax.transAxes)
