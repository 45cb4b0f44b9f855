"""cooccur.tokenize.backend: the stage works with any backend; a faulty backend fails clearly.

Uses the dictionary-free FakeBackend (tests/fake_backend.py): the term rules,
compounds, stopwords and the tokens table contract are the stage's, not SudachiPy's.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
import pytest
from fake_backend import FakeBackend, segment

from cooccur.cache import TokenCache
from cooccur.io import write_table
from cooccur.tokenize import (TOKEN_COLUMNS, Backend, Forms, Morphemes, SudachiBackend, tokenize_to_file,
                              tokenize_utterances)
from cooccur.tokenize.backend import check_forms, check_morphemes

FAKE = FakeBackend()


def _terms(texts, **kw) -> list[list[str]]:
    tok = tokenize_utterances(texts, backend=FAKE, **kw)
    return [list(g["term"].dropna()) for _, g in tok.groupby("utterance_id", sort=True)]


def test_the_fake_cuts_at_character_classes_and_lexicon_words():
    toks = segment("ICT人材の標準化を進める。")
    assert [s for s, _ in toks] == ["ICT", "人材", "の", "標準", "化", "を", "進める", "。"]
    assert [FAKE.forms(w, s).pos[0] for s, w in toks] == ["名詞", "名詞", "助詞", "名詞", "接尾辞", "助詞", "動詞",
                                                          "補助記号"]
    assert toks[1][1] == toks[3][1] != toks[0][1]  # 人材 and 標準: the kanji class; ICT: Latin
    assert isinstance(FAKE, Backend) and isinstance(SudachiBackend("C"), Backend)


def test_tokens_table_contract_with_another_backend():
    utt = pd.DataFrame({"doc_id": ["会議.txt"] * 2, "utterance_id": [3, 7], "speaker": ["司会", "港区"],
                        "text": ["えー、ＩＣＴ人材の確保。\nデータの連携を進める！", "2024年の予算。"],
                        "exclusion": [pd.NA, pd.NA]})
    tok = tokenize_utterances(utt, backend=FAKE)
    assert tuple(tok.columns) == TOKEN_COLUMNS
    for c in ("utterance_id", "paragraph_id", "sentence_id", "position"):
        assert tok[c].dtype == np.int64
    for uid, text in zip(utt["utterance_id"], utt["text"]):
        g = tok[tok["utterance_id"] == uid]
        assert "".join(g["surface"]) == unicodedata.normalize("NFKC", text).replace("\n", "")
        assert g["position"].tolist() == list(range(len(g)))
    first = tok[tok["utterance_id"] == 3]
    assert first.groupby("sentence_id")["paragraph_id"].first().tolist() == [0, 1]
    row = first[first["surface"] == "進める"].iloc[0]
    assert (row["pos"], row["pos_detail"], row["dictionary_form"]) == ("動詞", "動詞-一般-下一段-マ行-終止形-一般",
                                                                      "進める")


def test_term_rules_apply_to_any_backend():
    got = _terms(["えー、ICT人材の標準化を進める。", "2024年の議長の予算。"])
    # filler, particles, punctuation out; ICT+人材 (Latin part) and 標準+化 (suffix) joined without frequency
    assert got[0] == ["ICT人材", "標準化", "進める"]
    # numeral and the counter after it out; 議長 is a stopword of the minutes preset
    assert got[1] == ["予算"]
    tok = tokenize_utterances(["2024年の議長の予算。"], backend=FAKE)
    assert dict(zip(tok["surface"], tok["reason"].astype(object))) == {
        "2024": "numeral", "年": "numeral", "の": "pos", "議長": "stopword", "予算": np.nan, "。": "pos"}
    assert _terms(["議長の予算。"], stopwords="none", extra_stopwords=["予算"]) == [["議長"]]


def test_compound_modes_and_frequency_with_another_backend():
    texts = ["データ連携の課題。"] * 3 + ["システム更新の課題。"]
    assert _terms(texts, compounds="off")[0] == ["データ", "連携", "課題"]
    assert _terms(texts, compounds="all")[3] == ["システム更新", "課題"]
    freq = _terms(texts)  # frequent: データ連携 recurs 3 times, システム更新 once
    assert freq[0][0] == "データ連携" and freq[3][:2] == ["システム", "更新"]
    assert _terms(texts, compound_min_frequency=4)[0][:2] == ["データ", "連携"]
    assert _terms(["各自治体の課題。"])[0] == ["自治体", "課題"]  # 各 never starts a compound


def test_speakers_name_parts_come_from_the_backend():
    utt = pd.DataFrame({"doc_id": "r.txt", "utterance_id": [0], "speaker": ["十番（鈴木議員）"],
                        "text": ["鈴木議員の予算の課題。"], "exclusion": pd.NA})
    assert set(tokenize_utterances(utt, backend=FAKE)["term"].dropna()) == {"予算", "課題"}
    assert "鈴木" in set(tokenize_utterances(utt, backend=FAKE, speaker_stopwords=False)["term"].dropna())


def test_streamed_table_equals_the_whole_table_with_another_backend(tmp_path):
    texts = [f"第{i}回のデータ連携を進める。ICT人材の確保。" for i in range(30)]
    whole = tokenize_utterances(texts, backend=FAKE, jobs=2)
    write_table(whole, tmp_path / "whole.parquet")
    st = tokenize_to_file(texts, tmp_path / "streamed.parquet", batch_chars=100, backend=FAKE)
    assert (tmp_path / "streamed.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes()
    assert st.n_tokens == len(whole) and st.n_counted == int(whole["term"].notna().sum())


def test_two_backends_never_share_cached_analyses(tmp_path):
    utt = pd.DataFrame({"doc_id": "a.txt", "utterance_id": [0, 1], "text": ["情報共有を進める。", "標準化。"]})
    cache = TokenCache(tmp_path)
    fake = tokenize_utterances(utt, backend=FAKE, cache=cache)
    assert (cache.hits, cache.misses) == (0, 1)
    sudachi = tokenize_utterances(utt, cache=cache)
    assert (cache.hits, cache.misses) == (0, 2)  # not the fake's entry
    assert set(fake["reading"]) == {""} and "ジョウホウキョウユウ" in set(sudachi["reading"])
    tokenize_utterances(utt, backend=FakeBackend(version="2"), cache=cache)
    assert (cache.hits, cache.misses) == (0, 3)  # another identity, another entry
    again = tokenize_utterances(utt, backend=FAKE, cache=cache)
    assert (cache.hits, cache.misses) == (1, 3)
    pd.testing.assert_frame_equal(again, fake)
    assert SudachiBackend("A").identity() != SudachiBackend("C").identity()


class _Broken(FakeBackend):
    def __init__(self, fault):
        object.__setattr__(self, "fault", fault)

    def analyse(self, pieces):
        m = super().analyse(pieces)
        if self.fault == "list":
            return list(m)
        if self.fault == "short":
            return Morphemes(m.lengths, m.words[:-1], m.counts)
        if self.fault == "cover":
            return Morphemes(np.r_[m.lengths[:-1], m.lengths[-1] + 1], m.words, m.counts)
        if self.fault == "float":
            return Morphemes(m.lengths.astype(float), m.words, m.counts)
        return m

    def forms(self, word, surface):
        f = super().forms(word, surface)
        return (f.dictionary_form, f.reading, "名詞") if self.fault == "forms" else f


@pytest.mark.parametrize("fault, error, message", [
    ("list", TypeError, r"analyse\(\) must return cooccur.tokenize.backend.Morphemes, not list"),
    ("short", ValueError, r"backend _Broken: 4 lengths and 3 word ids, but counts sum to 4 tokens"),
    ("cover", ValueError, r"backend _Broken: the tokens of piece 0 cover 6 characters, the piece has 5 \('予算の話。'\)"),
    ("float", ValueError, r"Morphemes.lengths must be a 1-D integer array, got float64"),
    ("forms", TypeError, r"forms\(\d+, '予算'\) must be Forms\(dictionary_form, normalized_form, reading"),
])
def test_a_malformed_analysis_fails_with_a_clear_error(fault, error, message):
    with pytest.raises(error, match=message):
        tokenize_utterances(["予算の話。"], backend=_Broken(fault))


def test_check_morphemes_finds_each_kind_of_fault():
    ok = Morphemes(np.array([2, 1]), np.array([5, 6]), np.array([1, 1]))
    assert check_morphemes(ok, ["予算", "。"], None).counts.tolist() == [1, 1]
    with pytest.raises(ValueError, match="counts has 2 entries for 1 pieces"):
        check_morphemes(ok, ["予算。"], None)
    with pytest.raises(ValueError, match="3 lengths and 2 word ids"):
        check_morphemes(Morphemes(np.array([1, 1, 1]), np.array([5, 6]), np.array([3])), ["予算。"], None)
    with pytest.raises(ValueError, match="token 1 has length 0"):
        check_morphemes(Morphemes(np.array([3, 0]), np.array([5, 6]), np.array([2])), ["予算。"], None)
    with pytest.raises(ValueError, match="piece 1 cover 0 characters, the piece has 1"):
        check_morphemes(Morphemes(np.array([2]), np.array([5]), np.array([1, 0])), ["予算", "。"], None)
    assert check_forms(("a", "a", "", ("名詞",)), 1, "a", None) == Forms("a", "a", "", ("名詞",))
    with pytest.raises(TypeError, match="pos: non-empty tuple of str"):
        check_forms(Forms("a", "a", "", ()), 1, "a", None)


def test_an_object_that_is_not_a_backend_is_refused():
    class Half:
        def analyse(self, pieces):
            return FAKE.analyse(pieces)

    with pytest.raises(TypeError, match=r"backend must implement cooccur.tokenize.Backend.*Half lacks "
                                        r"\['identity', 'load', 'learn', 'forms', 'person_name_parts'\]"):
        tokenize_utterances("予算", backend=Half())
