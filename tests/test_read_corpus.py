"""The read stage as a whole (cooccur.read.read_corpus)."""

from __future__ import annotations

import codecs
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cooccur.errors import InputError
from cooccur.read import UTTERANCE_COLUMNS, Corpus, parse_text, read_corpus
from cooccur.read.encoding import decode

FIXTURES = Path(__file__).parent / "fixtures" / "read"
NAMES = ["colon.txt", "interview.txt", "minutes.txt", "plain.txt"]


@pytest.fixture
def corpus_dir(tmp_path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    for name in NAMES:
        shutil.copy(FIXTURES / name, root / name)
    return root


def nonspace(s) -> int:
    return 0 if s is None or s is pd.NA else len(re.sub(r"\s", "", s))


def test_folder_of_fixtures(corpus_dir):
    c = read_corpus(corpus_dir)
    assert isinstance(c, Corpus)
    assert c.files["doc_id"].tolist() == NAMES
    assert c.files["format"].tolist() == ["colon", "interview", "minutes", "text"]
    assert c.files["status"].tolist() == ["ok"] * 4
    assert c.files["utterances"].tolist() == [7, 8, 7, 1]
    minutes = c.utterances[c.utterances["doc_id"] == "minutes.txt"]
    assert minutes["speaker"].tolist()[1:3] == ["委員長（山田一郎君）", "山田（太）委員"]
    assert minutes["exclusion"].tolist() == ["preamble", pd.NA, pd.NA, pd.NA, pd.NA, "empty", pd.NA]
    assert minutes["text"].iloc[1] == "ただいまから総務委員会を開会いたします。\n本日は、情報システムの標準化について審査いたします。"
    plain = c.utterances[c.utterances["doc_id"] == "plain.txt"].iloc[0]
    assert plain["text"] == "これは話者のいない文章です。\n二段落目は字下げされています。\n空行の後の三段落目です。"
    assert plain["speaker"] is pd.NA and plain["exclusion"] is pd.NA
    assert c.warnings == ["minutes.txt: line 15: turn mark without a speaker label or remark",
                          "plain.txt: no speaker turns found (○名前, 名前：, interview name lines); read as one "
                          "remark without a speaker — pass --format if the file has turns in another layout"]


def test_columns_and_dtypes(corpus_dir):
    c = read_corpus(corpus_dir)
    u = c.utterances
    assert tuple(u.columns) == UTTERANCE_COLUMNS
    assert {col: str(u[col].dtype) for col in u.columns} == {
        "doc_id": "string", "utterance_id": "int64", "speaker": "string", "speaker_key": "string",
        "speaker_role": "string", "speaker_name": "string", "text": "string", "exclusion": "string",
        "line": "Int64", "char_start": "Int64", "char_end": "Int64", "format": "string",
    }
    assert str(c.exclusions["utterance_id"].dtype) == "Int64"
    assert str(c.files["bytes"].dtype) == "Int64"
    # utterance ids restart at 0 in every document
    assert (u.groupby("doc_id")["utterance_id"].min() == 0).all()


def test_every_character_is_accounted_for(corpus_dir):
    c = read_corpus(corpus_dir, include_preamble=True)
    for name in NAMES:
        text, _, _ = decode((corpus_dir / name).read_bytes())
        u = c.utterances[c.utterances["doc_id"] == name]
        x = c.exclusions[c.exclusions["doc_id"] == name]
        fmt = c.files.set_index("doc_id").loc[name, "format"]
        syntax = parse_text(text, fmt).syntax_chars
        if fmt == "minutes":  # counted independently: one mark per ○ line
            assert syntax == sum(1 for ln in text.split("\n") if ln.lstrip(" \u3000")[:1] in ("○", "◯"))
        if fmt == "colon":  # one colon per speaker turn
            assert syntax == int(u["speaker"].notna().sum())
        out = (sum(map(nonspace, u["text"])) + sum(map(nonspace, u["speaker"])) + syntax
               + sum(map(nonspace, x["text"])))
        # interviewer turns are labelled 聞き手 although the file writes only a dash
        out -= 3 * int((u["speaker"] == "聞き手").sum())
        assert out == nonspace(text), name


def test_offsets_slice_the_turns(corpus_dir):
    c = read_corpus(corpus_dir)
    text = (corpus_dir / "minutes.txt").read_text(encoding="utf-8")
    row = c.utterances[(c.utterances["doc_id"] == "minutes.txt") & (c.utterances["utterance_id"] == 2)].iloc[0]
    assert text[row["char_start"]:row["char_end"]] == (
        "○山田（太）委員　標準化の進み具合について伺います。（拍手）\n　移行の期限に間に合うのでしょうか。")
    assert row["line"] == 7


ENCODINGS = {
    "cp932": lambda s: s.encode("cp932"),
    "euc-jp": lambda s: s.encode("euc-jp"),
    "utf-16-le": lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"),
    "utf-8-sig": lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
}


@pytest.mark.parametrize("name", ["minutes.txt", "colon.txt", "interview.txt"])
def test_encoded_variants_give_the_same_utterances(tmp_path, name):
    source = (FIXTURES / name).read_text(encoding="utf-8")
    ref = read_corpus(FIXTURES / name).utterances
    for enc, encode in ENCODINGS.items():
        for newline in ("\n", "\r\n"):
            path = tmp_path / f"{enc}-{len(newline)}" / name
            path.parent.mkdir()
            path.write_bytes(encode(source.replace("\n", newline)))
            c = read_corpus(path)
            assert c.files.loc[0, "encoding"] == enc
            assert c.files.loc[0, "newline"] == ("LF" if newline == "\n" else "CRLF")
            pd.testing.assert_frame_equal(c.utterances, ref)


def test_hidden_unsupported_binary_and_nested(corpus_dir):
    (corpus_dir / ".hidden.txt").write_text("○議長　秘密", encoding="utf-8")
    (corpus_dir / ".git").mkdir()
    (corpus_dir / ".git" / "x.txt").write_text("○議長　秘密", encoding="utf-8")
    (corpus_dir / "notes.md").write_text("# メモ", encoding="utf-8")
    (corpus_dir / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    sub = corpus_dir / "r6" / "06"
    sub.mkdir(parents=True)
    (sub / "b.txt").write_text("○議長　開会します。\n○田中委員　質問します。", encoding="euc-jp")
    c = read_corpus(corpus_dir)
    f = c.files.set_index("doc_id")
    assert c.files["doc_id"].tolist() == ["broken.txt", "colon.txt", "interview.txt", "minutes.txt", "notes.md",
                                          "plain.txt", "r6/06/b.txt"]
    assert f.loc["notes.md", ["role", "status"]].tolist() == ["skipped", "skipped"]
    assert "unsupported file type '.md'" in f.loc["notes.md", "error"]
    assert f.loc["broken.txt", "status"] == "error"
    assert "PNG" in f.loc["broken.txt", "error"]
    assert f.loc["r6/06/b.txt", ["status", "encoding", "utterances"]].tolist() == ["ok", "euc-jp", 2]
    assert not c.utterances["doc_id"].str.contains("hidden|x.txt").any()
    s = c.summary()
    assert (s["files_ok"], s["files_error"], s["files_skipped"]) == (5, 1, 1)


def test_undecodable_file_is_an_error_row_with_its_line(corpus_dir):
    (corpus_dir / "bad.txt").write_bytes("一\n二\n".encode("cp932") + b"\x85\x40")
    c = read_corpus(corpus_dir)
    row = c.files.set_index("doc_id").loc["bad.txt"]
    assert row["status"] == "error"
    assert "bad.txt:3:" in row["error"] and "--encoding" in row["error"]
    assert len(c.utterances) == 23  # the other files are still read


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_loop_is_reported_not_followed(corpus_dir):
    (corpus_dir / "loop").symlink_to(corpus_dir, target_is_directory=True)
    (corpus_dir / "dangling.txt").symlink_to(corpus_dir / "missing.txt")
    c = read_corpus(corpus_dir)
    assert c.files.loc[c.files["status"] == "ok", "doc_id"].tolist() == NAMES
    assert any(w.startswith("loop: folder already read") for w in c.warnings)
    assert c.files.set_index("doc_id").loc["dangling.txt", "error"] == "broken symbolic link"


def test_single_file_doc_id_and_include_preamble():
    c = read_corpus(FIXTURES / "minutes.txt", include_preamble=True)
    assert c.utterances["doc_id"].unique().tolist() == ["minutes.txt"]
    assert c.utterances["exclusion"].tolist()[0] is pd.NA


def test_forced_format(corpus_dir):
    c = read_corpus(corpus_dir / "minutes.txt", format="text")
    assert len(c.utterances) == 1
    assert c.utterances.loc[0, "format"] == "text"


def test_invalid_arguments():
    with pytest.raises(ValueError, match="did you mean 'minutes'"):
        read_corpus(FIXTURES, format="minute")
    with pytest.raises(ValueError, match="unknown encoding"):
        read_corpus(FIXTURES, encoding="nope")
    with pytest.raises(InputError, match="input not found"):
        read_corpus(FIXTURES / "missing")


def test_programmer_errors_propagate(corpus_dir, monkeypatch):
    import cooccur.read.formats.minutes as minutes

    def broken(text, *, path=None):
        raise KeyError("bug")

    monkeypatch.setattr(minutes, "parse_minutes", broken)
    with pytest.raises(KeyError):
        read_corpus(corpus_dir)


def test_repr_and_summary(corpus_dir):
    c = read_corpus(corpus_dir)
    s = c.summary()
    assert s["utterances"] == 23
    assert s["utterances_excluded"] == {"empty": 1, "preamble": 3}
    assert s["utterances_analysed"] == 19
    assert s["characters_out"] == int(c.utterances.loc[c.utterances["exclusion"].isna(), "text"].str.len().sum())
    assert "4 files read" in repr(c) and "19 utterances analysed" in repr(c)
    assert "<table>" in c._repr_html_()


# ---- formats written by the other half of the read stage (tables, subtitles, docx, sidecars)

def test_csv_and_sidecar_metadata(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    (root / "zadankai.csv").write_text("発言者,発言内容,所属\n司会,始めます。,事務局\n田中,バスの話です。,市民\n",
                                       encoding="utf-8")
    shutil.copy(FIXTURES / "minutes.txt", root / "minutes.txt")
    (root / "metadata.csv").write_text("file,会議\nminutes.txt,総務委員会\nzadankai.csv,座談会\n", encoding="utf-8")
    c = read_corpus(root)
    f = c.files.set_index("doc_id")
    assert f.loc["metadata.csv", "role"] == "metadata"
    assert f.loc["zadankai.csv", "format"] == "csv"
    assert list(c.utterances.columns) == [*UTTERANCE_COLUMNS, "所属", "会議"]
    z = c.utterances[c.utterances["doc_id"] == "zadankai.csv"]
    assert z[["speaker", "text", "所属", "会議", "line"]].values.tolist() == [
        ["司会", "始めます。", "事務局", "座談会", 2], ["田中", "バスの話です。", "市民", "座談会", 3]]
    assert z["char_start"].isna().all()
    assert (c.utterances.loc[c.utterances["doc_id"] == "minutes.txt", "会議"] == "総務委員会").all()


def test_vtt_file(tmp_path):
    path = tmp_path / "kaigi.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v 山田>おはようございます。\n", encoding="utf-8")
    c = read_corpus(path)
    assert c.files.loc[0, "format"] == "vtt"
    assert c.utterances[["speaker", "text"]].values.tolist() == [["山田", "おはようございます。"]]


def test_docx_of_minutes(tmp_path):
    import docx

    d = docx.Document()
    for para in ("令和六年　総務委員会", "○委員長（山田一郎君）　開会します。", "○田中委員　質問します。（拍手）"):
        d.add_paragraph(para)
    path = tmp_path / "kaigi.docx"
    d.save(path)
    c = read_corpus(path)
    assert c.files.loc[0, ["format", "status"]].tolist() == ["docx+minutes", "ok"]
    assert c.utterances[["speaker", "text", "exclusion"]].values.tolist() == [
        [pd.NA, "令和六年　総務委員会", "preamble"], ["委員長（山田一郎君）", "開会します。", pd.NA],
        ["田中委員", "質問します。", pd.NA]]
    assert c.utterances["char_start"].isna().all()
    assert c.exclusions["text"].tolist() == ["（拍手）"]


def test_metadata_columns_across_files_keep_first_appearance_order(tmp_path):
    (tmp_path / "a.csv").write_text("発言者,発言内容,所属\n司会,始めます。,事務局\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("発言者,発言内容,年代,所属\n田中,はい。,40代,市民\n佐藤,ええ。,,市民\n",
                                    encoding="utf-8")
    c = read_corpus(tmp_path)
    assert list(c.utterances.columns[len(UTTERANCE_COLUMNS):]) == ["所属", "年代"]
    assert c.utterances[["所属", "年代"]].values.tolist() == [["事務局", pd.NA], ["市民", "40代"], ["市民", pd.NA]]
