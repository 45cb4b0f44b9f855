"""Benchmark: bare SudachiPy vs cooccur's tokenize_utterances (not a test).

Builds about 1M characters of text (the .txt files under data/sample/ repeated,
else generated sentences), then prints chars/s, median of 3 runs, for:

* bare: SudachiPy split mode C, one tokenizer per thread, a plain loop pulling
  each morpheme's surface and POS, fed one line at a time (the same lines and
  thread count as ours); also "bare tokenize only" (no field pulled);
* ours: ``tokenize_utterances`` (all term rules at their defaults) on the same
  lines, one utterance per line.

Goals (DESIGN.md §5): ours >= 0.9 x bare per core, >= 1.6M chars/s on two cores.
Ratios are printed against both bare variants, for 1 thread and for 2 threads
(per core = chars/s divided by the threads).

Run: ``python benchmarks/bench_tokenize.py [--chars 1000000]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_lines(target: int) -> list[str]:
    files = sorted((ROOT / "data" / "sample").rglob("*.txt"))
    base: list[str] = []
    for f in files:
        raw = f.read_bytes()
        for enc in ("utf-8-sig", "utf-16", "cp932", "euc-jp"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeError:
                continue
        else:
            continue
        base += [ln for ln in text.splitlines() if ln.strip()]
    if not base:  # generated fallback
        import random

        rng = random.Random(0)
        words = ["区市町村", "情報共有", "標準化", "ICT人材", "リモートワーク", "窓口", "申請", "職員", "住民"]
        base = [f"{rng.choice(words)}の{rng.choice(words)}について、{rng.choice(words)}を進めたいと思います。"
                for _ in range(2000)]
    base = [unicodedata.normalize("NFKC", ln) for ln in base]
    out, n = [], 0
    while n < target:
        for ln in base:
            out.append(ln)
            n += len(ln)
            if n >= target:
                break
    return out


def _in_threads(work, lines: list[str], threads: int) -> None:
    if threads == 1:
        work(lines)
        return
    size = 2000
    parts = [lines[i:i + size] for i in range(0, len(lines), size)]
    with ThreadPoolExecutor(threads) as ex:
        list(ex.map(work, parts))


def bare_only(lines: list[str], threads: int) -> None:
    from cooccur.tokenize import get_tokenizer

    def work(part):
        tk = get_tokenizer("C")
        return sum(len(tk.tokenize(ln)) for ln in part)

    _in_threads(work, lines, threads)


def bare(lines: list[str], threads: int) -> None:
    from cooccur.tokenize import get_tokenizer

    def work(part):
        tk = get_tokenizer("C")
        out = []
        for ln in part:
            for m in tk.tokenize(ln):
                out.append((m.surface(), m.part_of_speech()))
        return len(out)

    _in_threads(work, lines, threads)


def ours(lines: list[str], threads: int) -> None:
    from cooccur.tokenize import tokenize_utterances

    tokenize_utterances(lines, jobs=threads)


def median_rate(fn, lines, threads, chars, runs=3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(lines, threads)
        times.append(time.perf_counter() - t0)
    return chars / statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chars", type=int, default=1_000_000)
    args = ap.parse_args()
    lines = build_lines(args.chars)
    chars = sum(map(len, lines))
    from cooccur.tokenize import get_tokenizer, tokenize_utterances

    get_tokenizer("C")
    t0 = time.perf_counter()
    tokenize_utterances(lines[:2000], jobs=1)  # first call fills the per-process word cache
    cold = time.perf_counter() - t0
    print(f"{chars:,} characters in {len(lines):,} lines; first (cold-cache) call on "
          f"{sum(map(len, lines[:2000])):,} chars: {cold:.3f} s")
    print(f"{'threads':>7} {'bare-only/s':>12} {'bare/s':>11} {'ours/s':>11} {'ours/core':>10} "
          f"{'ours/bare':>9} {'ours/bare-only':>14}")
    for threads in (1, 2):
        b0 = median_rate(bare_only, lines, threads, chars)
        b = median_rate(bare, lines, threads, chars)
        o = median_rate(ours, lines, threads, chars)
        print(f"{threads:>7} {b0:>12,.0f} {b:>11,.0f} {o:>11,.0f} {o / threads:>10,.0f} "
              f"{o / b:>9.2f} {o / b0:>14.2f}")


if __name__ == "__main__":
    main()
