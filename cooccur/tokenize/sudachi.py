"""The SudachiPy backend: one dictionary per process, one tokenizer per thread.

:class:`SudachiBackend` is the default :class:`cooccur.tokenize.backend.Backend`.
Its hot path does as little per-token Python work as possible (DESIGN.md §4-5):
for each sentence piece it asks SudachiPy only for each morpheme's length and
word id (two C calls, no strings). Forms and POS are looked up once per
dictionary entry (a per-process cache filled by :meth:`SudachiBackend.learn`),
so the term rules of :mod:`cooccur.tokenize.terms` run once per distinct
(word, surface) pair, not once per token.

SudachiPy notes: one :class:`sudachipy.Dictionary` is loaded per process and
shared; a ``Tokenizer`` must not be used by two threads at once (SudachiPy
raises an error), so :func:`get_tokenizer` keeps one per thread. ``tokenize()``
releases the GIL, so threads scale. One call accepts at most
:data:`MAX_INPUT_BYTES` bytes of UTF-8, which is why the stage cuts longer
sentences into pieces (:data:`cooccur.tokenize.chunks.MAX_PIECE_CHARS`).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Iterable, Literal, Sequence

import numpy as np

from ..config import DEFAULTS, param_choices
from ..errors import choices_message
from .backend import Forms, Morphemes

__all__ = ["SudachiBackend", "get_tokenizer", "load_dictionary", "release_dictionary", "sudachi_versions", "SPLIT_MODES", "MAX_INPUT_BYTES"]

#: Largest input (UTF-8 bytes) SudachiPy accepts in one ``tokenize()`` call (measured: 49149 ok, 49150 fails).
MAX_INPUT_BYTES = 49149
SPLIT_MODES = param_choices("split_mode")
_OOV = 0xF000_0000  # SudachiPy word ids of unknown words: 0xF0000000 | pos id

_LOCK = threading.Lock()
_LOCAL = threading.local()
_STATE: dict = {}
_FORMS: dict[int, Forms] = {}  # word id -> forms
_OOV_FORMS: dict[tuple[int, str], Forms] = {}
_SENT: set = set()  # word ids, and (word id, surface) of unknown words, whose forms this process has exported


def _forked() -> None:
    """In a forked child, the forms inherited from the parent are the parent's already: never export them."""
    _SENT.clear()
    _SENT.update(_FORMS)
    _SENT.update(_OOV_FORMS)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked)


def load_dictionary():
    """The process's SudachiPy ``Dictionary`` (loaded on the first call, with its POS table)."""
    with _LOCK:
        if "dict" not in _STATE:
            from sudachipy import Dictionary, Morpheme

            d = Dictionary()
            m = d.tokenizer("C").tokenize("ｑｘｚｑｘｚｑ")[0]
            if not (m.is_oov() and m.word_id() == _OOV | m.part_of_speech_id()):
                raise RuntimeError("this SudachiPy encodes unknown-word ids differently; "
                                   "install sudachipy 0.6.8-0.7.x")
            pos = []
            while (p := d.pos_of(len(pos))) is not None:
                pos.append(tuple(p))
            _STATE.update(dict=d, pos=pos, word_id=Morpheme.word_id)
        return _STATE["dict"]


def release_dictionary() -> None:
    """Let the process's SudachiPy dictionary go (its memory-mapped pages, ~150-200 MB of RSS).

    The word forms already looked up stay cached; the next :func:`load_dictionary`
    or :func:`get_tokenizer` maps it again (and touches only the pages it then
    uses). Tokenizers still held by other live threads keep the mapping until
    those threads end.
    """
    with _LOCK:
        _STATE.pop("dict", None)
    _LOCAL.tokenizers = {}


def get_tokenizer(split_mode: Literal["A", "B", "C"] = DEFAULTS["split_mode"]):
    """This thread's SudachiPy tokenizer for ``split_mode`` (dictionary shared per process).

    A SudachiPy ``Tokenizer`` may not be shared between threads while in use, so
    each thread gets its own; all of them share one loaded ``Dictionary``.

    >>> [m.surface() for m in get_tokenizer("C").tokenize("情報共有を進める")]
    ['情報共有', 'を', '進める']
    """
    if split_mode not in SPLIT_MODES:
        raise ValueError(choices_message("split_mode", split_mode, SPLIT_MODES))
    cache = getattr(_LOCAL, "tokenizers", None)
    if cache is None:
        cache = _LOCAL.tokenizers = {}
    if split_mode not in cache:
        cache[split_mode] = load_dictionary().tokenizer(split_mode)
    return cache[split_mode]


def sudachi_versions() -> str:
    """``sudachipy=X;sudachidict-core=Y`` of the installed packages (``?`` where one is not found)."""
    from importlib import metadata

    out = []
    for dist in ("sudachipy", "sudachidict-core"):
        try:
            out.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:  # pragma: no cover - a custom dictionary install
            out.append(f"{dist}=?")
    return ";".join(out)


@dataclass(frozen=True)
class SudachiBackend:
    """SudachiPy with ``split_mode`` (A: short units, B: middle, C: named entities and compounds whole).

    >>> b = SudachiBackend("C")
    >>> m = b.analyse(["情報共有を進める"])
    >>> m.lengths.tolist(), m.counts.tolist()
    ([4, 1, 3], [3])
    >>> b.learn(["情報共有を進める"], m)
    >>> b.forms(int(m.words[2]), "進める").dictionary_form
    '進める'
    """

    split_mode: str = DEFAULTS["split_mode"]

    def __post_init__(self):
        if self.split_mode not in SPLIT_MODES:
            raise ValueError(choices_message("split_mode", self.split_mode, SPLIT_MODES))

    def identity(self) -> str:
        return f"sudachi;split_mode={self.split_mode};{sudachi_versions()}"

    def load(self) -> None:
        load_dictionary()

    def analyse(self, pieces: Sequence[str]) -> Morphemes:
        tk = get_tokenizer(self.split_mode).tokenize
        word_id = _STATE["word_id"]
        lens: list[int] = []
        wids: list[int] = []
        ntok: list[int] = []
        for s in pieces:  # the hot loop: two C calls per morpheme, no strings
            ml = tk(s)
            ntok.append(len(ml))
            lens += map(len, ml)
            wids += map(word_id, ml)
        return Morphemes(np.asarray(lens, dtype=np.int64), np.asarray(wids, dtype=np.int64),
                         np.asarray(ntok, dtype=np.int64))

    def learn(self, pieces: Sequence[str], morphemes: Morphemes) -> None:
        _fill_forms(pieces, morphemes, self.split_mode)

    def release(self) -> None:
        """Give the dictionary's memory back until it is needed again (:func:`release_dictionary`)."""
        release_dictionary()

    def forms(self, word: int, surface: str) -> Forms:
        """The forms of a word id seen by :meth:`learn`."""
        return _OOV_FORMS[(word, surface)] if word >= _OOV else _FORMS[word]

    def export_forms(self, words, surfaces) -> list:
        """``(word id, surface or None, Forms)`` of these words (learnt here) not exported from this process yet.

        Called in a worker process for each chunk it analysed (``words`` and
        ``surfaces``: the chunk's distinct types, an Arrow string array); the
        parent :meth:`adopt_forms` them instead of looking every new word up again.
        """
        out = []
        surface_list = None
        for i, w in enumerate(words.tolist()):
            if w < _OOV:
                if w not in _SENT:
                    _SENT.add(w)
                    out.append((w, None, _FORMS[w]))
                continue
            if surface_list is None:
                surface_list = surfaces.to_pylist()
            key = (w, surface_list[i])
            if key not in _SENT:
                _SENT.add(key)
                out.append((w, key[1], _OOV_FORMS[key]))
        return out

    def adopt_forms(self, forms: list) -> None:
        """Keep forms another process learnt (:meth:`export_forms`); forms known here already stay as they are."""
        for w, s, f in forms:
            if s is None:
                _FORMS.setdefault(w, f)
            else:
                _OOV_FORMS.setdefault((w, s), f)

    def person_name_parts(self, names: Iterable[str]) -> frozenset[str]:
        """Surnames and given names inside speakers' names (鈴木一郎 → 鈴木, 一郎), by SudachiPy's 人名 tag.

        Minutes write names without a space (「十番鈴木一郎議員」), so the whole name
        never occurs as one token; its parts would otherwise be counted as terms.
        """
        load_dictionary()
        tk = get_tokenizer(self.split_mode)
        parts = set()
        for name in sorted(names):
            for m in tk.tokenize(name[:200]):
                if tuple(m.part_of_speech()[:3]) == ("名詞", "固有名詞", "人名"):
                    parts.add(m.surface())
        return frozenset(parts)


def _fill_forms(pieces: Sequence[str], morphemes: Morphemes, split_mode: str) -> None:
    """Put the forms of word ids not seen before in this process into the cache."""
    L, W, N = morphemes.lengths, morphemes.words, morphemes.counts
    missing = set(W.tolist()).difference(_FORMS)
    if not missing:
        return
    text = "".join(pieces)
    ends = np.cumsum(L)
    todo = []
    for i in np.flatnonzero(np.isin(W, np.fromiter(missing, dtype=np.int64))).tolist():
        w = int(W[i])
        if w < _OOV:
            if w in missing:
                missing.discard(w)
                todo.append((w, i))
        elif (w, text[ends[i] - L[i]: ends[i]]) not in _OOV_FORMS:
            todo.append((w, i))
    d = load_dictionary()  # mapped again if it was released
    pos = _STATE["pos"]
    piece_end = np.cumsum(N)
    for w, i in todo:
        s = text[ends[i] - L[i]: ends[i]]
        if w >= _OOV and (w, s) in _OOV_FORMS:
            continue
        m = None
        if w < _OOV:
            m = next((x for x in d.lookup(s) if x.word_id() == w), None)
        else:  # unknown word or joined numeral: analyse it alone, so its forms do not depend on
            # which occurrence (context) a thread met first
            alone = get_tokenizer(split_mode).tokenize(s)
            if len(alone) == 1 and alone[0].word_id() == w:
                m = alone[0]
        if m is None:  # not indexed (split unit) or different alone: tokenize its piece again
            p = int(np.searchsorted(piece_end, i, side="right"))
            start = int(piece_end[p - 1]) if p else 0
            m = get_tokenizer(split_mode).tokenize(pieces[p])[i - start]
        forms = Forms(m.dictionary_form(), m.normalized_form(), m.reading_form(), pos[m.part_of_speech_id()])
        if w < _OOV:
            _FORMS[w] = forms
        else:
            _OOV_FORMS[(w, s)] = forms
