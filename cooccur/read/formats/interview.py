"""Interview / article style, as published by magazines and municipal newsletters.

Typical layout::

    自治体DXの現場から
    江戸川区 情報システム課長：川口 浩介（以下「川口」）

    ――DXを始めたきっかけは？
    川口
    窓口の待ち時間が長いという声でした。

What the parser recognises, in order of the evidence it needs:

* **Introductions** ``役職:姓(以下「姓」)`` anywhere in the text define aliases.
  A line that is nothing but introductions is recorded as an exclusion with
  reason ``"speaker_intro"``; an introduction inside a sentence stays text.
* **Interviewer lines** start with a dash (``―`` U+2015, ``—``, ``──``, ``ーー``,
  ``--``); the dash is syntax, the speaker is ``"聞き手"``. A line of dashes
  alone is a separator (reason ``"separator"``).
* **Name lines**: a line equal to a known alias (or the alias followed by a
  space or colon and the remark) starts that person's turn; a label written
  ``川口：…`` on two or more lines counts as an alias too (web-page
  interviews mix ``――`` questions with ``名前：`` answers). Without aliases, a
  short line without punctuation counts as a name only if it recurs as a whole
  line at least twice and is followed by text.
* **Captions** (``写真：…``, ``図1：…``) are excluded (reason ``"caption"``), and
  a short unpunctuated line standing after a blank line right before a question
  or a name line is a heading (reason ``"heading"``), not a speaker.
"""

from __future__ import annotations

import re
from collections import Counter

from ._base import Parsed, TurnCollector

__all__ = ["parse_interview", "INTRO_RE", "DASH_RE", "INTERVIEWER"]

#: Speaker label given to dash-marked (interviewer) lines.
INTERVIEWER = "聞き手"
#: ``…（以下「姓」）`` — group "alias".
INTRO_RE = re.compile(r"[（(]以下[、,，]?[ \u3000]*[「『](?P<alias>[^」』\n]{1,15})[」』](?:と(?:する|略す|記す|いう))?[）)]")
_INTRO_BARE = INTRO_RE.pattern.replace("?P<alias>", "")
_INTRO_LINE = re.compile(r"(?:[^。！？!?\n]*?" + _INTRO_BARE + r"[ \u3000、，,]*)+。?")
#: An interviewer line: group 1 the dash run, group 2 the question.
DASH_RE = re.compile(r"[ \u3000]*([―—]+|─+|ー{2,}|-{2,}|‐{2,})[ \u3000]*(.*)")
_CAPTION = re.compile(r"[ \u3000]*(?:写真|画像|図|表|出典|撮影|提供|イラスト)[0-9０-９]*[ \u3000]*[：:]")
_PUNCT = re.compile(r"[。、！？!?「」『』：:（）()，,.]")
_HEADING_PUNCT = re.compile(r"[。！？!?]")
_MAX_NAME = 12
_MAX_HEADING = 30


def parse_interview(text: str, *, path=None) -> Parsed:
    """Split an interview or article into speaker turns.

    Parameters
    ----------
    text : str
        Decoded text with ``"\\n"`` newlines.
    path : str, optional
        Only for messages.

    Returns
    -------
    Parsed
        Turns in document order; ``syntax_chars`` counts the interviewer dashes
        and the colons after aliases.

    Examples
    --------
    >>> p = parse_interview("課長：川口 浩介（以下「川口」）\\n――きっかけは？\\n川口\\n待ち時間です。")
    >>> [(t.speaker, t.text) for t in p.turns]
    [('聞き手', 'きっかけは？'), ('川口', '待ち時間です。')]
    >>> [(e.line, e.reason) for e in p.exclusions]
    [(1, 'speaker_intro')]
    """
    c = TurnCollector(text)
    lines = c.lines
    stripped = [ln.strip(" \u3000") for ln in lines]
    aliases = {m.group("alias").strip(" \u3000") for m in INTRO_RE.finditer(text)}
    aliases.discard("")
    names = set(aliases) | _recurring_names(stripped)
    aliases |= _recurring_colon_labels(lines)
    alias_re = None
    if aliases:
        alt = "|".join(re.escape(a) for a in sorted(aliases, key=lambda a: (-len(a), a)))
        alias_re = re.compile(r"[ \u3000]*(" + alt + r")(?:[ \u3000]+|[ \u3000]*([:：])[ \u3000]*)(.+)")

    kinds = [_kind(s, ln, names, alias_re) for s, ln in zip(stripped, lines)]
    syntax = implied = 0
    for i, (kind, value) in enumerate(kinds):
        line = lines[i]
        if kind == "text" and _is_heading(i, stripped, kinds):
            kind = "heading"
        if kind == "text":
            c.add(i, line)
        elif kind == "dash":
            m = DASH_RE.match(line)
            syntax += len(m.group(1))
            implied += len(INTERVIEWER)
            c.start(INTERVIEWER, i, m.group(2))
        elif kind == "name":
            c.start(value, i, "")
        elif kind == "alias":
            m = alias_re.match(line)
            syntax += 1 if m.group(2) else 0
            c.start(m.group(1), i, m.group(3))
        else:  # speaker_intro, separator, caption, heading
            c.exclude(i, kind, stripped[i])
    parsed = c.finish()
    parsed.syntax_chars = syntax
    parsed.implied_label_chars = implied
    return parsed


def looks_like_interview(text: str) -> bool:
    """True if the text has an ``（以下「…」）`` introduction or two interviewer lines.

    >>> looks_like_interview("――最初の質問です。\\n答え\\n――次の質問です。")
    True
    """
    if INTRO_RE.search(text):
        return True
    n = 0
    for line in text.split("\n"):
        m = DASH_RE.match(line)
        if m and m.group(2):
            n += 1
            if n >= 2:
                return True
    return False


def _recurring_colon_labels(lines: list[str]) -> set[str]:
    """Labels written ``川口：…`` on two or more lines (web-page interviews mix them with ―― questions)."""
    from .colon import speaker_candidates

    _, counts = speaker_candidates(lines)
    return {label for label, n in counts.items()
            if n >= 2 and len(label) <= _MAX_NAME and not _CAPTION.match(label + "：") and not DASH_RE.match(label)}


def _recurring_names(stripped: list[str]) -> set[str]:
    """Short unpunctuated lines that recur as whole lines and are followed by text."""
    counts: Counter = Counter()
    for i, s in enumerate(stripped[:-1]):
        if (
            0 < len(s) <= _MAX_NAME
            and stripped[i + 1]
            and not _PUNCT.search(s)
            and not DASH_RE.match(s)
            and not s.isdigit()
        ):
            counts[s] += 1
    return {s for s, n in counts.items() if n >= 2}


def _kind(s: str, line: str, names: set[str], alias_re) -> tuple[str, str | None]:
    if not s:
        return "text", None
    m = DASH_RE.match(line)
    if m:
        return ("dash", None) if m.group(2) else ("separator", None)
    if s in names:
        return "name", s
    if alias_re is not None and alias_re.match(line):
        return "alias", None
    if "以下" in s and _INTRO_LINE.fullmatch(s):
        return "speaker_intro", None
    if _CAPTION.match(s):
        return "caption", None
    return "text", None


def _is_heading(i: int, stripped: list[str], kinds) -> bool:
    s = stripped[i]
    if not s or len(s) > _MAX_HEADING or _HEADING_PUNCT.search(s):
        return False
    if i > 0 and stripped[i - 1]:
        return False
    for j in range(i + 1, len(stripped)):
        if stripped[j]:
            return kinds[j][0] in ("dash", "name", "alias")
    return False
