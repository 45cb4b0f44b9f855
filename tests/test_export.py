"""Tests for cooccur.export: GraphML/GEXF/JSON/CSV round trips, HTML safety, report, slides."""

from __future__ import annotations

import html as _html
import json
import re
import zipfile

import networkx as nx
import pandas as pd
import pytest

from cooccur.export.graph import (generate_graphml, node_link_json, write_edges_csv, write_gexf, write_graphml,
                                  write_json, write_nodes_csv)
from cooccur.export.html import KWIC_LINES, render_network_html, write_network_html
from cooccur.export.pptx import write_pptx
from cooccur.export.report import render_report, write_report
from cooccur.layout import network_layout

EVIL_SPEAKER = "<script>alert(1)</script>"
EVIL_REMARK = "</script><img src=x onerror=alert(1)>"
MEASURES = ("jaccard", "dice", "simpson", "cosine", "npmi", "lift", "log_likelihood")


def make_graph():
    G = nx.Graph(measure="jaccard", unit="paragraph", top_n=60)
    nodes = [("予算", 12, 5, 0), ("審議", 9, 4, 0), ("委員会", 7, 4, 0), ("防災", 8, 3, 1), ("訓練", 5, 3, 1),
             ("避難所", 4, 2, 1), ("公園", 3, 2, -1)]
    for term, f, df, c in nodes:
        G.add_node(term, frequency=f, document_frequency=df, community=c, degree=0, betweenness=0.0,
                   eigenvector=0.0)
    edges = [("予算", "審議", 4, 0.5), ("審議", "委員会", 3, 1 / 3), ("予算", "委員会", 2, 0.25),
             ("防災", "訓練", 3, 0.6), ("訓練", "避難所", 2, 0.4), ("防災", "予算", 1, 0.1), ("公園", "防災", 1, 0.125)]
    for u, v, n, j in edges:
        vals = {m: j * (k + 1) / 2 for k, m in enumerate(MEASURES)}
        vals["npmi"] = j - 0.3  # negative values must survive
        G.add_edge(u, v, cooccurrence=n, **vals, weight=j, mst=j >= 0.25,
                   intra_community=G.nodes[u]["community"] == G.nodes[v]["community"] >= 0)
    bc = nx.betweenness_centrality(G)
    for v in G:
        G.nodes[v].update(degree=G.degree(v), betweenness=bc[v], eigenvector=round(G.degree(v) / 3, 6))
    return G


@pytest.fixture(scope="module")
def G():
    return make_graph()


def _csv_frames(G, tmp_path):
    write_nodes_csv(G, tmp_path / "nodes.csv")
    write_edges_csv(G, tmp_path / "edges.csv")
    assert (tmp_path / "nodes.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    nodes = pd.read_csv(tmp_path / "nodes.csv", encoding="utf-8-sig")
    edges = pd.read_csv(tmp_path / "edges.csv", encoding="utf-8-sig")
    return nodes, edges


def _same_as_csv(H, nodes, edges, *, rel=1e-12):
    assert sorted(H.nodes) == sorted(nodes["term"])
    for row in nodes.to_dict("records"):
        d = H.nodes[row["term"]]
        for k, x in row.items():
            if k == "term":
                continue
            if isinstance(x, float):
                assert d[k] == pytest.approx(x, rel=rel), (row["term"], k)
            else:
                assert d[k] == x and type(d[k]) is type(x.item() if hasattr(x, "item") else x), (row["term"], k)
    assert H.number_of_edges() == len(edges)
    for row in edges.to_dict("records"):
        d = H.edges[row["source"], row["target"]]
        for k, x in row.items():
            if k in ("source", "target"):
                continue
            if isinstance(x, float):
                assert d[k] == pytest.approx(x, rel=rel), k
            else:
                assert d[k] == x, k


def test_graphml_round_trip_typed(G, tmp_path):
    nodes, edges = _csv_frames(G, tmp_path)
    path = write_graphml(G, tmp_path / "n.graphml")
    text = path.read_text("utf-8")
    assert re.search(r'attr.name="frequency" attr.type="int"', text)
    assert re.search(r'attr.name="jaccard" attr.type="double"', text)
    assert re.search(r'attr.name="mst" attr.type="boolean"', text)
    H = nx.read_graphml(path)
    _same_as_csv(H, nodes, edges)
    assert H.graph["measure"] == "jaccard" and H.graph["top_n"] == 60
    assert H.edges["予算", "審議"]["mst"] is True


def test_gexf_round_trip_with_viz_and_no_date(G, tmp_path):
    nodes, edges = _csv_frames(G, tmp_path)
    pos = network_layout(G)
    path = write_gexf(G, tmp_path / "n.gexf", pos=pos)
    text = path.read_text("utf-8")
    assert "lastmodifieddate" not in text and not re.search(r"\d{4}-\d{2}-\d{2}", text)
    H = nx.read_gexf(path)
    _same_as_csv(H, nodes, edges)
    viz = H.nodes["予算"]["viz"]
    assert viz["color"] == {"r": 0xE6, "g": 0x9F, "b": 0x00, "a": 1.0}  # community 0: first palette colour
    assert viz["position"]["x"] == pytest.approx((pos["予算"][0] - 0.5) * 1600)
    assert viz["size"] == 40.0  # the most frequent term gets the largest size
    assert H.nodes["公園"]["viz"]["color"] == {"r": 0xBB, "g": 0xBB, "b": 0xBB, "a": 1.0}


def test_json_round_trip(G, tmp_path):
    nodes, edges = _csv_frames(G, tmp_path)
    pos = network_layout(G)
    path = write_json(G, tmp_path / "n.json", pos=pos)
    data = json.loads(path.read_text("utf-8"))
    H = nx.node_link_graph(data, edges="links")
    for v in H:
        H.nodes[v].pop("x")
        H.nodes[v].pop("y")
    _same_as_csv(H, nodes, edges, rel=1e-9)
    first = data["nodes"][0]
    assert list(first) == sorted(first)
    assert data["links"][0]["source"] < data["links"][0]["target"]


def test_json_rounds_and_nulls_non_finite():
    H = nx.Graph()
    H.add_edge("予算", "審議", lift=float("inf"), jaccard=1 / 3)
    data = node_link_json(H)
    assert data["links"][0]["lift"] is None
    assert data["links"][0]["jaccard"] == 0.3333333333


def test_exports_are_byte_identical(G, tmp_path):
    pos = network_layout(G)
    kw = pd.DataFrame({"term": ["予算", "防災"], "score": [1.5, 1.0], "rank": [1, 2]})
    for run in ("a", "b"):
        d = tmp_path / run
        write_graphml(G, d / "n.graphml")
        write_gexf(G, d / "n.gexf", pos=pos)
        write_json(G, d / "n.json", pos=pos)
        write_network_html(G, d / "n.html", pos, kwic=_kwic())
        write_report(d / "r.html", **_report_args(G, kw))
        write_pptx(d / "s.pptx", network_png=_png(), keywords_png=_png(), keywords=kw)
    for name in ("n.graphml", "n.gexf", "n.json", "n.html", "r.html", "s.pptx"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def _kwic():
    rows = [("予算", "minutes/r5.txt", EVIL_SPEAKER, "来年度の", "予算", "について伺います"),
            ("予算", "minutes/r5.txt", "山田委員", EVIL_REMARK, "予算", "案\u2028です"),
            ("防災", "minutes/r4.txt", "佐藤市長", "地域の", "防災", "訓練を")]
    rows += [("審議", "minutes/r4.txt", "議長", f"第{i}号議案の", "審議", "に入ります") for i in range(KWIC_LINES + 5)]
    return pd.DataFrame(rows, columns=["term", "doc_id", "speaker", "left", "keyword", "right"])


def test_html_offline_and_escaped(G):
    page = render_network_html(G, network_layout(G), kwic=_kwic(), title="共起ネットワーク <テスト>")
    assert not re.search(r"https?://|//cdn|src=[\"']?http", page, flags=re.I)
    assert "<script>alert(1)" not in page and "<img" not in page and "onerror=alert(1)>" not in page
    assert "innerHTML" not in page and "\u2028" not in page
    assert "共起ネットワーク &lt;テスト&gt;" in page
    assert page.count("<script") == 2  # the data block and the hand-written script, nothing else
    blob = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, flags=re.S).group(1)
    data = json.loads(blob)
    terms = [n["term"] for n in data["nodes"]]
    assert terms[0] == "予算"  # most frequent first
    lines = data["kwic"]["0"]["lines"]
    assert lines[0][1] == EVIL_SPEAKER and lines[1][2] == EVIL_REMARK and lines[1][4] == "案\u2028です"
    shin = data["kwic"][str(terms.index("審議"))]
    assert shin["total"] == KWIC_LINES + 5 and len(shin["lines"]) == KWIC_LINES
    assert "textContent" in page
    for t in G:
        assert f">{_html.escape(t)}</text>" in page


def test_html_rejects_kwic_without_columns(G):
    with pytest.raises(ValueError, match="kwic lacks columns"):
        render_network_html(G, network_layout(G), kwic=pd.DataFrame({"term": ["予算"]}))


def _png():
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1.6, 0.9), dpi=50)
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _report_args(G, kw):
    from cooccur.export.graph import nodes_frame
    from cooccur.plot import figure_bytes, plot_network

    svg = figure_bytes(plot_network(G), "svg").decode("utf-8")
    files = pd.DataFrame({"doc_id": ["r5.txt", "notes.bin"], "role": ["transcript", "skipped"],
                          "format": ["minutes", pd.NA], "encoding": ["cp932", pd.NA], "utterances": [42, 0],
                          "error": [pd.NA, "binary file <skipped>"]})
    return dict(title="議会 <分析>", summary={"files": 2, "speakers": 5, "utterances": 42, "characters": 8100,
                                             "excluded": {"preamble": 1, "stage_direction": 3}},
                files=files, figure_svg=svg, keywords=kw, nodes=nodes_frame(G),
                distinctive=pd.DataFrame({"group": ["山田委員", EVIL_SPEAKER], "term": ["予算", "防災"],
                                          "score": [3.2, 2.1]}),
                parameters={"measure": "jaccard", "top_n": 60, "pos": ("名詞", "動詞")},
                warnings=["語が 150 を超えています <要確認>"])


def test_report(G):
    page = render_report(**_report_args(G, pd.DataFrame({"term": ["予算"], "score": [1.5], "rank": [1]})))
    assert not re.search(r"https?://", page)
    assert "<script" not in page and EVIL_SPEAKER not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "議会 &lt;分析&gt;" in page and "binary file &lt;skipped&gt;" in page
    assert "<svg" in page and "stage_direction" in page and "名詞, 動詞" in page
    # communities from nodes: 01 holds 予算 first (most frequent), the single node is listed apart
    assert re.search(r"<th>01</th><td>予算、審議、委員会</td>", page)
    assert re.search(r"<th>単独</th><td>公園</td>", page)


def assert_shapes_inside(prs):
    """Every shape of every slide is sized and inside the slide."""
    W, H = prs.slide_width, prs.slide_height
    n = 0
    for i, slide in enumerate(prs.slides):
        for sh in slide.shapes:
            n += 1
            box = (sh.left, sh.top, sh.width, sh.height)
            assert None not in box, (i, sh.name, box)
            assert sh.left >= 0 and sh.top >= 0 and sh.width > 0 and sh.height > 0, (i, sh.name, box)
            assert sh.left + sh.width <= W and sh.top + sh.height <= H, (i, sh.name, box)
    return n


def test_pptx_of_the_sample_says_what_the_corpus_is(sample_dir, tmp_path):
    from pptx import Presentation

    import cooccur

    a = cooccur.analyze(sample_dir, output=tmp_path / "o", pptx=True, formats=("png",))
    prs = Presentation(str(tmp_path / "o" / "slides.pptx"))
    assert assert_shapes_inside(prs) == 11  # 9, and the dendrogram slide's heading and picture
    first = "\n".join(sh.text_frame.text for sh in prs.slides[0].shapes if sh.has_text_frame)
    assert "ファイル 20 件・発言 731 件" in first and "期間：2024-05-16 〜 2026-02-19（開催日）" in first
    assert f"最小出現数 {a.cooccurrence.min_frequency_}" in first and "jaccard" in first


def test_pptx(tmp_path):
    from pptx import Presentation

    kw = pd.DataFrame({"term": [f"語{i:02d}" for i in range(20)], "score": [20 - i for i in range(20)],
                       "rank": list(range(1, 21))})
    path = write_pptx(tmp_path / "s.pptx", network_png=_png(), keywords_png=_png(), keywords=kw,
                      facts=[("コーパス", "ファイル 3 件・発言 120 件"), ("期間", "2024-04-01 〜 2025-03-31（開催日）")])
    prs = Presentation(str(path))
    assert (prs.slide_width, prs.slide_height) == (12191695, 6858000)  # 13.333 × 7.5 in
    assert len(prs.slides) == 4
    assert_shapes_inside(prs)
    first = "\n".join(sh.text_frame.text for sh in prs.slides[0].shapes if sh.has_text_frame)
    assert "コーパス：ファイル 3 件・発言 120 件" in first and "期間：2024-04-01 〜 2025-03-31（開催日）" in first
    tables = [sh.table for sh in prs.slides[3].shapes if sh.has_table]
    assert len(tables) == 1 and len(tables[0].rows) == 16
    assert [tables[0].cell(1, j).text for j in range(3)] == ["1", "語00", "20"]
    with zipfile.ZipFile(path) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert z.namelist()[0] == "[Content_Types].xml"


def test_graphml_generator_is_pure(G):
    assert "".join(generate_graphml(G)) == "".join(generate_graphml(G))


def test_report_svg_ids_renumbered(G):
    import io

    import matplotlib as mpl

    from cooccur.plot import plot_network

    fig = plot_network(G)
    svgs = []
    for salt in ("one", "two"):  # as if saved outside cooccur's rc settings
        buf = io.BytesIO()
        with mpl.rc_context({"svg.hashsalt": salt}):
            fig.savefig(buf, format="svg", metadata={"Date": None})
        svgs.append(buf.getvalue().decode("utf-8"))
    assert svgs[0] != svgs[1]
    args = _report_args(G, pd.DataFrame({"term": ["予算"], "score": [1.5], "rank": [1]}))
    pages = [render_report(**{**args, "figure_svg": s}) for s in svgs]
    assert pages[0] == pages[1]
    ids = re.findall(r'\bid="([^"]+)"', pages[0])
    refs = set(re.findall(r'#(fig\d+)', pages[0]))
    assert refs and refs <= set(ids)


def test_html_pages_carry_their_own_japanese_font():
    """Pages must show Japanese on a machine without Japanese fonts: the subset font is embedded."""
    import base64
    import io
    import re

    from fontTools.ttLib import TTFont

    from cooccur.export.fonts import embed_font

    page = embed_font('<html><style>body{font-family:"IPAexGothic",sans-serif}</style><p>情報共有と標準化</p></html>')
    assert 'font-family:"cooccur-ja","IPAexGothic"' in page
    data = re.search(r"base64,([A-Za-z0-9+/=]+)", page).group(1)
    font = TTFont(io.BytesIO(base64.b64decode(data)))
    cmap = font.getBestCmap()
    assert all(ord(c) in cmap for c in "情報共有と標準化")
    assert ord("鬱") not in cmap  # subset: only what the page uses
    assert embed_font("<style></style>あ") == embed_font("<style></style>あ")  # byte-stable


def test_the_embedded_subset_keeps_the_outlines_and_sound_bounds():
    """The subset's glyphs are the full font's outlines without hints, inside the font-wide bounds."""
    import base64
    import io
    import re

    from fontTools.ttLib import TTFont

    from cooccur.export.fonts import font_face_css
    from cooccur.plot import japanese_font_path

    text = "自治体の標準化と情報共有、ICT人材の確保について議論した。"
    sub = TTFont(io.BytesIO(base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", font_face_css(text)).group(1))))
    full = TTFont(japanese_font_path())
    glyf, full_glyf = sub["glyf"], full["glyf"]
    head, maxp = sub["head"], sub["maxp"]
    for ch in set(text):
        g, f = glyf[sub.getBestCmap()[ord(ch)]], full_glyf[full.getBestCmap()[ord(ch)]]
        assert g.numberOfContours == f.numberOfContours and g.numberOfContours > 0, ch
        assert list(g.coordinates) == list(f.coordinates) and list(g.endPtsOfContours) == list(f.endPtsOfContours)
        assert len(g.program.getBytecode()) == 0  # hints dropped
        assert head.xMin <= g.xMin and head.yMin <= g.yMin and g.xMax <= head.xMax and g.yMax <= head.yMax
        assert len(g.coordinates) <= maxp.maxPoints and g.numberOfContours <= maxp.maxContours
    assert font_face_css(text + "。") == font_face_css(text)  # same characters: the same subset


def test_a_prefetched_subset_is_the_one_built_on_demand():
    """prefetch() builds on a thread what font_face_css would build; the page that takes it is byte-identical."""
    from cooccur.export import fonts

    page = '<html><style>body{font-family:"IPAexGothic"}</style><p>防災無線のデジタル化と避難所の情報共有</p></html>'
    fonts._font_face_css.cache_clear()
    direct = fonts.embed_font(page)
    fonts._font_face_css.cache_clear()
    fonts.prefetch(page)
    fonts.prefetch(page)  # asked twice: built once
    assert len(fonts._PENDING) == 1
    assert fonts.embed_font(page) == direct
    assert not fonts._PENDING  # taken by the page that asked for it


def test_a_failed_prefetch_raises_where_the_font_is_asked_for(monkeypatch):
    from cooccur.export import fonts

    def broken(characters, family):
        raise OSError("font file unreadable")

    monkeypatch.setattr(fonts, "_font_face_css", broken)
    fonts.prefetch("<style></style>議会の会議録")
    with pytest.raises(OSError, match="font file unreadable"):
        fonts.embed_font("<style></style>議会の会議録")


def test_the_network_page_without_its_font_takes_the_same_font_later(G):
    from cooccur.export.fonts import embed_font
    from cooccur.export.html import render_network_html
    from cooccur.layout import network_layout

    pos = network_layout(G, seed=1)
    bare = render_network_html(G, pos, font=False)
    assert "@font-face" not in bare
    assert embed_font(bare) == render_network_html(G, pos)


def test_writers_take_the_graph_then_a_path_or_an_open_file(G, tmp_path):
    import io

    pos = network_layout(G)
    kw = pd.DataFrame({"term": ["予算", "防災"], "score": [1.5, 1.0], "rank": [1, 2]})
    writers = {"n.graphml": lambda t: write_graphml(G, t), "n.gexf": lambda t: write_gexf(G, t, pos=pos),
               "n.json": lambda t: write_json(G, t, pos=pos),
               "n.html": lambda t: write_network_html(G, t, pos, kwic=_kwic()),
               "r.html": lambda t: write_report(t, **_report_args(G, kw))}
    for name, write in writers.items():
        assert write(tmp_path / name) == tmp_path / name
        binary, text = io.BytesIO(), io.StringIO()
        assert write(binary) is None and write(text) is None
        on_disk = (tmp_path / name).read_bytes()
        assert binary.getvalue() == on_disk, name
        assert text.getvalue().encode("utf-8") == on_disk, name
    with open(tmp_path / "open.graphml", "wb") as fh:  # a file opened by the caller, as with networkx
        write_graphml(G, fh)
    assert (tmp_path / "open.graphml").read_bytes() == (tmp_path / "n.graphml").read_bytes()
    assert "予算" in (tmp_path / "n.graphml").read_text("utf-8")


def test_old_argument_order_of_write_network_html_warns_and_still_works(G, tmp_path):
    pos = network_layout(G)
    write_network_html(G, tmp_path / "new.html", pos)
    with pytest.warns(DeprecationWarning, match=r"write_network_html\(G, path, pos\)"):
        write_network_html(tmp_path / "old.html", G, pos)
    assert (tmp_path / "old.html").read_bytes() == (tmp_path / "new.html").read_bytes()
