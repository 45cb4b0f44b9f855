"""What the other analyses (issue 13) add to a run: term clusters, correspondence analysis, coding rules.

Reads a corpus once, then alternates, in this process, full runs (tokenize → network → every
default output written) without and with the new analyses, and prints the medians and their
ratio (ratios measured in the same run, so a busy machine affects both alike)::

    python benchmarks/bench_analyses.py PATH [--group-by COLUMN] [--coding-rules FILE] [--repeat 3]

"without" patches the analyses out (no clusters.csv/dendrogram, no CA, no codes); "with" is what
``cooccur analyze`` does with the same options.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def _cpu() -> float:
    """CPU seconds of this process plus its ended children (the figures are drawn in a forked child)."""
    import resource

    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + c.ru_utime + c.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--group-by", default=None)
    ap.add_argument("--coding-rules", default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import cooccur.analyses as analyses
    from cooccur.folder import OutputFolder
    from cooccur.pipeline import resolve_params, run
    from cooccur.read import read_corpus

    params = resolve_params(group_by=args.group_by, coding_rules=args.coding_rules)
    corpus = read_corpus(args.path)
    chars = corpus.summary()["characters_out"]
    real = analyses.run_analyses
    real_write = analyses.write_analyses
    spent: list[float] = []

    def timed_write(*a, **k):
        t = time.process_time()
        try:
            return real_write(*a, **k)
        finally:
            spent.append(time.process_time() - t)

    analyses.write_analyses = timed_write

    def nothing(*a, **k):
        return {"correspondence": None, "clusters": None, "codes": None}

    times: dict[str, list[float]] = {"without": [], "with": []}
    cpu: dict[str, list[float]] = {"without": [], "with": []}
    stages: list[dict] = []
    for _ in range(args.repeat):
        for variant in ("without", "with"):
            analyses.run_analyses = nothing if variant == "without" else real
            with tempfile.TemporaryDirectory() as tmp:
                c0 = _cpu()
                t0 = time.perf_counter()
                a = run(corpus, params)
                t_run = time.perf_counter() - t0
                t1 = time.perf_counter()
                OutputFolder(Path(tmp) / "out", cache=False).write(a)
                times[variant].append(time.perf_counter() - t0)
                cpu[variant].append(_cpu() - c0)
                if variant == "with":
                    stages.append({k: a.timings.get(k, 0.0) for k in ("clusters", "correspondence", "coding")}
                                  | {"run": t_run, "write": time.perf_counter() - t1,
                                     "write_analyses_cpu": spent[-1]})
    analyses.run_analyses = real
    w, v = statistics.median(times["without"]), statistics.median(times["with"])
    print(f"corpus: {args.path} ({chars:,} characters analysed), group_by={args.group_by}, "
          f"coding_rules={args.coding_rules}, {args.repeat} repeats")
    print("| variant | median wall s | wall runs | median CPU s (this process and its figure child) |")
    print("| --- | --- | --- | --- |")
    for name in ("without", "with"):
        print(f"| {name} new analyses | {statistics.median(times[name]):.2f} | "
              f"{', '.join(f'{t:.2f}' for t in times[name])} | {statistics.median(cpu[name]):.2f} |")
    cw, cv = statistics.median(cpu["without"]), statistics.median(cpu["with"])
    print(f"added: wall {v - w:+.2f} s ({100 * (v - w) / w:+.1f}%), CPU {cv - cw:+.2f} s ({100 * (cv - cw) / cw:+.1f}%)")
    # the new work alone, on the last analysis, single-threaded: CPU of run_analyses + write_analyses
    analyses.write_analyses = real_write
    alone = []
    for _ in range(5):
        with tempfile.TemporaryDirectory() as tmp:
            c0 = _cpu()
            extra = real(corpus, a.tokens, a.cooccurrence, params, [], {})
            for k, val in extra.items():
                setattr(a, k, val)
            real_write(a, Path(tmp), set(params["formats"]), analyses.render_analysis_figures(a))
            alone.append(_cpu() - c0)
    alone_med = statistics.median(alone)
    print(f"new work alone (run_analyses + write_analyses, 5 repeats): CPU {alone_med:.2f} s = "
          f"{100 * alone_med / cw:.1f}% of the run's CPU without it ({', '.join(f'{t:.2f}' for t in alone)})")
    med = {k: statistics.median(s[k] for s in stages) for k in stages[0]}
    print("stage medians (with): " + ", ".join(f"{k} {val:.3f} s" for k, val in med.items()))


if __name__ == "__main__":
    main()
