"""Colon style: ``名前：発言`` or ``名前: 発言``, a turn running until the next speaker line.

Not every colon marks a speaker: ``会議は10:30に始まります``, URLs and
``注：`` notes also have one. A line starts a turn only when its label

* is short (at most 30 characters) and has no sentence punctuation,
* is not a number or a time (``10:30``) and is not a URL scheme (``https://``),
* and, when the file has four or more candidate lines, recurs (appears as a
  label on at least two lines): one-off ``日時：`` or ``場所：`` lines then stay
  part of the text — unless the one-off label looks like a person: it ends in a
  role or honorific (課長, 委員, さん, …) or has the 役職（氏名） shape of the
  recurring labels. A one-off label kept as text is reported in the warnings.

Text before the first speaker line is a preamble turn (no speaker).
"""

from __future__ import annotations

import re
from collections import Counter

from ._base import Parsed, TurnCollector

__all__ = ["parse_colon", "looks_like_colon", "speaker_candidates", "COLON_RE"]

#: ``label：rest`` at the start of a line (full-width or ASCII colon).
COLON_RE = re.compile(r"[ \u3000]*([^:：\s][^:：]{0,29}?)[ \u3000]*[:：][ \u3000]*(.*)")
_BAD_LABEL = re.compile(r"[。、，,.．！？!?「」『』]|^[\d０-９ 　:：時分]+$")
_DIGIT = re.compile(r"[\d０-９]")
#: With at least this many candidate lines, a label must recur to count.
MIN_LINES_FOR_RECURRENCE = 4


def speaker_candidates(lines) -> tuple[list[tuple[int, str, str, int] | None], Counter]:
    """Find lines that look like ``label：remark``.

    Returns one entry per line — ``None`` or ``(label, remark)`` — and the
    number of lines on which each label appears.
    """
    found: list = []
    counts: Counter = Counter()
    for line in lines:
        if "：" not in line and ":" not in line:
            found.append(None)
            continue
        m = COLON_RE.match(line)
        if m is None:
            found.append(None)
            continue
        label, rest = m.group(1).strip(" \u3000"), m.group(2)
        if (
            _BAD_LABEL.search(label)
            or (rest.startswith("//") and label.isascii())  # https://...
            or (_DIGIT.match(label[-1]) and _DIGIT.match(rest[:1] or " "))  # 10:30
        ):
            found.append(None)
            continue
        found.append((label, rest))
        counts[label] += 1
    return found, counts


def parse_colon(text: str, *, path=None) -> Parsed:
    """Split colon-style text into speaker turns.

    Parameters
    ----------
    text : str
        Decoded text with ``"\\n"`` newlines.
    path : str, optional
        Only for messages.

    Returns
    -------
    Parsed
        Turns in document order; ``syntax_chars`` counts the colons after labels.

    Examples
    --------
    >>> p = parse_colon("司会：始めます。\\n10:30に再開\\n田中: はい。\\n続けます。")
    >>> [(t.speaker, t.text) for t in p.turns]
    [('司会', '始めます。\\n10:30に再開'), ('田中', 'はい。\\n続けます。')]
    """
    c = TurnCollector(text)
    found, counts = speaker_candidates(c.lines)
    need = 2 if sum(counts.values()) >= MIN_LINES_FOR_RECURRENCE else 1
    bracketed = any(n >= need and label.endswith(("）", ")")) for label, n in counts.items())
    colons = 0
    notes = []
    for i, line in enumerate(c.lines):
        hit = found[i]
        if hit is not None and (counts[hit[0]] >= need or _label_shaped(hit[0], bracketed)):
            colons += 1
            c.start(hit[0], i, hit[1])
        else:
            if hit is not None and colons:  # inside the turns (header lines like 日時： are expected)
                notes.append(f"line {i + 1}: {hit[0]!r} before a colon occurs once and does not look like a "
                             "speaker label, so the line was kept in the previous turn; if it is a speaker, "
                             "write the label like the others (e.g. 役職（氏名）)")
            c.add(i, line)
    parsed = c.finish()
    parsed.syntax_chars = colons
    parsed.warnings.extend(notes)
    return parsed


#: Endings of labels that name a person by role or honorific (a once-only speaker is still a speaker).
_ROLE_ENDINGS = ("委員", "委員長", "議長", "会長", "部長", "課長", "室長", "局長", "係長", "主任", "市長", "区長",
                 "町長", "村長", "知事", "司会", "座長", "さん", "氏", "君", "様", "先生", "教授", "担当")


def _label_shaped(label: str, bracketed: bool) -> bool:
    """Evidence for a label that occurs once: a role ending, or the 役職（氏名） shape the recurring labels have."""
    if label.endswith(_ROLE_ENDINGS):
        return True
    return bracketed and (label.endswith("）") and "（" in label or label.endswith(")") and "(" in label)


def looks_like_colon(text_lines) -> bool:
    """True if enough recurring ``label：`` lines make the colon style likely.

    At least three speaker lines, two distinct labels, and one label recurring.

    >>> looks_like_colon(["日時：5月1日", "場所：区役所", "議題：予算"])
    False
    >>> looks_like_colon(["A：はい", "B：いいえ", "A：なぜ"])
    True
    """
    _, counts = speaker_candidates(text_lines)
    if len(counts) < 2 or not any(n >= 2 for n in counts.values()):
        return False
    return sum(counts.values()) >= 3
