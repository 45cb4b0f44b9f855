"""cooccur.folder: the guard, the .cache (token cache, ledger, spill folders), the tokens sink, atomic writes."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

import cooccur
from cooccur.errors import OutputError
from cooccur.folder import MARKER, OutputFolder, TableLedger, prepare_output_dir
from cooccur.io import atomic_write_text, write_table
from cooccur.pipeline import pick_params, resolve_params

MINUTES = {
    "第1回.txt": "○議長（山田太郎君）　ただいまから防災委員会を開会します。\n"
                "○委員（佐藤花子君）　防災訓練の実施計画について伺います。避難所の運営はどうなっていますか。\n"
                "○危機管理課長（鈴木一郎君）　防災訓練は地域の避難所で毎年行っております。避難所の備蓄も見直しております。\n",
    "第2回.txt": "○議長（山田太郎君）　防災委員会を開会します。\n"
                "○委員（田中次郎君）　避難所の備蓄について、防災訓練で確認したのでしょうか。\n"
                "○危機管理課長（鈴木一郎君）　防災訓練の際に避難所の備蓄を点検いたしました。地域の協力に感謝します。\n",
}


@pytest.fixture
def minutes(tmp_path):
    folder = tmp_path / "minutes"
    folder.mkdir()
    for name, text in MINUTES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the guard ------------------------------------------------------------------------------------------------

def test_output_guard(tmp_path):
    foreign = tmp_path / "docs"
    foreign.mkdir()
    (foreign / "大事なメモ.txt").write_text("消さないで", encoding="utf-8")
    with pytest.raises(OutputError, match="--force"):
        prepare_output_dir(foreign)
    prepare_output_dir(foreign, force=True)
    assert (foreign / "大事なメモ.txt").read_text(encoding="utf-8") == "消さないで"

    ours = prepare_output_dir(tmp_path / "out")
    assert (ours / MARKER).exists()
    atomic_write_text(ours / "x.txt", "1")
    prepare_output_dir(ours)  # a folder cooccur made may be reused without --force

    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="not a folder"):
        prepare_output_dir(a_file)


def test_force_never_overwrites_a_file_cooccur_did_not_write(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "nodes.csv").write_text("誰かの表\n", encoding="utf-8")
    with pytest.raises(OutputError, match="nodes.csv; move them"):
        prepare_output_dir(folder, force=True)
    assert (folder / "nodes.csv").read_text(encoding="utf-8") == "誰かの表\n"


def test_opening_a_foreign_folder_is_refused_and_touches_nothing(tmp_path):
    foreign = tmp_path / "docs"
    foreign.mkdir()
    (foreign / "議事録メモ.txt").write_text("消さないで", encoding="utf-8")
    (foreign / ".cache").mkdir()
    (foreign / ".cache" / ".cooccur-spill-not-ours").mkdir()
    with pytest.raises(OutputError, match="not empty and was not created by cooccur"):
        OutputFolder(foreign)
    assert sorted(p.name for p in foreign.iterdir()) == [".cache", "議事録メモ.txt"]
    assert (foreign / ".cache" / ".cooccur-spill-not-ours").is_dir()  # refused before anything is cleaned


def test_opening_ours_keeps_it_and_says_where_things_go(tmp_path):
    first = OutputFolder(tmp_path / "out")
    assert (first.path / MARKER).is_file() and not (first.path / ".cache").exists()  # nothing until asked
    assert first.cache.folder == first.path / ".cache" / "tokens"
    assert first.tokens_path("parquet") == first.path / "tokens.parquet"
    assert first.ledger.path == first.path / ".cache" / "tables.json"
    again = OutputFolder(tmp_path / "out")  # no --force needed: cooccur made it
    assert again.path == first.path
    elsewhere = OutputFolder(tmp_path / "out", cache=tmp_path / "shared-cache")
    assert elsewhere.cache.folder == tmp_path / "shared-cache" and elsewhere.ledger is not None
    none = OutputFolder(tmp_path / "out", cache=False)
    assert none.cache is None and none.ledger is None


# --- spill folders --------------------------------------------------------------------------------------------

def test_a_killed_runs_spill_folders_are_removed_when_the_folder_is_opened(tmp_path):
    folder = OutputFolder(tmp_path / "out")
    cache = folder.spill_dir()
    stale = cache / ".cooccur-spill-killed"
    stale.mkdir()
    (stale / "front0.npz").write_bytes(b"partial")
    (cache / "tables.json").write_text("{}", encoding="utf-8")
    (folder.path / ".cooccur-spill-a-users-folder").mkdir()  # not in .cache: not ours to remove
    OutputFolder(tmp_path / "out")
    assert not stale.exists()
    assert (cache / "tables.json").is_file() and (folder.path / ".cooccur-spill-a-users-folder").is_dir()


# --- the tokens sink, the token cache and the ledger -----------------------------------------------------------

def _stream(folder, corpus, **params):
    p = resolve_params(**params)
    return folder.stream_tokens(corpus.utterances, pick_params(p, "tokenize"), kind=p["tables"])


def test_a_rerun_reuses_the_cached_lean_table_while_the_tokens_file_is_untouched(tmp_path, minutes):
    corpus = cooccur.read_corpus(minutes)
    full = cooccur.tokenize_utterances(corpus.utterances)
    first = OutputFolder(tmp_path / "out")
    lean, counts, flr = _stream(first, corpus)
    target = first.tokens_path()
    write_table(full, tmp_path / "plain.parquet")
    assert _digest(target) == _digest(tmp_path / "plain.parquet")  # the streamed file is the full table
    assert counts == {"tokens": len(full), "counted_tokens": int(full["term"].notna().sum())}
    assert first.cache.misses == 2 and not first.cache.hits_corpus
    assert not list(first.cache_dir.glob(".cooccur-spill-*"))

    inode = target.stat().st_ino
    second = OutputFolder(tmp_path / "out")
    again, again_counts, again_flr = _stream(second, corpus)
    assert second.cache.hits_corpus and second.cache.misses == 0 and second.cache.hits == 0  # nothing tokenized
    assert target.stat().st_ino == inode and second.ledger.skipped == ["tokens.parquet"]  # the file left alone
    pd.testing.assert_frame_equal(again, lean)
    assert again_counts == counts and (again_flr.fl, again_flr.fr) == (flr.fl, flr.fr)

    target.write_bytes(b"edited by hand")
    third = OutputFolder(tmp_path / "out")
    _stream(third, corpus)
    assert not third.cache.hits_corpus and third.cache.hits == 2  # streamed again, SudachiPy's analysis reused
    assert _digest(target) == _digest(tmp_path / "plain.parquet")


def test_without_a_cache_nothing_is_kept_and_the_file_is_the_same(tmp_path, minutes):
    corpus = cooccur.read_corpus(minutes)
    folder = OutputFolder(tmp_path / "out", cache=False)
    _stream(folder, corpus)
    cached = OutputFolder(tmp_path / "cached")
    _stream(cached, corpus)
    assert folder.tokens_path().read_bytes() == cached.tokens_path().read_bytes()
    assert [p.name for p in folder.cache_dir.iterdir()] == []  # the spill folder was the only thing there


def test_an_interrupted_stream_keeps_the_previous_tokens_file_and_leaves_no_spill(tmp_path, minutes):
    corpus = cooccur.read_corpus(minutes)
    folder = OutputFolder(tmp_path / "out")
    folder.tokens_path().write_bytes(b"the previous run's table")

    def interrupt(done):
        raise KeyboardInterrupt

    p = resolve_params()
    with pytest.raises(KeyboardInterrupt):
        folder.stream_tokens(corpus.utterances, pick_params(p, "tokenize"), progress=interrupt)
    assert folder.tokens_path().read_bytes() == b"the previous run's table"
    assert not [p.name for p in folder.path.iterdir() if p.name.startswith(".tokens")]  # no temporary file
    assert not list(folder.cache_dir.glob(".cooccur-spill-*"))
    assert not (folder.cache_dir / "tables.json").exists()  # nothing noted for a table not written


def test_writing_twice_leaves_unchanged_tables_alone(tmp_path, minutes):
    a = cooccur.analyze(minutes, min_frequency=2, formats=("graphml",))
    first = OutputFolder(tmp_path / "out")
    written = first.write(a, started_at=0.0)
    assert {"utterances", "tokens", "nodes", "edges", "keywords", "files", "graphml", "manifest"} <= set(written)
    tables = sorted(p.name for p in first.path.iterdir() if p.suffix in (".parquet", ".csv"))
    assert {"nodes.csv", "edges.csv", "keywords.csv", "files.csv", "tokens.parquet"} <= set(tables)
    inodes = {n: (first.path / n).stat().st_ino for n in tables}
    before = {n: (first.path / n).read_bytes() for n in tables}
    second = OutputFolder(tmp_path / "out")
    second.write(a, started_at=0.0)
    assert sorted(second.ledger.skipped) == tables
    assert {n: (first.path / n).stat().st_ino for n in tables} == inodes
    OutputFolder(tmp_path / "out", cache=False).write(a)  # no ledger: written again, the same bytes
    assert all((first.path / n).stat().st_ino != inodes[n] for n in tables)
    assert {n: (first.path / n).read_bytes() for n in tables} == before


def test_a_new_network_rewrites_the_network_tables_and_leaves_the_corpus_tables(tmp_path, sample_dir):
    out = tmp_path / "out"
    cooccur.analyze(sample_dir, output=out, top_n=30, formats=("graphml",))
    names = ("nodes.csv", "edges.csv", "files.csv", "family_synonyms.csv", "utterances.parquet")
    inodes = {n: (out / n).stat().st_ino for n in names}
    nodes_before = len(pd.read_csv(out / "nodes.csv"))
    cooccur.analyze(sample_dir, output=out, top_n=10, formats=("graphml",))  # top_n edges: fewer nodes
    assert 0 < len(pd.read_csv(out / "nodes.csv")) < nodes_before
    assert (out / "nodes.csv").stat().st_ino != inodes["nodes.csv"]
    assert (out / "edges.csv").stat().st_ino != inodes["edges.csv"]
    for name in ("files.csv", "family_synonyms.csv", "utterances.parquet"):  # not the network's: left alone
        assert (out / name).stat().st_ino == inodes[name], name


def test_a_csv_table_of_python_objects_is_always_written(tmp_path):
    """1 and 1.0 in an object column are one Arrow double, but not one CSV text: no fingerprint, no skip."""
    ledger = TableLedger(tmp_path / "tables.json")
    target = tmp_path / "t.csv"
    write_table(pd.DataFrame({"発言者": ["委員", "課長"], "回数": pd.Series([1, 2], dtype=object)}), target,
                ledger=ledger)
    first = target.read_bytes()
    write_table(pd.DataFrame({"発言者": ["委員", "課長"], "回数": pd.Series([1.0, 2.0], dtype=object)}), target,
                ledger=ledger)
    assert ledger.skipped == [] and first.decode("utf-8-sig").splitlines()[1] == "委員,1"
    assert target.read_bytes().decode("utf-8-sig").splitlines()[1] == "委員,1.0"
    write_table(pd.DataFrame({"発言者": ["委員"], "回数": [1]}), target, ledger=ledger)  # plain int64: noted
    write_table(pd.DataFrame({"発言者": ["委員"], "回数": [1]}), target, ledger=ledger)
    assert ledger.skipped == ["t.csv"]
    write_table(pd.DataFrame({"発言者": ["委員"], "回数": [1.0]}), target, ledger=ledger)  # float64: other text
    assert ledger.skipped == ["t.csv"] and target.read_bytes().decode("utf-8-sig").splitlines()[1] == "委員,1.0"


def test_an_interrupted_comparison_write_leaves_only_whole_files(tmp_path, monkeypatch, sample_dir):
    from cooccur import plot_groups

    result = cooccur.compare(sample_dir, group_by="区分")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full while drawing")

    folder = OutputFolder(tmp_path / "out")
    whole = OutputFolder(tmp_path / "whole").write_comparison(result, resolve_params())
    assert sorted(p.name for p in whole.values()) == ["comparison.png", "comparison_edges.csv",
                                                       "comparison_terms.csv"]
    monkeypatch.setattr(plot_groups, "comparison_png", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        folder.write_comparison(result, resolve_params())
    assert sorted(p.name for p in folder.path.iterdir()) == [MARKER, "comparison_edges.csv", "comparison_terms.csv"]
    for name in ("comparison_edges.csv", "comparison_terms.csv"):
        assert (folder.path / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()


# --- the ledger -----------------------------------------------------------------------------------------------

def _speakers(text):
    df = pd.DataFrame({"speaker": ["司会", "委員", "司会"], "text": [text, "賛成です。", "以上です。"]})
    df["speaker"] = df["speaker"].astype("category")
    return df


def test_ledger_skips_only_an_unchanged_table_and_file(tmp_path):
    target = tmp_path / "utterances.parquet"
    ledger_path = tmp_path / ".cache" / "tables.json"
    ledger = TableLedger(ledger_path)
    write_table(_speakers("開会します。"), target, ledger=ledger)
    ledger.save()
    first = target.read_bytes()
    assert pd.read_parquet(target)["speaker"].tolist() == ["司会", "委員", "司会"]

    # same content: not rewritten (the inode stays), and the bytes equal a plain write
    inode = target.stat().st_ino
    again = TableLedger(ledger_path)
    write_table(_speakers("開会します。"), target, ledger=again)
    assert again.skipped == ["utterances.parquet"] and target.stat().st_ino == inode
    plain = tmp_path / "plain.parquet"
    write_table(_speakers("開会します。"), plain)
    assert plain.read_bytes() == first

    # other content: rewritten
    changed = TableLedger(ledger_path)
    write_table(_speakers("閉会します。"), target, ledger=changed)
    changed.save()
    assert changed.skipped == [] and pd.read_parquet(target)["text"][0] == "閉会します。"

    # a file edited or removed behind cooccur's back is written again
    target.write_bytes(b"edited by hand")
    edited = TableLedger(ledger_path)
    write_table(_speakers("閉会します。"), target, ledger=edited)
    assert edited.skipped == [] and pd.read_parquet(target)["text"][0] == "閉会します。"
    target.unlink()
    gone = TableLedger(ledger_path)
    write_table(_speakers("閉会します。"), target, ledger=gone)
    assert gone.skipped == [] and target.is_file()


def test_a_damaged_ledger_means_writing(tmp_path):
    ledger_path = tmp_path / "tables.json"
    ledger_path.write_text("{not json", encoding="utf-8")
    ledger = TableLedger(ledger_path)
    write_table(_speakers("開会します。"), tmp_path / "t.parquet", ledger=ledger)
    assert ledger.skipped == [] and (tmp_path / "t.parquet").is_file()


def test_every_name_a_full_run_writes_is_guarded(tmp_path, sample_dir):
    """--force must never overwrite a user's file: each name cooccur writes is in OUTPUT_NAMES."""
    from pathlib import Path

    from cooccur.folder import OUTPUT_NAMES

    rules = Path(__file__).resolve().parents[1] / "examples" / "coding_rules_sample.txt"
    out = tmp_path / "out"
    cooccur.analyze(sample_dir, output=out, group_by="テーマ", coding_rules=str(rules), pptx=True)
    written = {p.name for p in out.iterdir()} - {MARKER}
    assert {"codes.csv", "code_crosstab.csv", "correspondence.csv", "dendrogram.png", "slides.pptx",
            "comparison.png", "families.csv", "tokens.parquet"} <= written
    assert sorted(written - OUTPUT_NAMES) == []


def test_a_rerun_parses_no_transcript_again_and_writes_the_same_tables(tmp_path, minutes, monkeypatch):
    out = tmp_path / "out"
    first = cooccur.analyze(minutes, output=out, formats=())
    assert first.cache_stats["files_reused"] == 0
    before = {p.name: _digest(p) for p in out.iterdir() if p.is_file() and p.name != "manifest.json"}

    import cooccur.read as read_module

    def no_parsing(*args, **kwargs):
        raise AssertionError("a transcript was parsed again")

    monkeypatch.setattr(read_module, "_parse", no_parsing)
    again = cooccur.analyze(minutes, output=out, formats=(), top_n=10)
    assert again.cache_stats["files_reused"] == len(MINUTES)
    assert again.utterances.equals(first.utterances)
    after = {p.name: _digest(p) for p in out.iterdir() if p.is_file() and p.name != "manifest.json"}
    assert {k: v for k, v in after.items() if k in {"utterances.parquet", "files.csv", "exclusions.csv"}} == \
        {k: v for k, v in before.items() if k in {"utterances.parquet", "files.csv", "exclusions.csv"}}
    assert (out / ".cache" / "read" / "index.json").is_file()
