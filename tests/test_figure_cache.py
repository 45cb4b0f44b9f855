"""cooccur.figure_cache: re-runs redraw only the figures whose inputs changed, with the same bytes."""

from __future__ import annotations

import subprocess
import sys

import networkx as nx
import pandas as pd
import pytest

import cooccur
from cooccur.figure_cache import FigureCache, Uncacheable, digest

FIGURES = ("network.png", "network.svg", "network.pdf", "keywords.png", "dendrogram.png")


@pytest.fixture()
def corpus(committee):
    return committee


def _files(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != "manifest.json"}


def test_digest_follows_content_not_identity():
    a = pd.DataFrame({"term": ["防災", "避難所"], "score": [2.0, 1.5]})
    b = pd.DataFrame({"term": ["防災", "避難所"], "score": [2.0, 1.5]})
    assert digest(a, 20) == digest(b, 20)
    b.loc[1, "score"] = 1.5000000001
    assert digest(a) != digest(b)
    g, h = nx.Graph(), nx.Graph()
    g.add_edge("防災", "訓練", weight=0.5)
    h.add_edge("防災", "訓練", weight=0.5)
    assert digest(g) == digest(h)
    h.nodes["防災"]["community"] = 1
    assert digest(g) != digest(h)
    assert digest(1) != digest(1.0) != digest("1")
    with pytest.raises(Uncacheable):
        digest(object())


def test_a_rerun_with_new_network_parameters_redraws_only_the_network(corpus, tmp_path):
    out = tmp_path / "out"
    first = cooccur.analyze(corpus, output=out, min_frequency=2)
    assert first.cache_stats["figures_reused"] == 0
    before = _files(out)
    again = cooccur.analyze(corpus, output=out, min_frequency=2, top_n=5, measure="dice")
    # keywords.png and dendrogram.png do not depend on the network: taken from the cache
    assert again.cache_stats["figures_reused"] == 2
    fresh = tmp_path / "fresh"
    cooccur.analyze(corpus, output=fresh, min_frequency=2, top_n=5, measure="dice", cache=False)
    assert _files(out) == _files(fresh)
    after = _files(out)
    assert after["keywords.png"] == before["keywords.png"]
    assert after["network.png"] != before["network.png"]
    # the entries of the first run's network went: the cache holds this run's figures only
    assert len(list((out / ".cache" / "figures").glob("*.bin"))) == len(FIGURES)


def test_a_changed_drawing_parameter_misses_and_a_broken_entry_is_drawn_again(corpus, tmp_path):
    out = tmp_path / "out"
    cooccur.analyze(corpus, output=out, min_frequency=2)
    bigger = cooccur.analyze(corpus, output=out, min_frequency=2, dpi=300)
    assert bigger.cache_stats["figures_reused"] == 0
    for f in (out / ".cache" / "figures").glob("*.bin"):
        f.unlink()
    redrawn = cooccur.analyze(corpus, output=out, min_frequency=2, dpi=300)
    assert redrawn.cache_stats["figures_reused"] == 0
    fresh = tmp_path / "fresh"
    cooccur.analyze(corpus, output=fresh, min_frequency=2, dpi=300, cache=False)
    assert _files(out) == _files(fresh)


def test_an_unchanged_rerun_draws_nothing_and_never_imports_matplotlib(corpus, tmp_path):
    out = tmp_path / "out"
    cooccur.analyze(corpus, output=out, min_frequency=2)
    code = ("import sys, cooccur; a = cooccur.analyze(sys.argv[1], output=sys.argv[2], min_frequency=2); "
            "print(a.cache_stats['figures_reused'], 'matplotlib' in sys.modules)")
    got = subprocess.run([sys.executable, "-c", code, str(corpus), str(out)], capture_output=True, text=True,
                         check=True)
    reused, imported = got.stdout.split()
    assert int(reused) == len(FIGURES)
    assert imported == "False"


def test_cache_without_a_folder_entry_is_a_miss(tmp_path):
    c = FigureCache(tmp_path / "figures")
    k = c.key("keywords.png", (pd.DataFrame({"term": ["防災"], "score": [1.0]}), "title"))
    assert c.load_all([k]) is None and c.misses == 1
    c.save(k, b"\x89PNG")
    assert c.load_all([k]) == [b"\x89PNG"] and c.hits == 1
    assert c.key("x.png", (object(),)) is None  # an input that cannot be fingerprinted: never cached
    assert c.load_all([None]) is None
