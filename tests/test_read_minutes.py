"""Minutes with ○/◯ turn marks (cooccur.read.formats.minutes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooccur.read.formats.minutes import parse_minutes

FIXTURE = Path(__file__).parent / "fixtures" / "read" / "minutes.txt"


def turns(text):
    return [(t.speaker, t.text, t.line, t.exclusion) for t in parse_minutes(text).turns]


def test_fixture_speakers_lines_and_preamble():
    p = parse_minutes(FIXTURE.read_text(encoding="utf-8"))
    assert [(t.speaker, t.line, t.exclusion) for t in p.turns] == [
        (None, 1, "preamble"),
        ("委員長（山田一郎君）", 5, None),
        ("山田（太）委員", 7, None),
        ("情報政策課長（佐藤花子君）", 9, None),
        ("鈴木委員", 13, None),
        ("", 15, None),
        ("委員長（山田一郎君）", 16, None),
    ]
    assert p.syntax_chars == 6
    assert p.turns[2].text == "標準化の進み具合について伺います。\n　移行の期限に間に合うのでしょうか。"
    assert p.warnings == ["line 15: turn mark without a speaker label or remark"]


def test_fixture_exclusions():
    p = parse_minutes(FIXTURE.read_text(encoding="utf-8"))
    assert [(e.turn, e.line, e.reason, e.text) for e in p.exclusions] == [
        (0, 4, "time_note", "〔午前十時開議〕"),
        (2, 7, "stage_direction", "（拍手）"),
        (3, 10, "stage_direction", "〔発言する者あり〕"),
        (3, 11, "time_note", "（午前十時三十分休憩）"),
        (3, 12, "time_note", "〔午前十時四十五分再開〕"),
    ]


def test_parenthesis_inside_a_name_is_not_split():
    assert turns("○山田（太）委員　質問します。\n○山田（花）委員　私も質問します。") == [
        ("山田（太）委員", "質問します。", 1, None),
        ("山田（花）委員", "私も質問します。", 2, None),
    ]


@pytest.mark.parametrize(
    ("line", "label", "text"),
    [
        ("○議長（山田太郎君）　開会します。", "議長（山田太郎君）", "開会します。"),
        ("○田中君　賛成です。", "田中君", "賛成です。"),
        ("○山田委員長　散会します。", "山田委員長", "散会します。"),
        ("◯佐藤委員　大きい丸です。", "佐藤委員", "大きい丸です。"),
        ("○佐藤委員 半角空白です。", "佐藤委員", "半角空白です。"),
        ("○議長（山田太郎君）空白のない行でも君の後で分けます。これは長い発言の例です。", "議長（山田太郎君）",
         "空白のない行でも君の後で分けます。これは長い発言の例です。"),
        ("　○教育長（中村次郎君）　字下げされた行です。", "教育長（中村次郎君）", "字下げされた行です。"),
    ],
)
def test_label_shapes(line, label, text):
    assert turns(line) == [(label, text, 1, None)]


def test_label_alone_on_its_line():
    assert turns("○鈴木委員\n費用について伺います。\n二点あります。") == [
        ("鈴木委員", "\n費用について伺います。\n二点あります。", 1, None)
    ]


def test_mark_without_label_never_crashes_and_is_reported():
    p = parse_minutes("○　名前のない発言です。\n○\n○委員長　終わります。")
    assert [(t.speaker, t.text) for t in p.turns] == [("", "名前のない発言です。"), ("", ""), ("委員長", "終わります。")]
    assert p.warnings == ["line 1: turn mark without a speaker label",
                          "line 2: turn mark without a speaker label or remark"]


def test_no_marks_is_all_preamble():
    assert turns("出席者一覧\n山田　一郎") == [(None, "出席者一覧\n山田　一郎", 1, "preamble")]
    assert parse_minutes("").turns == []


def test_preamble_of_only_a_time_note_is_no_turn():
    p = parse_minutes("\n〔午前十時開議〕\n○議長　開議します。")
    assert [(t.speaker, t.line) for t in p.turns] == [("議長", 3)]
    assert [(e.turn, e.line, e.reason) for e in p.exclusions] == [(None, 2, "time_note")]


def test_a_sentence_mentioning_a_time_is_kept():
    p = parse_minutes("○議長　本日は午後二時に再開します。\n午後二時から再開します。")
    assert p.turns[0].text == "本日は午後二時に再開します。\n午後二時から再開します。"
    assert p.exclusions == []


def test_offsets_point_into_the_text():
    text = "出席\n○議長　開会します。\n続けます。\n○田中委員　質問です。\n"
    p = parse_minutes(text)
    assert [(t.char_start, t.char_end) for t in p.turns] == [(0, 2), (3, 19), (20, 31)]
    assert text[3:19] == "○議長　開会します。\n続けます。"
    assert text[20:31] == "○田中委員　質問です。"


def test_long_line_with_a_mark_but_no_label_end_keeps_its_text():
    line = "○" + "あ" * 50 + "。"
    p = parse_minutes(line)
    assert [(t.speaker, t.text) for t in p.turns] == [("", "あ" * 50 + "。")]
    assert "could not tell where the speaker label ends" in p.warnings[0]


def test_agenda_headings_between_turns_are_not_part_of_the_remark():
    text = ("○議長（山田太郎君）　これより本日の会議を開きます。\n"
            "◎日程第１　議案第１号\n"
            "△一般質問\n"
            "○市長（田中一郎君）　御説明いたします。\n")
    parsed = parse_minutes(text)
    assert [(t.speaker, t.text.strip()) for t in parsed.turns] == [
        ("議長（山田太郎君）", "これより本日の会議を開きます。"), ("市長（田中一郎君）", "御説明いたします。")]
    assert [(e.line, e.reason, e.text, e.turn) for e in parsed.exclusions] == [
        (2, "heading", "◎日程第１\u3000議案第１号", 0), (3, "heading", "△一般質問", 0)]


@pytest.mark.parametrize("text, expected", [
    ("○石井委員　標準化の作業は情報共有がないと進みません。\n", "minutes"),
    ("令和6年第1回定例会\n○市長（山田太郎君）　本日の施政方針を申し上げます。\n", "minutes"),
    ("○ 会議の目的について\n", "text"),  # a bullet point, not a speaker
    ("○標準化について\n", "text"),
    ("○会議の目的　標準化を進める\n", "text"),  # no speaker-shaped label
])
def test_a_single_turn_with_a_speaker_label_is_minutes(text, expected):
    from cooccur.read.formats.detect import detect_text_format

    assert detect_text_format(text) == expected


def test_a_single_turn_file_is_read_with_its_speaker(tmp_path):
    from cooccur.read import read_corpus

    (tmp_path / "一人.txt").write_text("○石井委員　標準化の作業は情報共有がないと進みません。\n", encoding="utf-8")
    c = read_corpus(tmp_path)
    assert c.utterances[["speaker", "text"]].values.tolist() == [["石井委員", "標準化の作業は情報共有がないと進みません。"]]
    assert not c.warnings
