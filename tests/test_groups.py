"""Tests for cooccur.groups: the group_by check, word–attribute network, distinctive terms, comparison."""

from __future__ import annotations

import math
import warnings

import pandas as pd
import pytest
from scipy.stats import chi2

from cooccur.errors import AnalysisError
from cooccur.groups import (attribute_network, check_group_by, compare_groups, distinctive_terms, group_results)
from handmade import make_tokens


@pytest.fixture
def speakers():
    # utterance 0 (山田): 予算 議会; utterance 1 (山田): 予算; utterance 2 (佐藤): 議会 条例
    utterances = pd.DataFrame({"doc_id": "会議録.txt", "utterance_id": [0, 1, 2], "speaker": ["山田", "山田", "佐藤"],
                               "text": ["予算議会", "予算", "議会条例"], "会派": ["A党", "A党", "B党"]})
    tokens = make_tokens([["予算", "議会"], ["予算"], ["議会", "条例"]], utterance_of=[0, 1, 2])
    return tokens, utterances


@pytest.fixture(scope="module")
def committee():
    """Three remarks of a committee, through SudachiPy and the term rules."""
    tokenize = pytest.importorskip("cooccur.tokenize").tokenize_utterances
    texts = ["予算の審議を始めます。予算は大切です。", "条例の改正を提案します。", "予算と条例を確認しました。"]
    utterances = pd.DataFrame({"doc_id": "委員会.txt", "utterance_id": [0, 1, 2],
                               "speaker": ["山田委員長", "佐藤委員", "佐藤委員"], "会派": ["A会", "B会", "B会"],
                               "text": texts, "exclusion": pd.NA, "line": [1, 2, 3]})
    return tokenize(utterances), utterances


def test_check_group_by_names_the_columns_to_choose_from(speakers):
    _, utterances = speakers
    check_group_by(utterances, "会派")
    check_group_by(utterances, "doc_id")  # a key column is a grouping too (by file)
    with pytest.raises(ValueError, match=r"^group_by column '発言者' does not exist; choose one of: 'speaker', '会派'$"):
        check_group_by(utterances, "発言者")
    with pytest.raises(ValueError, match=r"^--group-by column '発言者' does not exist"):
        check_group_by(utterances, "発言者", name="--group-by")
    bare = utterances[["doc_id", "utterance_id", "text"]]
    with pytest.raises(ValueError, match="no metadata columns: add a metadata.csv sidecar"):
        check_group_by(bare, "speaker")


def test_attribute_network_by_hand(speakers):
    tokens, utterances = speakers
    # units = utterances, N = 3; 山田 {0, 1}, 佐藤 {2}
    # 予算 {0,1}: 山田 a=2 → 2/(2+2−2) = 1;  議会 {0,2}: 山田 1/3, 佐藤 1/(2+1−1) = 1/2;  条例 {2}: 佐藤 1
    G = attribute_network(tokens, utterances, group_by="speaker", top_n_per_value=1, min_frequency=1)
    assert sorted(G.edges) == sorted([("speaker=山田", "予算"), ("speaker=佐藤", "条例")])
    assert G.nodes["speaker=山田"]["kind"] == "attribute" and G.nodes["予算"]["kind"] == "term"
    assert G.edges["speaker=山田", "予算"]["jaccard"] == 1.0
    G2 = attribute_network(tokens, utterances, group_by="speaker", top_n_per_value=2, min_frequency=1)
    assert G2.edges["speaker=佐藤", "議会"]["weight"] == 0.5
    assert G2.edges["speaker=山田", "議会"]["weight"] == pytest.approx(1 / 3)


def test_attribute_network_of_real_remarks(committee):
    tokens, utterances = committee
    # counted terms by utterance: U0 予算 ×2, 審議; U1 条例, 改正, 提案; U2 予算, 条例, 確認
    G = attribute_network(tokens, utterances, group_by="会派", top_n_per_value=1, min_frequency=1)
    assert G.nodes["会派=A会"]["frequency"] == 3 and G.nodes["会派=A会"]["document_frequency"] == 1
    assert G.nodes["会派=B会"]["frequency"] == 6 and G.nodes["会派=B会"]["document_frequency"] == 2
    # A会 {U0}: 審議 1/1 = 1 beats 予算 1/2; B会 {U1, U2}: 条例 2/2 = 1
    assert sorted(G.edges) == [("会派=A会", "審議"), ("会派=B会", "条例")]
    assert G.nodes["条例"]["frequency"] == 2 and G.nodes["条例"]["document_frequency"] == 2
    assert [g["value"] for g in G.graph["groups"]] == ["B会", "A会"]  # most units first


def test_unknown_group_by_lists_columns(speakers):
    tokens, utterances = speakers
    with pytest.raises(ValueError, match="'発言者' does not exist; choose one of: 'speaker', '会派'"):
        attribute_network(tokens, utterances, group_by="発言者")
    with pytest.raises(ValueError, match="choose one of"):
        compare_groups(tokens, utterances, group_by="発言者")


def test_distinctive_terms_by_hand():
    utterances = pd.DataFrame({"doc_id": "d.txt", "utterance_id": [0, 1, 2], "speaker": ["山田", "山田", "佐藤"],
                               "text": ["", "", ""]})
    rows = [(0, "予算"), (0, "議会"), (1, "予算"), (2, "議会"), (2, "条例")]
    t = pd.DataFrame([dict(doc_id="d.txt", utterance_id=u, paragraph_id=0, sentence_id=0, position=k, surface=w,
                           term=w, pos="名詞") for k, (u, w) in enumerate(rows)])
    d = distinctive_terms(t, utterances, group_by="speaker")
    assert d.columns.tolist() == ["group", "term", "jaccard", "log_likelihood", "p_value", "significant",
                                  "frequency_in_group", "frequency_total", "rank"]
    yamada = d[d.group == "山田"]
    assert yamada["term"].tolist() == ["予算", "議会"] and yamada["rank"].tolist() == [1, 2]
    # 予算 vs 山田: a = 2, df = 2, n = 2, N = 3 → table [[2, 0], [0, 1]]; G² = 2(2 ln(2·3/4) + ln(1·3/1))
    g2 = 2 * (2 * math.log(1.5) + math.log(3))
    r = yamada.iloc[0]
    assert r.jaccard == 1.0 and r.log_likelihood == pytest.approx(g2)
    assert r.p_value == pytest.approx(chi2.sf(g2, 1)) and r.significant == bool(chi2.sf(g2, 1) < 0.05)
    assert (r.frequency_in_group, r.frequency_total) == (2, 2)
    sato = d[d.group == "佐藤"]
    assert sato["term"].tolist() == ["条例", "議会"] and sato["jaccard"].tolist() == [1.0, 0.5]
    with pytest.raises(ValueError, match="choose one of"):
        distinctive_terms(t, utterances, group_by="会派")


def test_distinctive_terms_of_real_remarks(committee):
    tokens, utterances = committee
    d = distinctive_terms(tokens, utterances, group_by="speaker")
    yamada = d[d.group == "山田委員長"].set_index("term")
    assert yamada.index.tolist() == ["審議", "予算"]
    # 予算: in U0 (twice) and U2, df 2; 山田委員長 has U0 only: a = 1 → 1 / (2 + 1 − 1)
    assert yamada.loc["予算", "jaccard"] == 0.5
    assert (yamada.loc["予算", "frequency_in_group"], yamada.loc["予算", "frequency_total"]) == (2, 3)
    sato = d[d.group == "佐藤委員"].set_index("term")
    assert sato.loc["条例", "jaccard"] == 1.0 and sato.loc["条例", "rank"] == 1
    assert sato.loc["予算", "jaccard"] == pytest.approx(1 / 3) and sato.loc["予算", "frequency_in_group"] == 1
    # by document (one file): one unit holding every term and both speakers
    doc = distinctive_terms(tokens, utterances, group_by="speaker", unit="document")
    assert set(doc["jaccard"]) == {1.0} and doc.groupby("group")["frequency_in_group"].sum().to_dict() == {
        "佐藤委員": 6, "山田委員長": 3}


def test_tokens_without_a_value_belong_to_no_group(speakers):
    tokens, utterances = speakers
    # 佐藤's turn has no 会派, and a fourth turn (市民) is not in the utterances table at all
    utterances = utterances.assign(会派=["A党", "A党", pd.NA])
    tokens = pd.concat([tokens, make_tokens([["市民", "議会"]], utterance_of=[3]).assign(paragraph_id=3)])
    d = distinctive_terms(tokens, utterances, group_by="会派")
    assert set(d["group"]) == {"A党"} and d["term"].tolist() == ["予算", "議会"]
    # 議会: units 0, 2, 3 → df 3; A党 units {0, 1}: a = 1 → 1 / (3 + 2 − 1)
    assert d["jaccard"].tolist() == [1.0, 0.25] and d["frequency_total"].tolist() == [2, 3]
    G = attribute_network(tokens, utterances, group_by="会派", min_frequency=1)
    assert G.nodes["会派=A党"]["frequency"] == 3 and G.nodes["会派=A党"]["document_frequency"] == 2
    with pytest.raises(ValueError, match="has 1 value"):
        compare_groups(tokens, utterances, group_by="会派")


def test_compare_groups(speakers):
    tokens, utterances = speakers
    r = compare_groups(tokens, utterances, group_by="会派", min_frequency=1)
    assert r.groups == ("A党", "B党")  # A党 has two utterances
    assert r.edges.columns.tolist() == ["source", "target", "weight_a", "weight_b", "cooccurrence_a",
                                        "cooccurrence_b", "edge_a", "edge_b", "status", "change"]
    e = r.edges.set_index(["source", "target"])
    assert e.loc[("予算", "議会"), "status"] == "only_a" and e.loc[("条例", "議会"), "status"] == "only_b"
    # in A党: 予算 {0,1}, 議会 {0} → jaccard 1/2; absent from B党 (予算 missing) → 0
    assert e.loc[("予算", "議会"), "weight_a"] == 0.5 and e.loc[("予算", "議会"), "weight_b"] == 0.0
    assert e.loc[("予算", "議会"), "change"] == -0.5 and e.loc[("条例", "議会"), "cooccurrence_a"] == 0
    t = r.terms.set_index("term")
    assert t.loc["議会", "status"] == "both" and t.loc["予算", "frequency_a"] == 2 and t.loc["予算", "frequency_b"] == 0
    with pytest.raises(ValueError, match="unknown 会派 value 'C党'"):
        compare_groups(tokens, utterances, group_by="会派", groups=("A党", "C党"))
    one = utterances.assign(会派="A党")
    with pytest.raises(ValueError, match="a comparison needs two"):
        compare_groups(tokens, one, group_by="会派")
    with pytest.raises(AnalysisError, match="group 会派='B党'"), pytest.warns(UserWarning, match="no pair"):
        compare_groups(tokens, utterances, group_by="会派", min_frequency=2)


def test_group_results_says_what_it_could_not_make(speakers, committee):
    tokens, utterances = speakers
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        r = group_results(tokens, utterances, group_by="会派", min_frequency=1)
    assert r.attribute_graph.number_of_nodes() > 0 and len(r.distinctive) == 4 and r.comparison.groups == ("A党", "B党")
    assert r.warnings == []
    one = group_results(tokens, utterances.assign(会派="A党"), group_by="会派", min_frequency=1)
    assert one.comparison is None and one.attribute_graph is not None
    assert one.warnings == ["group comparison skipped: column '会派' has 1 value(s) on the analysed utterances; "
                            "a comparison needs two: choose another group_by"]
    none = group_results(tokens.assign(term=None), utterances, group_by="会派")
    assert (none.attribute_graph, none.distinctive, none.comparison) == (None, None, None)
    assert none.warnings == ["--group-by 会派: no counted term, so no word-attribute network, distinctive terms or "
                             "comparison"]
    real_tokens, real_utterances = committee
    many = group_results(real_tokens, real_utterances, group_by="utterance_id", max_groups=2, min_frequency=1)
    assert many.attribute_graph.graph["omitted_groups"] == ["2"]  # three turns of one unit each: value order
    assert many.warnings[0].startswith("word-attribute network: 2 of 3 utterance_id values drawn")


def test_every_analysis_names_a_missing_group_column_the_same_way():
    """CA, the code cross-tab and the groups stage share groups.check_group_by's wording."""
    import pandas as pd

    from cooccur.ca import correspondence
    from cooccur.coding import apply_coding_rules, parse_coding_rules
    from cooccur.coding_stats import code_crosstab
    from cooccur.tokenize import tokenize_utterances

    utt = pd.DataFrame({"doc_id": ["a", "a"], "utterance_id": [0, 1], "text": ["標準化を進める。", "人材を育成する。"],
                        "exclusion": [None, None], "区分": ["区部", "市部"]})
    tokens = tokenize_utterances(utt)
    said = []
    for call in (lambda: correspondence(tokens, utt, group_by="会派"),
                 lambda: code_crosstab(apply_coding_rules(parse_coding_rules("*x\n標準化"), tokens, utt), tokens, utt,
                                       group_by="会派")):
        with pytest.raises(ValueError) as err:
            call()
        said.append(str(err.value))
    assert said == ["group_by column '会派' does not exist; choose one of: '区分'"] * 2
