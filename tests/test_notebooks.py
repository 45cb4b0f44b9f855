"""Run each notebook under notebooks/ top to bottom and check its key outputs.

The kernel is always the interpreter running pytest: a kernel spec pointing at
``sys.executable`` is written into a temporary folder and only that folder is
searched, so a ``python3`` kernel registered elsewhere on the machine (another
Python, another environment) is never picked up. This needs nothing but
``pip install '.[dev]'`` (nbclient, nbformat, ipykernel).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CELL_TIMEOUT = 120  # seconds per cell; the slowest cell takes a few seconds


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory) -> Path:
    """A kernel spec folder holding one ``python3`` spec for this interpreter."""
    from ipykernel.kernelspec import write_kernel_spec

    root = tmp_path_factory.mktemp("kernels")
    write_kernel_spec(root / "python3")  # argv[0] = sys.executable
    return root


def _execute(name: str, kernel_dir: Path, tmp_path: Path, monkeypatch):
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    # Keep the kernel away from the user's IPython profile and runtime folder.
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "mpl"))
    path = NOTEBOOKS / name
    nb = nbformat.read(path, as_version=4)
    specs = KernelSpecManager(kernel_dirs=[str(kernel_dir)], ensure_native_kernel=False)
    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=specs)
    client = NotebookClient(nb, km=km, timeout=CELL_TIMEOUT, allow_errors=False,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    assert km.kernel_spec.argv[0] == sys.executable  # the kernel ran this interpreter
    return nb


def _by_tag(nb, tag: str):
    cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    return cells[0]


def _text(cell) -> str:
    """Everything a reader sees from a cell: stream text and the text/plain or HTML of results."""
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif out["output_type"] in ("execute_result", "display_data"):
            data = out["data"]
            parts.append(data.get("text/plain", ""))
            parts.append(data.get("text/html", ""))
    return "\n".join(parts)


def _has_image(cell) -> bool:
    return any(out["output_type"] in ("execute_result", "display_data") and "image/png" in out["data"]
               for out in cell.get("outputs", []))


def _assert_clean(nb) -> None:
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            assert out["output_type"] != "error", f"cell {cell.id} raised {out.get('ename')}: {out.get('evalue')}"
            if out["output_type"] == "stream" and out["name"] == "stderr":
                # Warnings printed by the library or matplotlib (e.g. a missing glyph) are failures too.
                assert "Warning" not in out["text"], f"cell {cell.id} printed a warning:\n{out['text']}"


@pytest.mark.parametrize("name", ["01_forum_reproduction.ipynb", "02_compare_groups.ipynb",
                                  "03_your_own_transcripts.ipynb", "04_ca_clusters_coding.ipynb"])
def test_notebook_is_committed_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert "%matplotlib inline" in code[0].source


def test_01_forum_reproduction(kernel_dir, tmp_path, monkeypatch):
    nb = _execute("01_forum_reproduction.ipynb", kernel_dir, tmp_path, monkeypatch)
    _assert_clean(nb)
    files = _text(_by_tag(nb, "files"))
    assert "skipped" in files and "README.md" in files and "cp932" in files
    assert "stage_direction" in _text(_by_tag(nb, "exclusions"))
    # particles are never counted; fillers are listed with zero counted
    by_pos = _text(_by_tag(nb, "by_pos"))
    assert "助詞" in by_pos
    fillers = _text(_by_tag(nb, "fillers"))
    assert "えー" in fillers
    compounds = _text(_by_tag(nb, "compounds"))
    assert "→ ['ICT人材', '確保', '区市町村', " in compounds  # compounds="frequent" (default)
    assert "→ ['ICT', '人材', '確保', '区市', " in compounds  # compounds="off"
    assert "複合名詞" in compounds
    assert "candidate terms:" in _text(_by_tag(nb, "cooccurrence"))
    assert _has_image(_by_tag(nb, "network_figure"))
    assert "n_terms" in _text(_by_tag(nb, "communities"))
    kwic = _text(_by_tag(nb, "kwic"))
    for term in ("標準化", "情報共有", "ICT人材"):
        assert f"■ {term}: " in kwic
    assert kwic.count("標準化") >= 6  # the heading plus KWIC lines whose keyword is 標準化
    distinctive = _text(_by_tag(nb, "distinctive"))
    assert "区部" in distinctive and "多摩部" in distinctive


def test_02_compare_groups(kernel_dir, tmp_path, monkeypatch):
    nb = _execute("02_compare_groups.ipynb", kernel_dir, tmp_path, monkeypatch)
    _assert_clean(nb)
    area = _text(_by_tag(nb, "compare_area_tables"))
    assert "区部のみ" in area and "多摩部のみ" in area and "change" in area
    assert _has_image(_by_tag(nb, "compare_area_figure"))
    periods = _text(_by_tag(nb, "periods"))
    assert "前半" in periods and "後半" in periods
    time = _text(_by_tag(nb, "compare_time_tables"))
    assert "後半で現れた" in time and "後半で消えた" in time
    assert _has_image(_by_tag(nb, "compare_time_figure"))
    assert _has_image(_by_tag(nb, "attribute_figure"))
    assert "区分=" not in _text(_by_tag(nb, "attribute_links"))  # labels, not node ids
    assert _has_image(_by_tag(nb, "attribute_city_figure"))


def test_03_your_own_transcripts(kernel_dir, tmp_path, monkeypatch):
    nb = _execute("03_your_own_transcripts.ipynb", kernel_dir, tmp_path, monkeypatch)
    _assert_clean(nb)
    first = _text(_by_tag(nb, "read_default"))
    assert "no text column found" in first
    files = _text(_by_tag(nb, "read_columns"))
    for fmt in ("minutes", "colon", "csv", "vtt", "srt", "docx+minutes"):
        assert fmt in files
    status = _text(_by_tag(nb, "read_columns_status"))
    assert "status: {'ok': 8}" in status and "warnings: none" in status
    enc = _text(_by_tag(nb, "encoding"))
    assert "detected: {'format': 'colon', 'encoding': 'cp932'}" in enc
    assert "forced utf-8: {'status': 'error'" in enc and "not valid utf-8" in enc
    fmt = _text(_by_tag(nb, "format"))
    assert "format='auto': parsed as 'colon', 4 utterances" in fmt
    assert "format='text': parsed as 'text', 1 utterances, speakers []" in fmt
    assert "防災行政無線" in _text(_by_tag(nb, "param_compounds"))
    assert "まちの防災マップ" in _text(_by_tag(nb, "param_rules"))
    assert "paragraph" in _text(_by_tag(nb, "param_unit"))
    outputs = _text(_by_tag(nb, "analyze_files"))
    for name in ("nodes.csv", "edges.csv", "manifest.json", "network.png", "network.html"):
        assert name in outputs
    assert _has_image(_by_tag(nb, "analyze_png"))


def test_04_ca_clusters_coding(kernel_dir, tmp_path, monkeypatch):
    nb = _execute("04_ca_clusters_coding.ipynb", kernel_dir, tmp_path, monkeypatch)
    _assert_clean(nb)
    assert "candidate terms: 75" in _text(_by_tag(nb, "setup"))  # the 75 most salient (selection="salience")
    inertia = _text(_by_tag(nb, "ca_inertia"))
    assert "table: (60, 4) (terms × groups)" in inertia and "cumulative" in inertia
    for tag in ("ca_figure", "ca_zoom", "dendrogram", "crosstab"):
        assert _has_image(_by_tag(nb, tag)), tag
    assert "島しょ部" in _text(_by_tag(nb, "ca_axes"))
    assert "75 terms, 9 clusters" in _text(_by_tag(nb, "clusters"))
    codes = _text(_by_tag(nb, "codes"))
    assert "島しょ部の課題" in codes and "#コードなし" in codes
    assert "paragraphs" in _text(_by_tag(nb, "cell_remarks"))
    errors = _text(_by_tag(nb, "rule_errors"))
    assert "rules.txt:2: column 1: '(' is never closed" in errors
    assert "put spaces around 'and'" in errors and "<*標準> names no code" in errors
    real = _text(_by_tag(nb, "real"))
    if REAL.is_dir():
        assert "小樽市議会 本会議" in real and _has_image(_by_tag(nb, "real_figures"))
    else:
        assert "skipped" in real


REAL = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "real_minutes"
