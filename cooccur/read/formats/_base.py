"""What every format parser returns, and helpers the parsers share.

A parser turns the decoded text (or the raw bytes, for binary formats such as
.docx) of one file into :class:`Parsed`: its turns in document order and the
spans of text it did not put into any turn's ``text``. The ``read`` stage turns
these into the ``utterances`` and ``exclusions`` DataFrames.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Turn", "Exclusion", "Parsed", "strip_stage_directions", "STAGE_DIRECTION_RE"]


@dataclass
class Turn:
    """One speaker turn.

    ``speaker`` is the label as written without the turn mark, or ``None`` for
    text before the first speaker (preamble). ``line`` is 1-based. ``exclusion``
    is ``None`` for a turn to analyse, else a reason such as ``"preamble"``.
    ``meta`` holds per-turn metadata (spreadsheet columns, VTT timings).
    """

    speaker: str | None
    text: str
    line: int
    char_start: int | None = None
    char_end: int | None = None
    exclusion: str | None = None
    meta: dict = field(default_factory=dict)


@dataclass
class Exclusion:
    """A span of text that is in no turn's ``text``.

    ``turn`` is the index into :attr:`Parsed.turns` of the turn it was removed
    from, or ``None`` when it lies outside any turn.
    """

    turn: int | None
    line: int
    reason: str
    text: str


@dataclass
class Parsed:
    turns: list[Turn] = field(default_factory=list)
    exclusions: list[Exclusion] = field(default_factory=list)


# Stage directions and notes that are not remarks: 〔…〕 and full-width/half-width
# parentheses around a short note such as （拍手） or （「異議なし」と呼ぶ者あり）.
_NOTE_WORDS = (
    "拍手", "笑", "笑い", "休憩", "中断", "再開", "退席", "入室", "退室", "着席", "登壇", "降壇",
    "呼ぶ者あり", "発言する者あり", "異議なし", "聴取不能", "聞き取り不能", "不明", "資料", "音声",
    "間", "沈黙", "一同", "挙手", "起立", "録音", "中略", "略",
)
STAGE_DIRECTION_RE = re.compile(
    r"〔[^〔〕\n]*〕"
    r"|[（(](?:[^（）()\n]{0,30}?(?:" + "|".join(map(re.escape, _NOTE_WORDS)) + r")[^（）()\n]{0,30}?)[）)]"
)


def strip_stage_directions(text: str) -> tuple[str, list[str]]:
    """Remove stage directions from ``text``; return the clean text and what was removed.

    >>> strip_stage_directions("ありがとうございます。（拍手）次に〔休憩〕進みます。")
    ('ありがとうございます。次に進みます。', ['（拍手）', '〔休憩〕'])
    >>> strip_stage_directions("区市町村（特別区を含む）の連携")
    ('区市町村（特別区を含む）の連携', [])
    """
    removed: list[str] = []

    def _cut(match: re.Match) -> str:
        removed.append(match.group(0))
        return ""

    return STAGE_DIRECTION_RE.sub(_cut, text), removed
