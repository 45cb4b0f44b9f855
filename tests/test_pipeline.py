"""cooccur.pipeline: parameters resolved defaults < config file < keywords, and the stages chained."""

from __future__ import annotations

import pandas as pd
import pytest

import cooccur
from cooccur.config import DEFAULTS, PARAMS
from cooccur.errors import AnalysisError, ConfigError
from cooccur.pipeline import Analysis, resolve_params

MINUTES = {
    "第1回.txt": "○議長（山田太郎君）　ただいまから防災委員会を開会します。\n"
                "○委員（佐藤花子君）　防災訓練の実施計画について伺います。避難所の運営はどうなっていますか。\n"
                "○危機管理課長（鈴木一郎君）　防災訓練は地域の避難所で毎年行っております。避難所の備蓄も見直しております。\n"
                "○委員（佐藤花子君）　避難所の備蓄と防災訓練の周知をお願いします。\n",
    "第2回.txt": "○議長（山田太郎君）　防災委員会を開会します。\n"
                "○委員（田中次郎君）　避難所の備蓄について、防災訓練で確認したのでしょうか。\n"
                "○危機管理課長（鈴木一郎君）　防災訓練の際に避難所の備蓄を点検いたしました。地域の協力に感謝します。\n"
                "○委員（田中次郎君）　地域の防災訓練に若い世代も参加できるよう周知してください。\n",
}


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "minutes"
    folder.mkdir()
    for name, text in MINUTES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('unit = "utterance"\nmin_frequency = 2\n[cooccurrence]\nmeasure = "dice"\ntop_n = 5\n',
                    encoding="utf-8")
    return path


def test_defaults_then_config_then_keywords(config):
    assert resolve_params() == DEFAULTS
    from_config = resolve_params(config)
    assert (from_config["unit"], from_config["measure"], from_config["top_n"], from_config["min_frequency"]) == \
        ("utterance", "dice", 5, 2)
    assert from_config["seed"] == DEFAULTS["seed"]  # not in the file: the default
    both = resolve_params(config, measure="simpson", top_n=8)
    assert (both["unit"], both["measure"], both["top_n"]) == ("utterance", "simpson", 8)
    assert set(both) == {p.name for p in PARAMS}


def test_a_keyword_given_as_none_overrides_the_config(config):
    assert resolve_params(config)["min_frequency"] == 2
    assert resolve_params(config, min_frequency=None)["min_frequency"] is None  # back to automatic


def test_keywords_are_checked_like_the_config(config):
    with pytest.raises(ConfigError, match=r"unknown parameter 'top_m'\. Did you mean 'top_n'\?"):
        resolve_params(config, top_m=3)
    with pytest.raises(ValueError, match=r"unknown measure 'dise'; did you mean 'dice'\?"):
        resolve_params(measure="dise")
    with pytest.raises(ValueError, match="top_n must be a whole number"):
        resolve_params(top_n="60")


def test_analyze_applies_the_resolved_parameters_to_every_stage(corpus, config):
    a = cooccur.analyze(corpus, config=config, measure="simpson")
    assert isinstance(a, Analysis)
    assert (a.parameters["unit"], a.parameters["measure"], a.parameters["min_frequency"]) == ("utterance", "simpson", 2)
    assert set(a.nodes["term"]) >= {"防災訓練", "避難所", "備蓄"}
    assert (a.nodes["frequency"] >= 2).all()
    assert a.graph.graph["unit"] == "utterance" and a.graph.graph["measure"] == "simpson"
    assert (a.edges["weight"] == a.edges["simpson"]).all()
    assert len(a.edges) >= 5  # top_n 5 from the config, ties with the 5th kept
    # utterance units: 防災訓練 is in six of the eight turns (the chair's turns hold none), 避難所 in five, always with 防災訓練
    e = a.edges.set_index(["source", "target"])
    pair = e.loc[("避難所", "防災訓練")] if ("避難所", "防災訓練") in e.index else e.loc[("防災訓練", "避難所")]
    assert pair["cooccurrence"] == 5 and pair["simpson"] == pytest.approx(5 / 5)
    assert pair["jaccard"] == pytest.approx(5 / 6) and pair["dice"] == pytest.approx(2 * 5 / (6 + 5))
    # the chair's two opening turns are set aside (chair="auto" on minutes)
    assert a.summary()["utterances_analysed"] == 6 and a.summary()["files_ok"] == 2
    assert a.summary()["utterances_excluded"] == {"chair": 2}


def test_stage_by_stage_equals_analyze(corpus):
    a = cooccur.analyze(corpus, min_frequency=2)
    corpus_ = cooccur.read_corpus(corpus)
    tokens = cooccur.tokenize_utterances(corpus_.utterances)
    cooc = cooccur.count_cooccurrence(tokens, min_frequency=2)
    G = cooccur.build_network(cooc)
    assert sorted(G.edges) == sorted(a.graph.edges)
    assert dict(G.nodes(data="frequency")) == dict(a.graph.nodes(data="frequency"))


def test_lean_tokens_need_an_output_folder_and_nothing_to_analyse_says_so(corpus, tmp_path):
    with pytest.raises(ValueError, match="give output="):
        cooccur.analyze(corpus, tokens_in_memory="lean")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(AnalysisError, match="nothing to analyse"):
        cooccur.analyze(empty)


def _no_sudachi(monkeypatch):
    """Make any tokenizing fail, so a run that passes took its tokens from the cache."""
    import cooccur.tokenize

    def refuse(*args, **kwargs):
        raise AssertionError("tokenized again")

    monkeypatch.setattr(cooccur.tokenize, "tokenize_utterances", refuse)
    monkeypatch.setattr(cooccur.tokenize, "tokenize_to_file", refuse)


def test_compare_with_an_output_folder_reuses_its_token_cache(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = cooccur.compare(corpus, group_by="doc_id", output=out, min_frequency=1)
    assert list((out / ".cache" / "tokens").glob("corpus-*.arrow"))  # the whole table, for the next run
    assert len(list((out / ".cache" / "tokens").glob("*/*.parquet"))) == 2  # and SudachiPy's analysis per document
    files = {n: (out / n).read_bytes() for n in ("comparison_edges.csv", "comparison_terms.csv", "comparison.png")}
    _no_sudachi(monkeypatch)
    again = cooccur.compare(corpus, group_by="doc_id", output=out, min_frequency=1)
    pd.testing.assert_frame_equal(again.edges, first.edges)
    assert {n: (out / n).read_bytes() for n in files} == files
    with pytest.raises(AssertionError, match="tokenized again"):  # without the cache it is tokenized
        cooccur.compare(corpus, group_by="doc_id", output=out, min_frequency=1, cache=False)


def test_kwic_lines_with_a_cache_folder_skip_sudachi_on_the_second_run(corpus, tmp_path, monkeypatch):
    first = cooccur.kwic_lines(corpus, "避難所", cache=tmp_path / "cache")
    assert len(first) == 6 and set(first["keyword"]) == {"避難所"}
    _no_sudachi(monkeypatch)
    pd.testing.assert_frame_equal(cooccur.kwic_lines(corpus, "避難所", cache=tmp_path / "cache"), first)
    with pytest.raises(AssertionError, match="tokenized again"):
        cooccur.kwic_lines(corpus, "避難所")


def test_read_and_tokenize_is_the_path_analyze_takes(corpus, tmp_path):
    from cooccur.folder import OutputFolder
    from cooccur.pipeline import read_and_tokenize

    params = resolve_params(min_frequency=2)
    got = read_and_tokenize(corpus, params)
    a = cooccur.analyze(corpus, min_frequency=2)
    pd.testing.assert_frame_equal(got.tokens, a.tokens)
    pd.testing.assert_frame_equal(got.corpus.utterances, a.corpus.utterances)
    assert got.counts is None and got.file is None and set(got.timings) == {"read", "tokenize"}
    with pytest.raises(ValueError, match="--group-by column '会派' does not exist"):
        read_and_tokenize(corpus, params, group_by="会派")
    # lean: a KWIC or a comparison needs no tokens file; an Analysis streams the full table to the folder
    lean = read_and_tokenize(corpus, resolve_params(tokens_in_memory="lean"))
    assert lean.file is None and lean.counts["tokens"] == len(a.tokens) and len(lean.tokens) < len(a.tokens)
    folder = OutputFolder(tmp_path / "out")
    kept = read_and_tokenize(corpus, resolve_params(tokens_in_memory="lean"), folder=folder, keep_tokens=True)
    assert kept.file == folder.tokens_path() and kept.file.is_file()
    pd.testing.assert_frame_equal(kept.tokens, lean.tokens)
    from cooccur.io import write_table

    write_table(a.tokens, tmp_path / "plain.parquet")
    assert kept.file.read_bytes() == (tmp_path / "plain.parquet").read_bytes()  # the full table


def test_cooccur_ca_with_an_output_folder_reuses_its_token_cache(corpus, tmp_path, monkeypatch):
    from cooccur.analyses import correspondence_analysis

    out = tmp_path / "out"
    first = correspondence_analysis(corpus, output=out, ca_matrix="document", min_frequency=1)
    files = {n: (out / n).read_bytes() for n in ("correspondence.csv", "correspondence_table.csv")}
    _no_sudachi(monkeypatch)
    again = correspondence_analysis(corpus, output=out, ca_matrix="document", min_frequency=1)
    pd.testing.assert_frame_equal(again.to_frame(), first.to_frame())
    assert {n: (out / n).read_bytes() for n in files} == files
    with pytest.raises(AssertionError, match="tokenized again"):
        correspondence_analysis(corpus, output=out, ca_matrix="document", min_frequency=1, cache=False)
