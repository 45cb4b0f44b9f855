"""Excel workbooks (.xlsx) with one remark per row.

A sheet is read like a CSV file (:mod:`cooccur.read.formats.table`): the first
non-empty row is the header, one column holds the remarks, one optional column
the speaker, every other column becomes per-turn metadata. By default the first
sheet whose header has a recognisable remark column is read (with
``text_column=``: the first sheet that has that column), or the sheet chosen
with ``sheet=`` (name or number); the others are not.

Cells become strings deterministically: text as written; whole numbers without
``.0`` (``3``), other numbers in Python's shortest round-trip form (``2.5``);
dates as ISO ``yyyy-mm-dd`` (with `` HH:MM:SS`` when the cell holds a time of
day too); times ``HH:MM:SS``; booleans ``TRUE``/``FALSE``; empty cells ``""``.
Formulas give their value as last saved by Excel (a workbook written by a
program that never computed them gives empty cells). A merged cell's value is in
its top-left cell only, as openpyxl reads it. ``line`` is the Excel row number.

Old binary workbooks (.xls) are not read; save them as .xlsx or as CSV UTF-8.
"""

from __future__ import annotations

import datetime as _dt
import io
from dataclasses import dataclass, field

from ...errors import FormatError, InputError
from ._base import Parsed
from .table import TEXT_HEADERS, Rows, find_text_column, name_columns, parse_rows

__all__ = ["Sheet", "read_sheet", "parse_xlsx", "cell_text", "XLS_MESSAGE"]

#: Why an old binary .xls workbook is not read, and what to do instead.
XLS_MESSAGE = ("old Excel workbook (.xls) is not read; open it in Excel and save it as "
               "Excel Workbook (.xlsx) or as CSV UTF-8 (comma delimited)")
_FIX = "save it again from Excel as .xlsx, or as CSV UTF-8"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: .xls or a password-protected workbook


@dataclass
class Sheet:
    """The sheet read from a workbook.

    Attributes
    ----------
    name : str
        The sheet's name.
    rows : Rows
        Header and data rows as strings; ``lines`` are Excel row numbers.
    chars : int
        Characters of the sheet written out as tab-separated text (cells joined
        by tabs, rows ended by newlines, from the header row to the last
        non-empty row): the ``chars`` of the files table.
    sheets : list of str
        Every worksheet's name, in workbook order.
    """

    name: str
    rows: Rows
    chars: int
    sheets: list[str] = field(default_factory=list)


def read_sheet(data: bytes, *, text_column: str | None = None, sheet: str | int | None = None,
               path=None) -> Sheet:
    """Read the sheet holding the remarks from an .xlsx file's bytes.

    Parameters
    ----------
    data : bytes
        The file's bytes.
    text_column : str, optional
        Header of the remark column; by default one of
        :data:`~cooccur.read.formats.table.TEXT_HEADERS`.
    sheet : str or int, optional
        The sheet to read: its name (as shown on its tab, compared after
        trimming spaces), or its number counted from 1 in workbook order (an
        ``int`` or a string of digits, unless a sheet has that name). Default:
        the first sheet whose header has the remark column.
    path : str, optional
        File name for error messages.

    Returns
    -------
    Sheet

    Raises
    ------
    InputError
        The bytes are not a readable .xlsx workbook (damaged, password
        protected, an .xls renamed).
    FormatError
        No sheet has a remark column (the message lists every sheet's columns),
        ``sheet`` names no sheet or one without the remark column, or a header
        names one column twice.

    Examples
    --------
    >>> import io, openpyxl
    >>> wb = openpyxl.Workbook()
    >>> wb.active.title = "メモ"
    >>> wb.active.append(["日付", "備考"])
    >>> ws = wb.create_sheet("発言録")
    >>> for row in (["発言者", "発言内容", "回"], ["山田", "開会します。", 3]):
    ...     ws.append(row)
    >>> buf = io.BytesIO(); wb.save(buf)
    >>> s = read_sheet(buf.getvalue())
    >>> s.name, s.rows.header, s.rows.rows, s.rows.lines, s.sheets
    ('発言録', ['発言者', '発言内容', '回'], [['山田', '開会します。', '3']], [2], ['メモ', '発言録'])
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ValueError(f"data must be the file's bytes, not {type(data).__name__}")
    data = bytes(data)
    if data.startswith(_OLE_MAGIC):
        raise InputError("not an .xlsx workbook: it is password protected or an old .xls workbook; "
                         f"remove the password or {_FIX}", path=path)
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise InputError("reading .xlsx needs openpyxl (pip install openpyxl)", path=path) from exc
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, KeyError, InvalidFileException, XML errors
        raise InputError(f"not a readable .xlsx workbook ({_reason(exc)}); {_FIX}", path=path) from None
    try:
        names = [ws.title for ws in wb.worksheets]
        seen: list[str] = []
        candidates = wb.worksheets if sheet is None else [wb.worksheets[_sheet_index(sheet, names, path)]]
        for ws in candidates:
            found = _sheet_rows(ws, text_column=text_column, path=path)
            if isinstance(found, Sheet):
                found.sheets = names
                return found
            seen.append(found)
    except (InputError, FormatError):
        raise
    except Exception as exc:  # a damaged sheet part found while reading rows
        raise InputError(f"not a readable .xlsx workbook ({_reason(exc)}); {_FIX}", path=path) from None
    finally:
        wb.close()
    what = f"the column {text_column!r}" if text_column is not None else "a remark column"
    listing = "; ".join(seen) if seen else "the workbook has no worksheet"
    if sheet is not None:
        column = f"column {text_column!r}" if text_column is not None else "remark column"
        raise FormatError(f"the sheet chosen with --sheet {sheet!r} has no {column} ({listing}); choose another "
                          f"sheet (the sheets are: {', '.join(map(repr, names))}) or name the column with "
                          "--text-column / text_column=", path=path)
    hint = ("check the name given to --text-column / text_column=" if text_column is not None else
            "name the column with --text-column / text_column= (recognised headers: "
            + ", ".join(TEXT_HEADERS[:8]) + ", …)")
    raise FormatError(f"no sheet has {what}: {listing}. {hint}", path=path)


def _sheet_index(sheet: str | int, names: list[str], path) -> int:
    """Index of the sheet named or numbered (from 1) by ``sheet``; FormatError naming the sheets if none."""
    if isinstance(sheet, str):
        wanted = sheet.strip()
        for i, n in enumerate(names):
            if n.strip() == wanted:
                return i
        number = int(wanted) if wanted.isdigit() else None
    else:
        number = sheet
    if number is not None and 1 <= number <= len(names):
        return number - 1
    listing = ", ".join(f"{i} {n!r}" for i, n in enumerate(names, start=1)) or "none"
    raise FormatError(f"the workbook has no sheet {sheet!r}; its sheets are: {listing}. "
                      "Give --sheet / sheet= one of these names or numbers", path=path)


def parse_xlsx(data: bytes, *, text_column: str | None = None, speaker_column: str | None = None,
               sheet: str | int | None = None, path=None) -> Parsed:
    """Parse an .xlsx transcript: :func:`read_sheet`, then the CSV row handling.

    Returns the same :class:`~cooccur.read.formats._base.Parsed` as
    :func:`~cooccur.read.formats.table.parse_table` for the same cells, with
    ``line`` the Excel row number and the cells of a row without a remark
    joined by tabs in its ``"empty"`` exclusion.

    >>> import io, openpyxl
    >>> wb = openpyxl.Workbook()
    >>> for row in (["話者", "本文"], ["佐藤", "（拍手）賛成です。"], [None, None], ["鈴木", "反対です。"]):
    ...     wb.active.append(row)
    >>> buf = io.BytesIO(); wb.save(buf)
    >>> p = parse_xlsx(buf.getvalue())
    >>> [(t.speaker, t.text, t.line) for t in p.turns]
    [('佐藤', '賛成です。', 2), ('鈴木', '反対です。', 4)]
    >>> [(e.line, e.reason, e.text) for e in p.exclusions]
    [(2, 'stage_direction', '（拍手）'), (3, 'empty', '')]
    """
    found = read_sheet(data, text_column=text_column, sheet=sheet, path=path)
    return parse_rows(found.rows, text_column=text_column, speaker_column=speaker_column, path=path, joiner="\t")


def cell_text(value) -> str:
    """A cell's value as the string cooccur uses (see the module docstring).

    >>> import datetime
    >>> [cell_text(v) for v in (None, "発言", 3, 3.0, 2.5, True, datetime.datetime(2024, 5, 1))]
    ['', '発言', '3', '3', '2.5', 'TRUE', '2024-05-01']
    >>> cell_text(datetime.datetime(2024, 5, 1, 13, 30)), cell_text(datetime.time(9, 5))
    ('2024-05-01 13:30:00', '09:05:00')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0):
            return value.date().isoformat()
        return value.replace(microsecond=0, tzinfo=None).isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):  # a duration cell ([h]:mm:ss)
        seconds = int(round(value.total_seconds()))
        sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
        return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return str(value)


# --------------------------------------------------------------------------- helpers

def _reason(exc: BaseException) -> str:
    msg = str(exc).strip() or type(exc).__name__
    return msg if len(msg) <= 120 else msg[:117] + "..."


def _sheet_rows(ws, *, text_column, path) -> Sheet | str:
    """The sheet as :class:`Sheet` if its header has the remark column, else a description of it."""
    ws.reset_dimensions()  # do not trust the stored dimension: read every row there is
    header: list[str] | None = None
    header_line = 0
    rows: list[list[str]] = []
    lines: list[int] = []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = [cell_text(v) for v in values]
        while cells and not cells[-1].strip():
            cells.pop()
        if header is None:
            if not cells:
                continue  # blank rows above the header
            header, header_line = [c.strip() for c in cells], number
            if find_text_column(header, text_column) is None:
                return f"sheet {ws.title!r} has columns " + ", ".join(repr(h) for h in header)
            continue
        rows.append(cells)
        lines.append(number)
    if header is None:
        return f"sheet {ws.title!r} is empty"
    while rows and not rows[-1]:  # blank (e.g. formatted but empty) rows after the last one
        rows.pop()
        lines.pop()
    width = max([len(header)] + [len(r) for r in rows])
    header += [""] * (width - len(header))
    rows = [r + [""] * (width - len(r)) if r else [] for r in rows]
    chars = len("\t".join(header)) + 1 + sum(len("\t".join(r)) + 1 if r else 1 for r in rows)
    header = name_columns(header, path=path, line=header_line)
    return Sheet(ws.title, Rows(header, rows, lines, header_line=header_line), chars)
