"""Clustering and salience (cooccur.dispersion) against a plain-Python computation and on real text."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from cooccur.dispersion import term_dispersion

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "real_minutes"


def tokens(units: list[list[str]]) -> pd.DataFrame:
    rows = [dict(doc_id="d", utterance_id=u, paragraph_id=0, sentence_id=0, position=k, term=t)
            for u, terms in enumerate(units) for k, t in enumerate(terms)]
    return pd.DataFrame(rows)


def test_clustering_and_salience_equal_the_formula():
    units = [["予算", "予算", "予算", "会議"], ["会議", "資料"], ["会議", "資料"], ["予算"], ["資料", "会議"]]
    d = term_dispersion(tokens(units)).set_index("term")
    lengths = [len(u) for u in units]
    total = sum(lengths)
    for term in ("予算", "会議", "資料"):
        f = sum(u.count(term) for u in units)
        df = sum(term in u for u in units)
        expected = sum(1 - math.exp(-f * n / total) for n in lengths)
        c = max(-1.0, min(1.0, 1 - df / expected))
        assert d.loc[term, "clustering"] == pytest.approx(c)
        assert d.loc[term, "salience"] == pytest.approx(f * math.exp(4 * c))
    # 予算 is repeated inside one turn; 会議 once in each of four: the first clusters, the second does not
    assert d.loc["予算", "clustering"] > 0 > d.loc["会議", "clustering"]


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/corpora/real_minutes not present")
def test_on_real_minutes_generic_verbs_rank_below_topics():
    import cooccur

    files = sorted(REAL.glob("otaru_*.txt"))[:2]
    assert files
    corpus = cooccur.read_corpus(files[0].parent / files[0].name)
    tok = cooccur.tokenize_utterances(corpus.utterances)
    d = term_dispersion(tok).set_index("term")
    frequent = d[d["frequency"] >= 20]
    # the verbs of administration are spread evenly; the city's own topics cluster
    spread = [t for t in ("取り組む", "進める", "図る") if t in frequent.index]
    assert spread and all(frequent.loc[t, "clustering"] < frequent["clustering"].median() for t in spread)
