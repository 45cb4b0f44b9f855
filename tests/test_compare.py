"""The two-group comparison: statuses that agree with the numbers, no blank cell, parameters honoured."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import cooccur
from cooccur.cli import cli

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "real_minutes"


def check_rows(result):
    """Every row of edges and terms against the definitions in ComparisonResult's docstring."""
    e = result.edges
    assert not e.isna().any().any(), e[e.isna().any(axis=1)]
    ga, gb = result.graph_a, result.graph_b
    for r in e.itertuples(index=False):
        assert r.edge_a == ga.has_edge(r.source, r.target) and r.edge_b == gb.has_edge(r.source, r.target)
        if r.edge_a and r.edge_b:
            expected = "both"
        elif r.edge_a and r.cooccurrence_b == 0:
            expected = "only_a"
        elif r.edge_b and r.cooccurrence_a == 0:
            expected = "only_b"
        else:
            expected = "changed"
            assert r.cooccurrence_a > 0 and r.cooccurrence_b > 0
        assert r.status == expected, r
        assert r.change == pytest.approx(r.weight_b - r.weight_a)
        if r.status == "only_a":  # what B never has is weaker in B
            assert r.weight_a > r.weight_b
        if r.status == "only_b":
            assert r.weight_b > r.weight_a
        if r.edge_a:
            assert ga.edges[r.source, r.target]["weight"] == pytest.approx(r.weight_a)
            assert ga.edges[r.source, r.target]["cooccurrence"] == r.cooccurrence_a
        if r.edge_b:
            assert gb.edges[r.source, r.target]["weight"] == pytest.approx(r.weight_b)
    assert len(e) == len({frozenset(x) for x in ga.edges} | {frozenset(x) for x in gb.edges})
    t = result.terms
    assert not t.isna().any().any()
    for r in t.itertuples(index=False):
        assert r.node_a == (r.term in ga) and r.node_b == (r.term in gb)
        expected = ("both" if r.node_a and r.node_b else "only_a" if r.node_a and r.frequency_b == 0 else
                    "only_b" if r.node_b and r.frequency_a == 0 else "changed")
        assert r.status == expected


def test_sample_comparison_rows_agree_with_the_definition(sample_dir):
    a = cooccur.analyze(sample_dir, group_by="区分")
    assert set(a.comparison.edges["status"]) == {"both", "changed", "only_a", "only_b"}
    check_rows(a.comparison)


@pytest.mark.skipif(not REAL.is_dir(), reason="real minutes not present")
def test_real_minutes_comparison_rows_agree_with_the_definition():
    result = cooccur.compare(REAL, group_by="body")
    assert len(result.edges) >= 60
    check_rows(result)


def test_communities_and_seed_reach_the_comparison(sample_dir):
    r = cooccur.compare(sample_dir, group_by="区分", communities="louvain", seed=7)
    for G in (r.graph_a, r.graph_b):
        assert G.graph["communities"] == "louvain" and G.graph["seed"] == 7
    a = cooccur.analyze(sample_dir, group_by="区分", communities="louvain", seed=7)
    assert a.comparison.graph_a.graph["communities"] == "louvain"
    ca = {n: d["community"] for n, d in a.comparison.graph_a.nodes(data=True)}
    assert ca == {n: d["community"] for n, d in r.graph_a.nodes(data=True)}


def test_analyze_and_compare_write_the_same_comparison_files(sample_dir, tmp_path):
    opts = ["--group-by", "区分", "--seed", "3", "--size", "slide4x3", "--communities", "louvain", "--top-n", "40"]
    run = CliRunner()
    r1 = run.invoke(cli, ["analyze", str(sample_dir), "-o", str(tmp_path / "a"), "--formats", "png", "-q", *opts])
    r2 = run.invoke(cli, ["compare", str(sample_dir), "-o", str(tmp_path / "c"), *opts])
    assert r1.exit_code == 0 and r2.exit_code == 0, (r1.output, r2.output)
    for name in ("comparison.png", "comparison_edges.csv", "comparison_terms.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "c" / name).read_bytes(), name
    default = run.invoke(cli, ["compare", str(sample_dir), "-o", str(tmp_path / "d"), "--group-by", "区分"])
    assert default.exit_code == 0
    assert (tmp_path / "d" / "comparison.png").read_bytes() != (tmp_path / "c" / "comparison.png").read_bytes()
    printed = pd.read_csv(tmp_path / "c" / "comparison_edges.csv", encoding="utf-8-sig")
    assert list(printed.columns) == r2.output.splitlines()[0].split("\t")
    assert np.isfinite(printed[["weight_a", "weight_b", "change"]].to_numpy()).all()
