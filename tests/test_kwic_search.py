"""KWIC by searching the analysed text, and ``cooccur kwic`` on an analysed output folder (issue 11)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import cooccur
from cooccur.cli import cli
from cooccur.kwic import concordance
from cooccur.kwic_search import folder_concordance, is_output_folder

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "real_minutes"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"

#: Our own minutes: 協力金 alone and inside the compound 感染拡大防止協力金; 知事 is a stopword of the preset.
MINUTES = """○議長（山田太郎君）　ただいまから会議を開きます。
○田中一郎君　感染拡大防止協力金について伺います。協力金の支給が遅れています。
○知事（佐藤花子君）　感染拡大防止協力金は、来週から支給を始めます。知事として協力金の迅速化に努めます。
○田中一郎君　感染拡大防止協力金の申請窓口も増やしてください。
○知事（佐藤花子君）　協力金の窓口は各区役所に置きます。
"""


def occurrences(utterances, term):
    analysed = utterances[utterances["exclusion"].isna()]
    query = unicodedata.normalize("NFKC", term)
    return sum(unicodedata.normalize("NFKC", t).count(query) for t in analysed["text"])


@pytest.fixture(scope="module")
def minutes(tmp_path_factory):
    src = tmp_path_factory.mktemp("kwic") / "本会議.txt"
    src.write_text(MINUTES, encoding="utf-8")
    return src, cooccur.analyze(src, compounds="all", min_frequency=1)


def test_occurrences_inside_compounds_name_the_compound(minutes):
    _, a = minutes
    assert "感染拡大防止協力金" in set(a.tokens["term"].dropna())
    k = a.kwic("協力金")
    assert len(k) == occurrences(a.corpus.utterances, "協力金") == 6
    assert (k["keyword"] == "協力金").all()
    assert k.groupby("match")["term"].agg(lambda s: sorted(set(s))).to_dict() == {
        "inside": ["感染拡大防止協力金"], "token": ["協力金"]}
    exact = a.kwic("協力金", exact=True)
    assert len(exact) == 3 and set(exact["match"]) == {"token"}


def test_stopwords_are_found_with_no_counted_term(minutes):
    _, a = minutes
    assert "知事" not in set(a.tokens["term"].dropna())
    k = a.kwic("知事")
    assert len(k) == occurrences(a.corpus.utterances, "知事") == 1  # the speaker labels are not remarks
    assert pd.isna(k["term"].iloc[0]) and k["speaker"].iloc[0] == "知事（佐藤花子君）"


def test_sample_every_node_term_and_substrings_are_all_found():
    a = cooccur.analyze(SAMPLE)
    u = a.corpus.utterances
    for term in [*sorted(a.graph.nodes), "情報", "共有", "人材", "窓口", "デジタル"]:
        k = a.kwic(term)
        n = occurrences(u, term)
        found = int(k["keyword"].str.contains(unicodedata.normalize("NFKC", term), regex=False).sum())
        assert found == n, (term, found, n)  # every str.count occurrence is a line
        assert k.attrs["total"] == len(k) >= n


def test_cli_header_and_folder_answer_without_tokenizing(minutes, tmp_path, monkeypatch):
    src, _ = minutes
    out = tmp_path / "out"
    run = CliRunner()
    assert run.invoke(cli, ["analyze", str(src), "-o", str(out), "--compounds", "all", "--formats", "graphml",
                            "-q"]).exit_code == 0
    assert is_output_folder(out) and not is_output_folder(src.parent)
    from_input = run.invoke(cli, ["kwic", str(src), "協力金", "--compounds", "all"])

    import cooccur.read
    import cooccur.tokenize.sudachi

    def refuse(*args, **kwargs):
        raise AssertionError("an output folder must be answered from its tables")

    monkeypatch.setattr(cooccur.read, "read_corpus", refuse)
    monkeypatch.setattr(cooccur.tokenize.sudachi, "get_tokenizer", refuse)
    from_folder = run.invoke(cli, ["kwic", str(out), "協力金"])
    assert from_folder.exit_code == 0, from_folder.output
    assert from_folder.output == from_input.output
    rows = [line.split("\t") for line in from_folder.output.splitlines()]
    assert rows[0] == ["doc_id", "line", "speaker", "left", "keyword", "right", "term", "match"]
    assert len(rows) == 1 + 6 and {r[6] for r in rows[1:]} == {"協力金", "感染拡大防止協力金"}
    exact = run.invoke(cli, ["kwic", str(out), "協力金", "--exact"])
    assert len(exact.output.splitlines()) == 1 + 3
    stop = run.invoke(cli, ["kwic", str(out), "知事"])
    assert stop.exit_code == 0 and stop.output.splitlines()[1].split("\t")[6] == ""  # NA: not counted
    missing = run.invoke(cli, ["kwic", str(out), "予算書"])
    assert missing.exit_code == 2 and "does not occur" in missing.output and "Traceback" not in missing.output


@pytest.mark.parametrize("tables", ["parquet", "csv"])
def test_folder_lines_equal_the_in_memory_lines(tmp_path, tables):
    out = tmp_path / "out"
    a = cooccur.analyze(SAMPLE, output=out, formats=("graphml",), tables=tables)
    for term in ("情報共有", "職員", "知事", "手続"):
        try:
            mem = a.kwic(term)
        except ValueError:
            continue
        disk = folder_concordance(out, term)
        pd.testing.assert_frame_equal(disk, mem, check_dtype=False)


@pytest.mark.skipif(not REAL.is_dir(), reason="real minutes not present")
def test_real_minutes_at_least_98_percent_of_occurrences(tmp_path):
    out = tmp_path / "real"
    a = cooccur.analyze(REAL, output=out, formats=("graphml",))
    u = a.corpus.utterances
    for term in ("感染症", "協力金", "知事", "情報", "拉致", "防災", "予算"):
        n = occurrences(u, term)
        k = folder_concordance(out, term)
        found = int(k["keyword"].str.contains(term, regex=False).sum())
        assert n > 0 and found >= 0.98 * n, (term, found, n)
        assert (k["match"] == "inside").any() or term in ("協力金",), term  # some sit inside compounds
    pd.testing.assert_frame_equal(folder_concordance(out, "感染症"), concordance(a.tokens, u, "感染症"),
                                  check_dtype=False)
