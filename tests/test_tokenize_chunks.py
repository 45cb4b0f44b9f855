"""cooccur.tokenize.chunks: sentence pieces, long sentences cut to the backend's limit."""

from __future__ import annotations

from cooccur.tokenize.chunks import MAX_PIECE_CHARS, cut_long, split_sentences
from cooccur.tokenize.sudachi import MAX_INPUT_BYTES


def test_paragraphs_and_sentences_are_numbered_across_the_utterance():
    text = "本日はお集まりいただきありがとうございます。まず標準化について。\n次に、人材の確保です！よろしいですか？"
    assert split_sentences(text) == [
        (0, 0, "本日はお集まりいただきありがとうございます。"),
        (0, 1, "まず標準化について。"),
        (1, 2, "次に、人材の確保です!"),  # NFKC: the full-width ！ becomes !
        (1, 3, "よろしいですか?"),
    ]


def test_closing_brackets_stay_with_their_sentence_and_text_is_kept_whole():
    text = "課長は「移行は来年です。」と述べた。（拍手）最後に一言"
    pieces = split_sentences(text)
    assert [p for _, _, p in pieces] == ["課長は「移行は来年です。」", "と述べた。", "(拍手)最後に一言"]
    assert "".join(p for _, _, p in pieces) == "課長は「移行は来年です。」と述べた。(拍手)最後に一言"


def test_empty_paragraphs_give_no_sentences_but_keep_the_paragraph_count():
    assert split_sentences("はい。\n\nいいえ。") == [(0, 0, "はい。"), (2, 1, "いいえ。")]


def test_a_sentence_over_the_limit_is_cut_after_a_comma_into_pieces_that_fit():
    clause = "区市町村の情報システムを標準化し、"  # 17 characters ending in 、
    sentence = clause * (3 * MAX_PIECE_CHARS // len(clause)) + "移行する。"
    pieces = split_sentences(sentence)
    assert len(pieces) >= 3
    assert {(pid, sid) for pid, sid, _ in pieces} == {(0, 0)}  # one sentence: the same ids
    assert "".join(p for _, _, p in pieces) == sentence
    for _, _, p in pieces:
        assert len(p) <= MAX_PIECE_CHARS
        assert len(p.encode("utf-8")) <= MAX_INPUT_BYTES
    assert all(p.endswith("、") for _, _, p in pieces[:-1])  # cut where a reader would pause


def test_a_piece_without_any_comma_is_cut_at_the_limit():
    sentence = "情" * (MAX_PIECE_CHARS * 2 + 5)
    assert [len(p) for _, _, p in split_sentences(sentence)] == [MAX_PIECE_CHARS, MAX_PIECE_CHARS, 5]



def test_cut_long_prefers_comma():
    s = "あ" * (MAX_PIECE_CHARS - 10) + "、" + "い" * 100
    pieces = cut_long(s)
    assert pieces[0].endswith("、") and "".join(pieces) == s
    hard = cut_long("あ" * (2 * MAX_PIECE_CHARS + 5))
    assert [len(p) for p in hard] == [MAX_PIECE_CHARS, MAX_PIECE_CHARS, 5]
    assert all(len(p.encode("utf-8")) <= MAX_INPUT_BYTES for p in hard)


def test_split_sentences_closing_bracket_and_nfkc():
    assert split_sentences("「はい。」と言った。ＡＢＣ？") == [(0, 0, "「はい。」"), (0, 1, "と言った。"), (0, 2, "ABC?")]
