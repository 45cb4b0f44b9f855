"""Streaming the tokens table batch by batch (tokens_in_memory="lean") changes nothing in the results."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cooccur import analyze, read_corpus
from cooccur.io import TableWriter, write_table
from cooccur.keywords import FLRCounts, flr_scores
from cooccur.tokenize import LEAN_COLUMNS, tokenize_to_file, tokenize_utterances

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"

RULES = {
    "default": {},
    "all+forced+synonyms": {"compounds": "all", "forced_terms": ["情報システム", "住民サービス"],
                            "synonyms": {"ＩＣＴ人材": "デジタル人材", "DX": "デジタル化"}},
    "off+no stopwords": {"compounds": "off", "stopwords": "none"},
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def utterances():
    return read_corpus(SAMPLE).utterances


@pytest.fixture(scope="module", params=list(RULES))
def full(request, utterances):
    rules = RULES[request.param]
    return rules, tokenize_utterances(utterances, **rules)


@pytest.mark.parametrize("batch_chars", [1, 6000, 10**9])
def test_streamed_file_is_the_file_of_the_whole_table(tmp_path, utterances, full, batch_chars):
    rules, tokens = full
    write_table(tokens, tmp_path / "whole.parquet")
    st = tokenize_to_file(utterances, tmp_path / "streamed.parquet", batch_chars=batch_chars, **rules)
    assert _digest(tmp_path / "streamed.parquet") == _digest(tmp_path / "whole.parquet")
    assert st.n_tokens == len(tokens) > 40_000
    assert st.n_counted == int(tokens["term"].notna().sum())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["streamed.parquet", "whole.parquet"]  # spill removed


def test_streamed_csv_is_the_csv_of_the_whole_table(tmp_path, utterances, full):
    rules, tokens = full
    write_table(tokens, tmp_path / "whole.csv")
    tokenize_to_file(utterances, tmp_path / "streamed.csv", kind="csv", batch_chars=9000, **rules)
    assert (tmp_path / "streamed.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()


def test_lean_table_keeps_counted_rows_every_unit_and_true_offsets(tmp_path, utterances, full):
    rules, tokens = full
    lean = tokenize_to_file(utterances, tmp_path / "t.parquet", batch_chars=6000, **rules).tokens
    assert list(lean.columns) == [*LEAN_COLUMNS, "offset"]
    counted = tokens["term"].notna()
    key = tokens["doc_id"].astype(str) + "|" + tokens["utterance_id"].astype(str) + "|" + tokens["sentence_id"].astype(str)
    first = (key != key.shift()).to_numpy()
    assert len(lean) == int((counted.to_numpy() | first).sum()) < 0.4 * len(tokens)
    cols = list(LEAN_COLUMNS)
    ints = ["paragraph_id", "sentence_id", "position", "offset"]
    assert (lean[ints].dtypes == "int32").all()  # half the memory of the contract's int64
    pd.testing.assert_frame_equal(lean.loc[lean["term"].notna(), cols].astype({c: "int64" for c in ints[:-1]})
                                  .reset_index(drop=True), tokens.loc[counted, cols].reset_index(drop=True))
    keys = ["doc_id", "utterance_id", "paragraph_id", "sentence_id"]
    assert set(map(tuple, lean[keys].astype(str).to_numpy())) == set(map(tuple, tokens[keys].astype(str).to_numpy()))
    text = {(d, u): unicodedata.normalize("NFKC", t)
            for d, u, t in zip(utterances["doc_id"], utterances["utterance_id"], utterances["text"])}
    found = [text[(d, u)][o:o + len(s)] == s
             for d, u, o, s in zip(lean["doc_id"], lean["utterance_id"], lean["offset"], lean["surface"])]
    assert all(found) and len(found) == len(lean)


def test_flr_counts_summed_over_batches_equal_the_whole_table(tmp_path, utterances):
    tokens = tokenize_utterances(utterances)
    counts = FLRCounts()
    tokenize_to_file(utterances, tmp_path / "t.parquet", batch_chars=6000, on_batch=counts.add)
    vocab = sorted(tokens["term"].dropna().unique())
    freq = tokens["term"].value_counts().reindex(vocab).to_numpy()
    whole = flr_scores(tokens, vocab, freq)
    summed = flr_scores(None, vocab, freq, counts=counts)
    assert (whole != freq).sum() > 100  # FLR is not just the frequency here
    np.testing.assert_array_equal(summed, whole)


def test_compounds_split_before_the_dictionary_goes_give_the_same_flr(tmp_path, utterances):
    """The dictionary is let go before the full table is written; FLR's splits were made while it was loaded."""
    from cooccur.tokenize import sudachi

    tokens = tokenize_utterances(utterances)
    counts = FLRCounts()
    tokenize_to_file(utterances, tmp_path / "t.parquet", batch_chars=6000, on_batch=counts.add,
                     on_compounds=counts.prepare)
    assert "dict" not in sudachi._STATE  # released, and nothing needed it again while writing
    vocab = sorted(tokens["term"].dropna().unique())
    freq = tokens["term"].value_counts().reindex(vocab).to_numpy()
    assert (tokens["pos"] == "複合名詞").sum() > 50  # compounds were split
    np.testing.assert_array_equal(flr_scores(None, vocab, freq, counts=counts), flr_scores(tokens, vocab, freq))
    again = tokenize_utterances(utterances)  # the next use maps the dictionary again
    pd.testing.assert_frame_equal(again, tokens)


def test_lean_analysis_writes_the_same_files(tmp_path):
    opts = dict(formats=("png", "graphml", "json", "html", "report"), keyword_score="flr", group_by="区分", cache=False)
    a = analyze(SAMPLE, output=tmp_path / "all", tokens_in_memory="all", **opts)
    b = analyze(SAMPLE, output=tmp_path / "lean", tokens_in_memory="lean", **opts)
    assert b.tokens_file == tmp_path / "lean" / "tokens.parquet" and a.tokens_file is None
    assert len(b.tokens) < 0.3 * len(a.tokens)
    assert a.summary() == b.summary()
    names = sorted(p.name for p in (tmp_path / "all").iterdir() if p.is_file())
    assert names == sorted(p.name for p in (tmp_path / "lean").iterdir() if p.is_file())
    differ = [n for n in names if (tmp_path / "all" / n).read_bytes() != (tmp_path / "lean" / n).read_bytes()]
    assert differ == ["manifest.json", "report.html"]  # they list the parameter itself
    kw = a.kwic("情報共有")
    pd.testing.assert_frame_equal(kw, b.kwic("情報共有"))
    assert len(kw) > 50
    assert not list((tmp_path / "lean" / ".cache").glob(".cooccur-spill-*"))


def test_a_killed_runs_spill_folder_is_removed_by_the_next_run(tmp_path):
    out = tmp_path / "out"
    analyze(SAMPLE, output=out, tokens_in_memory="lean", formats=("graphml",))
    stale = out / ".cache" / ".cooccur-spill-killed"
    stale.mkdir()
    (stale / "front0.npz").write_bytes(b"partial")
    analyze(SAMPLE, output=out, tokens_in_memory="lean", formats=("graphml",))
    assert not stale.exists()


def test_lean_needs_an_output_folder():
    with pytest.raises(ValueError, match="output"):
        analyze(SAMPLE, tokens_in_memory="lean")


def test_table_writer_leaves_nothing_when_interrupted(tmp_path):
    path = tmp_path / "t.parquet"
    path.write_bytes(b"old")
    df = pd.DataFrame({"a": [1, 2]})
    with pytest.raises(KeyboardInterrupt):
        with TableWriter(path, "parquet") as w:
            w.write(df)
            raise KeyboardInterrupt
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]


def test_table_writer_row_groups_do_not_depend_on_the_parts(tmp_path):
    import pyarrow.parquet as pq

    n = 600_000  # three row groups of 256Ki rows, the last short
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.integers(0, 9, n),
                       "s": pd.Categorical.from_codes(rng.integers(0, 3, n), categories=pd.Index(["議会", "区", "市"], dtype="str"))})
    write_table(df, tmp_path / "whole.parquet")
    with TableWriter(tmp_path / "parts.parquet", "parquet") as w:
        for lo, hi in [(0, 10), (10, 400_000), (400_000, 400_000), (400_000, n)]:
            w.write(df.iloc[lo:hi])
    assert _digest(tmp_path / "parts.parquet") == _digest(tmp_path / "whole.parquet")
    assert pq.ParquetFile(tmp_path / "parts.parquet").metadata.num_row_groups == 3


def test_an_interrupted_stream_leaves_the_old_file_and_no_spill(tmp_path, utterances):
    path = tmp_path / "tokens.parquet"
    path.write_bytes(b"the previous run's table")
    seen = []

    def interrupt(batch):
        seen.append(len(batch))
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        tokenize_to_file(utterances, path, batch_chars=6000, on_batch=interrupt)
    assert path.read_bytes() == b"the previous run's table"
    assert [p.name for p in tmp_path.iterdir()] == ["tokens.parquet"]


def test_batches_without_tokens_and_a_line_longer_than_sudachis_limit(tmp_path):
    long = "標準化の作業は情報共有がないと進みません、" * 1200 + "共同利用" * 3000 + "。"
    u = pd.DataFrame({
        "doc_id": ["a.txt", "b.txt", "b.txt", "c.txt", "d.txt", "e.txt"],
        "utterance_id": [0, 0, 1, 0, 0, 0],
        "speaker": ["石井委員", "小林委員", "小林委員", None, "石井委員", "小林委員"],
        "text": ["", long, "\n\n", "短い発言です。\n次の段落です。", "", "ＩＣＴ人材の確保と育成。"],
        "exclusion": [pd.NA, pd.NA, pd.NA, pd.NA, "preamble", pd.NA],
    })
    whole = tokenize_utterances(u)
    write_table(whole, tmp_path / "whole.parquet")
    st = tokenize_to_file(u, tmp_path / "streamed.parquet", batch_chars=1)
    assert _digest(tmp_path / "streamed.parquet") == _digest(tmp_path / "whole.parquet")
    assert st.n_tokens == len(whole) and (whole["term"] == "情報共有").sum() == 1200
    text = "".join(whole.loc[(whole["doc_id"] == "b.txt") & (whole["utterance_id"] == 0), "surface"])
    assert text == unicodedata.normalize("NFKC", long)
    lean = st.tokens
    assert set(lean["doc_id"].astype(str)) == {"b.txt", "c.txt", "e.txt"}  # empty and excluded remarks have no token
    row = lean[(lean["doc_id"] == "c.txt") & (lean["surface"] == "段落")].iloc[0]
    assert "短い発言です。\n次の段落です。"[row["offset"]:row["offset"] + 2] == "段落"  # the line break is counted


def test_nothing_to_tokenize_still_writes_an_empty_table(tmp_path):
    u = pd.DataFrame({"doc_id": ["a.txt"], "utterance_id": [0], "text": [""]})
    write_table(tokenize_utterances(u), tmp_path / "whole.parquet")
    st = tokenize_to_file(u, tmp_path / "streamed.parquet")
    assert _digest(tmp_path / "streamed.parquet") == _digest(tmp_path / "whole.parquet")
    assert st.n_tokens == 0 and len(st.tokens) == 0 and "offset" in st.tokens.columns


def test_lean_rerun_reuses_the_cached_lean_table_only_while_the_tokens_file_is_untouched(tmp_path):
    out = tmp_path / "out"
    opts = dict(output=out, tokens_in_memory="lean", formats=("graphml", "html"), keyword_score="flr")
    first = analyze(SAMPLE, **opts)
    files = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != "manifest.json"}
    second = analyze(SAMPLE, **opts)
    assert second.cache_stats["tokens_reused"] is True
    assert second.summary() == first.summary()
    pd.testing.assert_frame_equal(second.tokens, first.tokens)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != "manifest.json"} == files
    (out / "tokens.parquet").write_bytes(b"edited by hand")
    third = analyze(SAMPLE, **opts)
    assert third.cache_stats["tokens_reused"] is False
    assert (out / "tokens.parquet").read_bytes() == files["tokens.parquet"]
    fourth = analyze(SAMPLE, **{**opts, "compounds": "all"})  # other term rules: streamed again
    assert fourth.cache_stats["tokens_reused"] is False
    assert (out / "tokens.parquet").read_bytes() != files["tokens.parquet"]


def test_auto_streams_above_the_threshold_and_only_with_an_output_folder(tmp_path, monkeypatch):
    import cooccur.pipeline as pipeline

    opts = dict(formats=("graphml",), cache=False)
    small = analyze(SAMPLE, output=tmp_path / "a", **opts)
    assert small.tokens_file is None and small.parameters["tokens_in_memory"] == "all"  # 77k characters
    monkeypatch.setattr(pipeline, "AUTO_LEAN_CHARS", 50_000)
    lean = analyze(SAMPLE, output=tmp_path / "b", **opts)
    assert lean.tokens_file == tmp_path / "b" / "tokens.parquet" and lean.parameters["tokens_in_memory"] == "lean"
    assert lean.token_counts["tokens"] > 2 * len(lean.tokens)
    assert analyze(SAMPLE, **opts).tokens_file is None  # no output folder: nowhere to stream to
    assert (tmp_path / "a" / "tokens.parquet").read_bytes() == (tmp_path / "b" / "tokens.parquet").read_bytes()


def test_kwic_and_compare_on_a_lean_table_equal_the_full_tables(tmp_path):
    from cooccur.pipeline import compare, kwic_lines

    for term in ("情報共有", "ICT人材"):
        full = kwic_lines(SAMPLE, term, tokens_in_memory="all")
        assert len(full) > 20
        pd.testing.assert_frame_equal(kwic_lines(SAMPLE, term, tokens_in_memory="lean"), full)
    a = compare(SAMPLE, group_by="区分", tokens_in_memory="all")
    b = compare(SAMPLE, group_by="区分", tokens_in_memory="lean")
    pd.testing.assert_frame_equal(a.edges, b.edges)
    pd.testing.assert_frame_equal(a.terms, b.terms)
    assert len(a.edges) > 50


def test_lean_table_without_a_file(tmp_path, utterances):
    st = tokenize_to_file(utterances, None, batch_chars=6000, spill_dir=tmp_path)
    assert st.path is None and st.n_tokens > 40_000
    assert list(tmp_path.iterdir()) == []
    lean = tokenize_to_file(utterances, tmp_path / "t.parquet").tokens
    pd.testing.assert_frame_equal(st.tokens, lean)
