"""What every format parser returns, and helpers the parsers share.

A parser turns the decoded text (or the raw bytes, for binary formats such as
.docx) of one file into :class:`Parsed`: its turns in document order and the
spans of text it did not put into any turn's ``text``. The ``read`` stage turns
these into the ``utterances`` and ``exclusions`` DataFrames.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "Turn",
    "Exclusion",
    "Parsed",
    "TurnCollector",
    "strip_stage_directions",
    "STAGE_DIRECTION_RE",
    "TIME_NOTE_RE",
]


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
    """A parser's result.

    ``syntax_chars`` counts the non-whitespace characters the parser consumed as
    turn marks or format syntax (``○``, the colon after a label, an interviewer
    dash); speaker labels are counted through :attr:`Turn.speaker`. With it the
    read stage can check that every character of a file is accounted for.
    ``implied_label_chars`` counts the characters of speaker labels that the
    parser supplied and that are not in the text (``聞き手`` for an
    interviewer's dash line), so they are not counted as read.
    ``warnings`` holds messages about oddities that did not stop parsing (e.g.
    a turn mark without a label, starting with ``"line N: "``; which sheet of a
    workbook was read).
    """

    turns: list[Turn] = field(default_factory=list)
    exclusions: list[Exclusion] = field(default_factory=list)
    syntax_chars: int = 0
    implied_label_chars: int = 0
    warnings: list[str] = field(default_factory=list)


# Stage directions and notes that are not remarks: 〔…〕 and full-width/half-width
# parentheses around a short note such as （拍手） or （「異議なし」と呼ぶ者あり）.
# A parenthetical is a stage direction when it IS a note, not when a note word
# merely occurs in it: （情報戦略課長） contains 略 and （三か月間） contains 間, and
# both are ordinary text. So: a whole-content note word, a 「…」と呼ぶ者あり phrase,
# or a short note ending in an action word (（山田議員登壇）, （午後２時開会）).
_WHOLE_NOTES = (
    "拍手", "笑", "笑い", "笑声", "休憩", "中断", "再開", "沈黙", "挙手", "起立", "中略", "前略", "後略",
    "以下略", "聴取不能", "聞き取り不能", "不規則発言", "録音不良", "音声途切れ", "間", "一同", "異議なし",
)
_ENDING_NOTES = (
    "登壇", "降壇", "退席", "入室", "退室", "着席", "退場", "入場", "拍手", "笑い", "開会", "閉会", "散会",
    "開議", "延会", "休会", "休憩", "再開", "聴取不能", "聞き取り不能",
)
_NOTE_BODY = (
    "(?:" + "|".join(map(re.escape, _WHOLE_NOTES)) + ")"
    + r"|[^（）()\n]{0,40}?(?:呼ぶ者あり|発言する者あり|言う者あり|者あり)"
    + r"|[^（）()\n「」]{0,30}?(?:" + "|".join(map(re.escape, _ENDING_NOTES)) + ")"
)
STAGE_DIRECTION_RE = re.compile(r"〔[^〔〕\n]*〕|[（(](?:" + _NOTE_BODY + r")[）)]")


def strip_stage_directions(text: str) -> tuple[str, list[str]]:
    """Remove stage directions from ``text``; return the clean text and what was removed.

    >>> strip_stage_directions("ありがとうございます。（拍手）次に〔休憩〕進みます。")
    ('ありがとうございます。次に進みます。', ['（拍手）', '〔休憩〕'])
    >>> strip_stage_directions("区市町村（特別区を含む）の連携")
    ('区市町村（特別区を含む）の連携', [])
    >>> strip_stage_directions("府中市（情報戦略課長）、期間（三か月間）（「異議なし」と呼ぶ者あり）")
    ('府中市（情報戦略課長）、期間（三か月間）', ['（「異議なし」と呼ぶ者あり）'])
    >>> strip_stage_directions("（午後２時開会）")
    ('', ['（午後２時開会）'])
    """
    if "〔" not in text and "（" not in text and "(" not in text:  # the pattern cannot match: skip it
        return text, []
    removed: list[str] = []

    def _cut(match: re.Match) -> str:
        removed.append(match.group(0))
        return ""

    return STAGE_DIRECTION_RE.sub(_cut, text), removed


# A line that holds nothing but a time note: （午後２時開会）, 〔午後3時10分再開〕, 午前10時開議.
_DIGITS = "0-9０-９〇一二三四五六七八九十"
_TIME = r"(?:午前|午後)[" + _DIGITS + r"]+時(?:[" + _DIGITS + r"]+分|半)?"
TIME_NOTE_RE = re.compile(
    r"[ \u3000]*(?:[（(〔\[［][ \u3000]*" + _TIME + r"[^（）()〔〕\[\]［］\n。]{0,12}[）)〕\]］]"
    r"|" + _TIME + r"(?:開会|閉会|散会|開議|閉議|休憩|再開|延会|休会))[ \u3000]*"
)
_TIME_NOTE_LINE_RE = re.compile(r"^" + TIME_NOTE_RE.pattern + r"$", re.M)


#: Heading lines of assembly minutes: ◎開会の宣告, △日程第1 議案第1号, ◇一般質問 … (a whole line).
_HEADING_LINE_RE = re.compile(r"^[ \u3000]*[◎◇△▲□■◆][^\n]*$", re.M)


def strip_block(
    block: str, *, line: int, turn: int | None, exclusions: list, time_notes: bool = False
) -> str:
    r"""Remove stage directions (and, optionally, time-note and heading lines) from a multi-line block.

    With ``time_notes=True`` (minutes), a whole line that starts with ◎ ◇ △ ▲ □
    ■ ◆ is an agenda heading of assembly minutes (◎開会の宣告, △日程第1) and
    is removed with reason ``"heading"``, not read as part of the remark above it.

    Works on the whole block with one regex pass, so it is fast on long texts.
    Each removal is appended to ``exclusions`` as an :class:`Exclusion` whose
    line is ``line`` (the block's first line) plus the newlines before it.
    Removed time-note lines leave an empty line, so line numbers stay valid.

    >>> ex = []
    >>> strip_block("開会します。\n（午後２時開会）\n（拍手）続けます。", line=5, turn=1, exclusions=ex, time_notes=True)
    '開会します。\n\n続けます。'
    >>> [(e.line, e.reason, e.text) for e in ex]
    [(6, 'time_note', '（午後２時開会）'), (7, 'stage_direction', '（拍手）')]
    >>> strip_block("以上です。\n◎日程第２　議案第５号\n", line=1, turn=0, exclusions=ex, time_notes=True)
    '以上です。\n\n'
    >>> (ex[-1].line, ex[-1].reason, ex[-1].text)
    (2, 'heading', '◎日程第２\u3000議案第５号')
    """
    found: list[Exclusion] = []
    for reason, pattern in (("time_note", _TIME_NOTE_LINE_RE if time_notes else None),
                            ("heading", _HEADING_LINE_RE if time_notes else None),
                            ("stage_direction", STAGE_DIRECTION_RE)):
        if pattern is None:
            continue
        if reason == "time_note":
            if "時" not in block:
                continue
        elif reason == "heading":
            if not any(c in block for c in "◎◇△▲□■◆"):
                continue
        elif "（" not in block and "〔" not in block and "(" not in block:
            continue
        source = block

        def _cut(match: re.Match, reason=reason, source=source) -> str:
            text = match.group(0).strip(" \u3000")
            found.append(Exclusion(turn, line + source.count("\n", 0, match.start()), reason, text))
            return ""

        block = pattern.sub(_cut, block)
    found.sort(key=lambda e: e.line)  # stable: within a line, time notes first
    exclusions.extend(found)
    return block

class TurnCollector:
    r"""Build :class:`Parsed` from a text one line at a time.

    The line-based parsers (minutes, colon, interview) share this: they decide
    where turns start; the collector keeps character offsets, strips stage
    directions from every line it is given, and records each removal as an
    :class:`Exclusion`.

    Parameters
    ----------
    text : str
        The decoded text with ``"\n"`` newlines.

    Examples
    --------
    >>> c = TurnCollector("前文\nA：はい（笑）")
    >>> c.start(None, 0, c.lines[0], exclusion="preamble")
    >>> c.start("A", 1, "はい（笑）")
    >>> p = c.finish()
    >>> [(t.speaker, t.text, t.char_start, t.char_end) for t in p.turns]
    [(None, '前文', 0, 2), ('A', 'はい', 3, 10)]
    >>> [(e.turn, e.line, e.reason, e.text) for e in p.exclusions]
    [(1, 2, 'stage_direction', '（笑）')]
    """

    def __init__(self, text: str):
        self.lines = text.split("\n")
        starts = [0] * len(self.lines)
        pos = 0
        for i, line in enumerate(self.lines):
            starts[i] = pos
            pos += len(line) + 1
        self.starts = starts
        self.parsed = Parsed()
        self._parts: list[str] | None = None
        self._last = 0

    @property
    def current(self) -> int | None:
        """Index of the open turn, or ``None`` before the first one."""
        return None if self._parts is None else len(self.parsed.turns) - 1

    def start(self, speaker: str | None, index: int, rest: str, *, exclusion: str | None = None) -> None:
        """Open a turn at 0-based line ``index``; ``rest`` is the remark on that line."""
        self._close()
        self.parsed.turns.append(
            Turn(speaker=speaker, text="", line=index + 1, char_start=self.starts[index], exclusion=exclusion)
        )
        self._parts = []
        self._last = index
        if rest.strip():
            self.add(index, rest)

    def add(self, index: int, text: str) -> None:
        """Append ``text`` (line ``index``) to the open turn, or to a preamble turn if none is open."""
        if self._parts is None:
            if text.strip():  # blank lines before any text start nothing
                self.start(None, index, text, exclusion="preamble")
            return
        if "〔" in text or "（" in text or "(" in text:
            text, removed = strip_stage_directions(text)
            turn = self.current
            for r in removed:
                self.parsed.exclusions.append(Exclusion(turn, index + 1, "stage_direction", r))
        self._parts.append(text)
        if text.strip():
            self._last = index

    def exclude(self, index: int, reason: str, text: str) -> None:
        """Record line ``index``'s ``text`` as excluded (inside the open turn, if any)."""
        self.parsed.exclusions.append(Exclusion(self.current, index + 1, reason, text))

    def _close(self) -> None:
        if self._parts is None:
            return
        parts = self._parts
        while parts and not parts[-1].strip():  # trailing blank lines belong to no turn
            parts.pop()
        turn = self.parsed.turns[-1]
        turn.text = "\n".join(parts)
        turn.char_end = self.starts[self._last] + len(self.lines[self._last])
        self._parts = None

    def finish(self) -> Parsed:
        """Close the open turn and return the result."""
        self._close()
        return self.parsed
