"""Sentence pieces and chunks: run a backend over utterances on threads, in processes, remotely or from the cache.

Utterances are cut into sentence pieces (:func:`split_sentences`) and grouped
into chunks of about :data:`CHUNK_CHARS` characters; each chunk is analysed by
the backend (:meth:`cooccur.tokenize.backend.Backend.analyse`) on a thread, in
a forked worker process (``workers="processes"``, see :func:`can_fork`), or
through ``map_chunks`` on other processes, or loaded from the per-document
cache. Every way gives the same :class:`Chunk`, which
:class:`cooccur.tokenize.assemble.Assembler` turns into token rows: surfaces
are slices of the text built from the lengths, and each chunk lists its
distinct (word id, surface) pairs once (:func:`local_types`), so the term rules
run once per distinct pair, not once per token.
"""

from __future__ import annotations

import gc
import multiprocessing
import re
import threading
import unicodedata
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..config import DEFAULTS, param_choices
from ..errors import choices_message
from .backend import Morphemes, check_morphemes
from .sudachi import MAX_INPUT_BYTES

__all__ = ["Chunk", "split_sentences", "cut_long", "make_chunks", "analyse_chunk", "run_chunks",
           "analyse_cached", "local_types", "can_fork", "MAX_PIECE_CHARS", "CHUNK_CHARS", "WORKERS"]

#: The ways chunks may run with ``jobs > 1``: ``"threads"`` or ``"processes"`` (forked, where :func:`can_fork`).
WORKERS = param_choices("workers")

#: Longest piece passed to a backend: any text this long fits SudachiPy's byte limit (≤ 4 bytes a character).
MAX_PIECE_CHARS = MAX_INPUT_BYTES // 4
#: Characters of utterances per chunk (the unit of work of a thread).
CHUNK_CHARS = 32_000
_SENT_RE = re.compile(r"[^。!?！？]*[。!?！？]+[」』）)\]]*|[^。!?！？]+")
_CUT_RE = re.compile(r"[、,，。\s]")


@dataclass
class Chunk:
    """The analysis of a chunk of utterances, ready for :meth:`cooccur.tokenize.assemble.Assembler.front`.

    Per piece (sentence or part of a long sentence): ``counts`` (its tokens),
    ``row`` (its utterance's row in the utterances table), ``paragraph`` and
    ``sentence`` (ids within the utterance). Per token: ``lengths`` and
    ``type_of`` (index into the chunk's distinct (word id, surface) pairs,
    int32). Per distinct pair: ``type_word`` (word id) and ``type_surface`` (an
    Arrow string array). ``text`` is the pieces joined. ``pieces`` and
    ``words`` (per token) are the raw analysis, kept only until it is cached.
    ``forms`` is set by a chunk analysed in another process whose backend can
    export what it learnt (``export_forms``): the forms of its words that
    process had not sent yet, for the parent to adopt instead of looking them up.
    """

    text: str
    lengths: np.ndarray
    counts: np.ndarray
    row: np.ndarray
    paragraph: np.ndarray
    sentence: np.ndarray
    type_of: np.ndarray
    type_word: np.ndarray
    type_surface: object
    pieces: list | None = None
    words: np.ndarray | None = None
    forms: list | None = None

    def drop_raw(self) -> None:
        """Forget the pieces and word ids (the assembler does not use them)."""
        self.pieces = self.words = None


def cut_long(sentence: str) -> list[str]:
    """Cut a sentence into pieces of at most :data:`MAX_PIECE_CHARS`, after 、/whitespace when possible.

    >>> [len(p) for p in cut_long("あ" * (2 * MAX_PIECE_CHARS + 5))] == [MAX_PIECE_CHARS, MAX_PIECE_CHARS, 5]
    True
    """
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
                out.extend((pid, sid, piece) for piece in cut_long(sent))
            sid += 1
    return out


def make_chunks(rows: list[int], texts: list[str]) -> list[tuple[list[int], list[str]]]:
    """Consecutive (rows, texts) groups of at least :data:`CHUNK_CHARS` characters (the last may have fewer)."""
    out, cur_r, cur_t, size = [], [], [], 0
    for r, t in zip(rows, texts):
        cur_r.append(r)
        cur_t.append(t)
        size += len(t)
        if size >= CHUNK_CHARS:
            out.append((cur_r, cur_t))
            cur_r, cur_t, size = [], [], 0
    if cur_r:
        out.append((cur_r, cur_t))
    return out


def analyse_chunk(backend, rows: list[int], texts: list[str]) -> Chunk:
    """Analyse some utterances with ``backend`` (runs in a thread): pieces, checked morphemes, local types."""
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
    m = check_morphemes(backend.analyse(pieces), pieces, backend)
    backend.learn(pieces, m)
    return _chunk("".join(pieces), m, np.asarray(prow, dtype=np.int64), np.asarray(ppara, dtype=np.int64),
                  np.asarray(psent, dtype=np.int64), pieces)


def _chunk(text: str, m: Morphemes, row, para, sent, pieces) -> Chunk:
    type_of, type_word, type_surface = local_types(text, m.lengths, m.words)
    return Chunk(text=text, lengths=m.lengths, counts=m.counts, row=row, paragraph=para, sentence=sent,
                 type_of=type_of, type_word=type_word, type_surface=type_surface, pieces=pieces, words=m.words)


def local_types(text: str, lengths: np.ndarray, words: np.ndarray) -> tuple:
    """The distinct (word id, surface) pairs of a chunk, in first-seen order (runs in the worker).

    Returns each token's index into them (int32), their word ids and their
    surfaces (an Arrow string array). :meth:`cooccur.tokenize.assemble.Assembler.front`
    merges the chunks' small type lists instead of hashing every token of the corpus.
    """
    import pyarrow as pa

    n = len(lengths)
    data, boff = _utf8_offsets(text, np.r_[0, np.cumsum(lengths)])
    surf = pa.LargeStringArray.from_buffers(n, pa.py_buffer(boff), pa.py_buffer(data))
    senc = surf.dictionary_encode()
    scode = senc.indices.to_numpy().astype(np.int64)
    wenc = pa.array(words).dictionary_encode()
    ns = max(len(senc.dictionary), 1)
    penc = pa.array(wenc.indices.to_numpy().astype(np.int64) * ns + scode).dictionary_encode()
    pcode = penc.dictionary.to_numpy()
    return (penc.indices.to_numpy().astype(np.int32), wenc.dictionary.to_numpy()[pcode // ns],
            senc.dictionary.take(pa.array(pcode % ns)))


def _utf8_offsets(text: str, cp_bounds: np.ndarray) -> tuple[bytes, np.ndarray]:
    """``text`` as UTF-8 and the byte offsets of the code point offsets ``cp_bounds``."""
    data = text.encode("utf-8")
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    nbytes = 1 + (cps >= 0x80).astype(np.int64) + (cps >= 0x800) + (cps >= 0x10000)
    boff = np.zeros(len(cps) + 1, dtype=np.int64)
    np.cumsum(nbytes, out=boff[1:])
    return data, boff[cp_bounds]


def _remote_chunk(rows: list[int], texts: list[str], backend) -> Chunk:
    """:func:`analyse_chunk` in another process (a Dask worker or a forked one): load the dictionary first.

    A backend with ``export_forms(type_word, type_surface)`` sends the forms it
    learnt for the chunk's words with it (those it has not sent before).
    """
    backend.load()
    res = analyse_chunk(backend, rows, texts)
    export = getattr(backend, "export_forms", None)
    if export is not None:
        res.forms = export(res.type_word, res.type_surface)
    return res


def can_fork() -> bool:
    """True when chunks may go to forked worker processes here.

    That needs the ``fork`` start method (Linux; not Windows, and macOS's
    Python does not offer it as safe) and a process running a single Python
    thread: forking while another thread holds a lock (logging, I/O, a Dask
    worker) could leave that lock held forever in the child. Where this is
    False, ``workers="processes"`` runs threads instead.
    """
    return ("fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
            and not multiprocessing.current_process().daemon)


def _use_processes(workers: str, jobs: int, n_chunks: int) -> bool:
    if workers not in WORKERS:
        raise ValueError(choices_message("workers", workers, WORKERS))
    return workers == "processes" and jobs > 1 and n_chunks > 1 and can_fork()


def run_chunks(backend, chunks, jobs: int, progress, map_chunks=None, *, keep_raw: bool = True,
               on_result: Callable[[int, Chunk], None] | None = None,
               workers: str = DEFAULTS["workers"]) -> list[Chunk]:
    """Analyse chunks on ``jobs`` threads or processes (or through ``map_chunks``); results in chunk order.

    ``workers="processes"`` analyses them in ``jobs`` processes forked after
    the backend's dictionary is loaded (so they share its memory-mapped pages,
    copy-on-write; :func:`gc.freeze` keeps the collector from touching, and so
    copying, the parent's objects), where :func:`can_fork`; else on threads.
    Chunks come back as from a Dask worker (with their pieces and word ids,
    which this process's backend learns the forms of), so the tokens are the
    same either way. ``on_result(i, chunk)`` is called for each chunk as soon
    as it is done, in chunk order. ``keep_raw=False`` then drops each chunk's
    pieces and word ids (only the cache needs them), so they do not pile up.

    Raises
    ------
    ValueError
        When ``workers`` is not one of :data:`WORKERS`.
    """
    results: list[Chunk] = []
    processes = _use_processes(workers, jobs, len(chunks)) and map_chunks is None

    def done(res: Chunk, texts: list[str]) -> None:
        if on_result is not None:
            on_result(len(results), res)
        if not keep_raw:
            res.drop_raw()
        results.append(res)
        if progress is not None:
            progress(sum(map(len, texts)))

    def done_remote(res: Chunk, texts: list[str]) -> None:
        # word forms are learnt per process: adopt those the worker sent, then learn any still missing here
        if res.forms is not None and hasattr(backend, "adopt_forms"):
            backend.adopt_forms(res.forms)
        res.forms = None
        backend.learn(res.pieces, Morphemes(res.lengths, res.words, res.counts))
        done(res, texts)

    if map_chunks is not None and chunks:
        remote = list(map_chunks(_remote_chunk, [r for r, _ in chunks], [t for _, t in chunks], backend=backend))
        for res, (_r, t) in zip(remote, chunks):
            done_remote(res, t)
    elif processes:
        backend.load()  # before forking, so the workers share the loaded dictionary
        with ProcessPoolExecutor(max_workers=min(jobs, len(chunks)),
                                 mp_context=multiprocessing.get_context("fork")) as ex:
            gc.freeze()  # the workers' collector then leaves this process's objects (and their pages) alone
            try:
                futures = [ex.submit(_remote_chunk, r, t, backend) for r, t in chunks]  # forks here
            finally:
                gc.unfreeze()
            for (_r, t), fut in zip(chunks, futures):
                done_remote(fut.result(), t)
    elif jobs == 1 or len(chunks) <= 1:
        for r, t in chunks:
            done(analyse_chunk(backend, r, t), t)
    else:
        with ThreadPoolExecutor(max_workers=min(jobs, len(chunks))) as ex:
            futures = [ex.submit(analyse_chunk, backend, r, t) for r, t in chunks]
            for (r, t), fut in zip(chunks, futures):
                done(fut.result(), t)
    return results


def analyse_cached(backend, utt, rows: list[int], texts: list[str], jobs: int, progress, cache,
                   map_chunks=None, workers: str = DEFAULTS["workers"]) -> list[Chunk]:
    """Like :func:`run_chunks` over all rows (with ``workers``), but document by document through ``cache``.

    ``cache`` is a :class:`cooccur.cache.TokenCache`; its entries are keyed by
    the backend's :meth:`~cooccur.tokenize.backend.Backend.identity`, so two
    backends never share an analysis.
    """
    docs = utt["doc_id"].astype(str).to_numpy()[rows] if rows else np.array([], dtype=object)
    uids = utt["utterance_id"].to_numpy().astype(np.int64)[rows] if rows else np.array([], dtype=np.int64)
    groups: list[tuple[str, list[int]]] = []  # (doc_id, indexes into rows), in row order
    for i, d in enumerate(docs.tolist()):
        if groups and groups[-1][0] == d:
            groups[-1][1].append(i)
        else:
            groups.append((d, [i]))
    identity = backend.identity()
    per_group: list[list[Chunk]] = [[] for _ in groups]
    todo: list[tuple[int, str]] = []
    for g, (doc, idx) in enumerate(groups):
        key = cache.key(identity, doc, uids[idx], [texts[i] for i in idx])
        entry = cache.load(key)
        if entry is None:
            todo.append((g, key))
            continue
        row_of = {int(u): rows[i] for u, i in zip(uids[idx], idx)}
        m = Morphemes(entry["L"], entry["W"], entry["N"])
        backend.learn(entry["pieces"], m)
        res = _chunk("".join(entry["pieces"]), m, np.asarray([row_of[int(u)] for u in entry["utterance_id"]],
                                                            dtype=np.int64),
                     entry["para"], entry["sent"], None)
        res.drop_raw()
        per_group[g] = [res]
        if progress is not None:
            progress(sum(len(texts[i]) for i in idx))
    chunks, owner = [], []
    for g, _key in todo:
        idx = groups[g][1]
        for chunk in make_chunks([rows[i] for i in idx], [texts[i] for i in idx]):
            chunks.append(chunk)
            owner.append(g)
    key_of = dict(todo)
    last_chunk = {g: i for i, g in enumerate(owner)}  # a document's chunks are consecutive

    def save_when_complete(i: int, res: Chunk) -> None:
        """Store a document as soon as its last chunk is done, then let its pieces and word ids go."""
        g = owner[i]
        per_group[g].append(res)
        if last_chunk[g] != i:
            return
        parts = per_group[g]
        uid_of = {rows[i]: int(u) for u, i in zip(uids[groups[g][1]], groups[g][1])}
        cache.save(key_of[g], utterance_id=[uid_of[int(r)] for p in parts for r in p.row],
                   para=np.concatenate([p.paragraph for p in parts]),
                   sent=np.concatenate([p.sentence for p in parts]),
                   pieces=[x for p in parts for x in p.pieces], N=np.concatenate([p.counts for p in parts]),
                   L=np.concatenate([p.lengths for p in parts]), W=np.concatenate([p.words for p in parts]))
        for p in parts:
            p.drop_raw()

    run_chunks(backend, chunks, jobs, progress, map_chunks, on_result=save_when_complete, workers=workers)
    return [res for group in per_group for res in group]
