"""Sidecar metadata: tables that add columns (session, date, role, …) to utterances.

A sidecar is a CSV/TSV table with a header row. It has a *file key* column
(``file``, ``filename``, ``path``, ``doc_id``, ``ファイル``, ``ファイル名``), a
*speaker key* column (``speaker``, ``発言者``, ``話者``, ``氏名``), or both; every
other column is metadata to add.

* A row with a file key (and a blank or absent speaker key) applies to every
  utterance of that file.
* A row with a speaker key only applies to that speaker in every file.
* A row with both applies to that speaker in that file.

Within one sidecar the most specific row wins (file+speaker over speaker-only
over file-only). Across sidecars, and against columns that already exist (for
example from a spreadsheet), the value already present wins; conflicting values
are reported. A file key matches an utterance's ``doc_id``, else its file name,
else its stem; speaker keys match after NFKC and with white space removed, so
``山田　太郎`` matches ``山田 太郎``.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path, PurePosixPath

from ..errors import ConfigError, DecodeError, FormatError

__all__ = ["find_sidecars", "load_sidecar", "apply_metadata", "known_speakers", "SIDECAR_NAMES", "FILE_KEYS", "SPEAKER_KEYS"]

#: File names (compared case-insensitively) picked up automatically at the corpus root.
SIDECAR_NAMES: tuple[str, ...] = ("metadata.csv", "metadata.tsv", "speakers.csv", "speakers.tsv")
#: Accepted headers of the file key column, in order of preference.
FILE_KEYS: tuple[str, ...] = ("file", "filename", "path", "doc_id", "ファイル", "ファイル名")
#: Accepted headers of the speaker key column, in order of preference.
SPEAKER_KEYS: tuple[str, ...] = ("speaker", "発言者", "話者", "氏名")
#: Columns of the utterances contract that a sidecar may not overwrite.
RESERVED: frozenset[str] = frozenset(
    {"doc_id", "utterance_id", "speaker", "speaker_key", "speaker_role", "speaker_name", "text", "exclusion", "line",
     "char_start", "char_end", "format"})
_MAX_LISTED = 10


def find_sidecars(root) -> list[Path]:
    """Sidecar tables directly in the folder ``root``, sorted by name.

    Only :data:`SIDECAR_NAMES` count (case-insensitive); sub-folders are not
    searched. For a single-file input (``root`` is a file) nothing is found:
    name the table with ``metadata=`` instead.
    """
    root = Path(root)
    if not root.is_dir():
        return []
    names = {n.casefold() for n in SIDECAR_NAMES}
    return sorted((p for p in root.iterdir() if p.is_file() and p.name.casefold() in names),
                  key=lambda p: p.name)


def load_sidecar(path):
    """Read a sidecar table into a DataFrame of strings (blank cells are NA).

    ``.tsv`` files are tab-separated, ``.csv`` comma-separated; other names are
    sniffed from the header line. The encoding is detected like a transcript's.
    The DataFrame's ``attrs["lines"]`` holds each row's 1-based line in the file.

    Raises
    ------
    DecodeError, FormatError
        The file cannot be decoded or has malformed rows.
    """
    import pandas as pd

    from .formats.table import read_rows

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the metadata table ({exc.strerror or exc})", path=str(path)) from None
    text = _decode(data, path=str(path))
    first = text.split("\n", 1)[0]
    suffix = path.suffix.lower()
    delimiter = "\t" if suffix == ".tsv" or (suffix != ".csv" and first.count("\t") > first.count(",")) else ","
    table = read_rows(text, delimiter=delimiter, path=str(path), error=FormatError)
    keep = [(r, ln) for r, ln in zip(table.rows, table.lines) if r]
    records = [[c.strip() or None for c in r] for r, _ in keep]
    df = pd.DataFrame(records, columns=table.header, dtype=object).astype("string")
    df.attrs["lines"] = [ln for _, ln in keep]
    df.attrs["path"] = str(path)
    return df


def known_speakers(sidecar_paths) -> frozenset[str]:
    """The speaker keys (:func:`~cooccur.read.speakers.speaker_key`) the sidecar tables name.

    A label listed there is a speaker even where it occurs once in a
    colon-style transcript. Tables that cannot be read give nothing here (their
    problem is reported when they are applied).
    """
    keys: set[str] = set()
    for path in sidecar_paths:
        try:
            df = load_sidecar(path)
        except Exception:  # reported by apply_metadata
            continue
        scol = _pick(df.columns, SPEAKER_KEYS)
        if scol is not None:
            keys.update(_speaker_key(str(v)) for v in df[scol].dropna())
    keys.discard("")
    return frozenset(keys)


def apply_metadata(utterances, sidecar_paths, *, root=None):
    """Add the columns of sidecar tables to ``utterances``.

    Parameters
    ----------
    utterances : pandas.DataFrame
        Needs ``doc_id`` and ``speaker`` columns. Not modified.
    sidecar_paths : iterable of path-like
        Sidecar tables, applied in this order.
    root : path-like, optional
        The corpus root; lets a file key be an absolute path under it.

    Returns
    -------
    (pandas.DataFrame, list of str)
        A copy with the new columns (strings, NA where no row applies) and the
        problems found, one line each: rows naming files or speakers not in the
        corpus, transcripts no row names, duplicate or ambiguous keys, reserved
        column names and conflicting values. Problems are never raised.

    Raises
    ------
    ConfigError
        A sidecar has neither a file key nor a speaker key column.

    Examples
    --------
    >>> import pandas as pd, tempfile, os
    >>> u = pd.DataFrame({"doc_id": ["r5/0610.txt", "r5/0610.txt"], "speaker": ["山田委員", "佐藤委員"]})
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "metadata.csv")
    >>> _ = open(p, "w", encoding="utf-8").write("file,会議\\n0610,総務委員会\\n0701,文教委員会\\n")
    >>> out, problems = apply_metadata(u, [p])
    >>> out["会議"].tolist()
    ['総務委員会', '総務委員会']
    >>> [s.split(": ", 1)[1] for s in problems]
    ["file '0701' matches no transcript"]
    """
    import pandas as pd

    if "doc_id" not in utterances.columns or "speaker" not in utterances.columns:
        raise ValueError("utterances need 'doc_id' and 'speaker' columns (the read_corpus() output)")
    out = utterances.copy()
    problems: list[str] = []
    doc_ids = sorted({str(d) for d in out["doc_id"].dropna().unique()})
    resolver = _FileResolver(doc_ids, root)
    doc_arr = out["doc_id"].astype(object).to_numpy()
    spk_arr = [None if _isna(s) else _speaker_key(str(s)) for s in out["speaker"].astype(object)]
    by_doc: dict[str, list[int]] = {}
    by_spk: dict[str, list[int]] = {}
    by_both: dict[tuple[str, str], list[int]] = {}
    for i, (d, s) in enumerate(zip(doc_arr, spk_arr)):
        if _isna(d):
            continue
        by_doc.setdefault(str(d), []).append(i)
        if s is not None:
            by_spk.setdefault(s, []).append(i)
            by_both.setdefault((str(d), s), []).append(i)

    for sidecar in sidecar_paths:
        df = load_sidecar(sidecar)
        name = str(sidecar)
        lines = df.attrs.get("lines", list(range(2, len(df) + 2)))
        fcol = _pick(df.columns, FILE_KEYS)
        scol = _pick(df.columns, SPEAKER_KEYS)
        if fcol is None and scol is None:
            raise ConfigError(
                "a metadata table needs a file key column and/or a speaker key column; found columns "
                + ", ".join(repr(c) for c in df.columns) + ". Accepted file keys: " + ", ".join(FILE_KEYS)
                + "; speaker keys: " + ", ".join(SPEAKER_KEYS), path=name, line=1)
        values = []
        for c in df.columns:
            if c in (fcol, scol):
                continue
            if c in RESERVED:
                problems.append(f"{name}: column {c!r} is reserved for the transcript itself and was ignored; "
                                "rename it")
                continue
            values.append(c)
        # resolve rows -> (specificity, line, positions)
        resolved: list[tuple[int, int, list[int], dict]] = []
        seen: dict[tuple, int] = {}
        named_docs: set[str] = set()
        for r, line in zip(df.itertuples(index=False, name=None), lines):
            row = {c: (None if _isna(v) else str(v)) for c, v in zip(df.columns, r)}
            fkey = row.get(fcol) if fcol is not None else None
            skey = row.get(scol) if scol is not None else None
            if fkey is None and skey is None:
                problems.append(f"{name}:{line}: row has no file or speaker key and was ignored")
                continue
            key = (fkey, None if skey is None else _speaker_key(skey))
            if key in seen:
                problems.append(f"{name}:{line}: duplicate key {_key_text(fkey, skey)} (first at line "
                                f"{seen[key]}); the first row is used")
                continue
            seen[key] = line
            docs: list[str] | None = None
            if fkey is not None:
                docs, ambiguous = resolver.resolve(fkey)
                if ambiguous:
                    problems.append(f"{name}:{line}: file {fkey!r} is ambiguous (matches "
                                    + ", ".join(ambiguous) + "); give the path relative to the corpus "
                                    "root; the row was ignored")
                    continue
                if not docs:
                    problems.append(f"{name}:{line}: file {fkey!r} matches no transcript")
                    continue
                named_docs.update(docs)
            if skey is None:
                pos = [i for d in docs for i in by_doc.get(d, [])]
                spec = 0
            elif docs is None:
                pos = by_spk.get(key[1], [])
                spec = 1
                if not pos:
                    problems.append(f"{name}:{line}: speaker {skey!r} does not occur in the corpus")
            else:
                pos = [i for d in docs for i in by_both.get((d, key[1]), [])]
                spec = 2
                if not pos:
                    problems.append(f"{name}:{line}: speaker {skey!r} does not occur in {docs[0]!r}")
            resolved.append((spec, line, pos, {c: row[c] for c in values}))
        if fcol is not None:
            missing = [d for d in doc_ids if d not in named_docs]
            if missing:
                listed = ", ".join(missing[:_MAX_LISTED]) + (", …" if len(missing) > _MAX_LISTED else "")
                problems.append(f"{name}: no row names {len(missing)} transcript(s): {listed}")
        # most specific last so it overwrites
        new: dict[str, list] = {c: [None] * len(out) for c in values}
        for _, _, pos, vals in sorted(resolved, key=lambda t: (t[0], t[1])):
            for c, v in vals.items():
                if v is None:
                    continue
                col = new[c]
                for i in pos:
                    col[i] = v
        for c in values:
            problems.extend(_merge_column(out, c, new[c], name, pd))
    return out, problems


# --------------------------------------------------------------------------- helpers

def _decode(data: bytes, *, path: str) -> str:
    try:
        from .encoding import decode
    except ImportError:  # pragma: no cover - read part 1 provides it
        try:
            return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"metadata table is not UTF-8 ({exc.reason})", path=path) from None
    return decode(data, path=path)[0]


def _isna(v) -> bool:
    if v is None:
        return True
    try:
        return bool(v != v)  # NaN
    except Exception:
        import pandas as pd

        return v is pd.NA


def _norm_header(name: str) -> str:
    s = unicodedata.normalize("NFKC", str(name)).casefold()
    return "".join(ch for ch in s if not ch.isspace() and ch not in "_-")


def _pick(columns, candidates) -> str | None:
    keys = {c: _norm_header(c) for c in columns}
    for cand in candidates:
        ck = _norm_header(cand)
        for c in columns:
            if keys[c] == ck:
                return c
    return None


def _speaker_key(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    return "".join(ch for ch in s if not ch.isspace())


def _key_text(fkey, skey) -> str:
    parts = []
    if fkey is not None:
        parts.append(f"file {fkey!r}")
    if skey is not None:
        parts.append(f"speaker {skey!r}")
    return " + ".join(parts)


class _FileResolver:
    """Match a sidecar's file key to doc_ids: exact path, else file name, else stem."""

    def __init__(self, doc_ids: list[str], root):
        self.root = None if root is None else Path(root)
        self.exact: dict[str, list[str]] = {}
        self.name: dict[str, list[str]] = {}
        self.stem: dict[str, list[str]] = {}
        for d in doc_ids:
            nd = unicodedata.normalize("NFC", d)
            p = PurePosixPath(nd)
            self.exact.setdefault(nd, []).append(d)
            self.name.setdefault(p.name, []).append(d)
            self.stem.setdefault(p.stem, []).append(d)

    def resolve(self, key: str) -> tuple[list[str], list[str]]:
        """Return (matching doc_ids, ambiguous candidates)."""
        k = unicodedata.normalize("NFC", key.strip()).replace("\\", "/")
        while k.startswith("./"):
            k = k[2:]
        if self.root is not None and Path(k).is_absolute():
            try:
                k = Path(k).resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        for table in (self.exact, self.name, self.stem):
            found = table.get(k)
            if found:
                return (found, []) if len(found) == 1 else ([], sorted(found))
        return [], []


def _merge_column(out, column: str, new: list, name: str, pd) -> list[str]:
    """Fill ``out[column]`` from ``new``; existing non-NA values win. Return conflict notes."""
    problems: list[str] = []
    if column not in out.columns:
        out[column] = pd.Series(new, index=out.index, dtype=object).astype("string")
        return problems
    old = out[column].astype(object).tolist()
    merged = list(old)
    reported: set[tuple[str, str]] = set()
    for i, (a, b) in enumerate(zip(old, new)):
        if b is None:
            continue
        if _isna(a):
            merged[i] = b
        elif str(a) != b and (str(a), b) not in reported:
            reported.add((str(a), b))
            problems.append(f"{name}: column {column!r} already has {str(a)!r} where the table says {b!r}; "
                            "kept the existing value")
    out[column] = pd.Series(merged, index=out.index, dtype=object).astype("string")
    return problems
