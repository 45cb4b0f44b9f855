"""The per-file read cache (cooccur.read.cache.ReadCache): same Corpus, fewer reads."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from cooccur.read import read_corpus
from cooccur.read import cache as read_cache
from cooccur.read.cache import RACY_NS, ReadCache

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
FIXTURES = Path(__file__).parent / "fixtures" / "read"
REAL = ROOT.parent / "shared" / "corpora" / "real_minutes"
HOUR_NS = 3600 * 10**9


def assert_same_corpus(got, want) -> None:
    for name in ("utterances", "files", "exclusions"):
        a, b = getattr(got, name), getattr(want, name)
        assert list(a.columns) == list(b.columns), name
        assert list(a.dtypes) == list(b.dtypes), name
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=name)
    assert got.warnings == want.warnings
    assert got.root == want.root


def age(folder: Path, ns: int = HOUR_NS) -> None:
    """Make every file under ``folder`` look last modified ``ns`` ago (so its record is not 'racy')."""
    for p in folder.rglob("*"):
        if p.is_file():
            st = p.stat()
            os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns - ns))


def entries(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "entries").rglob("*.json"))


@pytest.fixture
def corpus_dir(tmp_path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    for name in ("colon.txt", "interview.txt", "minutes.txt", "plain.txt"):
        shutil.copy(FIXTURES / name, root / name)
    age(root)
    return root


@pytest.mark.parametrize("folder", [SAMPLE, pytest.param(REAL, marks=pytest.mark.skipif(
    not REAL.is_dir(), reason="../shared/corpora/real_minutes not present"))], ids=["sample", "real_minutes"])
def test_cached_corpus_equals_fresh_one(folder, tmp_path):
    want = read_corpus(folder)
    cache = ReadCache(tmp_path / "cache")
    cold = read_corpus(folder, map_files=cache)
    transcripts = int((want.files["role"] == "transcript").sum())
    assert (cache.hits, cache.misses) == (0, transcripts)
    warm = read_corpus(folder, map_files=cache)
    assert (cache.hits, cache.misses) == (transcripts, transcripts)
    assert_same_corpus(cold, want)
    assert_same_corpus(warm, want)
    assert len(entries(tmp_path / "cache")) == transcripts
    if folder == SAMPLE:  # the sample's metadata.csv is joined to the cached rows
        for column in ("テーマ", "区分"):  # from metadata.csv and speakers.csv
            assert warm.utterances[column].notna().any()
        assert (warm.files["role"] == "metadata").sum() == 2


def test_a_changed_file_misses_and_its_new_text_appears(corpus_dir, tmp_path):
    cache = ReadCache(tmp_path / "cache")
    read_corpus(corpus_dir, map_files=cache)
    path = corpus_dir / "minutes.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("費用について", "人員の確保について"), encoding="utf-8")
    got = read_corpus(corpus_dir, map_files=cache)
    assert (cache.hits, cache.misses) == (3, 5)
    assert got.utterances["text"].str.contains("人員の確保について").any()
    assert not got.utterances["text"].str.contains("費用について").any()
    assert_same_corpus(got, read_corpus(corpus_dir))
    assert len(entries(tmp_path / "cache")) == 4  # the old contents' entry is gone


def test_a_touched_but_unchanged_file_hits(corpus_dir, tmp_path, monkeypatch):
    cache = ReadCache(tmp_path / "cache")
    want = read_corpus(corpus_dir, map_files=cache)
    path = corpus_dir / "minutes.txt"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + HOUR_NS // 2))
    hashed = []
    real_hash = read_cache._file_sha256
    monkeypatch.setattr(read_cache, "_file_sha256", lambda p: hashed.append(Path(p).name) or real_hash(p))
    got = read_corpus(corpus_dir, map_files=cache)
    assert hashed == ["minutes.txt"]  # the others' size and mtime are as recorded: not hashed
    assert (cache.hits, cache.misses) == (4, 4)
    assert_same_corpus(got, want)
    hashed.clear()
    age(corpus_dir)
    assert_same_corpus(read_corpus(corpus_dir, map_files=cache), want)
    assert hashed == ["colon.txt", "interview.txt", "minutes.txt", "plain.txt"]
    assert (cache.hits, cache.misses) == (8, 4)


def test_size_and_mtime_as_recorded_are_trusted_unless_the_record_was_racy(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    path = folder / "r1.txt"
    path.write_text("○議長（山田太郎君）　開会します。", encoding="utf-8")
    soon = time.time_ns() + 10 * 10**9
    os.utime(path, ns=(soon, soon))  # modified "now" as far as the record can tell: racy
    cache = ReadCache(tmp_path / "cache")
    read_corpus(folder, map_files=cache)
    record = json.loads((tmp_path / "cache" / "index.json").read_text(encoding="utf-8"))["files"][str(path)]
    assert record["mtime_ns"] + RACY_NS > record["stamp_ns"]
    path.write_text("○議長（山田太郎君）　閉会します。", encoding="utf-8")  # the same size
    os.utime(path, ns=(soon, soon))  # and the same mtime: hashed all the same
    assert read_corpus(folder, map_files=cache).utterances["text"].tolist() == ["閉会します。"]
    assert (cache.hits, cache.misses) == (0, 2)

    age(folder)  # a file left alone before it was recorded is trusted by size and mtime, as make does
    read_corpus(folder, map_files=cache)
    assert cache.hits == 1
    st = path.stat()
    path.write_text("○議長（山田太郎君）　開会します。", encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert read_corpus(folder, map_files=cache).utterances["text"].tolist() == ["閉会します。"]
    assert cache.hits == 2
    other = tmp_path / "r1.new"  # another file renamed into place (rsync, editors): a new inode
    other.write_text("○議長（山田太郎君）　休憩します。", encoding="utf-8")
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(other, path)
    assert read_corpus(folder, map_files=cache).utterances["text"].tolist() == ["休憩します。"]
    assert (cache.hits, cache.misses) == (2, 3)


def test_a_changed_read_option_misses(corpus_dir, tmp_path):
    cache = ReadCache(tmp_path / "cache")
    read_corpus(corpus_dir, map_files=cache)
    got = read_corpus(corpus_dir, map_files=cache, include_preamble=True)
    assert (cache.hits, cache.misses) == (0, 8)
    assert_same_corpus(got, read_corpus(corpus_dir, include_preamble=True))
    assert got.utterances["exclusion"].ne("preamble").all()
    read_corpus(corpus_dir, map_files=cache)  # both option sets stay cached
    read_corpus(corpus_dir, map_files=cache, include_preamble=True)
    assert (cache.hits, cache.misses) == (8, 8)
    forced = read_corpus(corpus_dir, map_files=cache, format="text")
    assert (cache.hits, cache.misses) == (8, 12)
    assert forced.files["format"].tolist() == ["text"] * 4


def test_a_changed_speakers_table_misses_and_a_changed_metadata_table_is_joined_afresh(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    text = "出席者\n山田：開会します。\n佐藤：質問します。\n山田：お答えします。\n"
    (folder / "r1.txt").write_text(text, encoding="utf-8")
    (folder / "metadata.csv").write_text("doc_id,区分\nr1.txt,前期\n", encoding="utf-8")
    age(folder)
    cache = ReadCache(tmp_path / "cache")
    read_corpus(folder, map_files=cache)
    (folder / "metadata.csv").write_text("doc_id,区分\nr1.txt,後期\n", encoding="utf-8")
    got = read_corpus(folder, map_files=cache)
    assert (cache.hits, cache.misses) == (1, 1)
    assert got.utterances["区分"].unique().tolist() == ["後期"]
    assert_same_corpus(got, read_corpus(folder))
    (folder / "speakers.csv").write_text("speaker,所属\n佐藤,委員\n", encoding="utf-8")
    got = read_corpus(folder, map_files=cache)
    assert (cache.hits, cache.misses) == (1, 2)  # its labels change how colon turns are found
    assert_same_corpus(got, read_corpus(folder))


def test_a_parser_change_misses(corpus_dir, tmp_path, monkeypatch):
    cache = ReadCache(tmp_path / "cache")
    read_corpus(corpus_dir, map_files=cache)
    monkeypatch.setattr(read_cache, "reader_digest", lambda: "another version of the reading code")
    read_corpus(corpus_dir, map_files=cache)
    assert (cache.hits, cache.misses) == (0, 8)
    package = Path(read_cache.__file__).resolve().parents[1]  # the installed cooccur, not the checkout's
    sources = {p.relative_to(package).as_posix() for p in read_cache._reader_sources()}
    assert {"read/__init__.py", "read/formats/minutes.py", "read/cache.py", "errors.py"} <= sources


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign key", "wrong shape", "wrong type"])
def test_a_damaged_or_foreign_entry_is_a_miss(corpus_dir, tmp_path, damage):
    cache = ReadCache(tmp_path / "cache")
    want = read_corpus(corpus_dir, map_files=cache)
    victim = entries(tmp_path / "cache")[0]
    raw = victim.read_bytes()
    data = json.loads(raw)
    if damage == "garbage":
        victim.write_bytes(b"\x00\xff not json")
    elif damage == "truncated":
        victim.write_bytes(raw[: len(raw) // 2])
    elif damage == "foreign key":
        victim.write_text(json.dumps({**data, "key": "0" * 64}), encoding="utf-8")
    elif damage == "wrong shape":
        data["u"]["text"] = data["u"]["text"][:-1]
        victim.write_text(json.dumps(data), encoding="utf-8")
    else:
        data["u"]["line"][0] = "one"
        victim.write_text(json.dumps(data), encoding="utf-8")
    got = read_corpus(corpus_dir, map_files=cache)
    assert (cache.hits, cache.misses) == (3, 5)
    assert_same_corpus(got, want)
    again = read_corpus(corpus_dir, map_files=cache)  # the damaged entry was written again
    assert (cache.hits, cache.misses) == (7, 5)
    assert_same_corpus(again, want)


def test_a_damaged_index_is_an_empty_one(corpus_dir, tmp_path):
    cache = ReadCache(tmp_path / "cache")
    want = read_corpus(corpus_dir, map_files=cache)
    (tmp_path / "cache" / "index.json").write_text('{"format": "cooccur-read-cache-1", "files": [', encoding="utf-8")
    assert_same_corpus(read_corpus(corpus_dir, map_files=cache), want)
    assert (cache.hits, cache.misses) == (0, 8)
    assert_same_corpus(read_corpus(corpus_dir, map_files=cache), want)
    assert cache.hits == 4


def test_walk_problems_and_skipped_files_are_handled_afresh(corpus_dir, tmp_path):
    (corpus_dir / "broken.txt").symlink_to(corpus_dir / "missing.txt")
    (corpus_dir / "notes.md").write_text("# not a transcript", encoding="utf-8")
    cache = ReadCache(tmp_path / "cache")
    want = read_corpus(corpus_dir)
    assert set(want.files["status"]) == {"ok", "error", "skipped"}
    read_corpus(corpus_dir, map_files=cache)
    assert_same_corpus(read_corpus(corpus_dir, map_files=cache), want)
    assert (cache.hits, cache.misses) == (4, 4)
    assert len(entries(tmp_path / "cache")) == 4


def test_only_misses_go_to_the_inner_map_files(corpus_dir, tmp_path):
    seen = []

    def mapper(func, items, **kwargs):
        items = list(items)
        seen.append([doc_id for _, doc_id, _ in items])
        return [func(e, **kwargs) for e in items]

    cache = ReadCache(tmp_path / "cache", map_files=mapper)
    want = read_corpus(corpus_dir, map_files=cache)
    (corpus_dir / "plain.txt").write_text("本日は晴天なり。", encoding="utf-8")
    got = read_corpus(corpus_dir, map_files=cache)
    assert seen == [["colon.txt", "interview.txt", "minutes.txt", "plain.txt"], ["plain.txt"]]
    assert_same_corpus(got, read_corpus(corpus_dir))
    assert got.utterances["text"].iloc[-1] == "本日は晴天なり。"
    assert got.utterances.iloc[:-1].equals(want.utterances.iloc[:-1])


def test_a_single_file_input(tmp_path):
    path = tmp_path / "議事録.txt"
    shutil.copy(FIXTURES / "minutes.txt", path)
    age(tmp_path)
    cache = ReadCache(tmp_path / "cache")
    read_corpus(path, map_files=cache)
    assert_same_corpus(read_corpus(path, map_files=cache), read_corpus(path))
    assert (cache.hits, cache.misses) == (1, 1)
