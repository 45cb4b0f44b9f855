"""Interview / article style (cooccur.read.formats.interview)."""

from __future__ import annotations

from pathlib import Path

from cooccur.read.formats.interview import looks_like_interview, parse_interview

FIXTURE = Path(__file__).parent / "fixtures" / "read" / "interview.txt"


def test_fixture_turns():
    p = parse_interview(FIXTURE.read_text(encoding="utf-8"))
    assert [(t.speaker, t.line) for t in p.turns] == [
        (None, 1), ("聞き手", 7), ("川口", 8), ("野村", 11), ("聞き手", 15), ("川口", 16), ("聞き手", 17),
        ("野村", 18),
    ]
    assert p.turns[0].exclusion == "preamble"
    assert p.turns[2].text.strip() == "窓口の待ち時間が長いという声が多かったことです。\n紙の申請書も減らしたいと考えていました。"
    assert p.turns[5].text == "職員の育成です。"
    assert p.turns[7].text == "住民の声を聞きながら進めます。"
    # two ―― lines (2 + 2), one ーー line (2), the colon after 野村 (1)
    assert p.syntax_chars == 7


def test_fixture_exclusions():
    p = parse_interview(FIXTURE.read_text(encoding="utf-8"))
    assert [(e.turn, e.line, e.reason, e.text) for e in p.exclusions] == [
        (0, 2, "speaker_intro", "江戸川区 情報システム課長：川口 浩介（以下「川口」）"),
        (0, 3, "speaker_intro", "同課 主任：野村 さやか（以下「野村」）"),
        (0, 5, "caption", "写真：打ち合わせをする二人"),
        (3, 12, "stage_direction", "（笑）"),
        (3, 14, "heading", "これからの課題"),
    ]


def test_intro_inside_a_sentence_defines_the_alias_but_stays_text():
    text = "今回は市長の森田 健（以下「森田」）にお話を伺った。\n――抱負は？\n森田\n市民と対話します。"
    p = parse_interview(text)
    assert [(t.speaker, t.text.strip()) for t in p.turns] == [
        (None, "今回は市長の森田 健（以下「森田」）にお話を伺った。"),
        ("聞き手", "抱負は？"),
        ("森田", "市民と対話します。"),
    ]
    assert p.exclusions == []


def test_recurring_name_lines_without_intro():
    text = "A課長\n予算の話です。\nB係長\n人員の話です。\nA課長\n以上です。\nB係長\n同じです。\nまとめ\n"
    p = parse_interview(text)
    assert [(t.speaker, t.text.strip()) for t in p.turns] == [
        ("A課長", "予算の話です。"), ("B係長", "人員の話です。"), ("A課長", "以上です。"),
        ("B係長", "同じです。\nまとめ"),
    ]


def test_a_one_off_short_line_is_not_a_speaker():
    text = "――最初の質問です。\n山田\n答えです。\n見出し風の行\n続きの答えです。"
    p = parse_interview(text)
    assert [t.speaker for t in p.turns] == ["聞き手"]
    assert p.turns[0].text == "最初の質問です。\n山田\n答えです。\n見出し風の行\n続きの答えです。"


def test_separator_line_of_dashes():
    p = parse_interview("――質問です。\n答えです。\n――――――\n――次の質問です。")
    assert [t.speaker for t in p.turns] == ["聞き手", "聞き手"]
    assert [(e.line, e.reason) for e in p.exclusions] == [(3, "separator")]


def test_looks_like_interview():
    assert looks_like_interview("課長：川口 浩介（以下「川口」）\n本文")
    assert looks_like_interview("――質問一\n答え\n――質問二")
    assert not looks_like_interview("――ひとつだけ\n本文です。")
