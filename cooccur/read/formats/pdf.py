"""PDF minutes: the text layer, with wrapped lines re-joined and page furniture set aside.

Assemblies and the Diet publish minutes as PDF. :func:`pdf_to_text` reads the
text layer with PDFium (pypdfium2) and gives back the text a ``.txt`` of the
same minutes would hold, which the read stage then parses like text (○ turns,
colon style, …):

* **Page furniture out.** On each page the first and last two lines are
  checked: a page number (``－ 2 －``, ``- 2 -``, ``2``, ``2/10``, ``(2)``,
  ``２ページ``) is set aside with reason ``"page_number"``; a line that recurs
  at the top (or bottom) of at least two pages once its digits are ignored
  (``第213回国会　衆議院　安全保障委員会　第13号``) with ``"page_header"``
  (``"page_footer"``).
* **Wrapped lines re-joined.** Japanese lines wrap mid-sentence, so a line
  that runs to the right margin is joined to the next without a space
  (between two Latin letters or digits a space is put back). A line break is
  kept where the next line starts a paragraph — a ``○``/``◯`` turn mark, an
  agenda mark (◎ △ ◇ …) or indentation (a full-width space) — or where the
  line ends short of the margin, or where it starts with a colon-style
  label that recurs in the file (``司会：``). The margin is the widest line of the page,
  counted in columns (full-width characters count two).
* **No text layer, no guess.** A PDF whose pages hold no text (a scan) is
  rejected naming the file: cooccur does no OCR. An encrypted or damaged PDF
  is rejected too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ...errors import InputError

__all__ = ["pdf_to_text", "PdfText"]

_PAGE_NUMBER = re.compile(
    r"^[\s\-－‐‑–—―−ー~〜]*(?:[(（]\s*)?(?:page\s*|p\.\s*|第\s*)?[0-9０-９]{1,4}(?:\s*[/／]\s*[0-9０-９]{1,4})?"
    r"(?:\s*(?:ページ|頁|page))?(?:\s*[)）])?[\s\-－‐‑–—―−ー~〜]*$", re.I)
_DIGITS = re.compile(r"[0-9０-９〇一二三四五六七八九十百]+")
_PARAGRAPH_START = re.compile(r"^[\u3000 \t]|^[○◯◎△▲□■◆◇]")
_EDGE = 2  # lines at the top and at the bottom of a page checked for furniture
_FULL = 0.9  # a line at least this share of the page's widest line runs to the margin


@dataclass
class PdfText:
    """The text of a PDF: ``text`` (pages joined), the furniture set aside and where each page starts.

    ``furniture`` holds ``(offset, reason, text)``: the offset in ``text`` where
    the line stood. ``page_starts`` holds the offset of each page's first
    character in ``text``.
    """

    text: str
    furniture: list[tuple[int, str, str]] = field(default_factory=list)
    page_starts: list[int] = field(default_factory=list)
    pages: int = 0


def pdf_to_text(data: bytes, *, path=None) -> PdfText:
    """Read the text layer of a PDF as the minutes' plain text.

    Parameters
    ----------
    data : bytes
        The file's bytes.
    path : str, optional
        File name for error messages.

    Returns
    -------
    PdfText

    Raises
    ------
    InputError
        Not a PDF, damaged, encrypted, or no text layer.

    Examples
    --------
    >>> pdf_to_text(b"%PDF-1.4 broken", path="m.pdf")
    Traceback (most recent call last):
    ...
    cooccur.errors.InputError: m.pdf: not a readable PDF (damaged or not a PDF at all); export it again, or save the minutes as text (UTF-8)
    """
    pages = _page_lines(data, path)
    if not any(line.strip() for lines in pages for line in lines):
        raise InputError(f"the PDF has no text layer ({len(pages)} page{'s' if len(pages) != 1 else ''} of images, "
                         "e.g. a scan); cooccur does no OCR — run OCR first (e.g. ocrmypdf) or use the text "
                         "version of the minutes", path=path)
    marks = _furniture(pages)
    labels = _colon_labels([ln for p, lines in enumerate(pages) for k, ln in enumerate(lines) if (p, k) not in marks])
    out: list[str] = []
    furniture: list[tuple[int, str, str]] = []
    page_starts: list[int] = []
    length = 0
    prev_full = False
    prev_tail = ""
    for p, lines in enumerate(pages):
        body = [(k, ln) for k, ln in enumerate(lines) if (p, k) not in marks and ln.strip()]
        widest = max((_columns(ln) for _, ln in body), default=0)
        page_starts.append(length + (1 if out and body else 0))
        for k, ln in enumerate(lines):
            if (p, k) in marks:
                furniture.append((length, marks[(p, k)], ln.strip()))
                continue
            if not ln.strip():
                continue
            starts = bool(_PARAGRAPH_START.match(ln)) or (bool(labels) and _starts_turn(ln, labels))
            if out:
                if prev_full and not starts:
                    sep = " " if (prev_tail.isascii() and prev_tail.isalnum() and ln[:1].isascii()
                                  and ln[:1].isalnum()) else ""
                else:
                    sep = "\n"
                out.append(sep)
                length += len(sep)
            text = ln.rstrip()
            out.append(text)
            length += len(text)
            prev_full = widest > 0 and _columns(text) >= _FULL * widest
            prev_tail = text[-1:]
    text = "".join(out)
    return PdfText(text=text + ("\n" if text else ""), furniture=furniture, page_starts=page_starts,
                   pages=len(pages))


# --------------------------------------------------------------------------- helpers

def _page_lines(data: bytes, path) -> list[list[str]]:
    try:
        import pypdfium2 as pdfium
    except ImportError as exc:  # pragma: no cover - a dependency
        raise InputError("reading PDF needs pypdfium2 (pip install pypdfium2)", path=path) from exc
    try:
        pdf = pdfium.PdfDocument(bytes(data))
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise InputError("the PDF is encrypted (needs a password); save an unprotected copy, or the minutes "
                             "as text (UTF-8)", path=path) from None
        raise InputError("not a readable PDF (damaged or not a PDF at all); export it again, or save the "
                         "minutes as text (UTF-8)", path=path) from None
    pages: list[list[str]] = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            raw = textpage.get_text_range()
            textpage.close()
            page.close()
            pages.append(raw.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").split("\n"))
    except pdfium.PdfiumError as exc:
        raise InputError(f"the PDF is damaged (page {len(pages) + 1}: {exc}); export it again", path=path) from None
    finally:
        pdf.close()
    return pages


def _colon_labels(lines: list[str]) -> frozenset[str]:
    """Labels of colon-style turns (``司会：``) that recur: a line starting with one starts a paragraph."""
    from .colon import speaker_candidates

    _, counts = speaker_candidates(lines)
    return frozenset(label for label, n in counts.items() if n >= 2) if len(counts) >= 2 else frozenset()


def _starts_turn(line: str, labels: frozenset[str]) -> bool:
    from .colon import COLON_RE

    if "：" not in line and ":" not in line:
        return False
    m = COLON_RE.match(line)
    return m is not None and m.group(1).strip(" \u3000") in labels


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def _furniture(pages: list[list[str]]) -> dict[tuple[int, int], str]:
    """(page, line) → reason for the page numbers and running headers/footers."""
    marks: dict[tuple[int, int], str] = {}
    edges: list[tuple[int, int, str]] = []  # (page, line, "top"/"bottom")
    for p, lines in enumerate(pages):
        filled = [k for k, ln in enumerate(lines) if ln.strip()]
        for k in filled[:_EDGE]:
            edges.append((p, k, "top"))
        for k in filled[-_EDGE:]:
            if k not in filled[:_EDGE] or len(filled) > _EDGE:
                edges.append((p, k, "bottom"))
    seen: dict[tuple[str, str], set[int]] = {}
    for p, k, where in edges:
        line = pages[p][k].strip()
        if _PAGE_NUMBER.match(line):
            marks[(p, k)] = "page_number"
            continue
        seen.setdefault((where, _shape(line)), set()).add(p)
    if len(pages) >= 2:
        need = max(2, len(pages) // 3)  # on every page, or most: not two body lines that happen to match
        for p, k, where in edges:
            if (p, k) in marks:
                continue
            if len(seen.get((where, _shape(pages[p][k].strip())), ())) >= need:
                marks[(p, k)] = "page_header" if where == "top" else "page_footer"
    return marks


def _shape(line: str) -> str:
    return _DIGITS.sub("#", unicodedata.normalize("NFKC", line).replace(" ", ""))
