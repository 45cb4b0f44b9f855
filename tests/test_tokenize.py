"""Tests for cooccur.tokenize (the public API): the tokens table contract, ids, threads, long input."""

import unicodedata

import numpy as np
import pandas as pd
import pytest

from cooccur.tokenize import TOKEN_COLUMNS, chunks, tokenize_utterances

TALK = ("えー、区市町村の情報共有と標準化について、ＩＣＴ人材の確保も含めて伺います。\n"
        "はい、リモートワークの話ですね。うん、そうです！")


def utterances(texts, exclusion=None):
    n = len(texts)
    return pd.DataFrame({
        "doc_id": ["会議/第1回.txt"] * n,
        "utterance_id": list(range(n)),
        "speaker": ["山田委員"] * n,
        "text": texts,
        "exclusion": exclusion if exclusion is not None else [pd.NA] * n,
    })


def test_contract_columns_and_dtypes():
    tok = tokenize_utterances(utterances([TALK]))
    assert tuple(tok.columns) == TOKEN_COLUMNS
    for c in ("utterance_id", "paragraph_id", "sentence_id", "position"):
        assert tok[c].dtype == np.int64
    for c in ("doc_id", "surface", "term", "pos", "pos_detail", "dictionary_form", "normalized_form", "reading"):
        assert pd.api.types.is_string_dtype(tok[c]), c
    assert (tok["doc_id"] == "会議/第1回.txt").all()
    # every character (after NFKC) is in exactly one surface, in order
    assert "".join(tok["surface"]) == unicodedata.normalize("NFKC", TALK).replace("\n", "")


def test_paragraph_sentence_ids_and_positions():
    tok = tokenize_utterances(utterances(["はい。了解です！\n\n次に行きます", "予算です。"]))
    first = tok[tok["utterance_id"] == 0]
    by_sentence = first.groupby("sentence_id")["surface"].apply("".join).to_dict()
    assert by_sentence == {0: "はい。", 1: "了解です!", 2: "次に行きます"}
    assert first.groupby("sentence_id")["paragraph_id"].first().tolist() == [0, 0, 2]
    assert first["position"].tolist() == list(range(len(first)))
    second = tok[tok["utterance_id"] == 1]
    assert second["surface"].tolist() == ["予算", "です", "。"]
    assert second["position"].tolist() == [0, 1, 2]
    assert second["sentence_id"].tolist() == [0, 0, 0]


def test_fillers_backchannels_particles_not_terms():
    tok = tokenize_utterances(utterances([TALK]))
    terms = set(tok["term"].dropna())
    for noise in ("えー", "はい", "うん", "の", "と", "について", "、", "。", "そう"):
        assert noise not in terms
    counted = tok[tok["term"].notna()]
    assert not counted["pos"].isin(["助詞", "助動詞", "感動詞", "補助記号"]).any()


def test_five_terms_are_single_terms_with_defaults():
    tok = tokenize_utterances(utterances([TALK, "区市町村ごとの標準化と、ICT人材の育成。"]))
    terms = tok["term"].dropna().tolist()
    for t in ("区市町村", "ICT人材", "情報共有", "標準化", "リモートワーク"):
        assert t in terms, t
    # no fragment of them is counted on its own
    for frag in ("区市", "町", "村", "ICT", "人材", "情報", "共有"):
        assert frag not in terms, frag
    assert terms.count("ICT人材") == 2  # written once full-width, once half-width


def test_display_form_is_something_written():
    tok = tokenize_utterances("リモートワークを進める。リモートワークの課題。")
    row = tok[tok["surface"] == "リモートワーク"].iloc[0]
    assert row["normalized_form"] == "remote work"  # SudachiPy normalises to English ...
    assert set(tok["term"].dropna()) == {"リモートワーク", "進める", "課題"}  # ... but we never show it


def test_verbs_display_dictionary_form():
    tok = tokenize_utterances("窓口を増やした。窓口を増やします。")
    assert tok["term"].dropna().tolist() == ["窓口", "増やす", "窓口", "増やす"]


def test_long_line_is_split_without_loss():
    unit = "庁内の情報共有を進め、職員の負担を減らし"
    text = unit * (200_000 // len(unit.encode("utf-8")) + 1)  # one line > 200 KB, no 。
    assert len(text.encode("utf-8")) > 200_000
    tok = tokenize_utterances(text, jobs=1)
    assert "".join(tok["surface"]) == text
    assert tok["sentence_id"].unique().tolist() == [0]
    assert (tok["term"] == "情報共有").sum() == text.count("情報共有")


def test_deterministic_across_jobs(monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK_CHARS", 200)
    texts = [f"第{i}回。{TALK}防災情報システムの更新が{i}件です。" for i in range(40)]
    one = tokenize_utterances(utterances(texts), jobs=1)
    two = tokenize_utterances(utterances(texts), jobs=2)
    pd.testing.assert_frame_equal(one, two)
    assert one["utterance_id"].is_monotonic_increasing


def test_excluded_rows_skipped_unless_asked():
    u = utterances(["出席者一覧", "標準化です。"], exclusion=["preamble", pd.NA])
    tok = tokenize_utterances(u)
    assert tok["utterance_id"].unique().tolist() == [1]
    tok = tokenize_utterances(u, include_excluded=True)
    assert tok["utterance_id"].unique().tolist() == [0, 1]


@pytest.mark.parametrize("data", [[], utterances(["予算"], exclusion=["preamble"]), utterances([""])])
def test_empty_input(data):
    tok = tokenize_utterances(data)
    assert len(tok) == 0
    assert tuple(tok.columns) == TOKEN_COLUMNS
    assert tok["position"].dtype == np.int64


def test_progress_reports_all_characters():
    seen = []
    texts = ["標準化です。", "情報共有です。", ""]
    tokenize_utterances(utterances(texts), progress=seen.append, jobs=1)
    assert sum(seen) == sum(map(len, texts))


def test_invalid_arguments():
    with pytest.raises(ValueError, match="unknown split_mode 'c'.*'A', 'B', 'C'"):
        tokenize_utterances("予算", split_mode="c")
    with pytest.raises(ValueError, match="jobs"):
        tokenize_utterances("予算", jobs=0)
    with pytest.raises(ValueError, match="utterances lacks"):
        tokenize_utterances(pd.DataFrame({"text": ["予算"]}))


def test_speakers_names_and_their_parts_are_not_terms():
    import pandas as pd

    utt = pd.DataFrame({
        "doc_id": "r5.txt", "utterance_id": [0, 1],
        "speaker": ["議長（佐藤次郎君）", "十番（鈴木一郎君）"],
        "text": ["十番鈴木一郎君。", "鈴木一郎議員として、標準化とデジタル人材について質問します。"],
        "exclusion": pd.NA,
    })
    terms = set(tokenize_utterances(utt)["term"].dropna())
    assert {"鈴木", "一郎", "鈴木一郎"}.isdisjoint(terms)
    assert "標準化" in terms
    kept = set(tokenize_utterances(utt, speaker_stopwords=False)["term"].dropna())
    assert {"鈴木", "一郎"} <= kept
