"""The Dask engine gives the same results as the local engine (on a LocalCluster)."""

from __future__ import annotations

import pandas as pd
import pytest

import cooccur
from cooccur.engine import get_engine

distributed = pytest.importorskip("distributed", reason="Dask is the optional 'dask' extra")


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        yield c


def test_dask_engine_matches_local_engine(cluster, sample_dir, tmp_path):
    local = cooccur.analyze(sample_dir, cache=False)
    remote = cooccur.analyze(sample_dir, engine="dask", scheduler=cluster.scheduler_address, cache=False)
    pd.testing.assert_frame_equal(local.corpus.utterances, remote.corpus.utterances)
    pd.testing.assert_frame_equal(local.tokens, remote.tokens)
    pd.testing.assert_frame_equal(local.edges, remote.edges)
    pd.testing.assert_frame_equal(local.nodes, remote.nodes)
    assert len(remote.edges) >= 60


def test_dask_pair_counts_are_summed_over_partitions(cluster):
    import numpy as np
    import scipy.sparse as sp

    rng = np.random.default_rng(3)
    X = sp.csr_matrix((rng.random((500, 40)) < 0.1).astype(np.int32))
    eng = get_engine("dask", cluster.scheduler_address, partitions=7)
    try:
        C = eng.pair_counts(X)
    finally:
        eng.close()
    assert (C != (X.T @ X)).nnz == 0


def test_dask_engine_needs_a_scheduler():
    with pytest.raises(ValueError, match="--scheduler"):
        get_engine("dask")
    with pytest.raises(ValueError, match="did you mean 'dask'"):
        get_engine("dusk")


def test_dask_engine_streams_the_same_lean_tokens(cluster, sample_dir, tmp_path):
    local = cooccur.analyze(sample_dir, output=tmp_path / "local", tokens_in_memory="lean", formats=("graphml",),
                            cache=False)
    remote = cooccur.analyze(sample_dir, output=tmp_path / "remote", tokens_in_memory="lean", formats=("graphml",),
                             engine="dask", scheduler=cluster.scheduler_address, cache=False)
    pd.testing.assert_frame_equal(local.tokens, remote.tokens)
    assert (tmp_path / "local" / "tokens.parquet").read_bytes() == (tmp_path / "remote" / "tokens.parquet").read_bytes()
    pd.testing.assert_frame_equal(local.edges, remote.edges)
