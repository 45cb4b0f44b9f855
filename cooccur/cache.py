"""A per-document cache of the morphological analysis, so re-runs skip tokenizing.

What is cached is the morphological analysis of each document's analysed
utterances: the sentence pieces fed to the backend (SudachiPy by default) and,
per piece, each morpheme's length and the backend's word id. The term rules (parts of speech,
stopwords, compounds, synonyms, display forms) are applied afresh on every run,
so changing them — or any network, keyword or figure parameter — never needs
re-tokenizing, and a cached run gives exactly the tokens a fresh run gives.

On top of that, the finished tokens table of the whole corpus is kept (one
Arrow IPC file, the latest only), keyed by the analysed utterances, every
tokenize parameter and the term rules' code (:func:`rules_digest`): a re-run
that changes only network, keyword or figure parameters loads it and skips
tokenizing and the term rules altogether.

An entry is keyed by a SHA-256 over the cache format, the backend's identity
(:meth:`cooccur.tokenize.backend.Backend.identity`: its name, versions and
settings such as SudachiPy's split mode, so two backends never share an
analysis), the document id and the exact utterance ids and texts that were
tokenized (which covers the file's content and every
read setting that changes the text). A changed file or setting therefore misses
only for the documents it changes. Entries are Parquet (per document) and
Arrow IPC (the corpus) files written atomically; nothing is ever unpickled.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["TokenCache", "CACHE_FORMAT", "rules_digest"]

#: Bumped whenever the stored layout or the meaning of its fields changes. (The corpus entry went from
#: Parquet to Arrow IPC under the same format: its suffix tells the two apart, and the per-document entries,
#: unchanged, stay valid.)
CACHE_FORMAT = "cooccur-token-cache-1"


def _versions() -> str:
    from .tokenize.sudachi import sudachi_versions

    return f"{sudachi_versions()};rules={rules_digest()}"


def _rules_sources() -> list[Path]:
    """The files the term rules are made of: cooccur/tokenize's code and cooccur/data's word lists."""
    package = Path(__file__).resolve().parent
    return sorted((package / "tokenize").rglob("*.py")) + sorted(p for p in (package / "data").iterdir() if p.is_file())


@lru_cache(maxsize=1)
def rules_digest() -> str:
    """SHA-256 of the term rules' code and word lists, part of the whole tokens table's key.

    The per-document analyses do not depend on the term rules, but the
    finished tokens table does: a changed rule (a new cooccur) must not reuse it.
    """
    package = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in _rules_sources():
        h.update(path.relative_to(package).as_posix().encode("utf-8") + b"\x00" + path.read_bytes() + b"\x00")
    return h.hexdigest()


@dataclass
class TokenCache:
    """A folder of cached analyses (``OUT/.cache/tokens`` for the CLI).

    ``hits`` and ``misses`` count documents served from and added to the cache
    in this process.
    """

    folder: Path
    hits: int = 0
    misses: int = 0
    hits_corpus: bool = False
    _versions: str = field(default_factory=_versions, repr=False)

    def __post_init__(self):
        self.folder = Path(self.folder)

    def key(self, backend: str, doc_id: str, utterance_ids, texts) -> str:
        """Key of a document's analysis by the backend whose identity is ``backend``."""
        h = hashlib.sha256()
        for part in (CACHE_FORMAT, backend, str(doc_id)):
            h.update(part.encode("utf-8") + b"\x00")
        for uid, text in zip(utterance_ids, texts):
            h.update(str(int(uid)).encode("ascii") + b"\x01" + text.encode("utf-8", "surrogatepass") + b"\x00")
        return h.hexdigest()

    def corpus_key(self, utterances, params: dict) -> str:
        """Key of the whole tokens table: analysed utterances (ids, speakers, texts) and tokenize parameters."""
        import json

        h = hashlib.sha256()
        for part in (CACHE_FORMAT, self._versions, json.dumps(params, sort_keys=True, ensure_ascii=False, default=str)):
            h.update(part.encode("utf-8") + b"\x00")
        analysed = utterances[utterances["exclusion"].isna()] if "exclusion" in utterances.columns else utterances
        speakers = analysed["speaker"] if "speaker" in analysed.columns else [None] * len(analysed)
        for doc, uid, spk, text in zip(analysed["doc_id"], analysed["utterance_id"], speakers, analysed["text"]):
            h.update(f"{doc}\x01{uid}\x01{spk}\x01".encode("utf-8", "surrogatepass")
                     + str(text).encode("utf-8", "surrogatepass") + b"\x00")
        return h.hexdigest()

    def load_tokens(self, key: str):
        """The cached tokens table for ``key``, or None."""
        path = self.folder / f"corpus-{key}.arrow"
        if not path.is_file():
            return None
        try:
            tokens = _read_ipc(path).to_pandas()
        except Exception:  # damaged: tokenize again
            return None
        self.hits_corpus = True
        return tokens

    def save_tokens(self, key: str, tokens, *, flr=None) -> None:
        """Keep ``tokens`` as the corpus entry (the previous corpus entry, also ours, is replaced).

        ``flr`` (:class:`cooccur.keywords.FLRCounts` of these tokens) is kept
        beside it, for :meth:`load_flr`.
        """
        import pyarrow as pa

        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"corpus-{key}.arrow"
        _write_ipc(pa.Table.from_pandas(tokens, preserve_index=False), path)
        for old in [*self.folder.glob("corpus-*.arrow"), *self.folder.glob("corpus-*.parquet")]:
            if old != path:  # .parquet: the entry of an older cache format
                old.unlink(missing_ok=True)
        if flr is not None:
            self._save_extra(key, {"flr": _flr_fields(flr)})

    def _save_extra(self, key: str, extra: dict) -> None:
        import json

        from .io import write_text

        # compact: json's C encoder (indent= falls back to the pure-Python one: 0.16 s for FLR's counts at 1M)
        write_text(self.folder / f"corpus-{key}.json",
                   json.dumps(extra, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
        for old in self.folder.glob("corpus-*.json"):
            if old.stem != f"corpus-{key}":
                old.unlink(missing_ok=True)

    def _load_extra(self, key: str) -> dict | None:
        import json

        try:
            extra = json.loads((self.folder / f"corpus-{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return extra if isinstance(extra, dict) else None

    def save_lean(self, key: str, tokens, counts: dict, flr) -> None:
        """Keep a lean tokens table with the full table's row counts and FLR's part counts (JSON beside it)."""
        self.save_tokens(key, tokens)
        self._save_extra(key, {"counts": counts, "flr": _flr_fields(flr)})

    def load_flr(self, key: str):
        """The :class:`cooccur.keywords.FLRCounts` kept with the corpus entry ``key``, or None."""
        extra = self._load_extra(key)
        try:
            return _flr_from(extra["flr"])
        except (KeyError, TypeError, ValueError):
            return None

    def load_lean(self, key: str):
        """(lean tokens, row counts, FLRCounts) stored by :meth:`save_lean`, or None."""
        extra = self._load_extra(key)
        try:
            flr = _flr_from(extra["flr"])
            counts = {k: int(extra["counts"][k]) for k in ("tokens", "counted_tokens")}
        except (KeyError, TypeError, ValueError):
            return None
        tokens = self.load_tokens(key)
        return None if tokens is None else (tokens, counts, flr)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.parquet"

    def load(self, key: str) -> dict | None:
        """The stored pieces of a document, or None (a missing or unreadable entry is a miss)."""
        import pyarrow.parquet as pq

        path = self._path(key)
        if not path.is_file():
            return None
        try:
            table = pq.read_table(path)
            lens = table.column("L").combine_chunks()
            wids = table.column("W").combine_chunks()
            entry = {
                "utterance_id": table.column("utterance_id").to_numpy(),
                "para": table.column("para").to_numpy(),
                "sent": table.column("sent").to_numpy(),
                "pieces": table.column("piece").to_pylist(),
                "N": np.diff(lens.offsets.to_numpy()).astype(np.int64),
                "L": lens.flatten().to_numpy().astype(np.int64),
                "W": wids.flatten().to_numpy().astype(np.int64),
            }
        except Exception:  # a damaged entry (disk full, killed writer of an old version): re-tokenize
            return None
        self.hits += 1
        return entry

    def save(self, key: str, *, utterance_id, para, sent, pieces, N, L, W) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        from .io import atomic_path

        offsets = np.zeros(len(N) + 1, dtype=np.int32)
        np.cumsum(N, out=offsets[1:])
        table = pa.table({
            "utterance_id": pa.array(np.asarray(utterance_id, dtype=np.int64)),
            "para": pa.array(np.asarray(para, dtype=np.int64)),
            "sent": pa.array(np.asarray(sent, dtype=np.int64)),
            "piece": pa.array(list(pieces), type=pa.string()),
            "L": pa.ListArray.from_arrays(pa.array(offsets), pa.array(np.asarray(L, dtype=np.int32))),
            "W": pa.ListArray.from_arrays(pa.array(offsets), pa.array(np.asarray(W, dtype=np.int64))),
        })
        path = self._path(key)
        with atomic_path(path) as tmp:
            pq.write_table(table, tmp, compression="zstd")
        self.misses += 1


def _write_ipc(table, path: Path) -> None:
    """``table`` as an Arrow IPC file (LZ4 frames), atomically: the corpus entry.

    The whole tokens table is read back only by the next run, so it is kept in
    Arrow's own format: writing and reading it cost a fraction of Parquet with
    zstd (1M characters of minutes, 640k token rows: write 0.17 → 0.04 s, read
    0.16-0.22 → 0.06 s) for about the same size. The per-document entries stay
    Parquet: written as IPC, their many small LZ4 buffers raised the peak RSS
    of a 10M-character run by 40-50 MB.
    """
    import pyarrow as pa

    from .io import ROW_GROUP_ROWS, atomic_path

    with atomic_path(path) as tmp:
        with pa.ipc.new_file(str(tmp), table.schema,
                             options=pa.ipc.IpcWriteOptions(compression="lz4")) as writer:
            writer.write_table(table, max_chunksize=ROW_GROUP_ROWS)  # compressed batch by batch


def _read_ipc(path: Path):
    """The table of an Arrow IPC file written by :func:`_write_ipc`."""
    import pyarrow as pa

    with pa.OSFile(str(path)) as source:  # read into memory (a map would pin the file on Windows)
        return pa.ipc.open_file(source).read_all()


def _flr_fields(flr) -> dict:
    """FLR's counts and the compound splits made for them (so a re-run needs no tokenizer for FLR)."""
    return {"fl": flr.fl, "fr": flr.fr, "first": flr.first, "usable": flr.usable, "rows": flr.rows,
            "parts": dict(getattr(flr.split, "parts", {}))}


def _flr_from(fields: dict):
    """:class:`cooccur.keywords.FLRCounts` from :func:`_flr_fields`' dict (TypeError/KeyError when malformed)."""
    from .keywords import FLRCounts, part_splitter

    parts = fields.get("parts") or {}
    if not isinstance(parts, dict) or not all(isinstance(v, list) for v in parts.values()):
        raise TypeError("malformed compound splits")
    flr = FLRCounts(part_splitter(parts))
    fl, fr, first = fields["fl"], fields["fr"], fields["first"]
    if not all(isinstance(d, dict) for d in (fl, fr, first)):
        raise TypeError("malformed FLR counts")
    flr.fl, flr.fr, flr.first = fl, fr, first
    flr.usable, flr.rows = bool(fields["usable"]), int(fields["rows"])
    return flr
