"""Term families on real Japanese text: nominal stems only (cooccur.families)."""

from __future__ import annotations

import pandas as pd
import pytest

from cooccur.families import family_synonyms, term_families
from cooccur.tokenize import tokenize_utterances

# Written for these tests. The adjectives 新しい/厳しい/正しい contain しい, which is also a
# noun (椎, written in kana: しいの実, and inside しいたけ). The verbs 組む/取り組む and the
# adjectives 強い/心強い nest the same way. 感染/感染症/感染拡大 and 透明/透明性 are nominal families.
TEXT = [
    "新しい制度は厳しい。正しい判断だ。山でしいたけとしいの実を採った。",
    "新しい感染症が広がり、感染拡大を防ぐ。感染拡大の防止は厳しい課題だ。",
    "感染した人の感染症の治療に取り組む。腕を組む。地域で取り組む。",
    "感染拡大の防止に強い姿勢で臨む。心強い支援だ。透明性を高め、透明な手続にする。",
    "難しい感染症の対策。透明性の確保が必要だ。",
]


@pytest.fixture(scope="module")
def tokens():
    utt = pd.DataFrame({"doc_id": "a.txt", "utterance_id": range(len(TEXT)), "speaker": "委員", "text": TEXT})
    return tokenize_utterances(utt)


def _families(fam: pd.DataFrame) -> dict[str, list[str]]:
    return {f: sorted(g["term"]) for f, g in fam.groupby("family")}


def test_the_fixture_counts_the_nested_words(tokens):
    """What the families tests below rest on: しい is a counted noun, the adjectives and verbs are terms."""
    counted = tokens[tokens["term"].notna()]
    pos = dict(zip(counted["term"].astype(str), counted["pos"].astype(str)))
    assert pos["しい"] == pos["しいたけ"] == "名詞"
    assert {pos[t] for t in ("新しい", "厳しい", "正しい", "強い", "心強い")} == {"形容詞"}
    assert pos["組む"] == pos["取り組む"] == "動詞"
    assert pos["感染"] == "名詞" and pos["感染拡大"] == "複合名詞" and pos["透明"] == "形状詞"


def test_no_family_of_conjugating_words(tokens):
    fam = _families(term_families(tokens))
    assert fam["しい"] == ["しい", "しいたけ"]  # the noun's family, without 新しい, 厳しい, 正しい
    assert "組む" not in fam and "強い" not in fam
    members = {t for ts in fam.values() for t in ts}
    assert not members & {"新しい", "厳しい", "正しい", "取り組む", "心強い"}


def test_noun_families_are_still_found(tokens):
    fam = _families(term_families(tokens))
    assert fam["感染"] == ["感染", "感染拡大", "感染症"]
    assert fam["透明"] == ["透明", "透明性"]  # a na-adjective stem (形状詞) does not conjugate
    rows = term_families(tokens)
    kansen = rows[rows["family"] == "感染"]
    assert kansen["family_frequency"].tolist() == [int(kansen["frequency"].sum())] * 3


def test_lean_table_gives_the_same_families(tokens):
    counted = tokens[tokens["term"].notna()]
    lean = counted[["term", "pos", "pos_detail"]]
    pd.testing.assert_frame_equal(term_families(lean), term_families(tokens))


def test_without_pos_every_term_is_nominal(tokens):
    """A table with only ``term`` (or ``pos=None``) keeps the plain substring rule."""
    only_term = tokens[["term"]]
    assert _families(term_families(only_term))["しい"] == ["しい", "しいたけ", "厳しい", "新しい", "正しい"]
    pd.testing.assert_frame_equal(term_families(only_term), term_families(tokens, pos=None))


def test_a_term_is_nominal_by_most_of_its_tokens():
    t = pd.DataFrame({"term": ["感染", "感染", "感染症", "感染症", "感染症"],
                      "pos": ["名詞", "名詞", "名詞", "動詞", "動詞"]})
    assert term_families(t).empty  # 感染症 is mostly not a noun here
    t.loc[3, "pos"] = "複合名詞"
    assert _families(term_families(t)) == {"感染": ["感染", "感染症"]}


def test_family_synonyms_map_members_to_the_nominal_stem(tokens):
    syn = family_synonyms(term_families(tokens), only=["感染"])
    assert dict(zip(syn["variant"], syn["canonical"])) == {"感染症": "感染", "感染拡大": "感染"}
