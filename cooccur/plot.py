"""Figures for slides and reports: the co-occurrence network, keyword bars, comparisons.

Every function imports matplotlib inside and returns the Figure;
:func:`plot_network`, :func:`plot_keywords` and :func:`plot_attribute_network`
accept ``ax=None`` (draw into an existing axes), while :func:`plot_comparison`
makes its own two-panel figure. Japanese text is drawn with IPAex Gothic shipped by the
``matplotlib-fontja`` dependency, so figures render identically on machines
without Japanese fonts. The look follows KH Coder's co-occurrence network
(bubble area proportional to frequency, communities in colour, dashed edges
between communities), with labels placed by :mod:`cooccur.labels`
so they never overlap each other or the bubbles and never leave the canvas.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Literal

from .config import param_choices
from .errors import choices_message
from .footer import draw_footer
from .labels import leader_lines, make_room, place_edge_labels, rescue_labels, separate_markers
from .layout import network_layout
from .texts import CENTRALITY_NAMES as _CENTRALITY_NAMES, MEASURE_NAMES as _MEASURE_NAMES, SCORE_NAMES as _SCORE_NAMES
from .validate import check_int

__all__ = [
    "setup_japanese_font",
    "japanese_font_path",
    "plot_network",
    "plot_keywords",
    "plot_attribute_network",
    "plot_comparison",
    "save_figure",
    "figure_bytes",
    "community_colors",
    "SIZES",
    "PALETTE",
    "GREY",
]

#: Figure sizes in inches (width, height).
SIZES = {"slide16x9": (13.333, 7.5), "slide4x3": (10.0, 7.5), "a4": (11.69, 8.27)}
FONT_SCALE = {"slide16x9": 1.0, "slide4x3": 0.95, "a4": 0.85}
#: Colour-blind-safe palette: Okabe–Ito (without black), then Paul Tol's muted set.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
           "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
           "#882255", "#AA4499")
#: Fill of single-node communities (community -1) and of nodes without a colour.
GREY = "#BBBBBB"
HIGHLIGHT = "#D55E00"
_COLOR_BY = param_choices("color_by")
_SVG_TEXT = param_choices("svg_text")
_SALT = "cooccur"
_MISSING = "〓"  # geta mark: the customary stand-in for a character no font has
Size = Literal["slide16x9", "slide4x3", "a4"]


def setup_japanese_font() -> dict:
    """Register IPAex Gothic and return the rc settings cooccur draws and saves with.

    The font file ships with ``matplotlib-fontja``; it is located without
    importing that package (whose import changes the global font). Use the
    returned dict with ``matplotlib.rc_context`` (cooccur's own functions do) or
    pass it to ``matplotlib.rcParams.update`` to make it the default.

    Fonts are embedded in PDF/PS as TrueType (``fonttype`` 42) and SVG text is
    written as paths, so the files render anywhere without the font installed;
    ``svg.hashsalt`` is fixed so SVG ids are the same on every run.

    Returns
    -------
    dict
        rc parameters.
    """
    from matplotlib import font_manager

    path = japanese_font_path()
    if path not in _registered:
        font_manager.fontManager.addfont(path)
        _registered.add(path)
    return {
        "font.family": ["IPAexGothic", "DejaVu Sans"],
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "path",
        "svg.hashsalt": _SALT,
        "axes.unicode_minus": True,
        "text.usetex": False,
    }


def plot_network(G, pos=None, *, ax=None, size: Size = "slide16x9",
                 color_by: Literal["community", "degree", "betweenness", "eigenvector", "none"] = "community",
                 edge_labels: bool = False, mst: bool = False, title: str | None = None,
                 transparent: bool = False, seed: int = 0):
    """Draw the co-occurrence network (KH Coder's look, readable on a projector).

    Parameters
    ----------
    G : networkx.Graph
        The network (node ``frequency``, ``community``; edge ``weight``,
        ``intra_community``, ``mst``).
    pos : dict, optional
        ``{node: (x, y)}`` in the unit square; default :func:`network_layout`.
    ax : matplotlib Axes, optional
        Draw into this axes (its figure is returned).
    size : {"slide16x9", "slide4x3", "a4"}
        Figure size when ``ax`` is None: 13.333×7.5, 10×7.5 or 11.69×8.27 in.
    color_by : {"community", "degree", "betweenness", "eigenvector", "none"}
        Node colours: communities (single-node communities grey; edges inside
        a community solid, between communities dashed) or a centrality on a
        colour scale with a colour bar.
    edge_labels : bool
        Print each edge's coefficient (2 decimals).
    mst : bool
        Highlight the edges of the minimum spanning tree.
    title : str, optional
    transparent : bool
        No background fill.
    seed : int
        Layout seed when ``pos`` is None.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_size(size)
    if color_by not in _COLOR_BY:
        raise ValueError(choices_message("color_by", color_by, _COLOR_BY))
    import matplotlib as mpl

    rc = setup_japanese_font()
    with mpl.rc_context(rc):
        fig, ax = new_figure(ax, size, title, transparent)
        pos = network_layout(G, seed=seed, aspect=figure_aspect(ax)) if pos is None else pos
        nodes = sorted_nodes(G)
        scale = FONT_SCALE[size] if size in FONT_SCALE else 1.0
        measure = _measure_name(G)
        colorbar = None
        if color_by == "community":
            cmap = community_colors(G)
            faces = {v: cmap[v] for v in nodes}
            legend = _community_legend(G, cmap)
        elif color_by == "none":
            faces, legend = {v: PALETTE[1] for v in nodes}, []
        else:
            import matplotlib.colors as mcolors

            vals = [float(G.nodes[v].get(color_by, 0.0) or 0.0) for v in nodes]
            norm = mcolors.Normalize(vmin=min(vals, default=0.0), vmax=max(max(vals, default=1.0), min(vals, default=0.0) + 1e-12))
            # the palest quarter of YlGnBu is lost on white: start the scale at a visible colour
            cm = mcolors.ListedColormap(mpl.colormaps["YlGnBu"]([0.25 + 0.75 * k / 255 for k in range(256)]),
                                        name="YlGnBu_visible")
            faces = {v: mcolors.to_hex(cm(norm(x))) for v, x in zip(nodes, vals)}
            colorbar, legend = (cm, norm, _CENTRALITY_NAMES[color_by]), []
        edges = []
        for u, v, d in sorted_edges(G):
            dashed = color_by == "community" and not bool(d.get("intra_community", True))
            edges.append((u, v, float(d.get("weight", 1.0)), dashed, bool(d.get("mst", False)) and mst))
        freqs = [G.nodes[v].get("frequency", 1) for v in nodes]
        caption = f"{measure}・語 {len(nodes)}・共起 {G.number_of_edges()}・円の面積 ∝ 出現回数"
        if freqs:
            caption += f"（{min(freqs)}〜{max(freqs)}回）"
        if color_by == "community":
            caption += "・実線＝コミュニティ内／破線＝コミュニティ間"
        if mst:
            caption += "・太線＝最小全域木"
        draw_network_axes(ax, nodes, pos, G, faces=faces, edges=edges, scale=scale, caption=caption, legend=legend,
              colorbar=colorbar, edge_labels=edge_labels)
        if not nodes:  # a small input: say why the canvas is blank
            ax.text(ax.bbox.width / 2, ax.bbox.height / 2, "共起ネットワークなし：条件を満たす語の組がありません"
                    "（理由は report.html・manifest.json の警告に）", ha="center", va="center",
                    fontsize=18 * scale, color="#444444", parse_math=False)
    return fig


def plot_keywords(keywords, *, top: int = 20, ax=None, size: Size = "slide16x9", score: str = "score",
                  title: str | None = None):
    """Horizontal bar chart of the top keywords (highest at the top).

    Parameters
    ----------
    keywords : pandas.DataFrame
        Columns ``term`` and ``score`` (or the column named by ``score``).
    top : int, default 20
    ax : matplotlib Axes, optional
    size : {"slide16x9", "slide4x3", "a4"}
    score : str, default "score"
        Column holding the bar lengths.
    title : str, optional
        Default: "キーワード上位N語（スコア名）".

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_size(size)
    check_int("top", top, minimum=1)
    for col in ("term", score):
        if col not in keywords.columns:
            raise ValueError(f"keywords has no column {col!r}; pass score= one of {list(keywords.columns)!r}")
    import matplotlib as mpl

    rows = keywords.sort_values([score, "term"], ascending=[False, True], kind="mergesort").head(top)
    terms = [displayable(str(t)) for t in rows["term"]][::-1]
    values = [float(x) for x in rows[score]][::-1]
    scale = FONT_SCALE[size]
    with mpl.rc_context(setup_japanese_font()):
        fig, ax = new_figure(ax, size, None, False, axis=True)
        fs = max(9.0, min(16.0, 300.0 / max(len(terms), 1))) * scale
        ax.barh(range(len(terms)), values, color=PALETTE[4], alpha=0.85, height=0.7)
        ax.set_yticks(range(len(terms)), labels=terms, fontsize=fs)
        for lab in ax.get_yticklabels():
            lab.set_parse_math(False)
        hi = max(values, default=1.0)
        for i, x in enumerate(values):
            ax.text(x + hi * 0.01, i, _fmt(x, values), va="center", fontsize=fs * 0.8, parse_math=False)
        ax.set_xlim(min(0.0, min(values, default=0.0)), hi * 1.12 if hi > 0 else 1.0)
        ax.set_ylim(-0.6, len(terms) - 0.4)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="x", labelsize=12 * scale)
        name = _SCORE_NAMES.get(score, score)
        ax.set_xlabel(name, fontsize=13 * scale)
        ax.set_title(title or f"キーワード上位{len(terms)}語（{name}）", fontsize=18 * scale, loc="left",
                     parse_math=False)
        if getattr(fig, "_cooccur_owned", False):  # room for the longest term on the left
            r = text_renderer(fig)
            wmax = max((t.get_window_extent(r).width for t in ax.get_yticklabels()), default=0.0)
            left = min(0.45, (wmax + 16 * fig.dpi / 72) / fig.bbox.width)
            b = ax.get_position()
            ax.set_position((left, b.y0, 0.97 - left, b.height))
    return fig


def __getattr__(name):  # the group figures live in cooccur.plot_groups (imported on first use)
    if name in ("plot_attribute_network", "plot_comparison"):
        from . import plot_groups

        return getattr(plot_groups, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def figure_bytes(fig, fmt: Literal["png", "svg", "pdf"], *, dpi: int = 200, transparent: bool = False,
                 svg_text: Literal["outlines", "editable"] = "outlines") -> bytes:
    """Render a figure to PNG, SVG or PDF bytes that are identical on every run.

    ``svg_text="editable"`` writes SVG text as ``<text>`` elements naming the
    font family (IPAex Gothic) instead of glyph outlines, so Illustrator or
    PowerPoint can edit the labels; the white halo behind network labels is
    left out there (matplotlib draws haloed text as outlines). The file then
    needs the font where it is opened. Other formats ignore ``svg_text``.

    >>> from matplotlib.figure import Figure
    >>> _ = setup_japanese_font()  # registers the bundled font
    >>> fig = Figure(figsize=(2, 1)); _ = fig.text(0.1, 0.5, "防災", fontfamily="IPAexGothic")
    >>> "防災".encode() in figure_bytes(fig, "svg", svg_text="editable")
    True
    """
    import io

    import matplotlib as mpl

    if fmt not in ("png", "svg", "pdf"):
        raise ValueError(choices_message("figure format", fmt, ("png", "svg", "pdf")))
    if svg_text not in _SVG_TEXT:
        raise ValueError(choices_message("svg_text", svg_text, _SVG_TEXT))
    if fmt == "png" and dpi < 200:
        raise ValueError(f"dpi {dpi} is too coarse for slides; use dpi=200 or more")
    metadata = {"png": {"Software": "cooccur"}, "svg": {"Date": None, "Creator": "cooccur"},
                "pdf": {"CreationDate": None, "ModDate": None, "Creator": "cooccur", "Producer": "cooccur"}}[fmt]
    rc = setup_japanese_font()
    halos = []
    if fmt == "svg" and svg_text == "editable":
        rc["svg.fonttype"] = "none"
        halos = [(t, t.get_path_effects()) for t in fig.findobj(lambda a: hasattr(a, "get_path_effects"))
                 if hasattr(t, "get_text") and t.get_path_effects()]
    buf = io.BytesIO()
    try:
        for t, _ in halos:
            t.set_path_effects([])
        with mpl.rc_context(rc):
            fig.savefig(buf, format=fmt, dpi=dpi, transparent=transparent, metadata=metadata,
                        facecolor="none" if transparent else "white")
    finally:
        for t, effects in halos:
            t.set_path_effects(effects)
    return buf.getvalue()


def save_figure(fig, path, *, dpi: int = 200, transparent: bool = False,
                svg_text: Literal["outlines", "editable"] = "outlines") -> Path:
    """Write a figure as PNG, SVG or PDF (chosen by the suffix), atomically and byte-stable.

    PNG carries no timestamp; PDF has no CreationDate/ModDate and embeds the
    font as TrueType; SVG has no date and fixed ids, with glyphs as paths
    (``svg_text="editable"``: as text, see :func:`figure_bytes`).
    """
    from .io import atomic_write_bytes

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "pdf"):
        raise ValueError(f"cannot tell the figure format from {path.name!r}; use a .png, .svg or .pdf suffix")
    return atomic_write_bytes(path, figure_bytes(fig, fmt, dpi=dpi, transparent=transparent, svg_text=svg_text))


def community_colors(G) -> dict:
    """Fill colour (hex) of every node by community: palette in community order, -1 grey."""
    comms = sorted({int(c) for _, c in G.nodes(data="community", default=-1) if c is not None and int(c) >= 0})
    index = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(comms)}
    return {v: index.get(int(c) if c is not None else -1, GREY) for v, c in G.nodes(data="community", default=-1)}


# --------------------------------------------------------------------------- drawing core

_registered: set[str] = set()


def japanese_font_path() -> str:
    """Path of the bundled IPAex Gothic (from matplotlib-fontja), the font of every figure and HTML page."""
    import importlib.util

    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("matplotlib-fontja is missing; install it with `pip install matplotlib-fontja`")
    return str(Path(list(spec.submodule_search_locations)[0]) / "fonts" / "ipaexg.ttf")


@lru_cache(maxsize=1)
def _charmaps() -> tuple[frozenset, ...]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    dejavu = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"), fallback_to_default=True)
    return tuple(frozenset(FT2Font(p).get_charmap()) for p in (japanese_font_path(), dejavu))


def displayable(text: str) -> str:
    """Replace characters neither bundled font has with 〓 (so no glyph is ever missing)."""
    maps = _charmaps()
    return "".join(c if c in "\n\t" or any(ord(c) in m for m in maps) else _MISSING for c in text)


def check_size(size) -> None:
    if size not in SIZES:
        raise ValueError(choices_message("size", size, tuple(SIZES)))


def new_figure(ax, size, title, transparent, *, axis=False):
    if ax is not None:
        fig = ax.figure
        if title:
            ax.set_title(displayable(title), fontsize=18, parse_math=False)
        return fig, ax
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=SIZES[size], dpi=100)
    FigureCanvasAgg(fig)
    fig._cooccur_owned = True
    if transparent:
        fig.patch.set_alpha(0.0)
    top = 0.99
    if title:
        fig.text(0.01, 0.985, displayable(title), fontsize=22 * FONT_SCALE[size], va="top", ha="left",
                 parse_math=False)
        top = 0.925
    if axis:
        ax = fig.add_axes((0.2, 0.09, 0.77, top - 0.16))
    else:
        ax = fig.add_axes((0.005, 0.0, 0.99, top))
        ax.set_axis_off()
    return fig, ax


def figure_aspect(ax) -> float:
    bb = ax.bbox
    return max(bb.width, 1.0) / max(bb.height * 0.9, 1.0)


def text_renderer(fig):
    canvas = fig.canvas
    if hasattr(canvas, "get_renderer"):
        return canvas.get_renderer()
    return fig._get_renderer()  # pragma: no cover - non-Agg canvases


def sorted_nodes(G) -> list:
    return sorted(G.nodes, key=lambda v: (-int(G.nodes[v].get("frequency", 0) or 0), str(v)))


def sorted_edges(G) -> list:
    return sorted(((*sorted((u, v), key=str), d) for u, v, d in G.edges(data=True)), key=lambda e: (str(e[0]), str(e[1])))


def _measure_name(G) -> str:
    m = G.graph.get("measure")
    if m is None:
        for name in _MEASURE_NAMES:
            if G.number_of_edges() and all(d.get(name) == d.get("weight") for _, _, d in G.edges(data=True)):
                m = name
                break
    return _MEASURE_NAMES.get(m, str(m) if m else "共起の強さ")


def _community_legend(G, cmap) -> list[tuple[str, str]]:
    """One (most frequent terms, colour) item per community of two or more terms, in palette order."""
    comms = sorted({int(c) for _, c in G.nodes(data="community", default=-1) if c is not None and int(c) >= 0})
    ranked = sorted_nodes(G)
    top = 3 if len(comms) <= 5 else 2
    items = []
    for c in comms:
        members = [v for v in ranked if int(G.nodes[v].get("community", -1)) == c]
        if len(members) >= 2:
            words = [displayable(str(G.nodes[v].get("label", v))) for v in members[:top]]
            items.append(("・".join(words), cmap[members[0]]))
    return items


def _fmt(x: float, values=()) -> str:
    """The same number of decimals for every bar: whole numbers as such, else 3 significant digits of the largest."""
    if all(float(v).is_integer() for v in values) and float(x).is_integer():
        return f"{x:,.0f}"
    top = max((abs(float(v)) for v in values), default=abs(x)) or 1.0
    decimals = max(0, 2 - math.floor(math.log10(top)))
    return f"{x:,.{decimals}f}"


def draw_network_axes(ax, nodes, pos, G, *, faces, edges, scale, caption, legend, colorbar, edge_labels,
          squares=None, highlight_color=None, bubble_scale=1.0, shared=None):
    """Bubbles, edges, labels and footer into ``ax``; axes data units are display pixels.

    ``shared``: display positions to keep (from another panel's ``cooccur_positions``); nodes are
    then not moved to make room, and bubble sizes are scaled for that many nodes.
    """
    import numpy as np
    from matplotlib import patheffects
    from matplotlib.collections import LineCollection

    fig = ax.figure
    renderer = text_renderer(fig)
    squares = squares or {}
    px = fig.dpi / 72.0
    W, H = ax.bbox.width, ax.bbox.height
    ax.set_xlim(0, W)
    ax.set_ylim(0, H)
    ax.set_axis_off()
    band = draw_footer(ax, displayable(caption), legend, colorbar, scale=scale, renderer=renderer)
    inner = (2.0, band, W - 2.0, H - 2.0)

    # bubble sizes: area proportional to frequency, with a floor so rare terms stay visible
    freqs = np.array([max(float(G.nodes[v].get("frequency", 1) or 1), 1e-9) for v in nodes])
    n = max(len(shared) if shared else len(nodes), 1)
    dmax = min(60.0, max(34.0, 46.0 * math.sqrt(60.0 / n))) * scale * bubble_scale  # diameter in points
    dmin = 11.0 * scale * bubble_scale
    area = np.maximum((freqs / freqs.max()) * dmax ** 2, dmin ** 2) if len(nodes) else np.zeros(0)
    diam_pt = np.sqrt(area)
    font = (14.0 + 4.0 * np.clip((diam_pt - dmin) / max(dmax - dmin, 1e-9), 0, 1)) * scale

    # attribute squares are measured first; they are nodes too (markers without a separate label)
    sq_texts, sq_half = {}, {}
    for a, col in squares.items():
        t = ax.text(0, 0, displayable(str(G.nodes[a].get("label", a))), fontsize=16 * scale, ha="center",
                    va="center", zorder=4, parse_math=False, color="#222222",
                    bbox=dict(boxstyle="square,pad=0.4", facecolor=col, alpha=0.9, edgecolor="#333333"))
        bb = t.get_window_extent(renderer)
        sq_texts[a], sq_half[a] = t, (bb.width / 2 + 0.5 * 16 * scale * px, bb.height / 2 + 0.5 * 16 * scale * px)

    # map unit-square positions into the inner area, then make room for every label next to its bubble
    allv = list(nodes) + list(squares)
    R = np.concatenate([diam_pt / 2 * px, [math.hypot(*sq_half[a]) for a in squares]]) if allv else np.zeros(0)
    mx = max([float(R.max()) if len(R) else 0.0]) + 8 * px
    my = max([float(R.max()) if len(R) else 0.0]) + 20 * scale * px
    x0, y0, x1, y1 = inner[0] + mx, inner[1] + my, inner[2] - mx, inner[3] - my
    if shared is not None:
        P = np.array([shared[v] for v in allv], dtype=float).reshape(-1, 2)
    else:
        P = np.array([[x0 + float(pos[v][0]) * (x1 - x0), y0 + float(pos[v][1]) * (y1 - y0)] for v in allv]) \
            if allv else np.zeros((0, 2))
        P = separate_markers(P, R, bounds=(x0, y0, x1, y1), gap=4 * px)
    halo = [patheffects.withStroke(linewidth=3.0, foreground="white", alpha=0.85)]  # legible over edges
    texts = [ax.text(0, 0, displayable(str(G.nodes[v].get("label", v))), fontsize=float(f), ha="center",
                     va="center", zorder=3, color="#111111", parse_math=False, gid=f"label-{i}", path_effects=halo)
             for i, (v, f) in enumerate(zip(nodes, font))]
    sizes = [_extent(t, renderer, px) for t in texts]
    index = {v: i for i, v in enumerate(allv)}
    links = [(index[u], index[v]) for u, v, *_ in edges]
    P, shrink, boxes = make_room(P, R, sizes + [None] * len(squares), bounds=inner, links=links, pad=2 * px,
                                 claim=0.5, rounds=1 if shared is not None else 8)
    ax.cooccur_positions = {v: (float(x), float(y)) for v, (x, y) in zip(allv, P)}
    R[:len(nodes)] *= shrink
    area = area * shrink ** 2
    at = {v: P[i] for i, v in enumerate(allv)}
    segs = [(*at[u], *at[v]) for u, v, *_ in edges]
    # last resort for labels with no free spot beside their bubble: smaller font, then a short leader line
    base = [t.get_fontsize() for t in texts]

    def smaller(i, factor):
        texts[i].set_fontsize(base[i] * factor)
        sizes[i] = _extent(texts[i], renderer, px)
        return sizes[i]

    boxes = rescue_labels(P, R, sizes + [None] * len(squares), boxes, bounds=inner, segments=segs, pad=2 * px,
                          resize=smaller)

    # edges
    if edges:
        ws = np.array([e[2] for e in edges])
        lo, hi = float(ws.min()), float(ws.max())
        widths = 0.8 + 3.2 * ((ws - lo) / (hi - lo) if hi > lo else np.full(len(ws), 0.5))
        groups: dict[tuple, list] = {}
        for (u, v, w, dashed, marked), lw in zip(edges, widths):
            if highlight_color is not None:
                style = ("solid", highlight_color if marked else "#8a8a8a", 0.9 if marked else 0.6, lw + (1 if marked else 0))
            elif marked:
                style = ("solid", "#222222", 0.95, lw + 1.5)
            else:
                style = ("dashed" if dashed else "solid", "#5a5a5a", 0.35 if any(e[4] for e in edges) else 0.6, lw)
            groups.setdefault(style[:3], []).append(([at[u], at[v]], style[3]))
        for (ls, col, alpha), segl in sorted(groups.items()):
            ax.add_collection(LineCollection([s for s, _ in segl], linewidths=[w for _, w in segl],
                                             linestyles=ls, colors=col, alpha=alpha, zorder=1, capstyle="round",
                                             gid="edges"))

    # bubbles
    if len(nodes):
        pts = np.array([at[v] for v in nodes])
        fc = [faces[v] for v in nodes]
        ax.scatter(pts[:, 0], pts[:, 1], s=area, c=fc, alpha=0.7, edgecolors="none", zorder=2, gid="bubbles")
        ec = [highlight_color if highlight_color and faces[v] == highlight_color else faces[v] for v in nodes]
        ax.scatter(pts[:, 0], pts[:, 1], s=area, facecolors="none", edgecolors=ec, linewidths=1.2, zorder=2.1)
    for a, t in sq_texts.items():
        t.set_position(tuple(at[a]))

    # labels, with a leader line where one had to move away from its bubble
    for t, b in zip(texts, boxes):
        t.set_visible(b is not None)
        if b is not None:
            t.set_position(((b[0] + b[2]) / 2, (b[1] + b[3]) / 2))
    leaders = leader_lines(P[:len(nodes)], R[:len(nodes)], boxes[:len(nodes)], pad=2 * px)
    if leaders:
        ax.add_collection(LineCollection(leaders, linewidths=0.7, colors="#444444", alpha=0.9, zorder=2.6,
                                         gid="leaders"))
    fig.cooccur_unplaced = [str(nodes[i]) for i in range(len(nodes)) if boxes[i] is None]
    fig.cooccur_leaders = len(leaders)
    if edge_labels and edges:
        _edge_labels(ax, edges, at, [b for b in boxes if b is not None], P, R, scale=scale, renderer=renderer)


def _extent(text, renderer, px) -> tuple[float, float]:
    bb = text.get_window_extent(renderer)
    return (bb.width + 2 * px, bb.height + 1 * px)


def _edge_labels(ax, edges, at, taken, P, R, *, scale, renderer):
    """Each edge's coefficient near its middle, where it hides no label and no bubble (else omitted)."""
    px = ax.figure.dpi / 72.0
    texts, sizes = [], []
    for _, _, w, *_ in edges:
        t = ax.text(0, 0, f"{w:.2f}", fontsize=9.5 * scale, ha="center", va="center", color="#333333", zorder=2.5,
                    parse_math=False, bbox=dict(boxstyle="round,pad=0.15", facecolor="white", alpha=0.8,
                                                 edgecolor="none"))
        bb = t.get_window_extent(renderer)
        texts.append(t)
        sizes.append((bb.width + 4 * px, bb.height + 4 * px))
    ends = [(*at[u], *at[v]) for u, v, *_ in edges]
    for t, box in zip(texts, place_edge_labels(ends, sizes, taken=taken, anchors=P, radii=R)):
        if box is None:
            t.remove()
        else:
            t.set_position(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2))
