"""The output folder: its guard, the names cooccur writes into it, and the table ledger in its ``.cache``.

:func:`prepare_output_dir` creates an output folder, accepts it when cooccur
made it (the :data:`MARKER` file), or refuses it; :class:`TableLedger` records
what was last written to each Parquet table of the folder, so unchanged tables
are left alone.
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import OutputError
from .io import atomic_write_text, file_digest, write_json

__all__ = ["prepare_output_dir", "TableLedger", "MARKER", "CACHE_DIR", "OUTPUT_NAMES"]

#: File that marks a folder as created by cooccur (so re-runs may overwrite it).
MARKER = ".cooccur-output"

#: The folder inside an output folder for what only cooccur reads: token cache, table ledger, spill folders.
CACHE_DIR = ".cache"

#: Every name cooccur may write into an output folder.
OUTPUT_NAMES = frozenset({
    "utterances.parquet", "utterances.csv", "tokens.parquet", "tokens.csv", "nodes.csv", "edges.csv",
    "keywords.csv", "files.csv", "exclusions.csv", "distinctive.csv", "comparison_edges.csv",
    "comparison_terms.csv", "comparison.png", "keywords.png", "attribute_network.png", "network.png",
    "network.svg", "network.pdf", "network.graphml", "network.gexf", "network.json", "network.html",
    "report.html", "slides.pptx", "manifest.json", CACHE_DIR,
})


def prepare_output_dir(path: str | Path, *, force: bool = False) -> Path:
    """Create ``path`` or accept it if cooccur made it; refuse other non-empty folders.

    A folder counts as cooccur's when it holds the :data:`MARKER` file. With
    ``force=True`` a foreign non-empty folder is used anyway, but only when none
    of its files has a name cooccur writes (:data:`OUTPUT_NAMES`): cooccur never
    overwrites or deletes a file it did not write.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError("the output path exists and is not a folder; choose another -o", path=str(path))
    if path.is_dir() and any(path.iterdir()) and not (path / MARKER).exists() and not force:
        raise OutputError(
            "the output folder is not empty and was not created by cooccur; "
            "choose an empty or new folder, or pass --force to write into it anyway",
            path=str(path),
        )
    if path.is_dir() and not (path / MARKER).exists():
        clash = sorted(p.name for p in path.iterdir() if p.name in OUTPUT_NAMES)
        if clash:
            raise OutputError(
                "the folder holds files cooccur would overwrite but did not write: " + ", ".join(clash)
                + "; move them or choose another -o folder",
                path=str(path),
            )
    path.mkdir(parents=True, exist_ok=True)
    marker = path / MARKER
    if not marker.exists():
        atomic_write_text(marker, "This folder holds cooccur outputs.\n")
    return path


class TableLedger:
    """What was last written to each Parquet table of an output folder.

    A small JSON file (``OUT/.cache/tables.json``) maps each file name to the
    fingerprint of the table written and the SHA-256 of the bytes written.
    :func:`cooccur.io.write_table` skips a write only when both still match:
    the table is the same and the file on disk is exactly the one cooccur
    wrote (a file that is missing, edited or replaced is always written again).
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.skipped: list[str] = []
        try:
            entries = json.loads(self.path.read_text(encoding="utf-8"))
            self._entries = entries if isinstance(entries, dict) else {}
        except (OSError, ValueError):
            self._entries = {}
        self._dirty = False

    def unchanged(self, target: str | Path, fingerprint: str) -> bool:
        """True when ``target`` holds exactly the bytes last written for ``fingerprint``."""
        target = Path(target)
        entry = self._entries.get(target.name)
        if not isinstance(entry, dict) or entry.get("table") != fingerprint:
            return False
        try:
            if target.stat().st_size != entry.get("size"):
                return False
            digest = file_digest(target)
        except OSError:
            return False
        if digest != entry.get("file"):
            return False
        self.skipped.append(target.name)
        return True

    def note(self, target: str | Path, fingerprint: str, data: bytes | str, *, size: int | None = None) -> None:
        """Record that ``data`` (for the table ``fingerprint``) was written to ``target``.

        ``data`` is the bytes written, or their SHA-256 hex digest with ``size``.
        """
        import hashlib

        if isinstance(data, str):
            if size is None:
                raise ValueError("pass size= (the file's length in bytes) together with a hex digest")
            digest = data
        else:
            digest, size = hashlib.sha256(data).hexdigest(), len(data)
        self._entries[Path(target).name] = {"table": fingerprint, "file": digest, "size": size}
        self._dirty = True

    def save(self) -> None:
        """Write the ledger (atomically) if anything was recorded."""
        if self._dirty:
            write_json(self._entries, self.path)
            self._dirty = False
