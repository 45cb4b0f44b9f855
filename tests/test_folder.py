"""cooccur.folder: the output-folder guard and the table ledger."""

from __future__ import annotations

import pandas as pd
import pytest

from cooccur.errors import OutputError
from cooccur.folder import MARKER, TableLedger, prepare_output_dir
from cooccur.io import atomic_write_text, write_table


def test_output_guard(tmp_path):
    foreign = tmp_path / "docs"
    foreign.mkdir()
    (foreign / "大事なメモ.txt").write_text("消さないで", encoding="utf-8")
    with pytest.raises(OutputError, match="--force"):
        prepare_output_dir(foreign)
    prepare_output_dir(foreign, force=True)
    assert (foreign / "大事なメモ.txt").read_text(encoding="utf-8") == "消さないで"

    ours = prepare_output_dir(tmp_path / "out")
    assert (ours / MARKER).exists()
    atomic_write_text(ours / "x.txt", "1")
    prepare_output_dir(ours)  # a folder cooccur made may be reused without --force

    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="not a folder"):
        prepare_output_dir(a_file)


def test_force_never_overwrites_a_file_cooccur_did_not_write(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "nodes.csv").write_text("誰かの表\n", encoding="utf-8")
    with pytest.raises(OutputError, match="nodes.csv; move them"):
        prepare_output_dir(folder, force=True)
    assert (folder / "nodes.csv").read_text(encoding="utf-8") == "誰かの表\n"


def _speakers(text):
    df = pd.DataFrame({"speaker": ["司会", "委員", "司会"], "text": [text, "賛成です。", "以上です。"]})
    df["speaker"] = df["speaker"].astype("category")
    return df


def test_ledger_skips_only_an_unchanged_table_and_file(tmp_path):
    target = tmp_path / "utterances.parquet"
    ledger_path = tmp_path / ".cache" / "tables.json"
    ledger = TableLedger(ledger_path)
    write_table(_speakers("開会します。"), target, ledger=ledger)
    ledger.save()
    first = target.read_bytes()
    assert pd.read_parquet(target)["speaker"].tolist() == ["司会", "委員", "司会"]

    # same content: not rewritten (the inode stays), and the bytes equal a plain write
    inode = target.stat().st_ino
    again = TableLedger(ledger_path)
    write_table(_speakers("開会します。"), target, ledger=again)
    assert again.skipped == ["utterances.parquet"] and target.stat().st_ino == inode
    plain = tmp_path / "plain.parquet"
    write_table(_speakers("開会します。"), plain)
    assert plain.read_bytes() == first

    # other content: rewritten
    changed = TableLedger(ledger_path)
    write_table(_speakers("閉会します。"), target, ledger=changed)
    changed.save()
    assert changed.skipped == [] and pd.read_parquet(target)["text"][0] == "閉会します。"

    # a file edited or removed behind cooccur's back is written again
    target.write_bytes(b"edited by hand")
    edited = TableLedger(ledger_path)
    write_table(_speakers("閉会します。"), target, ledger=edited)
    assert edited.skipped == [] and pd.read_parquet(target)["text"][0] == "閉会します。"
    target.unlink()
    gone = TableLedger(ledger_path)
    write_table(_speakers("閉会します。"), target, ledger=gone)
    assert gone.skipped == [] and target.is_file()


def test_a_damaged_ledger_means_writing(tmp_path):
    ledger_path = tmp_path / "tables.json"
    ledger_path.write_text("{not json", encoding="utf-8")
    ledger = TableLedger(ledger_path)
    write_table(_speakers("開会します。"), tmp_path / "t.parquet", ledger=ledger)
    assert ledger.skipped == [] and (tmp_path / "t.parquet").is_file()
