"""Minutes with turn marks: ``○議長（山田太郎君）　ただいまから会議を開きます。``

Each turn starts with ``○`` (U+25CB) or ``◯`` (U+25EF) at the start of a line,
then the speaker label, then an ideographic space (U+3000), then the remark.
The label runs up to the first ideographic space, so parentheses inside it stay
part of it: ``山田（太）委員`` is one label, not ``山田`` plus a note. When a line
has no ideographic space, a run of ASCII spaces ends the label; when it has no
space at all, a short line is a label standing alone (its remark follows on the
next lines) and a long one is split after the honorific ``君``/``君）``.

Text before the first mark (attendance, agenda) becomes a turn with no speaker
and the exclusion ``"preamble"``. Stage directions (``〔…〕``, ``（拍手）``) are
removed from the remarks and recorded as exclusions (``"stage_direction"``); a
line holding only a time note such as ``（午後２時開会）`` is recorded with the
reason ``"time_note"``.
"""

from __future__ import annotations

import re

from ._base import Parsed, Turn, strip_block

__all__ = ["parse_minutes", "MARK_RE"]

#: A line that starts a turn: optional indentation, then the mark.
MARK_RE = re.compile(r"[ \u3000]*[○◯]")
_MARK_LINE_RE = re.compile(r"^[ \u3000]*[○◯]", re.M)
_NON_SPACE = re.compile(r"\S")
_SENTENCE = re.compile(r"[。、！？!?]")
_HONORIFIC_END = re.compile(r"君[）)]?")
_MAX_LABEL = 40


def parse_minutes(text: str, *, path=None) -> Parsed:
    """Split minutes into speaker turns at the ``○``/``◯`` marks.

    Parameters
    ----------
    text : str
        Decoded text with ``"\\n"`` newlines.
    path : str, optional
        Only for messages.

    Returns
    -------
    Parsed
        Turns in document order (a preamble turn first if there is text before
        the first mark), the stage directions and time notes removed, and
        warnings for marks without a label. ``syntax_chars`` counts the marks.

    Examples
    --------
    >>> p = parse_minutes("出席議員　二十名\\n○議長（山田太郎君）　開会します。（拍手）\\n○山田（太）委員　質問します。")
    >>> [(t.speaker, t.text, t.exclusion) for t in p.turns]
    [(None, '出席議員\\u3000二十名', 'preamble'), ('議長（山田太郎君）', '開会します。', None), ('山田（太）委員', '質問します。', None)]
    >>> [(e.line, e.reason, e.text) for e in p.exclusions]
    [(2, 'stage_direction', '（拍手）')]
    """
    out = Parsed()
    marks = list(_MARK_LINE_RE.finditer(text))
    bounds = [m.start() for m in marks] + [len(text)]
    _preamble(text, bounds[0], out)
    line = text.count("\n", 0, bounds[0]) + 1
    for k, m in enumerate(marks):
        start, stop = bounds[k], bounds[k + 1]
        eol = text.find("\n", m.end(), stop)
        eol = stop if eol < 0 else eol
        label, rest, problem = _split_label(text[m.end():eol])
        if problem:
            out.warnings.append(f"line {line}: {problem}")
        end = max(eol, stop - 1 if k + 1 < len(marks) else len(text.rstrip("\n")))
        turn = Turn(speaker=label, text="", line=line, char_start=start, char_end=end)
        out.turns.append(turn)
        turn.text = strip_block(rest + text[eol:end], line=line, turn=len(out.turns) - 1,
                                exclusions=out.exclusions, time_notes=True)
        line += text.count("\n", start, stop)
    out.syntax_chars = len(marks)
    return out


def _preamble(text: str, stop: int, out: Parsed) -> None:
    """Text before the first mark: a turn with exclusion "preamble" (if any text is left)."""
    first = _NON_SPACE.search(text, 0, stop)
    if first is None:
        return
    start = text.rfind("\n", 0, first.start()) + 1
    line = text.count("\n", 0, start) + 1
    found: list = []
    end = start + len(text[start:stop].rstrip("\n"))
    body = strip_block(text[start:end], line=line, turn=0, exclusions=found, time_notes=True)
    if body.strip():
        out.turns.append(Turn(None, body, line, char_start=start, char_end=end, exclusion="preamble"))
    else:  # nothing but stage directions / time notes: they lie outside any turn
        for e in found:
            e.turn = None
    out.exclusions.extend(found)


def _split_label(rest: str) -> tuple[str, str, str | None]:
    """Split what follows the mark into (label, remark, problem or None)."""
    label, sep, remark = rest.partition("\u3000")
    if sep and label.count("（") > label.count("）"):  # 議員（南原　茂）: the space is inside the name
        close = rest.find("）", len(label))
        space = rest.find("\u3000", close) if close > 0 else -1
        if space < 0 and 0 < close < _MAX_LABEL and not rest[close + 1:].strip(" \u3000"):
            space = close + 1  # the label alone on its line
        if 0 < close < space <= _MAX_LABEL and "\n" not in rest[:space]:
            label, remark = rest[:space], rest[space + 1:]
    if sep:
        label = label.strip(" ")
        if len(label) <= _MAX_LABEL and not _SENTENCE.search(label):
            if not label:
                return "", remark, "turn mark without a speaker label"
            return label, remark, None
    stripped = rest.strip(" \u3000")
    if not stripped:
        return "", "", "turn mark without a speaker label or remark"
    m = re.match(r"([^ ]+) +(.*)", stripped)
    if m and len(m.group(1)) <= _MAX_LABEL and not _SENTENCE.search(m.group(1)):
        return m.group(1), m.group(2), None
    if len(stripped) <= _MAX_LABEL and not _SENTENCE.search(stripped):
        return stripped, "", None  # label alone on its line; the remark follows
    m = _HONORIFIC_END.search(stripped, 0, _MAX_LABEL)
    if m:
        return stripped[: m.end()], stripped[m.end():], None
    return "", rest, "could not tell where the speaker label ends (no ideographic space after it)"
