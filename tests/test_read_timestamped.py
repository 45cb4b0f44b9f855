"""Online-meeting transcript exports (Teams .docx/.txt): a name-and-time line, then the remark."""

from __future__ import annotations

import pandas as pd

from cooccur.read import read_corpus
from cooccur.read.formats.detect import detect_text_format
from cooccur.read.formats.timestamped import looks_like_timestamped, parse_timestamped

TEAMS = """定例会議 - 文字起こし
2024年5月16日

山田 太郎   0:03
こんにちは。本日はシステムの標準化について話します。

佐藤 花子   1:15
はい。情報共有の場がほしいです。
研修の資料も共有したいですね。

山田 太郎   2:40
ICT人材の確保も課題です。（笑い）
"""


def test_teams_text_is_detected_and_split_into_turns():
    assert detect_text_format(TEAMS) == "timestamped"
    parsed = parse_timestamped(TEAMS)
    turns = [(t.speaker, t.text.strip(), t.meta.get("start_time"), t.exclusion) for t in parsed.turns]
    assert turns == [
        (None, "定例会議 - 文字起こし\n2024年5月16日", None, "preamble"),
        ("山田 太郎", "こんにちは。本日はシステムの標準化について話します。", "0:03", None),
        ("佐藤 花子", "はい。情報共有の場がほしいです。\n研修の資料も共有したいですね。", "1:15", None),
        ("山田 太郎", "ICT人材の確保も課題です。", "2:40", None),
    ]
    assert [(e.reason, e.text) for e in parsed.exclusions] == [("stage_direction", "（笑い）")]


def test_other_name_time_shapes():
    text = "[山田 太郎] 10:01:02\nはい。\n00:01:15 佐藤\nいいえ。\n[山田 太郎] 10:02:30\n続けます。\n"
    parsed = parse_timestamped(text)
    assert [(t.speaker, t.meta["start_time"]) for t in parsed.turns] == [
        ("山田 太郎", "10:01:02"), ("佐藤", "00:01:15"), ("山田 太郎", "10:02:30")]


def test_prose_with_times_is_not_taken_for_a_transcript():
    prose = ["会議は 10:30 に始まります。", "休憩 12:00", "再開 13:00", "終了は 17:00 の予定です。"]
    assert not looks_like_timestamped(prose)  # no recurring name, and sentences are not names


def test_teams_docx_through_read_corpus(tmp_path):
    import docx

    doc = docx.Document()
    for line in TEAMS.splitlines():
        doc.add_paragraph(line)
    doc.save(tmp_path / "会議の文字起こし.docx")
    corpus = read_corpus(tmp_path)
    assert corpus.files.loc[0, "format"] == "docx+timestamped"
    u = corpus.utterances
    analysed = u[u["exclusion"].isna()]
    assert analysed["speaker"].tolist() == ["山田 太郎", "佐藤 花子", "山田 太郎"]
    assert analysed["start_time"].tolist() == ["0:03", "1:15", "2:40"]
    assert not any("no speaker turns" in w for w in corpus.warnings)
    assert pd.isna(u.loc[0, "speaker"]) and u.loc[0, "exclusion"] == "preamble"
