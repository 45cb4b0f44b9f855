"""Guess a file's format from its extension and, for plain text, its content.

===============  ===========================================================
extension        format
===============  ===========================================================
``.csv``         ``"csv"``
``.tsv/.tab``    ``"tsv"``
``.vtt``         ``"vtt"`` (also any text file starting with ``WEBVTT``)
``.srt``         ``"srt"``
``.docx``        ``"docx"`` (the read stage then detects the layout of its text)
``.xlsx``        ``"xlsx"`` (Excel workbook: the sheet with a remark column)
``.pdf``         ``"pdf"`` (the text layer; then the layout of its text is detected)
``.html/.htm``   ``"html"`` (the article of a saved web page; then its layout);
                 a ``.txt`` holding HTML is read as HTML too, with a warning
``.txt``, none   by content, in this order: ``"minutes"`` if at least two lines
                 start with ``○``/``◯``; ``"colon"`` if at least three
                 ``label：`` lines with two labels, one recurring;
                 ``"interview"`` if an ``（以下「…」）`` introduction or two
                 interviewer lines (``――質問``) are present; ``"timestamped"``
                 if three or more lines are only a name and a time (Teams
                 transcripts: ``山田 太郎   0:03``); else ``"text"``
                 (the whole file is one turn without a speaker, analysed).
===============  ===========================================================
"""

from __future__ import annotations

from pathlib import Path

from ..speakers import is_speaker_label
from .colon import looks_like_colon
from .interview import looks_like_interview
from .timestamped import looks_like_timestamped
from .minutes import MARK_RE

__all__ = ["detect_format", "detect_text_format", "EXTENSIONS", "TEXT_EXTENSIONS"]

#: Extensions with a fixed format.
EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".vtt": "vtt", ".srt": "srt", ".docx": "docx",
              ".xlsx": "xlsx", ".pdf": "pdf", ".html": "html", ".htm": "html", ".xhtml": "html"}
#: Extensions whose format is detected from the content.
TEXT_EXTENSIONS = {".txt", ".text", ""}
_SAMPLE_LINES = 5000


def detect_format(path, text_or_none: str | None, data: bytes | None = None) -> str:
    """Return the format of one file.

    Parameters
    ----------
    path : str or Path
        The file name; its extension decides for spreadsheets, subtitles and .docx.
    text_or_none : str or None
        The decoded text (newlines normalised), or None when not decoded (docx).
    data : bytes, optional
        The raw bytes (used for a ``WEBVTT`` header when no text is given).

    Returns
    -------
    str
        One of ``"csv"``, ``"tsv"``, ``"vtt"``, ``"srt"``, ``"docx"``, ``"xlsx"``,
        ``"minutes"``, ``"colon"``, ``"interview"``, ``"text"``.

    Raises
    ------
    ValueError
        For an extension cooccur does not read.

    Examples
    --------
    >>> detect_format("a.txt", "○議長　開会します。\\n○田中委員　質問します。")
    'minutes'
    >>> detect_format("会議.CSV", None)
    'csv'
    """
    suffix = Path(str(path)).suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if suffix not in TEXT_EXTENSIONS:
        raise ValueError(
            f"cannot read {suffix!r} files; supported: .txt, no extension, "
            + ", ".join(sorted(EXTENSIONS)) + " (or pass format=... to force one)"
        )
    if text_or_none is None:
        head = (data or b"")[:16].lstrip(b"\xef\xbb\xbf")
        return "vtt" if head.startswith(b"WEBVTT") else "text"
    return detect_text_format(text_or_none)


def _one_turn_minutes(line: str) -> bool:
    """A lone ``○`` line that is a speaker turn: ``○label　remark`` with a role-shaped label (○市長　…).

    One mark alone is weak evidence (○ also starts bullet points), so the
    label must end like a speaker's (委員, 市長, 君, …, or 役職（氏名）) and a
    remark must follow it after a space.
    """
    rest = line[MARK_RE.match(line).end():]
    label, sep, remark = rest.replace("\u3000", " ").partition(" ")
    return bool(sep and remark.strip() and 0 < len(label) <= 40 and is_speaker_label(label, bracketed=True))


def detect_text_format(text: str) -> str:
    """Detect the layout of plain text: minutes, colon, interview, vtt or text.

    >>> detect_text_format("A：はい\\nB：いいえ\\nA：なぜですか")
    'colon'
    >>> detect_text_format("ただの文章です。")
    'text'
    >>> detect_text_format("○市長（山田太郎君）　本日の施政方針を申し上げます。"), detect_text_format("○ 会議の目的")
    ('minutes', 'text')
    """
    stripped = text.lstrip("\ufeff \u3000\n")
    if stripped.startswith("WEBVTT"):
        return "vtt"
    lines = text.split("\n", _SAMPLE_LINES)[:_SAMPLE_LINES]
    marked = []
    for line in lines:
        if MARK_RE.match(line):
            marked.append(line)
            if len(marked) >= 2:
                return "minutes"
    if marked and _one_turn_minutes(marked[0]):
        return "minutes"
    if looks_like_colon(lines):
        return "colon"
    if looks_like_interview("\n".join(lines)):
        return "interview"
    if looks_like_timestamped(lines):
        return "timestamped"
    return "text"
