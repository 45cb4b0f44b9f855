"""Benchmark pair counting: cooccur vs a bare sparse product vs itertools.combinations.

Builds a random binary unit × term matrix (default 1M units × 50k terms, about 15
distinct terms per unit, Zipf-like term frequencies; fixed seed) and times, as the
median of ``--repeat`` runs:

* ``cooccur default``: :func:`cooccur.cooccurrence.cooccurrence_from_matrix` with
  default settings (automatic min_frequency → ~75 candidate terms, top-60 Jaccard);
* ``cooccur full vocabulary``: the same with ``min_frequency=1`` (every term is a
  candidate; upper-triangle pairs, Jaccard for every pair, top-60 with ties): the
  fair comparison with the bare product;
* ``bare X.T @ X``: ``scipy.sparse`` product on the full matrix, nothing else;
* ``itertools.combinations``: a Counter over the sorted term pairs of each unit,
  as common Python tools do, run on a subsample (default 50k units) and
  EXTRAPOLATED linearly to the full number of units.

Run: ``python benchmarks/bench_cooccurrence.py [--units N] [--vocab V] [--repeat R]``.
This is a script, not a test; it asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from collections import Counter

import numpy as np
import scipy.sparse as sp

from cooccur.cooccurrence import cooccurrence_from_matrix


def random_matrix(n_units: int, n_vocab: int, per_unit: int, seed: int = 0) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    p = 1.0 / (np.arange(n_vocab) + 2.7)  # Zipf-like (exponent 1, Mandelbrot offset)
    p /= p.sum()
    cols = rng.choice(n_vocab, size=n_units * per_unit, p=p).astype(np.int32)
    rows = np.repeat(np.arange(n_units, dtype=np.int32), per_unit)
    X = sp.csr_matrix((np.ones(len(cols), dtype=np.int32), (rows, cols)), shape=(n_units, n_vocab))
    X.sum_duplicates()
    X.data[:] = 1
    return X


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def combinations_count(X: sp.csr_matrix) -> Counter:
    counts: Counter = Counter()
    indptr, indices = X.indptr, X.indices
    for r in range(X.shape[0]):
        terms = sorted(indices[indptr[r]:indptr[r + 1]].tolist())
        counts.update(itertools.combinations(terms, 2))
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=1_000_000)
    ap.add_argument("--vocab", type=int, default=50_000)
    ap.add_argument("--per-unit", type=int, default=15, help="draws per unit (duplicates merged)")
    ap.add_argument("--subsample", type=int, default=50_000, help="units for itertools.combinations")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    t0 = time.perf_counter()
    X = random_matrix(args.units, args.vocab, args.per_unit)
    vocab = [f"t{k:05d}" for k in range(args.vocab)]
    print(f"matrix: {X.shape[0]:,} units × {X.shape[1]:,} terms, {X.nnz:,} nonzeros "
          f"({X.nnz / X.shape[0]:.1f} terms/unit), built in {time.perf_counter() - t0:.1f} s")

    rows = []
    t_def, res = timed(lambda: cooccurrence_from_matrix(X, vocab), args.repeat)
    rows.append(("cooccur default (auto min_frequency)", t_def,
                 f"min_frequency={res.min_frequency_}, {len(res.terms)} terms, {len(res.edges)} edges"))
    t_full, res = timed(lambda: cooccurrence_from_matrix(X, vocab, min_frequency=1), args.repeat)
    rows.append(("cooccur full vocabulary (min_frequency=1)", t_full,
                 f"{res.parameters['candidate_pairs']:,} pairs, {len(res.edges)} edges"))
    t_bare, C = timed(lambda: X.T @ X, args.repeat)
    rows.append(("bare X.T @ X (full vocabulary)", t_bare, f"{C.nnz:,} nonzeros (symmetric, with diagonal)"))
    del C
    sub = X[: args.subsample]
    t_sub, counts = timed(lambda: combinations_count(sub), 1)
    scale = X.shape[0] / sub.shape[0]
    rows.append((f"itertools.combinations ({sub.shape[0]:,} units, ×{scale:g} extrapolated)", t_sub * scale,
                 f"{t_sub:.2f} s measured on the subsample, {len(counts):,} distinct pairs there"))

    print(f"\n{'method':<58} {'seconds':>9} {'÷ bare':>8}  notes")
    for name, t, note in rows:
        print(f"{name:<58} {t:>9.2f} {t / t_bare:>8.2f}  {note}")


if __name__ == "__main__":
    main()
