"""``cooccur kwic`` on an analysed output folder (a script that prints a table; not a test).

Builds a corpus of about 1M characters (copies of the sample's transcripts, as
bench_pipeline.py does), analyses it once into an output folder, then times
KWIC answered from that folder (no transcript read, no SudachiPy):

* in-process: :func:`cooccur.kwic_search.folder_concordance` (reading the
  tables and searching), median of ``--repeat`` calls, each a fresh read;
* the whole ``cooccur kwic OUT TERM`` in a fresh process (start-up included);
* for comparison, ``cooccur kwic INPUT TERM`` on the transcripts (read + tokenize).

With ``--real`` the real minutes of ../shared/corpora/real_minutes are used
as they are (1.8M characters) instead of the copies.

Usage::

    python benchmarks/bench_kwic.py [--chars 1000000] [--repeat 5] [--terms 情報共有,職員,の] [--real]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pipeline import COOCCUR, WORK, build_corpus  # noqa: E402

REAL = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "real_minutes"


def _wall(args) -> tuple[float, float]:
    """(wall seconds, CPU seconds user+system) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chars", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--terms", default="情報共有,職員,の")
    ap.add_argument("--real", action="store_true", help="use ../shared/corpora/real_minutes")
    args = ap.parse_args()

    if args.real:
        src, label = REAL, "real minutes"
    else:
        src = WORK / f"kwic_{args.chars}"
        label = f"{build_corpus(args.chars, src):,} chars of sample copies"
    out = WORK / f"kwic_out_{'real' if args.real else args.chars}"
    if not (out / "manifest.json").is_file():
        subprocess.run([*COOCCUR, "analyze", str(src), "-o", str(out), "--formats", "graphml", "-q", "--force"],
                       check=True)

    from cooccur.kwic_search import folder_concordance, read_folder_tables

    _, utterances = read_folder_tables(out)
    chars = int(utterances.loc[utterances["exclusion"].isna(), "text"].str.len().sum())
    print(f"corpus: {label}; analysed text {chars:,} characters; folder {out}")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times grow with it)")
    print("| term | lines | from folder, in-process: wall s / CPU s (median) | `cooccur kwic OUT`: wall s / CPU s | "
          "`cooccur kwic INPUT`: wall s / CPU s |")
    print("| --- | --- | --- | --- | --- |")
    for term in args.terms.split(","):
        times, cpu, n = [], [], 0
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            n = len(folder_concordance(out, term))
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        runs = [_wall([*COOCCUR, "kwic", str(out), term]) for _ in range(args.repeat)]
        fw, fc = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        iw, ic = _wall([*COOCCUR, "kwic", str(src), term])
        print(f"| {term} | {n:,} | {statistics.median(times):.3f} / {statistics.median(cpu):.3f} | "
              f"{fw:.2f} / {fc:.2f} | {iw:.2f} / {ic:.2f} |")


if __name__ == "__main__":
    main()
