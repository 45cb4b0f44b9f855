"""Tests for cooccur.kwic: concordance offsets (with NFKC), edge evidence."""

from __future__ import annotations

import pandas as pd
import pytest

from cooccur.kwic import concordance, edge_evidence


@pytest.fixture
def corpus():
    # full-width ＩＣＴ in the text; the tokenizer's surfaces are NFKC (ICT)
    utterances = pd.DataFrame({"doc_id": "会議録.txt", "utterance_id": [0, 1], "speaker": ["山田委員", "佐藤課長"],
                               "text": ["ＩＣＴ人材の育成。\n人材が足りない。", "人材育成を進めます。"], "line": [5, 9]})
    rows = [(0, 0, 0, "ICT人材", "ICT人材"), (0, 0, 0, "の", None), (0, 0, 0, "育成", "育成"), (0, 0, 0, "。", None),
            (0, 1, 1, "人材", "人材"), (0, 1, 1, "が", None), (0, 1, 1, "足り", "足りる"), (0, 1, 1, "ない", None),
            (0, 1, 1, "。", None),
            (1, 0, 0, "人材", "人材"), (1, 0, 0, "育成", "育成"), (1, 0, 0, "を", None), (1, 0, 0, "進め", "進める"),
            (1, 0, 0, "ます", None), (1, 0, 0, "。", None)]
    tokens = pd.DataFrame([dict(doc_id="会議録.txt", utterance_id=u, paragraph_id=p, sentence_id=s, surface=w,
                                term=t) for u, p, s, w, t in rows])
    tokens["position"] = tokens.groupby("utterance_id").cumcount()
    return tokens, utterances


def test_concordance_offsets_and_context(corpus):
    tokens, utterances = corpus
    k = concordance(tokens, utterances, "人材", width=5)
    assert k.columns.tolist() == ["doc_id", "utterance_id", "speaker", "left", "keyword", "right", "line", "term",
                                  "match"]
    # "ICT人材の育成。\n人材が…": 人材 inside ICT人材 at 3, alone at 10; the newline shows as a space
    assert k.values.tolist() == [["会議録.txt", 0, "山田委員", "ICT", "人材", "の育成。 ", 5, "ICT人材", "inside"],
                                 ["会議録.txt", 0, "山田委員", "の育成。 ", "人材", "が足りない", 5, "人材", "token"],
                                 ["会議録.txt", 1, "佐藤課長", "", "人材", "育成を進め", 9, "人材", "token"]]
    exact = concordance(tokens, utterances, "人材", width=5, exact=True)
    assert exact.drop(columns=["term", "match"]).values.tolist() == [
        ["会議録.txt", 0, "山田委員", "の育成。 ", "人材", "が足りない", 5], ["会議録.txt", 1, "佐藤課長", "", "人材", "育成を進め", 9]]
    k2 = concordance(tokens, utterances, "ICT人材", width=3)
    assert k2[["left", "keyword", "right", "match"]].values.tolist() == [["", "ICT人材", "の育成", "token"]]
    with pytest.raises(ValueError, match="does not occur.*did you mean 'ICT人材'"):
        concordance(tokens, utterances, "ICT人財")
    with pytest.raises(ValueError, match="only inside longer words"):
        concordance(tokens, utterances, "ICT", exact=True)


def test_concordance_finds_conjugated_forms_uncounted_words_and_spans(corpus):
    tokens, utterances = corpus
    # 進める is counted from the surface 進め: a line although the string 進める is not in the text
    k = concordance(tokens, utterances, "進める", width=2)
    assert k[["keyword", "term", "match"]].values.tolist() == [["進め", "進める", "token"]]
    # が is not counted: found, with no counted term
    g = concordance(tokens, utterances, "が", width=2)
    assert len(g) == 1 and pd.isna(g["term"].iloc[0]) and g["match"].iloc[0] == "token"
    # 材育 cuts 人材|育成: still an occurrence, across both tokens
    x = concordance(tokens, utterances, "材育", width=1)
    assert x[["keyword", "term", "match"]].values.tolist() == [["材育", "人材+育成", "across"]]
    # full-width input finds the NFKC text
    assert len(concordance(tokens, utterances, "ＩＣＴ")) == 1


def test_concordance_limit_keeps_first_lines_and_total(corpus):
    tokens, utterances = corpus
    # rows shuffled: the limited lines must still be the first ones in document order
    shuffled = tokens.iloc[::-1].reset_index(drop=True)
    full = concordance(shuffled, utterances, "人材", width=4)
    assert full.attrs["total"] == 3 and full["utterance_id"].tolist() == [0, 0, 1]
    one = concordance(shuffled, utterances, "人材", width=4, limit=1)
    assert one.attrs["total"] == 3
    assert one.values.tolist() == [["会議録.txt", 0, "山田委員", "ICT", "人材", "の育成。", 5, "ICT人材", "inside"]]
    assert concordance(tokens, utterances, "人材", limit=0).empty
    assert concordance(tokens, utterances, "人材", limit=5).equals(concordance(tokens, utterances, "人材"))
    with pytest.raises(ValueError, match="limit must be"):
        concordance(tokens, utterances, "人材", limit=-1)


def test_edge_evidence_units(corpus):
    tokens, utterances = corpus
    e = edge_evidence(tokens, utterances, "人材", "育成", unit="paragraph")
    assert e.columns.tolist() == ["doc_id", "utterance_id", "paragraph_id", "speaker", "text", "line"]
    assert e[["utterance_id", "text"]].values.tolist() == [[1, "人材育成を進めます。"]]
    u = edge_evidence(tokens, utterances, "人材", "育成", unit="utterance")
    assert u["text"].tolist() == ["ICT人材の育成。\n人材が足りない。", "人材育成を進めます。"]
    d = edge_evidence(tokens, utterances, "ICT人材", "進める", unit="document")
    assert len(d) == 1 and d["text"].iloc[0].count("\n") == 2


def test_real_japanese_text_through_the_tokenizer():
    from cooccur.cooccurrence import count_cooccurrence

    tokenize = pytest.importorskip("cooccur.tokenize").tokenize_utterances
    texts = ["ＩＣＴ人材の育成が急務です。\n情報共有の仕組みも整えたい。",
             "ICT人材を確保するため、研修を充実させます。",
             "情報共有については、庁内の仕組みを見直します。"]
    utterances = pd.DataFrame({"doc_id": "議事録.txt", "utterance_id": [0, 1, 2], "speaker": ["山田委員", "佐藤課長", "佐藤課長"],
                               "text": texts, "exclusion": pd.NA, "line": [3, 6, 8]})
    tokens = tokenize(utterances)
    k = concordance(tokens, utterances, "ICT人材", width=4)
    assert k[["utterance_id", "left", "keyword", "right"]].values.tolist() == [[0, "", "ICT人材", "の育成が"],
                                                                              [1, "", "ICT人材", "を確保す"]]
    cooc = count_cooccurrence(tokens, unit="paragraph", min_frequency=2, top_n=5)
    assert ("仕組み", "情報共有") in set(zip(cooc.edges.source, cooc.edges.target))
    ev = edge_evidence(tokens, utterances, "仕組み", "情報共有", unit="paragraph")
    assert ev["text"].tolist() == ["情報共有の仕組みも整えたい。", "情報共有については、庁内の仕組みを見直します。"]


@pytest.mark.parametrize("limit", [0, 1, 3, 30, None])
def test_narrowed_concordances_equal_the_whole_table_index(sample_analysis, limit):
    from cooccur.kwic import _concordance, concordance, concordances

    tokens, utterances = sample_analysis.tokens, sample_analysis.corpus.utterances
    terms = sorted(sample_analysis.graph.nodes)
    together = concordances(tokens, utterances, terms, limit=limit)
    for term in terms:
        alone = _concordance(tokens, utterances, term, width=30, limit=limit)  # the index of every utterance
        assert alone.attrs["total"] == together.attrs["totals"][term] > 0
        if limit is None:  # every counted token of the term is a line of concordance(exact=True) too
            public = concordance(tokens, utterances, term, exact=True)
            counted = public[public["term"] == term].drop(columns=["term", "match"]).reset_index(drop=True)
            pd.testing.assert_frame_equal(counted, alone, check_dtype=False)
        got = together[together["term"] == term]
        assert (got["total"] == alone.attrs["total"]).all()
        pd.testing.assert_frame_equal(got.drop(columns=["term", "total"]).reset_index(drop=True), alone)
    assert len(together) == sum(min(limit or 10**9, n) for n in together.groupby("term")["total"].first())


@pytest.fixture(scope="module")
def sample_analysis():
    from pathlib import Path

    from cooccur import analyze

    return analyze(Path(__file__).resolve().parent.parent / "data" / "sample", cache=False)
