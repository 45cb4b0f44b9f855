"""Colon-style transcripts (cooccur.read.formats.colon)."""

from __future__ import annotations

from pathlib import Path

from cooccur.read.formats.colon import looks_like_colon, parse_colon

FIXTURE = Path(__file__).parent / "fixtures" / "read" / "colon.txt"


def test_fixture_turns():
    p = parse_colon(FIXTURE.read_text(encoding="utf-8"))
    assert [(t.speaker, t.line, t.exclusion) for t in p.turns] == [
        (None, 1, "preamble"),
        ("司会", 5, None),
        ("田中", 7, None),
        ("佐藤", 9, None),
        ("司会", 10, None),
        ("田中", 11, None),
        ("佐藤", 12, None),
    ]
    assert p.syntax_chars == 6
    # the one-off 日時：/場所： lines stay in the preamble, the time and URL stay in remarks
    assert p.turns[0].text.split("\n")[1:3] == ["日時：令和六年五月十日", "場所：市民会館第一会議室"]
    assert p.turns[2].text == "田中です。バスを毎日使っています。\n朝は10:30ごろまで混んでいます。"
    assert p.turns[3].text == "佐藤です。詳しくは https://example.jp/bus をご覧ください。"
    assert [(e.turn, e.line, e.text) for e in p.exclusions] == [(2, 8, "（笑）")]


def test_false_speakers_are_not_split():
    text = "司会：始めます。\n会議は10:30に始まります\nhttps://example.jp/a\nつまり、こういうことです：ええ\n司会：続けます。"
    p = parse_colon(text)
    assert [t.speaker for t in p.turns] == ["司会", "司会"]
    assert p.turns[0].text == "始めます。\n会議は10:30に始まります\nhttps://example.jp/a\nつまり、こういうことです：ええ"


def test_small_file_accepts_single_labels():
    p = parse_colon("Ａ：はい。\nＢ: いいえ。")
    assert [(t.speaker, t.text) for t in p.turns] == [("Ａ", "はい。"), ("Ｂ", "いいえ。")]


def test_large_file_requires_recurrence():
    text = "注：これは注記です。\n" + "\n".join(f"{'山田' if i % 2 else '佐藤'}：発言{i}です。" for i in range(6))
    p = parse_colon(text)
    assert p.turns[0].speaker is None and p.turns[0].text == "注：これは注記です。"
    assert [t.speaker for t in p.turns[1:]] == ["佐藤", "山田"] * 3


def test_long_label_is_not_a_speaker():
    long_label = "これは三十文字を超える長い見出しのような行でして話者名ではありません"
    p = parse_colon(f"A：はい\n{long_label}：本文\nA：終わり")
    assert [t.speaker for t in p.turns] == ["A", "A"]


def test_looks_like_colon():
    assert looks_like_colon(["司会：はい", "田中：ええ", "司会：では"])
    assert not looks_like_colon(["日時：五月", "場所：会館", "議題：交通"])
    assert not looks_like_colon(["会議は10:30から", "11:00まで", "12:00に終了"])


def test_a_speaker_who_talks_once_is_still_a_speaker_and_oddities_are_reported():
    from cooccur.read.formats.colon import parse_colon

    text = ("司会（事務局）：始めます。\n港区（課長）：標準化の話です。\n司会（事務局）：次の方。\n"
            "港区（課長）：続けます。\n大島町（総務課長）：島の回線の話を一度だけします。\n"
            "山田委員：私も一言。\n結論：まとめは次回に回します。\n")
    parsed = parse_colon(text)
    speakers = [t.speaker for t in parsed.turns]
    assert "大島町（総務課長）" in speakers and "山田委員" in speakers
    assert "結論" not in speakers
    assert parsed.turns[-1].text.endswith("結論：まとめは次回に回します。")
    assert any("'結論'" in w and "line 7" in w for w in parsed.warnings)
