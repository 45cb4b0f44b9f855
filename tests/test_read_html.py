"""Web pages: the article only, speakers from bold labels and definition lists, encodings, HTML in .txt."""

import shutil
from pathlib import Path

import pytest

from cooccur.read import read_corpus
from cooccur.read.formats.html import decode_html, html_to_text, looks_like_html

HTML = Path(__file__).parent / "fixtures" / "html"


@pytest.fixture(scope="module")
def corpus():
    return read_corpus(HTML)


def _doc(corpus, name):
    u = corpus.utterances
    return u[u["doc_id"] == name].reset_index(drop=True)


def test_news_interview_article_only(corpus):
    u = _doc(corpus, "news_interview.html")
    turns = u[u["exclusion"].isna()]
    assert turns["speaker"].tolist() == ["聞き手", "川口"] * 3
    assert turns["text"].iloc[1] == ("なくなりません。手続の入口が増えるだけで、対面で相談したい方の窓口は残します。"
                                     "むしろ、窓口の職員が相談にじっくり時間を使えるようになると考えています。")
    # a name alone in its paragraph: the paragraphs after it are its remark
    assert turns["text"].iloc[3] == ("入力や照合の作業が減り、その分を説明や相談に回せます。\n"
                                     "研修も、システムの操作より、住民の話を聞く力を重視する内容に変えました。")
    assert turns["text"].iloc[5].startswith("小さく始めて")  # <b>川口</b>　… without a colon
    everything = "\n".join(u["text"])
    for junk in ("クッキー", "ニュース", "シェア", "関連記事", "よく読まれている", "プライバシー", "dataLayer", "計測",
                 "display", "撮影", "職員の仕事はどう変わる"):
        assert junk not in everything, junk


def test_news_interview_exclusions(corpus):
    x = corpus.exclusions[corpus.exclusions["doc_id"] == "news_interview.html"]
    by = x.groupby("reason")["text"].apply(list).to_dict()
    assert by["caption"] == ["インタビューに答える川口課長", "区役所の会議室で（撮影：編集部）"]
    assert by["heading"] == ["窓口はなくならない\u3000情報政策課長に聞く", "職員の仕事はどう変わる"]
    assert any("クッキー" in t for t in by["boilerplate"]) and any("関連記事" in t for t in by["boilerplate"])
    assert any("シェア" in t for t in by["boilerplate"]) and any("プライバシー" in t for t in by["boilerplate"])
    assert not any("dataLayer" in t or "display:flex" in t for t in x["text"])  # scripts and styles are syntax


def test_municipal_roundtable_in_shift_jis(corpus):
    f = corpus.files.set_index("doc_id").loc["municipal_zadankai_sjis.html"]
    assert f["encoding"] == "cp932" and f["format"] == "html+colon"
    u = _doc(corpus, "municipal_zadankai_sjis.html")
    turns = u[u["exclusion"].isna()]
    assert turns["speaker"].tolist() == ["司会", "参加者A", "参加者B", "司会", "参加者A", "参加者B", "子育て支援課長",
                                         "司会", "参加者A", "参加者B"]
    assert turns["text"].iloc[6] == "病児保育の予約は、来年度からインターネットでも受け付ける準備を進めています。"
    assert turns["text"].iloc[-1] == "申込みの手間が減ることを期待しています。"  # the contact line is boilerplate
    assert u.loc[0, "exclusion"] == "preamble" and u.loc[0, "text"].startswith("日時：")


def test_definition_list_dialogue(corpus):
    u = _doc(corpus, "dl_roundtable.htm")
    assert u["speaker"].tolist() == ["森館長", "岡田さん", "森館長", "岡田さん"]
    assert u["speaker_role"].tolist()[0] == "館長" and u["speaker_name"].tolist()[1] == "岡田"
    assert u["text"].iloc[1] == "学生の自習席が足りないという声をよく聞きます。\n夜の開館時間を延ばせないでしょうか。"


def test_html_renamed_txt_read_as_html(corpus):
    a, b = _doc(corpus, "saved_page.txt"), _doc(corpus, "news_interview.html")
    assert a["text"].tolist() == b["text"].tolist()
    assert not a["text"].str.contains("<|>|href", regex=True).any()
    assert any(w.startswith("saved_page.txt: the file holds HTML") for w in corpus.warnings)
    assert corpus.files.set_index("doc_id").loc["saved_page.txt", "format"] == "html+colon"


def test_accounting(corpus):
    for _, f in corpus.files.iterrows():
        rest = f["chars"] - f["chars_analysed"] - f["chars_excluded"] - f["chars_markup"]
        assert 0 <= rest <= 0.1 * f["chars"], f["doc_id"]  # line breaks between paragraphs only


def test_meta_charset_and_bom():
    page = '<html><head><meta charset="euc-jp"></head><body><p>区民の声</p></body></html>'
    assert decode_html(page.encode("euc_jp")) == (page, "euc_jp")
    text, enc = decode_html(b"\xef\xbb\xbf" + page.replace("euc-jp", "shift_jis").encode("utf-8"))
    assert enc.startswith("utf") and "区民の声" in text  # the BOM wins over a wrong meta charset


def test_cjk_source_line_break_dropped():
    h = html_to_text("<body><p>本日は\n  よろしくお願いします。Digital\ntransformation</p></body>")
    assert h.text == "本日はよろしくお願いします。Digital transformation\n"


def test_looks_like_html():
    assert looks_like_html("<!doctype html>\n<html><body></body></html>")
    assert not looks_like_html("司会：<注>の扱いについて\n田中：はい")


def test_empty_article_rejected(tmp_path):
    (tmp_path / "a.html").write_text("<html><body><nav>トップ</nav><footer>©市</footer></body></html>",
                                     encoding="utf-8")
    f = read_corpus(tmp_path).files.iloc[0]
    assert f["status"] == "error" and "no article text" in f["error"] and "a.html" in f["error"]


def test_forced_format_html(tmp_path):
    shutil.copy(HTML / "dl_roundtable.htm", tmp_path / "page.dat")
    c = read_corpus(tmp_path / "page.dat", format="html")
    assert c.utterances["speaker"].tolist() == ["森館長", "岡田さん", "森館長", "岡田さん"]


def test_dash_questions_and_bold_answers(tmp_path):
    page = ("<html><body><article><h1>現場の声</h1><p>――オンライン申請は増えましたか。</p>"
            "<p><strong>川口</strong>　増えました。半分がスマートフォンからです。</p>"
            "<p>――職員の仕事は変わりましたか。</p><p><strong>川口</strong>　相談に使える時間が増えました。</p>"
            "<p>――最後に一言お願いします。</p><p><strong>川口</strong>　小さく始めることです。</p>"
            "</article></body></html>")
    (tmp_path / "i.html").write_text(page, encoding="utf-8")
    c = read_corpus(tmp_path)
    assert c.files.iloc[0]["format"] == "html+interview"
    u = c.utterances
    assert u["speaker"].tolist() == ["聞き手", "川口"] * 3
    assert u["text"].tolist()[:2] == ["オンライン申請は増えましたか。", "増えました。半分がスマートフォンからです。"]
