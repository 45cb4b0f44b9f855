"""Coding rules: KH Coder's syntax, checked against brute-force evaluation on the tokens table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from cooccur.coding import (NO_CODE, CodingRuleError, apply_coding_rules, code_crosstab, parse_coding_rules,
                            read_coding_rules)

UNIT = ["doc_id", "utterance_id", "paragraph_id"]


def _words_per_unit(tokens):
    """Every term, dictionary form and surface of each paragraph, as Python sets."""
    t = tokens.astype({c: object for c in ("term", "dictionary_form", "surface")})
    out = {}
    for key, g in t.groupby(UNIT, sort=True):
        out[key] = set(g["term"].dropna()) | set(g["dictionary_form"].dropna()) | set(g["surface"].dropna())
    return out


BRUTE = {  # the example file's purely boolean codes, written as Python
    "標準化": lambda w: bool(w & {"標準化", "共通化", "ガバメントクラウド", "移行", "仕様"}),
    "人材": lambda w: bool(w & {"ICT人材", "外部人材", "採用", "育成", "研修"}) and "異動" not in w,
    "人事異動": lambda w: bool(w & {"異動", "人事"}),
    "住民サービス": lambda w: bool(w & {"住民", "窓口", "手続"}) and "職員" not in w,
    "費用": lambda w: bool(w & {"費用", "予算", "負担", "コスト"}),
    "島しょ部の課題": lambda w: bool(w & {"島", "回線", "船"}) and not (w & {"費用", "予算", "負担", "コスト"}),
}


def test_example_rules_count_the_units_of_a_brute_force_evaluation(grouped_output):
    out = grouped_output
    tokens = pd.read_parquet(out / "tokens.parquet")
    units = pd.read_csv(out / "code_units.csv", encoding="utf-8-sig", dtype={"doc_id": str})
    words = _words_per_unit(tokens)
    assert [tuple(k) for k in units[UNIT].itertuples(index=False)] == sorted(words)
    for code, rule in BRUTE.items():
        expected = np.array([rule(words[k]) for k in sorted(words)])
        assert (units[code].to_numpy() == expected).all(), code
        assert expected.sum() > 10, code  # the rule matches something on the sample
    codes = pd.read_csv(out / "codes.csv", encoding="utf-8-sig")
    assert codes["code"].tolist()[-1] == NO_CODE
    n = len(units)
    none = (units.drop(columns=UNIT).sum(axis=1) == 0).sum()
    assert codes.set_index("code").loc[NO_CODE, "units"] == none
    assert np.allclose(codes["share"], codes["units"] / n * 100)


def test_hand_written_rule_with_or_and_not_parentheses_on_sample(grouped_output, tmp_path):
    tokens = pd.read_parquet(grouped_output / "tokens.parquet")
    path = tmp_path / "rules.txt"
    path.write_text("# 自前の規則\n＊A\n(標準化|移行) and !(ベンダー or 費用)\n*B\n"
                    "窓口 & (住民 | 手続) | 'マイナンバー'\n*C\nnot <*A> & (職員 | 研修)\n", encoding="utf-8")
    result = apply_coding_rules(path, tokens, unit="paragraph")
    words = _words_per_unit(tokens)
    surf = tokens.astype({"surface": str}).groupby(UNIT, sort=True)["surface"].agg("".join)
    keys = sorted(words)
    a = np.array([bool(words[k] & {"標準化", "移行"}) and not (words[k] & {"ベンダー", "費用"}) for k in keys])
    b = np.array([("窓口" in words[k] and bool(words[k] & {"住民", "手続"})) or "マイナンバー" in surf[k]
                  for k in keys])
    c = np.array([not a[i] and bool(words[k] & {"職員", "研修"}) for i, k in enumerate(keys)])
    for name, expected in (("A", a), ("B", b), ("C", c)):
        assert (result.units[name].to_numpy() == expected).all(), name
        assert expected.sum() > 5


@pytest.fixture()
def small():
    # 「情報 を 共有 する 。 共有 の 情報 」 in one sentence; second paragraph 「端末 を 持ち帰る」
    surf = ["情報", "を", "共有", "する", "。", "共有", "の", "情報", "端末", "を", "持ち帰る"]
    return pd.DataFrame({
        "doc_id": "d", "utterance_id": 0, "paragraph_id": [0] * 8 + [1] * 3,
        "sentence_id": [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2], "position": range(11), "surface": surf,
        "term": ["情報", None, "共有", None, None, "共有", None, "情報", "端末", None, "持ち帰る"],
        "dictionary_form": ["情報", "を", "共有", "する", "。", "共有", "の", "情報", "端末", "を", "持ち帰る"]})


@pytest.mark.parametrize("rule,expected", [
    ("near(情報-共有)", [1, 0]), ("seq(共有-情報)", [1, 0]), ("seq(共有-端末)", [0, 0]),
    ("near(情報-端末)[d]", [0, 0]), ("near(情報-共有)[1]", [0, 0]), ("near(情報-共有)[2]", [1, 0]),
    ("seq(情報-共有)[b]", [1, 0]), ("seq(共有-の-情報)[b]", [1, 0]), ("端末+を+持ち帰る", [0, 1]),
    ("情報+共有", [0, 0]), ("する", [1, 0]), ("'を持ち帰'", [0, 1]), ("!情報&を", [0, 1]),
    ("情報 端末", [1, 1]),  # side by side without an operator: or
])
def test_positional_conditions(small, rule, expected):
    res = apply_coding_rules(parse_coding_rules(f"*x\n{rule}"), small, unit="paragraph")
    assert res.units["x"].tolist() == expected


def test_spaces_optional_and_full_width_operators():
    a = parse_coding_rules("*x\n(標準化 | 共通化) & ! 移行")[0].condition
    for text in ("(標準化|共通化)&!移行", "（標準化｜共通化）＆！移行", "( 標準化 or 共通化 ) and not 移行",
                 "(標準化 OR 共通化) &! 移行"):
        assert parse_coding_rules("*x\n" + text)[0].condition == a, text


@pytest.mark.parametrize("text,where,fix", [
    ("*a\n(標準化 | 共通化\n", "2: column 1", "never closed"),
    ("*a\n標準化 | 共通化)\n", "2: column 10", "without a matching '('"),
    ("*標準化\n標準化\n*b\n移行 | <*標準>\n", "4: column 6", "did you mean <*標準化>"),
    ("*a\n標準化\n\n＊a\n共通化\n", "4: column 1", "defined twice (first on line 1)"),
    ("*a\n標準化and共通化\n", "2: column 4", "put spaces around 'and'"),
    ("標準化\n*a\n移行\n", "1: column 1", "before the first code"),
    ("*a\n# only a comment\n*b\n移行\n", ":1:", "has no condition"),
    ("*a\n標準化 |\n", "2: column 5", "needs a condition after it"),
    ("*a\n& 標準化\n", "2: column 1", "where a word was expected"),
    ("*a\nnear(標準化-移行)[x]\n", "2: column 13", "[b] (same sentence)"),
    ("*a\n'標準化\n", "2: column 1", "never closed"),
    ("*a\n<*b>\n*b\n<*a>\n", "", "in a circle"),
])
def test_error_messages_name_line_column_and_fix(tmp_path, text, where, fix):
    path = tmp_path / "rules.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodingRuleError) as err:
        read_coding_rules(path)
    msg = str(err.value)
    assert msg.startswith(str(path)) and fix in msg and where in msg, msg


def test_cp932_file_and_comments(tmp_path):
    path = tmp_path / "rules.txt"
    path.write_bytes("# コメント\n*標準化  # 行末コメント\n標準化 | '＃を含む' # 後ろ\n".encode("cp932"))
    rules = read_coding_rules(path)
    assert rules[0].name == "標準化" and rules[0].condition == ("or", ("word", "標準化"), ("str", "#を含む"))


def test_variables_and_crosstab_against_scipy(grouped_output):
    tokens = pd.read_parquet(grouped_output / "tokens.parquet")
    utt = pd.read_parquet(grouped_output / "utterances.parquet")
    rules = parse_coding_rules("*区部\n<>区分-->区部\n*窓口\n窓口\n*人材\nICT人材 | 採用\n")
    res = apply_coding_rules(rules, tokens, utt, unit="paragraph")
    meta = utt[["doc_id", "utterance_id", "区分"]]
    units = res.units.merge(meta, on=["doc_id", "utterance_id"], how="left")
    assert (units["区部"].to_numpy(dtype=bool) == (units["区分"] == "区部").to_numpy(dtype=bool)).all()
    table, info = code_crosstab(res, tokens, utt, group_by="区分")
    assert info["groups"] == ["区部", "多摩部", "島しょ部", "都"] and info["units_left_out"] == 0
    for row in table.itertuples(index=False):
        d = dict(zip(table.columns, row))
        col = units[d["code"]].to_numpy()
        obs = pd.crosstab(col, units["区分"]).reindex(index=[1, 0], columns=info["groups"], fill_value=0).to_numpy()
        chi2, p, _, E = chi2_contingency(obs, correction=False)
        assert d["chi2"] == pytest.approx(chi2) and d["p_value"] == pytest.approx(p)
        n, rows, cols = obs.sum(), obs.sum(axis=1), obs.sum(axis=0)
        for j, g in enumerate(info["groups"]):
            adj = (obs[0, j] - E[0, j]) / np.sqrt(E[0, j] * (1 - rows[0] / n) * (1 - cols[j] / n))
            assert d[f"residual_{g}"] == pytest.approx(adj)
            assert d[f"percent_{g}"] == pytest.approx(obs[0, j] / cols[j] * 100)
    assert table.set_index("code").loc["区部", "p_value"] < 1e-10


def test_grouped_run_writes_the_coding_outputs(grouped_output):
    out = grouped_output
    crosstab = pd.read_csv(out / "code_crosstab.csv", encoding="utf-8-sig")
    assert list(crosstab.columns[:5]) == ["code", "count_区部", "count_多摩部", "count_島しょ部", "count_都"]
    assert {"chi2", "p_value", "residual_都"} <= set(crosstab.columns)
    island = crosstab.set_index("code").loc["島しょ部の課題"]
    assert island["residual_島しょ部"] > 10 and island["p_value"] < 0.01
    for name in ("code_crosstab.png", "code_network.png"):
        assert (out / name).stat().st_size > 10_000
    units = pd.read_csv(out / "code_units.csv", encoding="utf-8-sig")
    assert list(units.columns[:3]) == UNIT and set(np.unique(units.iloc[:, 3:])) <= {0, 1}


def test_cli_rejects_a_bad_rule_file_before_tokenizing(tmp_path):
    from click.testing import CliRunner

    from cooccur.cli import cli

    rules = tmp_path / "rules.txt"
    rules.write_text("*標準化\n標準化 | (共通化 & 移行\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["analyze", str(tmp_path / "missing-corpus"), "-o", str(out),
                                      "--coding-rules", str(rules)])
    assert result.exit_code == 2
    line = result.output.strip().splitlines()[-1]
    assert line == f"cooccur: error: {rules}:2: column 7: '(' is never closed: add ')' after its condition"
    assert not out.exists()
