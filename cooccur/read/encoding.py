"""Decode the bytes of a transcript: encoding detection and newline normalisation.

Japanese offices produce UTF-8 (with or without BOM), UTF-16 with BOM, CP932
(Shift_JIS as written by Windows) and EUC-JP. :func:`decode` tries them in that
order, strictly: a byte sequence that is not valid in an encoding is never
"repaired". When a file is valid both as CP932 and as EUC-JP (common for short
files), the decoding that reads more like Japanese wins.
"""

from __future__ import annotations

import codecs
import re
from typing import Literal

from ..errors import DecodeError, InputError

__all__ = ["decode", "plausibility", "detect_newline", "Newline"]

Newline = Literal["LF", "CRLF", "CR", "mixed"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Signatures of binary files that are sometimes given a text name.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (e.g. .docx/.xlsx)"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc/.xls)"),
)
_AUTO_ORDER = ("utf-8", "cp932", "euc-jp")

# Characters typical of Japanese prose (weight 2 for kana, which every sentence has)
# and characters that betray a wrong guess between CP932 and EUC-JP: half-width
# katakana (EUC-JP lead bytes read as CP932), private-use and rare symbols.
_KANA = re.compile(r"[\u3041-\u309f\u30a0-\u30ff]")
_COMMON = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e\u0020-\u007e\t\n\r]")
_SUSPECT = re.compile(r"[\uff61-\uff9f\ue000-\uf8ff\u2460-\u24ff\u2170-\u217f\u3200-\u33ff\uf900-\ufaff]")


def plausibility(text: str) -> float:
    """How much ``text`` reads like Japanese: higher is more plausible.

    Kana count twice, common kanji, punctuation and ASCII once; half-width
    katakana, private-use characters and rare symbols count minus three.
    Divided by the length so that files of any size compare.

    >>> plausibility("会議を開きます。") > plausibility("詹宍ｦ・ｫ")
    True
    """
    if not text:
        return 0.0
    sample = text[:200_000]
    good = 2 * len(_KANA.findall(sample)) + len(_COMMON.findall(sample))
    bad = len(_SUSPECT.findall(sample))
    return (good - 3 * bad) / len(sample)


def detect_newline(text: str) -> Newline | None:
    """Name the newline convention of ``text``: LF, CRLF, CR, mixed, or None if no newline.

    >>> detect_newline("a\\r\\nb\\r\\n"), detect_newline("a\\nb\\r\\n"), detect_newline("a")
    ('CRLF', 'mixed', None)
    """
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [name for name, n in (("LF", lf), ("CRLF", crlf), ("CR", cr)) if n]
    if not kinds:
        return None
    return kinds[0] if len(kinds) == 1 else "mixed"  # type: ignore[return-value]


def decode(data: bytes, *, encoding: str = "auto", path=None) -> tuple[str, str, Newline | None]:
    """Decode a transcript's bytes and normalise newlines to ``"\\n"``.

    Parameters
    ----------
    data : bytes
        The file's content.
    encoding : str, default "auto"
        ``"auto"`` detects a BOM (UTF-8, UTF-16 LE/BE), then tries strict UTF-8,
        CP932 and EUC-JP, choosing between the last two by :func:`plausibility`
        when both decode. Any other value is a Python codec name (``"cp932"``,
        ``"shift_jis"``, ``"euc-jp"``, ``"utf-16"``…) used strictly.
    path : str or Path, optional
        Only for error messages.

    Returns
    -------
    text : str
        The decoded text, BOM removed, every CRLF/CR turned into LF.
    encoding_name : str
        The codec used (``"utf-8"``, ``"utf-8-sig"``, ``"utf-16-le"``,
        ``"utf-16-be"``, ``"cp932"``, ``"euc-jp"`` or the forced name).
    newline : {"LF", "CRLF", "CR", "mixed"} or None
        The newline convention of the file (None when it has no newline).

    Raises
    ------
    ValueError
        If ``encoding`` is not a known codec.
    InputError
        If the file looks binary (NUL bytes, image/PDF/ZIP signature).
    DecodeError
        If the bytes are invalid in every candidate (or in the forced) encoding;
        the message gives the line of the first bad byte and what to try.

    Examples
    --------
    >>> decode("議長　開会します。\\r\\n".encode("cp932"))
    ('議長\\u3000開会します。\\n', 'cp932', 'CRLF')
    """
    where = None if path is None else str(path)
    if encoding != "auto":
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise ValueError(
                f"unknown encoding {encoding!r}; use 'auto' or a codec name such as "
                "'utf-8', 'cp932', 'euc-jp' or 'utf-16'"
            ) from None
        if codec in ("utf-8", "utf_8") and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            line = _line_of(data, exc.start, codec)
            raise DecodeError(
                f"not valid {encoding} (first bad byte 0x{data[exc.start]:02x} on line {line}); "
                f"try --encoding auto or another encoding (utf-8, cp932, euc-jp, utf-16)",
                path=where, line=line,
            ) from None
        if codec.startswith("utf-16") and text.startswith("\ufeff"):
            text = text[1:]
        return _finish(text, encoding)

    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                pos = exc.start + len(bom)
                line = _line_of(data, pos, codec)
                raise DecodeError(
                    f"starts with a {codec} byte-order mark but is not valid {codec} "
                    f"(first bad byte on line {line}); re-save it as UTF-8 or pass --encoding",
                    path=where, line=line,
                ) from None
            return _finish(text, codec)

    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"this is {what}, not a text transcript; remove it or give it its proper extension",
                             path=where)
    if b"\x00" in data:
        raise InputError(
            "contains NUL bytes, so it is binary or UTF-16 without a byte-order mark; "
            "if it is UTF-16 text, pass --encoding utf-16-le (or utf-16-be)",
            path=where,
        )

    decoded: dict[str, str] = {}
    failures: dict[str, int] = {}
    for codec in _AUTO_ORDER:
        try:
            decoded[codec] = data.decode(codec)
        except UnicodeDecodeError as exc:
            failures[codec] = exc.start
            continue
        if codec == "utf-8":  # valid UTF-8 is almost never accidental for Japanese text
            return _finish(decoded[codec], codec)
    if decoded:
        # CP932 wins ties: it is the more common of the two.
        best = max(decoded, key=lambda c: (plausibility(decoded[c]), c == "cp932"))
        return _finish(decoded[best], best)

    # Report the encoding that got furthest: the file is most likely that one with a bad byte.
    codec, pos = max(failures.items(), key=lambda kv: (kv[1], -_AUTO_ORDER.index(kv[0])))
    line = _line_of(data, pos, codec)
    raise DecodeError(
        f"cannot be decoded as UTF-8, CP932 (Shift_JIS) or EUC-JP; the first bad byte "
        f"(0x{data[pos]:02x}) is on line {line}, reading it as {codec}. "
        f"Fix that line, or pass --encoding {codec} after checking the file, or re-save it as UTF-8",
        path=where, line=line,
    )


def _line_of(data: bytes, pos: int, codec: str) -> int:
    """1-based line holding byte ``pos``, counting LF, CRLF or CR newlines."""
    prefix = data[:pos].decode(codec, errors="replace")
    return prefix.count("\n") + prefix.count("\r") - prefix.count("\r\n") + 1


def _finish(text: str, codec: str) -> tuple[str, str, Newline | None]:
    newline = detect_newline(text)
    if newline is not None and newline != "LF":
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, codec, newline
