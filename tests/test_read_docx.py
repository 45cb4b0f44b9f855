"""Tests for cooccur.read.formats.docx (text extraction from Word documents)."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from cooccur.errors import InputError
from cooccur.read.formats.docx import docx_to_text


def _bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _run(text: str, *, deleted: bool = False):
    r = OxmlElement("w:r")
    t = OxmlElement("w:delText" if deleted else "w:t")
    t.text = text
    r.append(t)
    return r


def test_body_order_tables_and_empty_paragraphs():
    d = docx.Document()
    d.add_paragraph("令和6年第2回定例会")
    d.add_paragraph("")
    d.add_paragraph("○議長（山田太郎君）　ただいまから会議を開きます。")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "発言者"
    t.cell(0, 1).text = "発言内容"
    t.cell(1, 0).text = "佐藤"
    t.cell(1, 1).text = "防災について伺います。"
    d.add_paragraph("○佐藤委員　以上です。")
    assert docx_to_text(_bytes(d)).split("\n") == [
        "令和6年第2回定例会",
        "",
        "○議長（山田太郎君）　ただいまから会議を開きます。",
        "発言者", "発言内容", "佐藤", "防災について伺います。",
        "○佐藤委員　以上です。",
        "",
    ]


def test_merged_cells_are_read_once():
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "横に結合"
    t.cell(0, 2).merge(t.cell(1, 2)).text = "縦に結合"
    t.cell(1, 0).text = "左下"
    t.cell(1, 1).text = "中央下"
    assert docx_to_text(_bytes(d)).split("\n") == ["横に結合", "縦に結合", "左下", "中央下", ""]


def test_line_breaks_tabs_and_tracked_changes():
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("一行目")
    p.add_run().add_break()
    p.add_run("二行目\t続き")
    q = d.add_paragraph()
    q.add_run("予算を")
    ins = OxmlElement("w:ins")
    ins.set(qn("w:id"), "1")
    ins.set(qn("w:author"), "tester")
    ins.append(_run("増額"))
    q._p.append(ins)
    dele = OxmlElement("w:del")
    dele.set(qn("w:id"), "2")
    dele.set(qn("w:author"), "tester")
    dele.append(_run("削減", deleted=True))
    q._p.append(dele)
    q.add_run("します。")
    assert docx_to_text(_bytes(d)) == "一行目\n二行目\t続き\n予算を増額します。\n"


def test_empty_document():
    assert docx_to_text(_bytes(docx.Document())) == ""


def test_corrupt_bytes_raise_input_error():
    with pytest.raises(InputError, match=r"not a valid \.docx \(File is not a zip file\)") as info:
        docx_to_text(b"\x00\x01 not a zip", path="gijiroku.docx")
    assert info.value.path == "gijiroku.docx"


def test_zip_that_is_not_word_raises_input_error():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "こんにちは")
    with pytest.raises(InputError, match=r"not a valid \.docx"):
        docx_to_text(buf.getvalue())


def test_non_bytes_argument():
    with pytest.raises(ValueError, match="must be the file's bytes"):
        docx_to_text("gijiroku.docx")
