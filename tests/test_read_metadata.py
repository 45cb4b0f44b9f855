"""Tests for cooccur.read.metadata (sidecar tables)."""

from __future__ import annotations

import pandas as pd
import pytest

from cooccur.errors import ConfigError, FormatError
from cooccur.read.metadata import apply_metadata, find_sidecars, load_sidecar


def _utterances() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": ["r5/soumu_0610.txt", "r5/soumu_0610.txt", "r5/soumu_0610.txt", "r6/bunkyo_0701.txt",
                   "r6/bunkyo_0701.txt"],
        "utterance_id": [0, 1, 2, 0, 1],
        "speaker": ["山田委員長", "佐藤委員", pd.NA, "山田委員長", "高橋 花子"],
        "text": ["開会します。", "質問します。", "出席者", "始めます。", "意見です。"],
    })


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_find_sidecars_case_insensitive_and_not_recursive(tmp_path):
    for name in ("Metadata.CSV", "speakers.tsv", "notes.csv", "metadata.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "metadata.csv").write_text("x", encoding="utf-8")
    assert [p.name for p in find_sidecars(tmp_path)] == ["Metadata.CSV", "speakers.tsv"]
    assert find_sidecars(tmp_path / "notes.csv") == []


def test_load_sidecar_cp932_tsv_strings_and_blanks(tmp_path):
    p = _write(tmp_path / "speakers.tsv", "発言者\t役職\t会派\n山田委員長\t委員長\t\n佐藤委員\t委員\t市民クラブ\n",
               encoding="cp932")
    df = load_sidecar(p)
    assert list(df.columns) == ["発言者", "役職", "会派"]
    assert df["役職"].tolist() == ["委員長", "委員"]
    assert df["会派"].isna().tolist() == [True, False]
    assert df.loc[1, "会派"] == "市民クラブ"
    assert df.attrs["lines"] == [2, 3]


def test_file_key_matches_doc_id_name_and_stem(tmp_path):
    p = _write(tmp_path / "metadata.csv",
               "ファイル名,会議,日付\nr5/soumu_0610.txt,総務委員会,2023-06-10\nbunkyo_0701,文教委員会,2024-07-01\n")
    out, problems = apply_metadata(_utterances(), [p], root=tmp_path)
    assert out["会議"].tolist() == ["総務委員会"] * 3 + ["文教委員会"] * 2
    assert out["日付"].tolist() == ["2023-06-10"] * 3 + ["2024-07-01"] * 2
    assert problems == []
    assert "会議" not in _utterances().columns  # input not modified


def test_speaker_only_rows_apply_everywhere_with_space_insensitive_match(tmp_path):
    p = _write(tmp_path / "speakers.csv", "speaker,role\n山田委員長,委員長\n高橋　花子,参考人\n")
    out, problems = apply_metadata(_utterances(), [p])
    assert out["role"].isna().tolist() == [False, True, True, False, False]
    assert out["role"].dropna().tolist() == ["委員長", "委員長", "参考人"]
    assert problems == []


def test_file_and_speaker_rows_are_most_specific(tmp_path):
    p = _write(tmp_path / "metadata.csv",
               "file,speaker,立場\n"
               "soumu_0610.txt,,出席者\n"
               ",山田委員長,委員長\n"
               "soumu_0610.txt,山田委員長,議事進行\n")
    out, problems = apply_metadata(_utterances(), [p])
    assert out["立場"].fillna("NA").tolist() == ["議事進行", "出席者", "出席者", "委員長", "NA"]
    assert problems == ["%s: no row names 1 transcript(s): r6/bunkyo_0701.txt" % p]


def test_problems_are_reported_not_raised(tmp_path):
    p = _write(tmp_path / "metadata.csv",
               "file,会議\n"
               "soumu_0610,総務委員会\n"
               "kessan_0901,決算委員会\n"
               "soumu_0610,重複\n")
    out, problems = apply_metadata(_utterances(), [p])
    assert out["会議"].fillna("NA").tolist() == ["総務委員会"] * 3 + ["NA"] * 2
    assert problems == [
        f"{p}:3: file 'kessan_0901' matches no transcript",
        f"{p}:4: duplicate key file 'soumu_0610' (first at line 2); the first row is used",
        f"{p}: no row names 1 transcript(s): r6/bunkyo_0701.txt",
    ]


def test_ambiguous_stem_and_unknown_speaker(tmp_path):
    u = pd.DataFrame({"doc_id": ["a/0610.txt", "b/0610.txt"], "speaker": ["山田", "佐藤"]})
    p = _write(tmp_path / "m.csv", "file,speaker,x\n0610,,1\nb/0610.txt,鈴木,2\n")
    out, problems = apply_metadata(u, [p])
    assert out["x"].isna().all()
    assert problems == [
        f"{p}:2: file '0610' is ambiguous (matches a/0610.txt, b/0610.txt); give the path relative to the "
        "corpus root; the row was ignored",
        f"{p}:3: speaker '鈴木' does not occur in 'b/0610.txt'",
        f"{p}: no row names 1 transcript(s): a/0610.txt",
    ]


def test_existing_values_win_and_conflicts_reported_once(tmp_path):
    u = _utterances()
    u["所属"] = ["A市", "A市", None, "B町", None]
    p = _write(tmp_path / "speakers.csv", "氏名,所属\n山田委員長,C村\n佐藤委員,A市\n高橋花子,D区\n")
    out, problems = apply_metadata(u, [p])
    assert out["所属"].fillna("NA").tolist() == ["A市", "A市", "NA", "B町", "D区"]
    assert problems == [
        f"{p}: column '所属' already has 'A市' where the table says 'C村'; kept the existing value",
        f"{p}: column '所属' already has 'B町' where the table says 'C村'; kept the existing value",
    ]


def test_reserved_columns_are_ignored(tmp_path):
    p = _write(tmp_path / "speakers.csv", "speaker,text,役職\n佐藤委員,上書き,委員\n")
    out, problems = apply_metadata(_utterances(), [p])
    assert out["text"].tolist() == _utterances()["text"].tolist()
    assert out["役職"].fillna("NA").tolist() == ["NA", "委員", "NA", "NA", "NA"]
    assert problems == [f"{p}: column 'text' is reserved for the transcript itself and was ignored; rename it"]


def test_sidecar_without_key_column_is_a_config_error(tmp_path):
    p = _write(tmp_path / "metadata.csv", "会議,日付\n総務委員会,2023-06-10\n")
    with pytest.raises(ConfigError, match=r"found columns '会議', '日付'\. Accepted file keys: file, .*ファイル名"):
        apply_metadata(_utterances(), [p])


def test_absolute_path_key_under_root(tmp_path):
    p = _write(tmp_path / "metadata.csv", f"path,会議\n{tmp_path / 'r6' / 'bunkyo_0701.txt'},文教委員会\n")
    out, _ = apply_metadata(_utterances(), [p], root=tmp_path)
    assert out["会議"].fillna("NA").tolist() == ["NA"] * 3 + ["文教委員会"] * 2


def test_ragged_sidecar_row_reports_line(tmp_path):
    p = _write(tmp_path / "metadata.csv", "file,会議\nsoumu_0610,総務,余分\n")
    with pytest.raises(FormatError) as info:
        load_sidecar(p)
    assert info.value.line == 2
