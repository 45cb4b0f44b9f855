"""Speaker labels: identity, role/name split, one-time speakers in colon transcripts."""

from pathlib import Path

import pytest

from cooccur.read import read_corpus
from cooccur.read.formats.colon import parse_colon
from cooccur.read.formats.minutes import parse_minutes
from cooccur.read.speakers import is_speaker_label, speaker_key, split_label

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "real_minutes"


@pytest.mark.parametrize("label, role, name", [
    ("議長（石川良一君）", "議長", "石川良一"),
    ("議長 (石川良一君）", "議長", "石川良一"),
    ("山田委員長", "委員長", "山田"),
    ("百十四番（荒木ちはる君）", "百十四番", "荒木ちはる"),
    ("上田勇君", None, "上田勇"),
    ("江戸川区", "江戸川区", None),
    ("議員（南原　茂）", "議員", "南原茂"),
    ("中川（宏）委員", "委員", "中川(宏)"),
    ("伊藤土木部長", "土木部長", "伊藤"),
    ("上川国務大臣", "国務大臣", "上川"),
    ("千代田区（情報政策課長）", "情報政策課長", None),
    ("司会（都デジタル局）", "司会", None),
    ("川口さん", None, "川口"),
    ("聞き手", "聞き手", None),
    ("磯部", None, "磯部"),
    ("野々村", None, "野々村"),
    ("本村委員", "委員", "本村"),
    ("Ｂ", None, "B"),
])
def test_split_label(label, role, name):
    assert split_label(label) == (role, name)


def test_speaker_key_is_nfkc_without_spaces():
    assert speaker_key("議長 (石川良一君）") == speaker_key("議長（石川良一君）") == "議長(石川良一君)"
    assert speaker_key("山田　太郎") == speaker_key("山田 太郎") == "山田太郎"
    assert speaker_key(None) is None and speaker_key("  ") is None
    assert split_label(None) == (None, None)


@pytest.mark.parametrize("label", ["練馬区", "調布市", "八丈町", "檜原村", "東京都", "情報政策課長", "田中委員",
                                   "財務部長", "危機管理局長", "市長", "知事", "デジタル大臣", "委員長", "議長",
                                   "川口さん", "荒木氏", "山田君", "佐藤様", "議長（石川良一君）"])
def test_speaker_shaped(label):
    assert is_speaker_label(label)


@pytest.mark.parametrize("label", ["日時", "場所", "注", "議題", "出席者", "出席委員", "結論", "ポイント", "対象地区"])
def test_not_speaker_shaped(label):
    assert not is_speaker_label(label)


ROUNDTABLE = """司会：本日は三区の課長にお集まりいただきました。
江戸川区：江戸川区では窓口の予約を始めました。
江戸川区：予約の半分はスマートフォンからです。
練馬区：練馬区は、来年度から同じ仕組みを入れます。
江戸川区：ぜひ情報共有しましょう。
司会：では次の話題です。
注：この回は録音の一部が欠けています。
司会：最後に一言ずつお願いします。
"""


def test_one_time_municipality_is_its_own_turn():
    p = parse_colon(ROUNDTABLE)
    assert [t.speaker for t in p.turns] == ["司会", "江戸川区", "江戸川区", "練馬区", "江戸川区", "司会", "司会"]
    assert p.turns[3].text == "練馬区は、来年度から同じ仕組みを入れます。"
    assert p.turns[4].text == "ぜひ情報共有しましょう。"
    # 注： is not a speaker: kept in 司会's turn, and reported with its line
    assert p.turns[5].text == "では次の話題です。\n注：この回は録音の一部が欠けています。"
    assert len(p.warnings) == 1 and p.warnings[0].startswith("line 7: '注'")


def test_known_speaker_from_speakers_table(tmp_path):
    text = ROUNDTABLE.replace("注：この回は", "まとめ役：この回は")
    (tmp_path / "r1.txt").write_text(text, encoding="utf-8")
    c = read_corpus(tmp_path)
    assert "まとめ役" not in c.utterances["speaker"].tolist()
    assert any("line 7: 'まとめ役'" in w for w in c.warnings)
    (tmp_path / "speakers.csv").write_text("発言者,所属\nまとめ役,事務局\n", encoding="utf-8")
    c = read_corpus(tmp_path)
    row = c.utterances[c.utterances["speaker"] == "まとめ役"]
    assert row["text"].tolist() == ["この回は録音の一部が欠けています。"]
    assert row["所属"].tolist() == ["事務局"]
    assert not any("まとめ役" in w for w in c.warnings)


def test_columns_in_utterances(tmp_path):
    (tmp_path / "m.txt").write_text(
        "○議長（石川良一君）　開会します。\n○議長 (石川良一君）　続けます。\n○山田委員長　はい。\n○議員（南原　茂）　賛成です。\n",
        encoding="utf-8")
    u = read_corpus(tmp_path).utterances
    assert u["speaker"].tolist() == ["議長（石川良一君）", "議長 (石川良一君）", "山田委員長", "議員（南原\u3000茂）"]
    assert u["speaker_key"].nunique() == 3
    assert u["speaker_role"].tolist() == ["議長", "議長", "委員長", "議員"]
    assert u["speaker_name"].tolist() == ["石川良一", "石川良一", "山田", "南原茂"]


def test_minutes_label_with_space_inside_brackets():
    p = parse_minutes("○議員（南原　茂）　私は賛成の立場から発言します。\n○議長（山田太郎君）　次に進みます。")
    assert [(t.speaker, t.text) for t in p.turns] == [
        ("議員（南原\u3000茂）", "私は賛成の立場から発言します。"), ("議長（山田太郎君）", "次に進みます。")]


def test_group_by_speaker_role(tmp_path):
    import cooccur

    lines = []
    for i in range(6):
        lines.append(f"○議長（石川良一君）　情報共有の進め方について審議します。標準化の予定を確認します。{i}")
        lines.append(f"○山田委員　標準化と情報共有の予算を質問します。移行の時期はいつですか。{i}")
        lines.append(f"○財政課長（田中一郎君）　移行の予算は標準化の計画に沿って計上しています。{i}")
    (tmp_path / "m.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    a = cooccur.analyze(tmp_path, group_by="speaker_role", min_frequency=2, chair="keep")  # the chair is a group here
    assert set(a.utterances["speaker_role"].dropna()) == {"議長", "委員", "財政課長"}
    groups = set(a.distinctive["group"]) if "group" in a.distinctive else set()
    assert groups == {"議長", "委員", "財政課長"}


@pytest.mark.skipif(not REAL.is_dir(), reason="real minutes corpus not present")
def test_real_minutes_labels():
    c = read_corpus(REAL)
    u = c.utterances.dropna(subset=["speaker"]).drop_duplicates("speaker").astype(object)
    u = u.where(u.notna(), None)
    parts = {s: (r, n) for s, r, n in zip(u["speaker"], u["speaker_role"], u["speaker_name"])}
    assert parts["議長（鈴木喜明）"] == ("議長", "鈴木喜明")
    assert parts["国務大臣（上川陽子君）"] == ("国務大臣", "上川陽子")
    assert parts["議員（南原\u3000茂）"] == ("議員", "南原茂")
    assert parts["その他（楠\u3000正信）"] == ("その他", "楠正信")
    assert parts["市長（迫 俊哉）"] == ("市長", "迫俊哉")
    assert parts["中川（宏）委員"] == ("委員", "中川(宏)")
    assert parts["安倍内閣総理大臣"] == ("内閣総理大臣", "安倍")
    assert parts["井上哲士君"] == (None, "井上哲士")
    assert parts["伊藤土木部長"] == ("土木部長", "伊藤")
    assert parts["A"] == (None, "A")
    # every person-shaped label gets a role or a name, and no name keeps an honorific
    assert all(r is not None or n is not None for r, n in parts.values())
    assert not any(n.endswith("君") for _, n in parts.values() if n)
    assert not any("（" in s and "　" in s and "）" not in s for s in parts)  # no label cut inside its brackets
