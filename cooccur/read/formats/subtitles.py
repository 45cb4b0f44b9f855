"""Online-meeting transcripts: WebVTT (.vtt) and SubRip (.srt).

Meeting tools write one cue per few seconds of speech and name the speaker
either with a voice tag (``<v 山田 太郎>…</v>``, also ``<v.class 山田>``) or
with a ``名前: `` / ``名前：`` prefix at the start of the cue text.

Rules
-----
* Consecutive cues of the same speaker are merged into one turn (the tool
  splits long remarks). A cue without a speaker continues the previous
  speaker's turn; before any speaker it forms a turn with speaker ``None``
  (not a preamble: it is analysed).
* Joining cue lines: a line that ends a sentence (``。．？！?!``, optionally
  followed by a closing bracket such as ``」``) is followed by ``"\\n"`` (a
  paragraph break); otherwise the next line is appended directly, with one
  space only when both sides are ASCII letters or digits (``"online" "meeting"``
  → ``"online meeting"``). The same rule applies to line breaks inside one cue,
  which are display wrapping.
* Tags (``<c>``, ``<b>``, ``<i>``, ``<u>``, ``<lang>``, ``<font>``, inline
  timestamps, ``{\\an8}``) are format syntax and removed; ruby readings
  (``<rt>…</rt>``) are reported as exclusions with reason ``"ruby"``. HTML
  entities (``&amp;`` ``&lt;`` ``&gt;`` ``&nbsp;`` …) are decoded.
* Stage directions such as ``（拍手）`` are removed and reported.
* VTT ``NOTE`` blocks are reported as exclusions with reason ``"note"``;
  ``STYLE`` and ``REGION`` blocks and the header are format syntax.
* Timings accept ``hh:mm:ss.mmm`` and ``mm:ss.mmm``, with ``.`` or ``,`` before
  the milliseconds in both formats. Anything else on a timing line raises
  :class:`~cooccur.errors.FormatError` with the line number.

Each turn's ``meta`` holds ``start_time`` and ``end_time`` (``"00:03:12.480"``):
the start of its first cue and the end of its last. ``line`` is the line of
the first cue's first text line; ``char_start``/``char_end`` span the cue text
of the turn's first to last cue.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from ...errors import FormatError
from ._base import Exclusion, Parsed, Turn, strip_stage_directions

__all__ = ["parse_vtt", "parse_srt", "format_timestamp"]

_TS = r"(?:(\d{1,3}):)?([0-5]?\d):([0-5]\d)[.,](\d{3})"
_TIMING_RE = re.compile(rf"^\s*{_TS}\s*-->\s*{_TS}(?:\s+.*)?\s*$")
_VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>")
_VOICE_END_RE = re.compile(r"</v\s*>")
_RUBY_RT_RE = re.compile(r"<rt(?:\.[^\s>]*)?>(.*?)</rt\s*>", re.S)
_TAG_RE = re.compile(r"<[^<>\n]*>|\{\\[^{}\n]*\}")
_COLON_RE = re.compile(r"^\s*([^:：\n]{1,30}?)\s*[:：](?!//)\s*")
_LABEL_BAD = re.compile(r"[。、，．！？!?「」『』\[\]<>]|^[\d\s.:\-]+$")
_SENTENCE_END = re.compile(r"[。．？！?!][」』）)\"']*$")


@dataclass
class _Line:
    no: int          # 1-based line number
    start: int       # offset of the first character
    text: str        # without the line break


@dataclass
class _Cue:
    timing_line: int
    start: float
    end: float
    payload: list[_Line] = field(default_factory=list)


def parse_vtt(text: str, *, path=None) -> Parsed:
    """Parse a WebVTT file into speaker turns.

    See the module documentation for the rules.

    Examples
    --------
    >>> vtt = ("WEBVTT\\n\\n1\\n00:00:01.000 --> 00:00:03.500\\n<v 山田>本日は&amp;お集まり\\n\\n"
    ...        "2\\n00:00:03.500 --> 00:00:05.000\\n<v 山田>いただきありがとうございます。</v>\\n\\n"
    ...        "00:00:05.000 --> 00:00:06.000\\n佐藤：よろしくお願いします。\\n")
    >>> p = parse_vtt(vtt)
    >>> [(t.speaker, t.text, t.line, t.meta["start_time"], t.meta["end_time"]) for t in p.turns]
    [('山田', '本日は&お集まりいただきありがとうございます。', 5, '00:00:01.000', '00:00:05.000'), ('佐藤', 'よろしくお願いします。', 12, '00:00:05.000', '00:00:06.000')]
    """
    lines = _split_lines(text)
    if not lines or not re.match(r"^\ufeff?WEBVTT(?:[ \t].*)?$", lines[0].text):
        raise FormatError("a WebVTT file must start with the line 'WEBVTT'", path=path, line=1)
    blocks = _blocks(lines)
    cues: list[_Cue] = []
    notes: list[Exclusion] = []
    for bi, block in enumerate(blocks):
        if bi == 0:  # header block
            for ln in block:
                if "-->" in ln.text:
                    raise FormatError("add a blank line between the WEBVTT header and the first cue",
                                      path=path, line=ln.no)
            continue
        first = block[0].text
        if re.match(r"^NOTE(?:[ \t]|$)", first):
            body = "\n".join([first[4:].strip()] + [ln.text.strip() for ln in block[1:]]).strip()
            if body:
                notes.append(Exclusion(None, block[0].no, "note", body))
            continue
        if re.match(r"^(?:STYLE|REGION)[ \t]*$", first) and not any("-->" in ln.text for ln in block):
            continue
        cues.append(_cue(block, path=path, kind="vtt"))
    return _assemble(cues, notes, path=path)


def parse_srt(text: str, *, path=None) -> Parsed:
    """Parse a SubRip file into speaker turns.

    Cues are ``number``, ``hh:mm:ss,mmm --> hh:mm:ss,mmm`` and text lines; the
    number may be missing. See the module documentation for the rules.

    Examples
    --------
    >>> srt = ("1\\n00:00:01,000 --> 00:00:02,000\\n山田: 資料を\\n画面に共有します\\n\\n"
    ...        "2\\n00:00:02,000 --> 00:00:04,000\\n<i>見えますか。</i>\\n")
    >>> [(t.speaker, t.text) for t in parse_srt(srt).turns]
    [('山田', '資料を画面に共有します見えますか。')]
    """
    lines = _split_lines(text)
    if lines and lines[0].text.startswith("\ufeff"):
        lines[0] = _Line(lines[0].no, lines[0].start + 1, lines[0].text[1:])
    cues = [_cue(block, path=path, kind="srt") for block in _blocks(lines)]
    return _assemble(cues, [], path=path)


def format_timestamp(seconds: float) -> str:
    """Format seconds as ``hh:mm:ss.mmm``.

    >>> format_timestamp(192.48)
    '00:03:12.480'
    """
    ms = int(round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


# --------------------------------------------------------------------------- parsing

def _split_lines(text: str) -> list[_Line]:
    if "\r" not in text:  # fast path, same lines as the general one below
        parts = text.split("\n")
        if parts[-1] == "":
            parts.pop()
        out = []
        start = 0
        for no, part in enumerate(parts, start=1):
            out.append(_Line(no, start, part))
            start += len(part) + 1
        return out
    out = []
    for no, m in enumerate(re.finditer(r"([^\r\n]*)(\r\n|\r|\n|$)", text), start=1):
        if m.group(0) == "" and m.start() == len(text):
            break
        out.append(_Line(no, m.start(), m.group(1)))
    return out


def _blocks(lines: list[_Line]) -> list[list[_Line]]:
    blocks: list[list[_Line]] = []
    cur: list[_Line] = []
    for ln in lines:
        if ln.text.strip():
            cur.append(ln)
        elif cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    return blocks


def _seconds(groups) -> float:
    h, m, s, ms = groups
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def _cue(block: list[_Line], *, path, kind: str) -> _Cue:
    example = "00:01:02.500 --> 00:01:05.000" if kind == "vtt" else "00:01:02,500 --> 00:01:05,000"
    if "-->" in block[0].text:
        ti = 0
    elif len(block) > 1 and "-->" in block[1].text:
        ti = 1
        if kind == "srt" and not block[0].text.strip().isdigit():
            raise FormatError(f"expected a cue number before the timing line, found {block[0].text.strip()!r}",
                              path=path, line=block[0].no)
    else:
        bad = block[1] if kind == "srt" and block[0].text.strip().isdigit() and len(block) > 1 else block[0]
        raise FormatError(f"expected a cue timing line such as '{example}', found {bad.text.strip()!r}; "
                          "cues must be separated by one blank line", path=path, line=bad.no)
    tl = block[ti]
    m = _TIMING_RE.match(tl.text)
    if not m:
        raise FormatError(f"malformed cue timing {tl.text.strip()!r}; expected e.g. '{example}'",
                          path=path, line=tl.no)
    start, end = _seconds(m.groups()[:4]), _seconds(m.groups()[4:8])
    if end < start:
        raise FormatError(f"cue ends ({format_timestamp(end)}) before it starts ({format_timestamp(start)})",
                          path=path, line=tl.no)
    return _Cue(tl.no, start, end, block[ti + 1:])


@dataclass
class _Segment:
    speaker: str | None      # explicit speaker, None = continue the previous one
    pieces: list[tuple[int, str]]  # (line no, raw text of that line)


def _segments(cue: _Cue) -> list[_Segment]:
    """Split a cue's text into runs with one explicit (or no) speaker each."""
    segs: list[_Segment] = []
    cur = _Segment(None, [])
    for ln in cue.payload:
        pos = 0
        s = ln.text
        for m in _VOICE_RE.finditer(s):
            before = s[pos:m.start()]
            if before:
                cur.pieces.append((ln.no, before))
            if cur.pieces or cur.speaker is not None:
                segs.append(cur)
            label = html.unescape(m.group(1) or "").replace("\xa0", " ").strip()
            cur = _Segment(label or None, [])
            pos = m.end()
        cur.pieces.append((ln.no, s[pos:]))
    if cur.pieces or cur.speaker is not None:
        segs.append(cur)
    for seg in segs:
        if seg.speaker is None and seg.pieces:
            no, first = seg.pieces[0]
            m = _COLON_RE.match(_TAG_RE.sub("", first))
            if m and not _LABEL_BAD.search(m.group(1)):
                stripped = _strip_prefix(first, m.group(1))
                if stripped is not None:
                    seg.speaker = html.unescape(m.group(1)).replace("\xa0", " ").strip()
                    seg.pieces[0] = (no, stripped)
    return segs


def _strip_prefix(raw: str, label: str) -> str | None:
    """Remove ``label`` and the following colon from ``raw`` (which may hold tags)."""
    m = re.match(r"^((?:\s|<[^<>\n]*>)*)" + re.escape(label) + r"((?:\s|<[^<>\n]*>)*)[:：]\s*", raw)
    if not m:
        return None
    return m.group(1) + m.group(2) + raw[m.end():]


def _clean_line(raw: str, ruby_out: list[str]) -> str:
    if "<" not in raw and "{" not in raw and "&" not in raw:  # no tag, no entity: nothing to remove
        return raw.replace("\xa0", " ").strip()
    raw = _VOICE_END_RE.sub("", raw)
    raw = _RUBY_RT_RE.sub(lambda m: ruby_out.append(m.group(1)) or "", raw)
    raw = _TAG_RE.sub("", raw)
    return html.unescape(raw).replace("\xa0", " ").strip()


def _join(prev: str, nxt: str) -> str:
    if not prev:
        return nxt
    if not nxt:
        return prev
    if _SENTENCE_END.search(prev):
        return prev + "\n" + nxt
    if prev[-1].isascii() and prev[-1].isalnum() and nxt[0].isascii() and nxt[0].isalnum():
        return prev + " " + nxt
    return prev + nxt


def _assemble(cues: list[_Cue], notes: list[Exclusion], *, path) -> Parsed:
    out = Parsed()
    turn: Turn | None = None
    for cue in cues:
        if not cue.payload:
            continue
        cue_start = cue.payload[0].start
        cue_end = cue.payload[-1].start + len(cue.payload[-1].text)
        for seg in _segments(cue):
            # a segment without a speaker continues the current turn (whoever speaks in it)
            speaker = seg.speaker if seg.speaker is not None else (turn.speaker if turn else None)
            if turn is None or speaker != turn.speaker:
                turn = Turn(speaker, "", seg.pieces[0][0] if seg.pieces else cue.payload[0].no,
                            char_start=cue_start, char_end=cue_end,
                            meta={"start_time": format_timestamp(cue.start),
                                  "end_time": format_timestamp(cue.end)})
                out.turns.append(turn)
            idx = len(out.turns) - 1
            for no, raw in seg.pieces:
                ruby: list[str] = []
                clean = _clean_line(raw, ruby)
                clean, removed = strip_stage_directions(clean)
                out.exclusions.extend(Exclusion(idx, no, "ruby", r) for r in ruby if r.strip())
                out.exclusions.extend(Exclusion(idx, no, "stage_direction", r) for r in removed)
                turn.text = _join(turn.text, clean.strip())
            turn.meta["end_time"] = cue.end  # seconds until the turn is complete, formatted below
            turn.char_end = cue_end
    for t in out.turns:
        t.meta["end_time"] = format_timestamp(t.meta["end_time"])
        if not t.text:
            t.exclusion = "empty"
    out.exclusions = sorted(notes + out.exclusions, key=lambda e: e.line)
    return out
