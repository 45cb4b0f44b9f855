"""Term rules: which tokens are counted, and under which form.

:func:`cooccur.tokenize.tokenize_utterances` applies these rules; they are plain
functions so that users can call them on their own data. The rules:

POS filter (:func:`pos_is_counted`)
    ``pos`` is a tuple of prefixes of the part of speech in UniDic's tag set,
    which SudachiPy uses and every backend gives (``"名詞"``,
    ``"名詞-固有名詞"``, ...). Always excluded, whatever ``pos`` says: numerals
    (名詞-数詞), pronouns (代名詞), particles (助詞), auxiliaries (助動詞), symbols
    (補助記号, 記号), whitespace (空白), interjections (感動詞: fillers such as えー/あのー
    and backchannels such as はい/ええ/うん) and conjunctions (接続詞). Verbs and
    adjectives that can be non-independent (動詞-非自立可能, 形容詞-非自立可能: する,
    いる, ある, なる, できる, ない, ...) are left out unless ``pos`` names them
    explicitly (e.g. ``"動詞-非自立可能"``).
Stopwords (:func:`load_stopwords`)
    The built-in ``"minutes"`` preset (``cooccur/data/stopwords_minutes.txt``)
    plus ``extra_stopwords`` (words, or text files with one word a line and ``#``
    comments). A token is a stopword when its grouping key, its surface or its
    dictionary form is listed.
Numerals (:func:`is_numeral`)
    Digits, kanji numerals and counters right after a numeral (令和5年 → 年, 第3回 →
    回) are never counted, and they break compounds.
Adjective endings (:func:`is_adjective_ending`)
    A token right after an adjective's stem (形容詞, conjugation form 語幹) that
    spells the end of that adjective is never counted (``reason`` pos) and
    breaks compounds: a syllable written twice (おいししい) leaves SudachiPy the
    stem おいし and the noun しい, which is the adjective's ending, not a word.
Forced terms (:func:`load_word_list`)
    Tokens whose surfaces concatenate to a forced term are merged into one token
    (longest term first), counted whatever the other rules say, and never joined
    into a larger compound.
Synonyms (:func:`load_synonyms`)
    ``variant -> canonical``, applied to the grouping key (a variant may be given
    as written or as its normalised form).
Compounds (:func:`compound_segments`)
    See that function.
Display forms (:func:`choose_display`)
    Tokens are grouped by key; the term shown is the group's most frequent
    surface (verbs and adjectives: most frequent dictionary form), ties broken
    lexicographically, so a term is always a form somebody wrote — except a
    synonym's canonical, which is shown as the user wrote it. The key is
    SudachiPy's normalised form when it is a spelling of the same word
    (:func:`same_word`: 子ども → 子供), else the dictionary form (応える stays
    応える, not 答える).
Stopwords remove whole terms after compounding: a stopword noun does not cut
    a compound (デジタル版子供白書 stays whole with デジタル listed); stopword
    prefixes and suffixes (第, 君, 様, 等 …) and speakers' names do.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Iterable, Literal, Mapping, Sequence

from ..config import DEFAULTS, param_choices
from ..errors import ConfigError, InputError, choices_message
from ..validate import check_choice, check_int

__all__ = [
    "speaker_name_words",
    "ALWAYS_EXCLUDED_POS",
    "NON_INDEPENDENT_POS",
    "NON_JOINING_PREFIXES",
    "STOPWORD_PRESETS",
    "pos_is_counted",
    "compound_kind",
    "is_numeral",
    "is_counter_pos",
    "is_adjective_stem_pos",
    "is_adjective_ending",
    "load_word_list",
    "load_stopwords",
    "load_synonyms",
    "compound_segments",
    "choose_display",
    "load_phrase_rules",
    "same_word",
]

#: POS prefixes never counted, whatever ``pos`` says.
ALWAYS_EXCLUDED_POS: tuple[str, ...] = (
    "名詞-数詞", "代名詞", "助詞", "助動詞", "補助記号", "記号", "空白", "感動詞", "接続詞",
)
#: POS prefixes left out unless ``pos`` names them (or a longer prefix of them).
NON_INDEPENDENT_POS: tuple[str, ...] = ("動詞-非自立可能", "形容詞-非自立可能")
#: Prefixes that never start a compound: honorific お/ご/御 and determiners
#: (各自治体 is about 自治体, 本市 about 市).
NON_JOINING_PREFIXES = frozenset({"お", "ご", "御", "各", "本", "当", "同", "両", "諸", "毎", "貴", "弊"})
STOPWORD_PRESETS = param_choices("stopwords")

_NUMERAL_RE = re.compile(r"[0-9０-９.,・〇零一二三四五六七八九十百千万億兆]+")
_LATIN_RE = re.compile(r"[A-Za-z]")
_COMMENT = "#"


def _split_pos(p: str | Sequence[str]) -> tuple[str, ...]:
    parts = tuple(p.split("-")) if isinstance(p, str) else tuple(p)
    return tuple(x for x in parts if x and x != "*")


def _has_prefix(pos: tuple[str, ...], prefix: tuple[str, ...]) -> bool:
    return pos[: len(prefix)] == prefix


def pos_is_counted(pos_tuple: Sequence[str], *, pos: Sequence[str] = DEFAULTS["pos"]) -> bool:
    """Whether a token of this part of speech can be a term.

    Parameters
    ----------
    pos_tuple : sequence of str
        The POS (SudachiPy's six fields, ``"*"`` for empty ones) or a ``-``-joined string.
    pos : sequence of str
        Allowed POS prefixes such as ``"名詞"`` or ``"名詞-固有名詞"``.

    Examples
    --------
    >>> pos_is_counted(("名詞", "普通名詞", "一般", "*", "*", "*"))
    True
    >>> pos_is_counted("名詞-数詞")
    False
    >>> pos_is_counted("動詞-非自立可能-サ行変格")
    False
    >>> pos_is_counted("動詞-非自立可能-サ行変格", pos=("動詞-非自立可能",))
    True
    """
    if isinstance(pos, str):
        pos = (pos,)
    p = _split_pos(pos_tuple)
    if any(_has_prefix(p, _split_pos(x)) for x in ALWAYS_EXCLUDED_POS):
        return False
    allowed = [_split_pos(x) for x in pos]
    matches = [a for a in allowed if _has_prefix(p, a)]
    if not matches:
        return False
    for ni in NON_INDEPENDENT_POS:
        nt = _split_pos(ni)
        if _has_prefix(p, nt) and not any(len(a) >= len(nt) for a in matches):
            return False
    return True


def compound_kind(pos_tuple: Sequence[str]) -> Literal["noun", "prefix", "suffix", ""]:
    """Role of a POS in a compound run: ``"noun"``, ``"prefix"``, ``"suffix"`` or ``""``.

    Nouns exclude numerals (名詞-数詞); suffixes are the noun-like ones (接尾辞-名詞的).

    >>> compound_kind("接尾辞-名詞的-サ変可能"), compound_kind("名詞-数詞"), compound_kind("接頭辞")
    ('suffix', '', 'prefix')
    """
    p = _split_pos(pos_tuple)
    if not p:
        return ""
    if p[0] == "名詞":
        return "" if p[:2] == ("名詞", "数詞") else "noun"
    if p[0] == "接頭辞":
        return "prefix"
    if p[:2] == ("接尾辞", "名詞的"):
        return "suffix"
    return ""


def is_counter_pos(pos_tuple: Sequence[str]) -> bool:
    """Whether a POS can be a counter (年, 月, 回, 番 after a numeral).

    >>> is_counter_pos("名詞-普通名詞-助数詞可能"), is_counter_pos("接尾辞-名詞的-助数詞")
    (True, True)
    """
    p = _split_pos(pos_tuple)
    return p[:3] == ("名詞", "普通名詞", "助数詞可能") or p[:3] == ("接尾辞", "名詞的", "助数詞")


def is_adjective_stem_pos(pos_tuple: Sequence[str]) -> bool:
    """Whether a POS is the stem (語幹) of an adjective or adjective-like suffix (おいし of おいしい, らし).

    >>> is_adjective_stem_pos(("形容詞", "一般", "*", "*", "形容詞", "語幹-一般"))
    True
    >>> is_adjective_stem_pos("形容詞-一般-形容詞-連体形-一般"), is_adjective_stem_pos("形状詞-助動詞語幹")
    (False, False)
    """
    p = _split_pos(pos_tuple)
    return bool(p) and (p[0] == "形容詞" or p[:2] == ("接尾辞", "形容詞的")) and any(x.startswith("語幹") for x in p)


def is_adjective_ending(surface: str, adjective: str) -> bool:
    """Whether ``surface``, right after the stem of ``adjective`` (its dictionary form), spells its ending again.

    >>> is_adjective_ending("しい", "おいしい"), is_adjective_ending("掘り", "深い"), is_adjective_ending("い", "い")
    (True, False, False)
    """
    return bool(surface) and surface != adjective and adjective.endswith(surface)


def is_numeral(surface: str) -> bool:
    """Whether ``surface`` is written only with digits or kanji numerals.

    >>> is_numeral("2024"), is_numeral("三十"), is_numeral("一般"), is_numeral("")
    (True, True, False, False)
    """
    return bool(surface) and _NUMERAL_RE.fullmatch(surface) is not None


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip()


def _looks_like_path(item: str) -> bool:
    return "/" in item or "\\" in item or item.lower().endswith((".txt", ".csv", ".tsv"))


def load_word_list(items: str | Iterable[str] = ()) -> list[str]:
    """Words from ``items``: each is a word, or a UTF-8 text file with one word a line.

    Blank lines and ``#`` comments are ignored; words are NFKC-normalised. The
    result keeps first-seen order without duplicates.

    Raises
    ------
    ConfigError
        For an item that looks like a file name but is not an existing file.

    Examples
    --------
    >>> load_word_list(["ＩＣＴ人材", "デジタル田園都市", "ICT人材"])
    ['ICT人材', 'デジタル田園都市']
    """
    if isinstance(items, (str, Path)):
        items = [items]
    out: dict[str, None] = {}
    for item in items:
        item = str(item)
        path = Path(item)
        if path.is_file():
            for line in path.read_text(encoding="utf-8-sig").splitlines():
                word = _nfkc(line.split(_COMMENT, 1)[0])
                if word:
                    out.setdefault(word)
        elif _looks_like_path(item):
            raise ConfigError("word list file not found; give an existing file or a plain word", path=item)
        else:
            word = _nfkc(item)
            if word:
                out.setdefault(word)
    return list(out)


def load_stopwords(stopwords: Literal["minutes", "none"] = DEFAULTS["stopwords"], *,
                   extra_stopwords: str | Iterable[str] = DEFAULTS["extra_stopwords"]) -> frozenset[str]:
    """The stopword set: a built-in preset plus extra words or files.

    >>> sw = load_stopwords()
    >>> "議長" in sw and "皆さん" in sw and "標準化" not in sw
    True
    >>> sorted(load_stopwords("none", extra_stopwords=["えっと"]))
    ['えっと']
    """
    if stopwords not in STOPWORD_PRESETS:
        raise ValueError(choices_message("stopwords", stopwords, STOPWORD_PRESETS))
    words: list[str] = []
    if stopwords == "minutes":
        text = resources.files("cooccur").joinpath("data/stopwords_minutes.txt").read_text(encoding="utf-8")
        for line in text.splitlines():
            w = _nfkc(line.split(_COMMENT, 1)[0])
            if w:
                words.append(w)
    words.extend(load_word_list(extra_stopwords))
    return frozenset(words)


_LABEL_PARTS = re.compile(r"[（(]([^（）()]*)[）)]")
_HONORIFIC_TAIL = re.compile(r"(?:君|さん|様|氏|殿)$")


def speaker_name_words(speakers: Iterable[object]) -> frozenset[str]:
    """Words that name the speakers, so they stay attributes rather than terms.

    From each label: the label itself, the part outside brackets and each
    bracketed part, without honorifics (君, さん, …); surname-plus-given-name parts
    split on spaces give the surname too. In minutes the moderator calls on
    people by these names (「では八丈町さん」), which would otherwise put the
    seating plan into the network.

    >>> sorted(speaker_name_words(["八王子市（情報管理課長）", "議長（山田太郎君）", "川口 浩介", None]))
    ['八王子市', '八王子市(情報管理課長)', '山田太郎', '川口', '川口浩介', '情報管理課長', '浩介', '議長', '議長(山田太郎君)']
    """
    words: set[str] = set()
    for label in speakers:
        if not isinstance(label, str) or not label.strip():
            continue
        label = _nfkc(label).strip()
        parts = [label, _LABEL_PARTS.sub("", label)] + _LABEL_PARTS.findall(label)
        for part in parts:
            part = _HONORIFIC_TAIL.sub("", part.strip())
            pieces = part.split()
            for w in [part.replace(" ", "")] + (pieces if len(pieces) > 1 else []):
                if w:
                    words.add(w)
    return frozenset(words)


_SYN_HEADERS = {"variant", "canonical", "from", "to", "表記ゆれ", "代表語", "変換前", "変換後", "同義語"}


def load_synonyms(synonyms: str | Path | Mapping[str, str] | None = DEFAULTS["synonyms"]) -> dict[str, str]:
    """A ``variant -> canonical`` dict from a dict or a CSV/TSV file (two columns).

    A header row whose cells are names such as ``variant,canonical`` is skipped;
    ``#`` starts a comment line. Keys and values are NFKC-normalised.

    Raises
    ------
    ConfigError
        When the file does not exist.
    InputError
        For a row that does not have exactly two non-empty cells (with its line).

    Examples
    --------
    >>> load_synonyms({"ＤＸ": "デジタル変革"})
    {'DX': 'デジタル変革'}
    """
    if synonyms is None:
        return {}
    if isinstance(synonyms, Mapping):
        return {_nfkc(str(k)): _nfkc(str(v)) for k, v in synonyms.items() if _nfkc(str(k))}
    path = Path(synonyms)
    if not path.is_file():
        raise ConfigError("synonym table not found; give a CSV/TSV file with variant,canonical rows", path=str(path))
    text = path.read_text(encoding="utf-8-sig")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = "\t" if path.suffix.lower() == ".tsv" or "\t" in first else ","
    out: dict[str, str] = {}
    for lineno, row in enumerate(csv.reader(text.splitlines(), delimiter=delimiter), start=1):
        cells = [_nfkc(c) for c in row]
        if not any(cells) or cells[0].startswith(_COMMENT):
            continue
        if lineno == 1 and {c.lower() for c in cells} <= _SYN_HEADERS:
            continue
        cells = [c for c in cells if c]
        if len(cells) != 2:
            raise InputError(f"expected two cells (variant, canonical), found {len(cells)}", path=str(path), line=lineno)
        out[cells[0]] = cells[1]
    return out


def _tight(left: tuple[str, str, str], right: tuple[str, str, str]) -> bool:
    """Whether two adjacent parts always belong together (in ``frequent`` mode)."""
    ls, _, lk = left
    rs, _, rk = right
    return (rk == "suffix" or lk == "prefix" or len(ls) == 1 or len(rs) == 1
            or _LATIN_RE.search(ls) is not None or _LATIN_RE.search(rs) is not None)


def _units(run: Sequence[tuple[str, str, str]]) -> list[tuple[int, int]]:
    units = [[0, 1]]
    for i in range(1, len(run)):
        if _tight(run[i - 1], run[i]):
            units[-1][1] = i + 1
        else:
            units.append([i, i + 1])
    return [(a, b) for a, b in units]


def compound_segments(runs: Sequence[Sequence[tuple[str, str, str]]], *,
                      compounds: Literal["off", "all", "frequent"] = DEFAULTS["compounds"],
                      compound_min_frequency: int = DEFAULTS["compound_min_frequency"],
                      max_units: int = 8,
                      weights: Sequence[int] | None = None) -> list[list[tuple[int, int]]]:
    """Decide how each run of nouns/prefixes/suffixes is joined.

    A run is a maximal sequence of adjacent tokens inside one sentence whose
    roles (:func:`compound_kind`) are noun, prefix or suffix, without symbols,
    numerals, stopwords or forced terms, trimmed so that it never starts with a
    suffix nor ends with a prefix (the caller forms runs this way). Each part is
    ``(surface, key, kind)``.

    * ``"off"``: nothing is joined.
    * ``"all"``: every run becomes one compound.
    * ``"frequent"`` (default), in the spirit of FLR/C-value term extraction:
      first, *bound* parts always attach to their neighbour: a prefix to what
      follows, a suffix to what precedes, a one-character noun (区市+町+村,
      問題+点) and a part written with Latin letters (ICT+人材, 自治体+DX) to
      both neighbours. These are words the dictionary just did not list whole,
      and their pieces mean little alone, so no frequency is needed; this is
      why ICT人材 stays one term even when it occurs once. Then, between free
      words (two nouns of two characters or more), a junction is kept only when
      the joined sequence occurs at least ``compound_min_frequency`` times in
      all runs of the input (occurrences nested in longer runs count too);
      each run is covered greedily from the left by the longest such sequence.

    ``weights`` optionally gives how many times each run occurs (so callers
    can pass each distinct run once).

    Returns
    -------
    list of list of (start, end)
        For each run, the half-open part ranges that become one token, in order,
        covering the run.

    Examples
    --------
    >>> run = [("区市", "区市", "noun"), ("町", "町", "noun"), ("村", "村", "noun")]
    >>> compound_segments([run])
    [[(0, 3)]]
    >>> run = [("情報", "情報", "noun"), ("基盤", "基盤", "noun")]
    >>> compound_segments([run]), compound_segments([run] * 3), compound_segments([run], compounds="all")
    ([[(0, 1), (1, 2)]], [[(0, 2)], [(0, 2)], [(0, 2)]], [[(0, 2)]])
    """
    check_choice("compounds", compounds)
    check_int("compound_min_frequency", compound_min_frequency, minimum=1)
    if compounds == "off":
        return [[(i, i + 1) for i in range(len(r))] for r in runs]
    if compounds == "all":
        return [[(0, len(r))] if r else [] for r in runs]
    unit_lists = [_units(r) if r else [] for r in runs]

    def ukeys(run, units):
        return ["".join(run[i][1] for i in range(a, b)) for a, b in units]

    counts: Counter = Counter()
    all_keys = []
    if weights is None:
        weights = [1] * len(runs)
    for run, units, weight in zip(runs, unit_lists, weights):
        keys = ukeys(run, units)
        all_keys.append(keys)
        n = len(keys)
        for i in range(n):
            for j in range(i + 2, min(n, i + max_units) + 1):
                counts[tuple(keys[i:j])] += weight
    out = []
    for keys, units in zip(all_keys, unit_lists):
        segs = []
        i, n = 0, len(units)
        while i < n:
            j_best = i + 1
            for j in range(min(n, i + max_units), i + 1, -1):
                if counts[tuple(keys[i:j])] >= compound_min_frequency:
                    j_best = j
                    break
            segs.append((units[i][0], units[j_best - 1][1]))
            i = j_best
        out.append(segs)
    return out


def choose_display(counts: Mapping[str, int]) -> str:
    """The most frequent form; ties broken by lexicographic order.

    >>> choose_display({"リモートワーク": 3, "リモート・ワーク": 1})
    'リモートワーク'
    >>> choose_display({"b": 2, "a": 2})
    'a'
    """
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def load_phrase_rules(*, stopwords: str = DEFAULTS["stopwords"],
                      function_expressions: bool = DEFAULTS["function_expressions"]) -> tuple:
    """The phrases whose tokens are not counted: function expressions, and the minutes formulas with that preset.

    >>> len(load_phrase_rules(function_expressions=False, stopwords="none"))
    0
    >>> len(load_phrase_rules()) > len(load_phrase_rules(stopwords="none")) > 100
    True
    """
    from .phrases import load_phrases

    key = (stopwords, bool(function_expressions))
    if key not in _PHRASE_CACHE:
        out = []
        if function_expressions:
            out += load_phrases("function_expressions.tsv", reason="function_expression")
            if stopwords == "minutes":
                out += load_phrases("formulas_minutes.tsv", reason="formula")
        _PHRASE_CACHE[key] = tuple(out)
    return _PHRASE_CACHE[key]


_PHRASE_CACHE: dict = {}


def _kanji(s: str) -> set[str]:
    return {c for c in s if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or c == "\u3005"}


def same_word(form: str, normalized: str) -> bool:
    """Whether SudachiPy's normalised form is a spelling of the same word (so the two may be merged).

    SudachiPy normalises spelling variants (子ども → 子供, シュミレーション →
    シミュレーション) but also some different words written with another kanji
    of the same reading (応える → 答える). Two forms are taken as one word unless
    both are written with kanji and share none of them.

    >>> same_word("子ども", "子供"), same_word("附属", "付属"), same_word("応える", "答える")
    (True, True, False)
    >>> same_word("シュミレーション", "シミュレーション")
    True
    """
    if form == normalized:
        return True
    a, b = _kanji(form), _kanji(normalized)
    return not (a and b and not (a & b))
