"""Web pages (.html/.htm saved from a browser): the article's text, speakers kept, the rest set aside.

Interviews and roundtables are published as web pages. :func:`html_to_text`
reads only the article and writes it out as lines that the text parsers
(colon style, interview, ○ minutes) then split into turns:

* **The article only.** The text comes from the page's ``<main>``,
  ``<article>`` or ``role="main"`` element (the one with the most text), else
  ``<body>``. Navigation, page header and footer, side bars, forms and buttons
  (``<nav>``, ``<header>``, ``<footer>``, ``<aside>``, ``<form>``,
  ``<button>``, ARIA roles such as ``navigation``/``banner``/``contentinfo``)
  and blocks whose class or id names a share bar, related links, a ranking, a
  cookie banner, breadcrumbs, ads or a menu (``share``, ``sns``, ``related``,
  ``cookie``, ``consent``, ``breadcrumb``, ``ad``, ``menu``, …) are set aside
  with reason ``"boilerplate"``, as is everything outside the article and the
  page ``<title>``. Hidden elements (``hidden``, ``aria-hidden="true"``,
  ``display:none``) too.
* **Headings and captions out.** ``<h1>``–``<h6>`` are set aside as
  ``"heading"``; ``<figcaption>`` and the ``alt`` text of images as
  ``"caption"``.
* **Speakers.** A paragraph that starts with a short bold label
  (``<p><strong>田中</strong>：…</p>``, ``<b>田中</b>　…``) becomes the line
  ``田中：…``; a bold label alone in its paragraph (a name before the remarks)
  becomes ``田中：`` and the paragraphs after it are its remark; ``<dt>田中</dt>
  <dd>…</dd>`` becomes ``田中：…``. The colon-style parser then finds the
  turns; its colon after a label counts as syntax.
* **Syntax.** Tags, attributes, comments, ``<script>``, ``<style>``,
  ``<noscript>``, ``<template>`` and ``<svg>`` contents are markup, not text
  (like a CSV's delimiters); they are not counted. White space is collapsed as
  a browser does, and a line break of the source between two Japanese
  characters is dropped (no space is put into a Japanese sentence).

The encoding comes from a byte-order mark, else the ``<meta charset>`` (or
``http-equiv`` Content-Type), else the usual detection
(:func:`cooccur.read.encoding.decode`). Nothing is fetched: images, styles
and scripts are never loaded.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from ...errors import DecodeError, InputError

__all__ = ["html_to_text", "decode_html", "looks_like_html", "HtmlText"]

_DROP = {"script", "style", "noscript", "template", "svg", "math", "canvas", "iframe", "object", "embed", "link",
         "meta", "base", "head"}
_BOILER_TAGS = {"nav", "header", "footer", "aside", "form", "button", "select", "textarea", "dialog", "menu", "input"}
_BOILER_ROLES = {"navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog", "search", "menu",
                 "menubar", "toolbar"}
_BOILER_TOKENS = {
    "nav", "navi", "navbar", "navigation", "gnav", "globalnav", "menu", "breadcrumb", "breadcrumbs", "pankuzu",
    "topicpath", "share", "sharing", "sns", "social", "related", "recommend", "recommended", "ranking", "popular",
    "cookie", "cookies", "consent", "gdpr", "banner", "ad", "ads", "advert", "adsense", "advertisement", "sponsor",
    "promo", "sidebar", "footer", "header", "masthead", "pagination", "pager", "pagetop", "comment", "comments",
    "modal", "popup", "newsletter", "subscribe", "skip", "toolbar", "tags", "sitemap", "inquiry", "contact",
    "toiawase", "update", "pagetop", "survey", "feedback",
}
_BLOCK = {"p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "blockquote", "pre", "table", "tbody",
          "thead", "tfoot", "tr", "td", "th", "figure", "hr", "address", "details", "summary", "body", "html",
          "center", "caption", "fieldset"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BOLD = {"strong", "b"}
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_MAX_LABEL = 25
_BR = "\u2028"  # a <br> in the buffer (source line breaks are white space)
_LABEL_BAD = re.compile(r"[。、，,.！？!?「」『』]")
_CJK = "\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\r\n\f]*(?=[{_CJK}])")
_SPACE = re.compile(r"[ \t\r\n\f]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S)
_TAGS = re.compile(r"</?(?:p|div|br|span|a|strong|b|table|tr|td|li|ul|h[1-6]|meta|title|body)\b[^>]*>", re.I)


@dataclass
class HtmlText:
    """The article's text (``text``) and what was set aside: ``(offset, reason, text)`` in ``set_aside``."""

    text: str
    set_aside: list[tuple[int, str, str]] = field(default_factory=list)


def looks_like_html(text: str) -> bool:
    """True if a text file is in fact a web page (a ``.html`` renamed ``.txt``).

    >>> looks_like_html("<!DOCTYPE html><html><body><p>はい</p></body></html>")
    True
    >>> looks_like_html("田中：<b>は</b>太字の話です。"), looks_like_html("A<B かつ C>D")
    (False, False)
    """
    head = text[:4000].lstrip("\ufeff")
    if _HTML_START.match(head):
        return True
    return head.lstrip().startswith("<") and len(_TAGS.findall(head)) >= 5


def decode_html(data: bytes, *, encoding: str = "auto", path=None) -> tuple[str, str]:
    """Decode a web page: BOM, else ``<meta charset>``, else the usual detection; return (text, codec).

    >>> decode_html('<meta charset="Shift_JIS"><p>座談会</p>'.encode("cp932"))
    ('<meta charset="Shift_JIS"><p>座談会</p>', 'cp932')
    """
    from ..encoding import decode

    if encoding == "auto" and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        m = _META_CHARSET.search(data[:8192])
        if m:
            name = m.group(1).decode("ascii", "replace").lower()
            codec = {"shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
                     "windows-31j": "cp932", "ms932": "cp932", "euc-jp": "euc_jp", "x-euc-jp": "euc_jp"}.get(name, name)
            try:
                codecs.lookup(codec)
            except LookupError:
                codec = None
            if codec is not None:
                try:
                    return data.decode(codec).replace("\r\n", "\n").replace("\r", "\n"), codec
                except UnicodeDecodeError:
                    pass  # the page lies about its encoding: detect it
    try:
        text, enc, _ = decode(data, encoding=encoding, path=path)
    except DecodeError:
        raise
    return text, enc


def html_to_text(html: str, *, path=None) -> HtmlText:
    """The article of a web page as lines of text, speakers as ``名前：`` lines.

    Parameters
    ----------
    html : str
        The decoded page.
    path : str, optional
        File name for error messages.

    Returns
    -------
    HtmlText

    Examples
    --------
    >>> page = ('<html><body><nav><a href="/">トップ</a></nav><article><h1>座談会</h1>'
    ...         '<p><strong>司会</strong>：始めます。</p><p><b>練馬区</b>　準備しています。</p>'
    ...         '<figure><img src="a.jpg" alt="会場の様子"><figcaption>会場</figcaption></figure>'
    ...         '</article><footer>©区役所</footer></body></html>')
    >>> h = html_to_text(page)
    >>> h.text
    '司会：始めます。\\n練馬区：準備しています。\\n'
    >>> [(r, t) for _, r, t in h.set_aside]
    [('boilerplate', 'トップ'), ('heading', '座談会'), ('caption', '会場の様子'), ('caption', '会場'), ('boilerplate', '©区役所')]
    """
    try:
        import lxml.html
        from lxml import etree
    except ImportError as exc:  # pragma: no cover - a dependency
        raise InputError("reading web pages needs lxml (pip install lxml)", path=path) from exc
    source = _XML_DECL.sub("", html.lstrip("\ufeff"), count=1)
    if not source.strip():
        raise InputError("the web page is empty", path=path)
    try:
        doc = lxml.html.document_fromstring(source)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"cannot parse the web page ({exc}); save it again from the browser", path=path) from None
    w = _Writer()
    title = doc.find(".//title")
    if title is not None and _inline(title).strip():
        w.aside("boilerplate", _inline(title))
    body = doc.find("body")
    if body is None:
        body = doc
    root = _article(body)
    above = {id(a) for a in root.iterancestors()} | {id(root)}
    w.walk(body, root, above, inside=root is body)
    return HtmlText(text="\n".join(w.lines) + ("\n" if w.lines else ""), set_aside=w.set_aside)


# --------------------------------------------------------------------------- helpers

def _tag(el) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def _boiler(el) -> bool:
    tag = _tag(el)
    if tag in _BOILER_TAGS:
        return True
    get = el.get
    if get("hidden") is not None or get("aria-hidden") == "true":
        return True
    style = (get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    if (get("role") or "").lower() in _BOILER_ROLES:
        return True
    names = f"{get('class') or ''} {get('id') or ''}".lower()
    if not names.strip():
        return False
    tokens = set(_TOKEN_SPLIT.split(names))
    return bool(tokens & _BOILER_TOKENS)


def _article(body):
    """The element holding the article: the <main>/<article>/role=main with the most text, else <body>."""
    best, size = body, -1
    for el in body.iter():
        tag = _tag(el)
        if tag in ("main", "article") or (el.get("role") or "").lower() == "main" \
                or (el.get("itemprop") or "") == "articleBody":
            if any(_boiler(a) for a in el.iterancestors()) or _boiler(el):
                continue
            n = len("".join(el.itertext()).strip())
            if n > size:
                best, size = el, n
    return best


def _inline(el) -> str:
    """The text of an element without dropped parts (scripts, styles), white space collapsed."""
    parts = []

    def rec(e):
        if _tag(e) in _DROP or not isinstance(e.tag, str):
            pass
        else:
            if _tag(e) == "br":
                parts.append("\n")
            if e.text:
                parts.append(e.text)
            for c in e:
                rec(c)
        if e is not el and e.tail:
            parts.append(e.tail)

    rec(el)
    return _normalise("".join(parts))


def _normalise(s: str) -> str:
    s = _CJK_BREAK.sub("", s)
    return _SPACE.sub(" ", s).strip()


class _Writer:
    """Walks the body, writing the article's lines and noting what is set aside."""

    def __init__(self):
        self.lines: list[str] = []
        self.length = 0
        self.buf: list[str] = []
        self.set_aside: list[tuple[int, str, str]] = []
        self.pending_label: str | None = None

    # -- output
    def aside(self, reason: str, text: str) -> None:
        text = _normalise(text)
        if text:
            self.set_aside.append((self.length, reason, text))

    def flush(self) -> None:
        text = "".join(self.buf)
        self.buf = []
        for piece in _normalise(text).split(_BR):
            piece = _normalise(piece)
            if piece:
                self.line(piece)

    def line(self, text: str) -> None:
        self.lines.append(text)
        self.length += len(text) + 1

    # -- walking
    def walk(self, el, root, above: set, inside: bool) -> None:
        for child in el:
            self.child(child, root, above, inside)

    def child(self, el, root, above, inside) -> None:
        tag = _tag(el)
        if not isinstance(el.tag, str) or tag in _DROP:  # comments, processing instructions, scripts: syntax
            self.text(el.tail, inside)
            return
        if el is root:
            inside = True
        if id(el) not in above and (not inside or _boiler(el)):
            self.flush()
            self.aside("boilerplate", _all_text(el))
            self.text(el.tail, inside)
            return
        if id(el) in above and el is not root:  # an ancestor of the article: its own text is outside it
            self.aside("boilerplate", el.text or "")
            self.walk(el, root, above, inside)
            self.aside("boilerplate", el.tail or "")
            return
        if tag in _HEADINGS:
            self.flush()
            self.aside("heading", _inline(el))
        elif tag == "figcaption":
            self.flush()
            self.aside("caption", _inline(el))
        elif tag == "img" or (tag == "input" and el.get("type") == "image"):
            self.aside("caption", el.get("alt") or "")
        elif tag == "br":
            self.buf.append(_BR)
        elif tag == "dl":
            self.flush()
            self.definition_list(el, root, above)
        elif tag in _BLOCK:
            self.flush()
            label, rest_start = _bold_label(el)
            if label is not None:
                self.buf.append(label + "：")
                if rest_start is not None:
                    self.buf.append(rest_start)
                self.inline_children(el, skip_first_bold=True, root=root, above=above)
            else:
                self.text(el.text, True)
                self.walk(el, root, above, True)
            self.flush()
        else:  # inline element
            self.text(el.text, True)
            self.walk(el, root, above, True)
        self.text(el.tail, inside)

    def inline_children(self, el, *, skip_first_bold, root, above) -> None:
        first = True
        for c in el:
            if first and skip_first_bold:
                first = False
                continue  # its text is the label, its tail was taken with it
            self.child(c, root, above, True)

    def text(self, s, inside: bool) -> None:
        if not s:
            return
        if inside:
            self.buf.append(s)
        else:
            self.aside("boilerplate", s)

    def definition_list(self, dl, root, above) -> None:
        label = None
        for c in dl:
            tag = _tag(c)
            if tag == "dt":
                if label is not None:  # a dt without its dd: keep it as text
                    self.line(label)
                label = _inline(c)
            elif tag == "dd":
                start = len(self.lines)
                self.text(c.text, True)
                self.walk(c, root, above, True)
                self.flush()
                if label:
                    if len(self.lines) > start:
                        self.lines[start] = f"{label}：{self.lines[start]}"
                        self.length += len(label) + 1
                    else:
                        self.line(f"{label}：")
                label = None
            else:
                self.child(c, root, above, True)
        if label is not None:
            self.line(label)


def _all_text(el) -> str:
    return " ".join(t for t in (_inline(el),) if t) if _tag(el) not in _DROP else ""


def _bold_label(el) -> tuple[str | None, str | None]:
    """A paragraph starting with a short bold label: (label, the text right after it) or (None, None)."""
    if el.text and el.text.strip():
        return None, None
    children = [c for c in el if isinstance(c.tag, str)]
    if not children or _tag(children[0]) not in _BOLD or children[0] is not el[0]:
        return None, None
    label = _inline(children[0]).strip(" \u3000:：")
    if not label or len(label) > _MAX_LABEL or _LABEL_BAD.search(label) or "\n" in label:
        return None, None
    tail = (children[0].tail or "")
    rest = tail.lstrip(" \t\r\n\u3000:：")
    return label, rest
