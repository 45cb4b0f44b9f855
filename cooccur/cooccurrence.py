"""Co-occurrence: pair counts, association measures, edges, and the terms associated with one term.

Everything is counted on the binary unit × term matrix of :mod:`cooccur.matrix`.

Counting follows the behaviour KH Coder users know (DESIGN.md §2):

* A *unit* is a sentence, paragraph (default), utterance or document; a term
  either occurs in a unit or not (presence/absence, not counts).
* *frequency* is the number of token rows of the term in the whole corpus;
  *document_frequency* (df) is the number of units containing it.
* Candidate terms pass ``max_frequency``, ``min_document_frequency`` and
  ``max_document_frequency`` first, then ``min_frequency``. With
  ``min_frequency=None`` the value is chosen automatically (:func:`auto_min_frequency`).
* Pair counts are ``C = Xc.T @ Xc`` over the candidate columns ``Xc`` of the binary
  matrix (upper triangle only); ``a = C[i, j]`` is the number of units containing
  both terms. Pairs with ``a = 0`` are never edges.
* Edges: the ``top_n`` pairs by the chosen measure, keeping every pair tied with
  the N-th; or, when ``threshold`` is given, every pair whose measure is at least
  ``threshold`` (``top_n`` is then not used).

Measures (``N`` units, ``a`` joint, ``df_i``, ``df_j``):

========================  ===========================================================
``jaccard``               a / (df_i + df_j − a)
``dice``                  2a / (df_i + df_j)
``simpson``               a / min(df_i, df_j)
``cosine``                a / sqrt(df_i · df_j)
``npmi``                  log(p_ij / (p_i p_j)) / −log p_ij, p = count / N (1 when a = N)
``lift``                  a · N / (df_i · df_j)
``log_likelihood``        Dunning's G² = 2 Σ O ln(O / E) on the 2×2 unit table, 0·ln 0 = 0
========================  ===========================================================

With ``measure="log_likelihood"`` only positively associated pairs
(a · N > df_i · df_j) can become edges: G² is large for repulsion too, and an
edge in a co-occurrence network means "used together".

Ties: equal rationals give bit-identical doubles (IEEE division is correctly
rounded and every intermediate product is an exact integer below 2**53; cosine is
computed as sqrt(a² / (df_i df_j)) for that reason), so ties of jaccard, dice,
simpson, cosine and lift are compared exactly. npmi and log_likelihood involve
logarithms; values within a relative 1e-12 of the N-th are treated as tied.

Edge order: ``source < target`` in Python string order (code points), edges sorted
by weight descending, then source, then target.

Only the selection measure is evaluated for every candidate pair; the other
measures are evaluated for the kept edges (same values, less work).

Examples
--------
>>> import pandas as pd
>>> tokens = pd.DataFrame({"doc_id": "a", "utterance_id": 0, "paragraph_id": [0, 0, 1, 1],
...                        "sentence_id": [0, 0, 1, 1], "term": ["行政", "情報", "行政", "情報"]})
>>> cooc = count_cooccurrence(tokens, min_frequency=2)
>>> cooc.edges[["source", "target", "cooccurrence", "jaccard"]].to_dict("records")
[{'source': '情報', 'target': '行政', 'cooccurrence': 2, 'jaccard': 1.0}]
"""

from __future__ import annotations

import warnings as _warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .config import DEFAULTS, param_choices
from .errors import AnalysisError, choices_message
from .matrix import UNIT_KEYS, UNITS, Unit, build_matrix, check_unit, unit_codes, unit_term_matrix
from .validate import check_int

__all__ = [
    "MEASURES",
    "Cooccurrence",
    "count_cooccurrence",
    "cooccurrence_from_matrix",
    "associated_terms",
    "auto_min_frequency",
    "pair_measures",
    # the unit × term matrix lives in cooccur.matrix; these names stay importable from here
    "UNITS",
    "UNIT_KEYS",
    "unit_term_matrix",
    "check_unit",
    "unit_codes",
]

MEASURES: tuple[str, ...] = param_choices("measure")
SELECTIONS: tuple[str, ...] = param_choices("selection")
#: Number of terms the automatic min_frequency aims at, and the readability limit.
AUTO_TARGET_TERMS = 75
MANY_TERMS = 150
_LOG_MEASURES = ("npmi", "log_likelihood")
_LOG_RTOL = 1e-12

Measure = Literal["jaccard", "dice", "simpson", "cosine", "npmi", "lift", "log_likelihood"]
Selection = Literal["salience", "frequency"]


@dataclass
class Cooccurrence:
    """Result of :func:`count_cooccurrence`.

    Attributes
    ----------
    edges : DataFrame
        ``source, target, cooccurrence`` plus one column per measure and ``weight``
        (the selection measure), sorted by weight desc, source, target.
    terms : DataFrame
        Candidate terms: ``term, frequency, document_frequency`` (frequency desc, term).
    min_frequency_ : int
        The min_frequency actually applied (chosen automatically when not given).
    n_units : int
        Number of units (N), including units without any counted term.
    unit, measure : str
    parameters : dict
        Every setting used, with ``min_frequency`` as applied.
    warnings : list of str
    """

    edges: pd.DataFrame
    terms: pd.DataFrame
    min_frequency_: int
    n_units: int
    unit: str
    measure: str
    parameters: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)


# --------------------------------------------------------------------------- measures
def pair_measures(a, df_i, df_j, n_units: int, *, measures=MEASURES) -> dict[str, np.ndarray]:
    """Association measures for pairs with joint count ``a`` (arrays of equal length).

    See the module docstring for the formulas. Pairs with ``a = 0`` get the
    formulas' values (0 for most, NaN where undefined).
    """
    a = np.asarray(a, dtype=np.float64)
    di = np.asarray(df_i, dtype=np.float64)
    dj = np.asarray(df_j, dtype=np.float64)
    n = float(n_units)
    out: dict[str, np.ndarray] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for m in measures:
            if m == "jaccard":
                out[m] = a / (di + dj - a)
            elif m == "dice":
                out[m] = 2.0 * a / (di + dj)
            elif m == "simpson":
                out[m] = a / np.minimum(di, dj)
            elif m == "cosine":
                out[m] = np.sqrt(a * a / (di * dj))
            elif m == "lift":
                out[m] = a * n / (di * dj)
            elif m == "npmi":
                v = np.log(a * n / (di * dj)) / np.log(n / a)
                v = np.where(a == n, 1.0, v)
                out[m] = np.where(a == 0, -1.0, v)
            elif m == "log_likelihood":
                out[m] = _g2(a, di, dj, n)
            else:
                raise ValueError(choices_message("measure", m, MEASURES))
    return out


def _g2(a, di, dj, n):
    """Dunning's G² of the 2×2 table [[a, di−a], [dj−a, n−di−dj+a]], symmetric in i, j."""
    from scipy.special import xlogy

    b = di - a
    c = dj - a
    d = n - di - dj + a
    ndi, ndj = n - di, n - dj

    def cell(o, row, col):  # 0 · ln 0 = 0, also when a margin is 0
        return np.where(o > 0, xlogy(o, o * n / (row * col)), 0.0)

    with np.errstate(divide="ignore", invalid="ignore"):
        g = (cell(a, di, dj) + cell(d, ndi, ndj)) + (cell(b, di, ndj) + cell(c, dj, ndi))
    return np.maximum(2.0 * g, 0.0)


# --------------------------------------------------------------------------- counting
def auto_min_frequency(frequencies, *, target: int = AUTO_TARGET_TERMS) -> int:
    """KH Coder-style automatic minimum frequency.

    Candidates are 2, 5, 10, 15, … (2, then the multiples of 5) up to the
    highest frequency (2 is always a candidate). For each candidate ``m``,
    ``n(m)`` is the number of terms with frequency ≥ m. The candidate whose
    ``n(m)`` is closest to ``target`` (75) wins; between two counts equally far
    from it the smaller count wins (readability), and among candidates with the
    same count the smallest ``m`` (it admits the same terms). Because ``n`` falls as ``m`` grows, this picks either the
    last candidate above the target or the first at or below it; a count more
    than ``target`` above (over 150) can win only if no candidate gets closer,
    i.e. when even the highest candidate leaves more than 150 terms.

    >>> auto_min_frequency([1] * 10 + [3] * 80 + [7] * 70)
    5
    >>> auto_min_frequency([100] * 3)
    2
    """
    f = np.sort(np.asarray(frequencies, dtype=np.int64))
    top = int(f[-1]) if len(f) else 0
    cands = np.array([2] + list(range(5, max(top, 2) + 1, 5)), dtype=np.int64)
    n = len(f) - np.searchsorted(f, cands, side="left")
    dist = np.abs(n - target)
    best = np.lexsort((cands, n, dist))[0]
    return int(cands[best])


def count_cooccurrence(
    tokens: pd.DataFrame,
    *,
    unit: Unit = DEFAULTS["unit"],
    measure: Measure = DEFAULTS["measure"],
    min_frequency: int | None = DEFAULTS["min_frequency"],
    max_frequency: int | None = DEFAULTS["max_frequency"],
    min_document_frequency: int = DEFAULTS["min_document_frequency"],
    max_document_frequency: int | None = DEFAULTS["max_document_frequency"],
    top_n: int = DEFAULTS["top_n"],
    threshold: float | None = DEFAULTS["threshold"],
    selection: Selection = DEFAULTS["selection"],
    pair_counts=None,
    dispersion: pd.DataFrame | None = None,
) -> Cooccurrence:
    """Count co-occurrences of the candidate terms and select the network's edges.

    Parameters
    ----------
    tokens : DataFrame
        Tokens contract; rows with NA ``term`` are not counted.
    unit : {"sentence", "paragraph", "utterance", "document"}
    measure : {"jaccard", "dice", "simpson", "cosine", "npmi", "lift", "log_likelihood"}
        Selects the edges and becomes ``weight``.
    min_frequency, max_frequency : int, optional
        Bounds on a term's occurrences. ``min_frequency=None``: automatic
        (:func:`auto_min_frequency`, about 75 terms).
    min_document_frequency, max_document_frequency : int, optional
        Bounds on the number of units containing a term.
    top_n : int
        Keep the N strongest pairs and every pair tied with the N-th.
    threshold : float, optional
        Instead of ``top_n``: keep every pair whose measure is ≥ threshold.
    selection : {"salience", "frequency"}
        ``"salience"``: of the terms within the frequency bounds, the
        :data:`AUTO_TARGET_TERMS` (75) with the highest salience
        (:func:`cooccur.dispersion.term_dispersion`: frequency boosted by
        clustering), so words spread evenly through everything give way to
        the topics; ``min_frequency=None`` then means at least 2.
        ``"frequency"``: KH Coder's rule, every term above ``min_frequency``
        (automatic: about 75 terms).
    pair_counts : callable, optional
        ``pair_counts(Xc)`` returning the sparse ``Xc.T @ Xc`` of the binary
        unit × candidate-term matrix, computed elsewhere (the Dask engine sums
        it over partitions of the units). Default: computed here.
    dispersion : DataFrame, optional
        :func:`cooccur.dispersion.term_dispersion` of these tokens, when
        already computed (the pipeline shares it with the keywords).

    Returns
    -------
    Cooccurrence

    Raises
    ------
    ValueError
        Unknown unit or measure, or a negative bound.
    AnalysisError
        No term is left after filtering (the message names the setting to change).
    """
    m = build_matrix(tokens, unit=unit)
    X, vocab, frequency = m.X, m.vocabulary, m.frequency
    if selection not in SELECTIONS:
        raise ValueError(choices_message("selection", selection, SELECTIONS))
    salience = None
    if selection == "salience" and len(vocab):
        from .dispersion import term_dispersion

        disp = (term_dispersion(tokens) if dispersion is None else dispersion).set_index("term")["salience"]
        salience = disp.reindex(pd.Index(vocab, dtype=object)).to_numpy(dtype=np.float64)
    return cooccurrence_from_matrix(
        X, vocab, frequency=frequency, unit=unit, measure=measure, min_frequency=min_frequency,
        max_frequency=max_frequency, min_document_frequency=min_document_frequency,
        max_document_frequency=max_document_frequency, top_n=top_n, threshold=threshold,
        salience=salience, pair_counts=pair_counts)


def cooccurrence_from_matrix(
    X,
    vocabulary,
    *,
    frequency=None,
    unit: str = DEFAULTS["unit"],
    measure: Measure = DEFAULTS["measure"],
    min_frequency: int | None = DEFAULTS["min_frequency"],
    max_frequency: int | None = DEFAULTS["max_frequency"],
    min_document_frequency: int = DEFAULTS["min_document_frequency"],
    max_document_frequency: int | None = DEFAULTS["max_document_frequency"],
    top_n: int = DEFAULTS["top_n"],
    threshold: float | None = DEFAULTS["threshold"],
    salience=None,
    pair_counts=None,
) -> Cooccurrence:
    """:func:`count_cooccurrence` on a ready binary unit × term CSR matrix.

    ``frequency`` (occurrences per column) defaults to the document frequency.
    ``salience`` (a score per column) selects the candidates as
    ``selection="salience"`` does; None selects by frequency (KH Coder's rule).
    """
    if measure not in MEASURES:
        raise ValueError(choices_message("measure", measure, MEASURES))
    for name, v in (("min_frequency", min_frequency), ("max_frequency", max_frequency),
                    ("min_document_frequency", min_document_frequency),
                    ("max_document_frequency", max_document_frequency)):
        check_int(name, v, minimum=0, none="no limit")
    if threshold is None:
        check_int("top_n", top_n, minimum=1)
    X = sp.csr_matrix(X)
    n_units = X.shape[0]
    vocab = np.asarray(list(vocabulary), dtype=object)
    df = np.bincount(X.indices, minlength=X.shape[1]).astype(np.int64)
    freq = df if frequency is None else np.asarray(frequency, dtype=np.int64)
    unit_name = unit

    cand, applied = _candidates(freq, df, min_frequency, max_frequency, min_document_frequency,
                                max_document_frequency, unit_name, salience=salience, vocab=vocab)
    warns = []
    if min_frequency is None and applied == 1:
        warns.append(f"the automatic min_frequency fell to 1: fewer than two terms occur twice or more "
                     f"(a small input); the network uses every one of the {len(cand)} terms")
    if len(cand) > MANY_TERMS:
        warns.append(f"{len(cand)} terms qualify (min_frequency={applied}); more than {MANY_TERMS} terms "
                     "make an unreadable network: raise min_frequency")
    # cut the vocabulary first, then count pairs on the candidate columns only
    Xc = X if len(cand) == X.shape[1] else X[:, cand]
    i, j, a = _upper_pairs(Xc, pair_counts)
    dfc = df[cand].astype(np.float64)
    dfi, dfj = dfc[i], dfc[j]
    w = pair_measures(a, dfi, dfj, n_units, measures=(measure,))[measure]
    keep = _select(w, a, dfi, dfj, n_units, measure=measure, top_n=top_n, threshold=threshold)
    i, j, a, w = i[keep], j[keep], a[keep], w[keep]
    src, tgt = vocab[cand][i], vocab[cand][j]
    edges = pd.DataFrame({"source": src.astype(str), "target": tgt.astype(str),
                          "cooccurrence": a.astype(np.int64)})
    values = pair_measures(a, dfi[keep], dfj[keep], n_units)
    for m in MEASURES:
        edges[m] = values[m]
    edges["weight"] = edges[measure]
    edges = edges.sort_values(["weight", "source", "target"], ascending=[False, True, True],
                              kind="mergesort", ignore_index=True)
    warns += _degenerate(edges, top_n=top_n, threshold=threshold, n_candidates=len(cand))
    if len(edges) == 0:
        warns.append(f"no pair of the {len(cand)} candidate terms qualifies as an edge; "
                     "lower threshold or min_frequency, or use a larger unit")
    terms = pd.DataFrame({"term": vocab[cand].astype(str), "frequency": freq[cand],
                          "document_frequency": df[cand]})
    terms = terms.sort_values(["frequency", "term"], ascending=[False, True], kind="mergesort",
                              ignore_index=True)
    params = dict(unit=unit_name, measure=measure, selection="frequency" if salience is None else "salience",
                  min_frequency=applied, max_frequency=max_frequency,
                  min_document_frequency=min_document_frequency,
                  max_document_frequency=max_document_frequency,
                  top_n=None if threshold is not None else int(top_n), threshold=threshold,
                  candidate_terms=int(len(cand)), candidate_pairs=int(len(keep)), n_units=int(n_units))
    for msg in warns:
        _warnings.warn(msg, stacklevel=3)
    return Cooccurrence(edges=edges, terms=terms, min_frequency_=int(applied), n_units=int(n_units),
                        unit=unit_name, measure=measure, parameters=params, warnings=warns)


def associated_terms(tokens: pd.DataFrame, term: str, *, unit: Unit = DEFAULTS["unit"], top: int = 20) -> pd.DataFrame:
    """Terms that co-occur with ``term``, sorted by Jaccard (KH Coder's associated words).

    The pair counts and Jaccard of :func:`count_cooccurrence`, for the pairs of
    ``term`` with every other term (no frequency filter).

    Parameters
    ----------
    tokens : DataFrame
        Tokens contract.
    term : str
        A counted term (a value of the tokens' ``term`` column).
    unit : {"sentence", "paragraph", "utterance", "document"}
    top : int
        Rows to return.

    Returns
    -------
    DataFrame
        ``term, jaccard, cooccurrence, frequency, rank``: every other term sharing
        at least one unit with ``term``, Jaccard desc, then cooccurrence desc, then
        term; the first ``top`` rows.

    Raises
    ------
    ValueError
        ``term`` is not a counted term (the message names close matches), or an unknown unit.

    Examples
    --------
    >>> t = pd.DataFrame({"doc_id": "d", "utterance_id": 0, "paragraph_id": [0, 0, 1, 1, 2],
    ...                   "term": ["予算", "議会", "予算", "条例", "議会"]})
    >>> associated_terms(t, "予算")[["term", "jaccard", "cooccurrence", "rank"]].values.tolist()
    [['条例', 0.5, 1, 1], ['議会', 0.3333333333333333, 1, 2]]
    """
    m = build_matrix(tokens, unit=unit)
    col = m.columns([term])[0]
    if col < 0:
        from .kwic_search import unknown_term

        raise unknown_term(term, m.vocabulary)
    X, df, freq = m.X, m.document_frequency, m.frequency
    a = np.asarray(X[X[:, col].nonzero()[0]].sum(axis=0)).ravel()  # units holding both, for every term
    ok = a > 0
    ok[col] = False
    j = np.flatnonzero(ok)
    out = pd.DataFrame({"term": np.asarray(m.vocabulary, dtype=object)[j],
                        "jaccard": pair_measures(a[j], df[col], df[j], m.n_units, measures=("jaccard",))["jaccard"],
                        "cooccurrence": a[j].astype(np.int64), "frequency": freq[j].astype(np.int64)})
    out = out.sort_values(["jaccard", "cooccurrence", "term"], ascending=[False, False, True], kind="mergesort")
    out = out.head(top).reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out


#: A network with fewer edges than this, or whose edges mostly rest on one co-occurrence, is said aloud.
FEW_EDGES = 10


def _degenerate(edges, *, top_n, threshold, n_candidates) -> list[str]:
    """Warnings for networks that do not show what their figure seems to show (each with the fix)."""
    out = []
    n = len(edges)
    if n == 0:
        return out
    single = int((edges["cooccurrence"] <= 1).sum())
    if n >= FEW_EDGES and single > n / 2:
        out.append(f"{single} of the {n} edges rest on a single co-occurrence: the network shows chance pairs; "
                   "use a larger unit (--unit utterance or document), a larger corpus, or raise min_frequency")
    if threshold is None and n > 2 * top_n:
        out.append(f"ties with the {top_n}th strongest pair keep {n} edges (top_n={top_n}): many pairs share one "
                   "value, as happens with few units; use a smaller unit (--unit paragraph or sentence), "
                   "another --measure, or --threshold")
    if threshold is not None and n < FEW_EDGES:
        out.append(f"--threshold {threshold:g} leaves only {n} edge(s) among {n_candidates} candidate terms; "
                   "lower the threshold or use --top-n")
    return out


def _candidates(freq, df, min_frequency, max_frequency, min_df, max_df, unit, *, salience=None, vocab=None):
    """Indices of the candidate terms (sorted) and the min_frequency applied."""
    if len(freq) == 0 or freq.sum() == 0:
        raise AnalysisError("the tokens contain no counted term (every term is NA); "
                            "check the part-of-speech filter and stopwords")
    ok = np.ones(len(freq), dtype=bool)
    steps = [("max_frequency", "raise", None if max_frequency is None else freq <= max_frequency),
             ("min_document_frequency", "lower", df >= (min_df or 0)),
             ("max_document_frequency", "raise", None if max_df is None else df <= max_df)]
    for name, verb, mask in steps:
        if mask is None:
            continue
        if not (ok & mask).any():
            _nothing_left(name, verb, freq, df, ok, unit)
        ok &= mask
    if salience is not None:
        floor = 2 if min_frequency is None else int(min_frequency)
        if min_frequency is None and int((ok & (freq >= 2)).sum()) < 2:  # a small input: every term
            floor = 1
        if not (ok & (freq >= floor)).any():
            _nothing_left("min_frequency", "lower", freq, df, ok, unit, applied=floor)
        idx = np.flatnonzero(ok & (freq >= floor))
        # highest salience first; ties by frequency, then term, so the choice never depends on order
        order = np.lexsort((vocab[idx].astype(str), -freq[idx], -np.asarray(salience)[idx]))
        cand = np.sort(idx[order[:AUTO_TARGET_TERMS]])
        return cand, (int(freq[cand].min()) if min_frequency is None else floor)
    applied = auto_min_frequency(freq[ok]) if min_frequency is None else int(min_frequency)
    if min_frequency is None and (ok & (freq >= applied)).sum() < 2:  # a small input: every term may count
        applied = 1
    if not (ok & (freq >= applied)).any():
        _nothing_left("min_frequency", "lower", freq, df, ok, unit, applied=applied)
    ok &= freq >= applied
    return np.flatnonzero(ok), applied


def _nothing_left(name, verb, freq, df, ok, unit, applied=None):
    f, d = freq[ok], df[ok]
    setting = f"{name}={applied}" if applied is not None else name
    raise AnalysisError(
        f"no term is left after filtering by {setting}: {verb} {name}. The {int(ok.sum())} terms "
        f"remaining before it occur {int(f.min())}–{int(f.max())} times, in {int(d.min())}–{int(d.max())} "
        f"{unit} units")


def _upper_pairs(Xc, pair_counts=None):
    """(i, j, a) for i < j with a = units containing both columns, from Xc.T @ Xc.

    ``C`` is symmetric, so its CSC and CSR arrays describe the same matrix: the
    product is used in whatever format scipy returns, without a conversion.
    """
    C = Xc.T @ Xc if pair_counts is None else pair_counts(Xc)
    n = C.shape[0]
    counts = np.diff(C.indptr)
    rows = np.repeat(np.arange(n, dtype=np.int32), counts)
    mask = C.indices > rows
    a = C.data[mask]
    i, j = rows[mask], C.indices[mask]
    return i, j, a


def _select(w, a, dfi, dfj, n_units, *, measure, top_n, threshold):
    """Boolean mask of kept pairs (see module docstring for ties)."""
    eligible = a > 0
    if measure in _LOG_MEASURES:  # the other measures are finite whenever a > 0
        eligible &= ~np.isnan(w)
    if measure == "log_likelihood":
        eligible &= a.astype(np.float64) * n_units > dfi * dfj
    if threshold is not None:
        return eligible & (w >= threshold)
    n_eligible = int(np.count_nonzero(eligible))
    if n_eligible <= top_n:
        return eligible
    we = w if n_eligible == len(w) else w[eligible]
    nth = np.partition(we, len(we) - top_n)[len(we) - top_n]
    cut = nth - abs(nth) * _LOG_RTOL if measure in _LOG_MEASURES else nth
    return eligible & (w >= cut)


# the old private names, for code not yet merged that imports them (remove in the next release)
_check_unit, _unit_codes = check_unit, unit_codes
