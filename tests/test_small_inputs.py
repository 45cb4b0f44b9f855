"""Small inputs never end in an error, and group_by works with any column of the utterances (issue 11)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

import cooccur
from cooccur.cli import cli

#: One short online meeting: no content word is said twice.
SHORT_VTT = """WEBVTT

00:00:01.000 --> 00:00:05.000
<v 佐藤>本日は地域の防災について相談したいと思います。

00:00:05.500 --> 00:00:09.000
<v 鈴木>訓練の日程は来月の土曜日でどうでしょうか。

00:00:09.500 --> 00:00:12.000
<v 佐藤>それで進めましょう。避難所の準備もお願いします。
"""

#: Only backchannels: nothing is counted at all.
BACKCHANNELS_VTT = """WEBVTT

00:00:01.000 --> 00:00:02.000
<v 佐藤>はい。

00:00:02.500 --> 00:00:03.000
<v 鈴木>ええ、そうですね。

00:00:03.500 --> 00:00:04.000
<v 佐藤>はい、はい。
"""


def _vtt(tmp_path, text, name="会議.vtt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_three_cue_meeting_gives_a_network_with_min_frequency_1(tmp_path):
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, ["analyze", str(_vtt(tmp_path, SHORT_VTT)), "-o", str(out), "--pptx",
                                      "--group-by", "speaker"])
    assert result.exit_code == 0, result.output
    assert "min_frequency fell to 1" in result.output
    nodes = pd.read_csv(out / "nodes.csv", encoding="utf-8-sig")
    assert {"防災", "避難所", "訓練"} <= set(nodes["term"])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["min_frequency"] == 1
    assert any("min_frequency fell to 1" in w for w in manifest["warnings"])
    for name in ("keywords.csv", "network.png", "report.html", "slides.pptx", "attribute_network.png"):
        assert (out / name).is_file(), name


def test_nothing_counted_gives_an_empty_network_explained(tmp_path):
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, ["analyze", str(_vtt(tmp_path, BACKCHANNELS_VTT)), "-o", str(out), "--pptx",
                                      "--group-by", "speaker"])
    assert result.exit_code == 0, result.output
    assert "network: 0 nodes, 0 edges" in result.output
    assert "the network is empty" in result.output and "no counted term" in result.output
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "the network is empty" in report
    assert pd.read_csv(out / "edges.csv", encoding="utf-8-sig").empty
    assert (out / "network.png").is_file() and (out / "slides.pptx").is_file()


def test_explicit_min_frequency_is_kept(tmp_path):
    a = cooccur.analyze(_vtt(tmp_path, SHORT_VTT), min_frequency=2)
    assert a.graph.number_of_nodes() == 0
    assert any("lower min_frequency" in w for w in a.warnings)


@pytest.mark.parametrize("column", ["doc_id", "speaker", "format", "区分"])
def test_group_by_any_utterances_column(sample_dir, column):
    a = cooccur.analyze(sample_dir, group_by=column)
    u = a.corpus.utterances
    values = set(u.loc[u["exclusion"].isna(), column].dropna().astype(str))
    attrs = [d["label"] for _, d in a.attribute_graph.nodes(data=True) if d["kind"] == "attribute"]
    assert set(attrs) <= values and len(attrs) == min(len(values), 15)
    assert set(a.distinctive.iloc[:, 0].astype(str)) <= values
    assert a.comparison is not None and set(a.comparison.groups) <= values


def test_group_by_doc_id_through_compare(sample_dir, tmp_path):
    result = CliRunner().invoke(cli, ["compare", str(sample_dir), "--group-by", "doc_id", "-o", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    edges = pd.read_csv(tmp_path / "c" / "comparison_edges.csv", encoding="utf-8-sig")
    assert len(edges) > 0
