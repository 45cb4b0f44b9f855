"""The chair's turns and named speakers set aside, reported, never silent."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import cooccur
from cooccur.speakers import exclude_speakers, is_chair, label_role

MINUTES = """○議長（山田太郎君）　ただいまから本日の会議を開きます。日程第一、議案第1号から第5号までを一括議題とします。
○佐藤花子君　待機児童の解消について伺います。保育士の確保が課題です。
○市長（鈴木一郎君）　待機児童の解消に向け、保育士の処遇改善を進めます。
○山田委員長　委員会の審査結果を報告します。議案はいずれも可決すべきものと決定しました。
○佐藤花子君　保育士の処遇改善の時期を伺います。
"""


def test_label_shapes():
    assert label_role("議長（石川良一君）") == ("議長", "石川良一")
    assert label_role("議長 (石川良一君）") == ("議長", "石川良一")
    assert is_chair("副議長（田中君）") and is_chair("予算特別委員長") and is_chair("委員長代理")
    assert not is_chair("佐藤委員") and not is_chair("司会") and not is_chair(None)


def test_chair_turns_of_minutes_are_excluded_and_listed(tmp_path: Path):
    (tmp_path / "本会議.txt").write_text(MINUTES, encoding="utf-8")
    a = cooccur.analyze(tmp_path, output=tmp_path / "out", min_frequency=1)
    u = a.corpus.utterances
    assert u["exclusion"].tolist()[:5] == ["chair", None, None, "chair", None] or \
        list(u["exclusion"].fillna("-")) == ["chair", "-", "-", "chair", "-"]
    terms = set(a.tokens["term"].dropna().astype(str))
    assert "保育士" in terms and "審査" not in terms and "一括" not in terms
    exc = pd.read_csv(tmp_path / "out" / "exclusions.csv", encoding="utf-8-sig")
    assert (exc["reason"] == "chair").sum() == 2
    assert exc.loc[exc["reason"] == "chair", "text"].str.contains("審査結果").any()
    assert a.summary()["utterances_excluded"]["chair"] == 2
    kept = cooccur.analyze(tmp_path, chair="keep", min_frequency=1)
    assert "審査" in set(kept.tokens["term"].dropna().astype(str))


def test_moderators_of_other_formats_are_kept_and_patterns_match_roles():
    u = pd.DataFrame({"doc_id": "c.txt", "utterance_id": [0, 1, 2], "format": "colon",
                      "speaker": ["座長", "江戸川区", "事務局（高橋）"], "text": ["a", "b", "c"],
                      "exclusion": pd.Series([pd.NA] * 3, dtype=object), "line": [1, 2, 3]})
    out, _ = exclude_speakers(u)
    assert out["exclusion"].isna().all()  # auto: only minutes-format documents
    out, _ = exclude_speakers(u, chair="exclude", exclude_speakers=["事務局*"])
    assert out["exclusion"].tolist() == ["chair", None, "excluded_speaker"] or \
        list(out["exclusion"].fillna("-")) == ["chair", "-", "excluded_speaker"]
    with pytest.raises(ValueError, match="chair"):
        exclude_speakers(u, chair="maybe")
