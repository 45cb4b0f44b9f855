"""Containers whose text is extracted before parsing: PDF (the text layer) and web pages (the article).

Both give plain text that the text parsers (○ minutes, colon style,
interview, …) split into turns; what was set aside while extracting (page
furniture; boilerplate, headings, captions) becomes rows of ``exclusions``,
attached to the turn whose span holds it. ``chars`` (the file's accounted
characters) is the extracted text plus what was set aside.
"""

from __future__ import annotations

import bisect
from pathlib import Path

from ..errors import InputError
from .formats._base import Exclusion, Parsed

__all__ = ["read_pdf", "read_html"]


def read_pdf(data: bytes, format: str, *, suffix: str, path: Path, known=frozenset()) -> tuple[str, int, Parsed]:
    """Read a PDF's text layer and parse it; return (format, characters accounted, parsed).

    ``format`` is the requested one (``"auto"``/``"pdf"``: detect the layout
    of the text; another text format: use it). A PDF under another name
    (``.txt``) is read with a warning; if it cannot be read, the error says
    that it is a PDF.
    """
    from . import parse_text
    from .formats.pdf import pdf_to_text

    try:
        found = pdf_to_text(data, path=str(path))
    except InputError as exc:
        if suffix == ".pdf" or format == "pdf":
            raise
        raise InputError(f"this is a PDF document (named {suffix or 'without extension'}), "
                         f"{str(exc).split(': ', 1)[-1]}", path=str(path)) from None
    text = found.text
    inner = _inner(text, format, "pdf", path)
    parsed = parse_text(text, inner, path=str(path), known_speakers=known)
    if suffix != ".pdf" and format != "pdf":
        parsed.warnings.append(f"the file is a PDF document saved as {suffix or 'a file without extension'}; "
                               "read as PDF — rename it .pdf to silence this warning")
    add_set_aside(parsed, text, found.furniture, pages=found.page_starts)
    chars = len(text) + sum(len(f[2]) for f in found.furniture)
    return ("pdf" if inner == "text" else f"pdf+{inner}"), chars, parsed


def read_html(data: bytes, format: str, *, encoding: str, path: Path, known=frozenset(),
              renamed: str | None = None) -> tuple[str, int, Parsed, str]:
    """Read a web page's article and parse it; return (format, characters accounted, parsed, encoding).

    ``renamed``: the suffix of a text file found to hold HTML (a warning says so).
    """
    from . import parse_text
    from .formats.html import decode_html, html_to_text

    source, enc = decode_html(data, encoding=encoding, path=str(path))  # its <meta charset> wins
    found = html_to_text(source, path=str(path))
    text = found.text
    if not text.strip():
        raise InputError("the web page has no article text (only navigation, headings or captions were found); "
                         "save the page with its text, or copy the text into a .txt file", path=str(path))
    inner = _inner(text, format, "html", path)
    parsed = parse_text(text, inner, path=str(path), known_speakers=known)
    if renamed is not None:
        parsed.warnings.append(f"the file holds HTML (a web page saved as {renamed or 'a file without extension'}); "
                               "read as a web page, its tags not counted — rename it .html to silence this warning")
    add_set_aside(parsed, text, found.set_aside)
    chars = len(text) + sum(len(t) for _, _, t in found.set_aside)
    return ("html" if inner == "text" else f"html+{inner}"), chars, parsed, enc


def add_set_aside(parsed: Parsed, text: str, spans, *, pages=None) -> None:
    """Record text set aside before parsing (page furniture, web-page boilerplate) as exclusions.

    ``spans`` holds ``(offset, reason, text)``: where in ``text`` it stood.
    Each is attached to the turn whose span holds the offset (else none) and
    gets the line of ``text`` it stood at. With ``pages`` (each page's first
    offset), every turn gets the metadata ``page``: the page it starts on.

    >>> p = Parsed()
    >>> add_set_aside(p, "あ\\nい\\n", [(2, "page_number", "－ 1 －")])
    >>> [(e.turn, e.line, e.reason, e.text) for e in p.exclusions]
    [(None, 2, 'page_number', '－ 1 －')]
    """
    turns = parsed.turns
    starts = [t.char_start if t.char_start is not None else 0 for t in turns]
    found = []
    for offset, reason, span in spans:
        if not span:
            continue
        k = bisect.bisect_right(starts, offset) - 1
        turn = k if k >= 0 and offset <= (turns[k].char_end or 0) + 1 else None
        found.append(Exclusion(turn, text.count("\n", 0, offset) + 1, reason, span))
    parsed.exclusions = sorted(parsed.exclusions + found, key=lambda e: e.line)
    if pages:
        for t in turns:
            t.meta["page"] = bisect.bisect_right(pages, t.char_start or 0)


def _inner(text: str, format: str, container: str, path) -> str:
    from . import TEXT_FORMATS
    from .formats.detect import detect_text_format

    if not text.strip():
        raise InputError(f"the {'PDF' if container == 'pdf' else 'web page'} holds no text besides page headers, "
                         "footers and numbers; nothing to read", path=str(path))
    inner = detect_text_format(text) if format in ("auto", container) else format
    return inner if inner in TEXT_FORMATS else "text"
