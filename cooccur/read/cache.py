"""A per-file cache of what reading a transcript gives, so re-runs skip reading.

:class:`ReadCache` is a ``map_files`` hook for :func:`cooccur.read.read_corpus`:
for each transcript of the walk it returns the rows that reading the file gave
last time — its utterances, exclusions, ``files`` row and warnings — when
nothing that reading depends on changed, and reads the file afresh otherwise.
What is kept is what reading one file gives *before* the metadata join:
sidecar tables (``metadata.csv``, ``speakers.csv``, ``metadata=``) and the
walk's problems (broken links, special files) are handled afresh on every run,
and :func:`read_corpus` joins the metadata to cached and fresh rows alike, so
the :class:`~cooccur.read.Corpus` is the one a run without the cache gives.

An entry's key is a SHA-256 over the cache format, the file's absolute path,
its ``doc_id``, its size and the SHA-256 of its bytes, every read option
(format, encoding, columns, sheet, ``include_preamble``, whether the input is
one file, and the speaker labels of the speakers tables, which change how
colon-style turns are found), and a digest of cooccur's reading code
(``cooccur/read/**/*.py`` and ``errors.py``, whose messages are kept) with the
versions of cooccur, Python's Unicode tables and the libraries reading uses
(SudachiPy and its dictionary split speaker labels; python-docx, pypdfium2,
lxml, openpyxl extract text). A change to any of them is a miss. The file's
modification time is not part of the key: as ``make`` does, a file whose size
and ``mtime_ns`` (and inode) are those recorded in the index is not hashed
again, and a file that was only touched is hashed, found unchanged and served
from the cache. A record is trusted this way only when the file had been left alone for
a couple of seconds before it was recorded (as git guards against "racy"
timestamps), since a file rewritten within the same timestamp tick would
otherwise look unchanged.

Storage: one JSON file per entry under ``entries/`` and one ``index.json``
(path → size, ``mtime_ns``, inode, SHA-256; entry → path, SHA-256), all written
atomically (entries without fsync); nothing is pickled. An entry that cannot be read, does not parse,
belongs to another key or format or does not have the shape of a file's rows
is a miss and is written again; an unreadable index is an empty one. Entries of
a file's earlier contents are removed when the file's new contents are stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from functools import lru_cache
from pathlib import Path

from . import EXCLUSION_COLUMNS, FILE_COLUMNS, UTTERANCE_COLUMNS

__all__ = ["ReadCache", "CACHE_FORMAT", "reader_digest"]

#: Bumped whenever the stored layout or the meaning of its fields changes.
CACHE_FORMAT = "cooccur-read-cache-1"
#: A record whose mtime is less than this before the moment it was taken is hashed again.
RACY_NS = 2_000_000_000
#: Libraries whose versions can change what reading a file gives.
_LIBRARIES = ("sudachipy", "sudachidict-core", "python-docx", "pypdfium2", "lxml", "openpyxl")

_NONE, _STR, _INT = type(None), str, int
_STRS = frozenset({_STR, _NONE})
_INTS = frozenset({_INT, _NONE})
_INT_FIELDS = {"utterance_id", "line", "char_start", "char_end", "bytes", "chars", "utterances",
               "utterances_analysed", "utterances_excluded", "chars_analysed", "chars_excluded", "chars_markup"}


def _reader_sources() -> list[Path]:
    """The source files whose text is part of :func:`reader_digest`."""
    read = Path(__file__).resolve().parent
    return sorted(read.rglob("*.py")) + [read.parent / "errors.py"]


@lru_cache(maxsize=1)
def reader_digest() -> str:
    """SHA-256 of cooccur's reading code and of the versions it depends on (see the module docstring)."""
    import sys
    import unicodedata
    from importlib import metadata

    from .. import __version__

    h = hashlib.sha256()
    for part in (CACHE_FORMAT, __version__, f"{sys.version_info[0]}.{sys.version_info[1]}",
                 unicodedata.unidata_version):
        h.update(part.encode("utf-8") + b"\x00")
    for dist in _LIBRARIES:
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{dist}={version}".encode("utf-8") + b"\x00")
    root = Path(__file__).resolve().parent.parent
    for path in _reader_sources():
        h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\x00" + path.read_bytes() + b"\x00")
    return h.hexdigest()


class _Rows:
    """One file's rows as :meth:`cooccur.read._Builder.merge` takes them (the builder's own attributes)."""

    __slots__ = ("u", "meta", "n_utt", "f", "x")

    def __init__(self, u, meta, n_utt, f, x):
        self.u, self.meta, self.n_utt, self.f, self.x = u, meta, n_utt, f, x


class ReadCache:
    """A folder of cached per-file reads, used as ``read_corpus(..., map_files=ReadCache(folder))``.

    Parameters
    ----------
    folder : str or Path
        Where the entries and the index live (created when first written);
        the CLI's is ``OUT/.cache/read``.
    map_files : callable, optional
        The hook that reads the files missing from the cache (for example an
        engine's ``map_files``, which reads them on a Dask cluster); by
        default they are read here, one after the other.

    Attributes
    ----------
    hits, misses : int
        Transcripts served from the cache and transcripts read afresh, over
        this object's life. Sidecar tables, the walk's problems and files of
        types that are not read are handled afresh and counted in neither.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cooccur.read import read_corpus
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "in").mkdir()
    >>> _ = (d / "in" / "r5.txt").write_text("○議長（山田太郎君）　開会します。", encoding="utf-8")
    >>> cache = ReadCache(d / "cache")
    >>> first = read_corpus(d / "in", map_files=cache)
    >>> again = read_corpus(d / "in", map_files=cache)
    >>> (cache.misses, cache.hits), again.utterances.equals(first.utterances)
    ((1, 1), True)
    """

    def __init__(self, folder, *, map_files=None):
        self.folder = Path(folder)
        self.map_files = map_files
        self.hits = 0
        self.misses = 0

    def __repr__(self) -> str:
        return f"ReadCache({str(self.folder)!r}, hits={self.hits}, misses={self.misses})"

    # ------------------------------------------------------------------ the hook

    def __call__(self, func, entries, *, sidecar_set, options):
        """``[func(e, sidecar_set=…, options=…) for e in entries]``, from the cache where it can.

        ``func`` is the per-file reader that :func:`~cooccur.read.read_corpus`
        hands its ``map_files`` hook; it returns ``(rows, warnings)`` for one
        walk entry ``(path, doc_id, problem)``.
        """
        entries = list(entries)
        index = self._load_index()
        digest = self._options_digest(options)
        results: list = [None] * len(entries)
        pending: list[int] = []
        stats: dict[int, tuple] = {}  # entry number → (absolute path, stat, stamp) for those that may be stored
        for i, (path, doc_id, problem) in enumerate(entries):
            if problem is not None or (sidecar_set and path.resolve() in sidecar_set):
                pending.append(i)
                continue
            absolute = str(Path(path).absolute())
            stamp = time.time_ns()
            try:
                st = os.stat(path)
            except OSError:
                pending.append(i)
                continue
            stats[i] = (absolute, st, stamp)
            found = self._lookup(index, absolute, doc_id, st, stamp, digest)
            if found is None:
                pending.append(i)
            else:
                results[i] = found
                self.hits += 1
        if pending:
            todo = [entries[i] for i in pending]
            if self.map_files is None:
                fresh = [func(e, sidecar_set=sidecar_set, options=options) for e in todo]
            else:
                fresh = list(self.map_files(func, todo, sidecar_set=sidecar_set, options=options))
            for i, result in zip(pending, fresh):
                results[i] = result
                rows = result[0]
                if rows.f["role"][0] != "transcript":
                    continue
                self.misses += 1
                if i in stats:
                    self._store(index, stats[i], entries[i][1], result, digest)
        if index["dirty"]:
            self._prune(index)
            self._save_index(index)
        return results

    # ------------------------------------------------------------------ keys

    @staticmethod
    def _options_digest(options: dict) -> str:
        opts = dict(options)
        opts["known"] = sorted(opts.get("known") or ())
        return json.dumps(opts, sort_keys=True, ensure_ascii=False, default=repr)

    @staticmethod
    def key(absolute: str, doc_id: str, size: int, sha256: str, options_digest: str) -> str:
        """The entry key of one file (see the module docstring)."""
        h = hashlib.sha256()
        for part in (CACHE_FORMAT, reader_digest(), absolute, doc_id, str(size), sha256, options_digest):
            h.update(part.encode("utf-8", "surrogatepass") + b"\x00")
        return h.hexdigest()

    def _entry_path(self, key: str) -> Path:
        return self.folder / "entries" / key[:2] / f"{key}.json"

    # ------------------------------------------------------------------ lookup

    def _lookup(self, index, absolute, doc_id, st, stamp, digest):
        record = index["files"].get(absolute)
        if not isinstance(record, dict):
            return None  # never stored: read it (reading hashes it anyway)
        try:
            sha = record["sha256"]
            same = (record["size"] == st.st_size and record["mtime_ns"] == st.st_mtime_ns
                    and record["inode"] == st.st_ino)
            if not (same and record["mtime_ns"] + RACY_NS <= record["stamp_ns"]):
                sha = _file_sha256(absolute)
                if sha != record["sha256"]:
                    return None
                index["files"][absolute] = _record(st, stamp, sha)
                index["dirty"] = True
            return self._load_entry(self.key(absolute, doc_id, st.st_size, sha, digest))
        except (OSError, TypeError, KeyError, ValueError):
            return None

    def _load_entry(self, key: str):
        """``(rows, warnings)`` of the entry ``key``, or None for a missing, damaged or foreign entry."""
        try:
            data = json.loads(self._entry_path(key).read_bytes().decode("utf-8", "surrogatepass"))
            if data["format"] != CACHE_FORMAT or data["key"] != key:
                return None
            n = data["n_utt"]
            u, meta, f, x, warnings = data["u"], data["meta"], data["f"], data["x"], data["warnings"]
            ok = (type(n) is int and _columns(u, UTTERANCE_COLUMNS, n) and _columns(f, FILE_COLUMNS, 1)
                  and isinstance(x, dict) and _columns(x, EXCLUSION_COLUMNS, len(x.get("doc_id", ())))
                  and isinstance(meta, dict) and all(isinstance(k, str) and _column(v, n, _STRS)
                                                     for k, v in meta.items())
                  and isinstance(warnings, list) and all(type(w) is str for w in warnings))
        except (OSError, UnicodeError, ValueError, TypeError, KeyError):
            return None
        return (_Rows(u, meta, n, f, x), warnings) if ok else None

    # ------------------------------------------------------------------ storing

    def _store(self, index, stat, doc_id, result, digest) -> None:
        absolute, st, stamp = stat
        rows, warnings = result
        sha, size = rows.f["sha256"][0], rows.f["bytes"][0]
        if sha is None or size is None:  # the file could not be read: nothing to keep
            return
        key = self.key(absolute, doc_id, size, sha, digest)
        data = dict(format=CACHE_FORMAT, key=key, n_utt=rows.n_utt, u=rows.u, meta=rows.meta, f=rows.f, x=rows.x,
                    warnings=list(warnings))
        try:
            text = json.dumps(data, ensure_ascii=False)
            _write_unsynced(self._entry_path(key), text.encode("utf-8", "surrogatepass"))
        except (OSError, TypeError, ValueError):  # a full disk or a value JSON cannot hold: not cached
            return
        # the stat taken before reading: a file changed meanwhile differs from it and is hashed next time
        index["files"][absolute] = _record(st, stamp, sha)
        index["entries"][key] = [absolute, sha]
        index["dirty"] = True

    def _prune(self, index) -> None:
        """Remove the entries of files' earlier contents."""
        files, entries = index["files"], index["entries"]
        for key, where in list(entries.items()):
            record = files.get(where[0]) if isinstance(where, list) and where else None
            if not isinstance(record, dict) or record.get("sha256") != where[1]:
                self._entry_path(key).unlink(missing_ok=True)
                del entries[key]

    # ------------------------------------------------------------------ the index

    def _load_index(self) -> dict:
        try:
            data = json.loads((self.folder / "index.json").read_bytes().decode("utf-8", "surrogatepass"))
            if data["format"] == CACHE_FORMAT and isinstance(data["files"], dict) \
                    and isinstance(data["entries"], dict):
                return dict(files=data["files"], entries=data["entries"], dirty=False)
        except (OSError, UnicodeError, ValueError, TypeError, KeyError):
            pass
        return dict(files={}, entries={}, dirty=False)

    def _save_index(self, index) -> None:
        from ..io import atomic_write_bytes

        data = dict(format=CACHE_FORMAT, files=index["files"], entries=index["entries"])
        try:
            atomic_write_bytes(self.folder / "index.json",
                               json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass"))
        except OSError:  # a read-only or full disk: the next run reads afresh
            pass
        index["dirty"] = False


def _write_unsynced(path: Path, data: bytes) -> None:
    """Write atomically (a temporary file renamed into place) without fsync.

    :func:`cooccur.io.atomic_write_bytes` syncs every file to disk, which cost
    about 5 ms per entry here (1.2 s for 240 files); an entry lost or damaged
    by a crash is only a miss, so the cache does without.
    """
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _record(st: os.stat_result, stamp: int, sha256: str) -> dict:
    """A file's index record: its stat as taken at ``stamp`` (time.time_ns) and its contents' SHA-256."""
    return dict(size=st.st_size, mtime_ns=st.st_mtime_ns, inode=st.st_ino, stamp_ns=stamp, sha256=sha256)


def _file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _column(values, n: int, types: frozenset) -> bool:
    return isinstance(values, list) and len(values) == n and set(map(type, values)) <= types


def _columns(table, names, n: int) -> bool:
    """``table`` holds exactly the columns ``names``, in order, each ``n`` values of the column's type."""
    return isinstance(table, dict) and list(table) == list(names) and all(
        _column(table[c], n, _INTS if c in _INT_FIELDS else _STRS) for c in names)
