"""Run SudachiPy: one dictionary per process, one tokenizer per thread, chunks of utterances in threads.

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

import re
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Literal

import numpy as np

from .config import DEFAULTS, param_choices
from .errors import choices_message

__all__ = ["get_tokenizer", "split_sentences", "SPLIT_MODES", "MAX_INPUT_BYTES", "MAX_PIECE_CHARS"]

#: Largest input (UTF-8 bytes) SudachiPy accepts in one ``tokenize()`` call (measured: 49149 ok, 49150 fails).
MAX_INPUT_BYTES = 49149
#: Longest piece passed to SudachiPy: any text this long fits the byte limit (≤ 4 bytes a character).
MAX_PIECE_CHARS = MAX_INPUT_BYTES // 4
SPLIT_MODES = param_choices("split_mode")
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
    and ``ts`` (their surfaces, an Arrow string array). :meth:`cooccur.assemble.Assembler.front` merges
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


def _utf8_offsets(text: str, cp_bounds: np.ndarray) -> tuple[bytes, np.ndarray]:
    """``text`` as UTF-8 and the byte offsets of the code point offsets ``cp_bounds``."""
    data = text.encode("utf-8")
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    nbytes = 1 + (cps >= 0x80).astype(np.int64) + (cps >= 0x800) + (cps >= 0x10000)
    boff = np.zeros(len(cps) + 1, dtype=np.int64)
    np.cumsum(nbytes, out=boff[1:])
    return data, boff[cp_bounds]


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
    """Forget a chunk result's sentence pieces and word ids (``Assembler.front`` does not use them)."""
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


def _forms(w: int, s: str) -> tuple[str, str, str, int]:
    """(dictionary form, normalized form, reading, POS id) of a word id seen by :func:`_fill_forms`."""
    return _OOV_FORMS[(w, s)] if w >= _OOV else _FORMS[w]
