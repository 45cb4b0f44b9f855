"""Correspondence analysis (対応分析) of terms against groups or documents.

KH Coder's 対応分析, reimplemented from its documented behaviour (DESIGN.md §6):

* **Matrix**: term frequencies (token rows of each term) per value of a
  metadata column (抽出語×外部変数, ``matrix="group"``; utterances without a value
  are left out and counted) or per document (抽出語×文書, ``matrix="document"``).
  Empty rows and columns are dropped.
* **Terms**: the candidate terms given (by default those passing the automatic
  minimum frequency), then the ``n_terms`` with the largest χ² of their
  distribution over the columns (「差異が顕著な語を分析に使用」): for each term
  the 2 × k table of its count in each column against the rest of that column's
  counted tokens. ``n_terms=0`` keeps every candidate term.
* **Computation**: the SVD of the standardised residuals
  ``S = D_r^{-1/2} (P − r cᵀ) D_c^{-1/2}``; eigenvalues are the squared singular
  values, their shares the inertia explained. Principal coordinates are
  ``F = D_r^{-1/2} U Σ`` and ``G = D_c^{-1/2} V Σ``.
* **Scalings** for the picture: ``standard`` (standard coordinates for both,
  KH Coder's 標準化 default), ``symmetric`` (principal coordinates for both,
  対称) and ``biplot`` (standard coordinates × √singular value, 対称biplot).
  ``correspondence.csv`` always holds principal coordinates.

The sign of each dimension is fixed so that its largest column coordinate (by
absolute value; the first on ties) is positive: same input, same picture.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"区部": [8, 1, 3], "多摩部": [1, 9, 3]}, index=["標準化", "採用", "研修"])
>>> ca = correspondence_from_table(table)
>>> ca.inertia[["dimension", "share"]].round(1).to_dict("records")
[{'dimension': 1, 'share': 100.0}]
>>> side = ca.columns["dim1"] > 0            # 標準化 lies on 区部's side, 採用 on 多摩部's
>>> bool((ca.rows.loc["標準化", "dim1"] > 0) == side["区部"]), bool((ca.rows.loc["採用", "dim1"] > 0) == side["多摩部"])
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from .config import DEFAULTS
from .errors import AnalysisError, choices_message

__all__ = ["Correspondence", "correspondence", "correspondence_from_table", "contingency_table",
           "select_terms_chi2", "zoom_origin", "SCALINGS", "MATRICES"]

SCALINGS = ("standard", "symmetric", "biplot")
MATRICES = ("group", "document")
_EPS = 1e-12


@dataclass
class Correspondence:
    """Result of :func:`correspondence`.

    Attributes
    ----------
    table : DataFrame
        The contingency table analysed: terms (index) × groups or documents (columns).
    rows, columns : DataFrame
        Principal coordinates ``dim1 … dimK`` of the terms and of the columns,
        with ``frequency`` (row / column totals) first.
    inertia : DataFrame
        ``dimension, eigenvalue, share, cumulative`` (share and cumulative in %).
    singular_values : ndarray
    scaling : str
        The scaling the figure uses (``standard``, ``symmetric``, ``biplot``).
    kind : str
        ``"group"`` or ``"document"`` (what the columns are).
    chi2 : Series
        χ² of every candidate term over the columns (before selecting ``n_terms``).
    parameters : dict
    warnings : list of str
    """

    table: pd.DataFrame
    rows: pd.DataFrame
    columns: pd.DataFrame
    inertia: pd.DataFrame
    singular_values: np.ndarray
    scaling: str = "standard"
    kind: str = "group"
    chi2: pd.Series | None = None
    parameters: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)

    @property
    def n_dimensions(self) -> int:
        return len(self.singular_values)

    def coordinates(self, scaling: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Row and column coordinates ``dim1 … dimK`` under ``scaling`` (default: the result's)."""
        scaling = self.scaling if scaling is None else scaling
        if scaling not in SCALINGS:
            raise ValueError(choices_message("ca_scaling", scaling, SCALINGS))
        dims = [f"dim{k + 1}" for k in range(self.n_dimensions)]
        s = self.singular_values
        factor = {"symmetric": np.ones_like(s), "standard": 1.0 / s, "biplot": 1.0 / np.sqrt(s)}[scaling]
        return self.rows[dims] * factor, self.columns[dims] * factor

    def to_frame(self) -> pd.DataFrame:
        """``correspondence.csv``: ``kind, label, frequency, dim1 …`` in principal coordinates."""
        kind = "group" if self.kind == "group" else "document"
        parts = []
        for name, df in (("term", self.rows), (kind, self.columns)):
            part = df.reset_index(names="label")
            part.insert(0, "kind", name)
            parts.append(part)
        return pd.concat(parts, ignore_index=True)


def contingency_table(tokens: pd.DataFrame, utterances: pd.DataFrame | None = None, *,
                      group_by: str | None = None, matrix: Literal["group", "document"] = "group",
                      terms=None) -> tuple[pd.DataFrame, pd.Series, int]:
    """Term frequencies per group (抽出語×外部変数) or per document (抽出語×文書).

    Returns
    -------
    table : DataFrame
        Terms (index, sorted) × column values (sorted), counts of token rows.
        Restricted to ``terms`` when given.
    totals : Series
        Every counted token per column (the "rest of the group's words" of the χ² test).
    dropped : int
        Counted tokens left out because their utterance has no value of ``group_by``.
    """
    if matrix not in MATRICES:
        raise ValueError(choices_message("ca_matrix", matrix, MATRICES))
    from .matrix import unit_codes

    dropped = 0
    ucodes, units = unit_codes(tokens, "utterance" if matrix == "group" else "document")
    if matrix == "group":
        if not group_by:
            raise ValueError("correspondence analysis of terms × groups needs group_by= (--group-by COLUMN); "
                             "or use ca_matrix='document'")
        if utterances is None:
            raise ValueError("correspondence analysis of terms × groups needs the utterances table (utterances=)")
        from .groups import check_group_by

        check_group_by(utterances, group_by)
        keys = utterances[list(dict.fromkeys(["doc_id", "utterance_id", group_by]))].drop_duplicates(
            ["doc_id", "utterance_id"])  # group_by may be doc_id itself
        keys = keys.astype({"doc_id": str})
        per_unit = units.astype({"doc_id": str}).merge(keys, on=["doc_id", "utterance_id"], how="left")[group_by]
    else:
        per_unit = units["doc_id"]
    # one value per utterance (or document), then per token through the unit codes: no string per token row
    vcodes, values = pd.factorize(per_unit.astype("string").to_numpy(dtype=object, na_value=None), sort=True)
    term = tokens["term"]
    counted = term.notna().to_numpy()
    tcodes, vocab = pd.factorize(term[counted].astype(str) if not isinstance(term.dtype, pd.CategoricalDtype)
                                 else term[counted].cat.remove_unused_categories(), sort=True)
    vocab = pd.Index([str(v) for v in vocab])
    col = vcodes[ucodes[counted]]
    has = col >= 0
    dropped = int((~has).sum())
    nv = len(values)
    columns = pd.Index([str(v) for v in values])
    totals = pd.Series(np.bincount(col[has], minlength=nv), index=columns)
    counts = np.bincount(tcodes[has] * nv + col[has], minlength=len(vocab) * nv).reshape(len(vocab), nv)
    table = pd.DataFrame(counts, index=vocab, columns=columns)
    table = table[table.sum(axis=1) > 0]
    if terms is not None:
        table = table.loc[table.index.isin([str(t) for t in terms])]
    order = np.argsort(np.asarray(table.index, dtype=str), kind="stable")  # Python string order
    table = table.iloc[order].astype(np.int64)
    table.index.name, table.columns.name = "term", None
    totals = totals.sort_index()
    table = table[totals.index]
    return table, totals, dropped


def select_terms_chi2(table: pd.DataFrame, totals: pd.Series, n_terms: int) -> tuple[list, pd.Series]:
    """The ``n_terms`` rows of ``table`` with the largest χ² over its columns (all when 0).

    Each term's χ² is Pearson's on the 2 × k table (its count per column, the
    column total minus its count). Ties: higher frequency first, then term.
    Returns the selected terms (in that order) and every term's χ².
    """
    if isinstance(n_terms, bool) or not isinstance(n_terms, (int, np.integer)) or n_terms < 0:
        raise ValueError(f"ca_terms must be a whole number ≥ 0 (0 = every candidate term), not {n_terms!r}")
    O1 = table.to_numpy(dtype=np.float64)
    tot = totals.reindex(table.columns).to_numpy(dtype=np.float64)
    O2 = tot[None, :] - O1
    n = tot.sum()
    r1 = O1.sum(axis=1, keepdims=True)
    r2 = n - r1
    c = tot[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        E1, E2 = r1 * c / n, r2 * c / n
        chi = np.where(E1 > 0, (O1 - E1) ** 2 / E1, 0.0) + np.where(E2 > 0, (O2 - E2) ** 2 / E2, 0.0)
    chi2 = pd.Series(chi.sum(axis=1), index=table.index, name="chi2")
    order = pd.DataFrame({"term": table.index, "chi2": chi2.to_numpy(), "f": r1.ravel()})
    order = order.sort_values(["chi2", "f", "term"], ascending=[False, False, True], kind="mergesort")
    chosen = order["term"].tolist()
    if n_terms:
        chosen = chosen[:n_terms]
    return chosen, chi2


def correspondence(tokens: pd.DataFrame, utterances: pd.DataFrame | None = None, *,
                   group_by: str | None = DEFAULTS["group_by"],
                   matrix: Literal["group", "document"] = DEFAULTS["ca_matrix"],
                   terms=None, n_terms: int = DEFAULTS["ca_terms"],
                   scaling: Literal["standard", "symmetric", "biplot"] = DEFAULTS["ca_scaling"]) -> Correspondence:
    """Correspondence analysis of the terms against the values of ``group_by`` (or the documents).

    Parameters
    ----------
    tokens : DataFrame
        Tokens contract (``term``, ``doc_id``, ``utterance_id``).
    utterances : DataFrame, optional
        Needed for ``matrix="group"`` (the ``group_by`` column).
    group_by : str, optional
        Metadata column whose values are the columns (``matrix="group"``).
    matrix : {"group", "document"}
        抽出語×外部変数 or 抽出語×文書.
    terms : sequence of str, optional
        Candidate terms (e.g. ``analysis.cooccurrence.terms["term"]``); default:
        the terms passing the automatic minimum frequency.
    n_terms : int
        Keep the candidate terms with the largest χ² over the columns (60, as
        KH Coder); 0 keeps them all.
    scaling : {"standard", "symmetric", "biplot"}
        Coordinates the figure uses (the CSV is always in principal coordinates).

    Returns
    -------
    Correspondence

    Raises
    ------
    ValueError
        Unknown matrix or scaling, missing ``group_by``.
    AnalysisError
        Fewer than two terms or two columns with counts (nothing to analyse).
    """
    if scaling not in SCALINGS:
        raise ValueError(choices_message("ca_scaling", scaling, SCALINGS))
    if terms is None:
        from .cooccurrence import auto_min_frequency

        freq = tokens["term"].value_counts()
        freq = freq[freq > 0]
        freq.index = freq.index.astype(str)
        terms = sorted(freq.index[freq >= auto_min_frequency(freq.to_numpy())])
    table, totals, dropped = contingency_table(tokens, utterances, group_by=group_by, matrix=matrix, terms=terms)
    chosen, chi2 = select_terms_chi2(table, totals, n_terms)
    warns = []
    if dropped:
        warns.append(f"correspondence analysis: {dropped} counted tokens have no {group_by!r} value "
                     "and are left out")
    ca = correspondence_from_table(table.loc[sorted(chosen)], scaling=scaling, kind=matrix)
    ca.chi2 = chi2
    ca.warnings = warns + ca.warnings
    ca.parameters = {"ca_matrix": matrix, "group_by": group_by, "ca_terms": int(n_terms),
                     "ca_scaling": scaling, "candidate_terms": int(len(table)),
                     "terms_analysed": int(len(ca.rows)), "columns_analysed": int(len(ca.columns)),
                     "tokens_without_group": dropped}
    return ca


def correspondence_from_table(table: pd.DataFrame, *, scaling: str = "standard",
                              kind: str = "group") -> Correspondence:
    """Correspondence analysis of any table of counts (rows × columns, non-negative).

    Empty rows and columns are dropped first (and said in ``warnings``).
    """
    if scaling not in SCALINGS:
        raise ValueError(choices_message("ca_scaling", scaling, SCALINGS))
    N = table.to_numpy(dtype=np.float64)
    if (N < 0).any() or not np.isfinite(N).all():
        raise ValueError("a contingency table holds counts ≥ 0; found a negative or missing value")
    keep_r, keep_c = N.sum(axis=1) > 0, N.sum(axis=0) > 0
    warns = []
    if not keep_r.all() or not keep_c.all():
        warns.append(f"correspondence analysis: dropped {int((~keep_r).sum())} empty rows and "
                     f"{int((~keep_c).sum())} empty columns")
    table = table.loc[keep_r, keep_c]
    N = table.to_numpy(dtype=np.float64)
    if N.shape[0] < 2 or N.shape[1] < 2:
        raise AnalysisError(f"correspondence analysis needs at least two terms and two columns with counts; "
                            f"got {N.shape[0]} × {N.shape[1]}: use more terms (ca_terms, min_frequency) "
                            "or a column with two or more values")
    P = N / N.sum()
    r, c = P.sum(axis=1), P.sum(axis=0)
    S = (P - np.outer(r, c)) / np.sqrt(np.outer(r, c))
    U, s, Vt = np.linalg.svd(S, full_matrices=False)
    k = int((s > _EPS * max(1.0, s[0] if len(s) else 1.0)).sum())
    k = min(k, min(N.shape) - 1)
    if k < 1:
        raise AnalysisError("correspondence analysis: the table has no inertia (every row has the same profile)")
    U, s, V = U[:, :k], s[:k], Vt[:k].T
    for j in range(k):  # fixed sign: the largest column coordinate is positive
        if V[int(np.argmax(np.abs(V[:, j]))), j] < 0:
            U[:, j], V[:, j] = -U[:, j], -V[:, j]
    F = U / np.sqrt(r)[:, None] * s
    G = V / np.sqrt(c)[:, None] * s
    dims = [f"dim{j + 1}" for j in range(k)]
    rows = pd.DataFrame(F, index=table.index.astype(str), columns=dims)
    rows.insert(0, "frequency", N.sum(axis=1).astype(np.int64))
    cols = pd.DataFrame(G, index=table.columns.astype(str), columns=dims)
    cols.insert(0, "frequency", N.sum(axis=0).astype(np.int64))
    eig = s ** 2
    share = eig / eig.sum() * 100.0
    inertia = pd.DataFrame({"dimension": np.arange(1, k + 1), "eigenvalue": eig, "share": share,
                            "cumulative": np.cumsum(share)})
    return Correspondence(table=table.astype(np.int64), rows=rows, columns=cols, inertia=inertia,
                          singular_values=s, scaling=scaling, kind=kind, warnings=warns)


def zoom_origin(xy: np.ndarray, a: float = 3.0) -> np.ndarray:
    """KH Coder's 「原点付近を拡大」: r′ = log10(1 + a·log10(1 + a·log10(1 + r))), same angle.

    >>> zoom_origin(np.array([[0.0, 0.0], [3.0, 4.0]])).round(4).tolist()
    [[0.0, 0.0], [0.2459, 0.3278]]
    """
    xy = np.asarray(xy, dtype=np.float64)
    r = np.hypot(xy[:, 0], xy[:, 1])
    r2 = np.log10(1 + a * np.log10(1 + a * np.log10(1 + r)))
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.where(r > 0, r2 / r, 0.0)
    return xy * f[:, None]
