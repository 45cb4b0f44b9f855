"""Figures of KH Coder's other analyses: correspondence biplot, dendrogram, code cross-tab.

Like :mod:`cooccur.plot`, every function imports matplotlib inside, draws with
the bundled Japanese font at a slide size and returns the Figure; labels are
placed by :mod:`cooccur.labels` so they do not overlap. The network of codes is
drawn by :func:`cooccur.plot.plot_network`.
"""

from __future__ import annotations

import numpy as np

from .plot import GREY, PALETTE, SIZES, FONT_SCALE, check_size, displayable, text_renderer, setup_japanese_font

__all__ = ["plot_correspondence", "plot_dendrogram", "plot_code_crosstab", "plot_code_network"]

_TERM = "#56B4E9"
_GROUP = "#D55E00"
_SCALING_JA = {"standard": "標準化（標準座標）", "symmetric": "対称（主座標）", "biplot": "対称biplot"}


def _new_figure(size, rect):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=SIZES[size], dpi=100)
    FigureCanvasAgg(fig)
    return fig, fig.add_axes(rect)


def _text_size(renderer, text, fs, pad=0.0):
    from matplotlib.font_manager import FontProperties

    w, h, _ = renderer.get_text_width_height_descent(text, FontProperties(family=["IPAexGothic"], size=fs),
                                                     ismath=False)
    return w + 2 * pad, h + 2 * pad


def plot_correspondence(ca, *, scaling: str | None = None, zoom_origin: bool = False, label_top: int = 0,
                        bubbles: bool = True, size: str = "slide16x9", title: str | None = None):
    """The correspondence biplot: terms as circles, groups (or documents) as boxed squares.

    Parameters
    ----------
    ca : cooccur.ca.Correspondence
    scaling : {"standard", "symmetric", "biplot"}, optional
        Default: the result's scaling.
    zoom_origin : bool
        「原点付近を拡大」: the radial stretch of :func:`cooccur.ca.zoom_origin` (angles kept).
    label_top : int
        Label only the N terms farthest from the origin (others are dots); 0 = all.
    bubbles : bool
        Circle area proportional to the term's frequency.
    size : {"slide16x9", "slide4x3", "a4"}
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        With one dimension (two groups) a one-dimensional chart, said in its caption.
    """
    check_size(size)
    import matplotlib as mpl

    from .ca import zoom_origin as _zoom
    from .labels import leader_lines, place_labels

    rows, cols = ca.coordinates(scaling)
    scaling = scaling or ca.scaling
    if ca.n_dimensions < 2:
        return _plot_ca_1d(ca, rows, cols, scaling, bubbles, size, title)
    sc = FONT_SCALE[size]
    with mpl.rc_context(setup_japanese_font()):
        fig, ax = _new_figure(size, (0.075, 0.12, 0.9, 0.8 if title else 0.86))
        if title:
            fig.text(0.01, 0.985, displayable(title), fontsize=20 * sc, va="top", ha="left", parse_math=False)
        T = rows[["dim1", "dim2"]].to_numpy()
        n_cols = len(cols)
        show_cols = n_cols <= 200 if ca.kind == "document" else True
        label_cols = n_cols <= 20 if ca.kind == "document" else True
        C = cols[["dim1", "dim2"]].to_numpy() if show_cols else np.zeros((0, 2))
        if zoom_origin:
            T, C = _zoom(T), _zoom(C)
        dist = np.hypot(T[:, 0], T[:, 1])
        order = sorted(range(len(T)), key=lambda i: (-dist[i], rows.index[i]))
        labelled = set(order if not label_top else order[:label_top])
        freq = ca.rows["frequency"].to_numpy(dtype=float)
        s_term = 30 + 420 * freq / freq.max() if bubbles else np.full(len(T), 50.0)
        s_term = np.where([i in labelled for i in range(len(T))], s_term, 14.0)
        _equal_limits(ax, np.vstack([T, C]))
        ax.axhline(0, color="#999999", lw=0.7, ls="--", zorder=0)
        ax.axvline(0, color="#999999", lw=0.7, ls="--", zorder=0)
        colors = [_TERM if i in labelled else GREY for i in range(len(T))]
        ax.scatter(T[:, 0], T[:, 1], s=s_term, c=colors, alpha=0.6, edgecolors="#4a6f8a", linewidths=0.6, zorder=2)
        if len(C):
            ax.scatter(C[:, 0], C[:, 1], s=90 if label_cols else 25, marker="s", c=_GROUP, edgecolors="#7a2e00",
                       zorder=3)
        share = ca.inertia["share"].to_numpy()
        ax.set_xlabel(f"成分1（{share[0]:.1f}%）", fontsize=13 * sc)
        ax.set_ylabel(f"成分2（{share[1]:.1f}%）", fontsize=13 * sc)
        ax.tick_params(labelsize=10 * sc)
        renderer = text_renderer(fig)
        px = fig.dpi / 72.0
        fs_t, fs_g = 10.5 * sc, (13 if n_cols <= 8 else 10.5 if n_cols <= 16 else 9) * sc
        anchors, radii, sizes, texts, kinds = [], [], [], [], []
        to_px = ax.transData.transform
        if label_cols:
            for j, name in enumerate(cols.index):
                texts.append(displayable(str(name)))
                kinds.append("g")
                anchors.append(tuple(to_px(C[j])))
                radii.append(np.sqrt(90) / 2 * px)
                sizes.append(_text_size(renderer, texts[-1], fs_g, pad=4 * px))
        for i in order:
            if i not in labelled:
                continue
            texts.append(displayable(str(rows.index[i])))
            kinds.append("t")
            anchors.append(tuple(to_px(T[i])))
            radii.append(np.sqrt(s_term[i]) / 2 * px)
            sizes.append(_text_size(renderer, texts[-1], fs_t))
        bb = ax.bbox
        boxes = place_labels(anchors, radii, sizes, bounds=(bb.x0 + 2, bb.y0 + 2, bb.x1 - 2, bb.y1 - 2),
                             rings=16, spiral=120)
        inv = ax.transData.inverted()
        missing = 0
        for text, kind, box in zip(texts, kinds, boxes):
            if box is None:
                missing += 1
                continue
            if kind == "g":
                x, y = inv.transform(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2))
                ax.text(x, y, text, fontsize=fs_g, ha="center", va="center", color="#7a2e00", zorder=5,
                        parse_math=False, bbox=dict(boxstyle="square,pad=0.25", fc="white", ec=_GROUP, lw=1.0))
            else:
                x, y = inv.transform((box[0], box[1]))
                ax.text(x, y, text, fontsize=fs_t, ha="left", va="bottom", color="#222222", zorder=4,
                        parse_math=False)
        for seg in leader_lines(anchors, radii, boxes):
            (x0, y0), (x1, y1) = inv.transform(seg[0]), inv.transform(seg[1])
            ax.plot([x0, x1], [y0, y1], color="#888888", lw=0.6, zorder=1)
        what = "外部変数" if ca.kind == "group" else "文書"
        parts = [f"語 {len(T)}・{what} {n_cols}", f"座標: {_SCALING_JA[scaling]}",
                 "円の面積 ∝ 出現回数" if bubbles else "", "原点付近を拡大" if zoom_origin else "",
                 f"ラベルは原点から遠い {len(labelled)} 語" if label_top and len(labelled) < len(T) else "",
                 f"{what}は{n_cols}件のため名前を省略" if show_cols and not label_cols else "",
                 f"{what}は{n_cols}件のため非表示" if not show_cols else "",
                 f"置けなかったラベル {missing}" if missing else ""]
        fig.text(0.01, 0.012, displayable("・".join(p for p in parts if p)), fontsize=11 * sc, color="#333333",
                 ha="left", va="bottom", parse_math=False)
    return fig


def _equal_limits(ax, P):
    """Limits with the same data-per-pixel on both axes (distances read true), with a margin."""
    lo, hi = P.min(axis=0), P.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    lo, hi = lo - span * 0.08, hi + span * 0.08
    cx, cy = (lo + hi) / 2
    w, h = ax.bbox.width, ax.bbox.height
    per = max((hi[0] - lo[0]) / w, (hi[1] - lo[1]) / h)
    ax.set_xlim(cx - per * w / 2, cx + per * w / 2)
    ax.set_ylim(cy - per * h / 2, cy + per * h / 2)


def _plot_ca_1d(ca, rows, cols, scaling, bubbles, size, title):
    import matplotlib as mpl

    sc = FONT_SCALE[size]
    with mpl.rc_context(setup_japanese_font()):
        fig, ax = _new_figure(size, (0.03, 0.1, 0.95, 0.8 if title else 0.86))
        if title:
            fig.text(0.01, 0.985, displayable(title), fontsize=20 * sc, va="top", ha="left", parse_math=False)
        x = rows["dim1"].to_numpy()
        order = np.lexsort((rows.index.to_numpy(dtype=str), x))
        n = len(x)
        y = np.empty(n)
        y[order] = np.arange(n)
        freq = ca.rows["frequency"].to_numpy(dtype=float)
        s = 20 + 260 * freq / freq.max() if bubbles else np.full(n, 30.0)
        ax.scatter(x, y, s=s, c=_TERM, alpha=0.6, edgecolors="#4a6f8a", linewidths=0.6, zorder=2)
        fs = max(5.0, min(11.0, 0.85 * 0.76 * SIZES[size][1] * 72 / max(n + 2.5, 1))) * sc
        span = max(x.max() - x.min(), 1e-9)
        for xi, yi, t in zip(x, y, rows.index):
            ax.text(xi + span * 0.012, yi, displayable(str(t)), fontsize=fs, va="center", ha="left",
                    parse_math=False)
        for name, cx in zip(cols.index, cols["dim1"]):
            ax.axvline(cx, color=_GROUP, lw=1.2, ls="--", zorder=1)
            ax.text(cx, n + 0.3, displayable(str(name)), fontsize=13 * sc, ha="center", va="bottom",
                    color="#7a2e00", parse_math=False, bbox=dict(boxstyle="square,pad=0.25", fc="white", ec=_GROUP))
        ax.axvline(0, color="#999999", lw=0.7, ls=":", zorder=0)
        ax.set_xlim(min(x.min(), cols["dim1"].min()) - span * 0.05, max(x.max(), cols["dim1"].max()) + span * 0.18)
        ax.set_ylim(-1, n + 1.5)
        ax.set_yticks([])
        ax.set_xlabel(f"成分1（{ca.inertia['share'].iloc[0]:.1f}%）", fontsize=13 * sc)
        ax.tick_params(labelsize=10 * sc)
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        fig.text(0.01, 0.012, displayable(f"2群の比較のため成分は1つだけです（1次元の図）・語は成分1の値の順・"
                                           f"座標: {_SCALING_JA[scaling]}・破線＝各群の位置"),
                 fontsize=11 * sc, color="#333333", ha="left", va="bottom", parse_math=False)
    return fig


def plot_dendrogram(cl, *, size: str = "slide16x9", title: str | None = None):
    """Dendrogram of :func:`cooccur.clustering.cluster_terms`, coloured by cluster.

    Leaves top to bottom with each term's frequency as a bar beside its label;
    branches inside a cluster take its colour, the dashed line marks the cut.
    """
    check_size(size)
    import matplotlib as mpl
    from scipy.cluster.hierarchy import dendrogram

    sc = FONT_SCALE[size]
    n = len(cl.terms)
    clusters = dict(zip(cl.clusters["term"], cl.clusters["cluster"]))
    freq = dict(zip(cl.clusters["term"], cl.clusters["frequency"]))
    color = {k: PALETTE[(k - 1) % len(PALETTE)] for k in set(clusters.values())}
    members: dict[int, set] = {i: {clusters[t]} for i, t in enumerate(cl.terms)}
    for k, (a, b, _h, _n) in enumerate(cl.linkage):
        members[n + k] = members[int(a)] | members[int(b)]

    def link_color(k):
        m = members[k]
        return color[next(iter(m))] if len(m) == 1 else "#777777"

    d = dendrogram(cl.linkage, no_plot=True, labels=list(cl.terms), link_color_func=link_color)
    leaves = d["ivl"]
    with mpl.rc_context(setup_japanese_font()):
        top = 0.9 if title else 0.96
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=SIZES[size], dpi=100)
        FigureCanvasAgg(fig)
        if title:
            fig.text(0.01, 0.985, displayable(title), fontsize=20 * sc, va="top", ha="left", parse_math=False)
        bar_ax = fig.add_axes((0.12, 0.08, 0.06, top - 0.08))
        ax = fig.add_axes((0.185, 0.08, 0.8, top - 0.08), sharey=bar_ax)
        ys = 5 + 10 * np.arange(n)
        fs = max(4.5, min(12.0, 0.92 * (top - 0.08) * SIZES[size][1] * 72 / max(n, 1))) * sc
        fv = np.array([freq[t] for t in leaves], dtype=float)
        bar_ax.barh(ys, fv, height=7, color=[color[clusters[t]] for t in leaves], alpha=0.55)
        bar_ax.set_xlim(fv.max() * 1.05, 0)
        bar_ax.set_yticks(ys, labels=[displayable(f"{t}（{int(v)}）") for t, v in zip(leaves, fv)], fontsize=fs)
        bar_ax.tick_params(axis="y", length=0, pad=2)
        bar_ax.set_xticks([])
        for side in ("top", "right", "bottom", "left"):
            bar_ax.spines[side].set_visible(False)
        bar_ax.invert_xaxis()
        from matplotlib.collections import LineCollection

        ax.add_collection(LineCollection([np.column_stack([dc, ic]) for ic, dc in zip(d["icoord"], d["dcoord"])],
                                         colors=d["color_list"], linewidths=1.3))
        cut = cl.cut_height
        if cl.n_clusters > 1:
            ax.axvline(cut, color="#555555", ls="--", lw=0.8)
        ax.set_ylim(10 * n, 0)
        ax.set_xlim(0, float(cl.linkage[:, 2].max()) * 1.03 if len(cl.linkage) else 1.0)
        ax.tick_params(axis="y", left=False, labelleft=False)
        ax.tick_params(axis="x", labelsize=10 * sc)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        p = cl.parameters
        dist = {"jaccard": "Jaccard", "dice": "Dice", "simpson": "Simpson", "cosine": "コサイン"}[p["cluster_distance"]]
        method = {"ward": "Ward法", "average": "群平均法", "complete": "最遠隣法"}[p["cluster_method"]]
        ax.set_xlabel(f"併合の高さ（距離 = 1 − {dist}係数、{method}）", fontsize=11 * sc)
        fig.text(0.01, 0.012, displayable(f"語 {n}・クラスター {cl.n_clusters}（破線で切断）・括弧内と棒＝出現回数"),
                 fontsize=11 * sc, color="#333333", ha="left", va="bottom", parse_math=False)
    return fig


def plot_code_crosstab(crosstab, info: dict, *, size: str = "slide16x9", title: str | None = None):
    """Bubble map of the codes × groups cross-tab: area ∝ % of the group's units, colour = adjusted residual.

    Codes are rows and groups columns; with more groups than codes (and more
    than eight) the map is transposed so that every label stays readable.
    """
    check_size(size)
    import matplotlib as mpl
    import matplotlib.colors as mcolors

    sc = FONT_SCALE[size]
    groups = info["groups"]
    pv = crosstab["p_value"].to_numpy(dtype=float)
    stars = ["**" if p < 0.01 else "*" if p < 0.05 else "" for p in pv]
    codes = [f"{c} {s}".strip() for c, s in zip(crosstab["code"], stars)]
    gl = [f"{g} ({info['units_per_group'][g]})" for g in groups]
    pct = crosstab[[f"percent_{g}" for g in groups]].to_numpy(dtype=float)
    res = crosstab[[f"residual_{g}" for g in groups]].to_numpy(dtype=float)
    transpose = len(groups) > max(len(codes), 8)
    rows, cols = (gl, codes) if transpose else (codes, gl)
    if transpose:
        pct, res = pct.T, res.T
    with mpl.rc_context(setup_japanese_font()):
        fs_row = max(7.0, min(12.0, 0.6 * SIZES[size][1] * 72 / max(len(rows), 1))) * sc
        left = 0.03 + 0.0105 * fs_row / 12 * min(max((len(r) for r in rows), default=4), 40)
        fig, ax = _new_figure(size, (left, 0.1, 0.86 - left, 0.68 if title else 0.74))
        if title:
            fig.text(0.01, 0.985, displayable(title), fontsize=20 * sc, va="top", ha="left", parse_math=False)
        biggest = float(np.abs(res).max()) if res.size else 0.0
        lim = float(max(2.0, min(biggest, 5.0)))
        norm = mcolors.TwoSlopeNorm(vmin=-lim, vcenter=0.0, vmax=lim)
        cmap = mpl.colormaps["RdBu_r"]
        X, Y = np.meshgrid(np.arange(len(cols)), np.arange(len(rows)))
        cw = ax.bbox.width / max(len(cols), 1) * 72 / fig.dpi
        ch = ax.bbox.height / max(len(rows), 1) * 72 / fig.dpi
        cell = min(cw, ch)
        top = pct.max() if pct.size and pct.max() > 0 else 1.0
        sizes = (cell * 0.9) ** 2 * pct / top
        ax.scatter(X.ravel(), Y.ravel(), s=sizes.ravel(), c=res.ravel(), cmap=cmap, norm=norm,
                   edgecolors="#555555", linewidths=0.5, zorder=2)
        fs = max(6.0, min(10.0, ch * 0.45)) * sc
        if cw >= 4.2 * fs + cell * 0.45:  # room for the percentage beside the largest bubble
            for (i, j), p in np.ndenumerate(pct):
                ax.annotate(f"{p:.1f}%", (j, i), xytext=(np.sqrt(sizes[i, j]) / 2 + 3, 0),
                            textcoords="offset points", fontsize=fs * 0.85, ha="left", va="center",
                            color="#333333", zorder=3)
        ax.set_yticks(range(len(rows)), labels=[displayable(r) for r in rows], fontsize=fs_row)
        col_labels = [displayable(c.replace(" (", "\n(")) for c in cols]
        widest = max((len(part) for c in col_labels for part in c.split("\n")), default=1)
        tilt = widest * 12 * sc > cw * 0.95  # labels wider than their column: slant them
        ax.set_xticks(range(len(cols)), labels=col_labels, fontsize=12 * sc,
                      rotation=35 if tilt else 0, ha="left" if tilt else "center",
                      rotation_mode="anchor" if tilt else "default")
        ax.xaxis.tick_top()
        ax.set_xlim(-0.6, len(cols) - 0.4)
        ax.set_ylim(len(rows) - 0.4, -0.6)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.grid(True, color="#eeeeee", zorder=0)
        cax = fig.add_axes((0.9, 0.25, 0.015, 0.45))
        bar = fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), cax=cax,
                           extend="both" if biggest > lim else "neither")
        bar.ax.tick_params(labelsize=10 * sc)
        bar.set_label("調整済み残差", fontsize=11 * sc)
        fig.text(0.01, 0.012, displayable("円の面積 ∝ 各群の単位のうちコードに該当する割合（%、群名の括弧は単位数）"
                                           "・色＝調整済み残差・* p < .05 ** p < .01（χ²検定）"),
                 fontsize=11 * sc, color="#333333", ha="left", va="bottom", parse_math=False)
    return fig


def plot_code_network(G, *, size: str = "slide16x9", seed: int = 0, title: str | None = None):
    """The network of codes (Jaccard between the units of two codes); see :func:`cooccur.coding.code_network`."""
    from .plot import plot_network

    return plot_network(G, size=size, seed=seed, color_by="community",
                        title=title or f"コード間の関連（{len(G)} コード、Jaccard係数、図中の「語」はコード）")
