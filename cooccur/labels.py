"""Label placement and overlap removal for network figures (no matplotlib).

:func:`place_labels` puts each label next to its own marker, never over another
label, marker or obstacle, and never where it would sit nearer to a neighbour's
marker than to its own. :func:`separate_markers` pushes overlapping circles
apart; :func:`separate_footprints` does the same for markers together with
their labels, which is how a figure makes room for a label instead of exiling
it. :func:`nearest_marker` tells which marker a label box reads as belonging to.
All coordinates are display units with y growing upwards. Everything here is
plain computation; the caption and legend band is drawn by
:func:`cooccur.footer.draw_footer` (``labels.draw_footer`` still works, with a
DeprecationWarning, until the next release).

>>> place_labels([(100.0, 100.0)], [10.0], [(40.0, 20.0)], bounds=(0, 0, 500, 500))
[(113.0, 90.0, 153.0, 110.0)]
"""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

__all__ = ["place_labels", "make_room", "rescue_labels", "leader_lines", "place_edge_labels", "flow",
           "separate_markers", "separate_footprints", "nearest_marker", "nearest_distance", "LabelBox"]

#: Type of a label box: (x0, y0, x1, y1) in display units, y growing upwards.
LabelBox = tuple[float, float, float, float]


def __getattr__(name: str):
    if name == "draw_footer":  # moved to cooccur.footer (drawing does not belong with the placement maths)
        import warnings

        from .footer import draw_footer

        warnings.warn("cooccur.labels.draw_footer moved to cooccur.footer.draw_footer; the old name goes in the "
                      "next release", DeprecationWarning, stacklevel=2)
        return draw_footer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def place_labels(anchors: Sequence[tuple[float, float]], radii: Sequence[float],
                 sizes: Sequence[tuple[float, float]], *, bounds: LabelBox,
                 order: Iterable[int] | None = None, pad: float = 2.0,
                 obstacles: Sequence[LabelBox] = (),
                 segments: Sequence[tuple[float, float, float, float]] = (),
                 rings: int = 12, spiral: int = 60, claim: float = 0.25,
                 hints: Sequence[LabelBox | None] | None = None) -> list[LabelBox | None]:
    """Greedy, deterministic label placement around circular markers.

    For each label, in ``order`` (most important first), candidate boxes are
    tried on rings around its marker: right, left, above, below, then shifted
    sides and the diagonals, at growing distances. A box is acceptable when it
    stays inside ``bounds``, overlaps no placed label, marker or obstacle, and
    is unambiguous: every other marker is farther from the box than its own
    marker by at least ``claim`` label heights. The first ring with an
    acceptable box wins; within a ring the box crossing the fewest
    ``segments`` (edges) is taken. A label that found no box may then slide
    along a spiral (``spiral`` steps); such a box is far from its marker and
    needs a leader line, so the caller should keep ``spiral`` at 0 until it has
    tried making room.

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
        0.1 label heights further out. The spiral ignores ``claim``.
    claim : float, default 0.25
        Required lead, in label heights, of the own marker over the nearest
        other marker (distances from the box to the markers' edges).
    hints : sequence of boxes or None, optional
        Per label, a box relative to its anchor ``(dx0, dy0, dx1, dy1)`` tried
        before the rings (to keep a label where it was after markers moved).

    Returns
    -------
    list
        One box ``(x0, y0, x1, y1)`` per label, or ``None`` when no free place
        exists (the caller then makes room, shrinks the font or drops the label).
    """
    import numpy as np

    n = len(anchors)
    if not (len(radii) == len(sizes) == n):
        raise ValueError("anchors, radii and sizes must have the same length")
    if not claim >= 0:
        raise ValueError(f"claim must be zero or a positive number of label heights, not {claim!r}")
    order = list(range(n)) if order is None else list(order)
    C = np.asarray(anchors, dtype=float).reshape(n, 2)
    Rr = np.asarray(radii, dtype=float).reshape(n)
    S = np.asarray(segments, dtype=float).reshape(-1, 4)
    taken = np.full((len(obstacles) + n, 4), np.nan)
    taken[:len(obstacles)] = np.asarray(obstacles, dtype=float).reshape(-1, 4)
    count = len(obstacles)
    result: list[LabelBox | None] = [None] * n
    bx0, by0, bx1, by1 = bounds

    def acceptable(cands, i, h, strict):
        x0, y0, x1, y1 = (cands[:, k:k + 1] for k in range(4))
        ok = (x0[:, 0] >= bx0) & (y0[:, 0] >= by0) & (x1[:, 0] <= bx1) & (y1[:, 0] <= by1)
        if count:
            q = taken[:count]
            hit = (x0 < q[:, 2] + pad) & (q[:, 0] < x1 + pad) & (y0 < q[:, 3] + pad) & (q[:, 1] < y1 + pad)
            ok &= ~hit.any(axis=1)
        if n:
            dx = C[:, 0] - np.clip(C[:, 0], x0, x1)
            dy = C[:, 1] - np.clip(C[:, 1], y0, y1)
            edge = np.sqrt(dx * dx + dy * dy) - Rr  # (cands, markers) distance to each marker's edge
            ok &= ~(edge < pad).any(axis=1)
            if strict:
                own = np.maximum(edge[:, i], 0.0)
                others = np.delete(edge, i, axis=1)
                lead = others.min(axis=1) if others.shape[1] else np.full(len(cands), np.inf)
                ok &= lead >= own + claim * h
        return ok

    for i in order:
        (ax, ay), r = C[i], float(Rr[i])
        w, h = sizes[i]
        best = None
        hint = hints[i] if hints is not None else None
        if hint is not None:
            box = np.array([[ax + hint[0], ay + hint[1], ax + hint[2], ay + hint[3]]])
            if acceptable(box, i, h, True)[0]:
                best = tuple(float(x) for x in box[0])
        for ring in range(rings if best is None else 0):
            gap = pad + 1.0 + ring * max(h * 0.3, 3.0)
            cands = np.array(_candidates(ax, ay, r + gap, w, h))
            ok = np.flatnonzero(acceptable(cands, i, h, True))
            if len(ok):
                cross = _crossings(cands[ok], S)
                best = tuple(float(x) for x in cands[ok[int(np.argmin(cross))]])
                break
        if best is None:  # last resort: spiral outwards (the caller draws a leader line)
            for step in range(1, spiral + 1):
                ang = step * 0.6
                dist = r + pad + step * max(h * 0.1, 1.0)
                cx, cy = ax + dist * math.cos(ang), ay + dist * math.sin(ang)
                box = np.array([[cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]])
                if acceptable(box, i, h, False)[0]:
                    best = tuple(float(x) for x in box[0])
                    break
        if best is not None:
            taken[count] = best
            count += 1
        result[i] = best
    return result


def nearest_marker(box: LabelBox, anchors: Sequence[tuple[float, float]], radii: Sequence[float]) -> int:
    """Index of the marker whose edge is nearest to ``box`` (ties: lowest index)."""
    x0, y0, x1, y1 = box
    best, idx = math.inf, -1
    for k, ((cx, cy), r) in enumerate(zip(anchors, radii)):
        d = math.hypot(cx - min(max(cx, x0), x1), cy - min(max(cy, y0), y1)) - float(r)
        if d < best:
            best, idx = d, k
    return idx


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


def separate_footprints(P, parts, *, bounds: LabelBox, gap: float = 4.0, iterations: int = 60):
    """Move markers so that their footprints (marker plus label boxes) stop overlapping.

    Each footprint part is a box given relative to its owner's centre. Every
    round, each overlapping pair of parts of different owners is pushed apart
    along the axis of least overlap, half the overlap each, in the direction
    from one owner's centre to the other's; owners stay where
    their whole footprint fits inside ``bounds``. Deterministic.

    Parameters
    ----------
    P : array (n, 2)
        Owner centres in display units.
    parts : sequence of (owner, dx0, dy0, dx1, dy1)
        Boxes relative to the owner's centre.
    bounds : (x0, y0, x1, y1)
        Every part must stay inside this box (where it fits at all).
    gap : float, default 4
        Clearance kept between parts of different owners.
    iterations : int, default 60

    Returns
    -------
    numpy.ndarray
        New centres (a copy).
    """
    import numpy as np

    P = np.asarray(P, dtype=float).copy()
    B = np.asarray(parts, dtype=float).reshape(-1, 5)
    if len(P) < 2 or len(B) < 2:
        return P
    own = B[:, 0].astype(int)
    rel = B[:, 1:]
    n = len(P)
    lo = np.full((n, 2), np.inf)
    hi = np.full((n, 2), -np.inf)
    np.minimum.at(lo, own, rel[:, :2])
    np.maximum.at(hi, own, rel[:, 2:])
    bx0, by0, bx1, by1 = bounds
    cmin = np.array([bx0, by0]) - lo
    cmax = np.array([bx1, by1]) - hi
    mid = (cmin + cmax) / 2
    cmin, cmax = np.where(cmin <= cmax, cmin, mid), np.where(cmin <= cmax, cmax, mid)
    other = own[:, None] != own[None, :]
    tie = np.sign(own[:, None] - own[None, :]).astype(float)
    for _ in range(iterations):
        A = rel + np.tile(P[own], 2)
        ox = np.minimum(A[:, None, 2], A[None, :, 2]) - np.maximum(A[:, None, 0], A[None, :, 0]) + gap
        oy = np.minimum(A[:, None, 3], A[None, :, 3]) - np.maximum(A[:, None, 1], A[None, :, 1]) + gap
        hit = (ox > 0) & (oy > 0) & other
        if not hit.any():
            break
        # direction: from the other owner's centre (so all parts of a pair of owners agree),
        # then from the parts' centres, then by index
        O = P[own]
        cx = (A[:, 0] + A[:, 2]) / 2
        cy = (A[:, 1] + A[:, 3]) / 2
        sx = np.sign(O[:, None, 0] - O[None, :, 0])
        sy = np.sign(O[:, None, 1] - O[None, :, 1])
        sx = np.where(sx == 0, np.sign(cx[:, None] - cx[None, :]), sx)
        sy = np.where(sy == 0, np.sign(cy[:, None] - cy[None, :]), sy)
        sx = np.where(sx == 0, tie, sx)
        sy = np.where(sy == 0, tie, sy)
        alongx = ox <= oy
        mx = np.where(hit & alongx, 0.5 * ox * sx, 0.0).sum(axis=1)
        my = np.where(hit & ~alongx, 0.5 * oy * sy, 0.0).sum(axis=1)
        move = np.zeros((n, 2))
        np.add.at(move, own, np.stack([mx, my], axis=1))
        P = np.clip(P + move, cmin, cmax)
    return P


def make_room(P, R, sizes, *, bounds: LabelBox, links: Sequence[tuple[int, int]] = (),
              obstacles: Sequence[LabelBox] = (), pad: float = 2.0, rounds: int = 8, rings: int = 2,
              claim: float = 0.25, min_scale: float = 0.8):
    """Place every label touching its own marker, spreading markers and shrinking them as needed.

    Each round places the labels with :func:`place_labels` restricted to the
    spots right next to their markers (``rings``) and unambiguous (``claim``).
    When some label finds no such spot, the markers are moved apart so that
    every marker with its label (placed, or wanted at its right) has room
    (:func:`separate_footprints`), and from the third round on the labelled
    markers shrink by 5% a round (not below ``min_scale``). Labels still without a
    spot after the last round are ``None``: the caller decides (smaller font,
    a short leader line).

    Parameters
    ----------
    P : array (n, 2)
        Marker centres in display units.
    R : array (n,)
        Marker radii.
    sizes : sequence of (width, height) or None
        Label extents; ``None`` for a marker without a label (it is still an
        obstacle and is never shrunk).
    bounds : (x0, y0, x1, y1)
        Labels and markers stay inside this box.
    links : sequence of (i, j)
        Edges between markers, as index pairs (labels avoid crossing them).
    obstacles : sequence of boxes
    pad : float, default 2
    rounds : int, default 8
    rings : int, default 2
    claim : float, default 0.25
    min_scale : float, default 0.8
        Smallest factor applied to the labelled markers' radii.

    Returns
    -------
    (P, scale, boxes)
        New centres, the radius factor applied to labelled markers, and one
        box or ``None`` per marker.
    """
    import numpy as np

    P = np.asarray(P, dtype=float).copy()
    R = np.asarray(R, dtype=float)
    labelled = [i for i, s in enumerate(sizes) if s is not None]
    wh = [s if s is not None else (0.0, 0.0) for s in sizes]
    scale, boxes, hints = 1.0, [None] * len(P), None
    bx0, _, bx1, _ = bounds
    for rnd in range(rounds):
        Rs = np.where([s is not None for s in sizes], R * scale, R)
        segs = [(*P[i], *P[j]) for i, j in links]
        boxes = place_labels([tuple(p) for p in P], list(Rs), wh, bounds=bounds, order=labelled, pad=pad,
                             obstacles=obstacles, segments=segs, rings=rings, spiral=0, claim=claim, hints=hints)
        missing = [i for i in labelled if boxes[i] is None]
        if not missing or rnd == rounds - 1:
            break
        parts, hints = [], [None] * len(P)
        for i, (x, y) in enumerate(P):
            r = float(Rs[i])
            parts.append((i, -r, -r, r, r))
            if sizes[i] is None:
                continue
            b = boxes[i]
            if b is None:  # wanted at the right (at the left near the right edge)
                w, h = wh[i]
                d = r + pad + 1.0
                b = (x + d, y - h / 2, x + d + w, y + h / 2)
                if b[2] > bx1:
                    b = (x - d - w, y - h / 2, x - d, y + h / 2)
            hints[i] = (b[0] - x, b[1] - y, b[2] - x, b[3] - y)
            parts.append((i, *hints[i]))
        hmed = float(np.median([wh[i][1] for i in labelled]))
        P = separate_footprints(P, parts, bounds=bounds, gap=2 * pad + 1.0 + claim * hmed, iterations=100)
        if rnd >= 2:
            scale = max(min_scale, scale * 0.95)
    return P, scale, boxes


def rescue_labels(P, R, sizes, boxes, *, bounds: LabelBox, segments=(), pad: float = 2.0,
                  resize: Callable[[int, float], tuple[float, float]] | None = None,
                  steps=((0.88, 2, 0), (0.88, 6, 0), (0.78, 8, 60), (0.78, 12, 400))) -> list[LabelBox | None]:
    """Last resort for labels :func:`make_room` could not place: smaller, then farther out.

    For each ``(factor, rings, spiral)`` step, the missing labels are resized
    by ``resize(i, factor)`` (which returns the new extent) and placed around
    the fixed ones with :func:`place_labels`. Boxes found by the spiral need a
    leader line (:func:`leader_lines`).

    Returns
    -------
    list
        ``boxes`` with as many gaps filled as possible (a new list).
    """
    boxes = list(boxes)
    sizes = list(sizes)
    wh = [s if s is not None else (0.0, 0.0) for s in sizes]
    anchors = [tuple(p) for p in P]
    for factor, rings, spiral in steps:
        missing = [i for i, s in enumerate(sizes) if s is not None and boxes[i] is None]
        if not missing:
            break
        if resize is not None:
            for i in missing:
                wh[i] = resize(i, factor)
        fixed = [b for b in boxes if b is not None]
        again = place_labels(anchors, list(R), wh, bounds=bounds, pad=pad, obstacles=fixed, segments=segments,
                             order=missing, rings=rings, spiral=spiral)
        for i in missing:
            boxes[i] = again[i]
    return boxes


def leader_lines(P, R, boxes, *, pad: float = 2.0) -> list:
    """Segments from a marker's edge to its label, for labels beyond the spots right next to it."""
    out = []
    for (cx, cy), r, b in zip(P, R, boxes):
        if b is None:
            continue
        nx_, ny_ = min(max(cx, b[0]), b[2]), min(max(cy, b[1]), b[3])
        dist = math.hypot(nx_ - cx, ny_ - cy)
        if dist - r > (b[3] - b[1]) * 0.6 + 1.5 * pad:
            ux, uy = (nx_ - cx) / dist, (ny_ - cy) / dist
            out.append([(cx + ux * r, cy + uy * r), (nx_ - ux * 0.5 * pad, ny_ - uy * 0.5 * pad)])
    return out


def place_edge_labels(ends, sizes, *, taken=(), anchors=(), radii=()) -> list[LabelBox | None]:
    """A box near the middle of each edge ``(x0, y0, x1, y1)`` covering no taken box and no marker, or None."""
    taken = list(taken)
    out: list[LabelBox | None] = []
    for (x0, y0, x1, y1), (w, h) in zip(ends, sizes):
        choice = None
        for frac in (0.5, 0.4, 0.6, 0.3, 0.7):
            cx, cy = x0 + frac * (x1 - x0), y0 + frac * (y1 - y0)
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if not any(box[0] < q[2] and q[0] < box[2] and box[1] < q[3] and q[1] < box[3] for q in taken) \
                    and nearest_distance(box, anchors, radii) >= 0:
                choice = box
                break
        if choice is not None:
            taken.append(choice)
        out.append(choice)
    return out


def nearest_distance(box: LabelBox, anchors, radii) -> float:
    """Distance from ``box`` to the nearest marker edge (negative when it covers a marker)."""
    x0, y0, x1, y1 = box
    return min((math.hypot(cx - min(max(cx, x0), x1), cy - min(max(cy, y0), y1)) - float(r)
                for (cx, cy), r in zip(anchors, radii)), default=math.inf)


def flow(widths: Sequence[float], *, width: float, gap: float = 0.0, max_rows: int | None = None,
         reserve: float = 0.0) -> list[list[tuple[int, float]]]:
    """Lay items of the given widths out in rows (like words in a paragraph).

    Returns rows of ``(index, x offset)``; an item starts a new row when it
    would pass ``width`` (less ``reserve`` on the last allowed row); items
    beyond ``max_rows`` rows are left out. A row always takes at least one item.
    """
    rows: list[list[tuple[int, float]]] = [[]]
    x = 0.0
    for i, w in enumerate(widths):
        limit = width - (reserve if max_rows is not None and len(rows) == max_rows else 0.0)
        if rows[-1] and x + w > limit:
            if max_rows is not None and len(rows) == max_rows:
                break
            rows.append([])
            x = 0.0
        rows[-1].append((i, x))
        x += w + gap
    return rows


# --------------------------------------------------------------------------- helpers


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


def _crossings(boxes, S):
    """Number of segments S (m, 4) meeting each box (k, 4): vectorised Liang–Barsky clipping."""
    import numpy as np

    if not len(S):
        return np.zeros(len(boxes), dtype=int)
    px, py, qx, qy = (S[:, k][None, :] for k in range(4))
    x0, y0, x1, y1 = (boxes[:, k][:, None] for k in range(4))
    dx, dy = qx - px, qy - py
    t0 = np.zeros((len(boxes), len(S)))
    t1 = np.ones_like(t0)
    alive = np.ones_like(t0, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-dx, px - x0), (dx, x1 - px), (-dy, py - y0), (dy, y1 - py)):
            p = np.broadcast_to(p, t0.shape)
            q = np.broadcast_to(q, t0.shape)
            zero = p == 0
            alive &= ~(zero & (q < 0))
            t = np.where(zero, 0.0, q / np.where(zero, 1.0, p))
            t0 = np.where(~zero & (p < 0), np.maximum(t0, t), t0)
            t1 = np.where(~zero & (p > 0), np.minimum(t1, t), t1)
    return (alive & (t0 <= t1)).sum(axis=1)

