"""Statistics of coded units: the cross-tab against a variable and the network of codes.

The units × codes table comes from :func:`cooccur.coding.apply_coding_rules`;
these are KH Coder's クロス集計 (with χ² and adjusted residuals) and コード間の
関連 (Jaccard between codes, drawn as a co-occurrence network).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["code_crosstab", "code_network"]


def code_crosstab(coding, tokens: pd.DataFrame, utterances: pd.DataFrame, *,
                  group_by: str) -> tuple[pd.DataFrame, dict]:
    """Codes × values of ``group_by``: units, %, χ² and adjusted residuals (KH Coder's クロス集計).

    A unit belongs to a value when its utterances have exactly that one value;
    units without a value (or, for document units, with several) are left out
    and counted. For each code the 2 × k table (units with / without the code in
    each group) gives Pearson's χ² (no continuity correction), its p-value and the
    adjusted residual (O − E) / √(E (1 − row/N)(1 − column/N)) of each
    with-the-code cell.

    Returns
    -------
    table : DataFrame
        ``code, count_<g>…, percent_<g>…, chi2, p_value, residual_<g>…``.
    info : dict
        ``groups``, ``units_per_group``, ``units_left_out``.
    """
    from scipy.stats import chi2 as chi2_dist

    from .matrix import UNIT_KEYS

    from .groups import check_group_by

    check_group_by(utterances, group_by)
    keys = list(UNIT_KEYS[coding.unit])
    meta = utterances[["doc_id", "utterance_id", group_by]].drop_duplicates(["doc_id", "utterance_id"])
    meta = meta.astype({"doc_id": str})
    meta[group_by] = meta[group_by].astype("string")
    units = coding.units[keys].astype({"doc_id": str})
    if "utterance_id" in keys:  # a unit lies inside one utterance: its value is that utterance's
        col = units.merge(meta, on=["doc_id", "utterance_id"], how="left")[group_by]
    else:  # document units: the value when all the document's analysed utterances share one
        t = tokens[["doc_id", "utterance_id"]].drop_duplicates().astype({"doc_id": str})
        m = t.merge(meta, on=["doc_id", "utterance_id"], how="left").dropna(subset=[group_by])
        per_doc = m.groupby("doc_id")[group_by].agg(["nunique", "first"])
        one = per_doc.loc[per_doc["nunique"] == 1, "first"]
        col = units["doc_id"].map(one)
    value = col.astype("string").to_numpy(dtype=object, na_value=None)
    has = np.array([v is not None for v in value])
    groups = sorted(set(value[has]))
    M = coding.matrix()[has].astype(np.int64)
    g = pd.Index(groups).get_indexer(value[has])
    G = np.zeros((len(g), len(groups)), dtype=np.int64)
    G[np.arange(len(g)), g] = 1
    O = M.T @ G  # codes × groups
    n_g = G.sum(axis=0).astype(np.float64)
    N = n_g.sum()
    out = {"code": coding.codes}
    for j, name in enumerate(groups):
        out[f"count_{name}"] = O[:, j]
    with np.errstate(divide="ignore", invalid="ignore"):
        for j, name in enumerate(groups):
            out[f"percent_{name}"] = np.where(n_g[j] > 0, O[:, j] / n_g[j] * 100.0, 0.0)
        row = O.sum(axis=1, keepdims=True).astype(np.float64)
        E1 = row * n_g[None, :] / N
        E0 = (N - row) * n_g[None, :] / N
        O0 = n_g[None, :] - O
        chi = (np.where(E1 > 0, (O - E1) ** 2 / E1, 0.0) + np.where(E0 > 0, (O0 - E0) ** 2 / E0, 0.0)).sum(axis=1)
        out["chi2"] = chi
        out["p_value"] = chi2_dist.sf(chi, max(len(groups) - 1, 1))
        denom = np.sqrt(E1 * (1 - row / N) * (1 - n_g[None, :] / N))
        res = np.where(denom > 0, (O - E1) / denom, 0.0)
    for j, name in enumerate(groups):
        out[f"residual_{name}"] = res[:, j]
    info = {"groups": groups, "units_per_group": dict(zip(groups, n_g.astype(int).tolist())),
            "units_left_out": int((~has).sum())}
    return pd.DataFrame(out), info


def code_network(coding, *, top_n: int | None = None, seed: int = 0):
    """The network of codes: Jaccard between the sets of units of two codes (KH Coder's コード間の関連).

    Nodes are the codes with at least one unit (``frequency`` = units); the
    ``top_n`` strongest pairs (ties kept; default twice the number of codes, at least
    3) that share a unit are edges.
    Returns None with fewer than two such codes or no shared unit.
    """
    import scipy.sparse as sp

    from .cooccurrence import cooccurrence_from_matrix
    from .network import build_network

    M = coding.matrix()
    if M.shape[1] < 2 or (M.sum(axis=0) > 0).sum() < 2:
        return None
    cooc = cooccurrence_from_matrix(sp.csr_matrix(M.astype(np.int32)), coding.codes, unit=coding.unit,
                                    measure="jaccard", min_frequency=1,
                                    top_n=top_n or max(3, 2 * M.shape[1]))
    if not len(cooc.edges):
        return None
    return build_network(cooc, seed=seed)
