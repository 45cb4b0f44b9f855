"""cooccur.outputs: the manifest's keys, atomic and byte-identical writes, the Japanese report summary."""

from __future__ import annotations

import hashlib
import json

import pytest

import cooccur
from cooccur.config import PARAMS
from cooccur.folder import MARKER
from cooccur.outputs import build_manifest, write_outputs

TEXT = ("出席委員　佐藤花子　田中次郎\n"  # the attendance list before the first speaker: a preamble, excluded
        "○議長（山田太郎君）　ただいまから防災委員会を開会します。\n"
        "○委員（佐藤花子君）　防災訓練の実施計画について伺います。避難所の運営はどうなっていますか。\n"
        "○危機管理課長（鈴木一郎君）　防災訓練は地域の避難所で毎年行っております。（拍手）避難所の備蓄も見直しております。\n"
        "○委員（佐藤花子君）　避難所の備蓄と防災訓練の周知をお願いします。\n"
        "○委員（田中次郎君）　地域の防災訓練に若い世代も参加できるよう周知してください。\n")
MANIFEST_KEYS = {"tool", "version", "parameters", "inputs", "totals", "warnings", "outputs", "elapsed_seconds",
                 "created_at"}


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("minutes")
    (folder / "防災委員会.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path_factory.mktemp("run") / "out"
    a = cooccur.analyze(folder, output=out, min_frequency=2, formats=("png", "json", "report"))
    return folder, out, a


def _files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and ".cache" not in p.relative_to(folder).parts)


def test_manifest_keys_parameters_inputs_and_outputs(analysed):
    folder, out, a = analysed
    m = json.loads((out / "manifest.json").read_text("utf-8"))
    assert set(m) == MANIFEST_KEYS
    assert m["tool"] == "cooccur" and m["version"] == cooccur.__version__
    assert set(m["parameters"]) == {p.name for p in PARAMS}
    assert m["parameters"]["min_frequency"] == 2 and m["parameters"]["formats"] == ["png", "json", "report"]
    assert m["parameters"]["tokens_in_memory"] == "all"  # what "auto" chose for this small corpus
    (inp,) = m["inputs"]
    assert "path" not in inp  # no absolute path of the user's machine
    assert inp["doc_id"] == "防災委員会.txt" and inp["status"] == "ok" and inp["utterances"] == 6
    assert inp["sha256"] == hashlib.sha256((folder / "防災委員会.txt").read_bytes()).hexdigest()
    assert m["totals"]["utterances_excluded"] == {"chair": 1, "preamble": 1}  # the chair's turn set aside
    assert {"read", "tokenize", "write", "total"} <= set(m["elapsed_seconds"])
    assert m["outputs"] == sorted(m["outputs"]) and set(m["outputs"]) <= set(_files(out))
    assert {"network.png", "network.json", "report.html", "keywords.png", "nodes.csv", "edges.csv",
            "tokens.parquet", "utterances.parquet", "files.csv", "exclusions.csv"} <= set(m["outputs"])
    assert "network.svg" not in m["outputs"] and not (out / "network.svg").exists()


def test_manifest_lists_every_output(analysed):
    _, out, _ = analysed
    m = json.loads((out / "manifest.json").read_text("utf-8"))
    # every output is listed, except the manifest itself and the folder's marker
    assert m["outputs"] == sorted(set(_files(out)) - {"manifest.json", MARKER})


def test_only_created_at_and_elapsed_seconds_vary(analysed, tmp_path):
    _, out, a = analysed
    write_outputs(a, tmp_path / "again", started_at=0.0, t_start=None)
    assert _files(tmp_path / "again") == sorted(set(_files(out)) - {MARKER})
    for name in _files(tmp_path / "again"):
        if name != "manifest.json":
            assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes(), name
    first, again = (json.loads((d / "manifest.json").read_text("utf-8")) for d in (out, tmp_path / "again"))
    for m in (first, again):
        del m["created_at"], m["elapsed_seconds"]
    assert first == again


def test_build_manifest_without_times_has_no_created_at(analysed):
    _, _, a = analysed
    m = build_manifest(a, {})
    assert "created_at" not in m and m["elapsed_seconds"] == {} and m["outputs"] == []


def test_an_interrupted_write_leaves_complete_files_and_no_manifest(analysed, tmp_path, monkeypatch):
    _, out, a = analysed
    import cooccur.plot

    def broken(*args, **kwargs):
        raise RuntimeError("disk full while drawing")

    monkeypatch.setattr(cooccur.plot, "plot_keywords", broken)
    target = tmp_path / "broken"
    with pytest.raises(RuntimeError, match="disk full"):
        write_outputs(a, target)
    left = _files(target)
    assert "manifest.json" not in left and "keywords.png" not in left  # the manifest comes last
    assert not [n for n in left if n.split("/")[-1].startswith(".")]  # no temporary file left behind
    for name in left:  # what was written is whole: the same bytes as the complete run
        assert (target / name).read_bytes() == (out / name).read_bytes(), name
    assert "network.png" in left and "nodes.csv" in left


def test_report_summary_is_in_japanese_with_the_exclusion_reasons(analysed):
    _, out, _ = analysed
    page = (out / "report.html").read_text("utf-8")
    assert "前置き（出席者・議題など）" in page  # EXCLUSION_REASONS["preamble"] from cooccur.texts
    assert "ト書き（（拍手）〔休憩〕など）" in page  # the （拍手） span set aside
    assert "共起ネットワーク分析レポート" in page
