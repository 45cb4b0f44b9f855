"""Tokenize utterances with SudachiPy into the tokens table (one row per token).

The hot path does as little per-token Python work as possible (DESIGN.md §4-5):
for each sentence it asks SudachiPy only for each morpheme's length and word id
(two C calls, no strings). Everything else is looked up once per dictionary
entry (a per-process cache) or computed with numpy/pyarrow over whole arrays:
surfaces are slices of the text built from the lengths, POS and forms come from
the word id, and the term rules of :mod:`cooccur.terms` run once per distinct
(word, surface) pair, not once per token.

SudachiPy notes: one :class:`sudachipy.Dictionary` is loaded per process and
shared; a ``Tokenizer`` must not be used by two threads at once (SudachiPy
raises an error), so :func:`get_tokenizer` keeps one per thread. ``tokenize()``
releases the GIL, so threads scale. One call accepts at most
:data:`MAX_INPUT_BYTES` bytes of UTF-8; longer sentences are cut (preferably
after 、 or whitespace) into pieces of at most :data:`MAX_PIECE_CHARS` characters.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, Literal, Mapping

import numpy as np

from .config import DEFAULTS
from .errors import choices_message
from .io import trim_heap
from . import terms as _terms

__all__ = ["get_tokenizer", "tokenize_utterances", "split_sentences", "TOKEN_COLUMNS",
           "MAX_INPUT_BYTES", "MAX_PIECE_CHARS"]

#: Largest input (UTF-8 bytes) SudachiPy accepts in one ``tokenize()`` call (measured: 49149 ok, 49150 fails).
MAX_INPUT_BYTES = 49149
#: Longest piece passed to SudachiPy: any text this long fits the byte limit (≤ 4 bytes a character).
MAX_PIECE_CHARS = MAX_INPUT_BYTES // 4
TOKEN_COLUMNS = ("doc_id", "utterance_id", "paragraph_id", "sentence_id", "position", "surface", "term",
                 "pos", "pos_detail", "dictionary_form", "normalized_form", "reading")
SPLIT_MODES = ("A", "B", "C")
_CHUNK_CHARS = 32_000
_OOV = 0xF000_0000  # SudachiPy word ids of unknown words: 0xF0000000 | pos id
_SENT_RE = re.compile(r"[^。!?！？]*[。!?！？]+[」』）)\]]*|[^。!?！？]+")
_CUT_RE = re.compile(r"[、,，。\s]")

_LOCK = threading.Lock()
_LOCAL = threading.local()
_STATE: dict = {}
_FORMS: dict[int, tuple[str, str, str, int]] = {}  # word id -> (dictionary, normalized, reading, pos id)
_OOV_FORMS: dict[tuple[int, str], tuple[str, str, str, int]] = {}


def _dictionary():
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
                pos.append(p)
            _STATE.update(dict=d, pos=pos, word_id=Morpheme.word_id)
        return _STATE["dict"]


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
        cache[split_mode] = _dictionary().tokenizer(split_mode)
    return cache[split_mode]


def _cut_long(sentence: str) -> list[str]:
    """Cut a sentence into pieces of at most MAX_PIECE_CHARS, after 、/whitespace when possible."""
    out = []
    while len(sentence) > MAX_PIECE_CHARS:
        window = sentence[MAX_PIECE_CHARS // 2: MAX_PIECE_CHARS]
        cut = MAX_PIECE_CHARS
        for m in _CUT_RE.finditer(window):
            cut = MAX_PIECE_CHARS // 2 + m.end()
        out.append(sentence[:cut])
        sentence = sentence[cut:]
    if sentence:
        out.append(sentence)
    return out


def split_sentences(text: str) -> list[tuple[int, int, str]]:
    """Split ``text`` into ``(paragraph_id, sentence_id, piece)`` after NFKC.

    Paragraphs are the ``"\\n"``-separated parts; sentences end at 。!? (and the
    closing brackets right after them) or at a paragraph end. A sentence longer
    than :data:`MAX_PIECE_CHARS` gives several pieces with the same ids.

    >>> split_sentences("はい。ＩＣＴ人材ですね！\\n次に")
    [(0, 0, 'はい。'), (0, 1, 'ICT人材ですね!'), (1, 2, '次に')]
    """
    text = unicodedata.normalize("NFKC", text)
    out = []
    sid = 0
    for pid, para in enumerate(text.split("\n")):
        for sent in _SENT_RE.findall(para):
            if len(sent) <= MAX_PIECE_CHARS:
                out.append((pid, sid, sent))
            else:
                out.extend((pid, sid, piece) for piece in _cut_long(sent))
            sid += 1
    return out


def _tokenize_chunk(rows: list[int], texts: list[str], split_mode: str) -> dict:
    """Worker: tokenize some utterances; return plain arrays (runs in a thread)."""
    tk = get_tokenizer(split_mode).tokenize
    word_id = _STATE["word_id"]
    pieces: list[str] = []
    prow: list[int] = []
    ppara: list[int] = []
    psent: list[int] = []
    for r, text in zip(rows, texts):
        for pid, sid, piece in split_sentences(text):
            pieces.append(piece)
            prow.append(r)
            ppara.append(pid)
            psent.append(sid)
    lens: list[int] = []
    wids: list[int] = []
    ntok: list[int] = []
    for s in pieces:  # the hot loop: two C calls per morpheme, no strings
        ml = tk(s)
        ntok.append(len(ml))
        lens += map(len, ml)
        wids += map(word_id, ml)
    text = "".join(pieces)
    L = np.asarray(lens, dtype=np.int64)
    W = np.asarray(wids, dtype=np.int64)
    N = np.asarray(ntok, dtype=np.int64)
    _fill_forms(text, L, W, N, pieces, split_mode)
    res = dict(text=text, L=L, W=W, N=N, row=np.asarray(prow, dtype=np.int64),
               para=np.asarray(ppara, dtype=np.int64), sent=np.asarray(psent, dtype=np.int64), pieces=pieces)
    res.update(_local_types(text, L, W))
    return res


def _local_types(text: str, L: np.ndarray, W: np.ndarray) -> dict:
    """The distinct (word id, surface) pairs of a chunk, in first-seen order (runs in the worker).

    Returns ``lt`` (each token's index into them, int32), ``tw`` (their word ids)
    and ``ts`` (their surfaces, an Arrow string array). :func:`_assemble` merges
    the chunks' small type lists instead of hashing every token of the corpus.
    """
    import pyarrow as pa

    n = len(L)
    data, boff = _utf8_offsets(text, np.r_[0, np.cumsum(L)])
    surf = pa.LargeStringArray.from_buffers(n, pa.py_buffer(boff), pa.py_buffer(data))
    senc = surf.dictionary_encode()
    scode = senc.indices.to_numpy().astype(np.int64)
    wenc = pa.array(W).dictionary_encode()
    ns = max(len(senc.dictionary), 1)
    penc = pa.array(wenc.indices.to_numpy().astype(np.int64) * ns + scode).dictionary_encode()
    pcode = penc.dictionary.to_numpy()
    return dict(lt=penc.indices.to_numpy().astype(np.int32),
                tw=wenc.dictionary.to_numpy()[pcode // ns],
                ts=senc.dictionary.take(pa.array(pcode % ns)))


def _remote_chunk(rows: list[int], texts: list[str], split_mode: str) -> dict:
    """:func:`_tokenize_chunk` in another process (a Dask worker): load the dictionary first."""
    _dictionary()
    return _tokenize_chunk(rows, texts, split_mode)


def _run_chunks(chunks, split_mode: str, jobs: int, progress, map_chunks=None, *,
                keep_raw: bool = True, on_result: Callable[[int, dict], None] | None = None) -> list[dict]:
    """Tokenize chunks on ``jobs`` threads (or through ``map_chunks``); results in chunk order.

    ``on_result(i, result)`` is called for each chunk as soon as it is done, in
    chunk order. ``keep_raw=False`` then drops each result's ``pieces`` and
    ``W`` (only the cache needs them once the word forms are known), so they do
    not pile up.
    """
    results = []

    def done(res: dict, texts: list[str]) -> None:
        if on_result is not None:
            on_result(len(results), res)
        if not keep_raw:
            _drop_raw(res)
        results.append(res)
        if progress is not None:
            progress(sum(map(len, texts)))

    if map_chunks is not None and chunks:
        remote = list(map_chunks(_remote_chunk, [r for r, _ in chunks], [t for _, t in chunks],
                                 split_mode=split_mode))
        for res, (_r, t) in zip(remote, chunks):
            # word forms are cached per process: fill this process's cache for the ids seen remotely
            _fill_forms(res["text"], res["L"], res["W"], res["N"], res["pieces"], split_mode)
            done(res, t)
    elif jobs == 1 or len(chunks) <= 1:
        for r, t in chunks:
            done(_tokenize_chunk(r, t, split_mode), t)
    else:
        with ThreadPoolExecutor(max_workers=min(jobs, len(chunks))) as ex:
            futures = [ex.submit(_tokenize_chunk, r, t, split_mode) for r, t in chunks]
            for (r, t), fut in zip(chunks, futures):
                done(fut.result(), t)
    return results


def _drop_raw(res: dict) -> None:
    """Forget a chunk result's sentence pieces and word ids (:func:`_assemble` does not use them)."""
    res.pop("pieces", None)
    res.pop("W", None)


def _tokenize_cached(utt, rows: list[int], texts: list[str], split_mode: str, jobs: int, progress,
                     cache, map_chunks=None) -> list[dict]:
    """Like :func:`_run_chunks` over all rows, but document by document through ``cache``."""
    docs = utt["doc_id"].astype(str).to_numpy()[rows] if rows else np.array([], dtype=object)
    uids = utt["utterance_id"].to_numpy().astype(np.int64)[rows] if rows else np.array([], dtype=np.int64)
    groups: list[tuple[str, list[int]]] = []  # (doc_id, indexes into rows), in row order
    for i, d in enumerate(docs.tolist()):
        if groups and groups[-1][0] == d:
            groups[-1][1].append(i)
        else:
            groups.append((d, [i]))
    per_group: list[list[dict]] = [[] for _ in groups]
    todo: list[tuple[int, str]] = []
    for g, (doc, idx) in enumerate(groups):
        key = cache.key(split_mode, doc, uids[idx], [texts[i] for i in idx])
        entry = cache.load(key)
        if entry is None:
            todo.append((g, key))
            continue
        row_of = {int(u): rows[i] for u, i in zip(uids[idx], idx)}
        text = "".join(entry["pieces"])
        _fill_forms(text, entry["L"], entry["W"], entry["N"], entry["pieces"], split_mode)
        per_group[g] = [dict(text=text, L=entry["L"], N=entry["N"], para=entry["para"], sent=entry["sent"],
                             row=np.asarray([row_of[int(u)] for u in entry["utterance_id"]], dtype=np.int64),
                             **_local_types(text, entry["L"], entry["W"]))]
        if progress is not None:
            progress(sum(len(texts[i]) for i in idx))
    chunks, owner = [], []
    for g, _key in todo:
        idx = groups[g][1]
        for chunk in _chunks([rows[i] for i in idx], [texts[i] for i in idx]):
            chunks.append(chunk)
            owner.append(g)
    key_of = dict(todo)
    last_chunk = {g: i for i, g in enumerate(owner)}  # a document's chunks are consecutive

    def save_when_complete(i: int, res: dict) -> None:
        """Store a document as soon as its last chunk is done, then let its pieces and word ids go."""
        g = owner[i]
        per_group[g].append(res)
        if last_chunk[g] != i:
            return
        parts = per_group[g]
        uid_of = {rows[i]: int(u) for u, i in zip(uids[groups[g][1]], groups[g][1])}
        cache.save(key_of[g], utterance_id=[uid_of[int(r)] for p in parts for r in p["row"]],
                   para=np.concatenate([p["para"] for p in parts]), sent=np.concatenate([p["sent"] for p in parts]),
                   pieces=[x for p in parts for x in p["pieces"]], N=np.concatenate([p["N"] for p in parts]),
                   L=np.concatenate([p["L"] for p in parts]), W=np.concatenate([p["W"] for p in parts]))
        for p in parts:
            _drop_raw(p)

    _run_chunks(chunks, split_mode, jobs, progress, map_chunks, on_result=save_when_complete)
    return [res for group in per_group for res in group]


def _fill_forms(text, L, W, N, pieces, split_mode) -> None:
    """Put the forms of word ids not seen before in this process into the cache."""
    missing = set(W.tolist()).difference(_FORMS)
    if not missing:
        return
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
    d = _STATE["dict"]
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
        forms = (m.dictionary_form(), m.normalized_form(), m.reading_form(), m.part_of_speech_id())
        if w < _OOV:
            _FORMS[w] = forms
        else:
            _OOV_FORMS[(w, s)] = forms


def _chunks(rows: list[int], texts: list[str]) -> list[tuple[list[int], list[str]]]:
    out, cur_r, cur_t, size = [], [], [], 0
    for r, t in zip(rows, texts):
        cur_r.append(r)
        cur_t.append(t)
        size += len(t)
        if size >= _CHUNK_CHARS:
            out.append((cur_r, cur_t))
            cur_r, cur_t, size = [], [], 0
    if cur_r:
        out.append((cur_r, cur_t))
    return out


def _person_name_parts(names, split_mode: str) -> frozenset[str]:
    """Surnames and given names inside speakers' names (鈴木一郎 → 鈴木, 一郎), by SudachiPy's 人名 tag.

    Minutes write names without a space (「十番鈴木一郎議員」), so the whole name
    never occurs as one token; its parts would otherwise be counted as terms.
    """
    _dictionary()
    tk = get_tokenizer(split_mode)
    parts = set()
    for name in sorted(names):
        for m in tk.tokenize(name[:200]):
            if tuple(m.part_of_speech()[:3]) == ("名詞", "固有名詞", "人名"):
                parts.add(m.surface())
    return frozenset(parts)


def _as_utterances(utterances):
    import pandas as pd

    if isinstance(utterances, str):
        utterances = [utterances]
    if not isinstance(utterances, pd.DataFrame):
        texts = list(utterances)
        if not all(isinstance(t, str) for t in texts):
            raise ValueError("utterances must be a DataFrame from read_corpus(), a str or a list of str")
        return pd.DataFrame({"doc_id": ["<text>"] * len(texts), "utterance_id": range(len(texts)), "text": texts})
    missing = [c for c in ("doc_id", "utterance_id", "text") if c not in utterances.columns]
    if missing:
        raise ValueError(f"utterances lacks column(s) {missing}; pass the utterances table of read_corpus()")
    return utterances


def tokenize_utterances(utterances, *,
                        split_mode: Literal["A", "B", "C"] = DEFAULTS["split_mode"],
                        pos: Iterable[str] = DEFAULTS["pos"],
                        stopwords: Literal["minutes", "none"] = DEFAULTS["stopwords"],
                        extra_stopwords: Iterable[str] = DEFAULTS["extra_stopwords"],
                        forced_terms: Iterable[str] = DEFAULTS["forced_terms"],
                        synonyms: str | Mapping[str, str] | None = DEFAULTS["synonyms"],
                        compounds: Literal["off", "all", "frequent"] = DEFAULTS["compounds"],
                        compound_min_frequency: int = DEFAULTS["compound_min_frequency"],
                        speaker_stopwords: bool = DEFAULTS["speaker_stopwords"],
                        jobs: int | None = DEFAULTS["jobs"],
                        include_excluded: bool = False,
                        progress: Callable[[int], object] | None = None,
                        cache=None,
                        map_chunks=None):
    """Tokenize utterances into the tokens table (one row per token).

    Parameters
    ----------
    utterances : DataFrame, str or list of str
        The ``utterances`` table of :func:`cooccur.read_corpus` (rows whose
        ``exclusion`` is not NA are skipped unless ``include_excluded``), or plain
        text(s) for quick use: each string becomes an utterance of document ``"<text>"``.
    split_mode, pos, stopwords, extra_stopwords, forced_terms, synonyms, compounds, compound_min_frequency
        Term rules; see :mod:`cooccur.terms`.
    speaker_stopwords : bool
        Do not count the speakers' names and titles (taken from the ``speaker``
        column, see :func:`cooccur.terms.speaker_name_words`) as terms.
    jobs : int, optional
        Worker threads (default: all cores). Output does not depend on it.
    include_excluded : bool
        Tokenize excluded rows (preamble, ...) too.
    progress : callable, optional
        Called with the number of characters finished since the previous call
        (so ``tqdm.update`` fits).
    cache : cooccur.cache.TokenCache, optional
        Reuse SudachiPy's analysis of documents whose analysed text is
        unchanged; the term rules are applied afresh either way, so the result
        is the same with or without a cache.
    map_chunks : callable, optional
        ``map_chunks(func, rows_list, texts_list, split_mode=...)`` returning
        ``[func(r, t, split_mode=...) ...]`` in order: runs SudachiPy elsewhere
        (the Dask engine). The result is the same as tokenizing locally.

    Returns
    -------
    DataFrame
        Columns :data:`TOKEN_COLUMNS` (contract in docs/ARCHITECTURE.md). Each text
        is NFKC-normalised first; ``term`` is NaN for tokens not counted.

    Examples
    --------
    >>> tok = tokenize_utterances("えー、ＩＣＴ人材の標準化について話します。")
    >>> tok["term"].dropna().tolist()
    ['ICT人材', '標準化', '話す']
    """
    if split_mode not in SPLIT_MODES:
        raise ValueError(choices_message("split_mode", split_mode, SPLIT_MODES))
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ValueError(f"jobs must be a whole number >= 1 or None (all cores), not {jobs!r}")
    pos = (pos,) if isinstance(pos, str) else tuple(pos)
    rules = dict(
        pos=pos,
        stopwords=_terms.load_stopwords(stopwords, extra_stopwords=extra_stopwords),
        forced=_terms.load_word_list(forced_terms),
        synonyms=_terms.load_synonyms(synonyms),
        compounds=compounds,
        min_freq=compound_min_frequency,
    )
    _terms.compound_segments([], compounds=compounds, compound_min_frequency=compound_min_frequency)
    utt = _as_utterances(utterances)
    if speaker_stopwords and "speaker" in utt.columns:
        names = _terms.speaker_name_words(utt["speaker"].dropna().unique())
        rules["stopwords"] = rules["stopwords"] | names | _person_name_parts(names, split_mode)
    keep = np.ones(len(utt), dtype=bool)
    if not include_excluded and "exclusion" in utt.columns:
        keep = utt["exclusion"].isna().to_numpy()
    rows = np.flatnonzero(keep).tolist()
    texts = ["" if isinstance(t, float) or t is None else str(t) for t in utt["text"].to_numpy()[keep]]
    _dictionary()
    jobs = jobs or os.cpu_count() or 1
    if cache is None:
        results = _run_chunks(_chunks(rows, texts), split_mode, jobs, progress, map_chunks, keep_raw=False)
    else:
        results = _tokenize_cached(utt, rows, texts, split_mode, jobs, progress, cache, map_chunks)
    tokens = _assemble(utt, results, rules)
    trim_heap()
    return tokens


# ---------------------------------------------------------------- assembly (vectorised)

_KINDS = {"": 0, "noun": 1, "prefix": 2, "suffix": 3}


def _pos_tables(pos: tuple[str, ...]) -> dict:
    """Per POS id: strings and rule flags (cached per ``pos`` setting)."""
    key = ("pos_tables", pos)
    if key not in _STATE:
        table = _STATE["pos"]
        detail = ["-".join(x for x in p if x != "*") for p in table]
        _STATE[key] = dict(
            pos=[p[0] for p in table],
            detail=detail,
            counted=np.array([_terms.pos_is_counted(p, pos=pos) for p in table], dtype=bool),
            kind=np.array([_KINDS[_terms.compound_kind(p)] for p in table], dtype=np.int8),
            counter=np.array([_terms.is_counter_pos(p) for p in table], dtype=bool),
            numeral=np.array([p[:2] == ("名詞", "数詞") for p in table], dtype=bool),
            conj=np.array([p[0] in ("動詞", "形容詞") for p in table], dtype=bool),
            compound_counted=any(t in ("名詞", "複合名詞") for t in pos),
        )
    return _STATE[key]


def _utf8_offsets(text: str, cp_bounds: np.ndarray) -> tuple[bytes, np.ndarray]:
    data = text.encode("utf-8")
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    nbytes = 1 + (cps >= 0x80).astype(np.int64) + (cps >= 0x800) + (cps >= 0x10000)
    boff = np.zeros(len(cps) + 1, dtype=np.int64)
    np.cumsum(nbytes, out=boff[1:])
    return data, boff[cp_bounds]


def _encode(arr) -> tuple[np.ndarray, list]:
    """Hash-encode an arrow array: (codes as int64, distinct values in first-seen order)."""
    enc = arr.dictionary_encode()
    return enc.indices.to_numpy().astype(np.int64), enc.dictionary.to_pylist()


def _empty_frame():
    import pandas as pd

    cols = {c: pd.Series(pd.Categorical([], categories=pd.Index([], dtype="str"))) for c in TOKEN_COLUMNS}
    for c in ("utterance_id", "paragraph_id", "sentence_id", "position"):
        cols[c] = pd.Series([], dtype="int64")
    return pd.DataFrame(cols)


class _Types:
    """The table of distinct token types; rows of the output point into it."""

    def __init__(self):
        self.cols = {c: [] for c in ("surface", "dictionary_form", "normalized_form", "reading",
                                     "pos", "pos_detail", "key", "form")}
        self.counted: list[bool] = []
        self.index: dict = {}

    def add(self, ident, **values) -> int:
        i = self.index.get(ident)
        if i is None:
            i = self.index[ident] = len(self.counted)
            for c, col in self.cols.items():
                col.append(values[c])
            self.counted.append(values["counted"])
        return i


def _assemble(utt, results, rules):
    import pandas as pd
    import pyarrow as pa

    chunks = [r for r in results if len(r["L"])]
    results.clear()  # the caller's list too: each chunk's arrays go as soon as they are merged below
    if not chunks:
        return _empty_frame()
    N = np.concatenate([r["N"] for r in chunks])
    n = int(N.sum())
    # token indexes and type ids fit int32 below 2**31 tokens (halves the largest temporaries)
    idx_t = np.int32 if n < 2**31 - 1 else np.int64
    # merge the chunks' type lists (first-seen order over the chunks in order = over the corpus)
    offs = np.cumsum([0] + [len(r["tw"]) for r in chunks])
    scode, sdict = _encode(pa.concat_arrays([r["ts"] for r in chunks]))
    winv, uw = _encode(pa.array(np.concatenate([r["tw"] for r in chunks])))
    ginv, tcode = _encode(pa.array(winv * len(sdict) + scode))
    del scode, winv
    ginv = ginv.astype(idx_t)
    tt = np.concatenate([ginv[o + r["lt"]] for o, r in zip(offs.tolist(), chunks)])
    del ginv
    prow = np.concatenate([r["row"] for r in chunks])
    ppara = np.concatenate([r["para"] for r in chunks])
    psent = np.concatenate([r["sent"] for r in chunks])
    if rules["forced"]:
        text = "".join(r["text"] for r in chunks)
        ends = np.cumsum(np.concatenate([r["L"] for r in chunks]))
    del chunks  # the texts, pieces and per-token arrays of the chunks are not needed any more
    piece_first = np.zeros(n + 1, dtype=bool)  # token starts a new piece (sentence)
    piece_first[np.cumsum(N) - N] = True
    same_piece = ~piece_first[:n]
    same_piece[0] = False
    del piece_first
    pt = _pos_tables(rules["pos"])
    syn, sw = rules["synonyms"], rules["stopwords"]

    def keyof(norm: str, surface: str) -> str:
        k = syn.get(surface) or syn.get(norm) or norm
        return syn.get(k, k) if k != norm else k

    types = _Types()
    t_numeral = np.zeros(len(tcode), dtype=bool)
    t_counter = np.zeros(len(tcode), dtype=bool)
    t_kind = np.zeros(len(tcode), dtype=np.int8)
    t_breaks = np.zeros(len(tcode), dtype=bool)
    uw_list = uw
    for i, c in enumerate(tcode):
        w = uw_list[c // len(sdict)]
        s = sdict[c % len(sdict)]
        dform, norm, reading, pid = _OOV_FORMS[(w, s)] if w >= _OOV else _FORMS[w]
        key = keyof(norm, s)
        stop = key in sw or s in sw or dform in sw
        numeral = bool(pt["numeral"][pid]) or _terms.is_numeral(s)
        kind = int(pt["kind"][pid])
        t_numeral[i], t_counter[i] = numeral, pt["counter"][pid]
        t_kind[i] = 0 if numeral else kind
        t_breaks[i] = (stop and not (kind == 1 and len(s) == 1)) or (kind == 2 and s in _terms.NON_JOINING_PREFIXES)
        types.add(i, surface=s, dictionary_form=dform, normalized_form=norm, reading=reading,
                  pos=pt["pos"][pid], pos_detail=pt["detail"][pid], key=key,
                  form=dform if pt["conj"][pid] else s,
                  counted=bool(pt["counted"][pid]) and not stop and not numeral)
    t_stop_key = [k in sw or s in sw for k, s in zip(types.cols["key"], types.cols["surface"])]
    # counters right after a numeral (5年, 第3回) are never counted and break compounds
    after_num = np.zeros(n, dtype=bool)
    after_num[1:] = t_numeral[tt[:-1]] & same_piece[1:]
    not_counted = after_num & t_counter[tt]
    merged_into = np.full(n, -1, dtype=idx_t)  # first token of a merged span -> new type
    span_end = np.arange(1, n + 1, dtype=idx_t)
    taken = np.zeros(n, dtype=bool)
    # forced terms: longest first, aligned on token boundaries, inside one sentence
    if rules["forced"]:
        starts = np.r_[0, ends[:-1]]
        row = np.repeat(prow, N)
        sent = np.repeat(psent, N)
    for term in sorted(rules["forced"], key=lambda x: (-len(x), x)):
        pos_ = text.find(term)
        while pos_ >= 0:
            a = int(np.searchsorted(starts, pos_))
            b = int(np.searchsorted(ends, pos_ + len(term)))
            if (a < n and b < n and starts[a] == pos_ and ends[b] == pos_ + len(term)
                    and row[a] == row[b] and sent[a] == sent[b] and not taken[a:b + 1].any()):
                taken[a:b + 1] = True
                k = keyof(term, term)
                merged_into[a] = types.add(("forced", term), surface=term, dictionary_form=term,
                                           normalized_form=term, reading="".join(types.cols["reading"][x] for x in tt[a:b + 1]),
                                           pos="名詞", pos_detail="名詞-強制語", key=k, form=term, counted=True)
                span_end[a] = b + 1
            pos_ = text.find(term, pos_ + 1)
    # compounds
    kind = t_kind[tt].copy()
    kind[taken | after_num | t_breaks[tt]] = 0
    del taken, after_num
    if rules["compounds"] != "off":
        _join_compounds(kind, same_piece, tt, types, rules, pt, keyof, t_stop_key, merged_into, span_end, sw)
    # final rows
    merged = np.flatnonzero(merged_into >= 0)
    inside = np.zeros(n + 1, dtype=np.int32)  # spans do not overlap: +1 after a span's first token, -1 at its end
    np.add.at(inside, merged + 1, 1)
    np.add.at(inside, span_end[merged], -1)
    keep = np.cumsum(inside[:n]) == 0
    del inside, merged, span_end, kind, same_piece
    rtype = np.where(merged_into >= 0, merged_into, tt)[keep]
    del merged_into, tt
    counted = np.asarray(types.counted, dtype=bool)[rtype] & ~not_counted[keep]
    del not_counted
    rrow = np.repeat(prow, N)[keep]
    # display forms: most frequent form per key among counted rows
    freq = np.bincount(rtype[counted], minlength=len(types.counted)).tolist()
    by_key: dict[str, dict[str, int]] = {}
    for t, f in enumerate(freq):
        if f:
            d = by_key.setdefault(types.cols["key"][t], {})
            form = types.cols["form"][t]
            d[form] = d.get(form, 0) + f
    display = {k: _terms.choose_display(v) for k, v in by_key.items()}
    names = sorted(set(display.values()))  # two keys may share a display form (n and ｎ...)
    name_idx = {v: i for i, v in enumerate(names)}
    t_term = np.array([name_idx.get(display.get(k), -1) for k in types.cols["key"]], dtype=np.int64)
    r_term = np.where(counted, t_term[rtype], -1)
    del counted
    doc_cats, doc_codes = _sorted_codes(utt["doc_id"].astype(str).tolist())
    cols = {"doc_id": pd.Categorical.from_codes(doc_codes[rrow], categories=doc_cats)}
    cols["utterance_id"] = utt["utterance_id"].to_numpy().astype(np.int64)[rrow]
    cols["paragraph_id"] = np.repeat(ppara, N)[keep]
    cols["sentence_id"] = np.repeat(psent, N)[keep]
    first = np.flatnonzero(np.r_[True, rrow[1:] != rrow[:-1]])
    cols["position"] = np.arange(len(rrow)) - np.repeat(first, np.diff(np.r_[first, len(rrow)]))
    del rrow, first, keep
    for c in ("surface", "term", "pos", "pos_detail", "dictionary_form", "normalized_form", "reading"):
        if c == "term":
            cats, codes = pd.Index(names, dtype="str"), r_term
        else:
            cats, tcodes = _sorted_codes(types.cols[c])
            codes = tcodes[rtype]
        cols[c] = pd.Categorical.from_codes(codes, categories=cats)
    # copy=False: the arrays above are this frame's alone; consolidating them would copy every int column
    return pd.DataFrame(cols, copy=False)


def _sorted_codes(values: list) -> tuple:
    """(sorted distinct values as a str Index, code of each value in it): categories in string order."""
    import pandas as pd

    cats, inv = np.unique(np.asarray(values, dtype=object), return_inverse=True)
    return pd.Index(cats, dtype="str"), inv.ravel().astype(np.int64)


def _join_compounds(kind, same_piece, tt, types, rules, pt, keyof, t_stop_key, merged_into, span_end, sw) -> None:
    """Find runs of nouns/prefixes/suffixes (``same_piece``: token continues its sentence piece) and record the joined spans."""
    inrun = kind > 0
    new = inrun.copy()
    new[1:] &= ~(inrun[:-1] & same_piece[1:])
    run_id = np.cumsum(new)
    idx = np.flatnonzero(inrun)
    if not len(idx):
        return
    rid = run_id[idx]
    bounds = np.flatnonzero(np.r_[True, rid[1:] != rid[:-1], True])
    multi = np.flatnonzero(np.diff(bounds) >= 2)
    starts_l = idx[bounds[multi]].tolist()
    ends_l = (idx[bounds[multi + 1] - 1] + 1).tolist()
    kind_l = kind.tolist()
    tt_l = tt.tolist()
    uniq: dict = {}
    origins = []
    col = types.cols
    kinds = ("", "noun", "prefix", "suffix")
    for lo, hi in zip(starts_l, ends_l):
        while lo < hi and kind_l[lo] == 3:
            lo += 1
        while hi > lo and kind_l[hi - 1] == 2:
            hi -= 1
        if hi - lo < 2:
            continue
        ids = tuple(tt_l[lo:hi])
        ks = tuple(kind_l[lo:hi])
        u = uniq.get((ids, ks))
        if u is None:
            u = uniq[(ids, ks)] = [len(uniq), 0]
        u[1] += 1
        origins.append((lo, ids, u[0]))
    runs = [[(col["surface"][t], col["key"][t], kinds[k]) for t, k in zip(ids, ks)] for ids, ks in uniq]
    weights = [c for _, c in uniq.values()]
    segs = _terms.compound_segments(runs, compounds=rules["compounds"], compound_min_frequency=rules["min_freq"],
                                    weights=weights)
    ok_pos = pt["compound_counted"]
    made: dict = {}
    for start, ids, u in origins:
        for a, b in segs[u]:
            if b - a < 2:
                continue
            part = ids[a:b]
            t_new = made.get(part)
            if t_new is None:
                surface = "".join(col["surface"][t] for t in part)
                key = keyof("".join(col["key"][t] for t in part), surface)
                t_new = made[part] = types.add(
                    ("compound", surface, key), surface=surface, key=key, form=surface, pos="複合名詞",
                    pos_detail="複合名詞",
                    dictionary_form="".join(col["dictionary_form"][t] for t in part),
                    normalized_form="".join(col["normalized_form"][t] for t in part),
                    reading="".join(col["reading"][t] for t in part),
                    counted=ok_pos and key not in sw and surface not in sw)
            merged_into[start + a] = t_new
            span_end[start + a] = start + b
