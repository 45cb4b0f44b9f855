"""cooccur.labels: labels beside their own bubble, never over another label or bubble, inside the canvas."""

from __future__ import annotations

import math
import random
import warnings

import numpy as np
import pytest

from cooccur.labels import flow, nearest_marker, place_labels, separate_markers

# label extents of Japanese terms at 14 pt, about 14 px a character
TERMS = ["標準化", "移行", "ベンダー", "情報共有", "区市町村", "ICT人材", "確保", "採用", "予算", "防災訓練",
         "避難所", "自治体", "ガバメントクラウド", "職員", "研修", "住民", "窓口", "デジタル化"]


def _scene(seed: int):
    rng = random.Random(seed)
    anchors = [(rng.uniform(80, 1520), rng.uniform(80, 820)) for _ in TERMS]
    radii = [rng.uniform(6, 24) for _ in TERMS]
    P = separate_markers(np.array(anchors), np.array(radii), bounds=(0, 0, 1600, 900), gap=30.0)
    sizes = [(14.0 * len(t) + 4, 18.0) for t in TERMS]
    return [tuple(p) for p in P.tolist()], radii, sizes


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _circle_hits_box(c, r, box) -> bool:
    cx, cy = c
    return math.hypot(cx - min(max(cx, box[0]), box[2]), cy - min(max(cy, box[1]), box[3])) < r


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_labels_do_not_overlap_labels_or_bubbles_and_stay_inside(seed):
    anchors, radii, sizes = _scene(seed)
    boxes = place_labels(anchors, radii, sizes, bounds=(0, 0, 1600, 900), spiral=0)
    placed = [(i, b) for i, b in enumerate(boxes) if b is not None]
    assert len(placed) == len(TERMS)  # a sparse canvas: every label finds a place
    for i, b in placed:
        assert 0 <= b[0] < b[2] <= 1600 and 0 <= b[1] < b[3] <= 900
        assert b[2] - b[0] == pytest.approx(sizes[i][0]) and b[3] - b[1] == pytest.approx(sizes[i][1])
        for k, (c, r) in enumerate(zip(anchors, radii)):
            assert not _circle_hits_box(c, r, b), (TERMS[i], "covers the bubble of", TERMS[k])
        for j, other in placed:
            if j > i:
                assert not _overlap(b, other), (TERMS[i], TERMS[j])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_bubble_nearest_to_a_label_is_its_own(seed):
    anchors, radii, sizes = _scene(seed)
    boxes = place_labels(anchors, radii, sizes, bounds=(0, 0, 1600, 900), spiral=0)
    for i, b in enumerate(boxes):
        assert nearest_marker(b, anchors, radii) == i, TERMS[i]


def test_label_avoids_an_obstacle_and_crowded_label_gets_none():
    # one bubble in the middle, the legend band covering the right side
    box = place_labels([(100.0, 100.0)], [10.0], [(40.0, 20.0)], bounds=(0, 0, 500, 500),
                       obstacles=[(105.0, 0.0, 500.0, 500.0)])[0]
    assert box[2] <= 105.0 - 2.0 or box[0] >= 500.0  # left of the obstacle, with the pad
    # a label wider than the canvas has no place at all
    assert place_labels([(50.0, 50.0)], [5.0], [(200.0, 20.0)], bounds=(0, 0, 100, 100), spiral=0) == [None]


def test_same_input_same_boxes():
    anchors, radii, sizes = _scene(4)
    assert place_labels(anchors, radii, sizes, bounds=(0, 0, 1600, 900)) == \
        place_labels(anchors, radii, sizes, bounds=(0, 0, 1600, 900))


def test_separate_markers_removes_overlaps_inside_bounds():
    P = np.array([[100.0, 100.0], [105.0, 100.0], [100.0, 104.0], [400.0, 300.0]])
    R = np.array([20.0, 15.0, 10.0, 30.0])
    Q = separate_markers(P, R, bounds=(0, 0, 800, 450), gap=4.0, iterations=200)
    for i in range(len(P)):
        assert R[i] <= Q[i, 0] <= 800 - R[i] and R[i] <= Q[i, 1] <= 450 - R[i]
        for j in range(i + 1, len(P)):
            assert np.hypot(*(Q[i] - Q[j])) >= R[i] + R[j] - 1e-6
    assert np.allclose(Q[3], P[3])  # a bubble that overlapped nothing stays put
    assert np.allclose(P[0], [100.0, 100.0])  # the input is not changed


def test_flow_wraps_rows_and_stops_at_max_rows():
    assert flow([30, 30, 30], width=70, gap=5) == [[(0, 0.0), (1, 35.0)], [(2, 0.0)]]
    assert flow([30, 30, 30, 30], width=40, max_rows=2) == [[(0, 0.0)], [(1, 0.0)]]
    assert flow([100], width=10) == [[(0, 0.0)]]  # a row always takes one item


def test_draw_footer_moved_to_footer_module():
    from cooccur import footer, labels

    with pytest.warns(DeprecationWarning, match="cooccur.footer.draw_footer"):
        old = labels.draw_footer
    assert old is footer.draw_footer
    assert "draw_footer" not in labels.__all__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(AttributeError):
            labels.no_such_name  # noqa: B018
