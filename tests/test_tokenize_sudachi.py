"""cooccur.tokenize.sudachi: SudachiPy's input limit, one tokenizer per thread, the backend."""

from __future__ import annotations

import threading

import pytest

from cooccur.tokenize.chunks import MAX_PIECE_CHARS
from cooccur.tokenize.sudachi import MAX_INPUT_BYTES, SPLIT_MODES, SudachiBackend, get_tokenizer


def test_sudachipy_input_limit_is_the_measured_one():
    tok = get_tokenizer("C")
    at_limit = "あ" * (MAX_INPUT_BYTES // 3)  # 3 bytes a character in UTF-8
    assert len(at_limit.encode("utf-8")) == MAX_INPUT_BYTES
    assert "".join(m.surface() for m in tok.tokenize(at_limit)) == at_limit
    with pytest.raises(Exception, match="too long"):
        tok.tokenize(at_limit + "a")
    # a piece of MAX_PIECE_CHARS characters fits whatever its characters (≤ 4 bytes each)
    assert MAX_PIECE_CHARS * 4 <= MAX_INPUT_BYTES


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


def test_the_backend_reports_lengths_word_ids_and_forms_of_known_and_unknown_words():
    from importlib import metadata

    b = SudachiBackend("C")
    pieces = ["ICT人材の標準化を進めた。", "qxzq語"]
    m = b.analyse(pieces)
    assert m.counts.tolist() == [8, 2] and m.lengths.sum() == sum(map(len, pieces))
    b.learn(pieces, m)
    ends = m.lengths.cumsum()
    text = "".join(pieces)
    forms = [b.forms(int(w), text[e - n:e]) for w, n, e in zip(m.words, m.lengths, ends)]
    assert [f.dictionary_form for f in forms[:8]] == ["ICT", "人材", "の", "標準化", "を", "進める", "た", "。"]
    assert forms[5].pos == ("動詞", "一般", "*", "*", "下一段-マ行", "連用形-一般") and forms[1].reading == "ジンザイ"
    assert forms[8] == ("qxzq", "qxzq", "qxzq", ("名詞", "普通名詞", "一般", "*", "*", "*"))  # unknown to SudachiPy
    assert b.identity() == f"sudachi;split_mode=C;sudachipy={metadata.version('sudachipy')};" \
                           f"sudachidict-core={metadata.version('sudachidict-core')}"
    with pytest.raises(ValueError, match="unknown split_mode 'c'"):
        SudachiBackend("c")


def test_tokenizer_per_thread_shares_dictionary():
    import threading

    main = get_tokenizer("C")
    assert get_tokenizer("C") is main
    other = []
    t = threading.Thread(target=lambda: other.append(get_tokenizer("C")))
    t.start()
    t.join()
    assert other[0] is not main
    assert [m.surface() for m in other[0].tokenize("標準化")] == ["標準化"]
