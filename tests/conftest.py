"""Shared fixtures: the bundled sample corpus, analysed once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory) -> tuple[Path, object]:
    """Run ``cooccur analyze data/sample`` once through the real CLI; return (folder, result)."""
    from click.testing import CliRunner

    from cooccur.cli import cli

    out = tmp_path_factory.mktemp("sample") / "out"
    result = CliRunner().invoke(cli, ["analyze", str(SAMPLE), "-o", str(out), "--quiet"], catch_exceptions=False)
    return out, result


@pytest.fixture(scope="session")
def grouped_output(tmp_path_factory) -> Path:
    """``cooccur analyze data/sample --group-by 区分 --coding-rules … --pptx`` once (issue 13's outputs)."""
    from click.testing import CliRunner

    from cooccur.cli import cli

    out = tmp_path_factory.mktemp("grouped") / "out"
    rules = ROOT / "examples" / "coding_rules_sample.txt"
    result = CliRunner().invoke(cli, ["analyze", str(SAMPLE), "-o", str(out), "-q", "--group-by", "区分",
                                      "--coding-rules", str(rules), "--pptx"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


#: A short committee meeting in the minutes format (six turns): enough for a network, clusters and families.
COMMITTEE = ("○議長（山田太郎君）　ただいまから防災委員会を開会します。\n"
             "○委員（佐藤花子君）　防災訓練の実施計画について伺います。避難所の運営はどうなっていますか。\n"
             "○危機管理課長（鈴木一郎君）　防災訓練は地域の避難所で毎年行っております。避難所の備蓄も見直しております。\n"
             "○委員（佐藤花子君）　避難所の備蓄と防災訓練の周知をお願いします。地域の自主防災組織とも連携してください。\n"
             "○危機管理課長（鈴木一郎君）　自主防災組織との連携を強め、備蓄の点検と訓練の周知を進めます。\n"
             "○委員（田中次郎君）　地域の防災訓練に若い世代も参加できるよう周知してください。避難所の運営も地域と連携を。\n")


@pytest.fixture(scope="session")
def committee(tmp_path_factory) -> Path:
    """A folder holding :data:`COMMITTEE` as one transcript."""
    folder = tmp_path_factory.mktemp("committee")
    (folder / "防災委員会.txt").write_text(COMMITTEE, encoding="utf-8")
    return folder
