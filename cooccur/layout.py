"""Node positions and label placement for co-occurrence networks.

:func:`network_layout` computes positions (seeded Fruchterman–Reingold, one run
per connected component, components packed side by side) and returns plain
data: ``{node: (x, y)}`` in the unit square. :func:`place_labels` is the label
placer shared by the matplotlib figures (which measure text with the renderer)
and the interactive HTML page (which estimates text extents). Neither imports
matplotlib.

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
from typing import Hashable, Iterable, Sequence

__all__ = ["network_layout", "place_labels", "separate_markers", "LabelBox"]

#: Width / height of the area a layout is packed into (a 16:9 slide).
_ASPECT = 16 / 9

#: Type of a label box: (x0, y0, x1, y1) in display units, y growing upwards.
LabelBox = tuple[float, float, float, float]


def network_layout(G, *, seed: int = 0, iterations: int = 200,
                   aspect: float = _ASPECT) -> dict[Hashable, tuple[float, float]]:
    """Seeded, weight-aware Fruchterman–Reingold layout packed into the unit square.

    Each connected component is laid out on its own (so pieces do not drift to
    the corners), scaled to an area proportional to its number of nodes, and the
    pieces are packed in rows, largest first, into a box of the given aspect
    ratio. Both axes are then normalised to ``[0, 1]``: drawn into a figure of
    that aspect ratio the geometry is restored.

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

    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be a whole number, not {seed!r}")
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
        raise ValueError(f"iterations must be a positive whole number, not {iterations!r}")
    if not aspect > 0:
        raise ValueError(f"aspect must be a positive number (width / height), not {aspect!r}")
    if G.number_of_nodes() == 0:
        return {}

    H = _attraction_graph(G)
    comps = [sorted(c, key=_node_key) for c in nx.connected_components(H)]
    comps.sort(key=lambda c: (-len(c), _node_key(c[0])))

    pieces = []  # (nodes, coords (n, 2) in a box of side ~sqrt(n))
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
            coords = np.array([p[v] for v in nodes], dtype=float)
        coords = coords - coords.mean(axis=0)
        extent = np.abs(coords).max()
        if extent > 0:
            # side grows with sqrt(n); small pieces (paths, pairs) fill their box poorly
            coords = coords / extent * 0.5 * math.sqrt(n) * (1.1 if n >= 8 else 0.8)
        pieces.append((nodes, coords))

    placed = _pack(pieces, aspect)
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


def place_labels(anchors: Sequence[tuple[float, float]], radii: Sequence[float],
                 sizes: Sequence[tuple[float, float]], *, bounds: LabelBox,
                 order: Iterable[int] | None = None, pad: float = 2.0,
                 obstacles: Sequence[LabelBox] = (),
                 segments: Sequence[tuple[float, float, float, float]] = (),
                 rings: int = 12, spiral: int = 60) -> list[LabelBox | None]:
    """Greedy, deterministic label placement around circular markers.

    For each label, in ``order`` (most important first), candidate boxes are
    tried on rings around its marker: right, left, above, below, then the
    diagonals, at growing distances. The first ring with a box that overlaps
    no placed label, no marker, no obstacle and stays inside ``bounds`` wins;
    within a ring the box crossing the fewest ``segments`` (edges) is taken.
    A final nudge slides a label that found no box along a spiral.

    Parameters
    ----------
    anchors : sequence of (x, y)
        Marker centres in display units (y up).
    radii : sequence of float
        Marker radii in the same units (0 for a point).
    sizes : sequence of (width, height)
        Label extents, as measured by the renderer.
    bounds : (x0, y0, x1, y1)
        Every label must lie inside this box.
    order : iterable of int, optional
        Placement priority (default: input order).
    pad : float, default 2
        Minimum gap between a label and anything else.
    obstacles : sequence of boxes
        Fixed areas labels must avoid (legend, caption, square nodes).
    segments : sequence of (x0, y0, x1, y1)
        Edges; crossing them is allowed but avoided when possible.
    rings : int, default 12
        How many distances to try (each 0.3 label heights further out).
    spiral : int, default 60
        Steps of the final nudge along a spiral (0: none); each step moves
        0.1 label heights further out.

    Returns
    -------
    list
        One box ``(x0, y0, x1, y1)`` per label, or ``None`` when no free place
        exists (the caller then shrinks the font or drops the label).
    """
    n = len(anchors)
    if not (len(radii) == len(sizes) == n):
        raise ValueError("anchors, radii and sizes must have the same length")
    order = list(range(n)) if order is None else list(order)
    circles = [(float(x), float(y), float(r)) for (x, y), r in zip(anchors, radii)]
    placed: list[LabelBox] = list(obstacles)
    result: list[LabelBox | None] = [None] * n
    bx0, by0, bx1, by1 = bounds

    def free(box: LabelBox) -> bool:
        x0, y0, x1, y1 = box
        if x0 < bx0 or y0 < by0 or x1 > bx1 or y1 > by1:
            return False
        for q in placed:
            if x0 < q[2] + pad and q[0] < x1 + pad and y0 < q[3] + pad and q[1] < y1 + pad:
                return False
        for cx, cy, r in circles:
            dx = cx - min(max(cx, x0), x1)
            dy = cy - min(max(cy, y0), y1)
            if dx * dx + dy * dy < (r + pad) ** 2:
                return False
        return True

    for i in order:
        (ax, ay), r = anchors[i], float(radii[i])
        w, h = sizes[i]
        best = None
        for ring in range(rings):
            gap = pad + 1.0 + ring * max(h * 0.3, 3.0)
            cands = _candidates(ax, ay, r + gap, w, h)
            ok = [(k, c) for k, c in enumerate(cands) if free(c)]
            if ok:
                best = min(ok, key=lambda kc: (_crossings(kc[1], segments), kc[0]))[1]
                break
        if best is None:  # final nudge: spiral outwards from the right-hand box
            for step in range(1, spiral + 1):
                ang = step * 0.6
                dist = r + pad + step * max(h * 0.1, 1.0)
                cx, cy = ax + dist * math.cos(ang), ay + dist * math.sin(ang)
                box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
                if free(box):
                    best = box
                    break
        if best is not None:
            placed.append(best)
        result[i] = best
    return result


def separate_markers(P, R, *, bounds: LabelBox, gap: float = 4.0, iterations: int = 80):
    """Push overlapping circular markers apart, keeping them inside ``bounds``.

    Deterministic relaxation: each round moves every pair that is closer than
    the sum of their radii plus ``gap`` apart by half the shortfall each.

    Parameters
    ----------
    P : array (n, 2)
        Centres in display units.
    R : array (n,)
        Radii.
    bounds : (x0, y0, x1, y1)
    gap : float
    iterations : int

    Returns
    -------
    numpy.ndarray
        New centres (a copy).
    """
    import numpy as np

    P = P.astype(float).copy()
    n = len(P)
    if n < 2:
        return P
    x0, y0, x1, y1 = bounds
    for _ in range(iterations):
        d = P[:, None, :] - P[None, :, :]
        dist = np.sqrt((d ** 2).sum(-1))
        need = R[:, None] + R[None, :] + gap
        np.fill_diagonal(need, 0.0)
        over = np.clip(need - dist, 0.0, None)
        np.fill_diagonal(over, 0.0)
        if not over.any():
            break
        safe = np.where(dist > 1e-9, dist, 1.0)
        unit = d / safe[..., None]
        # coincident points: separate along a fixed, index-based direction
        same = dist <= 1e-9
        if same.any():
            ang = (np.arange(n)[:, None] - np.arange(n)[None, :]) * 0.7
            unit[same] = np.stack([np.cos(ang), np.sin(ang)], -1)[same]
        P += 0.5 * (unit * over[..., None]).sum(1)
        P[:, 0] = np.clip(P[:, 0], x0, x1)
        P[:, 1] = np.clip(P[:, 1], y0, y1)
    return P


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


def _pack(pieces, aspect):
    """Shelf-pack component pieces (largest first) into rows of the aspect ratio."""
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


def _candidates(ax, ay, d, w, h) -> list[LabelBox]:
    """Boxes around (ax, ay) at distance d, in order of preference.

    Right, left, above, below, then the same sides shifted half a label
    along the side, then the diagonals.
    """
    c = d * 0.7071
    s = h * 0.5
    q = w * 0.3
    return [
        (ax + d, ay - h / 2, ax + d + w, ay + h / 2),          # right
        (ax - d - w, ay - h / 2, ax - d, ay + h / 2),          # left
        (ax - w / 2, ay + d, ax + w / 2, ay + d + h),          # above
        (ax - w / 2, ay - d - h, ax + w / 2, ay - d),          # below
        (ax + d, ay - h / 2 + s, ax + d + w, ay + h / 2 + s),  # right, a little higher
        (ax + d, ay - h / 2 - s, ax + d + w, ay + h / 2 - s),  # right, a little lower
        (ax - d - w, ay - h / 2 + s, ax - d, ay + h / 2 + s),
        (ax - d - w, ay - h / 2 - s, ax - d, ay + h / 2 - s),
        (ax - w / 2 + q, ay + d, ax + w / 2 + q, ay + d + h),  # above, shifted right
        (ax - w / 2 - q, ay + d, ax + w / 2 - q, ay + d + h),
        (ax - w / 2 + q, ay - d - h, ax + w / 2 + q, ay - d),
        (ax - w / 2 - q, ay - d - h, ax + w / 2 - q, ay - d),
        (ax + c, ay + c, ax + c + w, ay + c + h),              # upper right
        (ax - c - w, ay + c, ax - c, ay + c + h),              # upper left
        (ax + c, ay - c - h, ax + c + w, ay - c),              # lower right
        (ax - c - w, ay - c - h, ax - c, ay - c),              # lower left
    ]


def _crossings(box: LabelBox, segments) -> int:
    x0, y0, x1, y1 = box
    n = 0
    for sx0, sy0, sx1, sy1 in segments:
        if max(sx0, sx1) < x0 or min(sx0, sx1) > x1 or max(sy0, sy1) < y0 or min(sy0, sy1) > y1:
            continue
        if _segment_hits_box(sx0, sy0, sx1, sy1, x0, y0, x1, y1):
            n += 1
    return n


def _segment_hits_box(px, py, qx, qy, x0, y0, x1, y1) -> bool:
    """Liang–Barsky clipping: does segment p→q meet the box?"""
    t0, t1 = 0.0, 1.0
    dx, dy = qx - px, qy - py
    for p, q in ((-dx, px - x0), (dx, x1 - px), (-dy, py - y0), (dy, y1 - py)):
        if p == 0:
            if q < 0:
                return False
        else:
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                return False
    return True
