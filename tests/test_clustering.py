"""Term clustering: the partition equals scipy's Ward on independently computed Jaccard distances."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist

from cooccur.clustering import auto_n_clusters, cluster_terms, term_distances


def _presence(tokens: pd.DataFrame, terms) -> np.ndarray:
    """Paragraph × term presence, built with plain pandas (not cooccur's matrix code)."""
    t = tokens[tokens["term"].isin(terms)]
    keys = tokens[["doc_id", "utterance_id", "paragraph_id"]].drop_duplicates()
    pres = t.assign(v=1).pivot_table(index=["doc_id", "utterance_id", "paragraph_id"], columns="term", values="v",
                                     aggfunc="max", fill_value=0)
    pres = pres.reindex(pd.MultiIndex.from_frame(keys), fill_value=0)
    return pres[sorted(terms)].to_numpy(dtype=bool)


def _partition(labels, terms):
    groups = {}
    for t, c in zip(terms, labels):
        groups.setdefault(c, set()).add(t)
    return {frozenset(g) for g in groups.values()}


def test_sample_clusters_equal_scipy_ward_on_jaccard(sample_output):
    out, result = sample_output
    assert result.exit_code == 0
    clusters = pd.read_csv(out / "clusters.csv", encoding="utf-8-sig")
    assert list(clusters.columns) == ["term", "cluster", "frequency"]
    tokens = pd.read_parquet(out / "tokens.parquet")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    freq = tokens["term"].value_counts()
    terms = sorted(freq.index[freq >= manifest["parameters"]["min_frequency"]])
    if manifest["parameters"]["selection"] == "salience":  # the 75 most salient, recomputed independently
        from test_recompute import naive_salience

        salience = naive_salience(tokens.to_dict("records"))
        terms = sorted(sorted(terms, key=lambda t: (-salience[t], -freq[t], t))[:75])
    assert sorted(clusters["term"]) == terms  # the analysis' candidate terms
    k = round(math.sqrt(len(terms)))
    assert clusters["cluster"].nunique() == k == 9
    X = _presence(tokens, terms)
    Z = linkage(pdist(X.T, "jaccard"), method="ward")
    expected = _partition(fcluster(Z, k, criterion="maxclust"), terms)
    assert _partition(clusters["cluster"], clusters["term"]) == expected
    assert (clusters.set_index("term")["frequency"] == freq[clusters["term"]]).all()
    # numbered 1..k in leaf order: the first row is cluster 1 and numbers never go back
    assert clusters["cluster"].iloc[0] == 1 and (np.diff(clusters["cluster"].drop_duplicates()) == 1).all()
    assert (out / "dendrogram.png").stat().st_size > 10_000


@pytest.mark.parametrize("distance,metric", [("jaccard", "jaccard"), ("dice", "dice"), ("cosine", "cosine")])
def test_distances_equal_scipy(distance, metric):
    rng = np.random.default_rng(3)
    X = rng.random((60, 7)) < 0.3
    X[0] = True  # no empty column
    ours = term_distances(X.astype(int), distance=distance)
    from scipy.spatial.distance import squareform

    assert np.allclose(ours, squareform(pdist(X.T.astype(float) if metric == "cosine" else X.T, metric)))


def test_simpson_and_options():
    X = np.array([[1, 1, 0], [1, 0, 1], [1, 1, 1], [0, 0, 1]])
    D = term_distances(X, distance="simpson")
    assert D[0, 1] == pytest.approx(1 - 2 / 2) and D[0, 2] == pytest.approx(1 - 2 / 3)
    tokens = pd.DataFrame({"doc_id": "d", "utterance_id": 0, "paragraph_id": [0, 0, 1, 1, 2, 2, 3],
                           "term": ["窓口", "住民", "窓口", "住民", "予算", "議会", "予算"]})
    cl = cluster_terms(tokens, terms=["窓口", "住民", "予算", "議会"], method="average", n_clusters=2)
    assert _partition(cl.clusters["cluster"], cl.clusters["term"]) == {frozenset({"窓口", "住民"}),
                                                                       frozenset({"予算", "議会"})}
    assert auto_n_clusters(4) == 2 and auto_n_clusters(75) == 9
    with pytest.raises(ValueError, match="cluster_method"):
        cluster_terms(tokens, terms=["窓口", "住民"], method="ward.D")
    with pytest.raises(ValueError, match="n_clusters"):
        cluster_terms(tokens, terms=["窓口", "住民"], n_clusters=0)
    with pytest.raises(ValueError, match="never counted"):
        cluster_terms(tokens, terms=["窓口", "国会"])


@pytest.mark.parametrize("args,message", [(["--n-clusters", "0"], "n_clusters must be a whole number ≥ 1"),
                                          (["--ca-label-top", "-2"], "ca_label_top must be a whole number ≥ 0")])
def test_bad_counts_stop_the_run_before_reading(tmp_path, args, message):
    from click.testing import CliRunner

    from cooccur.cli import cli

    result = CliRunner().invoke(cli, ["analyze", str(tmp_path / "none"), "-o", str(tmp_path / "out"), *args])
    assert result.exit_code == 2 and message in result.output and not (tmp_path / "out").exists()
