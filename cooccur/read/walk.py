"""Walking an input folder: files in sorted order, hidden names, links and output folders handled."""

from __future__ import annotations

import os
from pathlib import Path

from ..folder import MARKER as OUTPUT_MARKER

__all__ = ["walk_folder"]


def walk_folder(root: Path, warnings: list[str]) -> list[tuple[Path, str, str | None]]:
    """Files under ``root`` sorted by path as (path, doc_id, problem); hidden names skipped.

    Symbolic links are followed; a folder reached twice (a link loop, or two
    links to one folder) is read once and the repeat reported in ``warnings``,
    likewise a file reached twice. A broken link is returned with a problem
    message so that it appears in ``files``. A sub-folder holding cooccur's
    output marker (an ``-o`` folder inside the input) is skipped and reported,
    so that a re-run never reads its own outputs as transcripts.
    """
    out: list[tuple[Path, str, str | None]] = []
    seen_dirs = {root.resolve()}
    seen_files: dict[Path, str] = {}
    stack: list[tuple[Path, str]] = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            names = sorted(e.name for e in os.scandir(folder) if not e.name.startswith("."))
        except OSError as exc:
            warnings.append(f"{folder}: cannot list folder ({exc.strerror})")
            continue
        subdirs = []
        for name in names:
            p = folder / name
            rel = prefix + name
            if p.is_dir():
                real = p.resolve()
                if (p / OUTPUT_MARKER).exists():  # e.g. -o placed inside the input folder
                    warnings.append(f"{rel}: holds cooccur outputs ({OUTPUT_MARKER}), not transcripts; skipped")
                    continue
                if real in seen_dirs:
                    msg = f"{rel}: folder already read (symbolic link loop or duplicate link to {real}); skipped"
                    warnings.append(msg)
                    continue
                seen_dirs.add(real)
                subdirs.append((p, rel + "/"))
            elif p.is_file():
                real = p.resolve()
                if real in seen_files:
                    warnings.append(f"{rel}: same file as {seen_files[real]}; skipped")
                    continue
                seen_files[real] = rel
                out.append((p, rel, None))
            else:
                msg = "broken symbolic link" if p.is_symlink() else "not a regular file"
                warnings.append(f"{rel}: {msg}")
                out.append((p, rel, msg))
        stack.extend(reversed(subdirs))
    return sorted(out, key=lambda e: e[1].split("/"))
