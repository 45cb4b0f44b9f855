"""Tests for cooccur.keywords: tf-idf, dispersion G² and FLR, all by hand (distinctive terms: tests/test_groups.py)."""

from __future__ import annotations

import math

import numpy as np

import networkx as nx
import pandas as pd
import pytest

from cooccur.config import DEFAULTS
from cooccur.keywords import flr_scores, rank_keywords


def tok(rows):
    """rows: (paragraph/sentence, term, pos); utterance 0, positions in order."""
    return pd.DataFrame([dict(doc_id="d.txt", utterance_id=0, paragraph_id=p, sentence_id=p, position=k,
                              surface=t, term=t, pos=pos) for k, (p, t, pos) in enumerate(rows)])


def test_tfidf_frequency_and_dispersion_by_hand():
    # U0 = 予算 予算 議会, U1 = 議会; n = 2 units
    t = tok([(0, "予算", "名詞"), (0, "予算", "名詞"), (0, "議会", "名詞"), (1, "議会", "名詞")])
    k = rank_keywords(t).set_index("term")
    # smooth idf: 予算 ln(3/2) + 1, 議会 ln(3/3) + 1 = 1; U0 = (2·i, 1) / sqrt(4i² + 1), U1 = (0, 1)
    i = math.log(3 / 2) + 1
    norm = math.sqrt(4 * i * i + 1)
    assert k.loc["予算", "tfidf"] == pytest.approx(2 * i / norm)
    assert k.loc["議会", "tfidf"] == pytest.approx(1 / norm + 1)
    assert k.loc["予算", "frequency"] == 2 and k.loc["議会", "document_frequency"] == 2
    # G² of 予算 over units: term row (2, 0), other tokens (1, 1); E = (1.5, 0.5), (1.5, 0.5)
    g2 = 2 * (2 * math.log(2 / 1.5) + math.log(1 / 1.5) + math.log(1 / 0.5))
    assert k.loc["予算", "log_likelihood"] == pytest.approx(g2)
    assert k.loc["議会", "degree"] != k.loc["議会", "degree"]  # NaN without a graph
    assert DEFAULTS["keyword_score"] == "salience"
    # salience = f · exp(4 · clustering), clustering = max over paragraphs and utterances of 1 − df / E,
    # E = Σ_u (1 − exp(−f ℓ_u / L)); paragraphs ℓ = (3, 1), the one utterance ℓ = 4, L = 4
    e_par = (1 - math.exp(-2 * 3 / 4)) + (1 - math.exp(-2 * 1 / 4))
    e_utt = 1 - math.exp(-2)
    c_budget = max(1 - 1 / e_par, 1 - 1 / e_utt)  # in 1 of 2 expected paragraphs: clustered
    c_assembly = max(1 - 2 / e_par, 1 - 1 / e_utt)  # in both paragraphs: spread
    assert k.loc["予算", "salience"] == pytest.approx(2 * math.exp(4 * c_budget))
    assert k.loc["議会", "salience"] == pytest.approx(2 * math.exp(4 * c_assembly))
    assert rank_keywords(t)["term"].tolist() == ["予算", "議会"]  # 3.58 > 1.07
    assert rank_keywords(t, score="tfidf")["term"].tolist() == ["議会", "予算"]  # 1.39 > 0.64
    assert rank_keywords(t, score="frequency", top=1)[["term", "score", "rank"]].values.tolist() == [["予算", 2.0, 1]]


def test_flr_by_hand():
    # noun runs: [情報 共有 システム] and [情報 公開] (separate sentences), then a verb
    t = tok([(0, "情報", "名詞"), (0, "共有", "名詞"), (0, "システム", "名詞"), (1, "情報", "名詞"),
             (1, "公開", "名詞"), (1, "進める", "動詞")])
    vocab = ["情報", "共有", "システム", "公開", "進める"]
    got = flr_scores(t, vocab, [2, 1, 1, 1, 1])
    # FR(情報) = 2, FL(共有) = FR(共有) = 1, FL(システム) = 1, FL(公開) = 1
    # LR = sqrt((FL+1)(FR+1)): 情報 √3, 共有 2, システム √2, 公開 √2, 進める 1
    assert got.tolist() == pytest.approx([2 * math.sqrt(3), 2, math.sqrt(2), math.sqrt(2), 1])
    # a joined compound token: parts from the splitter; LR = ((1·3)(2·2))^(1/4) for 情報共有
    t2 = pd.concat([t, tok([(2, "情報共有", "複合名詞")]).assign(position=9)], ignore_index=True)
    t2.loc[6, "pos"] = "複合名詞"
    split = {"情報共有": ["情報", "共有"]}.get
    got2 = flr_scores(t2, ["情報共有"], [1], split=lambda s: split(s) or [s])
    # the compound adds one more (情報, 共有) link: FR(情報) = 3, FL(共有) = 2
    assert got2[0] == pytest.approx(((1 * 4) * (3 * 2)) ** 0.25)
    k = rank_keywords(t, score="flr")
    assert k["term"].iloc[0] == "情報" and k["score"].iloc[0] == pytest.approx(2 * math.sqrt(3))


def test_graph_scores():
    t = tok([(0, "予算", "名詞"), (0, "議会", "名詞"), (1, "条例", "名詞")])
    G = nx.Graph()
    G.add_node("予算", degree=1, betweenness=0.0)
    G.add_node("議会", degree=1, betweenness=0.0)
    G.add_edge("予算", "議会")
    k = rank_keywords(t, score="degree", graph=G)
    assert k["term"].tolist() == ["予算", "議会", "条例"] and math.isnan(k["degree"].iloc[2])
    with pytest.raises(ValueError, match="did you mean 'tfidf'"):
        rank_keywords(t, score="tf-idf")


def test_tfidf_sums_match_scikit_learn():
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfTransformer

    from cooccur.keywords import tfidf_sums

    rng = np.random.default_rng(7)
    dense = rng.integers(0, 3, size=(40, 12)) * (rng.random((40, 12)) < 0.3)
    dense[5] = 0  # an empty unit must not divide by zero
    X = sp.csr_matrix(dense)
    expected = np.asarray(TfidfTransformer().fit_transform(X).sum(axis=0)).ravel()
    np.testing.assert_allclose(tfidf_sums(X), expected, rtol=1e-12, atol=1e-12)


def test_flr_same_for_categorical_str_and_shuffled_rows():
    from cooccur.tokenize import tokenize_utterances

    tok = tokenize_utterances(["情報共有基盤の整備について、情報共有の基盤整備を進めます。",
                               "共同利用システムと情報共有基盤。"], compounds="all")
    assert isinstance(tok["surface"].dtype, pd.CategoricalDtype)
    vocab = sorted(tok["term"].dropna().unique())
    freq = tok["term"].value_counts().reindex(vocab).to_numpy()
    split = {"情報共有基盤": ["情報", "共有", "基盤"]}.get
    ref = flr_scores(tok, vocab, freq, split=lambda s: split(s) or [s])
    plain = tok.astype({c: "str" for c in tok.columns if isinstance(tok[c].dtype, pd.CategoricalDtype)})
    shuffled = tok.sample(frac=1.0, random_state=3)
    for t in (plain, shuffled):
        assert np.array_equal(flr_scores(t, vocab, freq, split=lambda s: split(s) or [s]), ref)
    # 情報共有基盤 occurs twice as one joined token: parts 情報(R), 共有(L, R), 基盤(L)
    k = vocab.index("情報共有基盤")
    assert ref[k] > freq[k]


def test_flr_scores_are_each_terms_formula_to_the_last_bit():
    # the scores are computed for all terms at once; each must equal its own formula, mean log of the parts' LR
    from pathlib import Path

    from cooccur.keywords import FLRCounts
    from cooccur.tokenize import tokenize_utterances

    root = Path(__file__).resolve().parents[1] / "data" / "sample"
    texts = [ln for f in sorted(root.rglob("*.txt"))[:8]
             for ln in f.read_bytes().decode("utf-8", errors="ignore").splitlines() if ln.strip()]
    t = tokenize_utterances(texts)
    freq_s = t["term"].dropna().astype(str).value_counts()
    vocab, freq = freq_s.index.tolist(), freq_s.to_numpy()
    counts = FLRCounts().add(t)
    got = flr_scores(t, vocab, freq, counts=counts)
    lengths = set()
    for k, term in enumerate(vocab):
        parts = counts.split(term) if counts.first.get(term, False) else [term]
        lengths.add(len(parts))
        logs = [np.log((counts.fl.get(p, 0) + 1.0) * (counts.fr.get(p, 0) + 1.0)) for p in parts]
        assert got[k] == freq[k] * float(np.exp(np.sum(logs) / (2.0 * len(parts)))), term
    assert len(vocab) > 300 and {1, 2, 3} <= lengths  # single words and compounds of two and three parts
