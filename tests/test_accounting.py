"""The corpus accounting adds up: per file and in total, utterances and characters.

Per transcript the files table (and so manifest.json's ``inputs``) states
``utterances = utterances_analysed + utterances_excluded`` with the excluded
ones broken down in ``excluded_reasons``, and ``chars`` (decoded) split into
``chars_analysed`` + ``chars_excluded`` + ``chars_markup`` + white space (and,
for subtitle and spreadsheet files, their own syntax). The summary's totals
are the sums of the files' numbers.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cooccur.read import read_corpus
from cooccur.read.encoding import decode

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
TEXT_FORMATS = {"minutes", "colon", "interview", "text"}


def _nonspace(s: str) -> int:
    return sum(1 for ch in s if not ch.isspace())


def _reasons(cell) -> dict[str, int]:
    if cell is None or cell is pd.NA:
        return {}
    return {k: int(v) for k, v in (part.split("=") for part in cell.split("; "))}


def check_accounting(corpus) -> None:
    """Assert every sum the accounting promises, per file and in total."""
    files, u, x = corpus.files, corpus.utterances, corpus.exclusions
    read = files[(files["role"] == "transcript") & (files["status"] == "ok")]
    assert len(read), "no transcript read"
    for f in read.to_dict("records"):
        doc = f["doc_id"]
        fu = u[u["doc_id"] == doc]
        fx = x[x["doc_id"] == doc]
        analysed = fu[fu["exclusion"].isna()]
        excluded = fu[fu["exclusion"].notna()]
        reasons = _reasons(f["excluded_reasons"])
        # utterances
        assert f["utterances"] == len(fu) == f["utterances_analysed"] + f["utterances_excluded"], doc
        assert f["utterances_analysed"] == len(analysed), doc
        assert sum(reasons.values()) == f["utterances_excluded"], doc
        assert reasons == excluded["exclusion"].value_counts().to_dict(), doc
        # characters
        assert f["chars_analysed"] == analysed["text"].str.len().sum(), doc
        assert f["chars_excluded"] == excluded["text"].str.len().sum() + fx["chars"].sum(), doc
        implied = fu["speaker"].eq("聞き手").sum() * 3 if f["format"] == "interview" else 0  # dash lines
        labels = int(fu["speaker"].dropna().str.len().sum()) - implied
        syntax = f["chars_markup"] - labels
        assert syntax >= 0, doc
        assert f["chars"] >= f["chars_analysed"] + f["chars_excluded"] + f["chars_markup"], doc
        if f["format"] in TEXT_FORMATS:  # the rest is white space only
            text = decode(Path(f["path"]).read_bytes())[0]
            parts = "".join(fu["text"]) + "".join(fx["text"]) + "".join(fu["speaker"].dropna())
            assert _nonspace(text) == _nonspace(parts) - implied + syntax, doc
    # totals
    s = corpus.summary()
    transcripts = files[files["role"] == "transcript"]
    assert s["utterances"] == transcripts["utterances"].fillna(0).sum() == len(u)
    assert s["utterances_analysed"] == transcripts["utterances_analysed"].fillna(0).sum()
    total_reasons: dict[str, int] = {}
    for cell in read["excluded_reasons"]:
        for k, v in _reasons(cell).items():
            total_reasons[k] = total_reasons.get(k, 0) + v
    assert s["utterances_excluded"] == dict(sorted(total_reasons.items()))
    assert s["utterances"] == s["utterances_analysed"] + sum(s["utterances_excluded"].values())
    assert s["characters_in"] == transcripts["chars"].fillna(0).sum()
    assert s["characters_out"] == read["chars_analysed"].sum()
    assert s["characters_excluded"] == read["chars_excluded"].sum()
    assert s["characters_markup"] == read["chars_markup"].sum()


def test_one_small_file_by_hand(tmp_path):
    text = "前文\n○議長（山田君）　開会します。（拍手）\n○田中委員　\n"
    assert len(text) == 30
    (tmp_path / "r6.txt").write_text(text, encoding="utf-8")
    corpus = read_corpus(tmp_path)
    f = corpus.files.iloc[0]
    assert (f["utterances"], f["utterances_analysed"], f["utterances_excluded"]) == (3, 1, 2)
    assert f["excluded_reasons"] == "empty=1; preamble=1"
    assert f["chars"] == 30
    assert f["chars_analysed"] == len("開会します。") == 6
    assert f["chars_excluded"] == len("前文") + len("（拍手）") == 6
    assert f["chars_markup"] == len("議長（山田君）") + len("田中委員") + 2 == 13  # labels + two ○
    # the remaining 5 characters: three newlines and two ideographic spaces
    check_accounting(corpus)
    s = corpus.summary()
    assert (s["characters_in"], s["characters_out"], s["characters_excluded"], s["characters_markup"]) == (30, 6, 6, 13)


def test_sample_corpus_adds_up():
    check_accounting(read_corpus(SAMPLE))


def test_sample_manifest_states_the_numbers(sample_output):
    out, result = sample_output
    assert result.exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    totals = manifest["totals"]
    inputs = [r for r in manifest["inputs"] if r["role"] == "transcript" and r["status"] == "ok"]
    assert len(inputs) == 18  # 20 sessions; sessions 15-17 share one CSV
    for r in inputs:
        assert r["utterances"] == r["utterances_analysed"] + r["utterances_excluded"], r["doc_id"]
    assert totals["utterances_analysed"] == sum(r["utterances_analysed"] for r in inputs)
    assert sum(totals["utterances_excluded"].values()) == sum(r["utterances_excluded"] for r in inputs)
    assert totals["characters_in"] == sum(r["chars"] for r in inputs)
    assert totals["characters_out"] == sum(r["chars_analysed"] for r in inputs)
    assert totals["characters_excluded"] == sum(r["chars_excluded"] for r in inputs)
    assert totals["characters_markup"] == sum(r["chars_markup"] for r in inputs)
    # the minutes' attendance lists are the preambles; README.md is listed as skipped
    assert totals["utterances_excluded"] == {"preamble": 13}
    assert [r["doc_id"] for r in manifest["inputs"] if r["status"] == "skipped"] == ["README.md"]


@pytest.fixture
def mixed_folder(tmp_path) -> Path:
    d = tmp_path / "mixed"
    (d / "議事録").mkdir(parents=True)
    (d / "議事録" / "第1回.txt").write_text(
        "令和6年第1回　委員会\n出席委員　3名\n（午前10時開会）\n"
        "○委員長（山本一郎君）　ただいまから開会します。\n"
        "○石井委員　標準化について伺います。（「異議なし」と呼ぶ者あり）\n〔休憩〕\n二つ目の質問です。\n"
        "○小林委員　\n",
        encoding="cp932", newline="\r\n")
    (d / "座談会.txt").write_text("司会：始めます。\n石井：はい。\n小林：（笑）\n石井：続けます。\n小林：賛成です。\n司会：終わります。\n", encoding="utf-8")
    (d / "取材.txt").write_text(
        "課長：村田 花子（以下「村田」）\n――きっかけは？\n村田\n窓口の混雑です。\n写真：庁舎の窓口\n――今後は？\n村田\n拡大します。\n",
        encoding="utf-8")
    (d / "会議.vtt").write_text(
        "WEBVTT\n\nNOTE 自動生成\n\n1\n00:00:01.000 --> 00:00:03.000\n<v 石井>資料を<rt>しりょう</rt>共有します\n\n"
        "00:00:03.000 --> 00:00:05.000\n<v 小林>（拍手）\n",
        encoding="utf-8")
    (d / "発言.csv").write_text("発言者,発言内容,所属\n石井,予算を伺います。,A市\n,,\n小林,（拍手）,B町\n",
                                encoding="utf-8-sig")
    (d / "メモ.md").write_text("# 備考\n", encoding="utf-8")
    (d / "壊れ.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(8))
    (d / "空.txt").write_bytes(b"")
    shutil.copy(SAMPLE / "word" / "第20回_総括.docx", d / "総括.docx")
    return d


def test_mixed_folder_adds_up(mixed_folder):
    corpus = read_corpus(mixed_folder)
    check_accounting(corpus)
    f = corpus.files.set_index("doc_id")
    assert f.loc["議事録/第1回.txt", "excluded_reasons"] == "empty=1; preamble=1"
    assert f.loc["会議.vtt", "excluded_reasons"] == "empty=1"
    assert f.loc["発言.csv", ["utterances", "utterances_analysed", "excluded_reasons"]].tolist() == [2, 1, "empty=1"]
    assert f.loc["座談会.txt", ["utterances", "utterances_analysed", "excluded_reasons"]].tolist() == [6, 5, "empty=1"]
    # rejected and skipped files are counted as files, not as utterances or characters read
    assert f.loc["壊れ.txt", "status"] == "error" and pd.isna(f.loc["壊れ.txt", "utterances"])
    assert f.loc["空.txt", "status"] == "error" and pd.isna(f.loc["空.txt", "chars_analysed"])
    s = corpus.summary()
    assert (s["files_ok"], s["files_error"], s["files_skipped"]) == (6, 2, 1)
    mine = corpus.exclusions[corpus.exclusions["doc_id"] != "総括.docx"]
    assert sorted(zip(mine["doc_id"], mine["reason"], mine["text"])) == [
        ("会議.vtt", "note", "自動生成"), ("会議.vtt", "ruby", "しりょう"), ("会議.vtt", "stage_direction", "（拍手）"),
        ("取材.txt", "caption", "写真：庁舎の窓口"), ("取材.txt", "speaker_intro", "課長：村田 花子（以下「村田」）"),
        ("座談会.txt", "stage_direction", "（笑）"),
        ("発言.csv", "empty", ""), ("発言.csv", "stage_direction", "（拍手）"),
        ("議事録/第1回.txt", "stage_direction", "〔休憩〕"),
        ("議事録/第1回.txt", "stage_direction", "（「異議なし」と呼ぶ者あり）"),
        ("議事録/第1回.txt", "time_note", "（午前10時開会）"),
    ]
