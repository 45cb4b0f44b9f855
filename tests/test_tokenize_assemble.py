"""cooccur.tokenize.assemble: SudachiPy's analysis → tokens rows, compounds joined per mode, batch-independent."""

from __future__ import annotations

import pandas as pd
import pytest

from cooccur.tokenize.assemble import empty_frame, sorted_codes
from cooccur.tokenize import tokenize_to_file, tokenize_utterances

# 防災訓練 and 実施計画 recur three times, 移行支援 once; ICT人材 and 区市町村 have an acronym / one-character part
TEXTS = ["区市町村のICT人材を確保する。", "防災訓練の実施計画を見直す。", "防災訓練の実施計画は大事です。",
         "防災訓練の実施計画を来年も。", "業務システム標準化の移行支援。"]


def _terms(tokens) -> list[list[str]]:
    return [list(g["term"].dropna()) for _, g in tokens.groupby("utterance_id", sort=True)]


def test_compounds_off_keeps_sudachis_words():
    got = _terms(tokenize_utterances(TEXTS, compounds="off"))
    assert got[1] == ["防災", "訓練", "実施計画", "見直す"]  # 実施計画 is one word in SudachiPy's mode C
    assert got[4] == ["業務", "システム", "標準化", "移行", "支援"]
    assert "ICT人材" not in sum(got, [])


def test_compounds_all_joins_every_noun_run():
    got = _terms(tokenize_utterances(TEXTS, compounds="all"))
    assert got[0] == ["区市町村", "ICT人材", "確保"]
    assert got[1] == ["防災訓練", "実施計画", "見直す"]
    assert got[4] == ["業務システム標準化", "移行支援"]


def test_compounds_frequent_joins_recurring_runs_and_always_acronyms_and_short_parts():
    got = _terms(tokenize_utterances(TEXTS))  # the default: frequent, at least 3 occurrences
    assert got[0] == ["区市町村", "ICT人材", "確保"]  # joined although each occurs once
    assert [g[0] for g in got[1:4]] == ["防災訓練"] * 3  # three occurrences: kept whole
    assert got[4] == ["業務", "システム", "標準化", "移行", "支援"]  # once: not invented
    got4 = _terms(tokenize_utterances(TEXTS, compound_min_frequency=4))
    assert got4[1][:2] == ["防災", "訓練"] and got4[0][:2] == ["区市町村", "ICT人材"]


def test_a_joined_compound_row_concatenates_its_parts():
    tokens = tokenize_utterances(TEXTS)
    row = tokens[tokens["term"] == "防災訓練"].iloc[0]
    assert (row["surface"], row["pos"], row["dictionary_form"], row["reading"]) == \
        ("防災訓練", "複合名詞", "防災訓練", "ボウサイクンレン")
    # the parts' rows are gone: positions run on without a gap
    utt = tokens[tokens["utterance_id"] == 1]
    assert list(utt["position"]) == list(range(len(utt)))
    assert list(utt["surface"]) == ["防災訓練", "の", "実施計画", "を", "見直す", "。"]


def test_frequent_compounds_do_not_depend_on_how_the_corpus_is_cut_into_batches(tmp_path):
    whole = tokenize_utterances(TEXTS)
    streamed = tokenize_to_file(TEXTS, tmp_path / "tokens.parquet", batch_chars=20)  # about one utterance a batch
    on_disk = pd.read_parquet(tmp_path / "tokens.parquet")
    assert _terms(on_disk) == _terms(whole)
    assert streamed.n_tokens == len(whole) and streamed.n_counted == int(whole["term"].notna().sum())


def test_sorted_codes_and_empty_frame():
    cats, codes = sorted_codes(["防災", "予算", "防災", "議会"])
    assert list(cats) == sorted({"防災", "予算", "議会"})
    assert [cats[c] for c in codes] == ["防災", "予算", "防災", "議会"]
    columns = list(tokenize_utterances(TEXTS[:1]).columns)
    frame = empty_frame(columns)
    assert list(frame.columns) == columns and len(frame) == 0
    assert str(frame["position"].dtype) == "int64" and str(frame["term"].dtype) == "category"
    assert list(tokenize_utterances([]).dtypes.astype(str)) == list(frame.dtypes.astype(str))


@pytest.mark.parametrize("mode", ["off", "all", "frequent"])
def test_every_character_is_in_exactly_one_token(mode):
    tokens = tokenize_utterances(TEXTS, compounds=mode)
    for uid, g in tokens.groupby("utterance_id"):
        assert "".join(g.sort_values("position")["surface"]) == TEXTS[uid]
