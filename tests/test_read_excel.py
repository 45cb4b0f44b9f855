"""Tests for cooccur.read.formats.excel (.xlsx transcripts) and its wiring into read_corpus."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from cooccur.cli import EXIT_PARTIAL, cli
from cooccur.errors import FormatError, InputError
from cooccur.read import read_corpus
from cooccur.read.formats.excel import cell_text, parse_xlsx, read_sheet
from cooccur.read.formats.table import parse_table

openpyxl = pytest.importorskip("openpyxl")

MEMO = [["日付", "備考"], [datetime.date(2024, 4, 1), "事前の打合せ"]]
MINUTES = [
    ["回", "開催日", "発言者", "発言内容"],
    [3, datetime.date(2024, 5, 14), "議長", "ただいまから委員会を開会します。（拍手）"],
    [None, None, None, None],
    [3, datetime.date(2024, 5, 14), "田中委員", "学校の給食費について伺います。\n無償化の予定はありますか。"],
    [3.0, datetime.datetime(2024, 5, 14, 10, 30), "教育長", "（拍手）"],
    [4, None, "佐藤委員", None],
    [2.5, "未定", "議長", "以上で閉会します。"],
]


def _book(path, sheets):
    """Write a workbook: ``sheets`` maps sheet name → rows (lists of cell values)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _rows(df, columns):
    return [tuple(None if pd.isna(v) else v for v in row) for row in df[columns].itertuples(index=False)]


def test_second_sheet_is_read_with_metadata_lines_and_exclusions(tmp_path):
    path = _book(tmp_path / "委員会.xlsx", {"メモ": MEMO, "発言録": MINUTES})
    c = read_corpus(path)
    u = c.utterances
    assert _rows(u, ["utterance_id", "speaker", "text", "exclusion", "line", "回", "開催日"]) == [
        (0, "議長", "ただいまから委員会を開会します。", None, 2, "3", "2024-05-14"),
        (1, "田中委員", "学校の給食費について伺います。\n無償化の予定はありますか。", None, 4, "3", "2024-05-14"),
        (2, "教育長", "", "empty", 5, "3", "2024-05-14 10:30:00"),
        (3, "議長", "以上で閉会します。", None, 7, "2.5", "未定"),
    ]
    assert set(u["format"]) == {"xlsx"}
    assert u["char_start"].isna().all() and u["char_end"].isna().all()
    assert _rows(c.exclusions, ["utterance_id", "line", "reason", "text"]) == [
        (0, 2, "stage_direction", "（拍手）"),
        (None, 3, "empty", ""),
        (2, 5, "stage_direction", "（拍手）"),
        (None, 6, "empty", "4\t佐藤委員"),
    ]
    f = c.files.iloc[0]
    assert (f["format"], f["status"], f["utterances"], f["utterances_analysed"]) == ("xlsx", "ok", 4, 3)
    assert pd.isna(f["encoding"]) and pd.isna(f["newline"])
    assert f["sha256"] == __import__("hashlib").sha256(path.read_bytes()).hexdigest()
    assert f["bytes"] == path.stat().st_size
    assert any("sheet '発言録' read; other sheets not read: 'メモ'" in w for w in c.warnings)


def test_chars_accounting_is_the_sheet_as_tab_separated_text(tmp_path):
    path = _book(tmp_path / "a.xlsx", {"発言録": MINUTES})
    sheet = read_sheet(path.read_bytes())
    tsv = "".join("\t".join(r) + "\n" for r in [sheet.rows.header] + sheet.rows.rows)
    assert sheet.chars == len(tsv)
    # the same cells written as CSV give the same turns
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([sheet.rows.header] + sheet.rows.rows)
    csv_turns = parse_table(buf.getvalue()).turns
    xlsx_turns = parse_xlsx(path.read_bytes()).turns
    assert [(t.speaker, t.text, t.meta) for t in xlsx_turns] == [(t.speaker, t.text, t.meta) for t in csv_turns]
    f = read_corpus(path).files.iloc[0]
    labels = len("議長田中委員教育長議長")
    assert f["chars"] == sheet.chars
    assert f["chars_markup"] == labels
    assert f["chars_analysed"] == len("ただいまから委員会を開会します。学校の給食費について伺います。\n"
                                      "無償化の予定はありますか。以上で閉会します。")
    assert f["chars_excluded"] == len("（拍手）（拍手）4\t佐藤委員")


def test_cell_values_become_strings_deterministically():
    assert [cell_text(v) for v in (None, 7, 7.0, 0.1, -3, False, datetime.date(2023, 1, 9),
                                   datetime.datetime(2023, 1, 9), datetime.time(13, 5, 0),
                                   datetime.timedelta(hours=1, minutes=2, seconds=3))] == [
        "", "7", "7", "0.1", "-3", "FALSE", "2023-01-09", "2023-01-09", "13:05:00", "1:02:03"]


def test_forced_text_column_picks_the_sheet_that_has_it(tmp_path):
    rows = [["番号", "話し手", "意見"], [1, "市民A", "バスを増やしてほしい。"], [2, "市民B", "駅前に駐輪場を。"]]
    path = _book(tmp_path / "意見.xlsx", {"表紙": [["市民意見交換会"]], "意見": rows})
    with pytest.raises(FormatError) as info:
        read_sheet(path.read_bytes(), path="意見.xlsx")
    msg = str(info.value)
    assert msg.startswith("意見.xlsx: no sheet has a remark column")
    assert "sheet '表紙' has columns '市民意見交換会'" in msg
    assert "sheet '意見' has columns '番号', '話し手', '意見'" in msg
    assert "--text-column" in msg
    c = read_corpus(path, text_column="意見", speaker_column="話し手")
    assert _rows(c.utterances, ["speaker", "text", "line", "番号"]) == [
        ("市民A", "バスを増やしてほしい。", 2, "1"), ("市民B", "駅前に駐輪場を。", 3, "2")]
    with pytest.raises(FormatError, match="no sheet has the column '感想'.*'意見'"):
        read_sheet(path.read_bytes(), text_column="感想")


def test_header_below_blank_rows_and_ragged_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B3"], ws["C3"] = "話者", "本文"
    ws["B4"], ws["C4"], ws["E4"] = "山本", "説明します。", "補足"
    ws["B6"] = "   "  # white space only: an empty row
    ws["B7"], ws["C7"] = "森", "了解です。"
    ws["C9"] = " "  # blank rows after the last remark are not rows
    wb.save(tmp_path / "b.xlsx")
    sheet = read_sheet((tmp_path / "b.xlsx").read_bytes())
    assert sheet.rows.header == ["column_1", "話者", "本文", "column_4", "column_5"]
    assert sheet.rows.header_line == 3
    assert sheet.rows.rows == [["", "山本", "説明します。", "", "補足"], [], [], ["", "森", "了解です。", "", ""]]
    assert sheet.rows.lines == [4, 5, 6, 7]
    p = parse_xlsx((tmp_path / "b.xlsx").read_bytes())
    assert [(t.speaker, t.text, t.line, t.meta) for t in p.turns] == [
        ("山本", "説明します。", 4, {"column_1": None, "column_4": None, "column_5": "補足"}),
        ("森", "了解です。", 7, {"column_1": None, "column_4": None, "column_5": None})]
    assert [(e.line, e.reason) for e in p.exclusions] == [(5, "empty"), (6, "empty")]


def test_no_text_column_anywhere_is_a_format_error_and_duplicate_header(tmp_path):
    path = _book(tmp_path / "集計.xlsx", {"集計": [["区分", "件数"], ["A", 3]], "空": []})
    c = read_corpus(path)
    f = c.files.iloc[0]
    assert f["status"] == "error" and f["format"] == "xlsx"
    assert "no sheet has a remark column: sheet '集計' has columns '区分', '件数'; sheet '空' is empty" in f["error"]
    dup = _book(tmp_path / "dup.xlsx", {"S": [["発言者", "発言内容", "発言者"], ["a", "b", "c"]]})
    with pytest.raises(FormatError, match="column name '発言者' appears twice"):
        read_sheet(dup.read_bytes())


def test_corrupt_encrypted_and_xls_files_are_named_and_the_rest_is_read(tmp_path):
    d = tmp_path / "in"
    _book(d / "良い.xlsx", {"発言録": MINUTES})
    (d / "壊れた.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 2)
    (d / "暗号.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000)
    (d / "古い.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000)
    c = read_corpus(d)
    files = c.files.set_index("doc_id")
    assert files.loc["良い.xlsx", "status"] == "ok" and files.loc["良い.xlsx", "utterances_analysed"] == 3
    broken = files.loc["壊れた.xlsx"]
    assert broken["status"] == "error"
    assert "壊れた.xlsx: not a readable .xlsx workbook" in broken["error"]
    assert "save it again from Excel as .xlsx, or as CSV UTF-8" in broken["error"]
    assert "password protected or an old .xls" in files.loc["暗号.xlsx", "error"]
    old = files.loc["古い.xls"]
    assert (old["status"], old["role"]) == ("skipped", "skipped")
    assert "save it as Excel Workbook (.xlsx) or as CSV UTF-8" in old["error"]
    assert set(c.utterances["doc_id"]) == {"良い.xlsx"}
    assert any(w.startswith("古い.xls: old Excel workbook") for w in c.warnings)
    with pytest.raises(InputError, match="not a readable .xlsx"):
        read_sheet(b"not a zip at all")


def test_format_choice_and_forced_xlsx(tmp_path):
    from cooccur.config import PARAMS
    from cooccur.read import FORMATS

    choices = next(p for p in PARAMS if p.name == "format").choices
    assert "xlsx" in FORMATS and "xlsx" in choices
    path = _book(tmp_path / "議事", {"発言録": MINUTES})  # no extension: only format="xlsx" reads it
    c = read_corpus(path, format="xlsx")
    assert c.files.loc[0, "format"] == "xlsx" and len(c.utterances) == 4


def test_cli_analyze_folder_with_xlsx(tmp_path):
    remarks = [
        "地域の防災訓練について伺います。防災訓練の参加者が減っています。",
        "防災訓練の周知を強化します。地域の自治会と連携します。",
        "自治会の加入率も下がっています。防災の担い手が課題です。",
        "防災の担い手を育てるため、自治会と訓練を続けます。",
    ]
    rows = [["発言者", "発言内容", "開催日"]]
    rows += [[("鈴木委員" if i % 2 == 0 else "危機管理課長"), r, datetime.date(2024, 6, 3)]
             for i, r in enumerate(remarks)]
    _book(tmp_path / "in" / "防災.xlsx", {"議事録": rows})
    (tmp_path / "in" / "壊れた.xlsx").write_bytes(b"garbage")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["analyze", str(tmp_path / "in"), "-o", str(out), "--formats", "graphml",
                                      "--quiet"])
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert "壊れた.xlsx" in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    by_doc = {rec["doc_id"]: rec for rec in manifest["inputs"]}
    assert by_doc["防災.xlsx"]["status"] == "ok" and by_doc["防災.xlsx"]["utterances"] == 4
    assert by_doc["防災.xlsx"]["format"] == "xlsx"
    u = pd.read_parquet(out / "utterances.parquet")
    assert u["text"].tolist() == remarks
    assert u["開催日"].tolist() == ["2024-06-03"] * 4
    nodes = pd.read_csv(out / "nodes.csv")
    assert "防災訓練" in set(nodes["term"]) or "防災" in set(nodes["term"])


def test_merged_cells_give_their_value_once(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["開催日", "発言者", "発言内容"], [datetime.date(2024, 7, 2), "議長", "開会します。"],
                [None, "議長", "議題に入ります。"]):
        ws.append(row)
    ws.merge_cells("A2:A3")  # one date for both rows, as people lay out minutes
    wb.save(tmp_path / "m.xlsx")
    p = parse_xlsx((tmp_path / "m.xlsx").read_bytes())
    assert [(t.text, t.line, t.meta) for t in p.turns] == [
        ("開会します。", 2, {"開催日": "2024-07-02"}), ("議題に入ります。", 3, {"開催日": None})]


SESSION2 = [["発言者", "発言内容"], ["議長", "第二回の会議を開きます。"], ["田中委員", "情報共有の仕組みを伺います。"]]


@pytest.mark.parametrize("sheet", ["第2回", " 第2回 ", "3", 3])
def test_sheet_chosen_by_name_or_number(tmp_path, sheet):
    path = _book(tmp_path / "委員会.xlsx", {"メモ": MEMO, "発言録": MINUTES, "第2回": SESSION2})
    found = read_sheet(path.read_bytes(), sheet=sheet)
    assert found.name == "第2回" and found.rows.rows == SESSION2[1:]
    c = read_corpus(path, sheet=str(sheet))
    assert c.utterances["text"].tolist() == ["第二回の会議を開きます。", "情報共有の仕組みを伺います。"]
    assert any("sheet '第2回' read; other sheets not read: 'メモ', '発言録' (choose one with --sheet)" in w
               for w in c.warnings)


def test_a_sheet_named_with_digits_wins_over_the_number(tmp_path):
    path = _book(tmp_path / "a.xlsx", {"発言録": MINUTES, "1": SESSION2})
    assert read_sheet(path.read_bytes(), sheet="1").name == "1"
    assert read_sheet(path.read_bytes(), sheet=1).name == "発言録"


@pytest.mark.parametrize("sheet, message", [
    ("議事録", "the workbook has no sheet '議事録'; its sheets are: 1 'メモ', 2 '発言録'. Give --sheet"),
    ("0", "no sheet '0'"),
    (5, "no sheet 5"),
    ("メモ", "the sheet chosen with --sheet 'メモ' has no remark column (sheet 'メモ' has columns '日付', '備考')"),
])
def test_a_wrong_sheet_is_named_with_the_choices(tmp_path, sheet, message):
    path = _book(tmp_path / "委員会.xlsx", {"メモ": MEMO, "発言録": MINUTES})
    with pytest.raises(FormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_sheet(path.read_bytes(), sheet=sheet)


def test_cli_sheet_option_rejects_the_file_with_the_reason(tmp_path):
    path = _book(tmp_path / "in" / "委員会.xlsx", {"メモ": MEMO, "発言録": MINUTES})
    _book(tmp_path / "in" / "第2回.xlsx", {"発言録": SESSION2})
    result = CliRunner().invoke(cli, ["analyze", str(path.parent), "-o", str(tmp_path / "out"), "-q",
                                      "--sheet", "発言録", "--formats", "graphml", "--min-frequency", "1"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["analyze", str(path.parent), "-o", str(tmp_path / "out"), "-q",
                                      "--sheet", "2", "--formats", "graphml", "--min-frequency", "1"])
    assert result.exit_code == EXIT_PARTIAL
    assert "第2回.xlsx: the workbook has no sheet '2'; its sheets are: 1 '発言録'" in result.output
