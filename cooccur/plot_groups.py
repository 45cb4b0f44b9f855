"""Group figures: the word–attribute network and the two-group comparison.

Split from :mod:`cooccur.plot` (same drawing core, same look); both functions
are also importable from :mod:`cooccur.plot` and the package root.
"""

from __future__ import annotations

from .layout import network_layout
from .plot import (FONT_SCALE, HIGHLIGHT, GREY, PALETTE, Size, figure_aspect, check_size, displayable, draw_network_axes,
                   new_figure, sorted_edges, sorted_nodes, setup_japanese_font)

__all__ = ["plot_attribute_network", "plot_comparison", "comparison_png"]


def plot_attribute_network(G, pos=None, *, ax=None, size: Size = "slide16x9", title: str | None = None,
                           seed: int = 0):
    """Word–attribute network: attributes (speakers, groups) as labelled squares, terms as bubbles.

    A term linked to a single attribute takes that attribute's colour; a term
    shared by several attributes is grey.

    Parameters
    ----------
    G : networkx.Graph
        Node attribute ``kind`` is ``"attribute"`` or ``"term"``.
    pos : dict, optional
    ax : matplotlib Axes, optional
    size : {"slide16x9", "slide4x3", "a4"}
    title : str, optional
    seed : int

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_size(size)
    import matplotlib as mpl

    with mpl.rc_context(setup_japanese_font()):
        fig, ax = new_figure(ax, size, title, False)
        pos = network_layout(G, seed=seed, aspect=figure_aspect(ax)) if pos is None else pos
        attrs = [v for v in sorted_nodes(G) if G.nodes[v].get("kind") == "attribute"]
        terms = [v for v in sorted_nodes(G) if G.nodes[v].get("kind") != "attribute"]
        acol = {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(attrs)}
        faces = {}
        for t in terms:
            linked = [a for a in G.neighbors(t) if a in acol]
            faces[t] = acol[linked[0]] if len(linked) == 1 else GREY
        edges = [(u, v, float(d.get("weight", 1.0)), False, False) for u, v, d in sorted_edges(G)]
        caption = f"属性 {len(attrs)}・語 {len(terms)}・円の面積 ∝ 出現回数・灰色＝複数の属性に共通する語"
        omitted = G.graph.get("omitted_groups") or []
        if omitted:
            caption = (f"属性 {len(attrs)}（全 {len(attrs) + len(omitted)} のうち単位数の多い順。"
                       f"ほか {len(omitted)} は attribute_groups.csv）・語 {len(terms)}・円の面積 ∝ 出現回数"
                       "・灰色＝複数の属性に共通")
        draw_network_axes(ax, terms, pos, G, faces=faces, edges=edges, scale=FONT_SCALE[size], caption=caption,
              legend=[], colorbar=None, edge_labels=False, squares={a: acol[a] for a in attrs})
    return fig


def plot_comparison(graph_a, graph_b, *, labels: tuple[str, str] = ("A", "B"), size: Size = "slide16x9",
                    pos=None, seed: int = 0, title: str | None = None):
    """Two networks side by side on one shared layout; what only one group has is highlighted.

    Terms present in both graphs sit at the same place in both panels. Terms
    and edges found in only one group are drawn in vermillion; shared ones in
    blue and grey.

    Parameters
    ----------
    graph_a, graph_b : networkx.Graph
    labels : (str, str)
        Panel titles (group names).
    size : {"slide16x9", "slide4x3", "a4"}
    pos : dict, optional
        Positions for the union of both graphs' nodes.
    seed : int
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_size(size)
    if len(labels) != 2:
        raise ValueError("labels must be a pair of group names, e.g. labels=('2022年', '2023年')")
    import matplotlib as mpl
    import networkx as nx

    union = nx.compose(graph_b, graph_a)
    with mpl.rc_context(setup_japanese_font()):
        fig, base = new_figure(None, size, title, False)
        fig.delaxes(base)
        top = 0.925 if title else 0.99
        axes = [fig.add_axes((0.005 + 0.5 * i, 0.0, 0.49, top - 0.065)) for i in range(2)]
        if pos is None:
            pos = network_layout(union, seed=seed, aspect=figure_aspect(axes[0]))
        # one set of display positions for both panels, with room for every term's label
        scratch = fig.add_axes(axes[0].get_position().bounds)
        un = sorted_nodes(union)
        draw_network_axes(scratch, un, pos, union, faces={v: GREY for v in un}, edges=[(u, v, 1.0, False, False) for u, v, _ in
              sorted_edges(union)], scale=FONT_SCALE[size] * 0.9, caption="朱色", legend=[], colorbar=None,
              edge_labels=False, bubble_scale=0.7)
        shared = scratch.cooccur_positions
        fig.delaxes(scratch)
        for ax, G, other, name in ((axes[0], graph_a, graph_b, labels[0]), (axes[1], graph_b, graph_a, labels[1])):
            ax.set_axis_off()
            nodes = sorted_nodes(G)
            faces = {v: (PALETTE[1] if v in other else HIGHLIGHT) for v in nodes}
            edges = [(u, v, float(d.get("weight", 1.0)), False, not other.has_edge(u, v))
                     for u, v, d in sorted_edges(G)]
            only_t = sum(v not in other for v in nodes)
            only_e = sum(e[4] for e in edges)
            caption = f"朱色＝{name}のみ（語 {only_t}・共起 {only_e}）・青と灰＝共通"
            fig.text(ax.get_position().x0 + 0.01, top - 0.005, displayable(str(name)),
                     fontsize=20 * FONT_SCALE[size], va="top", ha="left", parse_math=False)
            draw_network_axes(ax, nodes, pos, G, faces=faces, edges=edges, scale=FONT_SCALE[size] * 0.9, caption=caption,
                  legend=[], colorbar=None, edge_labels=False, highlight_color=HIGHLIGHT, bubble_scale=0.7,
                  shared=shared)
    return fig




def comparison_png(result, *, size: Size = "slide16x9", seed: int = 0, dpi: int = 200,
                   transparent: bool = False) -> bytes:
    """comparison.png of a :class:`~cooccur.groups.ComparisonResult`, as ``analyze --group-by`` and
    ``cooccur compare`` both write it (same parameters, same bytes)."""
    from .plot import figure_bytes

    fig = plot_comparison(result.graph_a, result.graph_b, labels=tuple(result.groups), size=size, seed=seed)
    return figure_bytes(fig, "png", dpi=dpi, transparent=transparent)
