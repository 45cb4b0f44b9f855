"""Hierarchical clustering of terms (階層的クラスター分析), KH Coder's way.

* A term is present or absent in each unit (the co-occurrence unit).
* The distance between two terms is ``1 − coefficient`` on those presences:
  Jaccard (default), Dice, Simpson or cosine, the coefficients of
  :mod:`cooccur.cooccurrence`.
* Linkage: Ward (default), as R's ``hclust(method="ward.D2")`` that KH Coder
  uses: scipy's ``linkage(method="ward")`` on the same distances gives the same
  merges and heights. Ward's criterion is defined for Euclidean distances;
  Jaccard distances are not Euclidean, so Ward on them is KH Coder's
  convention, a heuristic rather than a variance decomposition. ``average`` and
  ``complete`` linkage are offered too.
* Number of clusters: ``round(√n)`` for n terms (KH Coder's "Auto"), or given.
  Clusters are numbered 1, 2, … in the dendrogram's top-to-bottom leaf order.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"doc_id": "d", "utterance_id": 0, "paragraph_id": [0, 0, 1, 1, 2, 2, 3, 3],
...                   "term": ["標準化", "移行", "標準化", "移行", "採用", "人材", "採用", "人材"]})
>>> cl = cluster_terms(t, terms=["標準化", "移行", "採用", "人材"], n_clusters=2)
>>> cl.clusters[["term", "cluster"]].values.tolist()
[['人材', 1], ['採用', 1], ['標準化', 2], ['移行', 2]]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from .config import DEFAULTS
from .errors import AnalysisError, choices_message

__all__ = ["TermClusters", "cluster_terms", "term_distances", "auto_n_clusters", "DISTANCES", "METHODS"]

DISTANCES = ("jaccard", "dice", "simpson", "cosine")
METHODS = ("ward", "average", "complete")


@dataclass
class TermClusters:
    """Result of :func:`cluster_terms`.

    Attributes
    ----------
    clusters : DataFrame
        ``term, cluster, frequency`` in dendrogram leaf order (top to bottom).
    linkage : ndarray
        scipy linkage matrix (rows: merged indices, height, size), indices into ``terms``.
    terms : list of str
        The clustered terms (sorted), the indices of ``linkage``.
    distances : ndarray
        The square distance matrix.
    n_clusters : int
    parameters : dict
    """

    clusters: pd.DataFrame
    linkage: np.ndarray
    terms: list
    distances: np.ndarray
    n_clusters: int
    parameters: dict = field(default_factory=dict)

    @property
    def cut_height(self) -> float:
        """A height between the merges that make ``n_clusters`` clusters (for drawing the cut)."""
        h = self.linkage[:, 2]
        n = len(self.terms)
        k = self.n_clusters
        if k <= 1 or n < 2:
            return float(h[-1]) * 1.01 if len(h) else 0.0
        lo = h[n - k - 1] if n - k - 1 >= 0 else 0.0
        hi = h[n - k]
        return float((lo + hi) / 2)

    def to_stage(self) -> tuple[pd.DataFrame, dict]:
        """``(clusters, extras)`` as :class:`cooccur.stage_cache.StageCache` stores them (:meth:`from_stage`).

        The arrays go as JSON lists of floats, which Python writes in the
        shortest form that reads back to the same float64, so a stored
        result equals the computed one bit for bit.
        """
        return self.clusters, {"linkage": self.linkage.tolist(), "terms": list(self.terms),
                               "distances": self.distances.tolist(), "n_clusters": int(self.n_clusters),
                               "parameters": dict(self.parameters)}

    @classmethod
    def from_stage(cls, clusters: pd.DataFrame, extras: dict) -> "TermClusters":
        """The result :meth:`to_stage` gave (the arrays float64, in their shapes).

        >>> t = pd.DataFrame({"doc_id": "d", "utterance_id": 0, "paragraph_id": [0, 0, 1, 2],
        ...                   "term": ["標準化", "移行", "標準化", "人材"]})
        >>> cl = cluster_terms(t, terms=["標準化", "移行", "人材"])
        >>> back = TermClusters.from_stage(*cl.to_stage())
        >>> back.linkage.tobytes() == cl.linkage.tobytes(), back.distances.shape
        (True, (3, 3))
        """
        n = len(extras["terms"])
        return cls(clusters=clusters, linkage=np.asarray(extras["linkage"], dtype=np.float64).reshape(-1, 4),
                   terms=list(extras["terms"]),
                   distances=np.asarray(extras["distances"], dtype=np.float64).reshape(n, n),
                   n_clusters=int(extras["n_clusters"]), parameters=dict(extras["parameters"]))


def auto_n_clusters(n_terms: int) -> int:
    """KH Coder's automatic number of clusters: round(√n), at least 1.

    >>> auto_n_clusters(75), auto_n_clusters(10)
    (9, 3)
    """
    return max(1, int(math.floor(math.sqrt(n_terms) + 0.5)))


def term_distances(X, *, distance: str = "jaccard") -> np.ndarray:
    """Square matrix ``1 − coefficient`` between the columns of a binary unit × term matrix.

    >>> import scipy.sparse as sp
    >>> X = sp.csr_matrix([[1, 1, 0], [1, 0, 1], [0, 0, 1]])
    >>> term_distances(X).round(3).tolist()
    [[0.0, 0.5, 0.667], [0.5, 0.0, 1.0], [0.667, 1.0, 0.0]]
    """
    if distance not in DISTANCES:
        raise ValueError(choices_message("cluster_distance", distance, DISTANCES))
    import scipy.sparse as sp

    X = sp.csc_matrix(X, dtype=np.float64)
    X.data[:] = 1.0
    a = (X.T @ X).toarray()
    df = np.diag(a).copy()
    di, dj = df[:, None], df[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        if distance == "jaccard":
            sim = a / (di + dj - a)
        elif distance == "dice":
            sim = 2 * a / (di + dj)
        elif distance == "simpson":
            sim = a / np.minimum(di, dj)
        else:
            sim = np.sqrt(a * a / (di * dj))
    sim = np.nan_to_num(sim, nan=0.0)
    D = 1.0 - sim
    np.fill_diagonal(D, 0.0)
    return np.clip((D + D.T) / 2, 0.0, None)


def cluster_terms(tokens: pd.DataFrame, *, terms=None, unit: str = DEFAULTS["unit"],
                  distance: Literal["jaccard", "dice", "simpson", "cosine"] = DEFAULTS["cluster_distance"],
                  method: Literal["ward", "average", "complete"] = DEFAULTS["cluster_method"],
                  n_clusters: int | None = DEFAULTS["n_clusters"]) -> TermClusters:
    """Cluster terms by their presence in the units (dendrogram and flat clusters).

    Parameters
    ----------
    tokens : DataFrame
        Tokens contract.
    terms : sequence of str, optional
        Terms to cluster (e.g. the analysis' candidate terms); default: the
        terms passing the automatic minimum frequency.
    unit : {"sentence", "paragraph", "utterance", "document"}
    distance : {"jaccard", "dice", "simpson", "cosine"}
    method : {"ward", "average", "complete"}
    n_clusters : int, optional
        Default ``round(√n)``.

    Returns
    -------
    TermClusters

    Raises
    ------
    ValueError
        Unknown distance or method, n_clusters < 1, a term that never occurs.
    AnalysisError
        Fewer than two terms.
    """
    from scipy.cluster.hierarchy import fcluster, leaves_list, linkage
    from scipy.spatial.distance import squareform

    from .cooccurrence import auto_min_frequency
    from .matrix import build_matrix

    if method not in METHODS:
        raise ValueError(choices_message("cluster_method", method, METHODS))
    if distance not in DISTANCES:
        raise ValueError(choices_message("cluster_distance", distance, DISTANCES))
    m = build_matrix(tokens, unit=unit)
    freq = pd.Series(m.frequency, index=pd.Index(m.vocabulary, dtype=object))
    if terms is None:
        terms = freq.index[freq >= auto_min_frequency(freq.to_numpy())]
    terms = sorted(str(t) for t in terms)
    missing = [t for t in terms if t not in freq.index]
    if missing:
        raise ValueError(f"terms never counted in the tokens: {missing[:5]}; pass counted terms")
    if len(terms) < 2:
        raise AnalysisError(f"clustering needs at least two terms, got {len(terms)}: lower min_frequency")
    if n_clusters is not None and (isinstance(n_clusters, bool) or not isinstance(n_clusters, (int, np.integer))
                                   or n_clusters < 1):
        raise ValueError(f"n_clusters must be a whole number ≥ 1 (or None for round(√n)), not {n_clusters!r}")
    k = auto_n_clusters(len(terms)) if n_clusters is None else min(int(n_clusters), len(terms))
    D = term_distances(m.select(terms).X, distance=distance)
    Z = linkage(squareform(D, checks=False), method=method)
    flat = fcluster(Z, k, criterion="maxclust")
    order = leaves_list(Z)
    renumber: dict[int, int] = {}
    for i in order:  # clusters numbered in top-to-bottom leaf order
        renumber.setdefault(int(flat[i]), len(renumber) + 1)
    clusters = pd.DataFrame({"term": [terms[i] for i in order],
                             "cluster": [renumber[int(flat[i])] for i in order],
                             "frequency": [int(freq[terms[i]]) for i in order]})
    params = {"unit": unit, "cluster_distance": distance, "cluster_method": method,
              "n_clusters": int(len(renumber)), "n_terms": len(terms)}
    return TermClusters(clusters=clusters, linkage=Z, terms=list(terms), distances=D, n_clusters=len(renumber),
                        parameters=params)
