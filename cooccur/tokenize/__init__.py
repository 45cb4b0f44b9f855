"""Tokenize utterances into the tokens table (one row per token), whole or streamed to a file.

The stage, module by module:

* this module — the public API: :func:`tokenize_utterances` returns the whole
  table; :func:`tokenize_to_file` writes it batch by batch and keeps a lean
  table, so memory follows the batch size instead of the corpus;
* :mod:`~cooccur.tokenize.backend` — the :class:`Backend` protocol a
  morphological analyser implements, and its result types;
* :mod:`~cooccur.tokenize.sudachi` — the SudachiPy backend (the default);
* :mod:`~cooccur.tokenize.chunks` — sentence pieces, chunks, threads, the
  per-document cache;
* :mod:`~cooccur.tokenize.assemble` — the backend's analysis → token rows;
* :mod:`~cooccur.tokenize.terms` and :mod:`~cooccur.tokenize.phrases` — the
  term rules (POS, stopwords, compounds, …; function expressions and formulas).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Literal, Mapping

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

from ..config import DEFAULTS
from ..errors import choices_message
from ..io import trim_heap
from ..validate import check_int
from . import terms as _terms
from .assemble import Assembler, empty_frame
from .backend import Backend, Forms, Morphemes, default_backend
from .chunks import MAX_PIECE_CHARS, WORKERS, analyse_cached, make_chunks, run_chunks, split_sentences
from .sudachi import MAX_INPUT_BYTES, SPLIT_MODES, SudachiBackend, get_tokenizer

__all__ = ["get_tokenizer", "tokenize_utterances", "tokenize_to_file", "StreamedTokens", "split_sentences",
           "Backend", "Morphemes", "Forms", "SudachiBackend", "TOKEN_COLUMNS", "LEAN_COLUMNS", "BATCH_CHARS",
           "MAX_INPUT_BYTES", "MAX_PIECE_CHARS"]

TOKEN_COLUMNS = ("doc_id", "utterance_id", "paragraph_id", "sentence_id", "position", "surface", "term",
                 "reason", "pos", "pos_detail", "dictionary_form", "normalized_form", "reading")


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
                        function_expressions: bool = DEFAULTS["function_expressions"],
                        jobs: int | None = DEFAULTS["jobs"],
                        workers: Literal["threads", "processes"] = DEFAULTS["workers"],
                        include_excluded: bool = False,
                        progress: Callable[[int], object] | None = None,
                        cache=None,
                        map_chunks=None,
                        backend: Backend | None = None):
    """Tokenize utterances into the tokens table (one row per token).

    Parameters
    ----------
    utterances : DataFrame, str or list of str
        The ``utterances`` table of :func:`cooccur.read_corpus` (rows whose
        ``exclusion`` is not NA are skipped unless ``include_excluded``), or plain
        text(s) for quick use: each string becomes an utterance of document ``"<text>"``.
    split_mode : {"A", "B", "C"}
        SudachiPy's split mode (used when ``backend`` is None).
    pos, stopwords, extra_stopwords, forced_terms, synonyms, compounds, compound_min_frequency
        Term rules; see :mod:`cooccur.tokenize.terms`.
    speaker_stopwords : bool
        Do not count the speakers' names and titles (taken from the ``speaker``
        column, see :func:`cooccur.tokenize.terms.speaker_name_words`) as terms.
    function_expressions : bool
        Recognise function expressions (において, とともに, に向けて …; and with
        the ``minutes`` preset the formulas of minutes: 見解を求めます, お答え
        いたします …) and do not count their words; see :mod:`cooccur.tokenize.phrases`.
    jobs : int, optional
        Worker threads or processes (default: all cores). Output does not depend on it.
    workers : {"threads", "processes"}
        Run the ``jobs`` on threads, or in processes forked once the dictionary
        is loaded (they share it; Python's GIL does not hold them back). Processes
        need the ``fork`` start method and a process running one thread
        (:func:`cooccur.tokenize.chunks.can_fork`); elsewhere (macOS, Windows)
        threads are used. Output does not depend on it.
    include_excluded : bool
        Tokenize excluded rows (preamble, ...) too.
    progress : callable, optional
        Called with the number of characters finished since the previous call
        (so ``tqdm.update`` fits).
    cache : cooccur.cache.TokenCache, optional
        Reuse the backend's analysis of documents whose analysed text is
        unchanged (entries are keyed by the backend's identity); the term rules
        are applied afresh either way, so the result is the same with or
        without a cache.
    map_chunks : callable, optional
        ``map_chunks(func, rows_list, texts_list, backend=...)`` returning
        ``[func(r, t, backend=...) ...]`` in order: runs the backend elsewhere
        (the Dask engine). The result is the same as tokenizing locally.
    backend : Backend, optional
        The morphological analyser (see :mod:`cooccur.tokenize.backend`);
        None is SudachiPy with ``split_mode``.

    Returns
    -------
    DataFrame
        Columns :data:`TOKEN_COLUMNS` (contract in docs/CONTRACTS.md). Each text
        is NFKC-normalised first; ``term`` is NaN for tokens not counted.

    Examples
    --------
    >>> tok = tokenize_utterances("えー、ＩＣＴ人材の標準化について話します。")
    >>> tok["term"].dropna().tolist()
    ['ICT人材', '標準化']
    """
    utt, rules, rows, texts, jobs = _prepare(
        utterances, split_mode=split_mode, pos=pos, stopwords=stopwords, extra_stopwords=extra_stopwords,
        forced_terms=forced_terms, synonyms=synonyms, compounds=compounds,
        compound_min_frequency=compound_min_frequency, speaker_stopwords=speaker_stopwords,
        function_expressions=function_expressions, jobs=jobs, include_excluded=include_excluded,
        backend=backend, workers=workers)
    backend = rules["backend"]
    results = _tokenize_rows(backend, utt, rows, texts, jobs, progress, cache, map_chunks, rules["workers"])
    asm = _assembler(utt, rules)
    batch = asm.front(results)
    asm.decide()
    rows_ = asm.finish(batch) if batch is not None else None
    del batch
    asm.finalize()
    tokens = asm.frame(rows_, TOKEN_COLUMNS) if rows_ is not None else empty_frame(TOKEN_COLUMNS)
    trim_heap()
    _warn_forced(asm)
    return tokens


def _warn_forced(asm: Assembler) -> None:
    """Say how many occurrences of each forced term went another way (their ends cut a backend's token)."""
    import warnings

    for term, n in sorted(asm.forced_missed.items()):
        warnings.warn(f"forced term {term!r}: {n} occurrence(s) not forced, because one of their ends falls "
                      "inside a word the analyser found; add the longer term as a forced term too, or leave them "
                      "to that word (KWIC shows them all)", UserWarning, stacklevel=3)


#: Characters of remarks that :func:`tokenize_to_file` tokenizes and assembles at a time.
BATCH_CHARS = 2_000_000
#: Columns of the lean tokens table :func:`tokenize_to_file` returns.
LEAN_COLUMNS = ("doc_id", "utterance_id", "paragraph_id", "sentence_id", "position", "surface", "term", "pos",
                "pos_detail")
_TERM_KEYS = ("split_mode", "pos", "stopwords", "extra_stopwords", "forced_terms", "synonyms", "compounds",
              "compound_min_frequency", "speaker_stopwords", "function_expressions", "jobs", "workers")


@dataclass
class StreamedTokens:
    """What :func:`tokenize_to_file` returns: the lean table and the counts of the full one."""

    tokens: "pd.DataFrame"
    path: Path | None
    n_tokens: int
    n_counted: int


def tokenize_to_file(utterances, path: str | Path | None, *, kind: Literal["parquet", "csv"] = "parquet",
                     batch_chars: int = BATCH_CHARS, spill_dir: str | Path | None = None,
                     on_batch: Callable[["pd.DataFrame"], object] | None = None,
                     on_compounds: Callable[[list[str]], object] | None = None, include_excluded: bool = False,
                     progress: Callable[[int], object] | None = None, cache=None, map_chunks=None,
                     backend: Backend | None = None, **params) -> StreamedTokens:
    """Tokenize like :func:`tokenize_utterances`, writing the tokens table to ``path`` batch by batch.

    Memory follows ``batch_chars`` (documents are never split), not the corpus:
    each batch is tokenized, run through the term rules, set aside in
    ``spill_dir`` (a temporary folder, removed at the end) and written once the
    corpus-wide decisions are known (frequent compounds, display forms). The
    file is byte-identical to writing ``tokenize_utterances(...)`` with
    :func:`cooccur.io.write_table`.

    Parameters
    ----------
    utterances, include_excluded, progress, cache, map_chunks, backend
        As for :func:`tokenize_utterances`.
    path : path or None
        The table to write (atomically); None writes no table and only
        returns the lean one (the batches are still set aside on disk).
    kind : {"parquet", "csv"}
    batch_chars : int
        Characters of remarks per batch.
    spill_dir : path, optional
        Where the temporary folder goes (default: beside ``path``, or the
        system's temporary folder without ``path``).
    on_batch : callable, optional
        Called with each batch's full tokens rows in order (to sum counts that
        need every row, such as :class:`cooccur.keywords.FLRCounts`).
    on_compounds : callable, optional
        Called once, before any batch goes to ``on_batch``, with the surfaces
        of every compound joined (:meth:`cooccur.keywords.FLRCounts.prepare`
        splits them then). After it, a backend with a ``release()`` method
        (SudachiPy: its memory-mapped dictionary) is asked to give its memory
        back, since writing the full table is the peak of the run.
    **params
        The term rules, ``jobs`` and ``workers``, as keywords of :func:`tokenize_utterances`.

    Returns
    -------
    StreamedTokens
        ``tokens`` is the lean table: columns :data:`LEAN_COLUMNS` plus
        ``offset`` (where the token starts in its utterance's NFKC text), the
        position columns int32 when the values fit (half the memory), rows
        every counted token and the first token of every sentence, so every
        unit of every kind is present and counts, measures and keyword scores
        computed from it equal those of the full table (FLR needs ``on_batch``).
    """
    import shutil
    import tempfile

    import pandas as pd

    from ..io import TableWriter

    unknown = sorted(set(params) - set(_TERM_KEYS))
    if unknown:
        raise TypeError(f"tokenize_to_file() got unexpected keyword(s) {unknown}; use {list(_TERM_KEYS)}")
    check_int("batch_chars", batch_chars, minimum=1)
    opts = {k: params.get(k, DEFAULTS[k]) for k in _TERM_KEYS}
    utt, rules, rows, texts, jobs = _prepare(utterances, include_excluded=include_excluded, backend=backend, **opts)
    backend = rules["backend"]
    path = Path(path) if path is not None else None
    asm = _assembler(utt, rules)
    spill = Path(tempfile.mkdtemp(prefix=".cooccur-spill-",
                                  dir=spill_dir or (path.parent if path is not None else None)))
    n_tokens = n_counted = 0
    lean_parts: list = []
    small = sum(map(len, texts)) < 2**31  # no paragraph, sentence, position or offset reaches 2**31
    try:
        done = []
        for b, (lo, hi) in enumerate(_batches(utt, rows, texts, batch_chars)):
            results = _tokenize_rows(backend, utt, rows[lo:hi], texts[lo:hi], jobs, progress, cache, map_chunks,
                                     rules["workers"])
            front = asm.front(results)
            if front is not None:
                np.savez(spill / f"front{b}.npz", **front)
                done.append(b)
            del front, results
            trim_heap()
        asm.decide()
        for b in done:
            f = spill / f"front{b}.npz"
            with np.load(f) as z:
                finished = asm.finish({k: z[k] for k in z.files})
            f.unlink()
            np.savez(spill / f"rows{b}.npz", **finished)
            del finished
        if on_compounds is not None:
            on_compounds(asm.compound_surfaces())
        release = getattr(backend, "release", None)  # optional (Backend has no such method): the analyser's
        if callable(release):  # memory goes back before the full table is written
            release()
        asm.finalize()
        with TableWriter(path, kind) if path is not None else contextlib.nullcontext() as writer:
            if not done and writer is not None:
                writer.write(empty_frame(TOKEN_COLUMNS))
            for b in done:
                f = spill / f"rows{b}.npz"
                with np.load(f) as z:
                    r = {k: z[k] for k in z.files}
                f.unlink()
                if writer is not None or on_batch is not None:
                    full = asm.frame(r, TOKEN_COLUMNS)
                    if writer is not None:
                        writer.write(full)
                    if on_batch is not None:
                        on_batch(full)
                    del full
                n_tokens += len(r["rtype"])
                n_counted += int(r["counted"].sum())
                row, sent = r["rrow"], r["sentence_id"]
                lean = r["counted"].copy()
                lean[0] = True
                lean[1:] |= (row[1:] != row[:-1]) | (sent[1:] != sent[:-1])
                lean_parts.append(asm.frame({k: v[lean] for k, v in r.items()}, LEAN_COLUMNS, offset=True,
                                             int_dtype=np.int32 if small else np.int64))
                del r, lean, row, sent
                trim_heap()
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    _warn_forced(asm)
    if lean_parts:
        tokens = _concat_parts(lean_parts)
        trim_heap()  # the parts, and what the batches left in the heap, go back to the system
    else:
        tokens = empty_frame(LEAN_COLUMNS)
        tokens["offset"] = pd.Series([], dtype="int64")
    return StreamedTokens(tokens=tokens, path=path, n_tokens=n_tokens, n_counted=n_counted)


def _batches(utt, rows: list[int], texts: list[str], batch_chars: int) -> list[tuple[int, int]]:
    """Ranges of ``rows`` with at least ``batch_chars`` characters each (the last may have fewer), cut between documents."""
    docs = utt["doc_id"].to_numpy()
    out, lo, size = [], 0, 0
    for i, t in enumerate(texts):
        if size >= batch_chars and docs[rows[i]] != docs[rows[i - 1]]:
            out.append((lo, i))
            lo, size = i, 0
        size += len(t)
    if lo < len(texts):
        out.append((lo, len(texts)))
    return out


def _concat_parts(parts: list):
    """Concatenate DataFrames with the same columns and categories, one column at a time (parts are emptied)."""
    import pandas as pd

    cols = {}
    for c in list(parts[0].columns):
        first = parts[0][c]
        if isinstance(first.dtype, pd.CategoricalDtype):
            codes = np.concatenate([p[c].cat.codes.to_numpy() for p in parts])
            cols[c] = pd.Categorical.from_codes(codes, dtype=first.dtype, validate=False)
        else:
            cols[c] = np.concatenate([p[c].to_numpy() for p in parts])
        for p in parts:
            del p[c]
    parts.clear()
    return pd.DataFrame(cols, copy=False)


def _prepare(utterances, *, split_mode, pos, stopwords, extra_stopwords, forced_terms, synonyms, compounds,
             compound_min_frequency, speaker_stopwords, jobs, include_excluded,
             function_expressions=DEFAULTS["function_expressions"], backend=None, workers=DEFAULTS["workers"]):
    """Check the arguments; return (utterances, term rules with backend and workers, rows, their texts, jobs)."""
    if split_mode not in SPLIT_MODES:
        raise ValueError(choices_message("split_mode", split_mode, SPLIT_MODES))
    if backend is None:
        backend = default_backend(split_mode)
    elif not isinstance(backend, Backend):
        raise TypeError(f"backend must implement cooccur.tokenize.Backend (identity, load, analyse, learn, forms, "
                        f"person_name_parts); {type(backend).__name__} lacks "
                        f"{[m for m in _BACKEND_METHODS if not callable(getattr(backend, m, None))]}")
    check_int("jobs", jobs, minimum=1, none="all cores")
    if workers not in WORKERS:
        raise ValueError(choices_message("workers", workers, WORKERS))
    pos = (pos,) if isinstance(pos, str) else tuple(pos)
    rules = dict(
        pos=pos,
        stopwords=_terms.load_stopwords(stopwords, extra_stopwords=extra_stopwords),
        forced=_terms.load_word_list(forced_terms),
        synonyms=_terms.load_synonyms(synonyms),
        compounds=compounds,
        min_freq=compound_min_frequency,
        backend=backend,
        workers=workers,
    )
    _terms.compound_segments([], compounds=compounds, compound_min_frequency=compound_min_frequency)
    rules["base_stopwords"] = rules["stopwords"]
    rules["phrases"] = _terms.load_phrase_rules(stopwords=stopwords, function_expressions=function_expressions)
    utt = _as_utterances(utterances)
    if speaker_stopwords and "speaker" in utt.columns:
        names = _terms.speaker_name_words(utt["speaker"].dropna().unique())
        backend.load()
        rules["stopwords"] = rules["stopwords"] | names | backend.person_name_parts(names)
    keep = np.ones(len(utt), dtype=bool)
    if not include_excluded and "exclusion" in utt.columns:
        keep = utt["exclusion"].isna().to_numpy()
    rows = np.flatnonzero(keep).tolist()
    texts = ["" if isinstance(t, float) or t is None else str(t) for t in utt["text"].to_numpy()[keep]]
    backend.load()
    return utt, rules, rows, texts, jobs or os.cpu_count() or 1


_BACKEND_METHODS = ("identity", "load", "analyse", "learn", "forms", "person_name_parts")


def _tokenize_rows(backend, utt, rows, texts, jobs, progress, cache, map_chunks, workers) -> list:
    """The backend's analysis of the given rows, chunk by chunk (through ``cache`` when given)."""
    if cache is None:
        return run_chunks(backend, make_chunks(rows, texts), jobs, progress, map_chunks, keep_raw=False,
                          workers=workers)
    return analyse_cached(backend, utt, rows, texts, jobs, progress, cache, map_chunks, workers)


def _assembler(utt, rules: dict) -> Assembler:
    return Assembler(utt["doc_id"].astype(str).tolist(), utt["utterance_id"].to_numpy(), rules,
                     backend=rules["backend"])


