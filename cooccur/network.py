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

from dataclasses import dataclass
from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd

from .config import DEFAULTS, param_choices
from .cooccurrence import (MEASURES, Cooccurrence, auto_min_frequency, check_unit, unit_codes,
                           count_cooccurrence, pair_measures, unit_term_matrix)
from .errors import AnalysisError, choices_message

__all__ = [
    "build_network",
    "nodes_frame",
    "edges_frame",
    "attribute_network",
    "compare_groups",
    "ComparisonResult",
    "NODE_COLUMNS",
    "EDGE_COLUMNS",
]

NODE_COLUMNS = ("term", "frequency", "document_frequency", "community", "degree", "betweenness", "eigenvector")
EDGE_COLUMNS = ("source", "target", "cooccurrence", *MEASURES, "weight")
_COMMUNITIES = param_choices("communities")
_UTTERANCE_FIXED = {"doc_id", "utterance_id", "text", "exclusion", "line", "char_start", "char_end", "format"}


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


# --------------------------------------------------------------------------- groups
def _group_matrices(tokens, utterances, group_by: str, unit: str):
    """Unit × term matrix X, unit × value matrix V, vocabulary, values, token frequencies.

    A unit belongs to a value when one of its utterances has that value (for
    sentence/paragraph/utterance units: exactly one value or none when NA).
    """
    if group_by not in utterances.columns:
        usable = [c for c in utterances.columns if c not in _UTTERANCE_FIXED]
        raise ValueError(f"group_by column {group_by!r} does not exist; choose one of: "
                         + (", ".join(repr(c) for c in usable) if usable else
                            "(no metadata columns: add a metadata.csv sidecar)"))
    unit = check_unit(unit)
    import scipy.sparse as sp

    _, value = _token_values(tokens, utterances, group_by)
    value = value.to_numpy(dtype=object, na_value=None)
    X, units, vocab = unit_term_matrix(tokens, unit=unit)
    codes, _ = unit_codes(tokens, unit)
    has = np.array([v is not None for v in value], dtype=bool)
    vcodes, values = pd.factorize(pd.Series(value[has], dtype=object), sort=True)
    V = sp.csr_matrix((np.ones(int(has.sum()), dtype=np.int32), (codes[has], vcodes)),
                      shape=(X.shape[0], len(values)))
    V.sum_duplicates()
    V.data[:] = 1
    counted = tokens["term"].notna().to_numpy()
    tcode = pd.Index(vocab).get_indexer(tokens["term"][counted])
    freq = np.bincount(tcode, minlength=len(vocab))
    return X, V, vocab, [str(v) for v in values], freq, value, tcode, counted


def _token_values(tokens, utterances, group_by: str):
    """(utterance keys with their value in ``_value``, each token's value as a string Series).

    Works for any column of ``utterances``, also a key column itself
    (``group_by="doc_id"`` groups by file, ``"utterance_id"`` by turn number).
    """
    keys = pd.DataFrame({"doc_id": utterances["doc_id"], "utterance_id": utterances["utterance_id"],
                         "_value": utterances[group_by].astype("string")})
    keys = keys.drop_duplicates(["doc_id", "utterance_id"])
    merged = tokens[["doc_id", "utterance_id"]].merge(keys, on=["doc_id", "utterance_id"], how="left")
    return keys, merged["_value"].astype("string").reset_index(drop=True)


def attribute_network(tokens: pd.DataFrame, utterances: pd.DataFrame, *, group_by: str, top_n_per_value: int = 10,
                      unit: str = "utterance", min_frequency: int | None = None,
                      measure: str = "jaccard", max_groups: int | None = DEFAULTS["max_groups"]) -> nx.Graph:
    """Word–attribute network: each value of ``group_by`` linked to its most associated terms.

    Only the ``max_groups`` values with the most units (ties: value order)
    are drawn, so a network of ~100 speakers stays readable; ``None`` keeps
    every value. ``G.graph["groups"]`` lists every value (``value, units,
    frequency, drawn``) and ``G.graph["omitted_groups"]`` those left out.

    Association is ``measure`` (Jaccard by default, as KH Coder) between the units
    containing the term and the units of the value. Candidate terms pass
    ``min_frequency`` (automatic rule of :func:`~cooccur.cooccurrence.auto_min_frequency`
    when None); each value keeps its ``top_n_per_value`` best terms with a > 0
    (ties broken by frequency desc, then term).

    Nodes: attribute nodes have id ``"<group_by>=<value>"``, ``kind="attribute"``,
    ``label=value``, ``frequency`` (counted tokens of the value) and
    ``document_frequency`` (its units); term nodes have id = term,
    ``kind="term"``, ``label``, ``frequency``, ``document_frequency``.
    Edges carry cooccurrence, each measure and weight.

    Raises
    ------
    ValueError
        Unknown ``group_by`` column (the message lists the available ones),
        unknown measure or unit.
    """
    if measure not in MEASURES:
        raise ValueError(choices_message("measure", measure, MEASURES))
    if max_groups is not None and (isinstance(max_groups, bool) or not isinstance(max_groups, (int, np.integer))
                                   or max_groups < 1):
        raise ValueError(f"max_groups must be a whole number ≥ 1 (or None for every group), not {max_groups!r}")
    X, V, vocab, values, freq, value, tcode, counted = _group_matrices(tokens, utterances, group_by, unit)
    if not values:
        raise AnalysisError(f"column {group_by!r} has no value on any analysed utterance")
    applied = auto_min_frequency(freq) if min_frequency is None else int(min_frequency)
    if min_frequency is None and int((freq >= applied).sum()) < 2:  # a small input: every term may count
        applied = 1
    cand = np.flatnonzero(freq >= applied)
    if len(cand) == 0:
        raise AnalysisError(f"no term occurs at least min_frequency={applied} times "
                            f"(frequencies range {int(freq.min())}–{int(freq.max())}); lower min_frequency")
    Xc = X[:, cand]
    A = (Xc.T @ V).toarray()  # candidate terms × values
    df_t = np.bincount(Xc.indices, minlength=len(cand))
    n_v = np.bincount(V.indices, minlength=len(values))
    n_units = X.shape[0]
    ti, vi = np.meshgrid(np.arange(len(cand)), np.arange(len(values)), indexing="ij")
    ti, vi, a = ti.ravel(), vi.ravel(), A.ravel()
    vals = pair_measures(a, df_t[ti], n_v[vi], n_units)
    w = vals[measure]
    ok = a > 0
    if measure == "log_likelihood":
        ok &= a * float(n_units) > df_t[ti].astype(float) * n_v[vi]
    tok_values = value[counted]
    G = nx.Graph(group_by=group_by, unit=unit, measure=measure, min_frequency=applied, n_units=int(n_units))
    vocab_arr = np.asarray(vocab, dtype=object)
    vcodes = pd.Index(values).get_indexer(pd.Series(tok_values, dtype=object).fillna("\0"))
    vfreq = np.bincount(vcodes[vcodes >= 0], minlength=len(values))
    ranked = sorted(range(len(values)), key=lambda k: (-int(n_v[k]), values[k]))
    drawn = sorted(ranked if max_groups is None else ranked[:max_groups])
    G.graph["groups"] = [{"value": values[k], "units": int(n_v[k]), "frequency": int(vfreq[k]),
                          "drawn": k in set(drawn)} for k in ranked]
    G.graph["omitted_groups"] = [g["value"] for g in G.graph["groups"] if not g["drawn"]]
    for k in drawn:
        val = values[k]
        G.add_node(f"{group_by}={val}", kind="attribute", label=val,
                   frequency=int(vfreq[k]), document_frequency=int(n_v[k]))
    for k in drawn:
        val = values[k]
        idx = np.flatnonzero(ok & (vi == k))
        order = np.lexsort((vocab_arr[cand[ti[idx]]].astype(str), -freq[cand[ti[idx]]], -w[idx]))
        for e in idx[order[:top_n_per_value]]:
            t = vocab[cand[ti[e]]]
            if t not in G:
                G.add_node(t, kind="term", label=t, frequency=int(freq[cand[ti[e]]]),
                           document_frequency=int(df_t[ti[e]]))
            attrs = {m: float(vals[m][e]) for m in MEASURES}
            G.add_edge(f"{group_by}={val}", t, cooccurrence=int(a[e]), weight=float(w[e]), **attrs)
    return G


@dataclass
class ComparisonResult:
    """Result of :func:`compare_groups`.

    ``edges``: one row per pair that is an edge of A's or B's network:
    source, target, weight_a, weight_b, cooccurrence_a, cooccurrence_b,
    edge_a, edge_b (the pair is an edge of that group's network), status,
    change = weight_b − weight_a. ``weight_x`` and ``cooccurrence_x`` are the
    pair's values in group x even when it is not an edge there (a term absent
    from the group: the value of a pair that never co-occurs, 0, or −1 for
    npmi), so no cell is empty. ``status``:

    * ``both``: an edge of both networks (edge_a and edge_b);
    * ``only_a``: an edge of A's network, and the pair never co-occurs in B
      (cooccurrence_b = 0); ``only_b`` likewise;
    * ``changed``: an edge of one network only, while the pair co-occurs in
      both groups: its strength crossed the other network's selection cut
      (top_n or threshold; min_frequency is applied per group). The sign of
      ``change`` says which way.

    ``terms``: term, frequency_a, frequency_b, node_a, node_b, status (the same
    four statuses for nodes, with frequency_x = 0 for "never").
    """

    edges: pd.DataFrame
    terms: pd.DataFrame
    graph_a: nx.Graph
    graph_b: nx.Graph
    groups: tuple
    group_by: str
    cooccurrence_a: Cooccurrence
    cooccurrence_b: Cooccurrence


def compare_groups(tokens: pd.DataFrame, utterances: pd.DataFrame, *, group_by: str, groups=None,
                   communities: str = DEFAULTS["communities"], seed: int = DEFAULTS["seed"],
                   **cooccurrence_params) -> ComparisonResult:
    """Build the network of two groups with the same settings and compare them.

    Parameters
    ----------
    group_by : str
        Metadata column of ``utterances``.
    groups : pair of str, optional
        The two values to compare; default the two values with the most analysed
        utterances (ties: value order).
    **cooccurrence_params
        Passed to :func:`~cooccur.cooccurrence.count_cooccurrence` for each group
        (``min_frequency=None`` is resolved per group, so each network has about
        75 terms).

    Raises
    ------
    ValueError
        Unknown column, fewer than two values, or a value that does not exist.
    """
    if group_by not in utterances.columns:
        _group_matrices(tokens.iloc[:0], utterances, group_by, "utterance")  # raises the helpful error
    keys, value = _token_values(tokens, utterances, group_by)
    present = keys.merge(tokens[["doc_id", "utterance_id"]].drop_duplicates(), on=["doc_id", "utterance_id"])
    counts = present["_value"].dropna().astype(str).value_counts()
    available = sorted(counts.index, key=lambda v: (-counts[v], v))
    if groups is None:
        if len(available) < 2:
            raise ValueError(f"column {group_by!r} has {len(available)} value(s) on the analysed utterances; "
                             "a comparison needs two: choose another group_by")
        groups = tuple(available[:2])
    else:
        groups = tuple(str(g) for g in groups)
        if len(groups) != 2 or groups[0] == groups[1]:
            raise ValueError(f"groups must be two different values of {group_by!r}, not {groups!r}")
        for g in groups:
            if g not in counts.index:
                raise ValueError(choices_message(f"{group_by} value", g, available))
    results, graphs, subsets = [], [], []
    for g in groups:
        sub = tokens[(value == g).fillna(False).to_numpy()]
        try:
            c = count_cooccurrence(sub, **cooccurrence_params)
        except AnalysisError as exc:
            raise AnalysisError(f"group {group_by}={g!r}: {exc.message}") from None
        results.append(c)
        graphs.append(build_network(c, communities=communities, seed=seed))
        subsets.append(sub)
    edges = _compare_edges(results, subsets, cooccurrence_params.get("unit", DEFAULTS["unit"]))
    terms = _compare_terms(graphs, subsets)
    return ComparisonResult(edges=edges, terms=terms, graph_a=graphs[0], graph_b=graphs[1], groups=groups,
                            group_by=group_by, cooccurrence_a=results[0], cooccurrence_b=results[1])


def _compare_edges(results, subsets, unit) -> pd.DataFrame:
    ea, eb = (r.edges[["source", "target"]] for r in results)
    pairs = pd.concat([ea.assign(_a=True), eb.assign(_b=True)]).groupby(["source", "target"], sort=True).any()
    pairs = pairs.reset_index()
    out = pairs[["source", "target"]].copy()
    measure = results[0].measure
    for tag, sub, res in zip("ab", subsets, results):
        X, _, vocab = unit_term_matrix(sub, unit=unit)
        idx = pd.Index(vocab)
        si, ti = idx.get_indexer(out["source"]), idx.get_indexer(out["target"])
        df = np.bincount(X.indices, minlength=len(vocab))
        terms = np.unique(np.concatenate([si[si >= 0], ti[ti >= 0]]))
        pos = pd.Index(terms)
        Xs = X[:, terms]
        C = (Xs.T @ Xs).toarray()
        both = (si >= 0) & (ti >= 0)
        a = np.zeros(len(out), dtype=np.int64)
        a[both] = C[pos.get_indexer(si[both]), pos.get_indexer(ti[both])]
        dfi = np.where(si >= 0, df[np.maximum(si, 0)], 0)
        dfj = np.where(ti >= 0, df[np.maximum(ti, 0)], 0)
        out[f"weight_{tag}"] = pair_measures(a, dfi, dfj, res.n_units, measures=(measure,))[measure]
        out[f"cooccurrence_{tag}"] = a
    for tag in "ab":  # undefined only when a term is absent from the group: the pair never co-occurs there
        out[f"weight_{tag}"] = out[f"weight_{tag}"].fillna(_never_value(measure))
    out = out[["source", "target", "weight_a", "weight_b", "cooccurrence_a", "cooccurrence_b"]]
    in_a, in_b = pairs["_a"].to_numpy(dtype=bool), pairs["_b"].to_numpy(dtype=bool)
    out["edge_a"], out["edge_b"] = in_a, in_b
    out["status"] = _status(in_a, in_b, out["cooccurrence_a"].to_numpy() > 0, out["cooccurrence_b"].to_numpy() > 0)
    out["change"] = out["weight_b"] - out["weight_a"]
    order = {"both": 0, "changed": 1, "only_a": 2, "only_b": 3}
    out = out.assign(_s=out["status"].map(order), _c=-out["change"].abs().fillna(np.inf))
    return out.sort_values(["_s", "_c", "source", "target"], kind="mergesort").drop(columns=["_s", "_c"]) \
        .reset_index(drop=True)


def _compare_terms(graphs, subsets) -> pd.DataFrame:
    na, nb = set(graphs[0].nodes), set(graphs[1].nodes)
    names = sorted(na | nb)
    fa, fb = (s["term"].dropna().value_counts() for s in subsets)
    out = pd.DataFrame({"term": names,
                        "frequency_a": [int(fa.get(t, 0)) for t in names],
                        "frequency_b": [int(fb.get(t, 0)) for t in names]})
    in_a, in_b = np.array([t in na for t in names], dtype=bool), np.array([t in nb for t in names], dtype=bool)
    out["node_a"], out["node_b"] = in_a, in_b
    out["status"] = _status(in_a, in_b, out["frequency_a"].to_numpy() > 0, out["frequency_b"].to_numpy() > 0)
    out = out.assign(_t=out["frequency_a"] + out["frequency_b"])
    return out.sort_values(["_t", "term"], ascending=[False, True], kind="mergesort").drop(columns="_t") \
        .reset_index(drop=True)


def _status(in_a, in_b, seen_a, seen_b) -> np.ndarray:
    """both / only_a / only_b / changed, from where an item is in the network and where it occurs at all.

    ``both``: in both networks. ``only_a``: in A's network and never in B's
    group (no co-occurrence, or the term does not occur there); ``only_b`` the
    same for B. ``changed``: in one network only, yet present in both groups
    (its strength crossed the other network's selection cut).
    """
    return np.where(in_a & in_b, "both",
                    np.where(in_a & ~seen_b, "only_a", np.where(in_b & ~seen_a, "only_b", "changed")))


def _never_value(measure: str) -> float:
    """The measure of a pair that never co-occurs (what an undefined value stands for in a comparison)."""
    return -1.0 if measure == "npmi" else 0.0
