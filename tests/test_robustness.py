"""Hostile and broken input: every bad file is reported by name and reason, and never changes the rest.

Each case puts one bad input beside two good transcripts and checks, through
:func:`cooccur.read_corpus` and through the real CLI (``cooccur analyze INPUT
-o OUT``), that

* the user is told which file and why (files table, warnings, CLI stderr);
* the exit code follows the table in :mod:`cooccur.cli` (0 ok, 2 usage,
  3 some files rejected, 4 nothing usable);
* the good files' utterances and tokens are exactly what they are when the
  good files are analysed alone.
"""

from __future__ import annotations

import re

import json
import os
import shutil
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cooccur.cli import EXIT_NOTHING, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, cli
from cooccur.read import read_corpus
from cooccur.tokenize import MAX_INPUT_BYTES, tokenize_utterances

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"

GOOD = {
    "第1回_定例会.txt": (
        "令和6年第1回　情報化推進委員会\n出席委員　5名\n"
        "○委員長（山本一郎君）　ただいまから委員会を開きます。本日は標準化と情報共有について議論します。\n"
        "○石井委員　標準化の移行では情報共有が欠かせません。ベンダーとの調整も情報共有から始まります。\n"
        "○情報政策課長（村田花子君）　標準化の進捗は各課と情報共有しています。職員の研修も進めています。\n"
        "○石井委員　職員の研修と標準化の両立が課題です。ICT人材の育成も必要です。\n"
        "○情報政策課長（村田花子君）　ICT人材の育成は研修の充実で対応します。（拍手）\n"
    ),
    "第2回_定例会.txt": (
        "○委員長（山本一郎君）　続いて共同利用について議論します。\n"
        "○小林委員　システムの共同利用で費用が下がります。共同利用には標準化が前提です。\n"
        "○情報政策課長（村田花子君）　共同利用と標準化は一体で進めます。費用の比較も情報共有します。\n"
        "○小林委員　ICT人材が不足する町村こそ共同利用が有効です。\n"
    ),
}
CLI_FAST = ["--formats", "graphml", "--tables", "csv"]


# --------------------------------------------------------------------------- helpers

def _write_good(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in GOOD.items():
        (folder / name).write_text(text, encoding="utf-8")


def _core(corpus) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The good files' utterances (contract columns) and tokens."""
    u = corpus.utterances
    u = u[u["doc_id"].isin(list(GOOD))].reset_index(drop=True)
    cols = ["doc_id", "utterance_id", "speaker", "text", "exclusion", "line", "char_start", "char_end", "format"]
    tok = tokenize_utterances(u, jobs=1)
    return u[cols], tok


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """Utterances and tokens of the good files read alone."""
    folder = tmp_path_factory.mktemp("good") / "corpus"
    _write_good(folder)
    return _core(read_corpus(folder))


def _assert_good_unchanged(corpus, baseline) -> None:
    u, tok = _core(corpus)
    pd.testing.assert_frame_equal(u, baseline[0])
    pd.testing.assert_frame_equal(tok, baseline[1])


def _run(args) -> object:
    return CliRunner().invoke(cli, ["analyze", *map(str, args), *CLI_FAST], catch_exceptions=False)


def _row(corpus, doc_id: str) -> pd.Series:
    return corpus.files.set_index("doc_id").loc[doc_id]


# --------------------------------------------------------------------------- rejected files (exit 3)

REJECTED = [
    pytest.param("空.txt", b"", "the file is empty (0 bytes)", id="empty"),
    pytest.param("blank.txt", " \r\n\u3000\n".encode("utf-8"), "only blank space", id="blank"),
    pytest.param("録音.txt", bytes(range(256)) * 8, "contains NUL bytes", id="binary"),
    pytest.param("化け.txt", "一行目\n".encode("cp932") + b"\x80\xff\xfe\x85\xa0" * 4,
                 "cannot be decoded as UTF-8, CP932 (Shift_JIS) or EUC-JP", id="invalid-every-encoding"),
    pytest.param("写真.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "this is a PNG image", id="png"),
    pytest.param("資料.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "this is a PDF document",
                 id="pdf"),
    pytest.param("名簿.csv", "名前,日付\n山田,2024-05-01\n".encode("utf-8"),
                 "no text column found; the columns are '名前', '日付'. Name the column with --text-column",
                 id="csv-without-text-column"),
    pytest.param("壊れ.docx", "これはWord文書ではありません".encode("utf-8"), "not a valid .docx", id="fake-docx"),
]


@pytest.mark.parametrize("name, data, reason", REJECTED)
def test_bad_file_is_rejected_by_name_and_reason(tmp_path, baseline, name, data, reason):
    folder = tmp_path / "corpus"
    _write_good(folder)
    (folder / name).write_bytes(data)

    corpus = read_corpus(folder)
    row = _row(corpus, name)
    assert row["status"] == "error"
    assert name in row["error"] and reason in row["error"]
    assert any(name in w and reason in w for w in corpus.warnings)
    assert corpus.files.set_index("doc_id").loc[list(GOOD), "status"].tolist() == ["ok", "ok"]
    _assert_good_unchanged(corpus, baseline)

    result = _run([folder, "-o", tmp_path / "out"])
    assert result.exit_code == EXIT_PARTIAL, result.output
    # "rejected: NAME: reason", or "rejected: NAME:LINE: reason" where the line is known
    assert re.search(rf"rejected: {re.escape(name)}:(\d+:)? ", result.stderr), result.stderr
    assert reason in result.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    inputs = {r["doc_id"]: r for r in manifest["inputs"]}
    assert inputs[name]["status"] == "error" and reason in inputs[name]["error"]
    # the outputs are those of the good files
    written = pd.read_csv(tmp_path / "out" / "utterances.csv", encoding="utf-8-sig")
    assert set(written["doc_id"]) == set(GOOD)


def test_invalid_bytes_name_the_line(tmp_path):
    path = tmp_path / "化け.txt"
    path.write_bytes("一行目\n二行目\n".encode("cp932") + b"\x82\xff\x82")
    row = _row(read_corpus(tmp_path), "化け.txt")
    assert "化け.txt:3:" in row["error"] and "--encoding" in row["error"]


def test_unreadable_file_is_rejected_not_fatal(tmp_path, baseline, monkeypatch):
    folder = tmp_path / "corpus"
    _write_good(folder)
    (folder / "鍵付き.txt").write_text("○石井委員　読めないはずです。", encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "鍵付き.txt":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    corpus = read_corpus(folder)
    row = _row(corpus, "鍵付き.txt")
    assert row["status"] == "error" and "cannot read the file (Permission denied)" in row["error"]
    _assert_good_unchanged(corpus, baseline)


def test_broken_sidecar_is_rejected_and_the_transcripts_still_read(tmp_path, baseline):
    folder = tmp_path / "corpus"
    _write_good(folder)
    (folder / "speakers.csv").write_text("備考\n特になし\n", encoding="utf-8")
    (folder / "metadata.csv").write_text("ファイル,回\n第1回_定例会.txt,1\n第2回_定例会.txt,2\n", encoding="utf-8")
    corpus = read_corpus(folder)
    row = _row(corpus, "speakers.csv")
    assert row["status"] == "error" and "needs a file key column and/or a speaker key column" in row["error"]
    assert corpus.utterances.groupby("doc_id")["回"].first().to_dict() == {"第1回_定例会.txt": "1",
                                                                           "第2回_定例会.txt": "2"}
    _assert_good_unchanged(corpus, baseline)
    result = _run([folder, "-o", tmp_path / "out", "-q"])
    assert result.exit_code == EXIT_PARTIAL


# --------------------------------------------------------------------------- skipped, warned (exit 0)

def test_unknown_extensions_are_skipped_and_listed(tmp_path, baseline):
    folder = tmp_path / "corpus"
    _write_good(folder)
    for name, data in (("メモ.md", "# メモ".encode()), ("集計.xls", b"\xd0\xcf\x11\xe0" + bytes(30)),
                       ("写真.jpg", b"\xff\xd8\xff\xe0" + bytes(30)), ("議事録.doc", bytes(40))):
        (folder / name).write_bytes(data)
    corpus = read_corpus(folder)
    skipped = corpus.files[corpus.files["status"] == "skipped"].set_index("doc_id")
    assert sorted(skipped.index) == sorted(["メモ.md", "集計.xls", "写真.jpg", "議事録.doc"])
    assert skipped.loc["集計.xls", "error"].startswith("old Excel workbook (.xls) is not read")
    _assert_good_unchanged(corpus, baseline)

    result = _run([folder, "-o", tmp_path / "out"])
    assert result.exit_code == EXIT_OK, result.output
    assert "4 skipped" in result.stderr
    listed = pd.read_csv(tmp_path / "out" / "files.csv", encoding="utf-8-sig").set_index("doc_id")
    assert listed.loc["議事録.doc", "status"] == "skipped" and "'.doc'" in listed.loc["議事録.doc", "error"]


def test_preamble_only_file_is_read_as_plain_text(tmp_path, baseline):
    folder = tmp_path / "corpus"
    _write_good(folder)
    (folder / "出席者.txt").write_text("令和6年第3回　情報化推進委員会\n出席委員\n山本一郎　石井次郎　小林三郎\n",
                                       encoding="utf-8")
    corpus = read_corpus(folder)
    row = _row(corpus, "出席者.txt")
    # documented detection: no turn marks, so the whole file is one analysed turn without a speaker,
    # and the files table / files.csv say so with format "text"
    assert (row["status"], row["format"], row["utterances_analysed"]) == ("ok", "text", 1)
    u = corpus.utterances[corpus.utterances["doc_id"] == "出席者.txt"]
    assert u["speaker"].isna().all() and u["text"].str.contains("山本一郎").all()
    _assert_good_unchanged(corpus, baseline)
    result = _run([folder, "-o", tmp_path / "out"])
    assert result.exit_code == EXIT_OK
    listed = pd.read_csv(tmp_path / "out" / "files.csv", encoding="utf-8-sig").set_index("doc_id")
    assert listed.loc["出席者.txt", "format"] == "text"


def test_preamble_only_file_as_minutes_says_nothing_to_analyse(tmp_path, baseline):
    folder = tmp_path / "corpus"
    _write_good(folder)
    (folder / "出席者.txt").write_text("令和6年第3回　情報化推進委員会\n出席委員\n山本一郎　石井次郎　小林三郎\n",
                                       encoding="utf-8")
    corpus = read_corpus(folder, format="minutes")
    row = _row(corpus, "出席者.txt")
    assert (row["status"], row["utterances"], row["utterances_analysed"]) == ("ok", 1, 0)
    assert row["excluded_reasons"] == "preamble=1"
    warning = next(w for w in corpus.warnings if w.startswith("出席者.txt: "))
    assert "nothing to analyse" in warning and "--include-preamble" in warning
    _assert_good_unchanged(corpus, baseline)

    result = _run([folder, "-o", tmp_path / "out", "--format", "minutes"])
    assert result.exit_code == EXIT_OK, result.output
    assert "warning: 出席者.txt: nothing to analyse" in result.stderr
    alone = _run([folder / "出席者.txt", "-o", tmp_path / "out2", "--format", "minutes"])
    assert alone.exit_code == EXIT_NOTHING


def test_nothing_usable_names_the_files_and_why(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "写真.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(16))
    (folder / "空.txt").write_bytes(b"")
    result = _run([folder, "-o", tmp_path / "out"])
    assert result.exit_code == EXIT_NOTHING
    assert "写真.txt" in result.stderr and "this is a PNG image" in result.stderr
    assert "空.txt" in result.stderr and "the file is empty" in result.stderr


def test_nothing_usable_exits_4(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "写真.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(16))
    (folder / "空.txt").write_bytes(b"")
    corpus = read_corpus(folder)
    assert corpus.files["status"].tolist() == ["error", "error"]
    assert any("no transcript could be read" in w for w in corpus.warnings)
    result = _run([folder, "-o", tmp_path / "out"])
    assert result.exit_code == EXIT_NOTHING
    assert result.stderr.startswith("cooccur: error: ")


def test_turn_mark_without_label(tmp_path, baseline):
    folder = tmp_path / "corpus"
    _write_good(folder)
    (folder / "無記名.txt").write_text("○　標準化について意見があります。\n○石井委員　承知しました。\n", encoding="utf-8")
    corpus = read_corpus(folder)
    u = corpus.utterances[corpus.utterances["doc_id"] == "無記名.txt"]
    assert u["speaker"].isna().tolist() == [True, False]
    assert u["text"].tolist() == ["標準化について意見があります。", "承知しました。"]
    assert "無記名.txt: line 1: turn mark without a speaker label" in corpus.warnings
    _assert_good_unchanged(corpus, baseline)
    result = _run([folder, "-o", tmp_path / "out"])
    assert result.exit_code == EXIT_OK
    assert "warning: 無記名.txt: line 1: turn mark without a speaker label" in result.stderr


def test_line_longer_than_sudachi_limit_is_split_losslessly(tmp_path, baseline):
    # one remark on one line, ~150 KB of UTF-8, with no sentence end and (second half) no comma either
    remark = "標準化の作業は情報共有がないと進みません、" * 1500 + "共同利用" * 4000 + "。"
    assert len(remark.encode("utf-8")) > 2 * MAX_INPUT_BYTES
    folder = tmp_path / "corpus"
    _write_good(folder)
    (folder / "長文.txt").write_text(f"○石井委員　{remark}\n○小林委員　短い発言です。\n", encoding="utf-8")
    corpus = read_corpus(folder)
    u = corpus.utterances[corpus.utterances["doc_id"] == "長文.txt"]
    assert u["text"].tolist()[0] == remark  # nothing truncated by the reader
    tok = tokenize_utterances(u)
    first = tok[tok["utterance_id"] == 0]
    assert "".join(first["surface"]) == unicodedata.normalize("NFKC", remark)
    assert first["position"].tolist() == list(range(len(first)))
    assert (first["term"] == "情報共有").sum() == 1500
    _assert_good_unchanged(corpus, baseline)
    assert _run([folder, "-o", tmp_path / "out", "-q"]).exit_code == EXIT_OK


def test_deep_folders_and_japanese_names_with_spaces(tmp_path, baseline):
    folder = tmp_path / "共有 ドライブ"
    _write_good(folder)
    deep = folder.joinpath(*[f"第{i}階層 フォルダ" for i in range(25)])
    deep.mkdir(parents=True)
    text = "○石井委員　標準化と情報共有を進めます。\n○小林委員　共同利用も進めます。\n"
    (deep / "令和6年 第5回　議事録.txt").write_text(text, encoding="utf-8")
    corpus = read_corpus(folder)
    doc_id = "/".join([f"第{i}階層 フォルダ" for i in range(25)] + ["令和6年 第5回　議事録.txt"])
    assert _row(corpus, doc_id)["status"] == "ok"
    u = corpus.utterances[corpus.utterances["doc_id"] == doc_id]
    assert u["speaker"].tolist() == ["石井委員", "小林委員"]
    _assert_good_unchanged(corpus, baseline)
    out = tmp_path / "出力 フォルダ"
    result = _run([folder, "-o", out])
    assert result.exit_code == EXIT_OK, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert doc_id in [r["doc_id"] for r in manifest["inputs"]]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_symlink_loop_is_read_once_and_reported(tmp_path, baseline):
    folder = tmp_path / "corpus"
    _write_good(folder)
    (folder / "sub").mkdir()
    (folder / "sub" / "親へ").symlink_to(folder, target_is_directory=True)
    (folder / "sub" / "自分").symlink_to(folder / "sub", target_is_directory=True)
    corpus = read_corpus(folder)
    assert sorted(corpus.utterances["doc_id"].unique()) == sorted(GOOD)
    assert any(w.startswith("sub/親へ: folder already read") for w in corpus.warnings)
    assert any(w.startswith("sub/自分: folder already read") for w in corpus.warnings)
    _assert_good_unchanged(corpus, baseline)
    result = _run([folder, "-o", tmp_path / "out"])
    assert result.exit_code == EXIT_OK
    assert "warning: sub/親へ: folder already read (symbolic link loop" in result.stderr


def test_mixed_formats_in_one_folder_read_as_each_alone(tmp_path):
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    files = {
        "minutes/第01回_オンライン申請.txt": "minutes",
        "colon/第07回_標準化.txt": "colon",
        "online/第11回_環境整備.vtt": "vtt",
        "online/第14回_生成AI.srt": "srt",
        "sheets/座談会_第15-17回.csv": "csv",
        "interviews/第18回_ICT人材インタビュー.txt": "interview",
        "word/第20回_総括.docx": "docx+minutes",
    }
    for rel in files:
        shutil.copy(SAMPLE / rel, mixed / Path(rel).name)
    corpus = read_corpus(mixed)
    assert corpus.files.set_index("doc_id")["format"].to_dict() == {Path(r).name: f for r, f in files.items()}
    cols = ["utterance_id", "speaker", "text", "exclusion", "line", "format"]
    for rel in files:
        name = Path(rel).name
        alone = read_corpus(SAMPLE / rel).utterances[cols]
        together = corpus.utterances[corpus.utterances["doc_id"] == name][cols].reset_index(drop=True)
        pd.testing.assert_frame_equal(together, alone, check_dtype=False)
    result = _run([mixed, "-o", tmp_path / "out", "-q"])
    assert result.exit_code == EXIT_OK


def test_sidecar_naming_missing_files_and_missing_some(tmp_path, baseline):
    folder = tmp_path / "corpus"
    _write_good(folder)
    (folder / "第3回_定例会.txt").write_text("○石井委員　標準化を進めます。\n○小林委員　賛成です。\n",
                                          encoding="utf-8")
    (folder / "metadata.csv").write_text(
        "ファイル,回,開催日\n第1回_定例会.txt,1,2024-05-10\n第2回_定例会,2,2024-06-14\n第9回_幻.txt,9,2025-01-01\n",
        encoding="utf-8")
    corpus = read_corpus(folder)
    meta = corpus.utterances.drop_duplicates("doc_id").set_index("doc_id")["回"]
    assert meta.fillna("-").to_dict() == {"第1回_定例会.txt": "1", "第2回_定例会.txt": "2", "第3回_定例会.txt": "-"}
    assert any("metadata.csv:4: file '第9回_幻.txt' matches no transcript" in w for w in corpus.warnings)
    assert any("no row names 1 transcript(s): 第3回_定例会.txt" in w for w in corpus.warnings)
    _assert_good_unchanged(corpus, baseline)
    result = _run([folder, "-o", tmp_path / "out"])
    assert result.exit_code == EXIT_OK
    assert "file '第9回_幻.txt' matches no transcript" in result.stderr
    assert "no row names 1 transcript(s): 第3回_定例会.txt" in result.stderr


def test_one_huge_csv_cell_is_read_whole(tmp_path):
    cell = "情報共有を進めます" * 20000  # 180,000 characters, beyond the csv module's default field limit
    (tmp_path / "発言.csv").write_text(f"発言者,発言内容\n石井,{cell}\n小林,はい\n", encoding="utf-8")
    corpus = read_corpus(tmp_path)
    assert corpus.files.loc[0, "status"] == "ok", corpus.files.loc[0, "error"]
    assert corpus.utterances["text"].tolist() == [cell, "はい"]


def test_output_folder_inside_the_input_is_never_read_back(tmp_path, baseline):
    folder = tmp_path / "corpus"
    _write_good(folder)
    first = _run([folder, "-o", folder / "結果"])
    second = _run([folder, "-o", folder / "結果"])
    assert (first.exit_code, second.exit_code) == (EXIT_OK, EXIT_OK), second.output
    assert "warning: 結果: holds cooccur outputs" in second.stderr
    written = pd.read_csv(folder / "結果" / "utterances.csv", encoding="utf-8-sig")
    assert sorted(written["doc_id"].unique()) == sorted(GOOD)
    corpus = read_corpus(folder)
    assert not corpus.files["doc_id"].str.startswith("結果/").any()
    _assert_good_unchanged(corpus, baseline)


# --------------------------------------------------------------------------- usage errors (exit 2)

def test_config_with_unknown_key_suggests_the_right_one(tmp_path):
    folder = tmp_path / "corpus"
    _write_good(folder)
    config = tmp_path / "設定.toml"
    config.write_text('top_m = 30\nmeasure = "dice"\n', encoding="utf-8")
    result = _run([folder, "-o", tmp_path / "out", "--config", config])
    assert result.exit_code == EXIT_USAGE
    assert "設定.toml" in result.stderr
    assert "unknown parameter 'top_m'. Did you mean 'top_n'?" in result.stderr
    assert not (tmp_path / "out").exists()


def test_output_folder_not_made_by_cooccur(tmp_path):
    folder = tmp_path / "corpus"
    _write_good(folder)
    out = tmp_path / "報告書"
    out.mkdir()
    mine = {"下書き.docx": b"PK\x03\x04 user's draft", "メモ.txt": "消さないで".encode(), "sub/表.csv": b"a,b\n"}
    for rel, data in mine.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)

    refused = _run([folder, "-o", out])
    assert refused.exit_code == EXIT_USAGE
    assert "報告書" in refused.stderr and "not created by cooccur" in refused.stderr and "--force" in refused.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted(mine)

    forced = _run([folder, "-o", out, "--force", "-q"])
    assert forced.exit_code == EXIT_OK
    for rel, data in mine.items():  # nothing deleted or changed
        assert (out / rel).read_bytes() == data
    assert (out / "manifest.json").is_file()
    # no temporary file left behind (only the marker and the token cache are hidden)
    assert {p.name for p in out.iterdir() if p.name.startswith(".")} <= {".cooccur-output", ".cache"}
