"""Tests for cooccur.read.formats.subtitles (WebVTT and SRT)."""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import pytest

from cooccur.errors import FormatError
from cooccur.read.formats.subtitles import format_timestamp, parse_srt, parse_vtt

FIX = Path(__file__).parent / "fixtures" / "read2"


def _vtt() -> str:
    return (FIX / "kaigi.vtt").read_text(encoding="utf-8")


def _summary(p):
    return [(t.speaker, t.text, t.line, t.meta["start_time"], t.meta["end_time"], t.exclusion) for t in p.turns]


def test_vtt_fixture():
    p = parse_vtt(_vtt())
    assert _summary(p) == [
        ("司会", "本日は お忙しいところお集まりいただきありがとうございます。", 13,
         "00:00:01.000", "00:00:06.000", None),
        ("高橋 花子", "資料を画面に共有します。\n続けて説明します。", 21, "00:00:06.500", "00:00:12.500", None),
        ("伊藤", "R&Dの予算は足りていますか。", 29, "00:00:13.000", "00:00:15.000", None),
    ]
    assert [(e.turn, e.line, e.reason, e.text) for e in p.exclusions] == [
        (None, 5, "note", "自動生成された字幕を\n担当者が確認した。"),
        (1, 21, "stage_direction", "（笑）"),
    ]


def test_vtt_char_offsets_cover_cue_text():
    raw = _vtt()
    p = parse_vtt(raw)
    first = p.turns[0]
    assert raw[first.char_start:first.char_end].startswith("<v 司会>本日は")
    assert raw[first.char_start:first.char_end].endswith("ありがとうございます。</v>")
    last = p.turns[-1]
    assert raw[last.char_start:last.char_end] == "伊藤：R&amp;Dの予算は\n足りていますか。"


def test_vtt_accounting_every_character_once():
    raw = _vtt()
    p = parse_vtt(raw)
    # Remove format syntax and speaker labels independently of the parser: header
    # block, STYLE block, the word NOTE, cue ids, timing lines, tags, entities
    # (keeping the decoded character) and speaker labels (a label is repeated on
    # every cue but kept once per merged turn, so labels are checked as a set).
    lines = raw.split("\n")
    kept, labels = [], set()
    skip_style = False
    for i, ln in enumerate(lines):
        if i < 3:
            continue
        if ln == "STYLE":
            skip_style = True
            continue
        if skip_style:
            skip_style = bool(ln.strip())
            continue
        if ln.isdigit() or "-->" in ln:
            continue
        ln = re.sub(r"^NOTE\b", "", ln)
        labels.update(re.findall(r"<v[^ >]* ([^>]*)>", ln))
        ln = re.sub(r"<[^>]*>", "", ln)
        ln = html.unescape(ln)
        if ln.startswith("伊藤："):
            labels.add("伊藤")
            ln = ln[len("伊藤："):]
        kept.append(ln)
    expected = Counter(ch for ch in "".join(kept) if not ch.isspace())
    assert {t.speaker for t in p.turns} == labels == {"司会", "高橋 花子", "伊藤"}
    content = "".join(t.text for t in p.turns) + "".join(e.text for e in p.exclusions)
    got = Counter(ch for ch in content if not ch.isspace())
    assert got == expected


def test_srt_fixture():
    p = parse_srt((FIX / "kaigi.srt").read_text(encoding="utf-8"))
    assert _summary(p) == [
        ("小林", "事業の進捗を報告します。", 3, "00:00:00.500", "00:00:04.000", None),
        ("中村", "質問があります。", 11, "00:00:05.000", "00:00:07.000", None),
    ]
    assert p.exclusions == []


def test_cue_without_speaker_before_any_speaker():
    vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\nえー、始めます\n\n00:02.000 --> 00:03.000\n<v 山口>はい。\n"
    p = parse_vtt(vtt)
    assert [(t.speaker, t.text, t.exclusion) for t in p.turns] == [(None, "えー、始めます", None),
                                                                    ("山口", "はい。", None)]


def test_join_rule_ascii_words_get_a_space():
    srt = "1\n00:00:01,000 --> 00:00:02,000\nA: We use the online\n\n2\n00:00:02,000 --> 00:00:03,000\nmeeting tool\n"
    (t,) = parse_srt(srt).turns
    assert (t.speaker, t.text) == ("A", "We use the online meeting tool")


def test_two_voices_in_one_cue_and_crlf():
    vtt = "WEBVTT\r\n\r\n00:00:01.000 --> 00:00:02.000\r\n<v 山田>賛成ですか。</v>\r\n<v 佐藤>賛成です。</v>\r\n"
    p = parse_vtt(vtt)
    assert [(t.speaker, t.text, t.line) for t in p.turns] == [("山田", "賛成ですか。", 4), ("佐藤", "賛成です。", 5)]


def test_ruby_reading_is_excluded_and_url_is_not_a_speaker():
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v 森>"
           "<ruby>稟議<rt>りんぎ</rt></ruby>を回します。\n\n"
           "00:00:02.000 --> 00:00:03.000\nhttps://example.jp を見てください。\n")
    p = parse_vtt(vtt)
    assert [(t.speaker, t.text) for t in p.turns] == [("森", "稟議を回します。\nhttps://example.jp を見てください。")]
    assert [(e.turn, e.reason, e.text) for e in p.exclusions] == [(0, "ruby", "りんぎ")]


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("WEBVTT\n\n1\n00:00:01.000 -> 00:00:02.000\nはい\n", 3, "expected a cue timing line"),
        ("WEBVTT\n\n00:00:01 --> 00:00:02.000\nはい\n", 3, "malformed cue timing"),
        ("WEBVTT\n\n00:00:03.000 --> 00:00:02.000\nはい\n", 3, "ends .* before it starts"),
        ("WEBVTT\n00:00:01.000 --> 00:00:02.000\nはい\n", 2, "blank line between the WEBVTT header"),
        ("1\n00:00:01.000 --> 00:00:02.000\nはい\n", 1, "must start with the line 'WEBVTT'"),
    ],
)
def test_vtt_errors_carry_line(text, line, message):
    with pytest.raises(FormatError, match=message) as info:
        parse_vtt(text, path="m.vtt")
    assert (info.value.path, info.value.line) == ("m.vtt", line)


def test_srt_errors_carry_line():
    with pytest.raises(FormatError, match="malformed cue timing") as info:
        parse_srt("1\n00:00:01,000 --> 00:00:02,000\nはい\n\n2\n00:00:02;000 --> 00:00:03,000\nいいえ\n")
    assert info.value.line == 6
    with pytest.raises(FormatError, match="expected a cue timing line") as info:
        parse_srt("1\n00:00:01,000 --> 00:00:02,000\nはい\n\n2\nいいえ\n")
    assert info.value.line == 6


def test_format_timestamp():
    assert format_timestamp(0) == "00:00:00.000"
    assert format_timestamp(3725.5) == "01:02:05.500"


def test_colon_label_with_role_in_parentheses():
    srt = ("1\n00:00:01,000 --> 00:00:02,000\n司会（都デジタル局）: 始めます。\n\n"
           "2\n00:00:02,000 --> 00:00:03,000\n杉並区（情報政策課長）：杉並区です。\n\n"
           "3\n00:00:03,000 --> 00:00:04,000\n注意、これは: 話者ではありません。\n")
    p = parse_srt(srt)
    assert [(t.speaker, t.text) for t in p.turns] == [
        ("司会（都デジタル局）", "始めます。"),
        ("杉並区（情報政策課長）", "杉並区です。\n注意、これは: 話者ではありません。"),
    ]
