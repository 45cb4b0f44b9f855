"""Tests for cooccur.cooccurrence: measures (by hand), ties, auto min_frequency, associated terms, errors.

The unit × term matrix itself: tests/test_matrix.py.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections import Counter
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from cooccur.config import DEFAULTS, PARAMS
from cooccur.cooccurrence import MEASURES, associated_terms, auto_min_frequency, count_cooccurrence, pair_measures
from cooccur.errors import AnalysisError
from handmade import A, B, C, D, make_tokens


@pytest.fixture
def hand():
    # paragraphs: U0 = {A, B, C} (A twice), U1 = {A, B}, U2 = {A, C}, U3 = {B, D}, U4 = {} (only a particle)
    # N = 5; df: A 3, B 3, C 2, D 1; frequency: A 4, B 3, C 2, D 1
    # joint a: AB 2, AC 2, BC 1, BD 1, AD 0, CD 0
    return make_tokens([[A, None, A, B, C], [A, B], [A, C], [B, D], [None]])


def edge(cooc, s, t):
    row = cooc.edges[(cooc.edges.source == s) & (cooc.edges.target == t)]
    assert len(row) == 1, (s, t)
    return row.iloc[0]


def test_each_measure_by_hand(hand):
    cooc = count_cooccurrence(hand, min_frequency=1, top_n=60)
    assert cooc.n_units == 5 and cooc.min_frequency_ == 1
    assert cooc.edges.columns.tolist() == ["source", "target", "cooccurrence", *MEASURES, "weight"]
    ab = edge(cooc, A, B)  # a=2, df 3 and 3, N=5
    assert ab.cooccurrence == 2
    assert ab.jaccard == 2 / 4            # 2 / (3 + 3 − 2)
    assert ab.dice == pytest.approx(2 / 3)  # 2·2 / (3 + 3)
    assert ab.simpson == pytest.approx(2 / 3)  # 2 / min(3, 3)
    assert ab.cosine == pytest.approx(2 / 3)   # 2 / sqrt(9)
    assert ab.lift == pytest.approx(10 / 9)    # 2·5 / (3·3)
    assert ab.npmi == pytest.approx(math.log(10 / 9) / -math.log(2 / 5))
    # 2×2 table [[2, 1], [1, 1]], margins 3/2 × 3/2, E = 1.8, 1.2, 1.2, 0.8
    g2 = 2 * (2 * math.log(2 / 1.8) + 2 * math.log(1 / 1.2) + math.log(1 / 0.8))
    assert ab.log_likelihood == pytest.approx(g2)
    ac = edge(cooc, A, C)  # a=2, df 3 and 2
    assert (ac.jaccard, ac.simpson) == (pytest.approx(2 / 3), 1.0)   # 2/(3+2−2), 2/min(3,2)
    assert ac.dice == pytest.approx(4 / 5) and ac.cosine == pytest.approx(2 / math.sqrt(6))
    assert ac.lift == pytest.approx(10 / 6)
    cb = edge(cooc, C, B)  # a=1, df 2 and 3: jaccard 1/4, dice 2/5, simpson 1/2, cosine 1/sqrt(6), lift 5/6
    assert [cb.jaccard, cb.dice, cb.simpson, cb.cosine, cb.lift] == pytest.approx(
        [1 / 4, 2 / 5, 1 / 2, 1 / math.sqrt(6), 5 / 6])
    assert cb.npmi < 0  # lift < 1: negative association
    db = edge(cooc, D, B)  # a=1, df 1 and 3: jaccard 1/3, dice 1/2, simpson 1, cosine 1/sqrt(3), lift 5/3
    assert [db.jaccard, db.dice, db.simpson, db.cosine, db.lift] == pytest.approx(
        [1 / 3, 1 / 2, 1.0, 1 / math.sqrt(3), 5 / 3])
    # order: weight (jaccard) desc: AC 2/3, AB 1/2, DB 1/3, CB 1/4; source < target
    assert list(zip(cooc.edges.source, cooc.edges.target)) == [(A, C), (A, B), (D, B), (C, B)]
    assert (cooc.edges.weight == cooc.edges.jaccard).all()
    assert cooc.terms.to_dict("list") == {"term": [A, B, C, D], "frequency": [4, 3, 2, 1],
                                          "document_frequency": [3, 3, 2, 1]}


def test_never_cooccurring_pairs_are_never_edges(hand):
    for measure in MEASURES:
        cooc = count_cooccurrence(hand, min_frequency=1, measure=measure, threshold=-1e9)
        pairs = set(zip(cooc.edges.source, cooc.edges.target))
        assert (A, D) not in pairs and (D, C) not in pairs and (C, D) not in pairs
        assert (cooc.edges.cooccurrence > 0).all()


def test_log_likelihood_keeps_only_attraction(hand):
    # C–B: a=1 < expected 2·3/5 = 1.2 (repulsion) → not an edge by log_likelihood even with top_n large
    cooc = count_cooccurrence(hand, min_frequency=1, measure="log_likelihood", top_n=60)
    assert (C, B) not in set(zip(cooc.edges.source, cooc.edges.target))
    assert len(cooc.edges) == 3


def test_ties_with_the_nth_edge_are_kept(hand):
    # simpson: AC = 1, DB = 1, AB = 2/3, CB = 1/2 → top 1 keeps both pairs tied at 1
    cooc = count_cooccurrence(hand, min_frequency=1, measure="simpson", top_n=1)
    assert list(zip(cooc.edges.source, cooc.edges.target)) == [(A, C), (D, B)]
    assert len(count_cooccurrence(hand, min_frequency=1, measure="simpson", top_n=3).edges) == 3


def test_float_ties_are_exact():
    # cosine 1/sqrt(1·2) (P, Q) equals 3/sqrt(3·6) (R, S) exactly, though 3/np.sqrt(18) != 1/np.sqrt(2)
    # in floating point; T–U: 2/sqrt(2·5) is weaker. jaccard: P–Q 1/2, R–S 3/6 — also tied.
    P, Q, R, S, T, U = "ア", "イ", "ウ", "エ", "オ", "カ"
    units = [[P, Q], [Q], [R, S], [R, S], [R, S], [S], [S], [S], [T, U], [T, U], [U], [U], [U]]
    tokens = make_tokens(units)
    assert 3 / np.sqrt(18) != 1 / np.sqrt(2)
    for measure in ("cosine", "jaccard"):
        cooc = count_cooccurrence(tokens, min_frequency=1, measure=measure, top_n=1)
        assert set(zip(cooc.edges.source, cooc.edges.target)) == {(P, Q), (R, S)}, measure
        assert cooc.edges.weight.nunique() == 1


def test_threshold_replaces_top_n(hand):
    cooc = count_cooccurrence(hand, min_frequency=1, threshold=0.5, top_n=1)
    assert list(zip(cooc.edges.source, cooc.edges.target)) == [(A, C), (A, B)]  # 2/3 and exactly 1/2
    assert cooc.parameters["top_n"] is None and cooc.parameters["threshold"] == 0.5


@pytest.mark.parametrize("freqs, expected", [
    ([1] * 10 + [3] * 80 + [7] * 70, 5),       # n(2)=150, n(5)=70 → 5 (|70−75| smallest)
    ([2] * 60 + [1] * 500, 2),                  # n(2)=60 is the closest; never below 2
    ([12] * 65 + [7] * 20, 10),                # n(5)=85, n(10)=65: equally far → fewer terms
    ([100] * 3, 2),                             # same count for every candidate → the smallest
    ([10] * 200, 2),                            # always 200 → 2 (and count_cooccurrence warns)
    ([30] * 40 + [16] * 30 + [11] * 20 + [3] * 100, 15),  # n: 2→190 5→90 10→90 15→70 20→40: 70 closest
])
def test_auto_min_frequency_rule(freqs, expected):
    assert auto_min_frequency(freqs) == expected


def test_auto_min_frequency_is_applied_and_warns_over_150():
    # 160 terms, each in 2 units → auto min_frequency 2 keeps all 160 (> 150): warning
    units = [[f"語{k:03d}", f"語{(k + 1) % 160:03d}"] for k in range(160)]
    tokens = make_tokens(units)
    with pytest.warns(UserWarning, match="160 terms qualify"):
        cooc = count_cooccurrence(tokens, selection="frequency")
    assert cooc.min_frequency_ == 2 and len(cooc.terms) == 160
    assert cooc.warnings and "raise min_frequency" in cooc.warnings[0]
    assert cooc.parameters["min_frequency"] == 2 and cooc.parameters["top_n"] == DEFAULTS["top_n"]


def test_filters_and_defaults_come_from_config(hand):
    assert MEASURES == next(p.choices for p in PARAMS if p.name == "measure")
    cooc = count_cooccurrence(hand, min_frequency=1, max_frequency=3, min_document_frequency=2)
    assert cooc.terms["term"].tolist() == [B, C]  # A has frequency 4, D df 1
    assert cooc.unit == DEFAULTS["unit"] and cooc.measure == DEFAULTS["measure"]


def test_errors(hand):
    with pytest.raises(ValueError, match="unknown measure 'jacard'; did you mean 'jaccard'"):
        count_cooccurrence(hand, measure="jacard")
    with pytest.raises(ValueError, match="unknown unit 'paragraf'; did you mean 'paragraph'"):
        count_cooccurrence(hand, unit="paragraf")
    with pytest.raises(AnalysisError, match=r"min_frequency=50: lower min_frequency.*occur 1–4 times, in 1–3 paragraph"):
        count_cooccurrence(hand, min_frequency=50)
    with pytest.raises(AnalysisError, match="raise max_document_frequency"):
        count_cooccurrence(hand, min_frequency=1, max_document_frequency=0)
    with pytest.raises(AnalysisError, match="no counted term"):
        count_cooccurrence(make_tokens([[None, None]]))
    with pytest.raises(ValueError, match="top_n must be"):
        count_cooccurrence(hand, top_n=0)


def naive_edges(tokens, measure, *, top_n=None, threshold=None, min_frequency=1):
    """Independent implementation: dicts of sets, itertools.combinations, Fractions for ranking."""
    units: dict = {}
    freq: Counter = Counter()
    for row in tokens.itertuples():
        key = (row.doc_id, row.utterance_id, row.paragraph_id)
        units.setdefault(key, set())
        if row.term is not None and row.term == row.term:
            units[key].add(row.term)
            freq[row.term] += 1
    n = len(units)
    cand = {t for t, f in freq.items() if f >= min_frequency}
    df = Counter(t for s in units.values() for t in s if t in cand)
    joint: Counter = Counter()
    for s in units.values():
        joint.update(itertools.combinations(sorted(s & cand), 2))
    rows = {}
    for (s, t), a in joint.items():
        di, dj = df[s], df[t]
        exact = {"jaccard": Fraction(a, di + dj - a), "dice": Fraction(2 * a, di + dj),
                 "simpson": Fraction(a, min(di, dj))}
        cells = [(a, di, dj), (di - a, di, n - dj), (dj - a, n - di, dj), (n - di - dj + a, n - di, n - dj)]
        g2 = 2 * sum(o * math.log(o * n / (r * c)) for o, r, c in cells if o > 0)
        if measure == "log_likelihood" and a * n <= di * dj:
            continue
        rows[(s, t)] = dict(cooccurrence=a, jaccard=float(exact["jaccard"]), dice=float(exact["dice"]),
                            simpson=float(exact["simpson"]), cosine=a / math.sqrt(di * dj),
                            lift=a * n / (di * dj), log_likelihood=g2,
                            _key=exact.get(measure, g2))
    if threshold is not None:
        return {k: v for k, v in rows.items() if v["_key"] >= threshold}
    ranked = sorted(rows.values(), key=lambda v: v["_key"], reverse=True)
    if len(ranked) <= top_n:
        return rows
    nth = ranked[top_n - 1]["_key"]
    return {k: v for k, v in rows.items() if v["_key"] >= nth - (abs(nth) * 1e-12 if isinstance(nth, float) else 0)}


@pytest.mark.parametrize("measure", ["jaccard", "dice", "simpson", "log_likelihood"])
@pytest.mark.parametrize("seed", [1, 2])
def test_matches_naive_independent_implementation(measure, seed):
    rng = np.random.default_rng(seed)
    vocab = [f"用語{k}" for k in range(25)]
    p = 1 / np.arange(1, 26)
    units = [[vocab[i] if rng.random() > 0.1 else None for i in rng.choice(25, size=rng.integers(1, 7), p=p / p.sum())]
             for _ in range(80)]
    tokens = make_tokens(units)
    for kwargs in (dict(top_n=15), dict(threshold=0.3 if measure != "log_likelihood" else 3.0)):
        got = count_cooccurrence(tokens, min_frequency=3, measure=measure, **kwargs)
        want = naive_edges(tokens, measure, min_frequency=3, **kwargs)
        assert set(zip(got.edges.source, got.edges.target)) == set(want)
        for r in got.edges.itertuples():
            w = want[(r.source, r.target)]
            assert r.cooccurrence == w["cooccurrence"]
            for m in ("jaccard", "dice", "simpson", "cosine", "lift", "log_likelihood"):
                assert getattr(r, m) == pytest.approx(w[m], rel=1e-12), m


def test_pair_measures_edge_cases():
    m = pair_measures([3, 0], [3, 2], [3, 2], 3)
    assert m["npmi"][0] == 1.0 and m["npmi"][1] == -1.0  # a = N → 1; a = 0 → −1
    assert m["jaccard"].tolist() == [1.0, 0.0] and m["log_likelihood"][0] == 0.0


def test_deterministic_output(hand):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = count_cooccurrence(hand, min_frequency=1)
    b = count_cooccurrence(hand.sample(frac=1, random_state=3), min_frequency=1)
    pd.testing.assert_frame_equal(a.edges, b.edges)
    pd.testing.assert_frame_equal(a.terms, b.terms)


def test_degenerate_networks_are_said_aloud():
    # every pair co-occurs exactly once: 45 chance pairs of 10 terms
    terms = [f"語{k}" for k in range(10)]
    units = [[a, b] for i, a in enumerate(terms) for b in terms[i + 1:]]
    cooc = count_cooccurrence(make_tokens(units), min_frequency=1, selection="frequency", top_n=20)
    assert any("rest on a single co-occurrence" in w for w in cooc.warnings), cooc.warnings
    assert any("ties with the 20th" in w for w in cooc.warnings), cooc.warnings  # 45 tied edges > 2 × 20
    two = make_tokens([["予算", "議会"]] * 5 + [["福祉", "介護"]] * 5)
    few = count_cooccurrence(two, min_frequency=1, selection="frequency", threshold=0.2)
    assert len(few.edges) == 2
    assert any("--threshold 0.2 leaves only 2 edge(s)" in w for w in few.warnings), few.warnings
    # a healthy network: no such warning
    ok = count_cooccurrence(make_tokens([["予算", "議会"]] * 5 + [["予算", "福祉"]] * 4), min_frequency=1)
    assert not any("single co-occurrence" in w or "ties with" in w for w in ok.warnings)


def test_associated_terms_by_jaccard():
    # paragraphs: P0 {ICT人材, 育成}, P1 {人材, 足りる}, P2 {人材, 育成, 進める}; 人材 in P1, P2 (df 2)
    rows = [(0, "ICT人材"), (0, None), (0, "育成"), (1, "人材"), (1, None), (1, "足りる"), (2, "人材"), (2, "育成"),
            (2, None), (2, "進める")]
    tokens = pd.DataFrame([dict(doc_id="会議録.txt", utterance_id=0 if p < 2 else 1, paragraph_id=p, sentence_id=p,
                                position=k, surface=t or "を", term=t) for k, (p, t) in enumerate(rows)])
    a = associated_terms(tokens, "人材")
    # 足りる: a=1, df 1 → 1/2; 進める: 1/2; 育成 (df 2): 1/(2+2−1) = 1/3
    assert a[["term", "jaccard", "cooccurrence", "rank"]].values.tolist() == [
        ["足りる", 0.5, 1, 1], ["進める", 0.5, 1, 2], ["育成", pytest.approx(1 / 3), 1, 3]]
    assert a["frequency"].tolist() == [1, 1, 2]
    assert associated_terms(tokens, "人材", top=1)["term"].tolist() == ["足りる"]
    # by utterance: U0 {ICT人材, 育成, 人材, 足りる}, U1 {人材, 育成, 進める}; 人材 in both (df 2)
    u = associated_terms(tokens, "人材", unit="utterance").set_index("term")
    assert u.loc["育成", "cooccurrence"] == 2 and u.loc["育成", "jaccard"] == 1.0 and u.loc["進める", "jaccard"] == 0.5
    with pytest.raises(ValueError, match="does not occur"):
        associated_terms(tokens, "予算")
    with pytest.raises(ValueError, match="did you mean 'ICT人材'"):
        associated_terms(tokens, "ICT人財")


def test_associated_terms_agree_with_the_network_on_real_text(sample_dir):
    """On the sample minutes, each pair's count and Jaccard are those of count_cooccurrence."""
    import cooccur

    a = cooccur.analyze(sample_dir)
    tokens, cooc = a.tokens, a.cooccurrence
    e = cooc.edges.iloc[0]
    assoc = associated_terms(tokens, e.source, unit=cooc.unit, top=10_000).set_index("term")
    assert assoc.loc[e.target, "cooccurrence"] == e.cooccurrence and assoc.loc[e.target, "jaccard"] == e.jaccard
    freq = cooc.terms.set_index("term")["frequency"]
    assert assoc.loc[e.target, "frequency"] == freq[e.target]
