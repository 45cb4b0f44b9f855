"""The read stage: a file or folder of transcripts → :class:`Corpus`.

:func:`read_corpus` walks the input (recursively, sorted, skipping hidden names),
decodes each file (:mod:`cooccur.read.encoding`), detects or applies its format
(:mod:`cooccur.read.formats`), and builds the three tables described in
``docs/CONTRACTS.md``: ``utterances``, ``files`` and ``exclusions``. A problem
with one file marks that file as an error and the others are still read.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..config import param_choices
from ..errors import CooccurError, InputError, choices_message
from .encoding import decode
from .formats._base import Parsed, TurnCollector
from .speakers import speaker_key, split_label
from .formats.detect import EXTENSIONS, TEXT_EXTENSIONS, detect_format, detect_text_format

__all__ = ["read_corpus", "Corpus", "FORMATS", "UTTERANCE_COLUMNS", "FILE_COLUMNS", "EXCLUSION_COLUMNS",
           "parse_text", "clean_text"]

Format = Literal["auto", "minutes", "colon", "interview", "timestamped", "csv", "tsv", "xlsx", "vtt", "srt", "docx",
                 "pdf", "html", "text"]
FORMATS: tuple[str, ...] = param_choices("format")
TEXT_FORMATS = ("minutes", "colon", "interview", "timestamped", "text")
UTTERANCE_COLUMNS = ("doc_id", "utterance_id", "speaker", "speaker_key", "speaker_role", "speaker_name", "text",
                     "exclusion", "line", "char_start", "char_end", "format")
FILE_COLUMNS = ("doc_id", "path", "role", "status", "format", "encoding", "newline", "bytes", "chars", "sha256",
                "utterances", "utterances_analysed", "utterances_excluded", "excluded_reasons", "chars_analysed",
                "chars_excluded", "chars_markup", "error")
EXCLUSION_COLUMNS = ("doc_id", "utterance_id", "line", "reason", "text", "chars")
_INT_COLUMNS = {"utterance_id": "int64", "line": "Int64", "char_start": "Int64", "char_end": "Int64",
                "bytes": "Int64", "chars": "Int64", "utterances": "Int64", "utterances_analysed": "Int64",
                "utterances_excluded": "Int64", "chars_analysed": "Int64", "chars_excluded": "Int64",
                "chars_markup": "Int64"}


@dataclass
class Corpus:
    """The result of :func:`read_corpus`.

    Attributes
    ----------
    utterances : pandas.DataFrame
        One row per speaker turn (columns :data:`UTTERANCE_COLUMNS`, then metadata).
    files : pandas.DataFrame
        One row per file met (columns :data:`FILE_COLUMNS`); ``status`` is
        ``"ok"``, ``"error"`` or ``"skipped"``, and ``error`` gives the message
        (for skipped files: the reason). For each transcript read, the
        accounting columns add up: ``utterances = utterances_analysed +
        utterances_excluded``; ``excluded_reasons`` breaks the excluded ones
        down (``"empty=1; preamble=1"``); ``chars`` (decoded) =
        ``chars_analysed`` (analysed utterance texts) + ``chars_excluded``
        (excluded utterances' texts and the ``exclusions`` spans) +
        ``chars_markup`` (speaker labels, turn marks, colons, interviewer
        dashes) + the rest, which is white space and, for VTT/SRT/CSV/TSV,
        the format's own syntax (timings, cue numbers, header, delimiters).
    exclusions : pandas.DataFrame
        One row per span of text left out of every utterance's ``text``.
    warnings : list of str
        Problems that did not stop reading (sidecar mismatches, symlink loops,
        turn marks without a label, files that could not be read).
    root : Path
        The input path.
    """

    utterances: object
    files: object
    exclusions: object
    warnings: list[str] = field(default_factory=list)
    root: Path | None = None

    def summary(self) -> dict:
        """Counts to check first: files by status, utterances analysed/excluded, characters.

        ``characters_in`` is the number of characters decoded from the
        transcripts; ``characters_out`` the characters of analysed utterance
        texts (paragraph breaks included); ``characters_excluded`` and
        ``characters_markup`` are the sums of the files' ``chars_excluded``
        and ``chars_markup`` (see :attr:`files`).
        """
        f, u = self.files, self.utterances
        status = f["status"].value_counts().to_dict() if len(f) else {}
        excluded = u["exclusion"].dropna().value_counts().sort_index().to_dict() if len(u) else {}
        analysed = u[u["exclusion"].isna()] if len(u) else u
        transcripts = f[f["role"] == "transcript"] if len(f) else f
        return {
            "files": int(len(f)),
            "files_ok": int(status.get("ok", 0)),
            "files_error": int(status.get("error", 0)),
            "files_skipped": int(status.get("skipped", 0)),
            "metadata_files": int((f["role"] == "metadata").sum()) if len(f) else 0,
            "utterances": int(len(u)),
            "utterances_analysed": int(len(analysed)),
            "utterances_excluded": {str(k): int(v) for k, v in excluded.items()},
            "characters_in": int(transcripts["chars"].fillna(0).sum()) if len(f) else 0,
            "characters_out": int(analysed["text"].str.len().sum()) if len(analysed) else 0,
            "characters_excluded": int(transcripts["chars_excluded"].fillna(0).sum()) if len(f) else 0,
            "characters_markup": int(transcripts["chars_markup"].fillna(0).sum()) if len(f) else 0,
            "exclusions": int(len(self.exclusions)),
            "warnings": len(self.warnings),
        }

    def __repr__(self) -> str:
        s = self.summary()
        return (f"<Corpus {str(self.root)!r}: {s['files_ok']} files read, {s['files_error']} errors, "
                f"{s['files_skipped']} skipped; {s['utterances_analysed']} utterances analysed, "
                f"{s['utterances'] - s['utterances_analysed']} excluded; {s['characters_out']:,} characters>")

    def _repr_html_(self) -> str:
        import html

        s = self.summary()
        rows = [
            ("input", str(self.root)),
            ("files", f"{s['files_ok']} read, {s['files_error']} errors, {s['files_skipped']} skipped, "
                      f"{s['metadata_files']} metadata"),
            ("utterances", f"{s['utterances_analysed']} analysed; excluded: "
                           + (", ".join(f"{k} {v}" for k, v in s["utterances_excluded"].items()) or "none")),
            ("characters", f"{s['characters_in']:,} read, {s['characters_out']:,} analysed"),
            ("warnings", str(s["warnings"])),
        ]
        body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td style='text-align:left'>"
                       f"{html.escape(v)}</td></tr>" for k, v in rows)
        return f"<table><caption>cooccur Corpus</caption>{body}</table>"


def read_corpus(
    path,
    *,
    format: Format = "auto",
    encoding: str = "auto",
    text_column: str | None = None,
    speaker_column: str | None = None,
    sheet: str | None = None,
    metadata=(),
    include_preamble: bool = False,
    map_files=None,
) -> Corpus:
    """Read a transcript file, or every transcript under a folder.

    Parameters
    ----------
    path : str or Path
        A file, or a folder read recursively in sorted order. Names starting
        with ``"."`` are skipped; symbolic links are followed, loops reported.
    format : {"auto", "minutes", "colon", "interview", "timestamped", "csv", "tsv", "xlsx", "vtt", "srt", "docx", "text"}
        ``"auto"`` detects the format per file (see
        :mod:`cooccur.read.formats.detect`); any other value is applied to every
        transcript (for .docx files, to the text extracted from them; .xlsx
        files are always read as workbooks).
    encoding : str, default "auto"
        ``"auto"`` detects UTF-8/UTF-16 (BOM)/CP932/EUC-JP per file; or a codec name.
    text_column, speaker_column : str, optional
        Spreadsheet columns holding the remarks and the speaker (CSV/TSV, and
        for .xlsx the first sheet that has the remark column is read).
    sheet : str, optional
        The worksheet of .xlsx workbooks to read: its name, or its number
        counted from 1 (default: the first sheet with a remark column).
    metadata : path or sequence of paths
        Sidecar tables besides ``metadata.csv``/``speakers.csv`` at the folder root.
    include_preamble : bool, default False
        Analyse the text before the first speaker too.
    map_files : callable, optional
        ``map_files(func, entries, **kwargs)`` returning ``[func(e, **kwargs) for
        e in entries]`` in order — a hook for running the per-file work elsewhere
        (the Dask engine passes ``Client.map`` + ``gather``). The result is the
        same as reading locally.

    Returns
    -------
    Corpus

    Raises
    ------
    ValueError
        For an unknown ``format`` or ``encoding``.
    InputError
        If ``path`` does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "r5.txt").write_text("○議長（山田太郎君）　開会します。\\n○田中委員　質問します。", encoding="cp932")
    >>> c = read_corpus(d)
    >>> c.utterances[["speaker", "text"]].values.tolist()
    [['議長（山田太郎君）', '開会します。'], ['田中委員', '質問します。']]
    >>> c.files.loc[0, ["doc_id", "format", "encoding"]].tolist()
    ['r5.txt', 'minutes', 'cp932']
    """
    if format not in FORMATS:
        raise ValueError(choices_message("format", format, FORMATS))
    if encoding != "auto":
        decode(b"", encoding=encoding)  # raises ValueError for an unknown codec name
    if isinstance(metadata, (str, os.PathLike)):
        metadata = (metadata,)
    root = Path(path)
    if not root.exists():
        raise InputError("input not found; check the path", path=str(root))

    warnings: list[str] = []
    builder = _Builder()
    sidecars: list[Path] = []
    if root.is_dir():
        from .metadata import find_sidecars

        sidecars = list(find_sidecars(root))
        from .walk import walk_folder

        entries = walk_folder(root, warnings)
    else:
        entries = [(root, root.name, None)]
    for m in metadata:
        if not Path(m).is_file():
            raise InputError("metadata table not found; check the metadata= path", path=str(m))
        sidecars.append(Path(m))
    sidecar_set = {p.resolve() for p in sidecars}
    known = frozenset()
    if sidecars:
        from .metadata import known_speakers

        known = known_speakers(sidecars)
    options = dict(format=format, encoding=encoding, text_column=text_column, speaker_column=speaker_column,
                   sheet=sheet, include_preamble=include_preamble, single=not root.is_dir(), known=known)

    if map_files is None:
        for file_path, doc_id, problem in entries:
            _read_entry(builder, (file_path, doc_id, problem), warnings, sidecar_set, options)
    else:  # e.g. on a Dask cluster: one builder per file, merged in walk order
        for part, part_warnings in map_files(_read_entry_alone, entries, sidecar_set=sidecar_set, options=options):
            builder.merge(part)
            warnings.extend(part_warnings)
    walked = {p.resolve() for p, _, problem in entries if problem is None} if sidecars else set()
    for m in sidecars:
        if m.resolve() not in walked:  # named with metadata= outside the input folder
            _metadata_row(builder, m.name, m, warnings)

    utterances, files, exclusions = builder.frames()
    if sidecars:
        from .metadata import apply_metadata

        for m in sidecars:  # one at a time, so that a broken table does not stop the others
            try:
                utterances, problems = apply_metadata(utterances, [m], root=root if root.is_dir() else None)
            except CooccurError as exc:
                row = files["path"] == str(Path(m).absolute())
                files.loc[row, "status"] = "error"
                files.loc[row, "error"] = f"{exc}; the table was not used"
                warnings.append(f"{exc}; the metadata table was not used")
                continue
            warnings.extend(problems)
    if not (files["role"].eq("transcript") & files["status"].eq("ok")).any():
        warnings.append(f"{root}: no transcript could be read")
    return Corpus(utterances=utterances, files=files, exclusions=exclusions, warnings=warnings, root=root)


def parse_text(text: str, format: str, *, path=None, known_speakers=frozenset()) -> Parsed:
    """Parse decoded text as one of the text formats (minutes, colon, interview, text).

    ``known_speakers``: speaker keys from a speakers table (a colon-style
    label listed there starts a turn even when it occurs once).
    """
    if format == "minutes":
        from .formats.minutes import parse_minutes

        return parse_minutes(text, path=path)
    if format == "colon":
        from .formats.colon import parse_colon

        return parse_colon(text, path=path, known_speakers=known_speakers)
    if format == "interview":
        from .formats.interview import parse_interview

        return parse_interview(text, path=path)
    if format == "timestamped":
        from .formats.timestamped import parse_timestamped

        return parse_timestamped(text, path=path)
    if format == "text":
        c = TurnCollector(text)
        for i, line in enumerate(c.lines):
            if c.current is None and line.strip():
                c.start(None, i, line)
            elif c.current is not None:
                c.add(i, line)
        return c.finish()
    raise ValueError(choices_message("text format", format, TEXT_FORMATS))


def clean_text(text: str) -> str:
    r"""Strip every line's indentation and trailing space, drop blank lines, keep breaks as "\n".

    >>> clean_text("\u3000本日は、\n\n　審査します。 \n")
    '本日は、\n審査します。'
    """
    return _AROUND_NEWLINE.sub("\n", text).strip()


_AROUND_NEWLINE = re.compile(r"\s*\n\s*")


# --------------------------------------------------------------------------- helpers

def _read_one(builder, path: Path, doc_id: str, warnings: list[str], *, format, encoding, text_column,
              speaker_column, sheet, include_preamble, single, known=frozenset()) -> None:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        from .formats.excel import XLS_MESSAGE

        builder.file(doc_id, path, role="skipped", status="skipped", error=XLS_MESSAGE)
        warnings.append(f"{doc_id}: {XLS_MESSAGE}; skipped")
        return
    if suffix not in EXTENSIONS and suffix not in TEXT_EXTENSIONS and not (single and format != "auto"):
        builder.file(doc_id, path, role="skipped", status="skipped",
                     error=f"unsupported file type {suffix!r}; supported: .txt, no extension, "
                           + ", ".join(sorted(EXTENSIONS)))
        return
    try:
        data = path.read_bytes()
    except OSError as exc:  # permission denied, removed meanwhile, a file on a vanished share…
        msg = str(InputError(f"cannot read the file ({exc.strerror or exc})", path=str(path)))
        builder.file(doc_id, path, role="transcript", status="error", error=msg)
        warnings.append(msg)
        return
    info = dict(nbytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    fmt = enc = newline = None
    chars = None
    try:
        if not data:
            raise InputError("the file is empty (0 bytes); nothing to read", path=str(path))
        is_docx = suffix == ".docx" if format == "auto" else (format == "docx" or suffix == ".docx")
        is_pdf = suffix == ".pdf" or format == "pdf" or (format == "auto" and data[:5] == b"%PDF-")
        if is_pdf and suffix not in (".docx", ".xlsx"):
            from .extracted import read_pdf

            fmt, chars, parsed = read_pdf(data, format, suffix=suffix, path=path, known=known)
        elif suffix == ".xlsx" or format == "xlsx":
            from .formats.excel import read_sheet
            from .formats.table import parse_rows

            fmt = "xlsx"
            found = read_sheet(data, text_column=text_column, sheet=sheet, path=str(path))
            chars = found.chars
            parsed = parse_rows(found.rows, text_column=text_column, speaker_column=speaker_column,
                                path=str(path), joiner="\t")
            if len(found.sheets) > 1:
                others = ", ".join(repr(n) for n in found.sheets if n != found.name)
                parsed.warnings.append(f"sheet {found.name!r} read; other sheets not read: {others} "
                                       "(choose one with --sheet)")
        elif is_docx:
            from .formats.docx import docx_to_text

            text = docx_to_text(data, path=str(path)).replace("\r\n", "\n").replace("\r", "\n")
            chars = len(text)
            _check_not_blank(text, path)
            inner = detect_text_format(text) if format in ("auto", "docx") else format
            if inner not in TEXT_FORMATS:
                inner = "text"
            fmt = "docx" if inner == "text" else f"docx+{inner}"
            parsed = parse_text(text, inner, path=str(path), known_speakers=known)
        elif suffix in (".html", ".htm", ".xhtml") or format == "html":
            from .extracted import read_html

            fmt, chars, parsed, enc = read_html(data, format, encoding=encoding, path=path, known=known)
        else:
            text, enc, newline = decode(data, encoding=encoding, path=str(path))
            chars = len(text)
            _check_not_blank(text, path)
            from .formats.html import looks_like_html

            if format == "auto" and suffix in TEXT_EXTENSIONS and looks_like_html(text):
                from .extracted import read_html

                fmt, chars, parsed, enc = read_html(data, format, encoding=encoding, path=path, known=known,
                                                    renamed=suffix)
            else:
                fmt = format if format != "auto" else detect_format(path, text, data)
                if fmt == "docx":  # forced docx on a text file: detect its layout
                    fmt = detect_text_format(text)
                parsed = _parse(text, fmt, path=str(path), text_column=text_column, speaker_column=speaker_column,
                                known=known)
    except CooccurError as exc:
        builder.file(doc_id, path, role="transcript", status="error", fmt=fmt, encoding=enc, newline=newline,
                     chars=chars, error=str(exc), **info)
        warnings.append(str(exc))
        return
    warnings.extend(f"{doc_id}: {w}" for w in parsed.warnings)
    if format == "auto" and fmt in ("text", "docx", "pdf", "html"):
        warnings.append(f"{doc_id}: no speaker turns found (○名前, 名前：, interview name lines); read as one "
                        "remark without a speaker — pass --format if the file has turns in another layout")
    offsets = not fmt.startswith(("docx", "pdf", "html")) and fmt not in ("csv", "tsv", "xlsx")
    stats = builder.parsed(doc_id, parsed, fmt, include_preamble=include_preamble, offsets=offsets)
    builder.file(doc_id, path, role="transcript", status="ok", fmt=fmt, encoding=enc, newline=newline,
                 chars=chars, **stats, **info)
    if not stats["utterances_analysed"]:
        warnings.append(f"{doc_id}: {_nothing_to_analyse(stats['excluded_reasons'])}")


def _check_not_blank(text: str, path: Path) -> None:
    if not text.strip():
        raise InputError("the file has no text, only blank space" + (f" ({len(text)} characters)" if text else "")
                         + "; nothing to read", path=str(path))


_WHY = {
    "preamble": "text before the first speaker, e.g. an attendance list; pass --include-preamble "
                "(include_preamble=True) to analyse it, or check the format (--format)",
    "empty": "turns with a speaker but no remark",
}


def _nothing_to_analyse(reasons: str | None) -> str:
    """The warning for a file read without error that gives no utterance to analyse."""
    if not reasons:
        return "no speaker turn or text found; nothing to analyse"
    parts = [r.split("=")[0] for r in reasons.split("; ")]
    why = "; ".join(f"{r}: {_WHY[r]}" for r in parts if r in _WHY)
    return f"nothing to analyse, every utterance is excluded ({reasons})" + (f" — {why}" if why else "")


def _read_entry(builder, entry, warnings: list[str], sidecar_set, options) -> None:
    """One entry of the walk: a problem found by the walk, a sidecar table or a transcript."""
    file_path, doc_id, problem = entry
    if problem is not None:  # a broken link or a special file found by the walk
        builder.file(doc_id, file_path, role="skipped", status="error", error=problem)
    elif sidecar_set and file_path.resolve() in sidecar_set:
        _metadata_row(builder, doc_id, file_path, warnings)
    else:
        _read_one(builder, file_path, doc_id, warnings, **options)


def _read_entry_alone(entry, *, sidecar_set, options):
    """:func:`_read_entry` into a fresh builder (for ``map_files``); returns (builder, warnings)."""
    builder, warnings = _Builder(), []
    _read_entry(builder, entry, warnings, sidecar_set, options)
    return builder, warnings


def _metadata_row(builder, doc_id: str, path: Path, warnings: list[str]) -> None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        msg = str(InputError(f"cannot read the metadata table ({exc.strerror or exc})", path=str(path)))
        builder.file(doc_id, path, role="metadata", status="error", error=msg)
        warnings.append(msg)
        return
    builder.file(doc_id, path, role="metadata", status="ok", nbytes=len(data),
                 sha256=hashlib.sha256(data).hexdigest())


def _parse(text: str, fmt: str, *, path, text_column, speaker_column, known=frozenset()) -> Parsed:
    if fmt in TEXT_FORMATS:
        return parse_text(text, fmt, path=path, known_speakers=known)
    if fmt in ("csv", "tsv"):
        from .formats.table import parse_table

        return parse_table(text, delimiter="," if fmt == "csv" else "\t", text_column=text_column,
                           speaker_column=speaker_column, path=path)
    from .formats import subtitles

    return subtitles.parse_vtt(text, path=path) if fmt == "vtt" else subtitles.parse_srt(text, path=path)


class _Builder:
    """Collects rows as lists (fast) and turns them into typed DataFrames."""

    def __init__(self):
        self.u = {c: [] for c in UTTERANCE_COLUMNS}
        self.meta: dict[str, list] = {}
        self.n_utt = 0
        self.f = {c: [] for c in FILE_COLUMNS}
        self.x = {c: [] for c in EXCLUSION_COLUMNS}

    def file(self, doc_id, path, *, role, status, fmt=None, encoding=None, newline=None, nbytes=None,
             chars=None, sha256=None, error=None, **stats):
        values = dict(doc_id=doc_id, path=str(Path(path).absolute()) if path is not None else None, role=role,
                      status=status, format=fmt, encoding=encoding, newline=newline, bytes=nbytes, chars=chars,
                      sha256=sha256, error=error, **stats)
        for c in FILE_COLUMNS:
            self.f[c].append(values.get(c))

    def parsed(self, doc_id: str, parsed: Parsed, fmt: str, *, include_preamble: bool, offsets: bool) -> dict:
        """Add one file's turns and exclusions; return its accounting (the files-table columns)."""
        turns = parsed.turns
        n = len(turns)
        texts = [clean_text(t.text) for t in turns]
        exclusions = []
        for t, text in zip(turns, texts):
            e = t.exclusion
            if e == "preamble" and include_preamble:
                e = None
            exclusions.append("empty" if e is None and not text else e)
        u = self.u
        u["doc_id"].extend([doc_id] * n)
        u["utterance_id"].extend(range(n))
        speakers = [(t.speaker.strip() or None) if t.speaker is not None else None for t in turns]
        u["speaker"].extend(speakers)
        parts = {s: (speaker_key(s), *split_label(s)) for s in set(speakers) if s is not None}
        none = (None, None, None)
        u["speaker_key"].extend([parts.get(s, none)[0] if s is not None else None for s in speakers])
        u["speaker_role"].extend([parts[s][1] if s is not None else None for s in speakers])
        u["speaker_name"].extend([parts[s][2] if s is not None else None for s in speakers])
        u["text"].extend(texts)
        u["exclusion"].extend(exclusions)
        u["line"].extend([t.line for t in turns])
        u["char_start"].extend([t.char_start for t in turns] if offsets else [None] * n)
        u["char_end"].extend([t.char_end for t in turns] if offsets else [None] * n)
        u["format"].extend([fmt] * n)
        total = self.n_utt + n
        for col in self.meta.values():
            col.extend([None] * n)
        for i, t in enumerate(turns):
            for k, v in t.meta.items():
                col = self.meta.get(k)
                if col is None:
                    col = self.meta[k] = [None] * total
                col[self.n_utt + i] = None if v is None else str(v)
        self.n_utt = total
        x = self.x
        for e in parsed.exclusions:
            x["doc_id"].append(doc_id)
            x["utterance_id"].append(e.turn)
            x["line"].append(e.line)
            x["reason"].append(e.reason)
            x["text"].append(e.text)
            x["chars"].append(len(e.text))
        reasons: dict[str, int] = {}
        chars_analysed = chars_excluded = 0
        for text, e in zip(texts, exclusions):
            if e is None:
                chars_analysed += len(text)
            else:
                reasons[e] = reasons.get(e, 0) + 1
                chars_excluded += len(text)
        chars_excluded += sum(len(e.text) for e in parsed.exclusions)
        labels = sum(len(t.speaker.strip()) for t in turns if t.speaker is not None)
        return dict(utterances=n, utterances_analysed=n - sum(reasons.values()),
                    utterances_excluded=sum(reasons.values()),
                    excluded_reasons="; ".join(f"{k}={v}" for k, v in sorted(reasons.items())) or None,
                    chars_analysed=chars_analysed, chars_excluded=chars_excluded,
                    chars_markup=labels - parsed.implied_label_chars + parsed.syntax_chars)

    def merge(self, other: "_Builder") -> None:
        """Append another builder's rows (metadata columns keep first-appearance order)."""
        for c in self.u:
            self.u[c].extend(other.u[c])
        for c in self.f:
            self.f[c].extend(other.f[c])
        for c in self.x:
            self.x[c].extend(other.x[c])
        for k, col in self.meta.items():
            col.extend(other.meta.get(k, [None] * other.n_utt))
        for k, col in other.meta.items():
            if k not in self.meta:
                self.meta[k] = [None] * self.n_utt + list(col)
        self.n_utt += other.n_utt

    def frames(self):
        import pandas as pd

        def frame(cols: dict, ints: dict) -> pd.DataFrame:
            df = pd.DataFrame({c: pd.Series(v, dtype=ints.get(c, "string")) for c, v in cols.items()})
            return df

        meta = {k: v for k, v in self.meta.items() if k not in self.u}
        utterances = frame({**self.u, **meta}, _INT_COLUMNS)
        files = frame(self.f, _INT_COLUMNS)
        exclusions = frame(self.x, {**_INT_COLUMNS, "utterance_id": "Int64"})
        return utterances, files, exclusions
