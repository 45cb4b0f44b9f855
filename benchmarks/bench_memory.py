"""Peak memory of ``cooccur analyze`` on a large folder (a script that prints figures; not a test).

Builds a folder of about ``--mb`` megabytes of transcripts under
benchmarks/_work/ by copying the plain-text transcripts of data/sample (minutes,
colon, interviews, VTT, SRT, CSV) into many files, each copy perturbed (its
copy number written into the remarks, speakers renamed, newline style and
encoding varied) so that no two files are identical. Then runs, in a child
process::

    python -m cooccur.cli analyze CORPUS -o OUT -q --tokens-in-memory MODE --formats graphml

(``--all-formats`` drops ``--formats graphml``) and prints its wall time and peak RSS (``getrusage(RUSAGE_CHILDREN).ru_maxrss``).
Goal: < 2 GB at 200 MB.

``--stages`` also runs the stages one by one in a child process and prints
the peak and current RSS after each (read, tokenize, co-occurrence, network,
keywords, layout, write), the current RSS split into anonymous memory and
file-backed pages (mostly the memory-mapped SudachiPy dictionary, ~200 MB when
fully touched), and the size of the main tables, to show where the memory goes.

Usage::

    python benchmarks/bench_memory.py --mb 20 [--stages] [--jobs 2]
    python benchmarks/bench_memory.py --mb 200        # the real target; slow, run it rarely

The corpus is kept between runs (rebuilt when ``--mb`` grows).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
WORK = ROOT / "benchmarks" / "_work"
SUFFIXES = {".txt", ".vtt", ".srt", ".csv"}
SIDECARS = {"metadata.csv", "speakers.csv"}
FILES_PER_FOLDER = 200


def _sources() -> list[tuple[Path, str]]:
    out = []
    for p in sorted(SAMPLE.rglob("*")):
        if p.suffix not in SUFFIXES or p.name in SIDECARS:
            continue
        raw = p.read_bytes()
        for enc in ("utf-8-sig", "cp932"):
            try:
                out.append((p, raw.decode(enc)))
                break
            except UnicodeDecodeError:
                continue
    return out


def _perturb(text: str, suffix: str, copy: int) -> str:
    """A different but equally realistic transcript: copy number in the remarks, renamed speakers."""
    tag = f"第{copy}版"
    text = text.replace("。", f"。{tag}", 3)  # a few remarks carry the copy number
    for a, b in (("委員", "議員"), ("課長", "部長"), ("山田", "山本"))[: copy % 4]:
        text = text.replace(a, b)
    if suffix == ".txt" and copy % 3 == 1:
        text = text.replace("\n", "\r\n")
    return text


def build_corpus(target_bytes: int, dest: Path) -> tuple[int, int, int]:
    """Write transcripts until ``target_bytes``; return (files, bytes, characters)."""
    marker = dest / ".size"
    if marker.exists():
        files, size, chars = map(int, marker.read_text().split())
        if size >= target_bytes:
            return files, size, chars
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    sources = _sources()
    files = size = chars = 0
    copy = 0
    while size < target_bytes:
        for p, text in sources:
            folder = dest / f"part{files // FILES_PER_FOLDER:04d}"
            folder.mkdir(exist_ok=True)
            body = _perturb(text, p.suffix, copy)
            encoding = "cp932" if p.suffix == ".txt" and copy % 5 == 2 else "utf-8"
            try:
                data = body.encode(encoding)
            except UnicodeEncodeError:
                data = body.encode("utf-8")
            (folder / f"{copy:05d}_{p.name}").write_bytes(data)
            files += 1
            size += len(data)
            chars += len(body)
            if size >= target_bytes:
                break
        copy += 1
    marker.write_text(f"{files} {size} {chars}")
    return files, size, chars


def run_cli(corpus: Path, out: Path, jobs: int | None, mode: str = "auto",
            all_formats: bool = False) -> tuple[int, float, float, str]:
    """(exit code, wall seconds, peak RSS MB, stderr tail) of one ``cooccur analyze`` child."""
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "cooccur.cli", "analyze", str(corpus), "-o", str(out), "-q",
           "--tokens-in-memory", mode]
    if not all_formats:
        cmd += ["--formats", "graphml"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak <= before:
        print("note: an earlier child had a higher peak; the figure below is that earlier peak")
    return proc.returncode, wall, peak / 1024, proc.stderr[-2000:]


_STAGES = r'''
import resource, sys, time
from pathlib import Path

def rss():
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 2**20

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def split():
    # anonymous memory vs file-backed pages (mostly the memory-mapped SudachiPy dictionary)
    kb = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("RssAnon:", "RssFile:")):
                kb[line.split(":")[0]] = int(line.split()[1])
    return f"(anon {kb.get('RssAnon', 0) / 1024:5.0f}, file {kb.get('RssFile', 0) / 1024:4.0f})"

def frame_mb(df):
    return df.memory_usage(deep=True).sum() / 2**20

t = time.perf_counter()
def report(stage, extra=""):
    global t
    now = time.perf_counter()
    print(f"{stage:14} {now - t:7.1f} s  current {rss():7.0f} MB {split()}  peak {peak():7.0f} MB  {extra}",
          flush=True)
    t = now

corpus_dir, out, jobs, mode = sys.argv[1], sys.argv[2], (int(sys.argv[3]) or None), sys.argv[4]
import cooccur
from cooccur.pipeline import resolve_params, pick_params, tokenize_corpus
report("import")
params = resolve_params(formats=("graphml",), jobs=jobs, tokens_in_memory=mode)
from cooccur.read import read_corpus
corpus = read_corpus(corpus_dir, **pick_params(params, "read"))
report("read", f"utterances {frame_mb(corpus.utterances):.0f} MB ({len(corpus.utterances):,} rows)")
from cooccur.folder import OutputFolder
folder = OutputFolder(out, force=True, cache=False)
got = tokenize_corpus(corpus, params, folder=folder, keep_tokens=True)
tokens = got.tokens
if got.counts is None:
    report("tokenize", f"tokens {frame_mb(tokens):.0f} MB ({len(tokens):,} rows, all in memory)")
else:
    report("tokenize", f"lean tokens {frame_mb(tokens):.0f} MB ({len(tokens):,} of {got.counts['tokens']:,} rows)")
from cooccur.cooccurrence import count_cooccurrence
cooc = count_cooccurrence(tokens, **pick_params(params, "cooccurrence"))
report("cooccurrence")
from cooccur.network import build_network
graph = build_network(cooc, communities=params["communities"], seed=params["seed"])
report("network")
from cooccur.keywords import rank_keywords
keywords = rank_keywords(tokens, score=params["keyword_score"], unit=params["unit"], graph=graph, flr_counts=got.flr)
report("keywords")
from cooccur.layout import network_layout
positions = network_layout(graph, seed=params["seed"])
report("layout")
from cooccur.pipeline import Analysis
applied = dict(params); applied["min_frequency"] = int(cooc.min_frequency_)
a = Analysis(corpus=corpus, tokens=tokens, cooccurrence=cooc, graph=graph, keywords=keywords,
             positions=positions, parameters=applied, tokens_file=got.file, token_counts=got.counts)
folder.write(a)
report("write")
'''


def run_stages(corpus: Path, out: Path, jobs: int | None, mode: str = "auto") -> None:
    if out.exists():
        shutil.rmtree(out)
    subprocess.run([sys.executable, "-c", _STAGES, str(corpus), str(out), str(jobs or 0), mode], check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=200, help="corpus size in megabytes (default 200)")
    ap.add_argument("--jobs", type=int, default=None, help="tokenizer threads (default: all cores)")
    ap.add_argument("--stages", action="store_true", help="also profile memory stage by stage")
    ap.add_argument("--tokens-in-memory", default="auto", choices=("auto", "all", "lean"),
                    help="cooccur's tokens_in_memory (default auto: lean above 5M characters)")
    ap.add_argument("--all-formats", action="store_true",
                    help="write every default output (figures, HTML, report), not just GraphML")
    args = ap.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    corpus = WORK / f"memory_{args.mb:g}MB"
    t0 = time.perf_counter()
    files, size, chars = build_corpus(int(args.mb * 2**20), corpus)
    print(f"corpus: {corpus} — {files:,} files, {size / 2**20:.1f} MB, {chars / 1e6:.1f}M characters "
          f"(built/checked in {time.perf_counter() - t0:.1f} s)")
    code, wall, peak, err = run_cli(corpus, WORK / f"out_memory_{args.mb:g}MB", args.jobs, args.tokens_in_memory,
                                    args.all_formats)
    verdict = "OK" if peak < 2048 else "OVER"
    what = "all default outputs" if args.all_formats else "--formats graphml"
    print(f"cooccur analyze ({what}, --tokens-in-memory {args.tokens_in_memory}): exit {code}, wall {wall:.1f} s, "
          f"peak RSS {peak:.0f} MB  (goal < 2048 MB: {verdict})")
    if code not in (0, 3):
        print(err)
    if args.stages:
        print("\nstage by stage (one child process):")
        run_stages(corpus, WORK / f"out_memory_{args.mb:g}MB_stages", args.jobs, args.tokens_in_memory)


if __name__ == "__main__":
    main()
