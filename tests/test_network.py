"""Tests for cooccur.network: graph attributes, communities, centralities (groups: tests/test_groups.py)."""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest

from cooccur.cooccurrence import MEASURES, count_cooccurrence
from cooccur.network import EDGE_COLUMNS, NODE_COLUMNS, build_network, edges_frame, nodes_frame
from handmade import make_tokens


def test_two_clusters_communities_numbered_by_size_then_frequency():
    # cluster X = {ア, イ, ウ} (3 units), cluster Y = {エ, オ, カ} (4 units, more frequent), bridge ウ–エ once
    units = [["ア", "イ", "ウ"]] * 3 + [["エ", "オ", "カ"]] * 4 + [["ウ", "エ"]]
    G = build_network(count_cooccurrence(make_tokens(units), min_frequency=1, top_n=60))
    comm = nx.get_node_attributes(G, "community")
    assert {n for n, c in comm.items() if c == 0} == {"エ", "オ", "カ"}  # same size, larger total frequency
    assert {n for n, c in comm.items() if c == 1} == {"ア", "イ", "ウ"}
    assert G.edges["ウ", "エ"]["intra_community"] is False and G.edges["ア", "イ"]["intra_community"] is True
    assert G.nodes["ウ"]["degree"] == 3 and G.nodes["ア"]["degree"] == 2
    # ウ lies on the shortest paths of the 2 × 3 pairs {ア, イ} × {エ, オ, カ}: 6 / C(5, 2) = 0.6
    assert G.nodes["ウ"]["betweenness"] == pytest.approx(0.6) and G.nodes["エ"]["betweenness"] == pytest.approx(0.6)
    assert G.nodes["ア"]["betweenness"] == 0.0
    assert G.graph["measure"] == "jaccard" and G.graph["min_frequency"] == 1
    assert sum(d["mst"] for *_, d in G.edges(data=True)) == G.number_of_nodes() - 1


def test_disconnected_graph_centralities_and_mst():
    # triangle ア–イ–ウ and a separate pair エ–オ
    units = [["ア", "イ"], ["イ", "ウ"], ["ア", "ウ"], ["エ", "オ"]]
    G = build_network(count_cooccurrence(make_tokens(units), min_frequency=1))
    assert nx.number_connected_components(G) == 2
    assert [G.nodes[n]["eigenvector"] for n in "アイウエオ"] == pytest.approx([1, 1, 1, 1, 1])
    assert sum(d["mst"] for *_, d in G.edges(data=True)) == 5 - 2  # a spanning forest
    assert G.edges["エ", "オ"]["mst"] is True
    # path ア–イ–ウ: eigenvector ∝ (1, √2, 1), betweenness of the middle = 1
    P = build_network(count_cooccurrence(make_tokens([["ア", "イ"], ["イ", "ウ"]]), min_frequency=1))
    assert P.nodes["ア"]["eigenvector"] == pytest.approx(1 / math.sqrt(2)) and P.nodes["イ"]["eigenvector"] == 1
    assert P.nodes["イ"]["betweenness"] == 1.0 and P.nodes["ア"]["betweenness"] == 0.0


def test_frames_follow_the_contract_and_are_sorted():
    units = [["予算", "議会", "条例"], ["予算", "議会"], ["予算", "条例"], ["議会", "市民"]]
    cooc = count_cooccurrence(make_tokens(units), min_frequency=1)
    G = build_network(cooc)
    nodes, edges = nodes_frame(G), edges_frame(G)
    assert tuple(nodes.columns) == NODE_COLUMNS
    assert tuple(edges.columns[: len(EDGE_COLUMNS)]) == EDGE_COLUMNS
    assert list(edges.columns[len(EDGE_COLUMNS):]) == ["mst", "intra_community"]
    assert nodes["term"].tolist() == ["予算", "議会", "条例", "市民"]  # frequency 3, 3, 2, 1 then term order
    assert (edges["source"] < edges["target"]).all()
    pd.testing.assert_frame_equal(edges[list(EDGE_COLUMNS)], cooc.edges[list(EDGE_COLUMNS)], check_dtype=False)
    for m in MEASURES:
        assert G.edges["予算", "議会"][m] == cooc.edges.iloc[1][m]


def test_louvain_is_seeded_and_communities_validated():
    units = [["ア", "イ", "ウ"]] * 3 + [["エ", "オ", "カ"]] * 4 + [["ウ", "エ"]]
    cooc = count_cooccurrence(make_tokens(units), min_frequency=1)
    a = nodes_frame(build_network(cooc, communities="louvain", seed=7))
    b = nodes_frame(build_network(cooc, communities="louvain", seed=7))
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(ValueError, match="did you mean 'louvain'"):
        build_network(cooc, communities="louvian")
