"""Tests for cooccur.matrix: the unit × term matrix, its frequencies, unit codes and group helpers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cooccur.matrix import (UNIT_KEYS, UNITS, UnitTermMatrix, build_matrix, category_codes, check_unit, unit_codes,
                            unit_term_matrix)
from handmade import A, B, C, D, make_tokens


@pytest.fixture
def hand():
    # paragraphs: U0 = {A, B, C} (A twice), U1 = {A, B}, U2 = {A, C}, U3 = {B, D}, U4 = {} (only a particle)
    # N = 5; df: A 3, B 3, C 2, D 1; frequency: A 4, B 3, C 2, D 1
    return make_tokens([[A, None, A, B, C], [A, B], [A, C], [B, D], [None]])


@pytest.fixture(scope="module")
def remarks():
    """Two turns of real Japanese remarks, through SudachiPy and the term rules."""
    tokenize = pytest.importorskip("cooccur.tokenize").tokenize_utterances
    texts = ["予算の審議を始めます。予算は大切です。\n条例も審議します。", "条例の改正を提案します。"]
    utterances = pd.DataFrame({"doc_id": "委員会.txt", "utterance_id": [0, 1], "speaker": ["山田委員長", "佐藤委員"],
                               "text": texts, "exclusion": pd.NA, "line": [1, 4]})
    return tokenize(utterances)


def test_unit_term_matrix_keys_vocabulary_and_empty_units(hand):
    X, units, vocab = unit_term_matrix(hand, unit="paragraph")
    assert vocab == [A, D, C, B]  # sorted
    assert units.columns.tolist() == ["doc_id", "utterance_id", "paragraph_id"]
    assert units["paragraph_id"].tolist() == [0, 1, 2, 3, 4]  # U4 has no counted term but is a unit
    assert X.dtype == np.int32
    assert X.toarray().tolist() == [[1, 0, 1, 1], [1, 0, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 0, 0]]
    Xc, _, _ = unit_term_matrix(hand, unit="paragraph", binary=False)
    assert Xc.toarray()[0].tolist() == [2, 0, 1, 1]
    Xd, ud, _ = unit_term_matrix(hand, unit="document")
    assert ud["doc_id"].tolist() == ["会議録.txt"] and Xd.toarray().tolist() == [[1, 1, 1, 1]]
    Xv, _, v = unit_term_matrix(hand, vocabulary=[B, A])
    assert v == [B, A] and Xv[:, 0].sum() == 3


def test_frequencies_are_counted_once_whatever_the_matrix_holds(hand):
    m = build_matrix(hand, unit="paragraph")
    assert isinstance(m, UnitTermMatrix) and m.unit == "paragraph" and m.binary and m.n_units == 5
    assert m.vocabulary == [A, D, C, B]
    assert m.frequency.tolist() == [4, 1, 2, 3] and m.document_frequency.tolist() == [3, 1, 2, 3]
    assert m.frequency.dtype == np.int64 and m.document_frequency.dtype == np.int64
    counts = build_matrix(hand, unit="paragraph", binary=False)
    assert counts.frequency.tolist() == np.asarray(counts.X.sum(axis=0)).ravel().tolist() == [4, 1, 2, 3]
    assert counts.document_frequency.tolist() == [3, 1, 2, 3]
    doc = build_matrix(hand, unit="document")
    assert doc.frequency.tolist() == [4, 1, 2, 3] and doc.document_frequency.tolist() == [1, 1, 1, 1]
    only = build_matrix(hand, unit="paragraph", vocabulary=[B, A])
    assert only.frequency.tolist() == [3, 4] and only.document_frequency.tolist() == [3, 3]
    assert m.token_units is None and m.token_terms is None  # kept only when asked for
    with pytest.raises(ValueError, match="duplicate terms"):
        build_matrix(hand, vocabulary=[A, A])
    with pytest.raises(ValueError, match="did you mean 'paragraph'"):
        build_matrix(hand, unit="paragrah")


def test_real_remarks_by_every_unit(remarks):
    # counted: 予算 ×2 and 審議 in sentences 0–1 of paragraph 0; 条例, 審議 in paragraph 1; 条例, 改正, 提案 in turn 1
    assert remarks["term"].dropna().tolist() == ["予算", "審議", "予算", "条例", "審議", "条例", "改正", "提案"]
    expected_df = {"sentence": {"予算": 2, "審議": 2, "条例": 2}, "paragraph": {"予算": 1, "審議": 2, "条例": 2},
                   "utterance": {"予算": 1, "審議": 1, "条例": 2}, "document": {"予算": 1, "審議": 1, "条例": 1}}
    n_units = {"sentence": 4, "paragraph": 3, "utterance": 2, "document": 1}
    for unit in UNITS:
        m = build_matrix(remarks, unit=unit)
        assert m.units.columns.tolist() == list(UNIT_KEYS[unit]) and m.n_units == n_units[unit], unit
        freq = dict(zip(m.vocabulary, m.frequency.tolist()))
        assert freq == {"予算": 2, "審議": 2, "条例": 2, "改正": 1, "提案": 1}, unit
        df = dict(zip(m.vocabulary, m.document_frequency.tolist()))
        assert {t: df[t] for t in expected_df[unit]} == expected_df[unit], unit


def test_matrix_of_the_sample_minutes_matches_a_plain_recount(sample_dir):
    """Frequencies and document frequencies against pandas' own counting, on the bundled minutes."""
    import cooccur

    tokens = cooccur.analyze(sample_dir).tokens
    counted = tokens[tokens["term"].notna()].astype({"term": str})
    for unit in ("sentence", "utterance"):
        m = build_matrix(tokens, unit=unit, binary=False)
        keys = list(UNIT_KEYS[unit])
        freq = counted["term"].value_counts()
        df = counted.drop_duplicates([*keys, "term"])["term"].value_counts()
        assert m.vocabulary == sorted(freq.index)
        assert m.frequency.tolist() == freq.reindex(m.vocabulary).tolist()
        assert m.document_frequency.tolist() == df.reindex(m.vocabulary).tolist()
        assert m.n_units == len(tokens.drop_duplicates(keys))
        assert int(m.X.sum()) == len(counted)


def test_a_categorical_table_in_any_order_gives_the_matrix_of_its_plain_strings(sample_dir):
    """build_matrix reads categoricals through their codes and takes row pointers from rows already in order;
    the matrix, units, vocabulary and counts must be those of the same table as plain str columns."""
    import cooccur

    tokens = cooccur.analyze(sample_dir).tokens[["doc_id", "utterance_id", "paragraph_id", "sentence_id", "term"]]
    assert isinstance(tokens["term"].dtype, pd.CategoricalDtype)  # what the tokenizer makes
    plain = tokens.astype({"doc_id": str, "term": str}).assign(term=lambda t: t["term"].where(tokens["term"].notna()))
    cats = list(tokens["term"].cat.categories)[::-1] + ["使われない語"]  # reversed, one category unused
    reordered = tokens.assign(term=tokens["term"].cat.set_categories(cats),
                              doc_id=tokens["doc_id"].cat.reorder_categories(tokens["doc_id"].cat.categories[::-1]))
    shuffled = tokens.sample(frac=1.0, random_state=0)  # units no longer in order: through COO
    nullable = tokens.astype({"utterance_id": "Int64", "paragraph_id": "Int64"})  # units keep NumPy ints
    vocabulary = sorted(tokens["term"].dropna().unique())[::7] + ["出てこない語"]
    for unit in ("sentence", "paragraph", "document"):
        for kwargs in ({}, {"binary": False}, {"vocabulary": vocabulary}):
            want = build_matrix(plain, unit=unit, token_codes=True, **kwargs)
            for table in (tokens, reordered, shuffled, nullable):
                got = build_matrix(table, unit=unit, token_codes=True, **kwargs)
                assert got.vocabulary == want.vocabulary and got.X.shape == want.X.shape
                assert got.X.has_canonical_format and (got.X != want.X).nnz == 0
                assert got.X.indices.dtype == want.X.indices.dtype == np.int32
                pd.testing.assert_frame_equal(got.units, want.units)
                assert got.frequency.tolist() == want.frequency.tolist()
                assert got.document_frequency.tolist() == want.document_frequency.tolist()
                order = plain.index.get_indexer(table.index)  # token codes follow the rows given
                assert got.token_units.tolist() == want.token_units[order].tolist()
                assert got.token_terms.tolist() == want.token_terms[order].tolist()


def test_columns_and_select(hand):
    m = build_matrix(hand, unit="paragraph")
    assert m.columns([B, "福祉", A]).tolist() == [3, -1, 0]
    s = m.select([B, C])
    assert s.vocabulary == [B, C] and s.frequency.tolist() == [3, 2] and s.document_frequency.tolist() == [3, 2]
    assert s.X.toarray().tolist() == [[1, 1], [1, 0], [0, 1], [1, 0], [0, 0]]
    assert s.units is m.units and s.token_units is None
    with pytest.raises(ValueError, match="terms not in the matrix: \\['福祉'\\]"):
        m.select([A, "福祉"])


def test_unit_indicator_and_term_counts_by_code(remarks):
    # a code per token row: its utterance (the speaker of a turn)
    m = build_matrix(remarks, unit="paragraph", token_codes=True)
    assert len(m.token_units) == len(m.token_terms) == len(remarks)
    assert (m.token_terms >= 0).sum() == 8 and (m.token_terms[remarks["term"].isna().to_numpy()] == -1).all()
    speaker = remarks["utterance_id"].to_numpy()
    V = m.unit_indicator(speaker, 2)  # paragraphs 0 and 1 are the first turn's, paragraph 2 the second's
    assert V.toarray().tolist() == [[1, 0], [1, 0], [0, 1]]
    C = m.term_counts_by(speaker, 2).toarray()
    by = {t: C[:, k].tolist() for k, t in enumerate(m.vocabulary)}
    assert by == {"予算": [2, 0], "審議": [2, 0], "条例": [1, 1], "改正": [0, 1], "提案": [0, 1]}
    some = np.where(speaker == 1, -1, speaker)  # -1: a token without a code is left out
    assert m.term_counts_by(some, 2).toarray().sum() == 5 and m.unit_indicator(some, 2).toarray()[:, 1].sum() == 0
    doc = build_matrix(remarks, unit="document", token_codes=True)
    assert doc.unit_indicator(speaker, 2).toarray().tolist() == [[1, 1]]  # a document holds both turns
    plain = build_matrix(remarks, unit="paragraph")
    with pytest.raises(ValueError, match="token_codes=True"):
        plain.unit_indicator(speaker, 2)
    with pytest.raises(ValueError, match="token_codes=True"):
        plain.term_counts_by(speaker, 2)


def test_unit_codes_sort_units_and_need_their_keys():
    t = pd.DataFrame({"doc_id": ["b", "a", "a", "b"], "utterance_id": [0, 1, 0, 0], "term": ["予算"] * 4})
    codes, units = unit_codes(t, "utterance")
    assert codes.tolist() == [2, 1, 0, 2]
    assert units.to_dict("list") == {"doc_id": ["a", "a", "b"], "utterance_id": [0, 1, 0]}
    with pytest.raises(ValueError, match=r"lack the column\(s\) \['paragraph_id'\]"):
        unit_codes(t, "paragraph")
    with pytest.raises(ValueError, match="has missing values"):
        unit_codes(t.assign(doc_id=["a", None, "a", "b"]), "document")
    empty, eunits = unit_codes(t.iloc[:0], "document")
    assert len(empty) == 0 and eunits.columns.tolist() == ["doc_id"]
    assert check_unit("document") == "document"


def test_category_codes_use_a_categorical_s_own_codes():
    cat = pd.Series(pd.Categorical(["議会", "予算", "議会"], categories=["予算", "議会", "条例"]))
    codes, values = category_codes(cat)
    assert codes.tolist() == [1, 0, 1] and list(values) == ["予算", "議会", "条例"]
    codes, values = category_codes(pd.Series(["議会", "予算", None]))
    assert codes.tolist() == [0, 1, -1] and list(values) == ["議会", "予算"]
