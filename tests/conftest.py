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
