"""A cache of the stages that read only the tokens table, so a re-run with new network parameters skips them.

The term dispersion, the keyword table (every score but the network's degree
and betweenness), the term families and the term clusters depend on the
tokens and a few parameters, not on the network: a re-run that changes
``top_n``, ``measure`` or the layout computes them again for nothing (half a
second at 1M characters, with SciPy's clustering imported).
:class:`StageCache` keeps each result in ``OUT/.cache/stages/`` under a key
that is a SHA-256 over

* :func:`cooccur.figure_cache.digest` of the tokens table (its Arrow buffers)
  and of the stage's other inputs, and
* :func:`stage_digest`: the cache format, the source of the stages' code
  (``dispersion.py``, ``keywords.py``, ``matrix.py``, ``families.py``,
  ``cooccurrence.py``, ``pipeline.py``, ``clustering.py``, ``analyses.py``)
  and the versions of cooccur, Python, NumPy, SciPy, pandas, pyarrow,
  SudachiPy and its dictionary (FLR splits compound terms with it).

A result is a DataFrame kept as an Arrow IPC file, with its column dtypes, its
``attrs`` and the stage's extras (warnings) as JSON in the file's schema
metadata; nothing is pickled. A hit gives a frame equal to the one computing
gives, dtypes included; a file that cannot be read is a miss. After a write,
:meth:`StageCache.prune` removes the entries the run did not use.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Callable

__all__ = ["StageCache", "stage_runner", "stage_digest", "STAGE_CACHE_FORMAT"]

#: Bumped whenever the keys or the stored layout change.
STAGE_CACHE_FORMAT = "cooccur-stage-cache-1"
_SOURCES = ("dispersion.py", "keywords.py", "matrix.py", "families.py", "cooccurrence.py", "pipeline.py",
            "clustering.py", "analyses.py")
_LIBRARIES = ("numpy", "scipy", "pandas", "pyarrow", "sudachipy", "sudachidict-core")  # FLR splits compounds with SudachiPy
_META = b"cooccur.stage"


@lru_cache(maxsize=1)
def stage_digest() -> str:
    """SHA-256 of everything besides its inputs that a stage's result depends on (see the module docstring)."""
    import sys
    from importlib import metadata

    from . import __version__

    h = hashlib.sha256(f"{STAGE_CACHE_FORMAT}\x00{__version__}\x00{sys.version}\x00".encode())
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        h.update(name.encode() + b"\x00" + (here / name).read_bytes() + b"\x00")
    for lib in _LIBRARIES:
        try:
            h.update(f"{lib}={metadata.version(lib)}\x00".encode())
        except metadata.PackageNotFoundError:  # pragma: no cover
            h.update(f"{lib}=?\x00".encode())
    return h.hexdigest()


class StageCache:
    """Stage results of one output folder (``OUT/.cache/stages``), keyed by their inputs.

    ``tokens_key`` (:meth:`tokens`) is computed once per run; :meth:`get`
    returns the stage's stored ``(frame, extras)`` or computes, stores and
    returns them.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.hits = 0
        self._used: set[str] = set()

    @staticmethod
    def tokens(tokens) -> str:
        """The digest of a tokens table the stages' keys start from."""
        from .figure_cache import digest

        return digest(tokens)

    def key(self, stage: str, *inputs) -> str:
        from .figure_cache import digest

        return hashlib.sha256(f"{stage_digest()}\x00{stage}\x00{digest(*inputs)}".encode()).hexdigest()

    def get(self, stage: str, inputs: tuple, compute: Callable[[], tuple]) -> tuple:
        """``compute()``'s ``(frame, extras)`` for ``inputs``: stored by an earlier run, or computed and stored.

        ``extras`` is a dict of JSON values (lists of warnings, counts).
        """
        key = self.key(stage, *inputs)
        self._used.add(key)
        got = self._load(key)
        if got is not None:
            self.hits += 1
            return got
        frame, extras = compute()
        self._save(key, frame, extras)
        return frame, extras

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.arrow"

    def _load(self, key: str):
        import pyarrow as pa

        path = self._path(key)
        if not path.is_file():
            return None
        try:
            with pa.memory_map(str(path)) as src:
                table = pa.ipc.open_file(src).read_all()
            meta = json.loads(table.schema.metadata[_META])
            frame = table.to_pandas()
            for col, dtype in meta["dtypes"].items():
                if str(frame[col].dtype) != dtype:
                    frame[col] = frame[col].astype(dtype)
            frame.attrs.update(meta["attrs"])
            return frame, meta["extras"]
        except Exception:  # noqa: BLE001 - damaged or foreign: computed again
            return None

    def _save(self, key: str, frame, extras: dict) -> None:
        import pyarrow as pa

        from .io import atomic_path

        try:
            meta = json.dumps({"dtypes": {c: str(t) for c, t in frame.dtypes.items()}, "attrs": dict(frame.attrs),
                               "extras": extras}, ensure_ascii=False)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            table = table.replace_schema_metadata({**(table.schema.metadata or {}), _META: meta.encode("utf-8")})
        except (TypeError, ValueError, pa.ArrowException):  # attrs or columns Arrow cannot hold: not cached
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(self._path(key)) as tmp:
            with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)

    @property
    def used(self) -> bool:
        """True once a stage was asked for (:meth:`get`)."""
        return bool(self._used)

    def prune(self) -> None:
        """Remove the entries this run did not use (the folder then holds one run's stages)."""
        if not self.folder.is_dir():
            return
        for path in self.folder.glob("*.arrow"):
            if path.stem not in self._used:
                path.unlink(missing_ok=True)


def stage_runner(stages: StageCache | None, tokens) -> Callable:
    """``stage(name, inputs, compute)`` for one run on ``tokens``: :meth:`StageCache.get` with the tokens'
    digest first among the inputs, or ``compute()`` itself without a cache."""
    if stages is None:
        return lambda name, inputs, compute: compute()
    key = stages.tokens(tokens)
    return lambda name, inputs, compute: stages.get(name, (key, *inputs), compute)
