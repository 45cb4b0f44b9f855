"""workers="processes": chunks analysed in forked processes give the tokens of threads.

Processes are used only by a process running a single Python thread
(:func:`cooccur.tokenize.chunks.can_fork`), and a test session may run other
threads (Dask's, from earlier tests), so each check on real processes runs in a
fresh interpreter, which first makes sure the worker processes really ran and
starts with an empty word-form cache (so the forms of every word are learnt
from what the workers sent back).
"""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import cooccur.tokenize.chunks as chunks
from cooccur.config import DEFAULTS, PARAMS
from cooccur.tokenize import tokenize_utterances

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
REAL = ROOT.parent / "shared" / "corpora" / "real_minutes"
FORK = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs the fork start method")

#: argv: corpus folder, workers, output pickle, cache folder or "-"
SCRIPT = r"""
import sys
from pathlib import Path
import cooccur.tokenize.chunks as chunks
from cooccur import read_corpus
from cooccur.cache import TokenCache
from cooccur.tokenize import tokenize_utterances

folder, workers, out, cache_dir = sys.argv[1:]
utt = read_corpus(folder).utterances
chunks.CHUNK_CHARS = 2000  # many chunks, so both workers get some
used = []
orig = chunks._use_processes
chunks._use_processes = lambda workers, jobs, n: used.append((orig(workers, jobs, n), n)) or used[-1][0]
import cooccur.tokenize.sudachi as sudachi
adopted, looked_up = [], []
orig_adopt, orig_fill = sudachi.SudachiBackend.adopt_forms, sudachi._fill_forms
sudachi.SudachiBackend.adopt_forms = lambda self, forms: adopted.extend(forms) or orig_adopt(self, forms)
def fill(pieces, m, mode):
    before = len(sudachi._FORMS) + len(sudachi._OOV_FORMS)
    orig_fill(pieces, m, mode)
    looked_up.append(len(sudachi._FORMS) + len(sudachi._OOV_FORMS) - before)
sudachi._fill_forms = fill
done = []
cache = TokenCache(cache_dir) if cache_dir != "-" else None
tokens = tokenize_utterances(utt, jobs=2, workers=workers, progress=done.append, cache=cache)
# processes run wherever there is more than one chunk (none when everything comes from the cache)
assert all(u == (workers == "processes" and n > 1) for u, n in used), used
assert cache is not None or any(n > 1 for _u, n in used), used
n = sum(len(t) for t in utt.loc[utt["exclusion"].isna(), "text"]) if "exclusion" in utt else None
assert n is None or sum(done) == n, (sum(done), n)  # progress reports every character once
if workers == "processes" and cache is None:
    # the parent adopts the forms the workers learnt instead of looking every word up again
    assert len(adopted) > 1000 and sum(looked_up) == 0, (len(adopted), sum(looked_up))
    distinct = len({(w, s) for w, s, _f in adopted})
    assert distinct < len(adopted) <= 2 * distinct, (distinct, len(adopted))  # once by each of the two workers
if cache is not None:
    print("cache", cache.hits, cache.misses)
tokens.to_pickle(out)
print("ok")
"""


def _tokens(tmp_path: Path, folder: Path, workers: str, *, cache: Path | None = None):
    out = tmp_path / f"{workers}-{len(list(tmp_path.iterdir()))}.pkl"
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(folder), workers, str(out),
                           str(cache) if cache else "-"], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("ok"), proc.stderr[-3000:]
    return pd.read_pickle(out), proc.stdout


@FORK
def test_processes_give_the_tokens_of_threads_on_the_sample(tmp_path):
    in_processes, _ = _tokens(tmp_path, SAMPLE, "processes")
    in_threads, _ = _tokens(tmp_path, SAMPLE, "threads")
    pd.testing.assert_frame_equal(in_processes, in_threads)
    assert len(in_processes) > 10_000
    assert {"標準化", "情報共有"} <= set(in_processes["term"].dropna())


@FORK
def test_processes_fill_and_reuse_the_per_document_cache(tmp_path):
    in_threads, _ = _tokens(tmp_path, SAMPLE, "threads")
    cache = tmp_path / "cache"
    first, said = _tokens(tmp_path, SAMPLE, "processes", cache=cache)
    assert "cache 0 " in said  # everything analysed (in the workers) and stored
    again, said = _tokens(tmp_path, SAMPLE, "processes", cache=cache)
    assert " 0\n" in said.split("cache", 1)[1] and "cache 0 " not in said  # everything reused
    pd.testing.assert_frame_equal(first, in_threads)
    pd.testing.assert_frame_equal(again, in_threads)


@FORK
@pytest.mark.skipif(not REAL.is_dir(), reason="needs ../shared/corpora/real_minutes")
def test_processes_give_the_tokens_of_threads_on_real_minutes(tmp_path):
    subset = tmp_path / "real"  # two transcripts of each source (links, not copies)
    subset.mkdir()
    for f in [f for src in ("ami", "diet", "fukuoka", "ibaraki", "otaru") for f in sorted(REAL.glob(f"{src}_*"))[:2]]:
        (subset / f.name).symlink_to(f)
    in_processes, _ = _tokens(tmp_path, subset, "processes")
    in_threads, _ = _tokens(tmp_path, subset, "threads")
    pd.testing.assert_frame_equal(in_processes, in_threads)
    assert len(in_processes) > 10_000


def test_without_fork_processes_fall_back_to_threads(monkeypatch):
    texts = ["本日は自治体システムの標準化について伺います。", "ＩＣＴ人材の確保が課題です。"] * 200
    monkeypatch.setattr(chunks, "CHUNK_CHARS", 500)
    monkeypatch.setattr(chunks, "can_fork", lambda: False)
    monkeypatch.setattr(chunks, "ProcessPoolExecutor", None)  # any use of processes fails
    got = tokenize_utterances(texts, jobs=2, workers="processes")
    pd.testing.assert_frame_equal(got, tokenize_utterances(texts, jobs=2, workers="threads"))
    assert "ICT人材" in set(got["term"].dropna())


def test_workers_is_checked_and_is_a_parameter():
    with pytest.raises(ValueError, match="workers"):
        tokenize_utterances(["標準化について伺います。"], workers="fibres")
    p = next(p for p in PARAMS if p.name == "workers")
    assert p.choices == ("threads", "processes") == chunks.WORKERS
    assert p.stage == "tokenize" and p.cli and DEFAULTS["workers"] == "threads"
