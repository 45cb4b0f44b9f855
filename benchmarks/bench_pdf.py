"""Benchmark: PDF text extraction libraries on Japanese minutes (not a test).

Renders minutes to a text-layer PDF with ``tests/pdfmaker.py`` (reportlab and
the IPAex font; lines wrapped mid-sentence, a running header and ``－ N －``
page numbers), then extracts the text with

* pypdfium2 (PDFium): ``PdfTextPage.get_text_range()`` per page;
* pdfminer.six: ``extract_text`` (the layer pdfplumber is built on);
* pdfplumber: ``page.extract_text()``;

and prints, per library, the seconds (median of 3), pages/s, and how many of
the rendered lines come back exactly (each line's text, compared after
stripping spaces at its ends), plus characters equal (difflib ratio of the
whole text, white space removed).

Input: the minutes written for the tests (``--text`` for another UTF-8 file,
e.g. a Diet minutes text from the shared corpus; never commit its PDF).

Run: ``python benchmarks/bench_pdf.py [--text FILE] [--repeat 3]``.

Measured on the project machine (2 cores, busy), medians of 3:

=================  ==========================  ==================================
library            test minutes ×20 (13 pages)  a Diet minutes text (44 pages)
=================  ==========================  ==================================
pypdfium2          0.036 s, 400/400 lines       0.183 s, 1,665/1,666 lines, 100.00%
pdfminer.six       0.934 s, 400/400 lines       7.488 s, 1,666/1,666 lines, 100.00%
pdfplumber         –                            9.579 s, 1,416/1,666 lines, 99.06%
=================  ==========================  ==================================

The one pypdfium2 line that differs has an ideographic space returned as an
ASCII space (white space only). cooccur reads PDF with pypdfium2: as correct
on Japanese text as pdfminer.six and 25–40× faster.
"""

from __future__ import annotations

import argparse
import difflib
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from pdfmaker import make_pdf, wrap  # noqa: E402


def _pdfium(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    out = []
    for i in range(len(pdf)):
        page = pdf[i]
        tp = page.get_textpage()
        out.append(tp.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
        tp.close()
        page.close()
    pdf.close()
    return out


def _pdfminer(data: bytes) -> list[str]:
    import io

    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data)).split("\f")


def _pdfplumber(data: bytes) -> list[str]:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [p.extract_text() or "" for p in pdf.pages]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--text", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if args.text:
        text = args.text.read_text(encoding="utf-8")
    else:
        from test_read_pdf import MINUTES

        text = MINUTES * 20
    header = "第213回国会　衆議院　安全保障委員会　第13号"
    data = make_pdf(text, header=header)
    expected = [ln.strip() for ln in wrap(text, 70) if ln.strip()]
    n_pages = None
    libs = {"pypdfium2": _pdfium, "pdfminer.six": _pdfminer}
    try:
        import pdfplumber  # noqa: F401

        libs["pdfplumber"] = _pdfplumber
    except ImportError:
        pass
    print(f"input: {len(text):,} characters, {len(expected):,} lines, PDF {len(data):,} bytes")
    print("| library | seconds | pages/s | lines exact | characters equal |")
    print("| --- | --- | --- | --- | --- |")
    for name, fn in libs.items():
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            pages = fn(data)
            times.append(time.perf_counter() - t0)
        furniture = re.compile(r"^(?:" + re.escape(header) + r"|－ \d+ －)$")
        got = [ln.strip() for p in pages for ln in p.split("\n") if ln.strip() and not furniture.match(ln.strip())]
        n_pages = n_pages or sum(1 for p in pages if p.strip())
        exact = sum(a == b for a, b in zip(got, expected)) if len(got) == len(expected) else \
            sum(1 for a in set(got) & set(expected))
        flat_a, flat_b = re.sub(r"\s", "", "".join(got)), re.sub(r"\s", "", "".join(expected))
        ratio = difflib.SequenceMatcher(None, flat_a, flat_b, autojunk=False).ratio() if len(flat_b) < 200_000 \
            else float(flat_a == flat_b)
        sec = statistics.median(times)
        print(f"| {name} | {sec:.3f} | {n_pages / sec:,.0f} | {exact:,}/{len(expected):,} | {ratio:.2%} |")


if __name__ == "__main__":
    main()
