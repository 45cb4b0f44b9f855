"""Multi-token phrases that are grammar or procedure, not topics: function expressions and formulas.

SudachiPy cuts compound particles into ordinary words (において → に + おい + て,
とともに → と + とも + に), so their verbs and nouns (おく, とも, 向ける, 対する …)
would be counted as content words. This module reads tables of such phrases,
written as sequences of token patterns, and finds them in a token sequence.
:mod:`cooccur.tokenize.assemble` marks the tokens of every match as not counted
(``tokens.reason`` = ``function_expression`` or ``formula``) and keeps them
out of compounds; the same words elsewhere are counted as usual.

Two tables ship with cooccur (``cooccur/data``):

* ``function_expressions.tsv`` — compound particles, conjunctive and auxiliary
  expressions and sentence adverbs of written and spoken Japanese (applied
  when ``function_expressions`` is true, the default);
* ``formulas_minutes.tsv`` — questions, answers, the chair's procedure and
  courtesies of assembly and committee minutes (見解を求めます, お答えいたします,
  御指摘, 異議なしと認めます …), applied with the ``minutes`` stopword preset.

Pattern syntax (one token per space-separated item):

``form``
    the token's dictionary form or its surface is ``form``;
``a|b|c``
    any of these forms;
``=form``
    the surface only;
``…:POS``
    and its part of speech (``-``-joined) starts with ``POS``;
``…?``
    the item is optional.

>>> t = parse_pattern("に:助詞 おく:動詞")
>>> [(sorted(e.forms), e.pos) for e in t[0]]
[(['に'], '助詞'), (['おく'], '動詞')]
>>> len(parse_pattern("お|御:接頭辞? 答える"))
2
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

import unicodedata

import numpy as np

from ..errors import ConfigError

__all__ = ["Element", "Phrase", "parse_pattern", "load_phrases", "PhraseMatcher", "REASONS"]

#: Reasons a token is not counted, as written in the ``reason`` column of the tokens table.
REASONS = ("formula", "function_expression", "numeral", "pos", "speaker", "stopword")


@dataclass(frozen=True)
class Element:
    """One token of a pattern: any of ``forms`` (dictionary form or surface; surface only if ``surface_only``)."""

    forms: frozenset
    pos: str = ""
    surface_only: bool = False

    def matches(self, dictionary_form: str, surface: str, pos_detail: str) -> bool:
        if self.pos and not pos_detail.startswith(self.pos):
            return False
        return surface in self.forms or (not self.surface_only and dictionary_form in self.forms)


@dataclass(frozen=True)
class Phrase:
    """A concrete pattern (no optional items left), the reason it is not counted, and its table row."""

    elements: tuple
    reason: str
    expression: str
    line: int


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def parse_pattern(pattern: str, *, where: str = "pattern") -> list[tuple[Element, ...]]:
    """Every concrete element sequence a pattern stands for (optional items expanded).

    Raises
    ------
    ConfigError
        For an empty pattern, an empty form, or a pattern of optional items only.
    """
    items = []
    for raw in _nfkc(pattern).split():
        optional = raw.endswith("?")
        body = raw[:-1] if optional else raw
        forms_part, _, pos = body.partition(":")
        surface_only = False
        forms = []
        for f in forms_part.split("|"):
            if f.startswith("="):
                surface_only, f = True, f[1:]
            if not f:
                raise ConfigError(f"empty form in {raw!r}; write forms as a|b|c", path=where)
            forms.append(f)
        items.append((Element(frozenset(forms), pos, surface_only), optional))
    if not items:
        raise ConfigError("empty pattern", path=where)
    if all(opt for _e, opt in items):
        raise ConfigError("a pattern needs at least one item that is not optional", path=where)
    out = []
    choices = [((e,), ()) if opt else ((e,),) for e, opt in items]
    for combo in itertools.product(*choices):
        out.append(tuple(x for part in combo for x in part))
    return out


def load_phrases(path: str | Path, *, reason: str) -> list[Phrase]:
    """Phrases of a TSV table (``expression``, ``pattern``, …; ``#`` comments), each a concrete pattern.

    ``path`` is a file, or the name of a table shipped in ``cooccur/data``.

    Raises
    ------
    ConfigError
        For a missing file or a row without a pattern, naming the line.
    """
    p = Path(path)
    if p.is_file():
        text, where = p.read_text(encoding="utf-8-sig"), str(p)
    else:
        try:
            text = resources.files("cooccur").joinpath("data", str(path)).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError("phrase table not found; give a TSV file with expression and pattern columns",
                              path=str(path)) from None
        where = f"cooccur/data/{path}"
    out: list[Phrase] = []
    header_seen = False
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            header_seen = True
            if cells[0].strip() == "expression":
                continue
        if len(cells) < 2 or not cells[1].strip():
            raise ConfigError("a row needs an expression and a pattern, separated by a tab", path=where, line=lineno)
        for elements in parse_pattern(cells[1], where=f"{where}:{lineno}"):
            out.append(Phrase(elements, reason, cells[0].strip(), lineno))
    return out


_FUNCTIONAL_POS = ("助詞", "助動詞")
_NONE: frozenset = frozenset()


def _anchor(elements: Sequence[Element]) -> int:
    """The item a match is looked for from: the first not restricted to particles/auxiliaries, else the longest form."""
    for i, e in enumerate(elements):
        if e.pos and not e.pos.startswith(_FUNCTIONAL_POS):
            return i
    for i, e in enumerate(elements):
        if not e.pos and max(map(len, e.forms)) >= 2:
            return i
    return max(range(len(elements)), key=lambda i: max(map(len, elements[i].forms)))


class PhraseMatcher:
    """Finds phrases in sequences of token types; types are registered once each (:meth:`add_type`).

    >>> m = PhraseMatcher(load_phrases("function_expressions.tsv", reason="function_expression"))
    >>> ids = [m.add_type(d, s, p) for d, s, p in [("市", "市", "名詞-普通名詞"), ("に", "に", "助詞-格助詞"),
    ...        ("おく", "おい", "動詞-一般"), ("て", "て", "助詞-接続助詞"), ("検討", "検討", "名詞-普通名詞")]]
    >>> m.match(ids, [True] * 5)
    [(1, 3, 'function_expression')]
    """

    def __init__(self, phrases: Iterable[Phrase]):
        # longest phrases first, so that the longest match at a place wins
        self.phrases = sorted(phrases, key=lambda p: -len(p.elements))
        elements: dict[Element, int] = {}
        self._pattern_ids: list[tuple[int, ...]] = []
        for ph in self.phrases:
            self._pattern_ids.append(tuple(elements.setdefault(e, len(elements)) for e in ph.elements))
        self.elements = list(elements)
        self._by_form: dict[str, list[int]] = {}
        for i, e in enumerate(self.elements):
            for f in e.forms:
                self._by_form.setdefault(f, []).append(i)
        # element id -> [(phrase index, item index)] where it is the anchor
        self._anchored: dict[int, list[tuple[int, int]]] = {}
        for pi, ids in enumerate(self._pattern_ids):
            k = _anchor(self.phrases[pi].elements)
            self._anchored.setdefault(ids[k], []).append((pi, k))
        self._type_elements: list[frozenset] = []
        self._type_anchors: list[tuple] = []

    def __len__(self) -> int:
        return len(self.phrases)

    def add_type(self, dictionary_form: str, surface: str, pos_detail: str) -> int:
        """Register the next token type; returns its index (types are numbered in the order added)."""
        by_surface, by_form = self._by_form.get(surface), self._by_form.get(dictionary_form)
        if by_surface is None and by_form is None:  # most words: no phrase has them
            return self.add_blank()
        cand = set(by_surface or ()) | set(by_form or ())
        ids = frozenset(i for i in cand if self.elements[i].matches(dictionary_form, surface, pos_detail))
        self._type_elements.append(ids)
        anchors = [a for i in ids for a in self._anchored.get(i, ())]
        self._type_anchors.append(tuple(sorted(anchors)))
        return len(self._type_elements) - 1

    def add_blank(self) -> int:
        """Register a type that matches nothing (forced terms, compounds)."""
        self._type_elements.append(_NONE)
        self._type_anchors.append(())
        return len(self._type_elements) - 1

    def is_anchor(self, type_id: int) -> bool:
        return bool(self._type_anchors[type_id])

    def anchor_types(self) -> np.ndarray:
        """Per registered type: whether some phrase is anchored on it (:meth:`is_anchor` of every type at once)."""
        off = self._arrays()[0]
        return off[1:] > off[:-1]

    def match(self, types: Sequence[int], same_piece: Sequence[bool], *,
              candidates: Iterable[int] | None = None, taken=None) -> list[tuple[int, int, str]]:
        """Non-overlapping matches ``(start, end, reason)`` in a token sequence.

        ``same_piece[i]`` is true when token ``i`` continues the sentence of
        token ``i - 1``; ``candidates`` (default: every token) are the
        positions of anchor types; ``taken[i]`` marks tokens already used
        (forced terms), which no match may touch.

        Candidates are taken in order; at each one the longest phrase anchored
        there that fits (the first of :attr:`phrases` among equally long ones)
        wins, and no later match may touch its tokens. Which phrases fit at
        which place is found for all candidates at once (arrays); only the
        choice between overlapping fits is a loop, over the fits.
        """
        tt = np.asarray(types, dtype=np.int64)
        n = len(tt)
        if candidates is None:
            candidates = np.flatnonzero(self.anchor_types()[tt])
        cand = np.asarray(candidates if isinstance(candidates, np.ndarray) else list(candidates), dtype=np.int64)
        if not n or not len(cand):
            return []
        same = np.asarray(same_piece, dtype=bool)
        busy = np.zeros(n, dtype=bool) if taken is None else np.asarray(taken, dtype=bool)
        a_off, a_phrase, a_item, members, n_elem = self._arrays()
        plen, pids = self._phrase_arrays()
        # every (candidate, anchored phrase) pair, in candidate order and then in the type's anchor order
        tc = tt[cand]
        cnt = a_off[tc + 1] - a_off[tc]
        j = np.repeat(cand, cnt)
        flat = np.repeat(a_off[tc], cnt) + (np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt))
        pi = a_phrase[flat]
        start = j - a_item[flat]
        end = start + plen[pi]
        fits = (start >= 0) & (end <= n)
        for e in range(pids.shape[1]):
            on = fits & (plen[pi] > e)
            i = np.where(on, start + e, 0)
            key = tt[i] * n_elem + pids[pi, e]
            at = np.minimum(np.searchsorted(members, key), len(members) - 1)
            ok = (members[at] == key) & ~busy[i]
            if e:
                ok &= same[i]
            fits &= ~on | ok
        keep = np.flatnonzero(fits)
        marked = bytearray(n)
        found: list[tuple[int, int, str]] = []
        reasons = [ph.reason for ph in self.phrases]
        last = -1
        for jj, s, t, p in zip(j[keep].tolist(), start[keep].tolist(), end[keep].tolist(), pi[keep].tolist()):
            if jj == last or marked[jj] or 1 in marked[s:t]:
                continue
            marked[s:t] = b"\x01" * (t - s)
            found.append((s, t, reasons[p]))
            last = jj
        found.sort()
        return found

    def _phrase_arrays(self):
        """(length of each phrase, its element ids padded with -1): fixed once the matcher is built."""
        got = getattr(self, "_parrays", None)
        if got is None:
            width = max((len(ids) for ids in self._pattern_ids), default=1)
            pids = np.full((max(len(self._pattern_ids), 1), width), -1, dtype=np.int64)
            for k, ids in enumerate(self._pattern_ids):
                pids[k, :len(ids)] = ids
            got = self._parrays = (np.array([len(ids) for ids in self._pattern_ids] or [0], dtype=np.int64), pids)
        return got

    def _arrays(self):
        """The registered types' anchors (offsets, phrase, item), element memberships (sorted keys
        ``type * n_elem + element``) and ``n_elem``."""
        nt = len(self._type_anchors)
        got = getattr(self, "_tarrays", None)
        if got is None or got[0] != nt:  # types are only ever added
            counts = np.fromiter(map(len, self._type_anchors), dtype=np.int64, count=nt)
            off = np.zeros(nt + 1, dtype=np.int64)
            np.cumsum(counts, out=off[1:])
            pairs = [a for anchors in self._type_anchors for a in anchors]
            flat = np.array(pairs, dtype=np.int64).reshape(-1, 2)
            n_elem = max(len(self.elements), 1)
            members = np.sort(np.array([t * n_elem + e for t, ids in enumerate(self._type_elements) for e in ids]
                                       or [-1], dtype=np.int64))
            got = self._tarrays = (nt, off, flat[:, 0], flat[:, 1], members, n_elem)
        return got[1:]
