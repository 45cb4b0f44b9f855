"""Tests for cooccur.read.formats.table (CSV/TSV transcripts)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from cooccur.errors import FormatError
from cooccur.read.formats.table import parse_table, read_rows

FIX = Path(__file__).parent / "fixtures" / "read2"


def _nonws(s: str) -> Counter:
    return Counter(ch for ch in s if not ch.isspace())


def _fixture() -> str:
    return (FIX / "zadankai.csv").read_text(encoding="utf-8")


def test_fixture_turns_lines_and_meta():
    p = parse_table(_fixture())
    assert [(t.speaker, t.text, t.line, t.exclusion) for t in p.turns] == [
        ("司会", "それでは座談会を始めます。", 2, None),
        ("田中", "地域の交通について話します。\nバスの本数が減っています。", 3, None),
        ("鈴木", "「足がない」という声を聞きます。\"デマンド交通\"も検討したい。", 6, None),
    ]
    assert [t.meta for t in p.turns] == [
        {"番号": "1", "所属": "事務局"},
        {"番号": "2", "所属": "市民委員"},
        {"番号": "3", "所属": "商工会"},
    ]
    assert all(t.char_start is None and t.char_end is None for t in p.turns)
    assert [(e.turn, e.line, e.reason, e.text) for e in p.exclusions] == [
        (0, 2, "stage_direction", "（拍手）"),
        (None, 5, "empty", ""),
        (None, 7, "empty", "4,田中,市民委員"),
    ]


def test_accounting_every_character_once():
    raw = _fixture()
    p = parse_table(raw)
    header = raw.split("\n", 1)[0].split(",")
    content = "".join(header)
    for t in p.turns:
        content += t.text + (t.speaker or "") + "".join(v for v in t.meta.values() if v)
    content += "".join(e.text for e in p.exclusions)
    file_chars, used = _nonws(raw), _nonws(content)
    assert used - file_chars == Counter()  # nothing invented
    rest = file_chars - used
    assert set(rest) <= {",", '"'}  # the remainder is CSV syntax only
    assert rest["\""] == 6  # 8 quote characters in the file; 2 are content (each "" stands for one)


def test_crlf_and_multiline_cells_keep_line_numbers():
    text = "発言者,発言内容\r\n山田,\"一行目\r\n二行目\r\n三行目\"\r\n佐藤,賛成です。\r\n"
    p = parse_table(text)
    assert [(t.speaker, t.text, t.line) for t in p.turns] == [
        ("山田", "一行目\n二行目\n三行目", 2),
        ("佐藤", "賛成です。", 5),
    ]


def test_english_and_fullwidth_headers_are_detected_tsv():
    text = "ID\tＳｐｅａｋｅｒ\tＴＥＸＴ\n7\t渡辺\tオンライン申請を進めます。\n"
    p = parse_table(text, delimiter="\t")
    assert [(t.speaker, t.text, t.meta) for t in p.turns] == [("渡辺", "オンライン申請を進めます。", {"ID": "7"})]


def test_header_preference_order():
    # 発言内容 is preferred over 内容; 発言者 over 氏名 (which stays metadata)
    text = "内容,氏名,発言内容,発言者\n議題A,山田太郎,予算です。,委員長\n"
    (t,) = parse_table(text).turns
    assert (t.speaker, t.text, t.meta) == ("委員長", "予算です。", {"内容": "議題A", "氏名": "山田太郎"})


def test_no_speaker_column_gives_none():
    p = parse_table("本文\n住民の声を聞く。\n")
    assert [(t.speaker, t.text, t.meta) for t in p.turns] == [(None, "住民の声を聞く。", {})]


def test_explicit_columns():
    text = "誰,言ったこと\n木村,ありがとうございます。\n"
    (t,) = parse_table(text, text_column="言ったこと", speaker_column="誰").turns
    assert (t.speaker, t.text, t.meta) == ("木村", "ありがとうございます。", {})


def test_missing_text_column_names_columns_and_option():
    with pytest.raises(FormatError, match=r"no text column found.*'誰', '言ったこと'.*--text-column") as info:
        parse_table("誰,言ったこと\n木村,はい\n", path="a.csv")
    assert info.value.path == "a.csv" and info.value.line == 1


def test_unknown_explicit_column_did_you_mean():
    with pytest.raises(FormatError, match=r"unknown text column .*'発言内用'; did you mean '発言内容'\?"):
        parse_table("発言者,発言内容\n山田,はい\n", text_column="発言内用")


def test_ragged_row_reports_line():
    text = "発言者,発言内容\n山田,はい\n佐藤,いいえ,余分\n"
    with pytest.raises(FormatError, match="3 fields but the header has 2") as info:
        parse_table(text, path="x.csv")
    assert info.value.line == 3
    with pytest.raises(FormatError) as info:
        parse_table("発言者,発言内容,所属\n山田,はい\n")
    assert info.value.line == 2


def test_trailing_empty_fields_are_tolerated():
    (t,) = parse_table("発言者,発言内容\n山田,はい,,\n").turns
    assert (t.speaker, t.text) == ("山田", "はい")


def test_unclosed_quote_reports_row_start():
    text = "発言者,発言内容\n山田,はい\n佐藤,\"閉じていない\n次の行\n"
    with pytest.raises(FormatError, match="malformed quoting in the row starting at line 3") as info:
        parse_table(text)
    assert info.value.line == 3


def test_only_stage_direction_becomes_empty_turn():
    p = parse_table("発言者,発言内容\n一同,（拍手）\n")
    assert [(t.speaker, t.text, t.exclusion) for t in p.turns] == [("一同", "", "empty")]
    assert [(e.turn, e.reason, e.text) for e in p.exclusions] == [(0, "stage_direction", "（拍手）")]


def test_bad_arguments_and_headers():
    with pytest.raises(ValueError, match="delimiter must be one character"):
        parse_table("a,b\n", delimiter=",,")
    with pytest.raises(ValueError, match="both the text and the speaker column"):
        parse_table("発言者,発言内容\n山田,はい\n", text_column="発言内容", speaker_column="発言内容")
    with pytest.raises(FormatError, match="appears twice"):
        parse_table("発言者,発言内容,発言者\n山田,はい,x\n")
    with pytest.raises(FormatError, match="header row"):
        parse_table("\n発言者,発言内容\n")


def test_read_rows_bom_and_unnamed_columns():
    r = read_rows("\ufeff,発言内容\n1,はい\n")
    assert r.header == ["column_1", "発言内容"]
    assert (r.rows, r.lines) == ([["1", "はい"]], [2])


def test_parse_rows_is_shared_with_excel_and_reports_the_header_line():
    from cooccur.read.formats.table import Rows, find_text_column, parse_rows

    table = Rows(["回", "発言者", "発言内容"], [["1", "山田", "質問します。（拍手）"], [], ["2", "森", ""]], [5, 6, 7],
                 header_line=4)
    p = parse_rows(table, joiner="\t")
    assert [(t.speaker, t.text, t.line, t.meta) for t in p.turns] == [("山田", "質問します。", 5, {"回": "1"})]
    assert [(e.turn, e.line, e.reason, e.text) for e in p.exclusions] == [
        (0, 5, "stage_direction", "（拍手）"), (None, 6, "empty", ""), (None, 7, "empty", "2\t森")]
    with pytest.raises(FormatError) as info:
        parse_rows(table, speaker_column="氏名")
    assert info.value.line == 4
    assert find_text_column(["回", "日付"]) is None and find_text_column(["ＴＥＸＴ"]) == 0
