"""Spreadsheet transcripts: CSV and TSV with one remark per row.

The first row is the header. One column holds the remarks (detected from common
headers such as ``発言内容`` or ``text``, or named with ``text_column=``), one
optional column holds the speaker (``発言者``, ``speaker``, … or
``speaker_column=``); every other column becomes per-turn metadata under its
header as written.

CSV/TSV text is split into rows by :func:`read_rows`; Excel workbooks are turned
into the same :class:`Rows` by :mod:`cooccur.read.formats.excel`. Both then go
through :func:`parse_rows`, so column detection, metadata, stage directions and
empty rows are handled alike.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass

from ...errors import FormatError, choices_message
from ._base import Exclusion, Parsed, Turn, strip_stage_directions

__all__ = ["parse_table", "parse_rows", "find_text_column", "TEXT_HEADERS", "SPEAKER_HEADERS",
           "read_rows", "name_columns", "Rows"]

#: Headers recognised as the remark column, in order of preference (compared after
#: NFKC, case folding and removal of spaces, ``_`` and ``-``).
TEXT_HEADERS: tuple[str, ...] = (
    "発言内容", "発言", "発話内容", "発話", "内容", "本文", "テキスト", "文章", "コメント",
    "text", "utterance", "remark", "remarks", "content", "body", "transcript", "message",
)
#: Headers recognised as the speaker column, in order of preference.
SPEAKER_HEADERS: tuple[str, ...] = (
    "発言者", "発言者名", "話者", "話者名", "発話者", "氏名", "名前", "委員名",
    "speaker", "speakername", "name",
)


#: Largest field accepted (characters); a whole transcript in one cell fits.
_FIELD_LIMIT = 2**31 - 1


@dataclass
class Rows:
    """A table as read: header, data rows and the line each row starts on.

    A data row is either empty (``[]``, a blank row) or has one string per
    header column. ``header_line`` is the header's line (spreadsheet row).
    """

    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    header_line: int = 1


def read_rows(text: str, *, delimiter: str = ",", path=None, error=FormatError) -> Rows:
    """Split delimited text into a header and rows, keeping 1-based line numbers.

    Blank lines are returned as empty rows (``[]``) so callers can report them.
    Quoted fields may span lines; a row's line is the line it starts on. Rows
    with more fields than the header are accepted when the extra fields are all
    empty (a common spreadsheet export artefact) and trimmed; any other ragged
    row raises ``error`` (a :class:`~cooccur.errors.CooccurError` subclass).

    >>> r = read_rows('発言者,発言内容\\n山田,"はい。\\nそうです。"\\n\\n佐藤,いいえ\\n')
    >>> r.header, r.rows, r.lines
    (['発言者', '発言内容'], [['山田', 'はい。\\nそうです。'], [], ['佐藤', 'いいえ']], [2, 4, 5])
    """
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\r\n\"":
        raise ValueError(f"delimiter must be one character such as ',' or '\\t', not {delimiter!r}")
    if text.startswith("\ufeff"):
        text = text[1:]
    if csv.field_size_limit() < _FIELD_LIMIT:  # the default (128 KiB) rejects one long remark as "malformed"
        csv.field_size_limit(_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise error(f"malformed quoting in the row starting at line {start} ({exc}); "
                        "a field that contains the delimiter, a quote or a line break must be "
                        "enclosed in double quotes, with inner quotes doubled (\"\")",
                        path=path, line=start) from None
        if header is None:
            if not row or not any(c.strip() for c in row):
                raise error("the first line must be the header row (column names)", path=path, line=start)
            header = [h.strip() for h in row]
        else:
            if row and not any(c.strip() for c in row):
                row = []
            if row and len(row) != len(header):
                if len(row) > len(header) and not any(c.strip() for c in row[len(header):]):
                    row = row[:len(header)]
                else:
                    raise error(f"row has {len(row)} fields but the header has {len(header)}; "
                                "check for an unquoted delimiter or a missing field",
                                path=path, line=start)
            rows.append(row)
            lines.append(start)
        start = reader.line_num + 1
    if header is None:
        raise error("the table is empty (no header row)", path=path, line=1)
    return Rows(name_columns(header, path=path, line=1, error=error), rows, lines)


def name_columns(header: list[str], *, path=None, line: int = 1, error=FormatError) -> list[str]:
    """Name blank header cells ``column_N`` (1-based); raise ``error`` for a repeated name.

    >>> name_columns(["発言者", "", "発言内容"])
    ['発言者', 'column_2', '発言内容']
    """
    header = [name if name else f"column_{i + 1}" for i, name in enumerate(header)]
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in seen:
            raise error(f"column name {name!r} appears twice (columns {seen[name] + 1} and {i + 1}); "
                        "rename one of them", path=path, line=line)
        seen[name] = i
    return header


def parse_table(
    text: str,
    *,
    delimiter: str = ",",
    text_column: str | None = None,
    speaker_column: str | None = None,
    path=None,
) -> Parsed:
    """Parse a CSV/TSV transcript with one remark per row.

    Parameters
    ----------
    text : str
        The decoded file.
    delimiter : str, default ","
        Field separator (``"\\t"`` for TSV).
    text_column, speaker_column : str, optional
        Header of the remark / speaker column. By default detected from
        :data:`TEXT_HEADERS` / :data:`SPEAKER_HEADERS` (ignoring case, full/half
        width and spaces). Without a speaker column every turn has speaker ``None``.
    path : str, optional
        File name for error messages.

    Returns
    -------
    Parsed
        One :class:`Turn` per non-empty row; ``line`` is the row's first line in
        the file (the header is line 1), ``meta`` maps every other column's header
        to the cell (``None`` when blank). Rows whose remark is blank are not
        turns: they are reported as exclusions with reason ``"empty"`` (the row's
        cells joined by the delimiter). Stage directions such as ``（拍手）`` are
        removed from remarks and reported with reason ``"stage_direction"``; a
        remark that is nothing else becomes a turn with exclusion ``"empty"``.

    Raises
    ------
    FormatError
        No remark column found, a named column missing, malformed quoting or a
        row with the wrong number of fields.

    Examples
    --------
    >>> p = parse_table("発言者,発言内容,所属\\n山田,予算について伺います。（拍手）,A市\\n,,\\n")
    >>> [(t.speaker, t.text, t.line, t.meta) for t in p.turns]
    [('山田', '予算について伺います。', 2, {'所属': 'A市'})]
    >>> [(e.turn, e.line, e.reason, e.text) for e in p.exclusions]
    [(0, 2, 'stage_direction', '（拍手）'), (None, 3, 'empty', '')]
    """
    table = read_rows(text, delimiter=delimiter, path=path)
    return parse_rows(table, text_column=text_column, speaker_column=speaker_column, path=path, joiner=delimiter)


def parse_rows(
    table: Rows,
    *,
    text_column: str | None = None,
    speaker_column: str | None = None,
    path=None,
    joiner: str = ",",
) -> Parsed:
    """Turn a table's rows into turns: the part of :func:`parse_table` shared with Excel.

    Parameters
    ----------
    table : Rows
        Header and rows, from :func:`read_rows` or an Excel sheet.
    text_column, speaker_column : str, optional
        As in :func:`parse_table`.
    path : str, optional
        File name for error messages.
    joiner : str, default ","
        Put between the non-blank cells of a row without a remark when it is
        reported as an ``"empty"`` exclusion (the delimiter; a tab for Excel).

    Returns
    -------
    Parsed

    Examples
    --------
    >>> t = Rows(["発言者", "発言内容"], [["山田", "はい。"], [], ["佐藤", " "]], [2, 3, 4])
    >>> p = parse_rows(t, joiner="\t")
    >>> [(t.speaker, t.text, t.line) for t in p.turns], [(e.line, e.text) for e in p.exclusions]
    ([('山田', 'はい。', 2)], [(3, ''), (4, '佐藤')])
    """
    header = table.header
    hl = table.header_line
    ti = _find_column(header, text_column, TEXT_HEADERS, "text", path, hl)
    si = _find_column(header, speaker_column, SPEAKER_HEADERS, "speaker", path, hl) \
        if speaker_column is not None else _detect(header, SPEAKER_HEADERS, exclude=ti)
    if si == ti:
        raise ValueError(f"column {header[ti]!r} cannot be both the text and the speaker column; "
                         "set text_column= and speaker_column= to different columns")
    meta_cols = [i for i in range(len(header)) if i not in (ti, si)]

    out = Parsed()
    for row, line in zip(table.rows, table.lines):
        raw = row[ti] if row else ""
        body = _normalise_newlines(raw).strip()
        if not body:
            out.exclusions.append(Exclusion(None, line, "empty",
                                            joiner.join(c.strip() for c in row if c.strip())))
            continue
        clean, removed = strip_stage_directions(body)
        clean = "\n".join(ln.strip() for ln in clean.strip().split("\n"))
        speaker = row[si].strip() if si is not None else ""
        meta = {header[i]: (row[i].strip() or None) for i in meta_cols}
        turn = Turn(speaker or None, clean, line, meta=meta, exclusion=None if clean else "empty")
        out.turns.append(turn)
        idx = len(out.turns) - 1
        out.exclusions.extend(Exclusion(idx, line, "stage_direction", r) for r in removed)
    return out


# --------------------------------------------------------------------------- helpers

def _key(name: str) -> str:
    s = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in s if not ch.isspace() and ch not in "_-")


def _detect(header: list[str], candidates: tuple[str, ...], *, exclude: int | None = None) -> int | None:
    keys = [_key(h) for h in header]
    for cand in candidates:
        ck = _key(cand)
        for i, k in enumerate(keys):
            if k == ck and i != exclude:
                return i
    return None


def find_text_column(header: list[str], text_column: str | None = None) -> int | None:
    """Index of the remark column in ``header`` (named, or detected), or None; never raises.

    >>> find_text_column(["回", "発言者", "発言内容"]), find_text_column(["回", "日付"])
    (2, None)
    >>> find_text_column(["番号", "ＢＯＤＹ"], "body")
    1
    """
    if text_column is None:
        return _detect(header, TEXT_HEADERS)
    if text_column in header:
        return header.index(text_column)
    keys = [_key(h) for h in header]
    return keys.index(_key(text_column)) if _key(text_column) in keys else None


def _find_column(header, requested, candidates, what, path, line=1) -> int:
    option = f"--{what}-column / {what}_column="
    if requested is None:
        found = _detect(header, candidates)
        if found is None:
            raise FormatError(
                f"no {what} column found; the columns are {', '.join(repr(h) for h in header)}. "
                f"Name the column with {option} (recognised headers: {', '.join(candidates[:8])}, …)",
                path=path, line=line)
        return found
    if requested in header:
        return header.index(requested)
    keys = [_key(h) for h in header]
    if _key(requested) in keys:
        return keys.index(_key(requested))
    raise FormatError(choices_message(f"{what} column ({option})", requested, header), path=path, line=line)


def _normalise_newlines(s: str) -> str:
    return s.replace("\r\n", "\n").replace("\r", "\n")
