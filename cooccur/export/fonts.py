"""Embed the bundled Japanese font in HTML, so pages render on machines without one.

Browsers draw HTML text with the fonts of the machine that opens the page; on
a machine with no Japanese font that is a row of tofu boxes. cooccur's pages
therefore carry their own font: IPAex Gothic (shipped by the
``matplotlib-fontja`` dependency, IPA Font License), subset with fontTools to
the characters the page actually uses and embedded as a ``data:`` URL, so the
page stays one offline file (a few hundred kilobytes for a typical report).
"""

from __future__ import annotations

import base64
import io
import re
import threading
from functools import lru_cache

__all__ = ["FONT_FAMILY", "PRINTABLE_ASCII", "font_face_css", "embed_font", "prefetch", "characters", "subset_css", "provide"]

#: CSS family name of the embedded font.
FONT_FAMILY = "cooccur-ja"

#: Printable ASCII (space to tilde), see :func:`characters`.
PRINTABLE_ASCII = "".join(map(chr, range(0x20, 0x7F)))
_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_LOCK = threading.Lock()
_PENDING: dict = {}  # (characters, family) -> Future of a subset prefetch() started


def _characters(page: str) -> str:
    """Every character the page can show, including those written as JSON ``\\uXXXX`` escapes."""
    chars = set(page)
    chars.update(chr(int(h, 16)) for h in _UNICODE_ESCAPE.findall(page))
    return "".join(sorted(c for c in chars if c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF))


def font_face_css(text: str, *, family: str = FONT_FAMILY, characters: str | None = None) -> str:
    """An ``@font-face`` rule with IPAex Gothic subset to the characters of ``text`` (or exactly ``characters``).

    The bytes are the same on every run for the same text (no timestamps).
    Pages with the same characters share one subset (built once per process);
    one that :func:`prefetch` started, or :func:`provide` handed over, is taken.
    """
    key = (characters if characters is not None else _characters(text), family)
    with _LOCK:
        pending = _PENDING.pop(key, None)
    return pending.result() if pending is not None else _font_face_css(*key)


def characters(text: str, *, ascii: bool = False) -> str:
    """The characters a page can show, in code point order: what its subset holds (JSON escapes included).

    ``ascii=True`` adds every printable ASCII character, so that the set is
    known before parts made only of ASCII (inline SVG drawn as outlines,
    base64 images) are in the page.
    """
    found = _characters(text)
    return "".join(sorted(set(found).union(PRINTABLE_ASCII))) if ascii else found


def subset_css(characters: str, family: str = FONT_FAMILY) -> str:
    """The ``@font-face`` rule of the subset holding exactly ``characters`` (see :func:`characters`)."""
    return _font_face_css(characters, family)


def provide(characters: str, family: str, css: str) -> None:
    """Hand over a subset built elsewhere (:func:`subset_css` in another process); :func:`font_face_css` takes it."""
    from concurrent.futures import Future

    future: Future = Future()
    future.set_result(css)
    with _LOCK:
        _PENDING[(characters, family)] = future


def prefetch(text: str, *, family: str = FONT_FAMILY) -> None:
    """Start building the subset for ``text`` on a thread; :func:`font_face_css` (and :func:`embed_font`) take it.

    fontTools is pure Python, so the thread only gains while the caller waits
    (for figures drawn in another process, for a table written by Arrow);
    the subset is the one :func:`font_face_css` would build.
    """
    from concurrent.futures import Future

    key = (_characters(text), family)
    with _LOCK:
        if key in _PENDING:
            return
        future: Future = Future()
        _PENDING[key] = future

    def build() -> None:
        try:
            future.set_result(_font_face_css(*key))
        except BaseException as e:  # noqa: BLE001 - raised where the subset is asked for
            future.set_exception(e)

    threading.Thread(target=build, name="cooccur-font", daemon=True).start()


@lru_cache(maxsize=8)
def _font_face_css(characters: str, family: str) -> str:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from ..plot import japanese_font_path

    # recalcBBoxes=False keeps each glyph's bytes as they are (hints trimmed in place) instead of
    # decoding and re-encoding every outline, which was two thirds of the time; the font-wide
    # bounds (head, hhea, vhea, maxp) then stay the full font's, which contain the subset's.
    font = TTFont(japanese_font_path(), recalcTimestamp=False, recalcBBoxes=False)
    options = subset.Options()
    options.notdef_outline = True
    options.hinting = False  # screen rendering does not need TrueType hints; 40% smaller, faster
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # keep the copyright and licence notices
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f"@font-face{{font-family:'{family}';"
            f"src:url(data:font/ttf;base64,{data}) format('truetype');font-display:block;}}")


def embed_font(page: str, *, characters: str | None = None) -> str:
    """Put the subset font into a rendered page: an ``@font-face`` rule first in its
    first ``<style>``, and the family first in every ``font-family`` list.

    The subset holds the page's characters, or exactly ``characters`` (which
    must include them: see :func:`characters`)."""
    css = font_face_css(page, characters=characters)
    page = page.replace('font-family:"IPAexGothic"', f'font-family:"{FONT_FAMILY}","IPAexGothic"')
    return page.replace("<style>", "<style>" + css, 1)
