"""End-to-end benchmark of ``cooccur analyze`` against a bare SudachiPy pass (a script that prints a table; not a test).

Builds corpora of about 1M and 10M characters by copying real minutes
(``../shared/corpora/real_minutes``, copied file by file into
benchmarks/_work/, which is git-ignored; ``--corpus sample`` uses the
transcripts of data/sample instead), then, for each repeat and in this order,
runs in fresh processes:

* ``bare``: a single-thread SudachiPy pass over the same files (import,
  dictionary load, reading, every line tokenized in split mode C), the
  yardstick;
* ``first``: the whole ``cooccur analyze IN -o OUT`` on an empty folder
  (process start to every default output written);
* ``re-run``: the same folder again with new network parameters
  (``--top-n 80 --measure dice``; the caches of OUT/.cache in use);
* with ``--baseline DIR``, the same two runs of the cooccur checked out in DIR
  (for before/after figures measured alternately, in the same conditions).

Each line gives the median wall time and its spread (min–max) over the
repeats, the median CPU seconds (user + system, the process and its workers)
and the peak RSS (of the largest process), and the ratios measured within the
same repeat: first ÷ bare and re-run ÷ first.

Usage::

    python benchmarks/bench_pipeline.py [--sizes 1,10] [--repeat 3] [--corpus real|sample] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
REAL = ROOT.parent / "shared" / "corpora" / "real_minutes"
WORK = ROOT / "benchmarks" / "_work"

BARE = r"""
import sys
from pathlib import Path
from sudachipy import Dictionary
tk = Dictionary().tokenizer("C")
n = 0
for f in sorted(Path(sys.argv[1]).rglob("*")):
    if f.suffix not in {".txt", ".vtt", ".srt"}:
        continue
    for line in f.read_text(encoding="utf-8").splitlines():
        while line:  # SudachiPy takes at most 49,149 bytes a call
            piece, line = line[:12000], line[12000:]
            n += len(tk.tokenize(piece))
print(n)
"""


def _sources(corpus: str) -> list[tuple[str, str]]:
    if corpus == "real":
        if not REAL.is_dir():
            sys.exit(f"{REAL} not found; use --corpus sample")
        files = sorted(REAL.glob("*.txt"))
    else:
        files = sorted(p for p in SAMPLE.rglob("*") if p.suffix in {".txt", ".vtt", ".srt"})
    texts = []
    for p in files:
        raw = p.read_bytes()
        for enc in ("utf-8-sig", "cp932"):
            try:
                texts.append((p.name, raw.decode(enc)))
                break
            except UnicodeDecodeError:
                continue
    return texts


def build_corpus(corpus: str, target_chars: int, dest: Path) -> int:
    """Copy the corpus's transcripts (UTF-8) until ``target_chars`` characters; return the count."""
    marker = dest / ".chars"
    if marker.exists() and int(marker.read_text()) >= target_chars:
        return int(marker.read_text())
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    texts = _sources(corpus)
    total, copy = 0, 0
    while total < target_chars:
        sub = dest / f"copy{copy:04d}"
        sub.mkdir()
        for name, text in texts:
            (sub / name).write_text(text, encoding="utf-8")
            total += len(text)
            if total >= target_chars:
                break
        copy += 1
    marker.write_text(str(total))
    return total


def run(cmd: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system, with its workers) and peak RSS (MB) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 3):
        sys.exit(f"command failed ({code}): {' '.join(cmd)}\n{err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _fmt(values: list[float], digits: int = 2) -> str:
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:.{digits}f}"
    return f"{med:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,10", help="corpus sizes in millions of characters")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", choices=("real", "sample"), default="real" if REAL.is_dir() else "sample")
    ap.add_argument("--baseline", type=Path, help="another cooccur checkout to time alternately (before/after)")
    args = ap.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}; load average {os.getloadavg()[0]:.2f} at start")
    versions = [("now", ROOT)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    py = sys.executable
    rows = []
    for size in [float(s) for s in args.sizes.split(",")]:
        src = WORK / f"{args.corpus}_{size:g}M"
        chars = build_corpus(args.corpus, int(size * 1_000_000), src)
        res: dict[str, list] = {}
        for _ in range(args.repeat):
            bare = run([py, "-c", BARE, str(src)], ROOT)
            res.setdefault("bare", []).append(bare)
            for name, where in versions:
                out = WORK / f"out_{name}_{args.corpus}_{size:g}M"
                if out.exists():
                    shutil.rmtree(out)
                cmd = [py, "-m", "cooccur.cli", "analyze", str(src), "-o", str(out), "-q"]
                first = run(cmd, where)
                rerun = run(cmd + ["--top-n", "80", "--measure", "dice"], where)
                res.setdefault(f"{name} first", []).append(first)
                res.setdefault(f"{name} rerun", []).append(rerun)
                res.setdefault(f"{name} first/bare", []).append(first[0] / bare[0])
                res.setdefault(f"{name} rerun/first", []).append(rerun[0] / first[0])
        label = f"{chars / 1e6:.2f}M chars"
        rows.append((label, "bare SudachiPy, 1 thread", res["bare"], None))
        for name, _ in versions:
            rows.append((label, f"{name}: analyze, first run", res[f"{name} first"],
                         ("÷ bare", res[f"{name} first/bare"])))
            rows.append((label, f"{name}: re-run, new network params", res[f"{name} rerun"],
                         ("÷ first", res[f"{name} rerun/first"])))

    print(f"\nmedian (min–max) of {args.repeat} repeats, each repeat's runs back to back\n")
    print(f"{'input':>13}  {'what':38} {'wall s':>19} {'cpu s':>7} {'peak MB':>8}  ratio (same repeat)")
    for label, what, runs, ratio in rows:
        walls = [r[0] for r in runs]
        cpu = statistics.median(r[1] for r in runs)
        peak = statistics.median(r[2] for r in runs)
        ratio_s = f"{ratio[0]} {_fmt(ratio[1])}" if ratio else ""
        print(f"{label:>13}  {what:38} {_fmt(walls):>19} {cpu:7.2f} {peak:8.0f}  {ratio_s}")


if __name__ == "__main__":
    main()
