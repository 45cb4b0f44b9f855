"""SHA-256 of every file ``cooccur analyze`` writes, to check that a change alters no output.

Runs ``cooccur analyze`` in a fresh process (``python -m cooccur.cli``, the code
of the checkout this script sits in) on data/sample and, when it is present, on
../shared/corpora/real_minutes, with a few parameter sets, and prints one line
per output file: ``run/file  sha256``. Values that vary by design are removed
before hashing: ``created_at`` and ``elapsed_seconds`` of ``manifest.json``
(the manifest is re-serialised the way cooccur writes it). No other output holds
a time; a run is checked for that by comparing two runs (``--twice``).

Usage::

    python benchmarks/hash_outputs.py                          # print the hashes
    python benchmarks/hash_outputs.py --save before.json       # ... and keep them
    python benchmarks/hash_outputs.py --compare before.json    # exit 1 if any file differs
    python benchmarks/hash_outputs.py --runs sample-default    # only some runs (see --list)
    python /work/wt/arch/benchmarks/hash_outputs.py --root .   # the checkout in the current folder

``--root`` names the checkout whose code and data/sample are run (default: the
one holding this script), so the script can be used from another worktree
before it is merged there; its Python must import that checkout's cooccur.

``--compare`` prints every file that differs, is new or is missing, then a
one-line verdict. Work folders go to benchmarks/_work/hash/ (git-ignored) and
are replaced on each run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
REAL = ROOT.parent / "shared" / "corpora" / "real_minutes"
WORK = ROOT / "benchmarks" / "_work" / "hash"
COOCCUR = [sys.executable, "-m", "cooccur.cli"]

#: name → (input folder, extra CLI arguments)
RUNS: dict[str, tuple[Path, list[str]]] = {
    "sample-default": (SAMPLE, []),
    "sample-group-by": (SAMPLE, ["--group-by", "区分", "--pptx"]),
    "sample-sentence-dice": (SAMPLE, ["--unit", "sentence", "--measure", "dice"]),
    "real-default": (REAL, []),
    "real-sentence-dice": (REAL, ["--unit", "sentence", "--measure", "dice"]),
}

#: manifest.json keys that hold times (removed before hashing).
TIME_KEYS = ("created_at", "elapsed_seconds")


def file_hash(path: Path) -> str:
    """sha256 of a file, with the manifest's time keys removed first."""
    data = path.read_bytes()
    if path.name == "manifest.json":
        manifest = json.loads(data.decode("utf-8"))
        for key in TIME_KEYS:
            manifest.pop(key, None)
        data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def set_root(root: Path) -> None:
    """Run the code, sample and work folder of the checkout at ``root``."""
    global ROOT, SAMPLE, REAL, WORK
    ROOT = root.resolve()
    SAMPLE, REAL = ROOT / "data" / "sample", ROOT.parent / "shared" / "corpora" / "real_minutes"
    WORK = ROOT / "benchmarks" / "_work" / "hash"
    for name, (source, args) in list(RUNS.items()):
        RUNS[name] = (SAMPLE if source.name == "sample" else REAL, args)


def run_one(name: str, source: Path, args: list[str]) -> tuple[dict[str, str], float]:
    """Run ``cooccur analyze`` into a fresh folder; return {"name/file": sha256} and the wall time."""
    out = WORK / name
    if out.exists():
        shutil.rmtree(out)
    cmd = COOCCUR + ["analyze", str(source), "-o", str(out), "--quiet", "--no-cache", *args]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONHASHSEED": "0"})
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 3):
        sys.exit(f"{name}: cooccur analyze exited {proc.returncode}:\n{proc.stderr}")
    hashes = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out)
        if rel.parts[0] == ".cache":
            continue
        hashes[f"{name}/{rel.as_posix()}"] = file_hash(path)
    return hashes, wall


def compare(current: dict[str, str], saved: dict[str, str], runs: list[str]) -> int:
    """Print the differences for the runs made; return the number of differing files."""
    in_scope = {k: v for k, v in saved.items() if k.split("/", 1)[0] in runs}
    bad = 0
    for key in sorted(set(current) | set(in_scope)):
        a, b = in_scope.get(key), current.get(key)
        if a == b:
            continue
        bad += 1
        if a is None:
            print(f"NEW      {key}")
        elif b is None:
            print(f"MISSING  {key}")
        else:
            print(f"DIFFERS  {key}")
    same = len(current) - sum(1 for k in current if in_scope.get(k) != current[k])
    print(f"{same} identical, {bad} differing/new/missing, over {len(runs)} runs")
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--save", type=Path, help="write the hashes to this JSON file")
    ap.add_argument("--compare", type=Path, help="compare with hashes saved earlier; exit 1 if any differ")
    ap.add_argument("--runs", nargs="+", choices=sorted(RUNS), help="only these runs (default: all available)")
    ap.add_argument("--root", type=Path, help="checkout to run (default: the one holding this script)")
    ap.add_argument("--list", action="store_true", help="list the runs and their arguments, then stop")
    ap.add_argument("--twice", action="store_true", help="run each twice and report files that differ between runs")
    a = ap.parse_args(argv)

    if a.root is not None:
        set_root(a.root)
    if a.list:
        for name, (source, args) in RUNS.items():
            print(f"{name:22} {source}  {' '.join(args)}")
        return 0
    runs = [r for r in (a.runs or RUNS) if RUNS[r][0].is_dir()]
    skipped = [r for r in (a.runs or RUNS) if r not in runs]
    if skipped:
        print(f"skipped (input absent): {', '.join(skipped)}", file=sys.stderr)

    hashes: dict[str, str] = {}
    unstable = 0
    for name in runs:
        h, wall = run_one(name, *RUNS[name])
        print(f"# {name}: {len(h)} files, {wall:.1f} s", file=sys.stderr)
        if a.twice:
            h2, _ = run_one(name, *RUNS[name])
            for key in sorted(set(h) | set(h2)):
                if h.get(key) != h2.get(key):
                    unstable += 1
                    print(f"UNSTABLE {key}")
        hashes.update(h)

    if not a.compare:
        for key, value in hashes.items():
            print(f"{key}  {value}")
    if a.save:
        a.save.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"saved {len(hashes)} hashes to {a.save}", file=sys.stderr)
    status = 1 if unstable else 0
    if a.compare:
        saved = json.loads(a.compare.read_text(encoding="utf-8"))
        if compare(hashes, saved, runs):
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
