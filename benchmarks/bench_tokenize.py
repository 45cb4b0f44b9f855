"""Benchmark: bare SudachiPy (or MeCab) vs cooccur's tokenize_utterances (not a test).

Builds about 1M characters of text (the .txt files under data/sample/, or under
``--input``, repeated, else generated sentences), then prints chars/s, median
of 3 runs, for:

* bare: SudachiPy split mode C, one tokenizer per thread, a plain loop pulling
  each morpheme's surface and POS, fed one line at a time (the same lines and
  thread count as ours); also "bare tokenize only" (no field pulled);
* ours: ``tokenize_utterances`` (all term rules at their defaults) on the same
  lines, one utterance per line.

``--backend mecab`` (repeatable: ``--backend sudachi --backend mecab`` measures
both in the same process) uses fugashi + unidic-lite
(``FugashiBackend`` below) for ours, and a plain fugashi
loop pulling each node's surface and features for bare; bare-only is then
fugashi's node list alone.

Goals (DESIGN.md §5): ours >= 0.9 x bare per core, >= 1.6M chars/s on two cores.
Ratios are printed against both bare variants, for 1 thread and for 2 threads
(per core = chars/s divided by the threads).

``ours/CPU-s`` is characters per CPU-second of the process (all threads), a
figure that other work on a shared machine disturbs less than the wall time.
``--workers`` instead compares ``workers="threads"`` with ``workers="processes"``
(forked worker processes) for ours at 1 and 2 jobs, interleaved (threads,
processes, threads, ...; ``--runs`` each): wall seconds and CPU seconds of this
process plus its finished children (the worker processes), every run and the
median, so the default of the ``workers`` parameter can be chosen by measurement.

``--quality`` then prints benchmarks/quality.py's report (node shares F/G/S,
keywords, communities) on ``--input`` for each backend.

Run: ``python benchmarks/bench_tokenize.py [--chars 1000000] [--input ../shared/corpora/real_minutes]
[--backend sudachi --backend mecab] [--quality] [--workers [--runs 5]]``.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from cooccur.tokenize.backend import Forms, Morphemes

ROOT = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------------- a MeCab backend, for the comparison
# MeCab with UniDic (fugashi + unidic-lite) behind cooccur.tokenize.Backend: measured against SudachiPy and not
# shipped (figures and decision in docs/ARCHITECTURE.md). UniDic's POS tag set is the one SudachiPy's follows
# (名詞-普通名詞-一般, 動詞-非自立可能, 接尾辞-名詞的, 形状詞 ...), so the term rules apply unchanged: the POS tuple is
# pos1-pos4, conjugation type and form. Dictionary form: orthBase (書字形基本形); normalised form: lemma (語彙素)
# without the English gloss of loanwords (リモート-remote -> リモート), for proper nouns the written form (their lemma
# is a reading); reading: kana. MeCab skips whitespace; it is given back as 空白 tokens so that tokens cover the
# text, as the protocol requires. Word ids are a hash of the feature string, so cached analyses stay valid.

_SPACE_POS = ("空白", "*", "*", "*", "*", "*")
_LOCAL = threading.local()
_IDS: dict[str, int] = {}  # feature string -> word id
_FORMS: dict[int, Forms | tuple] = {}  # word id -> Forms, or the POS alone (unknown words, whitespace)


def _tagger():
    tagger = getattr(_LOCAL, "tagger", None)
    if tagger is None:
        try:
            import fugashi
        except ImportError:
            raise SystemExit("--backend mecab needs fugashi and a UniDic: pip install fugashi unidic-lite") from None
        tagger = _LOCAL.tagger = fugashi.Tagger()
    return tagger


def _word_id(feature: str, node) -> int:
    """A word id stable across processes (a hash of the feature string); its forms remembered."""
    w = _IDS.get(feature)
    if w is None:
        w = int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "little") >> 1
        f = node.feature
        pos = tuple(x or "*" for x in f[:6])
        if node.is_unk or getattr(f, "orthBase", None) is None:
            _FORMS[w] = pos
        else:
            lemma = f.lemma or f.orthBase
            if "-" in lemma and lemma.split("-", 1)[1].isascii():
                lemma = lemma.split("-", 1)[0]
            norm = f.orthBase if pos[1] == "固有名詞" else lemma
            _FORMS[w] = Forms(f.orthBase, norm, f.kana or "", pos)
        _IDS[feature] = w
    return w


_SPACE_ID = int.from_bytes(hashlib.blake2b(b"\x00space", digest_size=8).digest(), "little") >> 1
_FORMS[_SPACE_ID] = _SPACE_POS


@dataclass(frozen=True)
class FugashiBackend:
    """MeCab (fugashi) with the UniDic it finds (unidic-lite when installed)."""

    def identity(self) -> str:
        from importlib import metadata

        out = ["mecab"]
        for dist in ("fugashi", "unidic-lite", "unidic"):
            try:
                out.append(f"{dist}={metadata.version(dist)}")
            except metadata.PackageNotFoundError:
                pass
        out.append(str(_tagger().dictionary_info[0].get("filename", "")))
        return ";".join(out)

    def load(self) -> None:
        _tagger()

    def analyse(self, pieces: Sequence[str]) -> Morphemes:
        tagger = _tagger()
        lens: list[int] = []
        wids: list[int] = []
        ntok: list[int] = []
        ids = _IDS
        for s in pieces:
            n0, covered = len(lens), 0
            for node in tagger(s):
                ws = node.white_space
                if ws:
                    lens.append(len(ws))
                    wids.append(_SPACE_ID)
                    covered += len(ws)
                surface = node.surface
                feature = node.feature_raw
                w = ids.get(feature)
                lens.append(len(surface))
                wids.append(w if w is not None else _word_id(feature, node))
                covered += len(surface)
            if covered < len(s):  # trailing whitespace
                lens.append(len(s) - covered)
                wids.append(_SPACE_ID)
            ntok.append(len(lens) - n0)
        return Morphemes(np.asarray(lens, dtype=np.int64), np.asarray(wids, dtype=np.int64),
                         np.asarray(ntok, dtype=np.int64))

    def learn(self, pieces: Sequence[str], morphemes: Morphemes) -> None:
        """Analyse again the pieces with words not seen in this process (cached or remote analyses)."""
        missing = set(morphemes.words.tolist()).difference(_FORMS)
        if missing:
            piece_of = np.repeat(np.arange(len(pieces)), morphemes.counts)
            todo = np.unique(piece_of[np.isin(morphemes.words, np.fromiter(missing, dtype=np.int64))])
            self.analyse([pieces[i] for i in todo.tolist()])

    def forms(self, word: int, surface: str) -> Forms:
        f = _FORMS[word]
        return f if isinstance(f, Forms) else Forms(surface, surface, "", f)

    def person_name_parts(self, names: Iterable[str]) -> frozenset[str]:
        tagger = _tagger()
        return frozenset(node.surface for name in sorted(names) for node in tagger(name[:200])
                         if tuple(node.feature[:3]) == ("名詞", "固有名詞", "人名"))


def build_lines(target: int, folder: Path = ROOT / "data" / "sample") -> list[str]:
    files = sorted(folder.rglob("*.txt"))
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


def mecab_only(lines: list[str], threads: int) -> None:
    def work(part):
        tagger = _tagger()
        return sum(len(tagger(ln)) for ln in part)

    _in_threads(work, lines, threads)


def mecab_bare(lines: list[str], threads: int) -> None:
    def work(part):
        tagger = _tagger()
        out = []
        for ln in part:
            for node in tagger(ln):
                out.append((node.surface, node.feature))
        return len(out)

    _in_threads(work, lines, threads)


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


def ours(lines: list[str], threads: int, backend=None, workers: str = "threads") -> None:
    from cooccur.tokenize import tokenize_utterances

    tokenize_utterances(lines, jobs=threads, backend=backend, workers=workers)


def _cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and of its children that have ended."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def compare_workers(lines: list[str], chars: int, runs: int) -> None:
    """Threads against forked processes for ours, interleaved: wall and CPU seconds of each run, and the medians."""
    from cooccur.tokenize.chunks import can_fork

    print(f"workers: {chars:,} characters; processes possible here: {can_fork()}; {runs} interleaved runs each")
    print(f"{'jobs':>4} {'workers':>9} {'wall s (median)':>15} {'CPU s (median)':>14} {'chars/s':>11} "
          f"{'chars/CPU-s':>11}  wall s of each run")
    for jobs in (1, 2):
        walls: dict[str, list[float]] = {"threads": [], "processes": []}
        cpus: dict[str, list[float]] = {"threads": [], "processes": []}
        for _ in range(runs):
            for workers in walls:
                t0, c0 = time.perf_counter(), _cpu_seconds()
                ours(lines, jobs, workers=workers)
                walls[workers].append(time.perf_counter() - t0)
                cpus[workers].append(_cpu_seconds() - c0)
        for workers in walls:
            w, c = statistics.median(walls[workers]), statistics.median(cpus[workers])
            print(f"{jobs:>4} {workers:>9} {w:>15.3f} {c:>14.3f} {chars / w:>11,.0f} {chars / c:>11,.0f}  "
                  + " ".join(f"{x:.2f}" for x in walls[workers]))


def _backend(name: str):
    return FugashiBackend() if name == "mecab" else None


def median_rate(fn, lines, threads, chars, runs=3, cpu: list | None = None) -> float:
    """chars/s of the median wall time; appends chars per CPU-second (all threads) to ``cpu``."""
    times, cpus = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn(lines, threads)
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    if cpu is not None:
        cpu.append(chars / statistics.median(cpus))
    return chars / statistics.median(times)


def quality(folder: Path, name: str) -> None:
    """benchmarks/quality.py's report on ``folder`` with the backend ``name`` as the default one."""
    import quality as q

    import cooccur.tokenize

    default = cooccur.tokenize.default_backend
    if name == "mecab":  # analyze() has no backend parameter: replace the default for this report
        cooccur.tokenize.default_backend = lambda split_mode: FugashiBackend()
    try:
        print(f"[{name}] quality:", end="")
        q.report(folder, {})
    finally:
        cooccur.tokenize.default_backend = default


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chars", type=int, default=1_000_000)
    ap.add_argument("--input", type=Path, default=ROOT / "data" / "sample", help="folder of .txt files")
    ap.add_argument("--backend", action="append", choices=("sudachi", "mecab"),
                    help="backend(s) to measure (default: sudachi)")
    ap.add_argument("--workers", action="store_true",
                    help="compare workers=threads and workers=processes (ours only, interleaved runs)")
    ap.add_argument("--runs", type=int, default=5, help="with --workers: runs of each")
    ap.add_argument("--quality", action="store_true",
                    help="also print benchmarks/quality.py's report on --input for each backend")
    args = ap.parse_args()
    lines = build_lines(args.chars, args.input)
    chars = sum(map(len, lines))
    from cooccur.tokenize import get_tokenizer, tokenize_utterances

    get_tokenizer("C")
    if args.workers:
        tokenize_utterances(lines[:2000], jobs=1)  # first call fills the per-process word cache
        compare_workers(lines, chars, args.runs)
        return
    for name in args.backend or ["sudachi"]:
        backend = _backend(name)
        t0 = time.perf_counter()
        tokenize_utterances(lines[:2000], jobs=1, backend=backend)  # first call fills the per-process word cache
        cold = time.perf_counter() - t0
        print(f"[{name}] {chars:,} characters in {len(lines):,} lines; first (cold-cache) call on "
              f"{sum(map(len, lines[:2000])):,} chars: {cold:.3f} s")
        print(f"{'threads':>7} {'bare-only/s':>12} {'bare/s':>11} {'ours/s':>11} {'ours/core':>10} "
              f"{'ours/bare':>9} {'ours/bare-only':>14} {'ours/CPU-s':>11}")
        only, plain = (mecab_only, mecab_bare) if name == "mecab" else (bare_only, bare)
        for threads in (1, 2):
            cpu: list = []
            b0 = median_rate(only, lines, threads, chars)
            b = median_rate(plain, lines, threads, chars)
            o = median_rate(lambda ls, th: ours(ls, th, backend), lines, threads, chars, cpu=cpu)
            print(f"{threads:>7} {b0:>12,.0f} {b:>11,.0f} {o:>11,.0f} {o / threads:>10,.0f} "
                  f"{o / b:>9.2f} {o / b0:>14.2f} {cpu[0]:>11,.0f}")
    if args.quality:
        for name in args.backend or ["sudachi"]:
            quality(args.input, name)


if __name__ == "__main__":
    main()
