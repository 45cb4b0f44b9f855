"""Function expressions and minutes formulas: the shipped tables match what they describe, on real SudachiPy output."""

from __future__ import annotations

import re

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
