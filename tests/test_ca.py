"""Correspondence analysis: checked against an independent NumPy computation on the sample."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from cooccur.ca import correspondence, correspondence_from_table, zoom_origin
from cooccur.cli import cli
from cooccur.errors import AnalysisError

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


def _csv(path):
    return pd.read_csv(path, encoding="utf-8-sig")


def _independent_ca(N: np.ndarray):
    """Principal coordinates from a plain SVD, written without cooccur's code."""
    n = N.sum()
    P = N / n
    rm, cm = P.sum(1), P.sum(0)
    expected = np.outer(rm, cm)
    Z = (P - expected) / np.sqrt(expected)
    U, d, Vt = np.linalg.svd(Z)
    k = min(N.shape) - 1
    rows = (U[:, :k] * d[:k]) / np.sqrt(rm)[:, None]
    cols = (Vt[:k].T * d[:k]) / np.sqrt(cm)[:, None]
    return rows, cols, d[:k] ** 2


def test_sample_correspondence_equals_independent_svd(grouped_output):
    out = grouped_output
    table = _csv(out / "correspondence_table.csv").set_index("term")
    coords = _csv(out / "correspondence.csv")
    inertia = _csv(out / "correspondence_inertia.csv")
    assert list(table.columns) == ["区部", "多摩部", "島しょ部", "都"]
    rows, cols, eig = _independent_ca(table.to_numpy(dtype=float))
    assert len(inertia) == 3 and np.allclose(inertia["eigenvalue"], eig, atol=1e-9)
    assert np.allclose(inertia["share"], eig / eig.sum() * 100) and inertia["cumulative"].iloc[-1] == pytest.approx(100)
    terms = coords[coords["kind"] == "term"].set_index("label").loc[table.index]
    groups = coords[coords["kind"] == "group"].set_index("label").loc[table.columns]
    assert (terms["frequency"].to_numpy() == table.sum(axis=1).to_numpy()).all()
    for k in range(3):
        sign = np.sign(cols[np.argmax(np.abs(cols[:, k])), k])  # cooccur's sign convention
        assert np.abs(terms[f"dim{k + 1}"].to_numpy() - sign * rows[:, k]).max() < 1e-6
        assert np.abs(groups[f"dim{k + 1}"].to_numpy() - sign * cols[:, k]).max() < 1e-6


def test_sample_table_and_term_selection_recomputed_from_tokens(grouped_output):
    out = grouped_output
    tokens = pd.read_parquet(out / "tokens.parquet")
    utt = pd.read_parquet(out / "utterances.parquet")[["doc_id", "utterance_id", "区分"]]
    counted = tokens[tokens["term"].notna()].merge(utt, on=["doc_id", "utterance_id"])
    counted = counted[counted["区分"].notna()]
    full = pd.crosstab(counted["term"], counted["区分"])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    freq = tokens["term"].value_counts()
    candidates = freq.index[freq >= manifest["parameters"]["min_frequency"]]
    if manifest["parameters"]["selection"] == "salience":  # the 75 most salient, recomputed independently
        from test_recompute import naive_salience

        salience = naive_salience(tokens.to_dict("records"))
        candidates = sorted(candidates, key=lambda t: (-salience[t], -freq[t], t))[:75]
    totals = full.sum(axis=0)
    chi2 = {}
    for t in candidates:  # 2 × k table: the term vs the rest of each group's words
        O = np.vstack([full.loc[t].to_numpy(), (totals - full.loc[t]).to_numpy()]).astype(float)
        E = O.sum(1, keepdims=True) * O.sum(0, keepdims=True) / O.sum()
        chi2[t] = ((O - E) ** 2 / E).sum()
    ranked = sorted(chi2, key=lambda t: (-chi2[t], -freq[t], t))[:60]
    table = _csv(out / "correspondence_table.csv").set_index("term")
    assert sorted(table.index) == sorted(ranked)
    assert (table == full.loc[table.index, table.columns]).all().all()


def test_scalings_and_principal_inertia():
    table = pd.DataFrame([[20, 3, 1], [2, 15, 4], [5, 5, 12], [9, 1, 9]], index=list("abcd"),
                         columns=["x", "y", "z"])
    ca = correspondence_from_table(table)
    r = table.sum(axis=1).to_numpy() / table.to_numpy().sum()
    std, _ = ca.coordinates("standard")
    pri, _ = ca.coordinates("symmetric")
    bip, _ = ca.coordinates("biplot")
    assert np.allclose((r[:, None] * std.to_numpy() ** 2).sum(0), 1.0)
    assert np.allclose((r[:, None] * pri.to_numpy() ** 2).sum(0), ca.inertia["eigenvalue"])
    assert np.allclose(bip.to_numpy(), std.to_numpy() * np.sqrt(ca.singular_values))
    # total inertia = χ²/n of the table
    N = table.to_numpy(float)
    E = N.sum(1, keepdims=True) * N.sum(0, keepdims=True) / N.sum()
    assert ca.inertia["eigenvalue"].sum() == pytest.approx(((N - E) ** 2 / E).sum() / N.sum())


def test_empty_rows_and_columns_are_dropped_and_said():
    table = pd.DataFrame([[3, 0, 1], [0, 0, 0], [1, 0, 4], [2, 0, 2]], index=["議会", "空", "予算", "条例"],
                         columns=["A", "B", "C"])
    ca = correspondence_from_table(table)
    assert list(ca.table.index) == ["議会", "予算", "条例"] and list(ca.table.columns) == ["A", "C"]
    assert "1 empty rows and 1 empty columns" in ca.warnings[0]
    assert ca.n_dimensions == 1


def test_two_groups_give_one_dimension_and_a_one_dimensional_chart():
    from cooccur.plot_analyses import plot_correspondence

    tokens = pd.DataFrame({"doc_id": ["a"] * 6 + ["b"] * 6, "utterance_id": 0,
                           "term": ["標準化", "標準化", "移行", "採用", "研修", "移行",
                                    "採用", "採用", "研修", "標準化", "研修", "研修"]})
    utt = pd.DataFrame({"doc_id": ["a", "b"], "utterance_id": 0, "区分": ["区部", "多摩部"]})
    ca = correspondence(tokens, utt, group_by="区分", terms=["標準化", "移行", "採用", "研修"])
    assert ca.n_dimensions == 1 and list(ca.inertia["share"]) == [100.0]
    fig = plot_correspondence(ca)
    texts = [t.get_text() for t in fig.texts]
    assert any("1次元" in t for t in texts)


def test_document_matrix_and_errors():
    tokens = pd.DataFrame({"doc_id": ["a"] * 4 + ["b"] * 4 + ["c"] * 4, "utterance_id": 0,
                           "term": ["標準化", "標準化", "移行", "採用", "採用", "採用", "研修", "移行",
                                    "研修", "研修", "標準化", "移行"]})
    ca = correspondence(tokens, matrix="document", terms=["標準化", "移行", "採用", "研修"], n_terms=0)
    assert ca.kind == "document" and list(ca.columns.index) == ["a", "b", "c"]
    assert set(ca.to_frame()["kind"]) == {"term", "document"}
    with pytest.raises(ValueError, match="needs group_by"):
        correspondence(tokens, matrix="group")
    with pytest.raises(ValueError, match="ca_scaling"):
        correspondence(tokens, matrix="document", scaling="principal")
    one = pd.DataFrame({"doc_id": ["a"], "utterance_id": [0], "区分": ["区部"]})
    with pytest.raises(AnalysisError, match="two terms and two columns"):
        correspondence(tokens, one, group_by="区分", terms=["標準化", "移行"])


def test_zoom_keeps_angles_and_stretches_the_centre():
    xy = np.array([[0.1, 0.0], [0.0, -0.2], [3.0, 4.0], [0.0, 0.0]])
    z = zoom_origin(xy)
    ang = np.arctan2(xy[:3, 1], xy[:3, 0])
    assert np.allclose(np.arctan2(z[:3, 1], z[:3, 0]), ang)
    r = np.hypot(*xy[:3].T)
    expected = np.log10(1 + 3 * np.log10(1 + 3 * np.log10(1 + r)))
    assert np.allclose(np.hypot(*z[:3].T), expected) and (z[3] == 0).all()
    assert expected[0] / r[0] > expected[2] / r[2]  # near the origin stretched more


def test_cooccur_ca_command(tmp_path):
    out = tmp_path / "ca"
    result = CliRunner().invoke(cli, ["ca", str(SAMPLE), "--group-by", "区分", "-o", str(out), "--ca-terms", "30",
                                      "--ca-scaling", "symmetric", "--ca-zoom-origin", "--ca-label-top", "15"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "dimension\teigenvalue\tshare\tcumulative"
    for name in ("correspondence.csv", "correspondence_inertia.csv", "correspondence_table.csv", "correspondence.png"):
        assert (out / name).is_file()
    assert len(_csv(out / "correspondence_table.csv")) == 30
    bad = CliRunner().invoke(cli, ["ca", str(SAMPLE)])
    assert bad.exit_code == 2 and "--group-by" in bad.output


def test_report_and_slides_gain_the_new_figures(grouped_output):
    from pptx import Presentation

    html = (grouped_output / "report.html").read_text(encoding="utf-8")
    for heading in ("語の階層的クラスター分析", "対応分析", "コーディング"):
        assert f"<h2>{heading}</h2>" in html
    assert html.count('src="data:image/png;base64,') == 4
    assert "http://" not in html.split("<body>")[1].replace("http://www.w3.org", "")
    titles = [sh.text_frame.text for s in Presentation(grouped_output / "slides.pptx").slides for sh in s.shapes
              if sh.has_text_frame]
    for heading in ("語の階層的クラスター分析", "対応分析", "コードのクロス集計", "コードの共起ネットワーク"):
        assert heading in titles


def test_new_outputs_are_byte_identical_across_runs(grouped_output, tmp_path):
    out = tmp_path / "again"
    rules = ROOT / "examples" / "coding_rules_sample.txt"
    result = CliRunner().invoke(cli, ["analyze", str(SAMPLE), "-o", str(out), "-q", "--group-by", "区分",
                                      "--coding-rules", str(rules), "--pptx"], catch_exceptions=False)
    assert result.exit_code == 0
    for name in ("clusters.csv", "dendrogram.png", "correspondence.csv", "correspondence_inertia.csv",
                 "correspondence_table.csv", "correspondence.png", "codes.csv", "code_units.csv",
                 "code_crosstab.csv", "code_crosstab.png", "code_network.png", "report.html", "slides.pptx"):
        assert (out / name).read_bytes() == (grouped_output / name).read_bytes(), name


def test_every_new_parameter_is_a_keyword_flag_and_toml_key(tmp_path):
    from cooccur.config import PARAMS, load_config

    names = [p.name for p in PARAMS if p.stage == "analyses"]
    assert names == ["ca_matrix", "ca_terms", "ca_scaling", "ca_zoom_origin", "ca_label_top", "ca_bubbles",
                     "clusters", "cluster_distance", "cluster_method", "n_clusters", "coding_rules"]
    flags = {o for p in cli.commands["analyze"].params for o in p.opts}
    assert all("--" + n.replace("_", "-") in flags for n in names)
    toml = tmp_path / "c.toml"
    toml.write_text('[analyses]\nca_scaling = "biplot"\nn_clusters = 5\nclusters = false\n', encoding="utf-8")
    assert load_config(toml) == {"ca_scaling": "biplot", "n_clusters": 5, "clusters": False}
