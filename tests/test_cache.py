"""The token cache: a re-run reuses the tokenization, and results do not change."""

from __future__ import annotations

import shutil

import pandas as pd

import cooccur

TALK = {
    "第1回.txt": "○司会　本日は標準化について伺います。\n○港区（DX推進担当課長）　標準化の移行は大変です。ICT人材も足りません。\n"
                 "○立川市（DX推進課長）　情報共有の場があれば標準化も進むと思います。ベンダーとの調整も情報共有が鍵です。\n",
    "第2回.txt": "○司会　ICT人材の確保について伺います。\n○港区（DX推進担当課長）　ICT人材の採用は難航しています。研修で育てています。\n"
                 "○立川市（DX推進課長）　研修の教材を近隣と情報共有しています。ICT人材の育成は時間がかかります。\n",
    "第3回.txt": "○司会　テレワークの環境整備についてです。\n○港区（DX推進担当課長）　端末の更新とネットワークの整備を進めています。\n"
                 "○立川市（DX推進課長）　テレワークの端末は標準化した構成にしました。ネットワークの情報共有もしています。\n",
}


def _corpus(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in TALK.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _outputs(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != "manifest.json"}


def test_second_run_uses_the_cache_and_gives_identical_outputs(tmp_path):
    src = _corpus(tmp_path / "in")
    out = tmp_path / "out"
    first = cooccur.analyze(src, output=out, min_frequency=2, formats=("graphml", "json", "png"))
    assert first.cache_stats["hits"] == 0 and first.cache_stats["misses"] == 3
    before = _outputs(out)
    second = cooccur.analyze(src, output=out, min_frequency=2, formats=("graphml", "json", "png"))
    assert second.cache_stats["tokens_reused"] is True and second.cache_stats["misses"] == 0
    assert _outputs(out) == before
    pd.testing.assert_frame_equal(first.tokens, second.tokens)
    third = cooccur.analyze(src, output=out, min_frequency=2, formats=("graphml",), top_n=5)
    assert third.cache_stats["tokens_reused"] is True
    pd.testing.assert_frame_equal(third.tokens, first.tokens)
    # and a run without any cache gives the same tokens
    uncached = cooccur.analyze(src, min_frequency=2, cache=False)
    pd.testing.assert_frame_equal(uncached.tokens, second.tokens)


def test_only_changed_documents_are_tokenized_again(tmp_path):
    src = _corpus(tmp_path / "in")
    out = tmp_path / "out"
    cooccur.analyze(src, output=out, min_frequency=2, formats=("graphml",))
    (src / "第2回.txt").write_text(TALK["第2回.txt"] + "○司会　ありがとうございました。標準化の話も続けます。\n", encoding="utf-8")
    again = cooccur.analyze(src, output=out, min_frequency=2, formats=("graphml",))
    assert again.cache_stats == {"folder": str(out / ".cache" / "tokens"), "hits": 2, "misses": 1,
                                 "tokens_reused": False, "files_reused": 2,  # the changed file was read again
                                 "figures_reused": 0,  # formats=("graphml",) draws none
                                 "stages_reused": 0}  # the tokens changed: every token-only stage computed again
    fresh = cooccur.analyze(src, min_frequency=2, cache=False)
    pd.testing.assert_frame_equal(fresh.tokens, again.tokens)


def test_term_rules_apply_to_cached_analyses(tmp_path):
    src = _corpus(tmp_path / "in")
    out = tmp_path / "out"
    cooccur.analyze(src, output=out, min_frequency=2, formats=("graphml",))
    again = cooccur.analyze(src, output=out, min_frequency=2, formats=("graphml",), extra_stopwords=("研修",))
    assert again.cache_stats["hits"] == 3 and again.cache_stats["tokens_reused"] is False
    assert "研修" not in set(again.tokens["term"].dropna())
    assert "研修" in set(again.tokens["surface"])


def test_the_corpus_entry_of_an_older_cache_format_is_removed(tmp_path):
    src = _corpus(tmp_path / "in")
    out = tmp_path / "out"
    cooccur.analyze(src, output=out, min_frequency=2, formats=("graphml",))
    old = out / ".cache" / "tokens" / "corpus-0123.parquet"
    old.write_bytes(b"a table of cache format 1")
    again = cooccur.analyze(src, output=out, min_frequency=2, formats=("graphml",),
                            compound_min_frequency=2)  # another tokenize parameter: a new corpus entry
    assert not again.cache_stats["tokens_reused"] and not old.exists()
    assert len(list((out / ".cache" / "tokens").glob("corpus-*.arrow"))) == 1


def test_a_damaged_entry_is_a_miss_not_a_crash(tmp_path):
    src = _corpus(tmp_path / "in")
    out = tmp_path / "out"
    cooccur.analyze(src, output=out, min_frequency=2, formats=("graphml",))
    for entry in [*(out / ".cache" / "tokens").rglob("*.parquet"), *(out / ".cache" / "tokens").glob("*.arrow")]:
        entry.write_bytes(b"not an Arrow file")
    again = cooccur.analyze(src, output=out, min_frequency=2, formats=("graphml",))
    assert again.cache_stats["hits"] == 0 and again.cache_stats["misses"] == 3
    assert again.cache_stats["tokens_reused"] is False
    shutil.rmtree(out)


def test_cached_and_uncached_tokens_agree_for_a_document_of_many_chunks(tmp_path):
    turn = "○港区（課長）　標準化と情報共有について、ICT人材の確保を含めて議論します。" * 3 + "\n"
    long_talk = turn * 1200  # ~130,000 characters in 1,200 turns: several tokenizer chunks
    src = tmp_path / "in"
    src.mkdir()
    (src / "長い会議.txt").write_text(long_talk + TALK["第1回.txt"], encoding="utf-8")
    out = tmp_path / "out"
    first = cooccur.analyze(src, output=out, min_frequency=2, formats=("graphml",), jobs=2)
    for entry in (out / ".cache" / "tokens").glob("corpus-*.arrow"):
        entry.unlink()
    again = cooccur.analyze(src, output=out, min_frequency=2, formats=("graphml",), jobs=1)
    assert again.cache_stats["hits"] == 1 and again.cache_stats["tokens_reused"] is False
    fresh = cooccur.analyze(src, min_frequency=2, cache=False, jobs=2)
    pd.testing.assert_frame_equal(first.tokens, again.tokens)
    pd.testing.assert_frame_equal(fresh.tokens, again.tokens)


def test_flr_counts_are_kept_with_the_tokens_and_give_the_same_keywords(tmp_path):
    src = _corpus(tmp_path / "in")
    out = tmp_path / "out"
    first = cooccur.analyze(src, output=out, min_frequency=2, formats=("graphml",))
    (entry,) = (out / ".cache" / "tokens").glob("corpus-*.json")
    again = cooccur.analyze(src, output=out, min_frequency=2, formats=("graphml",))
    assert again.cache_stats["tokens_reused"] is True
    uncached = cooccur.analyze(src, min_frequency=2, cache=False)
    assert (first.keywords["flr"] > first.keywords["frequency"]).any()  # compounds and neighbours scored
    pd.testing.assert_frame_equal(again.keywords, uncached.keywords)
    pd.testing.assert_frame_equal(first.keywords, uncached.keywords)
    entry.write_text("{not json", encoding="utf-8")  # damaged: FLR is counted from the tokens again
    damaged = cooccur.analyze(src, output=out, min_frequency=2, formats=("graphml",))
    pd.testing.assert_frame_equal(damaged.keywords, uncached.keywords)


def test_changed_term_rules_do_not_reuse_the_tokens_table(tmp_path, monkeypatch):
    """The whole tokens table is keyed by the term rules' code too (a new cooccur counts anew)."""
    from pathlib import Path

    from cooccur import cache as token_cache

    src = _corpus(tmp_path / "in")
    out = tmp_path / "out"
    cooccur.analyze(src, output=out, min_frequency=2, formats=("graphml",))
    monkeypatch.setattr(token_cache, "rules_digest", lambda: "other term rules")
    again = cooccur.analyze(src, output=out, min_frequency=2, formats=("graphml",))
    assert again.cache_stats["hits"] == 3 and again.cache_stats["tokens_reused"] is False
    package = Path(token_cache.__file__).resolve().parent  # the installed cooccur, not the checkout's
    sources = {p.relative_to(package).as_posix() for p in token_cache._rules_sources()}
    assert {"tokenize/assemble.py", "tokenize/terms.py", "data/stopwords_minutes.txt"} <= sources


def test_kept_flr_counts_carry_their_compound_splits(tmp_path, monkeypatch):
    from cooccur.cache import TokenCache
    from cooccur.keywords import FLRCounts
    from cooccur.tokenize import tokenize_utterances

    tokens = tokenize_utterances(["ICT人材育成計画の策定と情報共有基盤の整備を進めます。", "情報共有基盤は区市町村で使います。"])
    compounds = sorted(set(tokens.loc[tokens["pos"] == "複合名詞", "surface"]))
    assert compounds  # joined compounds such as 情報共有基盤
    counts = FLRCounts().add(tokens)
    cache = TokenCache(tmp_path / "tokens")
    cache.save_tokens("k", tokens, flr=counts)
    import cooccur.tokenize as tk

    def no_tokenizer(*a, **k):
        raise AssertionError("the splits were kept: no tokenizer is needed")

    monkeypatch.setattr(tk, "get_tokenizer", no_tokenizer)
    loaded = cache.load_flr("k")
    assert {c: loaded.split(c) for c in compounds} == {c: counts.split(c) for c in compounds}
    assert all(len(loaded.split(c)) > 1 for c in compounds)
    assert (loaded.fl, loaded.fr, loaded.first) == (counts.fl, counts.fr, counts.first)
