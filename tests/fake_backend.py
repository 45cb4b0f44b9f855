"""A tiny morphological analyser for tests where the dictionary is not the point.

It cuts text at changes of character class (kanji, hiragana, katakana, Latin,
digits, punctuation, whitespace), except that the words of a small lexicon are
taken whole wherever they start. POS are UniDic-style tuples written by hand,
so the term rules apply to it as to SudachiPy. Stateless: word ids are the
lexicon index or the character class, so it is thread-safe and picklable, and
``learn`` has nothing to do.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from cooccur.tokenize.backend import Forms, Morphemes

NOUN = ("名詞", "普通名詞", "一般", "*", "*", "*")
POS_OF_CLASS = {
    "kanji": NOUN, "katakana": NOUN, "latin": NOUN,
    "digit": ("名詞", "数詞", "*", "*", "*", "*"),
    "hiragana": ("助詞", "格助詞", "*", "*", "*", "*"),
    "punct": ("補助記号", "句点", "*", "*", "*", "*"),
    "space": ("空白", "*", "*", "*", "*", "*"),
}
CLASSES = tuple(POS_OF_CLASS)
#: surface -> (dictionary form, POS)
LEXICON = {
    "鈴木": ("鈴木", ("名詞", "固有名詞", "人名", "姓", "*", "*")),
    "年": ("年", ("名詞", "普通名詞", "助数詞可能", "*", "*", "*")),
    "化": ("化", ("接尾辞", "名詞的", "サ変可能", "*", "*", "*")),
    "各": ("各", ("接頭辞", "*", "*", "*", "*", "*")),
    "進め": ("進める", ("動詞", "一般", "*", "*", "下一段-マ行", "連用形-一般")),
    "進める": ("進める", ("動詞", "一般", "*", "*", "下一段-マ行", "終止形-一般")),
    "する": ("する", ("動詞", "非自立可能", "*", "*", "サ行変格", "終止形-一般")),
    "ます": ("ます", ("助動詞", "*", "*", "*", "助動詞-マス", "終止形-一般")),
    "えー": ("えー", ("感動詞", "フィラー", "*", "*", "*", "*")),
}
WORDS = tuple(LEXICON)
_CLASS_BASE = 1000


def char_class(c: str) -> str:
    if c.isspace():
        return "space"
    if c.isdigit():
        return "digit"
    if "\u3041" <= c <= "\u309f":
        return "hiragana"
    if "\u30a0" <= c <= "\u30ff":
        return "katakana"
    if c.isascii() and c.isalpha():
        return "latin"
    if unicodedata.category(c).startswith("P") or unicodedata.category(c).startswith("S"):
        return "punct"
    return "kanji"


def segment(text: str) -> list[tuple[str, int]]:
    """(surface, word id) of each token of ``text``."""
    out, i, n = [], 0, len(text)
    while i < n:
        word = max((w for w in WORDS if text.startswith(w, i)), key=len, default=None)
        if word is not None:
            out.append((word, WORDS.index(word)))
            i += len(word)
            continue
        cls = char_class(text[i])
        j = i + 1
        while j < n and char_class(text[j]) == cls and not any(text.startswith(w, j) for w in WORDS):
            j += 1
        out.append((text[i:j], _CLASS_BASE + CLASSES.index(cls)))
        i = j
    return out


@dataclass(frozen=True)
class FakeBackend:
    """Character classes plus a nine-word lexicon; ``version`` only changes its identity."""

    version: str = "1"

    def identity(self) -> str:
        return f"fake;version={self.version}"

    def load(self) -> None:
        pass

    def analyse(self, pieces):
        lengths, words, counts = [], [], []
        for piece in pieces:
            toks = segment(piece)
            counts.append(len(toks))
            lengths += [len(s) for s, _ in toks]
            words += [w for _, w in toks]
        return Morphemes(np.asarray(lengths, dtype=np.int64), np.asarray(words, dtype=np.int64),
                         np.asarray(counts, dtype=np.int64))

    def learn(self, pieces, morphemes) -> None:
        pass

    def forms(self, word: int, surface: str) -> Forms:
        if word < _CLASS_BASE:
            dform, pos = LEXICON[WORDS[word]]
            return Forms(dform, dform, "", pos)
        return Forms(surface, surface, "", POS_OF_CLASS[CLASSES[word - _CLASS_BASE]])

    def person_name_parts(self, names) -> frozenset[str]:
        return frozenset(s for name in names for s, w in segment(name)
                         if w < _CLASS_BASE and LEXICON[WORDS[w]][1][:3] == ("名詞", "固有名詞", "人名"))
