"""Node positions for co-occurrence networks.

:func:`network_layout` computes positions (seeded Fruchterman–Reingold, one run
per connected component) and returns plain data: ``{node: (x, y)}`` in the
unit square. The largest components get most of the drawing area; small ones
(pairs, triangles) are stacked compactly in a strip at the right or bottom.
The label placer shared by the matplotlib figures and the interactive HTML
page lives in :mod:`cooccur.labels` and is re-exported here. Nothing here
imports matplotlib.

>>> import networkx as nx
>>> G = nx.Graph([("予算", "審議"), ("審議", "委員会"), ("防災", "訓練")])
>>> pos = network_layout(G, seed=0)
>>> sorted(pos) == sorted(G)
True
>>> all(0.0 <= x <= 1.0 and 0.0 <= y <= 1.0 for x, y in pos.values())
True
"""

from __future__ import annotations

import math
from typing import Hashable

from .labels import LabelBox, place_labels, separate_footprints, separate_markers
from .validate import check_int

__all__ = ["network_layout", "place_labels", "separate_markers", "separate_footprints", "LabelBox"]

#: Width / height of the area a layout is packed into (a 16:9 slide).
_ASPECT = 16 / 9
#: Components with fewer nodes than this share of the largest go to the side strip.
_SMALL_SHARE = 0.3
#: Node count below which a component's share of the area is not reduced further.
_MIN_SHARE_NODES = 3
#: Components with fewer nodes than this always go to the side strip.
_MIN_MAIN_NODES = 4
#: Largest ratio between the horizontal and vertical stretch of a component.
_MAX_STRETCH = 1.6


def network_layout(G, *, seed: int = 0, iterations: int = 200,
                   aspect: float = _ASPECT) -> dict[Hashable, tuple[float, float]]:
    """Seeded, weight-aware Fruchterman–Reingold layout packed into the unit square.

    Each connected component is laid out on its own (so pieces do not drift to
    the corners) and turned so that its long axis is horizontal. The large
    components (at least 4 nodes and 30% of the largest one's nodes) share the main area
    and are stretched to fill it (at most 1.6 times more along one axis than
    the other); the small ones are stacked in a strip at the right or at the
    bottom, whichever leaves the main area closer to the main components'
    shape. The strip's share of the area is proportional to its node count
    (each component counting at least 3 nodes), between 12% and 40%, and a
    small component is never drawn at a larger scale than the main one. Both
    axes are then normalised to ``[0, 1]``: drawn into a figure of that aspect
    ratio the geometry is restored.

    Parameters
    ----------
    G : networkx.Graph
        Edge attribute ``weight`` (any real scale, negative allowed) sets the
        pull of each edge after rescaling to ``[0.2, 1]``.
    seed : int, default 0
        Same seed, same positions (the computation uses no BLAS call whose
        result depends on the number of threads, and nodes are processed in
        sorted order so insertion order does not matter).
    iterations : int, default 200
        Fruchterman–Reingold iterations per component.
    aspect : float, default 16/9
        Width / height of the target drawing area.

    Returns
    -------
    dict
        ``{node: (x, y)}`` with plain Python floats rounded to 6 decimals.
    """
    import networkx as nx
    import numpy as np

    check_int("seed", seed)
    check_int("iterations", iterations, minimum=1)
    if not aspect > 0:
        raise ValueError(f"aspect must be a positive number (width / height), not {aspect!r}")
    if G.number_of_nodes() == 0:
        return {}

    H = _attraction_graph(G)
    comps = [sorted(c, key=_node_key) for c in nx.connected_components(H)]
    comps.sort(key=lambda c: (-len(c), _node_key(c[0])))

    pieces = []  # (nodes, coords (n, 2) centred, long axis horizontal, side ~sqrt(n))
    for nodes in comps:
        n = len(nodes)
        if n == 1:
            coords = np.zeros((1, 2))
        elif n == 2:
            coords = np.array([[-0.5, 0.0], [0.5, 0.0]])
        else:
            sub = nx.Graph()
            sub.add_nodes_from(nodes)
            sub.add_edges_from(sorted(((u, v, d) for u, v, d in H.subgraph(nodes).edges(data=True)),
                                      key=lambda e: (_node_key(e[0]), _node_key(e[1]))))
            p = nx.spring_layout(sub, k=None, iterations=iterations, weight="weight",
                                 seed=seed, scale=None, method="force")
            coords = _level(np.array([p[v] for v in nodes], dtype=float))
        coords = coords - coords.mean(axis=0)
        extent = np.abs(coords).max()
        if extent > 0:
            # side grows with sqrt(n); small pieces (paths, pairs) fill their box poorly
            coords = coords / extent * 0.5 * math.sqrt(n) * (1.1 if n >= 8 else 0.8)
        pieces.append((nodes, coords))

    placed = _arrange(pieces, aspect)
    allc = np.vstack([c for _, c in placed])
    lo, hi = allc.min(axis=0), allc.max(axis=0)
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    out: dict[Hashable, tuple[float, float]] = {}
    for nodes, coords in placed:
        norm = (coords - lo) / span
        norm[:, (hi - lo) == 0] = 0.5
        for v, (x, y) in zip(nodes, norm):
            out[v] = (round(float(x), 6) + 0.0, round(float(y), 6) + 0.0)
    return {v: out[v] for v in sorted(out, key=_node_key)}


# --------------------------------------------------------------------------- helpers


def _node_key(v) -> tuple[str, str]:
    return (type(v).__name__, str(v))


def _attraction_graph(G):
    """Copy of G with ``weight`` rescaled to [0.2, 1] (rank-free min-max), nodes sorted."""
    import networkx as nx

    H = nx.Graph()
    H.add_nodes_from(sorted(G.nodes, key=_node_key))
    raw = []
    for u, v, d in G.edges(data=True):
        w = d.get("weight", 1.0)
        try:
            w = float(w)
        except (TypeError, ValueError):
            w = 1.0
        if not math.isfinite(w):
            w = 1.0
        raw.append((u, v, w))
    if raw:
        lo = min(w for _, _, w in raw)
        hi = max(w for _, _, w in raw)
        for u, v, w in sorted(raw, key=lambda e: (_node_key(e[0]), _node_key(e[1]))):
            s = 1.0 if hi == lo else 0.2 + 0.8 * (w - lo) / (hi - lo)
            H.add_edge(u, v, weight=s)
    return H


def _shelf(pieces, aspect):
    """Shelf-pack component pieces (largest first) into rows of the aspect ratio (natural units)."""
    import numpy as np

    margin = 0.3
    boxes = []
    for nodes, coords in pieces:
        lo, hi = coords.min(axis=0), coords.max(axis=0)
        w = max(hi[0] - lo[0], 0.0) + 2 * margin
        h = max(hi[1] - lo[1], 0.0) + 2 * margin
        boxes.append((w, h, lo))
    total_w = sum(b[0] for b in boxes)
    best = None
    for limit in sorted({max(b[0] for b in boxes)} | {sum(b[0] for b in boxes[: k + 1]) for k in range(len(boxes))}):
        if limit > total_w + 1e-9:
            continue
        rows, row, x = [], [], 0.0
        for i, b in enumerate(boxes):
            if row and x + b[0] > limit + 1e-9:
                rows.append(row)
                row, x = [], 0.0
            row.append(i)
            x += b[0]
        rows.append(row)
        width = max(sum(boxes[i][0] for i in r) for r in rows)
        height = sum(max(boxes[i][1] for i in r) for r in rows)
        score = (abs(math.log((width / height) / aspect)), width * height)
        if best is None or score < best[0]:
            best = (score, rows)
    rows = best[1]
    placed, y = [], 0.0
    for r in rows:
        rh = max(boxes[i][1] for i in r)
        x = 0.0
        for i in r:
            w, h, lo = boxes[i]
            nodes, coords = pieces[i]
            hi_y = coords[:, 1].max()
            shift = np.array([x + margin - lo[0], -y - (rh - h) / 2 - margin - hi_y])
            placed.append((nodes, coords + shift))
            x += w
        y += rh
    return placed


def _level(coords):
    """Turn a point cloud so that its principal (long) axis is horizontal."""
    import numpy as np

    c = coords - coords.mean(axis=0)
    sxx, syy, sxy = float((c[:, 0] ** 2).sum()), float((c[:, 1] ** 2).sum()), float((c[:, 0] * c[:, 1]).sum())
    theta = 0.5 * math.atan2(2 * sxy, sxx - syy)
    cos, sin = math.cos(-theta), math.sin(-theta)
    return np.stack([c[:, 0] * cos - c[:, 1] * sin, c[:, 0] * sin + c[:, 1] * cos], axis=1)


def _bbox(pieces):
    import numpy as np

    allc = np.vstack([c for _, c in pieces])
    return allc.min(axis=0), allc.max(axis=0)


def _fit(pieces, box, *, stretch, max_scale=None, margin=0.04):
    """Scale and move pieces (together) into box (x0, y0, x1, y1); returns (pieces, isotropic scale)."""
    import numpy as np

    lo, hi = _bbox(pieces)
    w, h = hi - lo
    bw, bh = max(box[2] - box[0] - 2 * margin, 1e-9), max(box[3] - box[1] - 2 * margin, 1e-9)
    sx = bw / w if w > 1e-12 else math.inf
    sy = bh / h if h > 1e-12 else math.inf
    s = min(sx, sy)
    if max_scale is not None:
        s = min(s, max_scale)
    if not math.isfinite(s):
        s = 1.0 if max_scale is None else max_scale
    scale = np.array([min(sx, s * stretch), min(sy, s * stretch)])
    centre = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
    mid = (lo + hi) / 2
    return [(nodes, (c - mid) * scale + centre) for nodes, c in pieces], s


def _natural_aspect(pieces, margin=0.6):
    lo, hi = _bbox(pieces)
    return (hi[0] - lo[0] + margin) / (hi[1] - lo[1] + margin)


def _arrange(pieces, aspect):
    """Place component pieces in the box (0, 0, aspect, 1): main area plus a strip of small ones."""
    nmax = len(pieces[0][0])
    cut = max(_MIN_MAIN_NODES, _SMALL_SHARE * nmax)
    big = [p for p in pieces if len(p[0]) >= cut]
    small = [p for p in pieces if not big or len(p[0]) < cut]
    whole = (0.0, 0.0, aspect, 1.0)
    if not big or not small:
        placed = _shelf(pieces, aspect) if len(pieces) > 1 else pieces
        return _fit(placed, whole, stretch=_MAX_STRETCH)[0]
    main = _shelf(big, aspect) if len(big) > 1 else big
    share = [max(len(p[0]), _MIN_SHARE_NODES) for p in pieces]
    f = min(max(sum(share[len(big):]) / sum(share), 0.12), 0.4)
    am = _natural_aspect(main)
    right = ((0.0, 0.0, aspect * (1 - f), 1.0), (aspect * (1 - f), 0.0, aspect, 1.0), True)
    bottom = ((0.0, f, aspect, 1.0), (0.0, 0.0, aspect, f), False)
    main_box, strip, vertical = min((right, bottom), key=lambda o: abs(math.log(
        (o[0][2] - o[0][0]) / (o[0][3] - o[0][1]) / am)))
    out, unit = _fit(main, main_box, stretch=_MAX_STRETCH)
    for cell, piece in _strip_cells(small, strip, vertical):
        out.extend(_fit([piece], cell, stretch=1.0, max_scale=unit, margin=0.03)[0])
    return out


def _strip_cells(small, strip, vertical):
    """Cells of the strip for each small piece: lanes across it, cells along it sized by node count."""
    x0, y0, x1, y1 = strip
    long_, short = (y1 - y0, x1 - x0) if vertical else (x1 - x0, y1 - y0)
    best = None
    for lanes in range(1, min(4, len(small)) + 1):
        per = math.ceil(len(small) / lanes)
        groups = [small[k * per:(k + 1) * per] for k in range(lanes)]
        cells, cost = [], 0.0
        for k, grp in enumerate(groups):
            if not grp:
                continue
            weights = [max(len(p[0]), _MIN_SHARE_NODES) for p in grp]
            total, at = float(sum(weights)), 0.0
            for p, wgt in zip(grp, weights):
                length = long_ * wgt / total
                a, b = at, at + length
                lane0, lane1 = short * k / lanes, short * (k + 1) / lanes
                if vertical:  # lanes are columns; cells run from the top down
                    cell = (x0 + lane0, y1 - b, x0 + lane1, y1 - a)
                else:
                    cell = (x0 + a, y0 + lane0, x0 + b, y0 + lane1)
                cells.append((cell, p))
                ratio = (cell[2] - cell[0]) / (cell[3] - cell[1])
                cost += abs(math.log(ratio / _natural_aspect([p])))
                at = b
        if best is None or cost < best[0] - 1e-9:
            best = (cost, cells)
    return best[1]
