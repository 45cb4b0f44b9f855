"""A 16:9 slide deck (python-pptx): title with the corpus, network figure, keyword chart, keyword table.

The file is byte-identical across runs: core properties are fixed and the zip
is rewritten with a fixed timestamp for every entry, ``[Content_Types].xml``
first and the other entries in sorted order.
"""

from __future__ import annotations

import datetime as _dt
import io
import zipfile
from pathlib import Path

__all__ = ["write_pptx", "pptx_bytes"]

_FIXED_TIME = _dt.datetime(2000, 1, 1, 0, 0, 0)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def write_pptx(path, *, network_png, keywords_png, keywords, title: str = "共起ネットワーク分析",
               facts=(), figures=()) -> Path:
    """Write the deck to ``path`` (atomic).

    Parameters
    ----------
    path : str or Path
    network_png, keywords_png : bytes or path
        PNG images (e.g. from :func:`cooccur.plot.figure_bytes`).
    keywords : pandas.DataFrame
        ``term, score, rank``; the first 15 rows (by rank) go into the table.
    title : str
        Deck title (first slide and document properties).
    facts : sequence of (label, value)
        What the first slide says about the corpus and the settings (files,
        utterances, dates, main parameters), one line each.
    figures : sequence of (heading, png)
        More 16:9 figures, one slide each, after the keyword table.

    Returns
    -------
    Path
    """
    from ..io import atomic_write_bytes

    return atomic_write_bytes(path, pptx_bytes(network_png=network_png, keywords_png=keywords_png,
                                               keywords=keywords, title=title, facts=facts,
                                               figures=figures))


#: Slide size in inches (16:9) and the margin every shape keeps from the edges.
SLIDE_W, SLIDE_H, MARGIN = 13.333, 7.5, 0.4


def pptx_bytes(*, network_png, keywords_png, keywords, title: str = "共起ネットワーク分析", facts=(),
               figures=()) -> bytes:
    """The deck as bytes (see :func:`write_pptx`).

    Every shape is placed explicitly (a blank layout on every slide, no
    inherited placeholder), sized and inside the slide.
    """
    from pptx import Presentation
    from pptx.util import Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    blank = prs.slide_layouts[6]
    inner = SLIDE_W - 2 * MARGIN

    s = prs.slides.add_slide(blank)
    _text(s, title, (0.8, 0.9, SLIDE_W - 1.6, 1.1), Inches, Pt, size=40, bold=True)
    _text(s, "cooccur による共起ネットワークとキーワード", (0.8, 2.0, SLIDE_W - 1.6, 0.6), Inches, Pt, size=20,
          color=(0x44, 0x44, 0x44))
    if facts:
        box = s.shapes.add_textbox(Inches(0.8), Inches(2.9), Inches(SLIDE_W - 1.6), Inches(SLIDE_H - 2.9 - 0.5))
        tf = box.text_frame
        tf.word_wrap = True
        for k, (label, value) in enumerate(facts):
            p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
            head = p.add_run()
            head.text = f"{label}："
            head.font.size, head.font.bold = Pt(18), True
            body = p.add_run()
            body.text = str(value)
            body.font.size = Pt(18)
            p.space_after = Pt(6)

    for png, heading in ((network_png, "共起ネットワーク"), (keywords_png, "キーワード")):
        s = prs.slides.add_slide(blank)
        _heading(s, heading, Inches, Pt)
        h = SLIDE_H - 0.85 - 0.1  # below the heading, aspect kept (the figures are 16:9)
        w = min(inner, h * 16 / 9)
        h = w * 9 / 16
        s.shapes.add_picture(_stream(png), Inches((SLIDE_W - w) / 2), Inches(0.85), width=Inches(w),
                             height=Inches(h))

    s = prs.slides.add_slide(blank)
    _heading(s, "キーワード上位15語", Inches, Pt)
    rows = keywords.sort_values("rank", kind="mergesort") if "rank" in keywords.columns else keywords
    rows = rows.head(15)
    table = s.shapes.add_table(len(rows) + 1, 3, Inches(2.2), Inches(1.1), Inches(8.9),
                               Inches(0.36 * (len(rows) + 1))).table
    for j, (name, width) in enumerate((("順位", 1.4), ("語", 5.0), ("スコア", 2.5))):
        table.columns[j].width = Inches(width)
        table.cell(0, j).text = name
    for i, r in enumerate(rows.itertuples(index=False), start=1):
        d = r._asdict()
        vals = (str(d.get("rank", i)), str(d.get("term", "")), _fmt(d.get("score")))
        for j, v in enumerate(vals):
            table.cell(i, j).text = v
    for row in table.rows:
        for cell in row.cells:
            for p in cell.text_frame.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(16)

    for heading, png in figures:
        s = prs.slides.add_slide(blank)
        _heading(s, heading, Inches, Pt)
        h = 6.55
        s.shapes.add_picture(_stream(png), Inches((13.333 - h * 16 / 9) / 2), Inches(0.85), height=Inches(h))

    cp = prs.core_properties
    cp.title, cp.author, cp.last_modified_by = title, "cooccur", "cooccur"
    cp.created = cp.modified = cp.last_printed = _FIXED_TIME
    cp.revision = 1
    buf = io.BytesIO()
    prs.save(buf)
    return _normalise_zip(buf.getvalue())


def _text(slide, text, box, Inches, Pt, *, size, bold=False, color=None):
    left, top, width, height = box
    shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    shape.text_frame.word_wrap = True
    p = shape.text_frame.paragraphs[0]
    p.text = text
    p.runs[0].font.size = Pt(size)
    p.runs[0].font.bold = bold
    if color is not None:
        from pptx.dml.color import RGBColor

        p.runs[0].font.color.rgb = RGBColor(*color)
    return shape


def _heading(slide, text, Inches, Pt):
    _text(slide, text, (MARGIN, 0.15, SLIDE_W - 2 * MARGIN, 0.6), Inches, Pt, size=24, bold=True)


def _stream(png):
    if isinstance(png, (bytes, bytearray)):
        return io.BytesIO(bytes(png))
    return io.BytesIO(Path(png).read_bytes())


def _fmt(x) -> str:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return ""
    return f"{x:.4g}" if abs(x) < 1e5 else f"{x:,.0f}"


def _normalise_zip(data: bytes) -> bytes:
    """Same entries, fixed timestamps, [Content_Types].xml first then sorted names."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    order = [n for n in names if n == "[Content_Types].xml"] + sorted(n for n in names if n != "[Content_Types].xml")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()
