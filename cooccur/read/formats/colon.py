"""Colon style: ``名前：発言`` or ``名前: 発言``, a turn running until the next speaker line.

Not every colon marks a speaker: ``会議は10:30に始まります``, URLs and
``注：`` notes also have one. A line starts a turn only when its label

* is short (at most 30 characters) and has no sentence punctuation,
* is not a number or a time (``10:30``) and is not a URL scheme (``https://``),
* and, when the file has four or more candidate lines, recurs (appears as a
  label on at least two lines) — unless the one-off label is shaped like a
  speaker's (:func:`cooccur.read.speakers.is_speaker_label`): a municipality
  (練馬区), a role (課長, 委員, 知事, …), a name with an honorific (さん, 君),
  the 役職（氏名） shape of the recurring labels, or a label of the speakers
  table. Roundtables are full of people who speak once, so such a line is a
  turn of its own. Other one-off labels (``日時：``, ``場所：``, ``注：``, any
  other word) stay part of the text: inside a turn each is reported in the
  warnings with its line; before the first speaker they are part of the
  preamble, which is excluded and reported as such.

Text before the first speaker line is a preamble turn (no speaker).
"""

from __future__ import annotations

import re
from collections import Counter

from ..speakers import is_speaker_label
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


def parse_colon(text: str, *, path=None, known_speakers=frozenset()) -> Parsed:
    """Split colon-style text into speaker turns.

    Parameters
    ----------
    text : str
        Decoded text with ``"\\n"`` newlines.
    path : str, optional
        Only for messages.
    known_speakers : set of str, optional
        :func:`~cooccur.read.speakers.speaker_key` of labels known to be
        speakers (from a speakers table): such a label starts a turn even once.

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
        if hit is not None and (counts[hit[0]] >= need
                                or is_speaker_label(hit[0], known=known_speakers, bracketed=bracketed)):
            colons += 1
            c.start(hit[0], i, hit[1])
        else:
            if hit is not None and colons:  # in the preamble (日時：, 場所：) the line is excluded with it
                notes.append(f"line {i + 1}: {hit[0]!r} before a colon occurs once and does not look like a "
                             "speaker label (a place, role or name), so the line was kept in the previous turn; "
                             "if it is a speaker, add the label to speakers.csv or write it like the others "
                             "(e.g. 役職（氏名）)")
            c.add(i, line)
    parsed = c.finish()
    parsed.syntax_chars = colons
    parsed.warnings.extend(notes)
    return parsed


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
