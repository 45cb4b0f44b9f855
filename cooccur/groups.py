"""Groups: terms by speaker or any metadata column (the word–attribute network, distinctive terms, comparison).

A *group* is a value of a column of the utterances table (``group_by``: a
speaker, a party, a session, also ``doc_id``). A unit belongs to a value when
one of its utterances has that value (sentence, paragraph and utterance units:
exactly one value, or none when NA; a document: every value of its
utterances). Every count is made on the unit × term matrix of
:mod:`cooccur.matrix`, with a units × values matrix beside it.

* :func:`check_group_by`: the one check that the column exists (its message
  lists the columns to choose from).
* :func:`attribute_network`: each value linked to its most associated terms
  (KH Coder's word–attribute co-occurrence network).
* :func:`distinctive_terms`: the terms most characteristic of each value.
* :func:`compare_groups`: the networks of two values side by side, edge by edge.
* :func:`group_results`: all three as ``analyze(group_by=…)`` makes them, with what could not be made said.
"""

from __future__ import annotations

import warnings as _warnings
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from .config import DEFAULTS
from .cooccurrence import MEASURES, Cooccurrence, auto_min_frequency, count_cooccurrence, pair_measures
from .errors import AnalysisError, choices_message
from .matrix import build_matrix, check_unit, unit_codes
from .network import build_network

__all__ = [
    "check_group_by",
    "attribute_network",
    "distinctive_terms",
    "compare_groups",
    "ComparisonResult",
    "group_results",
    "GroupResults",
    "UTTERANCE_FIXED_COLUMNS",
]

#: Columns of every utterances table: not offered as a group_by column when one does not exist.
UTTERANCE_FIXED_COLUMNS = frozenset({"doc_id", "utterance_id", "text", "exclusion", "line", "char_start", "char_end",
                                     "format"})


def check_group_by(utterances: pd.DataFrame, column: str, *, name: str = "group_by") -> None:
    """Raise a ValueError listing the usable columns when ``column`` is not a column of ``utterances``.

    ``name`` is how the caller spelled the setting in the message (the CLI
    and :func:`cooccur.analyze` say ``--group-by``).

    >>> u = pd.DataFrame({"doc_id": ["a"], "utterance_id": [0], "text": ["予算"], "speaker": ["山田"]})
    >>> check_group_by(u, "speaker")
    >>> check_group_by(u, "会派")
    Traceback (most recent call last):
    ...
    ValueError: group_by column '会派' does not exist; choose one of: 'speaker'
    """
    if column not in utterances.columns:
        usable = [c for c in utterances.columns if c not in UTTERANCE_FIXED_COLUMNS]
        raise ValueError(f"{name} column {column!r} does not exist; choose one of: "
                         + (", ".join(repr(c) for c in usable) if usable else
                            "(no metadata columns: add a metadata.csv sidecar)"))


# --------------------------------------------------------------------------- the matrices of a grouping
def _grouped(tokens, utterances, group_by: str, unit: str):
    """(UnitTermMatrix with token codes, units × values V, the values, each token row's value code or -1)."""
    check_group_by(utterances, group_by)
    unit = check_unit(unit)
    values, _, codes = _value_codes(tokens, utterances, group_by)
    m = build_matrix(tokens, unit=unit, token_codes=True)
    return m, m.unit_indicator(codes, len(values)), values, codes


def _value_codes(tokens, utterances, group_by: str):
    """(the values on the tokens' utterances, sorted; utterances per value; each token row's value code or -1).

    The value of a token is its utterance's (NA: none). Looked up once per
    utterance, then spread to the token rows through their utterance codes.
    Works for any column of ``utterances``, also a key column itself
    (``group_by="doc_id"`` groups by file, ``"utterance_id"`` by turn number).
    """
    if len(tokens) == 0:
        return [], np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    rows, units = unit_codes(tokens, "utterance")
    keys = pd.DataFrame({"doc_id": utterances["doc_id"], "utterance_id": utterances["utterance_id"],
                         "_value": utterances[group_by].astype("string")})
    keys = keys.drop_duplicates(["doc_id", "utterance_id"])
    per_unit = units.merge(keys, on=["doc_id", "utterance_id"], how="left")["_value"]
    vcodes, values = pd.factorize(per_unit.to_numpy(dtype=object, na_value=None), sort=True)
    n_utterances = np.bincount(vcodes[vcodes >= 0], minlength=len(values))
    return [str(v) for v in values], n_utterances, vcodes[rows].astype(np.int64)


# --------------------------------------------------------------------------- word–attribute network
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
    m, V, values, codes = _grouped(tokens, utterances, group_by, unit)
    X, vocab, freq = m.X, m.vocabulary, m.frequency
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
    G = nx.Graph(group_by=group_by, unit=unit, measure=measure, min_frequency=applied, n_units=int(n_units))
    vocab_arr = np.asarray(vocab, dtype=object)
    counted_codes = codes[m.token_terms >= 0]
    vfreq = np.bincount(counted_codes[counted_codes >= 0], minlength=len(values))
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
            attrs = {mm: float(vals[mm][e]) for mm in MEASURES}
            G.add_edge(f"{group_by}={val}", t, cooccurrence=int(a[e]), weight=float(w[e]), **attrs)
    return G


# --------------------------------------------------------------------------- distinctive terms
def distinctive_terms(tokens: pd.DataFrame, utterances: pd.DataFrame, *, group_by: str, top: int = 10,
                      unit: str = "utterance") -> pd.DataFrame:
    """Terms most characteristic of each value of ``group_by`` (e.g. each speaker).

    For each value and each term occurring in its units: Jaccard between the
    term's units and the value's units (the ranking, as KH Coder does), Dunning's
    G² on the 2×2 unit table, its p-value (chi-square, 1 degree of freedom,
    ``scipy.stats.chi2.sf``) and ``significant`` (p < 0.05). Rank within group by
    Jaccard desc, then frequency_in_group desc, then term.

    Returns
    -------
    DataFrame
        ``group, term, jaccard, log_likelihood, p_value, significant,
        frequency_in_group, frequency_total, rank``; groups in value order.

    Raises
    ------
    ValueError
        Unknown ``group_by`` column (the message lists those available).
    """
    from scipy.special import chdtrc

    m, V, values, codes = _grouped(tokens, utterances, group_by, unit)
    X, vocab = m.X, m.vocabulary
    cols = ["group", "term", "jaccard", "log_likelihood", "p_value", "significant", "frequency_in_group",
            "frequency_total", "rank"]
    if not values or not vocab:
        return pd.DataFrame({c: [] for c in cols})
    A = (X.T @ V).tocoo()
    ti, vi, a = A.row, A.col, A.data
    keep = a > 0
    ti, vi, a = ti[keep], vi[keep], a[keep]
    n_v = np.bincount(V.indices, minlength=len(values))
    mm = pair_measures(a, m.document_frequency[ti], n_v[vi], X.shape[0], measures=("jaccard", "log_likelihood"))
    in_group = np.asarray(m.term_counts_by(codes, len(values))[vi, ti]).ravel()
    out = pd.DataFrame({"group": np.asarray(values, dtype=object)[vi], "term": np.asarray(vocab, dtype=object)[ti],
                        "jaccard": mm["jaccard"], "log_likelihood": mm["log_likelihood"],
                        "p_value": chdtrc(1, mm["log_likelihood"]), "frequency_in_group": in_group.astype(np.int64),
                        "frequency_total": m.frequency[ti].astype(np.int64), "_v": vi})
    out["significant"] = out["p_value"] < 0.05
    out = out.sort_values(["_v", "jaccard", "frequency_in_group", "term"], ascending=[True, False, False, True],
                          kind="mergesort")
    out["rank"] = out.groupby("_v").cumcount() + 1
    out = out[out["rank"] <= top]
    return out[cols].reset_index(drop=True)


# --------------------------------------------------------------------------- comparison of two groups
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
    check_group_by(utterances, group_by)
    values, n_utterances, codes = _value_codes(tokens, utterances, group_by)
    counts = dict(zip(values, n_utterances.tolist()))
    available = sorted(values, key=lambda v: (-counts[v], v))
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
            if g not in counts:
                raise ValueError(choices_message(f"{group_by} value", g, available))
    results, graphs, subsets = [], [], []
    for g in groups:
        sub = tokens[codes == values.index(g)]
        try:
            c = count_cooccurrence(sub, **cooccurrence_params)
        except AnalysisError as exc:
            raise AnalysisError(f"group {group_by}={g!r}: {exc.message}") from None
        results.append(c)
        graphs.append(build_network(c, communities=communities, seed=seed))
        subsets.append(sub)
    unit = cooccurrence_params.get("unit", DEFAULTS["unit"])
    matrices = [build_matrix(sub, unit=unit) for sub in subsets]
    edges = _compare_edges(results, matrices)
    terms = _compare_terms(graphs, matrices)
    return ComparisonResult(edges=edges, terms=terms, graph_a=graphs[0], graph_b=graphs[1], groups=groups,
                            group_by=group_by, cooccurrence_a=results[0], cooccurrence_b=results[1])


def _compare_edges(results, matrices) -> pd.DataFrame:
    ea, eb = (r.edges[["source", "target"]] for r in results)
    pairs = pd.concat([ea.assign(_a=True), eb.assign(_b=True)]).groupby(["source", "target"], sort=True).any()
    pairs = pairs.reset_index()
    out = pairs[["source", "target"]].copy()
    measure = results[0].measure
    for tag, m, res in zip("ab", matrices, results):
        si, ti = m.columns(out["source"]), m.columns(out["target"])
        df = m.document_frequency
        terms = np.unique(np.concatenate([si[si >= 0], ti[ti >= 0]]))
        pos = pd.Index(terms)
        Xs = m.X[:, terms]
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


def _compare_terms(graphs, matrices) -> pd.DataFrame:
    na, nb = set(graphs[0].nodes), set(graphs[1].nodes)
    names = sorted(na | nb)
    fa, fb = (dict(zip(m.vocabulary, m.frequency.tolist())) for m in matrices)
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


# --------------------------------------------------------------------------- all three, for analyze
@dataclass
class GroupResults:
    """What :func:`group_results` made; None for what could not be made, with the reason in ``warnings``."""

    attribute_graph: nx.Graph | None = None
    distinctive: pd.DataFrame | None = None
    comparison: ComparisonResult | None = None
    warnings: list = field(default_factory=list)


def group_results(tokens: pd.DataFrame, utterances: pd.DataFrame, *, group_by: str,
                  max_groups: int | None = DEFAULTS["max_groups"], communities: str = DEFAULTS["communities"],
                  seed: int = DEFAULTS["seed"], **cooccurrence_params) -> GroupResults:
    """The word–attribute network, the distinctive terms and the comparison of the two largest groups.

    As ``analyze(group_by=…)`` makes them: what a small or one-group input
    cannot give is None and said in ``warnings`` (no exception for it); the
    comparison's networks use ``cooccurrence_params`` (the main network's
    settings) and their counting warnings are not repeated.

    Raises
    ------
    ValueError
        Unknown ``group_by`` column.
    """
    out = GroupResults()
    warnings = out.warnings
    if not tokens["term"].notna().any():
        warnings.append(f"--group-by {group_by}: no counted term, so no word-attribute network, distinctive "
                        "terms or comparison")
        return out
    try:
        out.attribute_graph = attribute_network(tokens, utterances, group_by=group_by, measure="jaccard",
                                                max_groups=max_groups)
    except AnalysisError as exc:
        warnings.append(f"word-attribute network skipped: {exc}")
    else:
        omitted = out.attribute_graph.graph["omitted_groups"]
        if omitted:
            n_groups = len(out.attribute_graph.graph["groups"])
            warnings.append(f"word-attribute network: {n_groups - len(omitted)} of {n_groups} "
                            f"{group_by} values drawn (those with the most units, max_groups="
                            f"{max_groups}); the other {len(omitted)} are listed in attribute_groups.csv "
                            f"({', '.join(omitted[:5])}{', …' if len(omitted) > 5 else ''})")
    try:
        out.distinctive = distinctive_terms(tokens, utterances, group_by=group_by)
    except AnalysisError as exc:
        warnings.append(f"distinctive terms skipped: {exc}")
    try:
        with _warnings.catch_warnings():  # each group's counting warnings are not the main network's
            _warnings.simplefilter("ignore", UserWarning)
            out.comparison = compare_groups(tokens, utterances, group_by=group_by, communities=communities,
                                            seed=seed, **cooccurrence_params)
    except (ValueError, LookupError, AnalysisError) as exc:  # fewer than two groups, or a group with no terms
        warnings.append(f"group comparison skipped: {exc}")
    return out
