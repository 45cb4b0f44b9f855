"""How a term is spread through the discussion: clustering and salience.

A topic word, once used, tends to be used again soon: it clusters in some
turns and paragraphs (the "adaptation" or burstiness of content words,
Church & Gale 1995; Church 2000). The generic vocabulary of administration
and of talk (取り組む, 進める, 図る, 対応 …) is spread at an even rate through
everything. This module measures the difference on the tokens table itself,
without any word list.

For a term of frequency ``f`` in a corpus of ``L`` counted tokens, and units
(paragraphs, or utterances) of ``ℓ_u`` counted tokens each, the number of
units that would contain the term if its occurrences fell at random (a
Poisson process whose rate follows the unit's length) is

    E = Σ_u (1 − exp(−f · ℓ_u / L))

and the term's **clustering** in that kind of unit is ``1 − df / E``, where
``df`` is the number of units that do contain it: 0 for a term spread at
random, towards 1 for one concentrated in few units, below 0 for one spread
more evenly than chance (one occurrence a paragraph, as formula words are).
The clustering of a term is the larger of its paragraph and its utterance
clustering, clipped to [-1, 1] (paragraphs show it in long speeches,
utterances in short remarks).

Its **salience** is ``f · exp(4 · clustering)``: frequency, multiplied by up
to e⁴ ≈ 55 for a term concentrated in few units, and divided for terms
spread more evenly than chance. A term that fills half the units chance would
give it (clustering 0.5) counts as much as one 7.4 times as frequent spread
at random. Where nothing clusters (a corpus of short, homogeneous remarks),
salience orders terms by frequency, as KH Coder does.

>>> import pandas as pd
>>> t = pd.DataFrame({"doc_id": "d", "utterance_id": [0, 0, 0, 1, 2, 3], "paragraph_id": 0,
...                   "sentence_id": 0, "position": 0,
...                   "term": ["予算", "予算", "予算", "進める", "進める", "進める"]})
>>> d = term_dispersion(t).set_index("term")
>>> bool(d.loc["予算", "salience"] > d.loc["進める", "salience"])
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["term_dispersion", "CLUSTERING_WEIGHT", "CLUSTERING_UNITS"]

#: The ``k`` of salience = f · exp(k · clustering).
CLUSTERING_WEIGHT = 4.0
#: The units in which clustering is measured (the larger value counts).
CLUSTERING_UNITS = ("paragraph", "utterance")


def _expected_units(freq: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Σ_u (1 − exp(−f ℓ_u / L)) for each frequency f, grouping units of equal length ℓ."""
    lengths = lengths[lengths > 0]
    total = lengths.sum()
    if total == 0 or len(freq) == 0:
        return np.zeros(len(freq))
    lv, lc = np.unique(lengths, return_counts=True)
    out = np.zeros(len(freq))
    step = max(1, 2_000_000 // max(len(lv), 1))  # bound the temporary (terms × distinct lengths)
    for a in range(0, len(freq), step):
        f = freq[a:a + step].astype(np.float64)
        out[a:a + step] = (lc[None, :] * -np.expm1(-np.outer(f, lv) / total)).sum(axis=1)
    return out


def term_dispersion(tokens: pd.DataFrame, *, units=CLUSTERING_UNITS,
                    weight: float = CLUSTERING_WEIGHT) -> pd.DataFrame:
    """Clustering and salience of every counted term (see the module docstring).

    Parameters
    ----------
    tokens : DataFrame
        Tokens contract (a lean table will do): ``term`` and the unit key columns.
    units : sequence of {"sentence", "paragraph", "utterance", "document"}
        Units in which clustering is measured; the largest value counts.
    weight : float
        ``k`` in salience = f · exp(k · clustering).

    Returns
    -------
    DataFrame
        ``term, frequency, clustering, salience`` and, per unit, ``units_<unit>``
        (units containing the term), ``expected_<unit>`` and
        ``clustering_<unit>``; one row per counted term, in the vocabulary's order
        (sorted terms).
    """
    from .cooccurrence import unit_term_matrix

    out = None
    best = None
    for unit in units:
        X, _u, vocab = unit_term_matrix(tokens, unit=unit, binary=False)
        freq = np.asarray(X.sum(axis=0)).ravel().astype(np.int64)
        df = np.bincount(X.indices, minlength=len(vocab)).astype(np.float64)
        lengths = np.asarray(X.sum(axis=1)).ravel().astype(np.int64)
        expected = _expected_units(freq, lengths)
        with np.errstate(divide="ignore", invalid="ignore"):
            c = np.where(expected > 0, 1.0 - df / expected, 0.0)
        c = np.clip(c, -1.0, 1.0)
        if out is None:
            out = pd.DataFrame({"term": pd.Series(vocab, dtype=object), "frequency": freq})
        out[f"units_{unit}"] = df.astype(np.int64)
        out[f"expected_{unit}"] = expected
        out[f"clustering_{unit}"] = c
        best = c if best is None else np.maximum(best, c)
    if out is None:
        raise ValueError("units must name at least one unit")
    out["clustering"] = best if best is not None else 0.0
    out["salience"] = out["frequency"] * np.exp(weight * out["clustering"])
    cols = ["term", "frequency", "clustering", "salience"]
    return out[cols + [c for c in out.columns if c not in cols]]
