"""PDF minutes: text layer read, wrapped lines re-joined, page furniture set aside."""

from pathlib import Path

import pytest

pytest.importorskip("reportlab")

from pdfmaker import make_pdf  # noqa: E402

from cooccur.read import read_corpus  # noqa: E402

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "real_minutes"

MINUTES = """令和六年第二回定例会　総務委員会記録
出席委員　八名
○委員長（青木早苗君）　ただいまから総務委員会を開会いたします。本日は、行政手続のオンライン化に関する報告を受け、その後、質疑を行います。
○情報政策課長（森川俊介君）　御報告いたします。本年四月から、転入の届出と児童手当の申請をオンラインで受け付けております。九月末までの申請は千二百件で、そのうち約四割が夜間や休日に送信されたものでございます。
　なお、窓口での待ち時間は、昨年同期と比べて平均で十二分短くなっております。
○委員長（青木早苗君）　報告が終わりました。質疑のある方は御発言願います。
○西村委員　オンライン申請が伸びていることは評価いたしますが、スマートフォンを持たない高齢の方への配慮はどのようにお考えでしょうか。地域の集会所で操作を手伝う取組を広げるべきだと考えますが、いかがですか。
○情報政策課長（森川俊介君）　御指摘のとおり、操作に不安のある方への支援は欠かせないと考えております。来年度は、公民館など十か所で相談会を開く予定でございます。
○西村委員　相談会の日程は、広報紙だけでなく町会の回覧でも知らせていただくよう要望いたします。
○委員長（青木早苗君）　以上で本日の質疑を終わります。
"""


def _corpus(tmp_path, text, name="m.pdf", **kw):
    (tmp_path / name).write_bytes(make_pdf(text, **kw))
    return read_corpus(tmp_path)


def test_pdf_turns_equal_text_version(tmp_path):
    (tmp_path / "m.txt").write_text(MINUTES * 3, encoding="utf-8")
    c = _corpus(tmp_path, MINUTES * 3, header="令和六年第二回定例会　総務委員会　第5号")
    u = c.utterances
    pdf, txt = u[u["doc_id"] == "m.pdf"], u[u["doc_id"] == "m.txt"]
    assert c.files.set_index("doc_id").loc["m.pdf", "format"] == "pdf+minutes"
    assert pdf["speaker"].tolist() == txt["speaker"].tolist()
    assert pdf["text"].tolist() == txt["text"].tolist()  # wrapped lines joined without a space, breaks kept
    assert pdf["page"].dropna().astype(int).tolist()[:2] == [1, 1] and pdf["page"].astype(int).max() == 2
    x = c.exclusions[c.exclusions["doc_id"] == "m.pdf"]
    assert (x["reason"] == "page_header").sum() == 2 and (x["reason"] == "page_number").sum() == 2
    assert set(x.loc[x["reason"] == "page_number", "text"]) == {"－ 1 －", "－ 2 －"}
    assert not pdf["text"].str.contains("第5号|－ [0-9] －").any()


def test_pdf_accounting(tmp_path):
    c = _corpus(tmp_path, MINUTES * 3, header="令和六年第二回定例会　総務委員会　第5号")
    f = c.files.iloc[0]
    rest = f["chars"] - f["chars_analysed"] - f["chars_excluded"] - f["chars_markup"]
    assert 0 <= rest < 0.05 * f["chars"]  # line breaks and spaces only


def test_pdf_paragraph_kept_and_line_joined(tmp_path):
    text = ("○議長（山田太郎君）　" + "本日の議題は、窓口の予約制度と申請手続の電子化についてであります。" * 3
            + "\n　次に、日程第二に入ります。\n")
    c = _corpus(tmp_path, text, width=40)
    t = c.utterances["text"].tolist()
    assert t == ["本日の議題は、窓口の予約制度と申請手続の電子化についてであります。" * 3 + "\n次に、日程第二に入ります。"]


def test_pdf_without_text_layer(tmp_path):
    c = _corpus(tmp_path, MINUTES, image_only=True)
    f = c.files.iloc[0]
    assert f["status"] == "error" and "no text layer" in f["error"] and "m.pdf" in f["error"]
    assert "OCR" in f["error"]


def test_encrypted_and_broken_pdf(tmp_path):
    (tmp_path / "locked.pdf").write_bytes(make_pdf(MINUTES, encrypt="secret"))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 20)
    f = read_corpus(tmp_path).files.set_index("doc_id")
    assert f.loc["locked.pdf", "status"] == "error" and "encrypted" in f.loc["locked.pdf", "error"]
    assert f.loc["broken.pdf", "status"] == "error" and "not a readable PDF" in f.loc["broken.pdf", "error"]


def test_cli_format_pdf_choice():
    from cooccur.config import PARAMS

    choices = next(p.choices for p in PARAMS if p.name == "format")
    assert "pdf" in choices and "html" in choices


@pytest.mark.skipif(not REAL.is_dir(), reason="real minutes corpus not present")
def test_real_diet_minutes_as_pdf(tmp_path):
    import difflib

    src = REAL / "diet_2024-07-30_121303815X01320240730.txt"
    text = src.read_text(encoding="utf-8")
    (tmp_path / "m.txt").write_text(text, encoding="utf-8")
    c = _corpus(tmp_path, text, header="第213回国会　衆議院　安全保障委員会　第13号")
    u = c.utterances
    pdf, txt = u[u["doc_id"] == "m.pdf"], u[u["doc_id"] == "m.txt"]
    assert pdf["speaker"].tolist() == txt["speaker"].tolist()
    same = 0
    for x, y in zip(pdf["text"], txt["text"]):  # turn by turn: characters in the same place
        same += sum(m.size for m in difflib.SequenceMatcher(None, x, y).get_matching_blocks())
    assert same / txt["text"].str.len().sum() >= 0.98
    a, b = "".join(pdf["text"]), "".join(txt["text"])
    assert "".join(a.split()) == "".join(b.split())  # only line breaks differ
    assert not pdf["text"].iloc[1:].str.contains("安全保障委員会　第13号|－ [0-9]+ －").any()


def test_pdf_saved_as_txt_is_read_as_pdf(tmp_path):
    c = _corpus(tmp_path, MINUTES, name="議事録.txt")
    f = c.files.iloc[0]
    assert f["status"] == "ok" and f["format"] == "pdf+minutes"
    assert c.utterances["speaker"].dropna().tolist()[0] == "委員長（青木早苗君）"
    assert any("議事録.txt: the file is a PDF document" in w for w in c.warnings)


ROUNDTABLE = """司会：本日は三区の担当課長にお集まりいただきました。江戸川区さん、最初にどうぞ。
江戸川区：窓口の予約制度を始めて半年になります。予約の半分はスマートフォンからです。
練馬区：練馬区は来年度から同じ仕組みを入れます。
司会：ありがとうございます。次は人材の話です。
江戸川区：研修を年に二回に増やしました。
"""


def test_colon_roundtable_pdf_turns_at_full_lines(tmp_path):
    # width 40 columns: the first remark's second line fills the line exactly, then 江戸川区： starts a turn
    from pdfmaker import wrap

    assert len(wrap(ROUNDTABLE, 40)[1]) == 20  # the test needs a full last line before the next label
    c = _corpus(tmp_path, ROUNDTABLE, width=40, page_numbers=False)
    u = c.utterances
    assert c.files.iloc[0]["format"] == "pdf+colon"
    assert u["speaker"].tolist() == ["司会", "江戸川区", "練馬区", "司会", "江戸川区"]
    assert u["text"].iloc[0] == "本日は三区の担当課長にお集まりいただきました。江戸川区さん、最初にどうぞ。"
