"""Where the heavy stages run: here (``local``) or on a Dask cluster (``dask``).

With ``engine="dask"`` the per-file reading and the SudachiPy tokenizing run as
tasks on the cluster's workers, and the pair counts ``Xᵀ X`` are computed per
partition of the units on the workers and summed. What needs the whole corpus
stays on the client: the term rules (compound frequencies, display forms) and
selecting the edges. Every result is identical to the local engine's.

Workers must see the input files at the same paths (a shared drive or the same
machine) and have cooccur installed. Dask is an optional extra:
``pip install 'cooccur[dask]'``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .config import param_choices

__all__ = ["Engine", "get_engine", "ENGINES"]

ENGINES = param_choices("engine")


@dataclass
class Engine:
    """Hooks handed to the stages; all ``None`` for the local engine."""

    name: str = "local"
    map_files: Callable | None = None
    map_chunks: Callable | None = None
    pair_counts: Callable | None = None
    client: Any = None

    def close(self) -> None:
        if self.client is not None and getattr(self, "_owns_client", False):
            self.client.close()


def get_engine(engine: str = "local", scheduler: str | None = None, *, partitions: int | None = None) -> Engine:
    """Build the engine named ``engine``.

    Parameters
    ----------
    engine : {"local", "dask"}
    scheduler : str, optional
        With ``"dask"``: the scheduler address (``tcp://host:8786``). An existing
        ``distributed.Client`` may be passed instead.
    partitions : int, optional
        Unit partitions for the pair counts (default: twice the workers).
    """
    from .errors import choices_message

    if engine not in ENGINES:
        raise ValueError(choices_message("engine", engine, ENGINES))
    if engine == "local":
        return Engine()
    if scheduler is None:
        raise ValueError("engine 'dask' needs the scheduler's address: pass --scheduler tcp://HOST:8786 "
                         "(scheduler= in the library)")
    try:
        from distributed import Client
    except ImportError:
        raise ValueError("engine 'dask' needs the optional Dask packages: pip install 'cooccur[dask]'") from None
    owns = not isinstance(scheduler, Client)
    client = Client(scheduler, set_as_default=False) if owns else scheduler
    eng = Engine(name="dask", client=client, map_files=_mapper(client), map_chunks=_mapper(client),
                 pair_counts=_pair_counter(client, partitions))
    eng._owns_client = owns  # type: ignore[attr-defined]
    return eng


def _mapper(client) -> Callable:
    """``map(func, *iterables, **kwargs)`` on the cluster, results gathered in order."""

    def run(func, *iterables, **kwargs):
        iterables = [list(it) for it in iterables]
        if not iterables or not iterables[0]:
            return []
        futures = client.map(func, *iterables, pure=False, **kwargs)
        return client.gather(futures)

    return run


def _gram(block):
    """``blockᵀ block`` of one partition of the units (runs on a worker)."""
    return (block.T @ block).tocsr()


def _pair_counter(client, partitions: int | None) -> Callable:
    def pair_counts(Xc):
        import numpy as np
        import scipy.sparse as sp

        n = Xc.shape[0]
        k = partitions or max(1, 2 * len(client.scheduler_info().get("workers", {})))
        bounds = np.linspace(0, n, num=min(k, max(n, 1)) + 1, dtype=np.int64)
        blocks = [sp.csr_matrix(Xc[a:b]) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
        if not blocks:
            return (Xc.T @ Xc).tocsr()
        futures = client.map(_gram, client.scatter(blocks), pure=False)
        total = None
        for part in client.gather(futures):
            total = part if total is None else total + part
        return total.tocsr()

    return pair_counts
