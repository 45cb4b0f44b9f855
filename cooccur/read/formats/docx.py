"""Word documents (.docx): extract the text so a text-format parser can read it.

Minutes kept in Word are plain paragraphs (often with ``○`` turn marks) and
sometimes tables. :func:`docx_to_text` returns one line per paragraph in body
order; the ``read`` stage then parses that text like a .txt file.
"""

from __future__ import annotations

from ...errors import InputError

__all__ = ["docx_to_text"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_to_text(data: bytes, *, path=None) -> str:
    """Return the text of a .docx file, one line per paragraph.

    Paragraphs come in body order. Tables are read row by row, each cell's
    paragraphs in turn (a merged cell once; ruby readings skipped); nested tables are read where they
    stand. Content controls are read like the body. Empty paragraphs are kept
    as empty lines so that line numbers in error messages and ``utterances.line``
    point at the same paragraph a user counts in Word. Manual line breaks
    (Shift+Enter) become line breaks, tabs become ``"\\t"``; inserted text of
    tracked changes is kept and deleted text dropped. Page headers, footers,
    footnotes, comments and text boxes are not read.

    Parameters
    ----------
    data : bytes
        The file's bytes.
    path : str, optional
        File name for error messages.

    Returns
    -------
    str
        The text, lines separated by ``"\\n"``, ending with ``"\\n"`` unless empty.

    Raises
    ------
    InputError
        The bytes are not a readable .docx package.

    Examples
    --------
    >>> import io, docx
    >>> d = docx.Document()
    >>> _ = d.add_paragraph("○議長（山田太郎君）　開会します。")
    >>> _ = d.add_paragraph("")
    >>> t = d.add_table(rows=1, cols=2)
    >>> t.cell(0, 0).text, t.cell(0, 1).text = "佐藤", "賛成です。"
    >>> buf = io.BytesIO(); d.save(buf)
    >>> docx_to_text(buf.getvalue())
    '○議長（山田太郎君）\\u3000開会します。\\n\\n佐藤\\n賛成です。\\n'
    """
    import io

    try:
        import docx  # python-docx
    except ImportError as exc:  # pragma: no cover - python-docx is a dependency
        raise InputError("reading .docx needs python-docx (pip install python-docx)", path=path) from exc
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ValueError(f"data must be the file's bytes, not {type(data).__name__}")
    try:
        document = docx.Document(io.BytesIO(bytes(data)))
        body = document.element.body
    except Exception as exc:  # BadZipFile, KeyError, ValueError, lxml and python-docx package errors
        raise InputError(f"not a valid .docx ({_reason(exc)}); save it again from Word as .docx, "
                         "or as plain text (UTF-8)", path=path) from None
    lines: list[str] = []
    _walk(body, lines)
    return "\n".join(lines) + "\n" if lines else ""


def _reason(exc: BaseException) -> str:
    msg = str(exc).strip() or type(exc).__name__
    return msg if len(msg) <= 120 else msg[:117] + "..."


def _tag(name: str) -> str:
    return f"{{{_W}}}{name}"


_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT, _CUSTOM_XML = (
    _tag("p"), _tag("tbl"), _tag("tr"), _tag("tc"), _tag("sdt"), _tag("sdtContent"), _tag("customXml"))


def _walk(container, lines: list[str]) -> None:
    """Append the text of block-level children of ``container`` in order."""
    for child in container.iterchildren():
        tag = child.tag
        if tag == _P:
            lines.extend(_paragraph_text(child).split("\n"))
        elif tag == _TBL:
            _table(child, lines)
        elif tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                _walk(content, lines)
        elif tag == _CUSTOM_XML:
            _walk(child, lines)


def _table(tbl, lines: list[str]) -> None:
    for tr in tbl.iterchildren(_TR):
        for tc in _cells(tr):
            v_merge = tc.find(f"{_tag('tcPr')}/{_tag('vMerge')}")
            if v_merge is not None and v_merge.get(_tag("val"), "continue") == "continue":
                continue  # continuation of a vertically merged cell: its text was read above
            _walk(tc, lines)


def _cells(tr):
    for child in tr.iterchildren():
        if child.tag == _TC:
            yield child
        elif child.tag in (_SDT, _CUSTOM_XML):  # cells wrapped in content controls
            for tc in child.iter(_TC):
                yield tc


_RUN_XPATH = (
    ".//w:r[not(ancestor::w:del) and not(ancestor::w:moveFrom) and not(ancestor::w:txbxContent)"
    " and not(ancestor::w:rt) and not(ancestor::mc:Fallback)]"
)
_NS = {"w": _W, "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
_runs = None


def _paragraph_text(p) -> str:
    # python-docx's CT_R.text maps w:t, w:tab, w:br, w:cr, w:noBreakHyphen, … to text;
    # collecting runs ourselves also keeps inserted text of tracked changes (w:ins),
    # smart tags and simple fields, which CT_P.text skips.
    global _runs
    if _runs is None:
        from lxml import etree

        _runs = etree.XPath(_RUN_XPATH, namespaces=_NS)
    runs = _runs(p)
    return "".join(r.text for r in runs)
