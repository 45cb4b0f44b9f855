"""nlplot at its defaults against the whole ``cooccur analyze``, on the same text (a script that prints a table).

nlplot (https://github.com/takapy0210/nlplot) is the Python tool most often
used for Japanese co-occurrence networks. It takes a DataFrame of
space-separated words, so its pipeline here is what its README shows, on the
same files ``cooccur analyze`` reads:

1. tokenize every non-empty line (one row per line, as a user would load a
   transcript) with SudachiPy, split mode C, keeping nouns (dictionary form),
   the usual preparation for nlplot;
2. ``NLPlot(df, target_col=...)``, ``build_graph()`` at its defaults
   (``min_edge_frequency=10``, no stopwords), ``co_network(title, save=True)``
   (its plotly HTML).

cooccur's side is the CLI in a fresh process (``python -m cooccur.cli analyze
IN -o OUT -q``, every default output written). Both run in the same repeat,
back to back; the table gives each stage's seconds and the ratio.

nlplot is not a dependency of cooccur: run this script with a Python that has
nlplot, sudachipy and sudachidict-core installed, and give the Python that runs
cooccur with ``--cooccur-python`` (default: this one)::

    python3 -m venv /tmp/nlplot && /tmp/nlplot/bin/pip install nlplot sudachipy sudachidict-core
    /tmp/nlplot/bin/python benchmarks/bench_nlplot.py --size 1 --cooccur-python .venv/bin/python

The corpus is the one benchmarks/bench_pipeline.py builds (real minutes from
../shared/corpora/real_minutes repeated to size, or ``--corpus sample``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pipeline import REAL, WORK, build_corpus  # noqa: E402


def nlplot_run(src: Path, out: Path) -> dict[str, float]:
    """Seconds of each stage of the nlplot pipeline on the text files under ``src``."""
    t = {}
    t0 = time.perf_counter()
    import nlplot
    import pandas as pd
    from sudachipy import Dictionary

    tk = Dictionary().tokenizer("C")
    t["import"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    rows = []
    for f in sorted(src.rglob("*.txt")):
        for line in f.read_text(encoding="utf-8").splitlines():
            words = []
            while line:  # SudachiPy takes at most 49,149 bytes a call
                piece, line = line[:12000], line[12000:]
                words += [m.dictionary_form() for m in tk.tokenize(piece) if m.part_of_speech()[0] == "名詞"]
            if words:
                rows.append(" ".join(words))
    df = pd.DataFrame({"text": rows})
    t["tokenize"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    npt = nlplot.NLPlot(df, target_col="text", output_file_path=str(out) + "/")
    npt.build_graph()
    t["build_graph"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    npt.co_network(title="co-occurrence network", save=True)
    t["co_network"] = time.perf_counter() - t0
    t["rows"] = len(rows)
    return t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=float, default=1.0, help="corpus size in millions of characters")
    ap.add_argument("--corpus", choices=("real", "sample"), default="real" if REAL.is_dir() else "sample")
    ap.add_argument("--cooccur-python", default=sys.executable, help="the Python that runs cooccur")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    src = WORK / f"{args.corpus}_{args.size:g}M"
    chars = build_corpus(args.corpus, int(args.size * 1_000_000), src)
    print(f"{chars / 1e6:.2f}M characters ({args.corpus}), {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f} at start")
    root = Path(__file__).resolve().parent.parent
    for _ in range(args.repeat):
        out = WORK / f"out_cooccur_vs_nlplot_{args.size:g}M"
        shutil.rmtree(out, ignore_errors=True)
        t0 = time.perf_counter()
        subprocess.run([args.cooccur_python, "-m", "cooccur.cli", "analyze", str(src), "-o", str(out), "-q"],
                       cwd=root, check=True, stdout=subprocess.DEVNULL)
        ours = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            stages = nlplot_run(src, Path(tmp))
            theirs = time.perf_counter() - t0
        detail = ", ".join(f"{k} {v:.1f} s" for k, v in stages.items() if k != "rows")
        print(f"cooccur analyze (whole CLI, every output): {ours:7.1f} s")
        print(f"nlplot at its defaults ({stages['rows']:,} rows): {theirs:7.1f} s  ({detail})")
        print(f"nlplot ÷ cooccur: {theirs / ours:.1f}×")


if __name__ == "__main__":
    main()
