"""Function expressions and minutes formulas: the shipped tables match what they describe, on real SudachiPy output."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from cooccur.errors import ConfigError
from cooccur.tokenize.phrases import load_phrases, parse_pattern
from cooccur.tokenize import tokenize_utterances


def reasons(text: str, **kw) -> dict[str, str]:
    t = tokenize_utterances(text, **kw)
    return {s: (r if isinstance(r, str) else "counted") for s, r in zip(t["surface"].astype(str), t["reason"])}


def counted(text: str, **kw) -> list[str]:
    return tokenize_utterances(text, **kw)["term"].dropna().astype(str).tolist()


@pytest.mark.parametrize("sentence, gone, kept", [
    ("本市において子育て支援を検討する。", "おい", "支援"),
    ("本市における課題を整理する。", "おけ", "課題"),
    ("国とともに防災対策を進める。", "とも", "防災"),
    ("脱炭素の実現に向けて取り組む。", "向け", "脱炭素"),
    ("研修を通じて職員を育成する。", "通じ", "研修"),
    ("市民に対して丁寧に説明する。", "対し", "市民"),
    ("条例に基づいて補助金を交付する。", "基づい", "補助金"),
    ("人口減少に伴い学校を統合する。", "伴い", "学校"),
    ("予算編成に当たって財源を確保する。", "当たっ", "財源"),
    ("子どもにとって安全な通学路を整える。", "とっ", "通学路"),
    ("市長をはじめ関係者が出席した。", "はじめ", "関係者"),
])
def test_function_expressions_are_not_counted(sentence, gone, kept):
    r = reasons(sentence)
    assert r[gone] == "function_expression", r
    assert r[kept] == "counted", r


def test_the_same_verbs_count_where_they_are_content_words():
    assert "向かう" in counted("目標に向かう。")
    assert "受ける" in counted("検定試験を受ける。")  # を受けて is the expression, を受ける is not


def test_function_expression_words_never_join_a_compound():
    # をはじめ + 関係機関 would otherwise be one noun run
    assert counted("市長をはじめ関係機関が集まった。", compounds="all") == ["関係機関", "集まる"]


def test_formulas_of_minutes_only_with_the_minutes_preset():
    text = "市長の見解を求めます。お答えいたします。御指摘のとおり、待機児童の解消を図ります。"
    r = reasons(text)
    assert r["見解"] == r["求め"] == r["答え"] == r["指摘"] == "formula"
    assert r["待機児童"] == "counted"
    plain = counted(text, stopwords="none")
    assert "見解" in plain and "求める" in plain
    assert "見解" in counted(text, function_expressions=False)


def test_every_row_of_the_shipped_tables_matches_its_own_example():
    # the first written form of each row (before ・ or a parenthesis), tokenized alone or after a noun
    misses = []
    for table, why in (("function_expressions.tsv", "function_expression"), ("formulas_minutes.tsv", "formula")):
        rows = {}
        for ph in load_phrases(table, reason=why):
            rows.setdefault(ph.line, ph.expression)
        for line, expression in rows.items():
            example = re.split(r"[・(（]", expression)[0]
            found = False
            for text in (example, "市民" + example, "国" + example + "進める"):
                t = tokenize_utterances(text, stopwords="minutes")
                if (t["reason"].astype(str) == why).any():
                    found = True
                    break
            if not found:
                misses.append(f"{table}:{line} {example}")
    assert len(rows) > 10
    assert not misses, misses


def test_pattern_syntax_and_errors():
    seqs = parse_pattern("お|御:接頭辞? 答える")
    assert sorted(len(s) for s in seqs) == [1, 2]
    (e,) = parse_pattern("=引き続き")[0]
    assert e.surface_only and e.forms == {"引き続き"}
    with pytest.raises(ConfigError, match="empty form"):
        parse_pattern("に||おく")
    with pytest.raises(ConfigError, match="at least one item"):
        parse_pattern("に? を?")


def test_tokens_say_why_each_token_is_not_counted():
    t = tokenize_utterances("令和5年度において、本日の予算を説明する。")
    r = dict(zip(t["surface"].astype(str), t["reason"].astype(object)))
    assert r["5"] == "numeral" and r["おい"] == "function_expression" and r["本日"] == "stopword"
    assert r["の"] == "pos" and pd.isna(r["予算"])
    assert set(t["reason"].dropna().unique()) <= {"formula", "function_expression", "numeral", "pos", "speaker",
                                                   "stopword"}
    assert (t["term"].isna() == t["reason"].notna()).all()


# ---------------------------------------------------------------- the matcher against a plain greedy loop

def _greedy(m, types, same_piece, candidates, taken):
    """The matching rule written as plainly as possible: candidates in order, the longest fit first, no overlap."""
    n, marked, found = len(types), [False] * len(types), []
    for j in candidates:
        if marked[j]:
            continue
        fits = []
        for pi, k in m._type_anchors[types[j]]:
            ids = m._pattern_ids[pi]
            a, b = j - k, j - k + len(ids)
            if a >= 0 and b <= n and all(ids[i - a] in m._type_elements[types[i]] and not marked[i]
                                         and not (taken is not None and taken[i]) and (i == a or same_piece[i])
                                         for i in range(a, b)):
                fits.append((-(b - a), pi, a, b))
        if fits:
            _len, pi, a, b = min(fits)
            marked[a:b] = [True] * (b - a)
            found.append((a, b, m.phrases[pi].reason))
    return sorted(found)


def _utf8(path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:  # the sample's files in other encodings
        return ""


def _matcher_inputs(texts: list[str]):
    """Types, piece flags and anchor candidates of real tokens, as the term rules give them to the matcher."""
    from cooccur.tokenize import get_tokenizer
    from cooccur.tokenize.phrases import PhraseMatcher

    m = PhraseMatcher(load_phrases("function_expressions.tsv", reason="function_expression")
                      + load_phrases("formulas_minutes.tsv", reason="formula"))
    tk, ids, types, same = get_tokenizer("C"), {}, [], []
    for text in texts:
        for k, mo in enumerate(tk.tokenize(text)):
            key = (mo.dictionary_form(), mo.surface(), "-".join(x for x in mo.part_of_speech() if x != "*"))
            if key not in ids:
                ids[key] = m.add_type(*key)
            types.append(ids[key])
            same.append(k > 0)
    cand = [i for i, t in enumerate(types) if m.is_anchor(t)]
    return m, types, same, cand


def test_matches_are_those_of_the_plain_greedy_rule_on_our_sample():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "data" / "sample"
    texts = [ln for f in sorted(root.rglob("*.txt")) if _utf8(f) for ln in _utf8(f).splitlines() if ln.strip()]
    m, types, same, cand = _matcher_inputs(texts)
    got = m.match(types, same, candidates=cand)
    assert len(got) > 50
    assert got == _greedy(m, types, same, cand, None)
    taken = [i % 7 == 0 for i in range(len(types))]  # tokens already used by forced terms block matches
    blocked = m.match(types, same, candidates=cand, taken=taken)
    assert blocked == _greedy(m, types, same, cand, taken) and len(blocked) < len(got)
    cut = [s and i % 5 != 0 for i, s in enumerate(same)]  # a phrase never spans two sentence pieces
    apart = m.match(types, cut, candidates=cand)
    assert apart == _greedy(m, types, cut, cand, None) and len(apart) < len(got)


def test_overlapping_phrases_the_longest_and_the_first_candidate_win():
    # におきましては: に|おき|まし|て|は — "において" and longer variants overlap at the same anchor
    m, types, same, cand = _matcher_inputs(["本市におきましては、国とともに検討してまいります。",
                                            "ご指摘のとおりでございます。お答えいたします。"])
    got = m.match(types, same, candidates=cand)
    assert got == _greedy(m, types, same, cand, None)
    assert all(b > a for a, b, _why in got) and all(b1 <= a2 for (_, b1, _), (a2, _, _) in zip(got, got[1:]))


REAL = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "real_minutes"


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/corpora/real_minutes not present")
def test_matches_are_those_of_the_plain_greedy_rule_on_real_minutes():
    texts = []
    for f in sorted(REAL.rglob("*.txt"))[:12]:
        texts += [ln for ln in f.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()][:400]
    m, types, same, cand = _matcher_inputs(texts)
    got = m.match(types, same, candidates=cand)
    assert len(got) > 500
    assert got == _greedy(m, types, same, cand, None)
