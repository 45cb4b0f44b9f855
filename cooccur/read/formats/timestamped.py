"""Online-meeting transcript exports: a speaker line with a time, then the remark.

Microsoft Teams (.docx and .txt), and several recording tools, export
transcripts as::

    山田 太郎   0:03
    こんにちは。本日は標準化について伺います。

    佐藤 花子   1:15
    はい、情報共有の件ですね。

Also accepted: ``[山田 太郎] 10:01:02``, ``山田 太郎 (00:01:15)`` and
``00:01:15 山田 太郎``. A line is a speaker line only when it holds nothing but
a short name and a time; the file counts as this format when at least three
lines are speaker lines and a name recurs. The time goes into the turn's
``start_time`` metadata; text before the first speaker line is a preamble.
"""

from __future__ import annotations

import re
from collections import Counter

from ._base import Parsed, TurnCollector

__all__ = ["parse_timestamped", "looks_like_timestamped", "speaker_lines"]

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_NAME = r"[^\s\d:：()（）\[\]「」。、][^:：()（）\[\]「」。、\n]{0,39}?"
_NAME_TIME = re.compile(
    r"^[ \u3000]*(?:\[(?P<n1>[^\]\n]{1,40})\]|(?P<n2>" + _NAME + r"))[ \u3000]+[(（]?(?P<t1>" + _TIME
    + r")[)）]?[ \u3000]*$")
_TIME_NAME = re.compile(
    r"^[ \u3000]*[(（\[]?(?P<t2>" + _TIME + r")[)）\]]?[ \u3000]+(?:\[(?P<n3>[^\]\n]{1,40})\]|(?P<n4>" + _NAME
    + r"))[ \u3000]*$")


def speaker_lines(lines) -> dict[int, tuple[str, str]]:
    """``{line index: (speaker, time)}`` for every line that is only a name and a time."""
    found = {}
    for i, line in enumerate(lines):
        if ":" not in line or len(line) > 80:
            continue
        m = _NAME_TIME.match(line) or _TIME_NAME.match(line)
        if m:
            d = m.groupdict()
            name = next(d[k] for k in ("n1", "n2", "n3", "n4") if d.get(k))
            time = d.get("t1") or d.get("t2")
            name = name.strip(" \u3000")
            if name:
                found[i] = (name, time)
    return found


def looks_like_timestamped(lines) -> bool:
    """At least three name-and-time lines, and some name among them recurs."""
    counts = Counter(name for name, _ in speaker_lines(lines).values())
    return sum(counts.values()) >= 3 and any(n >= 2 for n in counts.values())


def parse_timestamped(text: str, *, path=None) -> Parsed:
    """Split a timestamped transcript into turns.

    Examples
    --------
    >>> p = parse_timestamped("会議\\n山田 太郎   0:03\\nこんにちは。\\n\\n佐藤 花子   1:15\\nはい。")
    >>> [(t.speaker, t.text.strip(), t.meta.get("start_time"), t.exclusion) for t in p.turns]
    [(None, '会議', None, 'preamble'), ('山田 太郎', 'こんにちは。', '0:03', None), ('佐藤 花子', 'はい。', '1:15', None)]
    """
    c = TurnCollector(text)
    found = speaker_lines(c.lines)
    syntax = 0
    for i, line in enumerate(c.lines):
        hit = found.get(i)
        if hit is None:
            c.add(i, line)
            continue
        name, time = hit
        c.start(name, i, "")
        c.parsed.turns[-1].meta["start_time"] = time
        # everything on the line but the label is format syntax (the time, brackets); the
        # label's own characters are counted with the speaker labels, spaces included
        syntax += len("".join(line.split())) - len(name)
    parsed = c.finish()
    parsed.syntax_chars = syntax
    return parsed
