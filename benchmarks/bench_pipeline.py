"""End-to-end benchmark of ``cooccur analyze`` (a script that prints a table; not a test).

Builds corpora of about 1M and 10M characters by repeating the transcripts of
data/sample (each copy is a separate file, so folder walking, decoding and
parsing are exercised as on a real shared drive), then times, in fresh
processes:

* ``cooccur --help``;
* the whole ``cooccur analyze`` (process start to figures written), with peak RSS;
* a re-run with other network parameters (token cache hit);

Usage::

    python benchmarks/bench_pipeline.py [--sizes 1,10] [--repeat 3] [--jobs 2]

Figures are medians of ``--repeat`` runs. Work files go to benchmarks/_work/
(git-ignored).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
WORK = ROOT / "benchmarks" / "_work"
COOCCUR = [sys.executable, "-m", "cooccur.cli"]


def build_corpus(target_chars: int, dest: Path) -> int:
    """Copy the sample's plain-text transcripts until ``target_chars`` characters; return the count."""
    sources = sorted(p for p in SAMPLE.rglob("*") if p.suffix in {".txt", ".vtt", ".srt", ".csv"}
                     and p.name not in {"metadata.csv", "speakers.csv"})
    texts = []
    for p in sources:
        raw = p.read_bytes()
        for enc in ("utf-8-sig", "cp932"):
            try:
                texts.append((p, raw.decode(enc)))
                break
            except UnicodeDecodeError:
                continue
    if dest.exists():
        marker = dest / ".chars"
        if marker.exists() and int(marker.read_text()) >= target_chars:
            return int(marker.read_text())
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    total, copy = 0, 0
    while total < target_chars:
        sub = dest / f"copy{copy:04d}"
        sub.mkdir()
        for p, text in texts:
            (sub / p.name).write_text(text, encoding="utf-8")
            total += len(text)
            if total >= target_chars:
                break
        copy += 1
    (dest / ".chars").write_text(str(total))
    return total


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 3):
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def peak_rss_of(cmd: list[str]) -> float:
    """Peak RSS (MB) of a single child, measured in a throwaway wrapper process."""
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,10", help="corpus sizes in millions of characters")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    args = ap.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    rows = []
    helps = [run([*COOCCUR, "--help"])[0] for _ in range(args.repeat)]
    rows.append(("cooccur --help", "-", statistics.median(helps), None, "≤ 0.3 s"))

    for size in [float(s) for s in args.sizes.split(",")]:
        chars = build_corpus(int(size * 1_000_000), WORK / f"corpus_{size:g}M")
        label = f"{chars / 1e6:.2f}M chars"
        firsts, reruns, peaks = [], [], []
        for i in range(args.repeat):
            out = WORK / f"out_{size:g}M"
            if out.exists():
                shutil.rmtree(out)
            cmd = [*COOCCUR, "analyze", str(WORK / f"corpus_{size:g}M"), "-o", str(out), "-q",
                   "--jobs", str(args.jobs)]
            firsts.append(run(cmd)[0])
            peaks.append(peak_rss_of(cmd + ["--force"]))
            reruns.append(run(cmd + ["--top-n", "80", "--measure", "dice", "--formats", "png"])[0])
        target = "≤ 2 s" if size <= 1 else "≤ 8 s, < 700 MB"
        rows.append((f"analyze (first run, no cache)", label, statistics.median(firsts), statistics.median(peaks),
                     target))
        rows.append((f"analyze re-run, new network params", label, statistics.median(reruns), None,
                     f"≤ {0.3 * size:g} s + start-up"))

    print()
    print(f"{'what':40} {'input':>14} {'seconds':>9} {'peak MB':>9}  target")
    for what, label, secs, peak, target in rows:
        peak_s = f"{peak:9.0f}" if peak is not None else f"{'':>9}"
        print(f"{what:40} {label:>14} {secs:9.2f} {peak_s}  {target}")


if __name__ == "__main__":
    main()
