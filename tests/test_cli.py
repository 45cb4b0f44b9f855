"""The command line, run for real and checked through the Python API."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from cooccur.cli import EXIT_NOTHING, EXIT_PARTIAL, EXIT_USAGE, cli
from cooccur.config import PARAMS

MINUTES = (
    "第1回　検討会　記録\n出席者　各区市町村の担当課長\n"
    "○司会（都デジタル局）　本日は標準化と情報共有についてご意見をいただきます。\n"
    "○港区（DX推進担当課長）　標準化の作業は情報共有がないと進みません。ベンダーとの調整も情報共有が大事です。\n"
    "○立川市（DX推進課長）　標準化の移行では職員の負担が大きいです。ICT人材の確保も課題です。\n"
    "○港区（DX推進担当課長）　ICT人材の育成と情報共有の場が必要だと思います。標準化の進捗も共有したいです。\n"
    "○立川市（DX推進課長）　ベンダーとの調整では標準化の仕様の確認が大変です。職員の研修も進めます。\n"
)


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def test_sample_run_writes_every_output(sample_output):
    out, result = sample_output
    assert result.exit_code == 0, result.output
    for name in ("utterances.parquet", "tokens.parquet", "keywords.csv", "keywords.png", "nodes.csv", "edges.csv",
                 "network.graphml", "network.gexf", "network.json", "network.png", "network.svg",
                 "network.pdf", "network.html", "report.html", "manifest.json"):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    params = manifest["parameters"]
    for key in ("unit", "measure", "top_n", "threshold", "min_frequency", "min_document_frequency", "seed",
                "split_mode"):
        assert key in params
    assert isinstance(params["min_frequency"], int) and params["min_frequency"] >= 2
    nodes = pd.read_csv(out / "nodes.csv", encoding="utf-8-sig")
    assert params["top_n"] == 60
    edges = pd.read_csv(out / "edges.csv", encoding="utf-8-sig")
    assert len(edges) >= 60
    assert set(edges["source"]) | set(edges["target"]) == set(nodes["term"])
    # every transcript file was read without error
    statuses = {rec["doc_id"]: rec["status"] for rec in manifest["inputs"]}
    assert "error" not in statuses.values(), statuses


def test_forum_themes_surface_in_keywords_and_network(sample_output):
    out, _ = sample_output
    keywords = pd.read_csv(out / "keywords.csv", encoding="utf-8-sig")
    # the default score (salience) ranks terms that cluster in some turns first; our sample spreads the
    # three themes through every session, so they rank just below the session topics (カード, 島 …)
    top20 = list(keywords.sort_values("rank")["term"].head(20))
    by_frequency = list(keywords.sort_values(["frequency", "term"], ascending=[False, True])["term"].head(10))
    nodes = set(pd.read_csv(out / "nodes.csv", encoding="utf-8-sig")["term"])
    for theme in ("標準化", "情報共有", "ICT人材"):
        assert theme in top20, (theme, top20)
        assert theme in by_frequency, (theme, by_frequency)
        assert theme in nodes, theme


def test_every_option_has_help_text():
    def walk(command: click.Command):
        yield command
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                yield from walk(sub)

    for command in walk(cli):
        assert command.help, command.name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help and param.help.strip(), f"{command.name} {param.opts}"


def test_every_library_parameter_is_an_analyze_option():
    names = {p.name for p in cli.commands["analyze"].params}
    assert {p.name for p in PARAMS} <= names


def test_help_path_imports_nothing_heavy():
    code = ("import sys; from cooccur.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('pandas', 'sklearn', 'matplotlib', 'sudachipy', 'networkx') if m in sys.modules]\n"
            "print('HEAVY=' + ','.join(heavy))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "HEAVY=", proc.stdout


def test_unknown_measure_lists_choices_without_traceback(tmp_path):
    src = _write(tmp_path, "in/会議.txt", MINUTES)
    result = CliRunner().invoke(cli, ["analyze", str(src), "-o", str(tmp_path / "o"), "--measure", "jacard"])
    assert result.exit_code == EXIT_USAGE
    assert "jaccard" in result.output and "Traceback" not in result.output


def test_unknown_group_by_lists_columns(tmp_path):
    src = _write(tmp_path, "in/会議.txt", MINUTES)
    result = CliRunner().invoke(cli, ["analyze", str(src), "-o", str(tmp_path / "o"), "--group-by", "区分", "-q",
                                      "--formats", "graphml"])
    assert result.exit_code == EXIT_USAGE
    assert "'区分' does not exist" in result.output and "Traceback" not in result.output


def test_no_term_left_gives_an_empty_network_that_says_what_to_lower(tmp_path):
    src = _write(tmp_path, "in/会議.txt", MINUTES)
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, ["analyze", str(src), "-o", str(out), "--min-frequency", "500"])
    assert result.exit_code == 0, result.output
    assert "network: 0 nodes, 0 edges" in result.output
    assert "the network is empty" in result.output and "lower min_frequency" in result.output
    assert "Traceback" not in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert any("lower min_frequency" in w for w in manifest["warnings"])


def test_no_readable_utterance_still_exits_4(tmp_path):
    src = _write(tmp_path, "in/空.txt", "\n\n")
    result = CliRunner().invoke(cli, ["analyze", str(src), "-o", str(tmp_path / "o"), "-q"])
    assert result.exit_code == EXIT_NOTHING, result.output
    assert "nothing to analyse" in result.output and "Traceback" not in result.output


def test_bad_file_is_named_and_the_rest_is_analysed(tmp_path):
    _write(tmp_path, "in/会議.txt", MINUTES)
    (tmp_path / "in" / "壊れた.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, ["analyze", str(tmp_path / "in"), "-o", str(out), "--formats", "graphml"])
    assert result.exit_code == EXIT_PARTIAL, result.output
    assert "壊れた.txt" in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    by_doc = {rec["doc_id"]: rec for rec in manifest["inputs"]}
    assert by_doc["壊れた.txt"]["status"] == "error" and by_doc["壊れた.txt"]["error"]
    assert by_doc["会議.txt"]["status"] == "ok" and by_doc["会議.txt"]["utterances"] >= 5


def test_config_file_and_flags_agree_with_library(tmp_path):
    import cooccur

    src = _write(tmp_path, "in/会議.txt", MINUTES)
    cfg = _write(tmp_path, "c.toml", 'unit = "utterance"\ntop_n = 5\nmin_frequency = 2\n')
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, ["analyze", str(src), "-o", str(out), "--config", str(cfg), "--top-n", "4",
                                      "--formats", "graphml", "-q"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["unit"] == "utterance" and manifest["parameters"]["top_n"] == 4
    lib = cooccur.analyze(src, config=cfg, top_n=4)
    cli_edges = pd.read_csv(out / "edges.csv", encoding="utf-8-sig")
    assert sorted(zip(cli_edges.source, cli_edges.target)) == sorted(zip(lib.edges.source, lib.edges.target))


def test_foreign_output_folder_is_refused(tmp_path):
    src = _write(tmp_path, "in/会議.txt", MINUTES)
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep", encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", str(src), "-o", str(foreign)])
    assert result.exit_code == EXIT_USAGE and "--force" in result.output
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]


def test_kwic_command_prints_context(tmp_path):
    src = _write(tmp_path, "in/会議.txt", MINUTES)
    result = CliRunner().invoke(cli, ["kwic", str(src), "情報共有"])
    assert result.exit_code == 0, result.output
    header, *lines = [line.split("\t") for line in result.output.strip().splitlines()]
    assert header == ["doc_id", "line", "speaker", "left", "keyword", "right", "term", "match"]
    assert len(lines) == 4
    assert all(parts[4] == "情報共有" and parts[6] == "情報共有" for parts in lines)
    assert {parts[2] for parts in lines} == {"港区（DX推進担当課長）", "司会（都デジタル局）"}


def test_missing_input_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(cli, ["analyze", str(tmp_path / "nothing-here"), "-o", str(tmp_path / "o")])
    assert result.exit_code != 0
    assert "nothing-here" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("args", [["--help"], ["analyze", "--help"], ["kwic", "--help"], ["compare", "--help"],
                                  ["params"]])
def test_help_and_params_run(args):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0 and result.output.strip()


def test_quiet_still_names_rejected_files_once(tmp_path):
    _write(tmp_path, "in/会議.txt", MINUTES)
    (tmp_path / "in" / "空.txt").write_bytes(b"")
    result = CliRunner().invoke(cli, ["analyze", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "-q",
                                      "--formats", "graphml"])
    assert result.exit_code == EXIT_PARTIAL
    assert result.output.count("空.txt") == 1 and "empty" in result.output


def test_group_by_writes_attribute_network_comparison_and_distinctive_terms(sample_dir, tmp_path):
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, ["analyze", str(sample_dir), "-o", str(out), "-q", "--group-by", "区分",
                                      "--formats", "png"])
    assert result.exit_code == 0, result.output
    for name in ("attribute_network.png", "comparison.png", "distinctive.csv", "comparison_edges.csv"):
        assert (out / name).stat().st_size > 0, name
    distinctive = pd.read_csv(out / "distinctive.csv", encoding="utf-8-sig")
    assert {"区部", "多摩部", "島しょ部"} <= set(distinctive["group"])
    island = distinctive[distinctive["group"] == "島しょ部"].sort_values("rank")
    assert "島" in set(island["term"].head(3))


def test_kwic_into_a_closed_pipe_is_not_an_error():
    code = ("import subprocess, sys; p = subprocess.Popen([sys.executable, '-m', 'cooccur.cli', 'kwic', "
            "'data/sample', '情報共有', '--width', '3000'], stdout=subprocess.PIPE, stderr=subprocess.PIPE); "
            "p.stdout.readline(); p.stdout.close(); err = p.stderr.read().decode(); rc = p.wait(); "
            "print(rc, 'internal error' in err)")
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert proc.stdout.split() == ["0", "False"], proc.stdout + proc.stderr
