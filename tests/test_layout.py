"""Tests for cooccur.layout: seeded positions, component packing, label placement."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest

from cooccur.labels import make_room, nearest_marker, separate_footprints
from cooccur.layout import network_layout, place_labels, separate_markers

TERMS = ["予算", "審議", "委員会", "防災", "訓練", "避難所", "子育て支援", "保育所", "待機児童", "学校"]


def _graph():
    G = nx.Graph()
    # one 6-node component, one triangle, one isolated term
    for u, v, w in [("予算", "審議", 0.5), ("審議", "委員会", 0.4), ("委員会", "予算", 0.3), ("予算", "学校", 0.2),
                    ("学校", "保育所", 0.25), ("保育所", "待機児童", 0.6),
                    ("防災", "訓練", 0.45), ("訓練", "避難所", 0.35), ("避難所", "防災", 0.3)]:
        G.add_edge(u, v, weight=w)
    G.add_node("子育て支援")
    return G


def test_two_nodes_exact():
    G = nx.Graph([("審議", "予算")])
    assert network_layout(G) == {"予算": (0.0, 0.5), "審議": (1.0, 0.5)}


def test_unit_square_plain_rounded_floats():
    pos = network_layout(_graph(), seed=3)
    assert sorted(pos) == sorted(_graph())
    for x, y in pos.values():
        assert type(x) is float and type(y) is float
        assert 0.0 <= x <= 1.0 and 0.0 <= y <= 1.0
        assert round(x, 6) == x and round(y, 6) == y
    xs, ys = zip(*pos.values())
    assert min(xs) == 0.0 and max(xs) == 1.0 and min(ys) == 0.0 and max(ys) == 1.0


def test_same_seed_same_positions_regardless_of_insertion_order():
    G = _graph()
    H = nx.Graph()
    H.add_nodes_from(reversed(list(G.nodes)))
    H.add_edges_from(reversed(list(G.edges(data=True))))
    assert network_layout(G, seed=7) == network_layout(H, seed=7)
    assert network_layout(G, seed=7) != network_layout(G, seed=8)


def test_components_packed_apart():
    pos = network_layout(_graph())
    comps = [sorted(c) for c in nx.connected_components(_graph())]
    boxes = []
    for c in comps:
        xs = [pos[v][0] for v in c]
        ys = [pos[v][1] for v in c]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            a, b = boxes[i], boxes[j]
            overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
            assert not overlap, (comps[i], comps[j])
    # the largest component gets the largest share of the square
    big = max(range(len(comps)), key=lambda k: len(comps[k]))
    area = [(b[2] - b[0]) * (b[3] - b[1]) for b in boxes]
    assert area[big] == max(area)


def test_negative_weights_accepted():
    G = nx.Graph()
    G.add_edge("予算", "審議", weight=-0.2)
    G.add_edge("審議", "委員会", weight=0.4)
    G.add_edge("委員会", "予算", weight=0.1)
    pos = network_layout(G)
    assert len(pos) == 3 and all(np.isfinite(v).all() for v in pos.values())


def test_identical_across_blas_threads():
    code = ("import json, networkx as nx\n"
            "from cooccur.layout import network_layout\n"
            "G = nx.gnm_random_graph(60, 90, seed=4)\n"
            "G = nx.relabel_nodes(G, {i: f'語{i:02d}' for i in G})\n"
            "for k, (u, v) in enumerate(sorted(G.edges)): G.edges[u, v]['weight'] = (k % 7) / 7 + 0.1\n"
            "print(json.dumps(network_layout(G, seed=1), ensure_ascii=False))\n")
    outs = []
    for threads in ("1", "2"):
        env = dict(os.environ, OPENBLAS_NUM_THREADS=threads, OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
        res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        outs.append(json.loads(res.stdout))
    assert outs[0] == outs[1]
    assert len(outs[0]) == 60


@pytest.mark.parametrize("kw, match", [({"seed": 1.5}, "seed"), ({"iterations": 0}, "iterations"),
                                       ({"aspect": 0}, "aspect")])
def test_invalid_arguments(kw, match):
    with pytest.raises(ValueError, match=match):
        network_layout(_graph(), **kw)


def test_empty_graph():
    assert network_layout(nx.Graph()) == {}


def test_place_labels_exact_first_choice():
    # anchor (100, 100), radius 10, label 40×20, pad 2: ring 0 puts it 3 px right of the bubble
    boxes = place_labels([(100.0, 100.0)], [10.0], [(40.0, 20.0)], bounds=(0, 0, 500, 500), pad=2.0)
    assert boxes == [(113.0, 90.0, 153.0, 110.0)]


def test_place_labels_moves_left_at_right_edge():
    boxes = place_labels([(480.0, 100.0)], [10.0], [(40.0, 20.0)], bounds=(0, 0, 500, 500), pad=2.0)
    assert boxes == [(427.0, 90.0, 467.0, 110.0)]


def test_place_labels_no_overlap_many():
    rng = np.random.default_rng(0)
    anchors = [tuple(p) for p in rng.uniform(50, 750, size=(40, 2))]
    radii = [8.0] * 40
    sizes = [(60.0 + 10 * (i % 5), 18.0) for i in range(40)]
    boxes = place_labels(anchors, radii, sizes, bounds=(0, 0, 800, 800), pad=2.0)
    placed = [b for b in boxes if b is not None]
    assert len(placed) == 40
    for i, a in enumerate(placed):
        assert 0 <= a[0] and a[2] <= 800 and 0 <= a[1] and a[3] <= 800
        for b in placed[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
        for (cx, cy), r in zip(anchors, radii):
            dx = cx - min(max(cx, a[0]), a[2])
            dy = cy - min(max(cy, a[1]), a[3])
            assert dx * dx + dy * dy >= r * r


def test_place_labels_reports_impossible():
    # a 100-wide label cannot fit into a 50-wide canvas
    assert place_labels([(25.0, 25.0)], [2.0], [(100.0, 10.0)], bounds=(0, 0, 50, 50)) == [None]


def test_separate_markers():
    P = np.array([[100.0, 100.0], [105.0, 100.0], [105.0, 100.0]])
    R = np.array([10.0, 10.0, 5.0])
    Q = separate_markers(P, R, bounds=(0, 0, 400, 400), gap=2.0, iterations=200)
    for i in range(3):
        for j in range(i + 1, 3):
            assert np.hypot(*(Q[i] - Q[j])) >= R[i] + R[j] + 2.0 - 0.5
    assert (P == np.array([[100.0, 100.0], [105.0, 100.0], [105.0, 100.0]])).all()  # input untouched


def _main_and_pairs():
    """A 20-node main component (a ring with chords) and three pairs, as in a top-60 network."""
    ring = [f"語{i:02d}" for i in range(20)]
    G = nx.Graph()
    for i, t in enumerate(ring):
        G.add_edge(t, ring[(i + 1) % 20], weight=0.3)
        G.add_edge(t, ring[(i + 7) % 20], weight=0.2)
    for a, b in [("費用", "予算"), ("情報", "担当"), ("紙", "資料")]:
        G.add_edge(a, b, weight=0.4)
    return G, ring


def test_small_components_stacked_in_a_strip_main_gets_most_of_the_canvas():
    G, ring = _main_and_pairs()
    pos = network_layout(G, aspect=16 / 9)
    xs = [pos[v][0] for v in ring]
    ys = [pos[v][1] for v in ring]
    pairs = [("費用", "予算"), ("情報", "担当"), ("紙", "資料")]
    # the main component spans the full height and its share of the width: 20 of 20 + 3 * 3 nodes
    # (a pair counts as 3, the minimum share)
    assert (min(ys), max(ys)) == (0.0, 1.0)
    assert max(xs) - min(xs) == pytest.approx(20 / 29, abs=0.05)
    # the pairs sit in a column to the right of it, one above the other, not in a row
    for a, b in pairs:
        assert min(pos[a][0], pos[b][0]) > max(xs)
        assert pos[a][1] == pos[b][1]
    assert len({round(pos[a][1], 3) for a, _ in pairs}) == 3


def test_bottom_strip_when_the_canvas_is_tall():
    G, ring = _main_and_pairs()
    pos = network_layout(G, aspect=0.8)
    ys = [pos[v][1] for v in ring]
    for a, b in [("費用", "予算"), ("情報", "担当"), ("紙", "資料")]:
        assert max(pos[a][1], pos[b][1]) < min(ys)


def test_place_labels_avoids_a_spot_nearer_to_a_neighbour():
    # the right-hand spot is 3 px from its own bubble but only 7 px from the neighbour's:
    # with claim 0.25 (5 px for a 20 px label) it is ambiguous, so the label goes left
    anchors, radii, sizes = [(100.0, 100.0), (170.0, 100.0)], [10.0, 10.0], [(40.0, 20.0), (40.0, 20.0)]
    kw = dict(bounds=(0, 0, 500, 500), pad=2.0, order=[0])
    assert place_labels(anchors, radii, sizes, **kw) == [(47.0, 90.0, 87.0, 110.0), None]
    assert place_labels(anchors, radii, sizes, claim=0.0, **kw) == [(113.0, 90.0, 153.0, 110.0), None]
    assert nearest_marker((47.0, 90.0, 87.0, 110.0), anchors, radii) == 0
    assert nearest_marker((113.0, 90.0, 153.0, 110.0), anchors, radii) == 0
    assert nearest_marker((150.0, 90.0, 155.0, 110.0), anchors, radii) == 1


def test_separate_footprints_exact_push():
    P = np.array([[100.0, 100.0], [110.0, 100.0]])
    parts = [(0, -10.0, -10.0, 10.0, 10.0), (1, -10.0, -10.0, 10.0, 10.0)]
    Q = separate_footprints(P, parts, bounds=(0, 0, 400, 400), gap=0.0)
    assert Q.tolist() == [[95.0, 100.0], [115.0, 100.0]]  # 10 px overlap along x, half each way
    # a label part counts: owner 0's label at its right reaches owner 1's bubble
    parts = [(0, -5.0, -5.0, 5.0, 5.0), (0, 7.0, -8.0, 47.0, 8.0), (1, -5.0, -5.0, 5.0, 5.0)]
    Q = separate_footprints(np.array([[100.0, 100.0], [150.0, 100.0]]), parts, bounds=(0, 0, 400, 400), gap=2.0)
    assert Q[1, 0] - Q[0, 0] >= 47.0 + 5.0 + 2.0 - 1e-9 and Q[0, 1] == Q[1, 1] == 100.0


def test_make_room_puts_every_label_next_to_its_own_marker():
    # 12 bubbles in a tight 4x3 grid: no label fits between them until they are spread
    P = np.array([[200.0 + 30 * (i % 4), 200.0 + 30 * (i // 4)] for i in range(12)])
    R = np.full(12, 10.0)
    sizes = [(60.0, 20.0)] * 12
    Q, scale, boxes = make_room(P, R, sizes, bounds=(0, 0, 800, 600), pad=2.0, claim=0.5)
    assert all(b is not None for b in boxes)
    for i, b in enumerate(boxes):
        assert 0 <= b[0] and b[2] <= 800 and 0 <= b[1] and b[3] <= 600
        assert nearest_marker(b, [tuple(p) for p in Q], R * scale) == i
        cx, cy = Q[i]
        gap = np.hypot(cx - min(max(cx, b[0]), b[2]), cy - min(max(cy, b[1]), b[3])) - R[i] * scale
        assert gap <= 2.0 + 1.0 + 0.3 * 20.0 + 1e-9  # one of the two rings right next to the bubble
        for c in boxes[i + 1:]:
            assert not (b[0] < c[2] and c[0] < b[2] and b[1] < c[3] and c[1] < b[3])
    assert scale == 1.0  # spreading sufficed; bubbles kept their size
