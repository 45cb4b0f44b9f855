"""The co-occurrence network: a networkx graph with communities and centralities.

Decisions (DESIGN.md §2):

* Nodes are the terms with at least one kept edge, inserted in term order; edges
  are inserted in the order of ``Cooccurrence.edges`` so every algorithm sees the
  same input on every run.
* ``community``: greedy modularity (default, networkx
  ``greedy_modularity_communities`` with ``weight="weight"``) or Louvain
  (``louvain_communities(seed=seed)``). When a weight is ≤ 0 (npmi can be
  negative) both run unweighted, since modularity needs positive weights.
  Communities are numbered 0, 1, … by size (desc), then total term frequency
  (desc), then their smallest term; a community of a single node gets ``-1``
  ("uncoloured").
* ``degree`` is the number of neighbours. ``betweenness`` is networkx's normalised
  betweenness and ``eigenvector`` the leading eigenvector of the adjacency
  matrix, both **unweighted**: the edges are already the strongest pairs, the
  measures live on different scales, and a weight would be read as a distance by
  betweenness. Eigenvector centrality is computed per connected component
  (dense symmetric eigensolver, so bipartite or disconnected graphs never fail)
  and scaled so that each component's most central node has 1.
* Edge ``mst``: part of the maximum spanning tree (forest, one per component) on
  ``weight`` — the same tree as the minimum spanning tree on 1/weight when all
  weights are positive. ``intra_community``: both ends in the same community
  (and not -1).
"""

from __future__ import annotations

from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd

from .config import DEFAULTS, param_choices
from .cooccurrence import MEASURES, Cooccurrence
from .errors import choices_message

__all__ = [
    "build_network",
    "nodes_frame",
    "edges_frame",
    "NODE_COLUMNS",
    "EDGE_COLUMNS",
]

NODE_COLUMNS = ("term", "frequency", "document_frequency", "community", "degree", "betweenness", "eigenvector")
EDGE_COLUMNS = ("source", "target", "cooccurrence", *MEASURES, "weight")
_COMMUNITIES = param_choices("communities")


def build_network(cooc: Cooccurrence, *, communities: Literal["greedy", "louvain"] = DEFAULTS["communities"],
                  seed: int = DEFAULTS["seed"]) -> nx.Graph:
    """Turn a :class:`~cooccur.cooccurrence.Cooccurrence` into an annotated graph.

    Parameters
    ----------
    cooc : Cooccurrence
    communities : {"greedy", "louvain"}
    seed : int
        Seed for Louvain (greedy modularity is deterministic).

    Returns
    -------
    networkx.Graph
        Node attributes: frequency, document_frequency, community, degree,
        betweenness, eigenvector. Edge attributes: cooccurrence, each measure,
        weight, mst, intra_community. ``G.graph`` holds unit, measure,
        min_frequency, n_units, communities, seed and top_n or threshold.

    Examples
    --------
    >>> import pandas as pd
    >>> from cooccur.cooccurrence import count_cooccurrence
    >>> t = pd.DataFrame({"doc_id": "d", "utterance_id": 0, "paragraph_id": [0, 0, 1, 1, 1],
    ...                   "term": ["予算", "議会", "予算", "議会", "条例"]})
    >>> G = build_network(count_cooccurrence(t, min_frequency=1, top_n=1))
    >>> sorted(G.edges), G.nodes["予算"]["community"]
    ([('予算', '議会')], 0)
    """
    if communities not in _COMMUNITIES:
        raise ValueError(choices_message("communities", communities, _COMMUNITIES))
    G = nx.Graph()
    params = cooc.parameters
    G.graph.update(unit=cooc.unit, measure=cooc.measure, min_frequency=int(cooc.min_frequency_),
                   n_units=int(cooc.n_units), communities=communities, seed=int(seed))
    for key in ("top_n", "threshold"):
        if params.get(key) is not None:
            G.graph[key] = params[key]
    edges = cooc.edges
    info = cooc.terms.set_index("term")
    names = sorted(set(edges["source"]) | set(edges["target"]))
    for t in names:
        G.add_node(t, frequency=int(info.at[t, "frequency"]),
                   document_frequency=int(info.at[t, "document_frequency"]))
    cols = ["cooccurrence", *MEASURES, "weight"]
    for row in edges[["source", "target", *cols]].itertuples(index=False):
        attrs = {c: (int(v) if c == "cooccurrence" else float(v)) for c, v in zip(cols, row[2:])}
        G.add_edge(row[0], row[1], **attrs)
    _annotate(G, communities=communities, seed=seed)
    return G


def _annotate(G: nx.Graph, *, communities: str, seed: int) -> None:
    """Add community, degree, betweenness, eigenvector, mst and intra_community."""
    if G.number_of_nodes() == 0:
        return
    weighted = all(d["weight"] > 0 for _, _, d in G.edges(data=True))
    w = "weight" if weighted else None
    if communities == "greedy":
        parts = nx.community.greedy_modularity_communities(G, weight=w)
    else:
        parts = nx.community.louvain_communities(G, weight=w, seed=seed)
    freq = nx.get_node_attributes(G, "frequency")
    ranked = sorted(parts, key=lambda c: (-len(c), -sum(freq.get(n, 0) for n in c), min(c)))
    label, k = {}, 0
    for c in ranked:
        if len(c) == 1:
            label.update({n: -1 for n in c})
        else:
            label.update({n: k for n in c})
            k += 1
    between = nx.betweenness_centrality(G, normalized=True)
    eigen = _eigenvector_by_component(G)
    for n in G.nodes:
        G.nodes[n].update(community=int(label[n]), degree=int(G.degree(n)),
                          betweenness=float(between[n]), eigenvector=float(eigen[n]))
    tree = nx.maximum_spanning_tree(G, weight="weight", algorithm="kruskal")
    for u, v, d in G.edges(data=True):
        d["mst"] = bool(tree.has_edge(u, v))
        d["intra_community"] = bool(label[u] == label[v] != -1)


def _eigenvector_by_component(G: nx.Graph) -> dict:
    out = {}
    for comp in nx.connected_components(G):
        nodes = sorted(comp)
        if len(nodes) == 1:
            out[nodes[0]] = 1.0
            continue
        A = nx.to_numpy_array(G, nodelist=nodes, weight=None)
        vals, vecs = np.linalg.eigh(A)
        v = np.abs(vecs[:, np.argmax(vals)])
        v = v / v.max()
        out.update({n: float(round(x, 12)) for n, x in zip(nodes, v)})
    return out


def nodes_frame(G: nx.Graph) -> pd.DataFrame:
    """nodes.csv: the contract columns (then any other node attributes), frequency desc, term."""
    rows = [{"term": n, **d} for n, d in G.nodes(data=True)]
    df = pd.DataFrame(rows, columns=None if rows else list(NODE_COLUMNS))
    for c in NODE_COLUMNS:
        if c not in df.columns:
            df[c] = pd.NA
    extra = sorted(c for c in df.columns if c not in NODE_COLUMNS)
    df = df[[*NODE_COLUMNS, *extra]]
    if len(df):
        df = df.assign(_f=pd.to_numeric(df["frequency"], errors="coerce").fillna(0))
        df = df.sort_values(["_f", "term"], ascending=[False, True], kind="mergesort").drop(columns="_f")
    return df.reset_index(drop=True)


def edges_frame(G: nx.Graph) -> pd.DataFrame:
    """edges.csv: contract columns, then mst and intra_community (and any others).

    ``source < target`` (string order); sorted by weight desc, source, target.
    """
    rows = []
    for u, v, d in G.edges(data=True):
        s, t = (u, v) if str(u) <= str(v) else (v, u)
        rows.append({"source": s, "target": t, **d})
    df = pd.DataFrame(rows)
    for c in (*EDGE_COLUMNS, "mst", "intra_community"):
        if c not in df.columns:
            df[c] = pd.Series(dtype=object)
    first = [*EDGE_COLUMNS, "mst", "intra_community"]
    df = df[[*first, *sorted(c for c in df.columns if c not in first)]]
    if len(df):
        df = df.sort_values(["weight", "source", "target"], ascending=[False, True, True], kind="mergesort")
    return df.reset_index(drop=True)
