"""Atomic writes and deterministic tables (the output-folder guard and ledger: test_folder.py)."""

import os

import pandas as pd
import pytest

from cooccur.io import atomic_path, atomic_write_text, write_json, write_table


def test_interrupted_write_leaves_nothing_behind(tmp_path):
    target = tmp_path / "nodes.csv"
    target.write_text("old complete file\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(target) as tmp:
            tmp.write_text("half of a new fi", encoding="utf-8")
            raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "old complete file\n"
    assert sorted(os.listdir(tmp_path)) == ["nodes.csv"]


def test_csv_has_bom_and_parquet_is_byte_stable(tmp_path):
    df = pd.DataFrame({"term": ["標準化", "情報共有"], "frequency": [12, 9]})
    write_table(df, tmp_path / "t.csv")
    raw = (tmp_path / "t.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "標準化,12\n".encode() in raw
    write_table(df, tmp_path / "a.parquet")
    write_table(df, tmp_path / "b.parquet")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()
    assert pd.read_parquet(tmp_path / "a.parquet").equals(df)


def test_json_is_sorted_and_keeps_japanese(tmp_path):
    write_json({"b": 1, "a": "区市町村"}, tmp_path / "m.json")
    assert (tmp_path / "m.json").read_text(encoding="utf-8") == '{\n  "a": "区市町村",\n  "b": 1\n}\n'


def test_outputs_get_ordinary_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "report.html", "<p>報告</p>")
    finally:
        os.umask(old)
    assert (tmp_path / "report.html").stat().st_mode & 0o777 == 0o644


def test_streamed_parquet_matches_pyarrow_over_row_groups(tmp_path):
    """write_table converts categoricals row group by row group (of 256Ki rows); bytes equal one pq.write_table call."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 262_144 + 1_000  # two row groups
    rng = np.random.default_rng(0)
    terms = np.array(["標準化", "情報共有", "ICT人材", "区市町村"])
    df = pd.DataFrame({"term": pd.Categorical(terms[rng.integers(0, 4, n)], categories=sorted(terms)),
                       "position": np.arange(n, dtype=np.int64)})
    write_table(df, tmp_path / "ours.parquet")
    plain = df.astype({"term": "str"})
    pq.write_table(pa.Table.from_pandas(plain, preserve_index=False), tmp_path / "ref.parquet", compression="zstd",
                   row_group_size=262_144)
    assert pq.ParquetFile(tmp_path / "ours.parquet").metadata.num_row_groups == 2
    assert (tmp_path / "ours.parquet").read_bytes() == (tmp_path / "ref.parquet").read_bytes()


def test_write_json_takes_the_object_first_and_the_old_order_warns(tmp_path):
    import io

    write_json({"区分": "区部"}, tmp_path / "new.json")
    with pytest.warns(DeprecationWarning, match=r"write_json\(obj, path\)"):
        write_json(tmp_path / "old.json", {"区分": "区部"})
    assert (tmp_path / "old.json").read_bytes() == (tmp_path / "new.json").read_bytes()
    buf = io.BytesIO()
    assert write_json({"区分": "区部"}, buf) is None
    assert buf.getvalue() == (tmp_path / "new.json").read_bytes() == '{\n  "区分": "区部"\n}\n'.encode("utf-8")
