"""Make text-layer PDFs of Japanese minutes for the tests and benchmarks (reportlab + the bundled IPAex font).

Lines are wrapped at a fixed number of characters, mid-sentence as minutes
are typeset; each page can carry a running header and a page number
(``－ 2 －``), the furniture the PDF reader must keep out of the remarks.
Not a test module: ``tests/test_read_pdf.py`` and ``benchmarks/bench_pdf.py``
import it.
"""

from __future__ import annotations

import io
import unicodedata

__all__ = ["make_pdf", "wrap"]


def wrap(text: str, width: int) -> list[str]:
    """Wrap each line of ``text`` at ``width`` columns (full-width characters count 2, like a typesetter's grid)."""
    out: list[str] = []
    for line in text.split("\n"):
        if not line:
            out.append("")
            continue
        cur, cols = "", 0
        for ch in line:
            w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
            if cols + w > width and cur:
                out.append(cur)
                cur, cols = "", 0
            cur += ch
            cols += w
        out.append(cur)
    return out


def make_pdf(text: str, *, header: str | None = None, page_numbers: bool = True, width: int = 70,
             lines_per_page: int = 38, encrypt: str | None = None, image_only: bool = False) -> bytes:
    """Render ``text`` (one ``\\n`` per paragraph) to PDF bytes.

    ``header`` is printed at the top of every page, ``－ N －`` at the bottom
    when ``page_numbers``. ``encrypt`` sets a user password. ``image_only``
    draws the page with no text layer (a filled shape only), like a scan.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = "IPAexGothic"
    if font not in pdfmetrics.getRegisteredFontNames():
        import matplotlib_fontja
        from pathlib import Path

        path = next(Path(matplotlib_fontja.__file__).parent.rglob("ipaexg.ttf"))
        pdfmetrics.registerFont(TTFont(font, str(path)))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt, invariant=1)
    w, h = A4
    size = 10.5
    lines = wrap(text, width)
    pages = [lines[i:i + lines_per_page] for i in range(0, len(lines), lines_per_page)] or [[]]
    for n, page in enumerate(pages, 1):
        if image_only:
            c.setFillGray(0.3)
            for k in range(len(page)):
                c.rect(60, h - 90 - k * 18, 400, 9, fill=1, stroke=0)
        else:
            c.setFont(font, size)
            if header:
                c.drawString(60, h - 50, header)
            for k, line in enumerate(page):
                c.drawString(60, h - 90 - k * 18, line)
            if page_numbers:
                c.drawCentredString(w / 2, 40, f"－ {n} －")
        c.showPage()
    c.save()
    return buf.getvalue()
