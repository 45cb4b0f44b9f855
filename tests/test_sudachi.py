"""cooccur.sudachi: sentence splitting, SudachiPy's input limit, one tokenizer per thread."""

from __future__ import annotations

import threading

import pytest

from cooccur.sudachi import MAX_INPUT_BYTES, MAX_PIECE_CHARS, SPLIT_MODES, get_tokenizer, split_sentences


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


def test_sudachipy_input_limit_is_the_measured_one():
    tok = get_tokenizer("C")
    at_limit = "あ" * (MAX_INPUT_BYTES // 3)  # 3 bytes a character in UTF-8
    assert len(at_limit.encode("utf-8")) == MAX_INPUT_BYTES
    assert "".join(m.surface() for m in tok.tokenize(at_limit)) == at_limit
    with pytest.raises(Exception, match="too long"):
        tok.tokenize(at_limit + "a")
    # a piece of MAX_PIECE_CHARS characters fits whatever its characters (≤ 4 bytes each)
    assert MAX_PIECE_CHARS * 4 <= MAX_INPUT_BYTES


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


def test_one_tokenizer_per_thread_and_split_mode():
    here = get_tokenizer("C")
    assert get_tokenizer("C") is here and get_tokenizer("A") is not here
    other = []
    t = threading.Thread(target=lambda: other.append(get_tokenizer("C")))
    t.start()
    t.join()
    assert other[0] is not here
    assert [m.surface() for m in get_tokenizer("A").tokenize("情報共有")] == ["情報", "共有"]
    assert [m.surface() for m in here.tokenize("情報共有")] == ["情報共有"]


def test_split_mode_choices_and_error():
    assert SPLIT_MODES == ("A", "B", "C")
    with pytest.raises(ValueError, match=r"unknown split_mode 'c'.*Valid choices: 'A', 'B', 'C'"):
        get_tokenizer("c")
