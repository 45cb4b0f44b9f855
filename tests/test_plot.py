"""Tests for cooccur.plot: Japanese text, label placement, deterministic files."""

from __future__ import annotations

import math
import random
import re
import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from cooccur.plot import (GREY, PALETTE, SIZES, community_colors, figure_bytes, plot_attribute_network,
                          plot_comparison, plot_keywords, plot_network, save_figure)

LONG_TERMS = [
    "新型コロナウイルス感染症対策", "マイナンバーカード普及促進", "デジタルトランスフォーメーション", "再生可能エネルギー導入",
    "子育て支援", "待機児童", "保育所", "学校", "教育委員会", "地域", "住民", "説明会", "防災", "訓練", "避難所",
    "ハザードマップ", "気候変動", "脱炭素", "公共交通", "バス路線", "道路", "橋梁", "老朽化", "上下水道", "料金",
    "財政", "基金", "補正予算", "一般会計", "職員", "人材育成", "働き方改革", "男女共同参画", "人口減少", "移住",
    "定住", "空き家", "ふるさと納税", "消防団", "高齢者", "介護保険", "福祉", "障害者", "医療機関", "ワクチン接種",
    "観光", "商店街", "活性化", "農業", "担い手", "森林", "環境", "ごみ", "リサイクル", "情報共有", "オンライン申請",
    "予算", "審議", "委員会", "公園",
]


def make_graph(n=60, seed=2):
    """A 60-node network shaped like a top-60 Jaccard network: communities, several components."""
    rng = random.Random(seed)
    G = nx.Graph()
    sizes = [14, 10, 8, 7, 6, 5, 4, 3, 2]
    i = 0
    for c, s in enumerate(sizes):
        grp = LONG_TERMS[i:i + s]
        i += s
        for t in grp:
            G.add_node(t, frequency=rng.randint(5, 150), document_frequency=rng.randint(3, 40), community=c)
        for k, t in enumerate(grp[1:], 1):
            G.add_edge(t, grp[rng.randrange(k)])
        for _ in range(s // 3):
            a, b = rng.sample(grp, 2)
            G.add_edge(a, b)
    G.add_edge(LONG_TERMS[0], LONG_TERMS[14])
    G.add_edge(LONG_TERMS[15], LONG_TERMS[24])
    G.add_node(LONG_TERMS[i], frequency=6, document_frequency=2, community=-1)
    G.add_edge(LONG_TERMS[i], LONG_TERMS[3])
    mst = {frozenset(e) for e in nx.maximum_spanning_edges(G, data=False)}
    for u, v in sorted(G.edges):
        j = round(rng.uniform(0.1, 0.6), 4)
        G.edges[u, v].update(cooccurrence=rng.randint(2, 30), jaccard=j, weight=j, mst=frozenset((u, v)) in mst,
                             intra_community=G.nodes[u]["community"] == G.nodes[v]["community"] >= 0)
    bc = nx.betweenness_centrality(G)
    for v in G:
        G.nodes[v].update(degree=G.degree(v), betweenness=bc[v], eigenvector=G.degree(v) / 10)
    G.graph["measure"] = "jaccard"
    assert G.number_of_nodes() == n
    return G


@pytest.fixture(scope="module")
def G60():
    return make_graph()


@pytest.fixture(scope="module")
def fig60(G60):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        fig = plot_network(G60)
        png = figure_bytes(fig, "png")
    return fig, png, rec


def _glyph_warnings(rec):
    return [str(w.message) for w in rec if "missing from font" in str(w.message) or "Glyph" in str(w.message)]


def _label_boxes(fig):
    r = fig.canvas.get_renderer()
    out = []
    for ax in fig.axes:
        for t in ax.texts:
            if (t.get_gid() or "").startswith("label-") and t.get_visible():
                out.append(t.get_window_extent(r))
    return out


def _bubbles(fig):
    out = []
    for ax in fig.axes:
        for c in ax.collections:
            if c.get_gid() == "bubbles":
                pts = ax.transData.transform(c.get_offsets())
                radii = np.sqrt(c.get_sizes()) / 2 * fig.dpi / 72
                out.extend(zip(pts, radii))
    return out


def test_no_missing_glyphs(fig60):
    _, png, rec = fig60
    assert png.startswith(b"\x89PNG")
    assert _glyph_warnings(rec) == []


def test_character_missing_from_every_font_is_replaced():
    G = nx.Graph()
    G.add_node("𠮷野家", frequency=10, community=0)
    G.add_node("牛丼", frequency=5, community=0)
    G.add_edge("𠮷野家", "牛丼", weight=0.5, intra_community=True)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        fig = plot_network(G)
        figure_bytes(fig, "png")
    assert _glyph_warnings(rec) == []
    texts = {t.get_text() for t in fig.axes[0].texts if (t.get_gid() or "").startswith("label-")}
    assert texts == {"〓野家", "牛丼"}


def test_labels_do_not_overlap_and_stay_on_canvas(fig60, G60):
    fig, _, _ = fig60
    boxes = _label_boxes(fig)
    assert len(boxes) == G60.number_of_nodes()  # every term labelled
    W, H = fig.bbox.width, fig.bbox.height
    for i, a in enumerate(boxes):
        assert a.x0 >= 0 and a.y0 >= 0 and a.x1 <= W and a.y1 <= H
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (a, b)
    for (cx, cy), r in _bubbles(fig):
        for a in boxes:
            dx = cx - min(max(cx, a.x0), a.x1)
            dy = cy - min(max(cy, a.y0), a.y1)
            assert math.hypot(dx, dy) >= r - 0.5


def test_label_font_sizes_for_projector(fig60):
    fig, _, _ = fig60
    sizes = [t.get_fontsize() for t in fig.axes[0].texts if (t.get_gid() or "").startswith("label-")]
    assert max(sizes) <= 18.0 and min(sizes) >= 14.0 * 0.78
    assert sum(s >= 14.0 for s in sizes) >= 0.8 * len(sizes)


def test_bubble_area_proportional_to_frequency(G60):
    fig = plot_network(G60)
    coll = next(c for c in fig.axes[0].collections if c.get_gid() == "bubbles")
    sizes = coll.get_sizes()
    freqs = sorted((G60.nodes[v]["frequency"] for v in G60), reverse=True)
    # nodes are drawn by frequency (desc): area ratio equals frequency ratio above the floor
    assert sizes[0] / sizes[1] == pytest.approx(freqs[0] / freqs[1])


def test_pdf_embeds_font_and_bytes_are_stable(G60, tmp_path):
    fig1, fig2 = plot_network(G60, title="令和5年度 定例会"), plot_network(G60, title="令和5年度 定例会")
    for suffix in ("png", "svg", "pdf"):
        p1, p2 = save_figure(fig1, tmp_path / f"a.{suffix}"), save_figure(fig2, tmp_path / f"b.{suffix}")
        assert p1.read_bytes() == p2.read_bytes(), suffix
    pdf = (tmp_path / "a.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"IPAexGothic" in pdf
    assert b"CreationDate" not in pdf
    svg = (tmp_path / "a.svg").read_text("utf-8")
    assert "<text" not in svg  # glyphs are paths: renders without the font
    assert "<dc:date>" not in svg
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.pdf", "a.png", "a.svg", "b.pdf", "b.png", "b.svg"]


def test_save_figure_rejects_unknown_suffix(G60, tmp_path):
    with pytest.raises(ValueError, match=r"\.png, \.svg or \.pdf"):
        save_figure(plot_network(G60), tmp_path / "x.jpg")


@pytest.mark.parametrize("size", list(SIZES))
def test_sizes(size):
    G = make_graph()
    fig = plot_network(G, size=size)
    assert tuple(round(x, 3) for x in fig.get_size_inches()) == SIZES[size]


@pytest.mark.parametrize("color_by", ["degree", "betweenness", "eigenvector", "none"])
def test_colour_modes(color_by, G60):
    fig = plot_network(G60, color_by=color_by, mst=True, edge_labels=True)
    coll = next(c for c in fig.axes[0].collections if c.get_gid() == "bubbles")
    colours = {tuple(np.round(c, 3)) for c in coll.get_facecolors()}
    assert (len(colours) == 1) == (color_by == "none")
    if color_by != "none":
        assert len(fig.axes[0].child_axes) == 1  # the colour bar
    edge_texts = [t for t in fig.axes[0].texts if re.fullmatch(r"\d\.\d\d", t.get_text())]
    assert edge_texts  # coefficients printed with two decimals


def test_invalid_choices(G60):
    with pytest.raises(ValueError, match="did you mean 'community'"):
        plot_network(G60, color_by="comunity")
    with pytest.raises(ValueError, match="size"):
        plot_network(G60, size="a3")


def test_community_colours_and_dashes():
    G = nx.Graph()
    for t, c in [("予算", 1), ("審議", 1), ("防災", 0), ("訓練", 0), ("公園", -1)]:
        G.add_node(t, frequency=10, community=c)
    G.add_edge("予算", "審議", weight=0.5, intra_community=True)
    G.add_edge("防災", "訓練", weight=0.4, intra_community=True)
    G.add_edge("予算", "防災", weight=0.2, intra_community=False)
    G.add_edge("公園", "防災", weight=0.3, intra_community=False)
    cols = community_colors(G)
    assert cols == {"予算": PALETTE[1], "審議": PALETTE[1], "防災": PALETTE[0], "訓練": PALETTE[0], "公園": GREY}
    fig = plot_network(G)
    edges = [c for c in fig.axes[0].collections if c.get_gid() == "edges"]
    n_dashed = sum(len(c.get_segments()) for c in edges if c.get_linestyle()[0][1] is not None)
    n_solid = sum(len(c.get_segments()) for c in edges if c.get_linestyle()[0][1] is None)
    assert (n_solid, n_dashed) == (2, 2)


def test_plot_keywords():
    kw = pd.DataFrame({"term": ["予算", "防災", "子育て支援", "公園"], "score": [0.5, 2.0, 1.0, 0.1],
                       "rank": [3, 1, 2, 4]})
    fig = plot_keywords(kw, top=3)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["予算", "子育て支援", "防災"]  # highest on top
    assert [round(p.get_width(), 3) for p in ax.patches] == [0.5, 1.0, 2.0]
    with pytest.raises(ValueError, match="no column 'tfidf'"):
        plot_keywords(kw, score="tfidf")


def test_plot_attribute_network():
    G = nx.Graph()
    for s in ("山田委員", "佐藤市長"):
        G.add_node(f"speaker={s}", kind="attribute", label=s)
    for t, f in (("予算", 20), ("防災", 12), ("公園", 5)):
        G.add_node(t, kind="term", label=t, frequency=f)
    G.add_edge("speaker=山田委員", "予算", weight=0.3)
    G.add_edge("speaker=佐藤市長", "予算", weight=0.2)
    G.add_edge("speaker=山田委員", "防災", weight=0.25)
    G.add_edge("speaker=佐藤市長", "公園", weight=0.1)
    fig = plot_attribute_network(G)
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"山田委員", "佐藤市長", "予算", "防災", "公園"} <= texts
    coll = next(c for c in fig.axes[0].collections if c.get_gid() == "bubbles")
    assert len(coll.get_offsets()) == 3  # attributes are squares, not bubbles
    shared = tuple(np.round(coll.get_facecolors()[0][:3], 3))  # 予算 (most frequent) is shared → grey
    assert shared == tuple(round(int(GREY[i:i + 2], 16) / 255, 3) for i in (1, 3, 5))


@pytest.fixture(scope="module")
def comparison():
    """Two overlapping graphs (56 common terms) drawn side by side: (A, B, fig, panels)."""
    G = make_graph()
    A = G.copy()
    A.remove_nodes_from(LONG_TERMS[50:52])
    B = G.copy()
    B.remove_nodes_from(LONG_TERMS[:2])
    fig = plot_comparison(A, B, labels=("令和4年", "令和5年"))
    panels = [ax for ax in fig.axes if any(c.get_gid() == "bubbles" for c in ax.collections)]
    return A, B, fig, panels


def test_plot_comparison_shared_layout(comparison):
    A, B, fig, panels = comparison
    assert len(panels) == 2
    offs = []
    for ax in panels:
        coll = next(c for c in ax.collections if c.get_gid() == "bubbles")
        offs.append(len(coll.get_offsets()))
    assert offs == [A.number_of_nodes(), B.number_of_nodes()]
    captions = [t.get_text() for ax in panels for t in ax.texts if t.get_text().startswith("朱色")]
    assert any("語 2" in c for c in captions)


def _labels_by_node(fig, ax):
    r = fig.canvas.get_renderer()
    return {int(t.get_gid()[6:]): t.get_window_extent(r) for t in ax.texts
            if (t.get_gid() or "").startswith("label-") and t.get_visible()}


@pytest.mark.parametrize("size", list(SIZES))
def test_nearest_bubble_is_own_bubble(size, G60):
    fig = plot_network(G60, size=size) if size != "slide16x9" else plot_network(G60)
    ax = fig.axes[0]
    bubbles = _bubbles(fig)
    labels = _labels_by_node(fig, ax)
    assert len(labels) == len(bubbles) == G60.number_of_nodes()
    for i, box in labels.items():  # label-i belongs to the i-th bubble (nodes by frequency)
        dist = [math.hypot(cx - min(max(cx, box.x0), box.x1), cy - min(max(cy, box.y0), box.y1)) - r
                for (cx, cy), r in bubbles]
        assert min(range(len(dist)), key=dist.__getitem__) == i, (ax.texts[i].get_text(), dist[i], min(dist))
        assert dist[i] <= 0.6 * box.height + 4  # right next to its bubble: no exile, no leader line
    assert fig.cooccur_leaders == 0 and fig.cooccur_unplaced == []


def test_bubbles_do_not_overlap(fig60):
    fig, _, _ = fig60
    bubbles = _bubbles(fig)
    for i, ((x1, y1), r1) in enumerate(bubbles):
        for (x2, y2), r2 in bubbles[i + 1:]:
            assert math.hypot(x1 - x2, y1 - y2) >= r1 + r2


def test_legend_names_communities_by_their_most_frequent_terms():
    G = nx.Graph()
    for t, c, f in [("予算", 1, 30), ("審議", 1, 20), ("委員会", 1, 5), ("防災", 0, 10), ("訓練", 0, 10), ("公園", -1, 3)]:
        G.add_node(t, frequency=f, community=c)
    G.add_edges_from([("予算", "審議"), ("審議", "委員会"), ("防災", "訓練"), ("予算", "防災"), ("公園", "防災")])
    fig = plot_network(G)
    legend = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "legend"]
    # communities in palette order (0, 1); up to three terms by frequency, ties by code point
    assert legend == ["訓練・防災", "予算・審議・委員会"]
    assert not any(re.fullmatch(r"\d+", t) for t in legend)
    captions = [t for t in fig.axes[0].texts if t.get_gid() == "caption"]
    assert captions and min(t.get_fontsize() for t in captions) >= 12.0  # readable at slide distance


def test_caption_wraps_instead_of_running_off_a_narrow_canvas(G60):
    fig = plot_network(G60, size="slide4x3", mst=True)
    r = fig.canvas.get_renderer()
    captions = [t for t in fig.axes[0].texts if t.get_gid() in ("caption", "legend")]
    assert captions
    for t in captions:
        bb = t.get_window_extent(r)
        assert 0 <= bb.x0 and bb.x1 <= fig.bbox.width


def test_comparison_panels_share_bubble_positions(comparison):
    A, B, fig, panels = comparison
    spots = []
    for ax, H in zip(panels, (A, B)):
        coll = next(c for c in ax.collections if c.get_gid() == "bubbles")
        nodes = sorted(H.nodes, key=lambda v: (-H.nodes[v]["frequency"], v))
        spots.append(dict(zip(nodes, (tuple(np.round(p, 6)) for p in coll.get_offsets()))))
    common = set(A) & set(B)
    assert len(common) == 56
    assert all(spots[0][v] == spots[1][v] for v in common)


def _svg_label_boxes(svg: str) -> tuple[dict, tuple[float, float]]:
    """Bounding boxes of the label groups (gid label-N) in an SVG whose glyphs are paths."""
    import re
    import xml.etree.ElementTree as ET

    ns = {"svg": "http://www.w3.org/2000/svg"}
    root = ET.fromstring(svg)
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    boxes = {}
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        gid = g.get("id") or ""
        if not gid.startswith("label-"):
            continue
        xs, ys = [], []
        for path in g.iterfind(".//svg:path", ns):
            nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", path.get("d", ""))]
            xs += nums[0::2]
            ys += nums[1::2]
        assert not g.findall(".//svg:use", ns) and not g.get("transform"), "label glyphs must be absolute paths"
        boxes[gid] = (min(xs), min(ys), max(xs), max(ys))
    return boxes, (width, height)


def test_svg_label_boxes_do_not_overlap_and_lie_inside_the_canvas(fig60):
    from cooccur.plot import figure_bytes

    boxes, (width, height) = _svg_label_boxes(figure_bytes(fig60[0], "svg").decode("utf-8"))
    assert len(boxes) == 60
    for x0, y0, x1, y1 in boxes.values():
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
    items = sorted(boxes.items())
    for i, (a, (ax0, ay0, ax1, ay1)) in enumerate(items):
        for b, (bx0, by0, bx1, by1) in items[i + 1:]:
            overlap_x = min(ax1, bx1) - max(ax0, bx0)
            overlap_y = min(ay1, by1) - max(ay0, by0)
            assert overlap_x <= 0.5 or overlap_y <= 0.5, (a, b)  # 0.5 pt: the white halo's stroke


def test_svg_text_editable_names_the_font_and_keeps_the_labels():
    import re

    G = make_graph()
    fig = plot_network(G, seed=0)
    editable = figure_bytes(fig, "svg", svg_text="editable").decode("utf-8")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", editable)
    assert {"新型コロナウイルス感染症対策", "マイナンバーカード普及促進", "防災"} <= set(texts)
    assert "font-family: 'IPAexGothic'" in editable
    outlines = figure_bytes(fig, "svg").decode("utf-8")
    assert "<text" not in outlines and "防災" not in outlines  # the default: glyphs as paths
    assert figure_bytes(fig, "svg", svg_text="editable").decode("utf-8") == editable  # byte-stable
    assert sum(bool(t.get_path_effects()) for t in fig.axes[0].texts) == 60  # the halos are back after saving
    with pytest.raises(ValueError, match="svg_text"):
        figure_bytes(fig, "svg", svg_text="text")


def test_svg_text_option_reaches_network_svg(tmp_path):
    import cooccur

    src = tmp_path / "会議.txt"
    src.write_text("○議長（山田太郎君）　予算の審議を始めます。\n○佐藤委員　予算の審議で防災の予算を伺います。\n"
                   "○議長（山田太郎君）　防災の予算について答弁を求めます。\n", encoding="utf-8")
    cooccur.analyze(src, output=tmp_path / "o", formats=("svg", "report"), svg_text="editable", min_frequency=1)
    svg = (tmp_path / "o" / "network.svg").read_text(encoding="utf-8")
    assert re.search(r"<text[^>]*>予算</text>", svg) and "IPAexGothic" in svg
    report = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert ">予算</text>" not in report  # the report keeps outlines, so it renders without the font


def test_attribute_network_of_many_groups_draws_the_largest():
    import pandas as pd

    from cooccur.groups import attribute_network

    speakers = [f"委員{i:03d}" for i in range(100)]
    words = ["予算", "防災", "教育", "福祉", "道路", "公園", "子育て", "医療"]
    rows, utts = [], []
    for i, sp in enumerate(speakers):
        n_utt = 1 + (i % 7)  # speakers with more turns first
        for u in range(n_utt):
            uid = len(utts)
            utts.append({"doc_id": "d", "utterance_id": uid, "speaker": sp, "text": "", "exclusion": pd.NA})
            for k in range(3):
                rows.append({"doc_id": "d", "utterance_id": uid, "term": words[(i + u + k) % len(words)]})
    tokens, utterances = pd.DataFrame(rows), pd.DataFrame(utts)
    G = attribute_network(tokens, utterances, group_by="speaker", max_groups=12, min_frequency=1)
    attrs = [d["label"] for _, d in G.nodes(data=True) if d["kind"] == "attribute"]
    assert len(attrs) == 12 and len(G.graph["omitted_groups"]) == 88
    units = {g["value"]: g["units"] for g in G.graph["groups"]}
    assert min(units[a] for a in attrs) >= max(units[o] for o in G.graph["omitted_groups"])
    assert sum(g["drawn"] for g in G.graph["groups"]) == 12 and len(G.graph["groups"]) == 100
    fig = plot_attribute_network(G, seed=0)
    caption = [t.get_text() for t in fig.axes[0].texts if "attribute_groups.csv" in t.get_text()]
    assert caption and "全 100" in caption[0] and "ほか 88" in caption[0]
    every = attribute_network(tokens, utterances, group_by="speaker", max_groups=None, min_frequency=1)
    assert sum(d["kind"] == "attribute" for _, d in every.nodes(data=True)) == 100
    with pytest.raises(ValueError, match="max_groups"):
        attribute_network(tokens, utterances, group_by="speaker", max_groups=0)
