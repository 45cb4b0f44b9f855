"""What a morphological analyser must provide to the tokenize stage: the :class:`Backend` protocol.

The tokenize stage cuts each utterance into sentence pieces
(:func:`cooccur.tokenize.chunks.split_sentences`), asks a backend to analyse
them, and applies the term rules (:mod:`cooccur.tokenize.terms`) to what it
returns. A backend only segments and labels words; everything else — sentence
ids, threads, the per-document cache, compounds, stopwords, display forms — is
the stage's, so every backend gets the same rules and the same tokens table.

SudachiPy (:class:`cooccur.tokenize.sudachi.SudachiBackend`) is the default.
A replacement is passed as ``backend=`` to
:func:`cooccur.tokenize.tokenize_utterances` and
:func:`cooccur.tokenize.tokenize_to_file`. Its part-of-speech tuples must use
the tag set the term rules are written for (UniDic's, which SudachiPy's is:
``("名詞", "普通名詞", "一般", "*", "*", "*")``; see
:mod:`cooccur.tokenize.terms`), or be mapped to it by the backend.

What a backend returns is checked (:func:`check_morphemes`,
:func:`check_forms`), so a faulty backend fails with a message saying what is
wrong instead of producing a wrong table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, NamedTuple, Protocol, Sequence, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from .sudachi import SudachiBackend

__all__ = ["Backend", "Morphemes", "Forms", "check_morphemes", "check_forms", "default_backend"]


class Morphemes(NamedTuple):
    """A backend's analysis of a list of sentence pieces, as three integer arrays.

    Attributes
    ----------
    lengths : ndarray of int64
        Per token, in order: its length in characters. The tokens of a piece
        cover it exactly (whitespace included), so surfaces are slices of it.
    words : ndarray of int64
        Per token: the backend's word id. Two tokens with the same word id and
        the same surface have the same :class:`Forms`. Ids need only be stable
        for as long as the backend's :meth:`Backend.identity` is unchanged (they
        are cached per document under it).
    counts : ndarray of int64
        Per piece: how many tokens it has (they sum to the number of tokens).
    """

    lengths: np.ndarray
    words: np.ndarray
    counts: np.ndarray


class Forms(NamedTuple):
    """What the term rules need to know of a word (one per distinct word id and surface).

    Attributes
    ----------
    dictionary_form : str
        The uninflected form (増やした → 増やす).
    normalized_form : str
        The spelling-normalised form (子ども → 子供); the dictionary form if the
        backend has none.
    reading : str
        The reading in katakana ("" if unknown).
    pos : tuple of str
        The part of speech in UniDic's tag set, ``"*"`` for empty levels
        (SudachiPy's six fields: four POS levels, conjugation type and form).
    """

    dictionary_form: str
    normalized_form: str
    reading: str
    pos: tuple


@runtime_checkable
class Backend(Protocol):
    """A morphological analyser behind the tokenize stage.

    :meth:`analyse` runs on several threads at once and must be thread-safe;
    with the Dask engine it runs in other processes, so a backend must be
    picklable (hold settings, not loaded dictionaries). :meth:`forms` is asked
    only for words of analyses that :meth:`learn` has seen in this process.
    """

    def identity(self) -> str:
        """Name, versions and settings: a change gives other analyses (the cache key includes it)."""

    def load(self) -> None:
        """Load the dictionary in this process (called before any analysis; cheap when loaded)."""

    def analyse(self, pieces: Sequence[str]) -> Morphemes:
        """Segment and label ``pieces`` (NFKC text, no line break, at most MAX_PIECE_CHARS characters)."""

    def learn(self, pieces: Sequence[str], morphemes: Morphemes) -> None:
        """Make :meth:`forms` answer for every word of ``morphemes`` (analysed here, elsewhere or cached)."""

    def forms(self, word: int, surface: str) -> Forms:
        """The forms of a word id met with ``surface``."""

    def person_name_parts(self, names: Iterable[str]) -> frozenset[str]:
        """Surnames and given names found inside the speakers' names (鈴木一郎 → 鈴木, 一郎)."""


def default_backend(split_mode: str) -> "SudachiBackend":
    """The backend used when none is given: SudachiPy with ``split_mode``."""
    from .sudachi import SudachiBackend

    return SudachiBackend(split_mode)


def _name(backend) -> str:
    return type(backend).__name__


def check_morphemes(result, pieces: Sequence[str], backend) -> Morphemes:
    """``result`` of ``backend.analyse(pieces)`` as int64 arrays, or a ValueError saying what is wrong.

    Raises
    ------
    TypeError
        When ``result`` is not a :class:`Morphemes`.
    ValueError
        When the arrays disagree with each other or do not cover the pieces exactly.

    Examples
    --------
    >>> m = Morphemes(np.array([2, 1]), np.array([7, 3]), np.array([2]))
    >>> check_morphemes(m, ["予算案"], backend=None).lengths.tolist()
    [2, 1]
    >>> check_morphemes(m, ["予算"], backend=None)
    Traceback (most recent call last):
    ...
    ValueError: backend NoneType: the tokens of piece 0 cover 3 characters, the piece has 2 ('予算')
    """
    who = f"backend {_name(backend)}"
    if not isinstance(result, Morphemes):
        raise TypeError(f"{who}: analyse() must return cooccur.tokenize.backend.Morphemes, "
                        f"not {type(result).__name__}")
    arrays = []
    for field, value in zip(Morphemes._fields, result):
        a = np.asarray(value)
        if a.ndim != 1 or (a.size and not np.issubdtype(a.dtype, np.integer)):
            raise ValueError(f"{who}: Morphemes.{field} must be a 1-D integer array, got {a.dtype} of shape {a.shape}")
        arrays.append(a.astype(np.int64, copy=False))
    lengths, words, counts = arrays
    if len(counts) != len(pieces):
        raise ValueError(f"{who}: Morphemes.counts has {len(counts)} entries for {len(pieces)} pieces")
    if len(words) != len(lengths) or int(counts.sum()) != len(lengths) or (counts < 0).any():
        raise ValueError(f"{who}: {len(lengths)} lengths and {len(words)} word ids, but counts sum to "
                         f"{int(counts.sum())} tokens")
    if (lengths < 1).any():
        i = int(np.argmax(lengths < 1))
        raise ValueError(f"{who}: token {i} has length {int(lengths[i])}; every token has at least one character")
    ends = np.cumsum(lengths)
    piece_end = np.cumsum(counts)
    covered = np.diff(np.r_[0, ends[piece_end[counts > 0] - 1]])
    have = np.zeros(len(pieces), dtype=np.int64)
    have[counts > 0] = covered
    want = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    if (have != want).any():
        p = int(np.argmax(have != want))
        raise ValueError(f"{who}: the tokens of piece {p} cover {int(have[p])} characters, the piece has "
                         f"{int(want[p])} ({pieces[p][:40]!r})")
    return Morphemes(lengths, words, counts)


def check_forms(forms, word: int, surface: str, backend) -> Forms:
    """``backend.forms(word, surface)`` if it is well formed, else a TypeError saying what is wrong.

    >>> check_forms(Forms("予算", "予算", "ヨサン", ("名詞", "普通名詞")), 1, "予算", None).pos
    ('名詞', '普通名詞')
    """
    ok = (isinstance(forms, tuple) and len(forms) == 4 and all(isinstance(x, str) for x in forms[:3])
          and isinstance(forms[3], tuple) and len(forms[3]) > 0 and all(isinstance(x, str) for x in forms[3]))
    if not ok:
        raise TypeError(f"backend {_name(backend)}: forms({word}, {surface!r}) must be Forms(dictionary_form, "
                        f"normalized_form, reading: str, pos: non-empty tuple of str), got {forms!r}")
    return forms if isinstance(forms, Forms) else Forms(*forms)
