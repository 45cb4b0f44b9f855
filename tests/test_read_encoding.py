"""Encoding detection and newline normalisation (cooccur.read.encoding)."""

from __future__ import annotations

import codecs

import pytest

from cooccur.errors import DecodeError, InputError
from cooccur.read.encoding import decode, detect_newline, plausibility

TEXT = "○委員長（山田一郎君）　ただいまから委員会を開会いたします。\n○田中委員　ＩＣＴ人材の育成について伺います。\n"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("cp932"), "cp932"),
        (TEXT.encode("euc-jp"), "euc-jp"),
    ],
)
def test_each_encoding_is_detected_and_bom_removed(data, name):
    text, encoding, newline = decode(data)
    assert text == TEXT
    assert encoding == name
    assert newline == "LF"


# Short texts are where CP932 and EUC-JP are both valid and only plausibility decides.
SHORT = ["あ", "議長", "会議", "山田太郎君", "ＩＣＴ", "情報システム課長", "令和五年", "はい。", "拍手", "ア"]


@pytest.mark.parametrize("word", SHORT)
@pytest.mark.parametrize("codec", ["cp932", "euc-jp"])
def test_short_texts_decode_to_what_was_written(word, codec):
    text, encoding, _ = decode(word.encode(codec))
    assert text == word
    assert encoding == codec


def test_plausibility_prefers_real_japanese_over_mojibake():
    right = "会議を開きます。"
    wrong = right.encode("euc-jp").decode("cp932")  # valid CP932, but nonsense
    assert plausibility(right) > plausibility(wrong)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [("一\n二\n", "LF"), ("一\r\n二\r\n", "CRLF"), ("一\r二\r", "CR"), ("一\r\n二\n三\r", "mixed"), ("一行", None)],
)
def test_newlines_detected_and_normalised(raw, kind):
    for codec in ("utf-8", "cp932"):
        text, _, newline = decode(raw.encode(codec))
        assert newline == kind
        assert "\r" not in text
        assert text.split("\n")[:2] == [s for s in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")][:2]
    assert detect_newline("a\r\nb") == "CRLF"


def test_nul_bytes_are_binary_with_utf16_hint():
    with pytest.raises(InputError, match=r"会議\.txt: contains NUL bytes.*utf-16-le"):
        decode("会議\n議長\n".encode("utf-16-le"), path="会議.txt")


@pytest.mark.parametrize(
    ("data", "what"),
    [(b"\x89PNG\r\n\x1a\n....", "PNG"), (b"%PDF-1.7\n", "PDF"), (b"PK\x03\x04rest", "ZIP")],
)
def test_binary_signatures_are_rejected(data, what):
    with pytest.raises(InputError, match=what) as info:
        decode(data, path="x.txt")
    assert not isinstance(info.value, DecodeError)
    assert info.value.path == "x.txt"


def test_undecodable_byte_reports_its_line_and_an_encoding_to_try():
    data = "一行目です。\n二行目です。\n".encode("cp932") + b"\x85\x40" + "三行目\n".encode("cp932")
    with pytest.raises(DecodeError) as info:
        decode(data, path="r5.txt")
    err = info.value
    assert err.line == 3
    assert err.path == "r5.txt"
    assert "--encoding cp932" in str(err)
    assert str(err).startswith("r5.txt:3: ")


def test_undecodable_line_counts_crlf_once():
    data = "一\r\n二\r\n三\r\n".encode("cp932") + b"\x85\x40"
    with pytest.raises(DecodeError) as info:
        decode(data)
    assert info.value.line == 4


def test_forced_encoding_is_used_strictly_and_names_the_line():
    data = "一行目\n二行目\n".encode("utf-8")
    with pytest.raises(DecodeError, match="line 1") as info:
        decode(data, encoding="ascii", path="a.txt")
    assert info.value.line == 1
    text, name, _ = decode(TEXT.encode("euc-jp"), encoding="euc-jp")
    assert (text, name) == (TEXT, "euc-jp")
    # a forced UTF-8 read of a BOM file drops the BOM
    assert decode(codecs.BOM_UTF8 + "あ".encode(), encoding="utf-8")[0] == "あ"


def test_forced_encoding_failure_on_a_later_line():
    data = "あ\nい\n".encode("euc-jp") + "う".encode("cp932")
    with pytest.raises(DecodeError) as info:
        decode(data, encoding="euc-jp")
    assert info.value.line == 3


def test_unknown_encoding_name_is_a_value_error():
    with pytest.raises(ValueError, match="unknown encoding 'sjiss'"):
        decode(b"abc", encoding="sjiss")


def test_empty_file_decodes_to_empty_text():
    assert decode(b"") == ("", "utf-8", None)
