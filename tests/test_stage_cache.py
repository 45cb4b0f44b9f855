"""cooccur.stage_cache: a re-run with new network parameters takes the token-only stages from the folder, same results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cooccur
from cooccur.stage_cache import StageCache, stage_runner


@pytest.fixture()
def corpus(committee):
    return committee


def _files(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != "manifest.json"}


def test_a_stored_frame_comes_back_equal_with_its_dtypes_attrs_and_extras(tmp_path):
    frame = pd.DataFrame({"term": pd.Series(["防災", "避難所", "備蓄"], dtype=object), "frequency": [5, 4, 2],
                          "salience": [1.5, np.nan, 0.25]})
    frame.attrs["below_cutoff"] = ["防災"]
    calls = []

    def compute():
        calls.append(1)
        return frame, {"warnings": ["防災と避難所は同じ家族です"]}

    cache = StageCache(tmp_path / "stages")
    cache.get("families", ("k", 3), compute)
    again, extras = StageCache(tmp_path / "stages").get("families", ("k", 3), compute)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(again, frame)
    assert again["term"].dtype == object and again.attrs == {"below_cutoff": ["防災"]}
    assert extras == {"warnings": ["防災と避難所は同じ家族です"]}
    StageCache(tmp_path / "stages").get("families", ("k", 4), compute)  # other inputs: computed
    assert len(calls) == 2


def test_a_damaged_entry_is_computed_again_and_unused_ones_are_pruned(tmp_path):
    frame = pd.DataFrame({"term": ["防災"], "frequency": [1]})
    cache = StageCache(tmp_path / "stages")
    cache.get("a", (1,), lambda: (frame, {}))
    cache.get("b", (1,), lambda: (frame, {}))
    (path,) = [p for p in (tmp_path / "stages").iterdir() if p.stem == cache.key("a", 1)]
    path.write_bytes(b"not arrow")
    second = StageCache(tmp_path / "stages")
    got, _ = second.get("a", (1,), lambda: (frame.assign(frequency=[7]), {}))
    assert got["frequency"].tolist() == [7] and second.hits == 0
    second.prune()
    assert sorted(p.stem for p in (tmp_path / "stages").iterdir()) == [cache.key("a", 1)]


def test_without_a_cache_the_stage_is_computed():
    tokens = pd.DataFrame({"term": ["防災"]})
    assert stage_runner(None, tokens)("x", (), lambda: ("frame", {}))[0] == "frame"


def test_a_rerun_with_new_network_parameters_takes_the_stages_and_writes_the_same_files(corpus, tmp_path,
                                                                                         monkeypatch):
    out = tmp_path / "out"
    cooccur.analyze(corpus, output=out, min_frequency=2, formats=("graphml",))
    import cooccur.dispersion as dispersion
    import cooccur.keywords as keywords

    def not_again(*args, **kwargs):
        raise AssertionError("computed again")

    monkeypatch.setattr(dispersion, "term_dispersion", not_again)
    monkeypatch.setattr(keywords, "keyword_table", not_again)
    again = cooccur.analyze(corpus, output=out, min_frequency=2, formats=("graphml",), measure="dice", top_n=20)
    assert again.cache_stats["stages_reused"] >= 2
    monkeypatch.undo()
    fresh = cooccur.analyze(corpus, output=tmp_path / "fresh", min_frequency=2, formats=("graphml",), measure="dice",
                            top_n=20, cache=False)
    assert _files(out) == _files(tmp_path / "fresh")
    pd.testing.assert_frame_equal(again.keywords, fresh.keywords)
    pd.testing.assert_frame_equal(again.families, fresh.families)
    assert again.families.attrs == fresh.families.attrs and again.warnings == fresh.warnings


def test_other_tokens_miss(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    cooccur.analyze(corpus, output=out, min_frequency=2, formats=("graphml",))
    calls = []
    import cooccur.dispersion as dispersion

    real = dispersion.term_dispersion
    monkeypatch.setattr(dispersion, "term_dispersion", lambda tokens: calls.append(1) or real(tokens))
    again = cooccur.analyze(corpus, output=out, min_frequency=2, formats=("graphml",), extra_stopwords=("防災",))
    assert calls == [1] and "防災" not in set(again.keywords["term"])


def test_a_lean_table_rerun_takes_the_stages_with_its_streamed_flr_counts(corpus, tmp_path):
    """A lean table's FLR counts come from the full table while streaming: they are part of the keywords' key."""
    out = tmp_path / "out"
    first = cooccur.analyze(corpus, output=out, min_frequency=2, formats=("graphml",), tokens_in_memory="lean")
    assert first.cache_stats["stages_reused"] == 0
    again = cooccur.analyze(corpus, output=out, min_frequency=2, formats=("graphml",), tokens_in_memory="lean",
                            measure="dice")
    assert again.cache_stats["stages_reused"] >= 2
    fresh = cooccur.analyze(corpus, output=tmp_path / "fresh", min_frequency=2, formats=("graphml",),
                            tokens_in_memory="lean", measure="dice", cache=False)
    pd.testing.assert_frame_equal(again.keywords, fresh.keywords)
    assert (again.keywords["flr"] > 0).any()
    assert _files(out) == _files(tmp_path / "fresh")


def test_a_rerun_takes_the_term_clusters_and_other_cluster_parameters_miss(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    cooccur.analyze(corpus, output=out, min_frequency=2, formats=("graphml",), clusters=True)
    import cooccur.clustering as clustering

    real = clustering.cluster_terms
    calls = []

    def counted(*args, **kwargs):
        calls.append(kwargs.get("n_clusters"))
        return real(*args, **kwargs)

    monkeypatch.setattr(clustering, "cluster_terms", counted)
    again = cooccur.analyze(corpus, output=out, min_frequency=2, formats=("graphml",), clusters=True,
                            measure="dice", top_n=20)
    assert calls == []  # taken from the stage cache
    fresh = cooccur.analyze(corpus, output=tmp_path / "fresh", min_frequency=2, formats=("graphml",), clusters=True,
                            measure="dice", top_n=20, cache=False)
    assert calls == [None]  # no folder cache: computed
    got, want = again.clusters, fresh.clusters
    pd.testing.assert_frame_equal(got.clusters, want.clusters)
    assert got.linkage.tobytes() == want.linkage.tobytes() and got.distances.tobytes() == want.distances.tobytes()
    assert got.terms == want.terms and got.n_clusters == want.n_clusters and got.parameters == want.parameters
    assert (out / "clusters.csv").read_bytes() == (tmp_path / "fresh" / "clusters.csv").read_bytes()
    other = cooccur.analyze(corpus, output=out, min_frequency=2, formats=("graphml",), clusters=True, n_clusters=2)
    assert calls == [None, 2] and other.clusters.n_clusters == 2
