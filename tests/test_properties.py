"""Property tests: the readers and the tokenizer never crash and never lose a character.

Accounting property (docs/CONTRACTS.md): every non-whitespace character of a
decoded transcript ends up in exactly one of an utterance's ``text``, a
speaker label, a turn mark / format syntax, or a row of ``exclusions``. For the
line-based parsers the syntax is counted (:attr:`Parsed.syntax_chars`), so the
property is an equation; for subtitles and spreadsheets, whose syntax
(timings, cue numbers, tags, delimiters, quotes) is not counted, the test
builds the file from known remarks and checks that every remark character comes
out.

Tokenizer property: for every analysed utterance, the concatenated ``surface``
of its tokens equals ``unicodedata.normalize("NFKC", text)`` with the
paragraph breaks (``"\\n"``) removed. White space other than ``"\\n"`` is kept:
SudachiPy returns it as tokens (POS ``空白``) whose ``term`` is NA.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooccur.errors import CooccurError, FormatError
from cooccur.read import clean_text, parse_text, read_corpus
from cooccur.read.formats.subtitles import parse_srt, parse_vtt
from cooccur.read.formats.table import parse_table
from cooccur.tokenize import tokenize_utterances

#: More examples for a bug hunt: COOCCUR_PROPERTY_EXAMPLES=5000 pytest tests/test_properties.py
SETTINGS = settings(max_examples=int(os.environ.get("COOCCUR_PROPERTY_EXAMPLES", "150")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# any character but surrogates; and a Japanese-heavy alphabet so that the parsers' patterns are hit
ANY_CHAR = st.characters(blacklist_categories=("Cs",))
JA = "あいうえおかきくけこ情報共有標準化委員長議君（）()〔〕「」『』。、！？：:―—ー-　 \t0123456789０１２３ABCａｂｃ○◯拍手笑休憩午前後時分開会以下"
JA_CHAR = st.sampled_from(JA)
NEWLINE = st.sampled_from(["\n", "\r\n", "\r"])
LABEL = st.text(st.one_of(JA_CHAR, ANY_CHAR), min_size=0, max_size=12)


def _nonspace(s: str) -> int:
    return sum(1 for ch in s if not ch.isspace())


@st.composite
def transcripts(draw) -> str:
    """Lines of random shapes (turn marks, colon labels, dashes, notes, noise) joined by random newlines."""
    text_piece = st.text(st.one_of(JA_CHAR, ANY_CHAR), max_size=40)
    line = st.one_of(
        text_piece,
        st.builds(lambda m, lab, sp, rest: m + lab + sp + rest, st.sampled_from(["○", "◯", " ○", "\u3000◯"]),
                  LABEL, st.sampled_from(["\u3000", " ", "  ", ""]), text_piece),
        st.builds(lambda lab, c, rest: lab + c + rest, LABEL, st.sampled_from(["：", ":", ": "]), text_piece),
        st.builds(lambda d, rest: d + rest, st.sampled_from(["―", "――", "--", "ーー", "─"]), text_piece),
        st.builds(lambda lab: lab + "（以下「" + lab[:3] + "」）", LABEL),
        st.sampled_from(["（拍手）", "〔休憩〕", "（午後２時開会）", "（「異議なし」と呼ぶ者あり）", "写真：窓口", ""]),
    )
    lines = draw(st.lists(line, max_size=14))
    ends = draw(st.lists(NEWLINE, min_size=len(lines), max_size=len(lines)))
    return "".join(a + b for a, b in zip(lines, ends))


def _account(text: str, parsed) -> None:
    """Non-whitespace characters of ``text`` = turn texts + exclusions + labels + syntax."""
    turns = sum(_nonspace(t.text) for t in parsed.turns)
    excluded = sum(_nonspace(e.text) for e in parsed.exclusions)
    labels = sum(_nonspace(t.speaker) for t in parsed.turns if t.speaker is not None)
    assert _nonspace(text) == turns + excluded + labels - parsed.implied_label_chars + parsed.syntax_chars


# --------------------------------------------------------------------------- line-based parsers

@pytest.mark.parametrize("fmt", ["minutes", "colon", "interview", "text"])
@SETTINGS
@given(text=transcripts())
def test_text_parsers_never_crash_and_lose_nothing(fmt, text):
    decoded = text.replace("\r\n", "\n").replace("\r", "\n")  # what decode() hands the parsers
    parsed = parse_text(decoded, fmt)
    _account(decoded, parsed)
    for t in parsed.turns:
        assert 1 <= t.line <= decoded.count("\n") + 1
        assert 0 <= t.char_start <= t.char_end <= len(decoded)


@pytest.mark.parametrize("fmt", ["minutes", "colon", "interview"])
@SETTINGS
@given(text=st.text(ANY_CHAR, max_size=300))
def test_text_parsers_on_arbitrary_unicode(fmt, text):
    decoded = text.replace("\r\n", "\n").replace("\r", "\n")
    _account(decoded, parse_text(decoded, fmt))


# --------------------------------------------------------------------------- subtitles and tables

SAFE = st.text(st.sampled_from("あいうえお情報共有標準化（）拍手。、 ABC12"), min_size=1, max_size=20).filter(
    lambda s: s.strip() and "-->" not in s)
NAME = st.text(st.sampled_from("山田太郎佐藤花子ABC"), min_size=1, max_size=6)


@st.composite
def cues(draw):
    n = draw(st.integers(1, 8))
    out = []
    for i in range(n):
        speaker = draw(st.one_of(st.none(), NAME))
        style = draw(st.sampled_from(["voice", "colon"]))
        lines = draw(st.lists(SAFE, min_size=1, max_size=3))
        out.append((i, speaker, style, lines))
    return out


def _subtitle(cue_list, kind: str, newline: str) -> tuple[str, str, str]:
    """(file text, remark characters, speaker characters)."""
    sep = "." if kind == "vtt" else ","
    blocks = ["WEBVTT"] if kind == "vtt" else []
    remarks = speakers = ""
    for i, speaker, style, lines in cue_list:
        timing = f"00:00:{i:02d}{sep}000 --> 00:00:{i:02d}{sep}900"
        body = list(lines)
        if speaker is not None:
            speakers += speaker
            body[0] = (f"<v {speaker}>" if style == "voice" and kind == "vtt" else f"{speaker}: ") + body[0]
        remarks += "".join(lines)
        blocks.append(newline.join([str(i + 1), timing, *body]))
    return (newline * 2).join(blocks) + newline, remarks, speakers


@pytest.mark.parametrize("kind", ["vtt", "srt"])
@SETTINGS
@given(cue_list=cues(), newline=NEWLINE)
def test_subtitles_keep_every_remark_character(kind, cue_list, newline):
    text, remarks, speakers = _subtitle(cue_list, kind, newline)
    parsed = (parse_vtt if kind == "vtt" else parse_srt)(text)
    out = sum(_nonspace(t.text) for t in parsed.turns) + sum(_nonspace(e.text) for e in parsed.exclusions)
    labels = sum(_nonspace(t.speaker) for t in parsed.turns if t.speaker is not None)
    # merged turns name their speaker once; a speaker's name may therefore count fewer times
    assert out == _nonspace(remarks)
    assert labels <= _nonspace(speakers)


@pytest.mark.parametrize("kind", ["vtt", "srt"])
@SETTINGS
@given(text=st.one_of(transcripts(), st.text(ANY_CHAR, max_size=200)))
def test_subtitles_raise_only_format_errors(kind, text):
    if kind == "vtt":
        text = "WEBVTT\n\n" + text
    try:
        (parse_vtt if kind == "vtt" else parse_srt)(text)
    except FormatError as exc:
        assert exc.line is not None and exc.line >= 1


CELL = st.text(st.one_of(JA_CHAR, ANY_CHAR, st.sampled_from([",", '"', "\n", "\r", "\t"])), max_size=30)


@SETTINGS
@given(rows=st.lists(st.tuples(CELL, CELL, CELL), max_size=8), delimiter=st.sampled_from([",", "\t"]))
def test_table_keeps_every_remark_character(rows, delimiter):
    buf = io.StringIO()
    # "\r\n" as the terminator makes csv.writer quote every cell holding "\r" or "\n" (as Excel does)
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["発言者", "発言内容", "所属"])
    writer.writerows(rows)
    text = buf.getvalue()
    parsed = parse_table(text, delimiter=delimiter)  # properly quoted by csv.writer: always readable
    remarks = sum(_nonspace(r[1]) for r in rows)
    kept = sum(_nonspace(t.text) for t in parsed.turns)
    stage = sum(_nonspace(e.text) for e in parsed.exclusions if e.reason == "stage_direction")
    assert kept + stage == remarks
    assert all(t.speaker is None or t.speaker.strip() for t in parsed.turns)


@SETTINGS
@given(text=st.text(ANY_CHAR, max_size=200), delimiter=st.sampled_from([",", "\t"]))
def test_table_raises_only_format_errors(text, delimiter):
    try:
        parse_table("発言者,発言内容\n" + text, delimiter=delimiter)
    except FormatError as exc:
        assert exc.line is not None


# --------------------------------------------------------------------------- read_corpus on a file

@SETTINGS
@given(text=st.one_of(transcripts(), st.text(ANY_CHAR, max_size=200)),
       suffix=st.sampled_from([".txt", ".vtt", ".srt", ".csv", ".tsv", ""]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_read_corpus_never_crashes(text, suffix, encoding):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"議事録{suffix}"
        path.write_bytes(text.encode(encoding))
        corpus = read_corpus(path)
    f = corpus.files.iloc[0]
    if f["status"] == "error":
        assert f["error"] and "議事録" in f["error"]
        return
    assert f["status"] == "ok"
    u = corpus.utterances
    assert f["utterances"] == len(u) == f["utterances_analysed"] + f["utterances_excluded"]
    assert (u["text"] == u["text"].map(clean_text)).all()
    if f["format"] in ("minutes", "colon", "interview", "text"):
        decoded = text.replace("\r\n", "\n").replace("\r", "\n")
        parts = "".join(u["text"]) + "".join(corpus.exclusions["text"]) + "".join(u["speaker"].dropna())
        syntax = f["chars_markup"] - int(u["speaker"].dropna().str.len().sum())
        implied = 3 * int(u["speaker"].eq("聞き手").sum()) if f["format"] == "interview" else 0
        assert _nonspace(decoded) == _nonspace(parts) + syntax
        assert syntax + implied >= 0


def test_read_corpus_reports_non_cooccur_errors_only():
    # the contract behind the property test above: problems are CooccurError rows, never exceptions
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "a.vtt").write_text("WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nはい\n", encoding="utf-8")
        corpus = read_corpus(d)
    assert corpus.files.loc[0, "status"] == "error"
    assert "a.vtt:3: cue ends (00:00:01.000) before it starts" in corpus.files.loc[0, "error"]
    assert issubclass(FormatError, CooccurError)


# --------------------------------------------------------------------------- tokenize

@SETTINGS
@given(texts=st.lists(st.one_of(transcripts(), st.text(ANY_CHAR, max_size=120)), min_size=1, max_size=4))
def test_tokenize_is_lossless(texts):
    tok = tokenize_utterances(texts, jobs=1)
    for i, text in enumerate(texts):
        t = tok[tok["utterance_id"] == i]
        assert "".join(t["surface"]) == unicodedata.normalize("NFKC", text).replace("\n", "")
        assert t["position"].tolist() == list(range(len(t)))
        assert (t["surface"].str.len() > 0).all()
        blank = t["surface"].str.strip() == ""
        assert t.loc[blank, "term"].isna().all()
        # paragraph ids follow the "\n" breaks of the NFKC text
        if len(t):
            assert t["paragraph_id"].max() <= unicodedata.normalize("NFKC", text).count("\n")
            assert t["sentence_id"].is_monotonic_increasing and t["paragraph_id"].is_monotonic_increasing


@settings(max_examples=int(os.environ.get("COOCCUR_PROPERTY_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(docs=st.lists(st.lists(st.one_of(transcripts(), st.text(ANY_CHAR, max_size=80)), min_size=1, max_size=3),
                     min_size=1, max_size=5),
       batch_chars=st.integers(1, 400), compounds=st.sampled_from(["off", "all", "frequent"]))
def test_streamed_tokens_are_the_whole_table(docs, batch_chars, compounds):
    import hashlib
    import tempfile
    from pathlib import Path

    import pandas as pd

    from cooccur.io import write_table
    from cooccur.tokenize import tokenize_to_file

    u = pd.DataFrame([(f"d{d}.txt", i, t) for d, texts in enumerate(docs) for i, t in enumerate(texts)],
                     columns=["doc_id", "utterance_id", "text"])
    whole = tokenize_utterances(u, jobs=1, compounds=compounds, compound_min_frequency=2)
    with tempfile.TemporaryDirectory() as tmp:
        write_table(whole, Path(tmp) / "whole.parquet")
        st_ = tokenize_to_file(u, Path(tmp) / "streamed.parquet", batch_chars=batch_chars, jobs=1,
                               compounds=compounds, compound_min_frequency=2)
        digest = [hashlib.sha256((Path(tmp) / n).read_bytes()).hexdigest() for n in ("whole.parquet", "streamed.parquet")]
        assert digest[0] == digest[1]
        assert sorted(p.name for p in Path(tmp).iterdir()) == ["streamed.parquet", "whole.parquet"]
    assert (st_.n_tokens, st_.n_counted) == (len(whole), int(whole["term"].notna().sum()))
    text = {(d, i): unicodedata.normalize("NFKC", t) for d, i, t in zip(u["doc_id"], u["utterance_id"], u["text"])}
    lean = st_.tokens
    for d, i, o, s in zip(lean["doc_id"], lean["utterance_id"], lean["offset"], lean["surface"]):
        assert text[(d, i)][o:o + len(s)] == s
