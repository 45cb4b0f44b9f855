"""A cache of drawn figures, keyed by what each figure is drawn from, so re-runs redraw only what changed.

A re-run with new network parameters changes the network figures but not the
dendrogram or the keyword chart; drawing those again costs a second or more
of matplotlib on a large corpus. :class:`FigureCache` keeps each figure's
bytes in ``OUT/.cache/figures/`` under a key that is a SHA-256 over

* :func:`digest` of the figure's inputs (the objects it is drawn from and
  the parameters of its drawing, as :mod:`cooccur.render` lists them), and
* :func:`drawing_digest`: the cache format, the source of cooccur's drawing
  code (``plot*.py``, ``render.py``, ``analyses.py``, ``labels.py``,
  ``texts.py``), the bundled font file, and the versions of cooccur, Python,
  matplotlib, NumPy, SciPy, networkx and Pillow.

A change to any of them is a miss and the figure is drawn; a hit gives the
bytes drawing would give. Only raw bytes are stored (nothing is pickled), each
file written atomically; a file that cannot be read is a miss. After a write,
:meth:`FigureCache.prune` removes the entries the run did not use, so the
folder holds one run's figures.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from functools import lru_cache
from pathlib import Path

__all__ = ["FigureCache", "digest", "drawing_digest", "Uncacheable", "FIGURE_CACHE_FORMAT"]

#: Bumped whenever the keys or the stored layout change.
FIGURE_CACHE_FORMAT = "cooccur-figure-cache-2"
_SOURCES = ("plot.py", "plot_analyses.py", "plot_groups.py", "render.py", "analyses.py", "labels.py", "texts.py",
            "layout.py")
_LIBRARIES = ("matplotlib", "numpy", "scipy", "networkx", "pillow")


class Uncacheable(TypeError):
    """An input :func:`digest` cannot fingerprint (the figure is then drawn every time)."""


def digest(*objects) -> str:
    """SHA-256 of the content of ``objects``: equal content, equal digest, in any process.

    Handles None, bool, int, float (bit-exact), str, bytes, NumPy arrays and
    scalars, pandas DataFrames and Series (through their Arrow buffers, index
    and ``attrs`` included), networkx graphs (graph, node and edge data in
    their order, which drawing follows), dicts (in order), lists, tuples,
    sets and dataclasses, nested. Anything else raises :class:`Uncacheable`.

    >>> digest({"a": [1, 2.5]}) == digest({"a": [1, 2.5]}), digest(1) == digest(1.0), digest("1") == digest(1)
    (True, False, False)
    """
    h = hashlib.sha256()
    for obj in objects:
        _feed(h, obj)
    return h.hexdigest()


def _feed(h, obj) -> None:
    import numpy as np

    if obj is None or isinstance(obj, (bool, int, str)):
        h.update(f"{type(obj).__name__}:{obj!r}\x00".encode("utf-8", "surrogatepass"))
    elif isinstance(obj, float):
        h.update(b"float:" + (b"nan" if math.isnan(obj) else float(obj).hex().encode()) + b"\x00")
    elif isinstance(obj, bytes):
        h.update(b"bytes:%d:" % len(obj) + obj)
    elif isinstance(obj, np.generic):
        _feed(h, obj.item())
    elif isinstance(obj, np.ndarray):
        if obj.dtype == object:
            h.update(f"objarray:{obj.shape}:".encode())
            for x in obj.ravel().tolist():
                _feed(h, x)
        else:
            h.update(f"array:{obj.dtype.str}:{obj.shape}:".encode())
            h.update(np.ascontiguousarray(obj).tobytes())
    elif isinstance(obj, dict):
        h.update(b"dict:%d:" % len(obj))
        for k, v in obj.items():
            _feed(h, k)
            _feed(h, v)
    elif isinstance(obj, (list, tuple)):
        h.update(f"{type(obj).__name__}:{len(obj)}:".encode())
        for x in obj:
            _feed(h, x)
    elif isinstance(obj, (set, frozenset)):
        h.update(b"set:%d:" % len(obj))
        for d in sorted(digest(x) for x in obj):
            h.update(d.encode())
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        h.update(f"dataclass:{type(obj).__qualname__}:".encode())
        for f in dataclasses.fields(obj):
            _feed(h, f.name)
            _feed(h, getattr(obj, f.name))
    elif _is_frame(obj):
        _feed_frame(h, obj)
    elif _is_graph(obj):
        h.update(f"graph:{type(obj).__name__}:".encode())
        _feed(h, dict(obj.graph))
        _feed(h, [(n, dict(d)) for n, d in obj.nodes(data=True)])
        _feed(h, [(u, v, dict(d)) for u, v, d in obj.edges(data=True)])
    else:
        raise Uncacheable(f"cannot fingerprint a {type(obj).__qualname__}")


def _is_frame(obj) -> bool:
    import sys

    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(obj, (pd.DataFrame, pd.Series))


def _is_graph(obj) -> bool:
    import sys

    nx = sys.modules.get("networkx")
    return nx is not None and isinstance(obj, nx.Graph)


def _feed_frame(h, obj) -> None:
    import pandas as pd
    import pyarrow as pa

    from .io import table_fingerprint

    frame = obj.to_frame() if isinstance(obj, pd.Series) else obj
    h.update(f"frame:{type(obj).__name__}:{list(map(str, frame.columns))!r}:".encode())
    try:
        table = pa.Table.from_pandas(frame, preserve_index=True)
    except (pa.ArrowException, TypeError, ValueError) as exc:  # mixed object columns
        raise Uncacheable(f"cannot fingerprint this table: {exc}") from exc
    h.update(table_fingerprint(table).encode())
    _feed(h, dict(obj.attrs))


@lru_cache(maxsize=1)
def drawing_digest() -> str:
    """SHA-256 of what every figure depends on besides its inputs (see the module docstring)."""
    import sys
    from importlib import metadata

    from . import __version__
    from .plot import japanese_font_path

    h = hashlib.sha256()
    h.update(f"{FIGURE_CACHE_FORMAT}\x00{__version__}\x00{sys.version}\x00".encode())
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        h.update(name.encode() + b"\x00" + (here / name).read_bytes())
    font = Path(japanese_font_path())
    h.update(font.name.encode() + b"\x00" + hashlib.sha256(font.read_bytes()).digest())
    for lib in _LIBRARIES:
        try:
            version = metadata.version(lib)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{lib}={version}\x00".encode())
    return h.hexdigest()


class FigureCache:
    """Figures' bytes in a folder (``OUT/.cache/figures``), by key (see the module docstring).

    >>> import tempfile
    >>> c = FigureCache(tempfile.mkdtemp())
    >>> k = c.key("keywords.png", ("keywords", 20))
    >>> c.load(k) is None
    True
    >>> c.save(k, b"PNG")
    >>> c.load(k), c.hits, c.misses
    (b'PNG', 1, 1)
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.hits = self.misses = 0
        self._used: set[str] = set()

    def key(self, name: str, inputs) -> str | None:
        """The key of figure ``name`` drawn from ``inputs``; None when an input cannot be fingerprinted."""
        return self.keys((name,), inputs)[0]

    def keys(self, names, inputs) -> list[str | None]:
        """The keys of the figures ``names`` drawn together from ``inputs`` (fingerprinted once)."""
        try:
            drawn_from = digest(drawing_digest(), inputs)
        except Uncacheable:
            return [None for _ in names]
        return [digest(drawn_from, name) for name in names]

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.bin"

    def load(self, key: str | None) -> bytes | None:
        """The bytes stored under ``key``, or None (a miss)."""
        got = self.load_all([key])
        return None if got is None else got[0]

    def load_all(self, keys: list) -> list[bytes] | None:
        """The bytes stored under every one of ``keys``, or None when any is missing (one miss).

        ``hits`` counts the entries served, ``misses`` the calls that served none.
        """
        if not keys or None in keys:
            self.misses += 1
            return None
        self._used.update(keys)
        try:
            data = [self._path(k).read_bytes() for k in keys]
        except OSError:
            self.misses += 1
            return None
        self.hits += len(data)
        return data

    def has(self, keys: list) -> bool:
        """True when every one of ``keys`` is stored (nothing is read or counted)."""
        return bool(keys) and None not in keys and all(self._path(k).is_file() for k in keys)

    def save(self, key: str | None, data: bytes) -> None:
        """Store ``data`` under ``key`` (atomically; nothing when ``key`` is None)."""
        if key is None:
            return
        from .io import atomic_write_bytes

        self._used.add(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self._path(key), data)

    def prune(self) -> int:
        """Remove the entries this run neither loaded nor saved; returns how many went."""
        gone = 0
        if not self.folder.is_dir():
            return gone
        for f in self.folder.glob("*.bin"):
            if f.stem not in self._used:
                try:
                    f.unlink()
                    gone += 1
                except OSError:
                    pass
        return gone
