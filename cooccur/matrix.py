"""The unit × term matrix: which counted terms each unit holds, built once for every stage.

A *unit* is a sentence, paragraph, utterance or document (:data:`UNITS`), keyed by
the tokens' columns in :data:`UNIT_KEYS`. :func:`build_matrix` turns a tokens
table into a :class:`UnitTermMatrix`: the sparse unit × term matrix (presence or
counts), the unit keys of its rows, the vocabulary of its columns, and each
term's *frequency* (token rows in the whole table) and *document frequency*
(units containing it), counted here and nowhere else. Co-occurrence
(:mod:`cooccur.cooccurrence`), keywords, groups (:mod:`cooccur.groups`), KWIC
edge evidence, term clustering, correspondence analysis and coding all start
from it.

Every unit that has a token row is a row of the matrix, even when none of its
tokens is counted (``term`` NA). Rows are sorted by the unit key, columns by
Python string order unless a vocabulary is given.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"doc_id": "a", "utterance_id": [0, 0, 0, 1], "term": ["予算", "予算", "議会", "予算"]})
>>> m = build_matrix(t, unit="utterance")
>>> m.vocabulary, m.frequency.tolist(), m.document_frequency.tolist(), m.X.toarray().tolist()
(['予算', '議会'], [3, 1], [2, 1], [[1, 1], [1, 0]])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .config import DEFAULTS, param_choices
from .errors import choices_message

__all__ = [
    "UNITS",
    "UNIT_KEYS",
    "UnitTermMatrix",
    "build_matrix",
    "unit_term_matrix",
    "unit_codes",
    "check_unit",
    "as_strings",
    "category_codes",
]

UNITS: tuple[str, ...] = param_choices("unit")
UNIT_KEYS: dict[str, tuple[str, ...]] = {
    "sentence": ("doc_id", "utterance_id", "sentence_id"),
    "paragraph": ("doc_id", "utterance_id", "paragraph_id"),
    "utterance": ("doc_id", "utterance_id"),
    "document": ("doc_id",),
}

Unit = Literal["sentence", "paragraph", "utterance", "document"]


@dataclass
class UnitTermMatrix:
    """A tokens table as a unit × term matrix (made by :func:`build_matrix`).

    Attributes
    ----------
    X : scipy.sparse.csr_matrix of int32, shape (n_units, n_terms)
        1 where the term occurs in the unit (``binary=True``), else the number
        of its token rows there.
    units : DataFrame
        The unit keys (:data:`UNIT_KEYS`), one row per row of ``X``, sorted.
    vocabulary : list of str
        The term of each column.
    frequency : ndarray of int64
        Token rows of each term (in the whole table, whatever ``binary``).
    document_frequency : ndarray of int64
        Units containing each term.
    unit : str
    binary : bool
    token_units, token_terms : ndarray of int64, optional
        With ``token_codes=True``: for every token row, its row of ``X`` and its
        column (-1 when the token is not counted or not in the vocabulary).
    """

    X: sp.csr_matrix
    units: pd.DataFrame
    vocabulary: list
    frequency: np.ndarray
    document_frequency: np.ndarray
    unit: str
    binary: bool = True
    token_units: np.ndarray | None = None
    token_terms: np.ndarray | None = None

    @property
    def n_units(self) -> int:
        """Number of units (rows), including those without a counted term."""
        return int(self.X.shape[0])

    def columns(self, terms) -> np.ndarray:
        """Column of each of ``terms`` (-1 for a term not in the vocabulary).

        >>> m = build_matrix(pd.DataFrame({"doc_id": "a", "utterance_id": 0, "term": ["予算", "議会"]}),
        ...                  unit="document")
        >>> m.columns(["議会", "条例"]).tolist()
        [1, -1]
        """
        return pd.Index(self.vocabulary, dtype=object).get_indexer(list(terms))

    def select(self, terms) -> "UnitTermMatrix":
        """The matrix of ``terms`` only, in that order (every unit kept; no per-token codes).

        Raises
        ------
        ValueError
            A term is not in the vocabulary.
        """
        terms = [str(t) for t in terms]
        cols = self.columns(terms)
        if (cols < 0).any():
            raise ValueError(f"terms not in the matrix: {[t for t, c in zip(terms, cols) if c < 0][:5]}")
        return UnitTermMatrix(X=self.X[:, cols], units=self.units, vocabulary=terms,
                              frequency=self.frequency[cols], document_frequency=self.document_frequency[cols],
                              unit=self.unit, binary=self.binary)

    def unit_indicator(self, token_codes, n_codes: int) -> sp.csr_matrix:
        """Units × codes, 1 where a token row of the unit has that code (codes < 0: none).

        With one code per utterance (a speaker, a metadata value), the units of
        a sentence, paragraph or utterance get one code at most; a document
        gets every code of its utterances. Needs ``token_codes=True``.
        """
        codes = np.asarray(token_codes)
        has = codes >= 0
        V = sp.csr_matrix((np.ones(int(has.sum()), dtype=np.int32), (self._token_units()[has], codes[has])),
                          shape=(self.n_units, int(n_codes)))
        V.sum_duplicates()
        V.data[:] = 1
        return V

    def term_counts_by(self, token_codes, n_codes: int) -> sp.csr_matrix:
        """Codes × terms: the counted token rows of each term that carry each code (codes < 0: left out).

        Needs ``token_codes=True``.

        >>> t = pd.DataFrame({"doc_id": "a", "utterance_id": [0, 0, 1], "term": ["予算", "予算", "議会"]})
        >>> build_matrix(t, unit="document", token_codes=True).term_counts_by([0, 0, 1], 2).toarray().tolist()
        [[2, 0], [0, 1]]
        """
        codes = np.asarray(token_codes)
        if self.token_terms is None:
            raise ValueError("build the matrix with token_codes=True to count by token codes")
        ok = (codes >= 0) & (self.token_terms >= 0)
        C = sp.csr_matrix((np.ones(int(ok.sum()), dtype=np.int64), (codes[ok], self.token_terms[ok])),
                          shape=(int(n_codes), len(self.vocabulary)))
        C.sum_duplicates()
        return C

    def _token_units(self) -> np.ndarray:
        if self.token_units is None:
            raise ValueError("build the matrix with token_codes=True to use per-token codes")
        return self.token_units


def build_matrix(tokens: pd.DataFrame, *, unit: Unit = DEFAULTS["unit"], vocabulary=None, binary: bool = True,
                 token_codes: bool = False) -> UnitTermMatrix:
    """The :class:`UnitTermMatrix` of a tokens table.

    Parameters
    ----------
    tokens : DataFrame
        Tokens contract (needs ``term`` and the key columns of ``unit``).
    unit : {"sentence", "paragraph", "utterance", "document"}
    vocabulary : sequence of str, optional
        Columns to use, in this order; tokens with other terms are ignored.
        Default: every counted term, sorted (Python string order).
    binary : bool
        1 where the term occurs in the unit (default); ``False`` gives counts.
    token_codes : bool
        Keep each token row's unit row and term column (``token_units``,
        ``token_terms``), for :meth:`UnitTermMatrix.unit_indicator` and
        :meth:`UnitTermMatrix.term_counts_by`.

    Returns
    -------
    UnitTermMatrix

    Raises
    ------
    ValueError
        Unknown unit, a missing key column or key value, a duplicate vocabulary term.
    """
    unit = check_unit(unit)
    codes, units = unit_codes(tokens, unit)
    tcodes, vocab = _term_codes(tokens["term"], vocabulary)
    keep = tcodes >= 0
    rows, kept = codes[keep], tcodes[keep]
    del keep
    frequency = np.bincount(kept, minlength=len(vocab)).astype(np.int64)
    X = _csr(rows, kept, (len(units), len(vocab)))  # may sort and merge ``kept`` in place (it becomes X.indices)
    del rows, kept
    if binary:
        X.data[:] = 1
    document_frequency = np.bincount(X.indices, minlength=len(vocab)).astype(np.int64)
    token_units = token_terms = None
    if token_codes:
        token_units = codes
        token_terms = tcodes.astype(np.int64)
    return UnitTermMatrix(X=X, units=units, vocabulary=vocab, frequency=frequency,
                          document_frequency=document_frequency, unit=unit, binary=binary,
                          token_units=token_units, token_terms=token_terms)


def _term_codes(term: pd.Series, vocabulary) -> tuple[np.ndarray, list[str]]:
    """Each row's column (int32; -1 for a token not counted or not in the vocabulary) and the vocabulary.

    Without ``vocabulary``: the counted terms, sorted (see :func:`_value_codes`).
    """
    if vocabulary is None:
        codes, names = _value_codes(term)
        return codes, as_strings(names)
    vocab = as_strings(vocabulary)
    if len(set(vocab)) != len(vocab):
        raise ValueError("vocabulary has duplicate terms; pass each term once")
    codes, distinct = _raw_codes(term)
    lut = np.full(len(distinct) + 1, -1, dtype=np.int32)  # code -1 (NA) reads the last
    lut[:-1] = pd.Index(vocab).get_indexer(distinct)
    return lut[codes], vocab


def as_strings(values) -> list[str]:
    """``[str(v) for v in values]``, without iterating an Arrow-backed Index one element at a time.

    >>> as_strings(pd.Index(["議会", "予算"], dtype="str")), as_strings([1, "a"])
    (['議会', '予算'], ['1', 'a'])
    """
    listed = values.tolist() if hasattr(values, "tolist") else list(values)
    return [v if type(v) is str else str(v) for v in listed]


def _csr(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    """The int32 CSR matrix counting each (row, column) pair, in canonical form.

    Rows in order (the tokenizer's tables) give the row pointers by counting,
    and the duplicates are summed in place; otherwise through COO.
    """
    if len(rows) < 2 or not (rows[1:] < rows[:-1]).any():
        indptr = np.zeros(shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
        X = sp.csr_matrix((np.ones(len(rows), dtype=np.int32), cols, indptr), shape=shape, dtype=np.int32)
    else:
        X = sp.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=shape, dtype=np.int32)
    X.sum_duplicates()
    return X


def unit_term_matrix(tokens: pd.DataFrame, *, unit: Unit = DEFAULTS["unit"], vocabulary=None,
                     binary: bool = True):
    """The unit × term matrix of a tokens DataFrame, as ``(X, units, vocabulary)``.

    :func:`build_matrix` without the frequencies; same parameters.

    Returns
    -------
    X : scipy.sparse.csr_matrix of int32, shape (n_units, n_terms)
    units : DataFrame
        The unit keys, one row per row of ``X``, sorted. Every unit that has a
        token row is a unit, even when none of its tokens is counted.
    vocabulary : list of str

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"doc_id": ["a", "a", "b"], "utterance_id": 0, "term": ["議会", None, "議会"]})
    >>> X, units, vocab = unit_term_matrix(t, unit="document")
    >>> X.toarray().tolist(), units["doc_id"].tolist(), vocab
    ([[1], [1]], ['a', 'b'], ['議会'])
    """
    m = build_matrix(tokens, unit=unit, vocabulary=vocabulary, binary=binary)
    return m.X, m.units, m.vocabulary


def unit_codes(tokens: pd.DataFrame, unit: str):
    """Row code of every token (sorted by unit key) and the unit key table.

    >>> t = pd.DataFrame({"doc_id": ["a", "a", "b"], "utterance_id": [1, 0, 0], "term": ["予算", "議会", "予算"]})
    >>> codes, units = unit_codes(t, "utterance")
    >>> codes.tolist(), units.to_dict("list")
    ([1, 0, 2], {'doc_id': ['a', 'a', 'b'], 'utterance_id': [0, 1, 0]})
    """
    keys = list(UNIT_KEYS[unit])
    missing = [k for k in keys if k not in tokens.columns]
    if missing:
        raise ValueError(f"tokens lack the column(s) {missing} needed for unit={unit!r}; "
                         "pass the DataFrame made by tokenize_utterances()")
    if len(tokens) == 0:
        return np.zeros(0, dtype=np.int64), pd.DataFrame({k: [] for k in keys})
    # Rows of one unit are usually adjacent (tokenize writes them so): encode the runs of equal keys,
    # not every row; the codes are the same, the temporaries as small as the number of runs.
    start = np.zeros(len(tokens), dtype=bool)
    start[0] = True
    for k in keys:
        v = tokens[k]
        a = v.cat.codes.to_numpy() if isinstance(v.dtype, pd.CategoricalDtype) else v.to_numpy()
        start[1:] |= a[1:] != a[:-1]
        del a
    first = np.flatnonzero(start)
    del start
    reps = tokens[keys].iloc[first]
    code = np.zeros(len(first), dtype=np.int64)
    uniques = []
    for k in keys:
        c, u = _value_codes(reps[k])
        if (c < 0).any():
            raise ValueError(f"tokens column {k!r} has missing values; every token needs its unit key")
        if len(u) and code.max() > (np.iinfo(np.int64).max // max(len(u), 1)):
            raise ValueError("too many units to encode")  # pragma: no cover - > 9e18 units
        code = code * len(u) + c
        uniques.append((k, u, len(u)))
    ucode, inverse = np.unique(code, return_inverse=True)
    cols = {}
    rest = ucode.copy()
    for k, u, n in reversed(uniques):
        cols[k] = u.take(rest % n)  # Arrow's take for str values: no Python str per unit
        rest //= n
    units = pd.DataFrame({k: _column(cols[k]) for k in keys})
    # each run's code repeated over its rows: one array of the table's length, no row-to-run index beside it
    return np.repeat(inverse.ravel(), np.diff(first, append=len(tokens))), units


def _raw_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """A categorical's own codes and categories (no hashing, no copy), else :func:`pandas.factorize`'s."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), values.cat.categories
    return pd.factorize(values)  # in order of appearance; NA is -1


def _value_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Each row's code (int32) among the distinct values that occur, numbered in value order (-1 for NA),
    and those values: ``pd.factorize(values, sort=True)``, but a categorical is read through its codes and
    comes in value order too, whatever the order of its categories (the tokenizer's are sorted)."""
    codes, distinct = _raw_codes(values)
    present = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(distinct)))
    if not distinct[present].is_monotonic_increasing:
        present = present[distinct[present].argsort()]
    lut = np.full(len(distinct) + 1, -1, dtype=np.int32)  # code -1 (NA) reads the last
    lut[present] = np.arange(len(present), dtype=np.int32)
    return lut[codes], distinct[present]


def _column(index: pd.Index):
    """An Index's values for a new frame, with the dtype ``np.asarray(index)`` would give the frame; strings
    stay Arrow's (no Python str per row) where they are of the dtype a frame infers for str values anyway."""
    return index.array if index.dtype == _STR_DTYPE else np.asarray(index)


#: The dtype a DataFrame gives a column of Python str (pandas 3: ``str``; pandas 2: object).
_STR_DTYPE = pd.Series(np.array(["a"], dtype=object)).dtype


def check_unit(unit: str) -> str:
    """Return ``unit`` if it is one of :data:`UNITS`; else a ValueError naming the valid units.

    >>> check_unit("sentence")
    'sentence'
    """
    if unit not in UNITS:
        raise ValueError(choices_message("unit", unit, UNITS))
    return unit


def category_codes(values: pd.Series) -> tuple[np.ndarray, object]:
    """Integer codes and distinct values of a column (categoricals: their own codes, no hashing).

    >>> codes, values = category_codes(pd.Series(["議会", "予算", "議会"]))
    >>> codes.tolist(), list(values)
    ([0, 1, 0], ['議会', '予算'])
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy().astype(np.int64), values.cat.categories
    return pd.factorize(values.to_numpy())
