"""Speaker labels: one identity per speaker, and the label split into role and name.

Transcripts write the same speaker in several ways: ``議長 (石川良一君）`` and
``議長（石川良一君）`` are one person, and so are ``山田　太郎`` and ``山田 太郎``.
:func:`speaker_key` gives the identity (NFKC, white space removed) and
:func:`split_label` the two parts analysts filter and group by:

==============================  ==============  ==============
label                           speaker_role    speaker_name
==============================  ==============  ==============
``議長（石川良一君）``            ``議長``        ``石川良一``
``山田委員長``                    ``委員長``      ``山田``
``百十四番（荒木ちはる君）``      ``百十四番``    ``荒木ちはる``
``上田勇君``                      NA              ``上田勇``
``議員（南原　茂）``              ``議員``        ``南原茂``
``中川（宏）委員``                ``委員``        ``中川(宏)``
``伊藤土木部長``                  ``土木部長``    ``伊藤``
``千代田区（情報政策課長）``      ``情報政策課長`` NA
``司会（都デジタル局）``          ``司会``        NA
``江戸川区``                      ``江戸川区``    NA
``A``                             NA              ``A``
==============================  ==============  ==============

A municipality or other body (江戸川区, 都デジタル局) standing for the
person who speaks for it is a role, not a name: the label says in what
capacity somebody speaks. Role and name are NFKC-normalised with white space
removed (``（`` becomes ``(``), so that they group like :func:`speaker_key`.
Where a role word ends a label whose head is not a standalone title
(``伊藤土木部長``), SudachiPy's person-name tags find where the name ends; a
label with no name in it is all role.

:func:`is_speaker_label` tells whether a label standing once before a colon is
a speaker (a municipality, a role, a name with an honorific, a label of the
``役職（氏名）`` shape, or a label listed in a speakers table) or a header such
as ``日時：`` or ``注：``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["split_label", "speaker_key", "is_speaker_label", "ROLE_WORDS", "HONORIFICS"]

#: Titles that are a whole role by themselves: what stands before them is the name (山田委員長 → 山田).
_STANDALONE = (
    "内閣総理大臣", "総理大臣", "国務大臣", "大臣政務官", "副大臣", "大臣", "政務官", "政府参考人", "参考人", "公述人",
    "証人", "委員以外の議員", "衆議院議員", "参議院議員", "議員", "副委員長", "委員長", "委員", "理事", "副議長", "議長",
    "副会長", "会長", "座長", "司会", "司会者", "進行", "副市長", "市長", "副区長", "区長", "町長", "村長", "副知事", "知事",
    "教育長", "警察本部長", "総裁", "副総裁", "事務局長", "事務総長", "幹事長", "代表", "社長", "副社長", "専務", "常務",
    "先生", "教授", "准教授", "講師", "助教", "記者", "聞き手", "インタビュアー", "司会進行", "ファシリテーター",
    "コーディネーター", "パネリスト", "モデレーター", "オブザーバー", "説明員", "事務局", "係長", "主任", "主査", "主事",
)
#: Titles that usually carry a department before them (伊藤土木部長): the name, if any, is found by SudachiPy.
_COMPOUND = ("本部長", "部長", "課長", "局長", "室長", "所長", "次長", "参事", "監", "担当", "長", "官", "員")
#: Role words a label may end with (longest first when matching).
ROLE_WORDS: tuple[str, ...] = tuple(sorted(set(_STANDALONE + _COMPOUND), key=len, reverse=True))
#: Honorifics after a name (stripped from ``speaker_name``).
HONORIFICS: tuple[str, ...] = ("さん", "くん", "ちゃん", "君", "氏", "様", "殿")
_MUNICIPAL = ("区", "市", "町", "村", "都", "道", "府", "県")
_NOT_MUNICIPAL = ("地区", "学区", "選挙区", "市町村", "区市町村", "都道府県", "地域")
_ORGAN = ("局", "省", "庁", "部", "課", "室", "委員会", "事務局", "センター")
_BODY = _MUNICIPAL + ("局", "省", "庁", "部", "課", "室", "所", "係", "班", "センター", "会", "社", "大学", "協会",
                      "委員会", "事務局", "組合", "機構", "研究所", "財団", "法人")
#: Labels that are never a speaker when they occur once (header lines of a transcript).
_HEADERS = re.compile(r"^(?:出席|欠席|説明|配布|参考|備考|注|日時|日付|場所|会場|時間|議題|件名|題名|テーマ|資料|出典|"
                      r"記録|作成|問い?合わせ|URL|文責|開催|次第)")
_PAREN = re.compile(r"^(?P<outer>[^()]*)\((?P<inner>[^()]*)(?:\)(?P<after>[^()]*))?$")
_SPACE = re.compile(r"\s+")
_ASCII_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,19}$")


def speaker_key(label) -> str | None:
    """The identity of a speaker label: NFKC, white space removed.

    >>> speaker_key("議長 (石川良一君）") == speaker_key("議長（石川良一君）")
    True
    >>> speaker_key("山田　太郎"), speaker_key(None)
    ('山田太郎', None)
    """
    if label is None or label != label:  # None or NA/NaN
        return None
    key = _key(str(label))
    return key or None


def split_label(label) -> tuple[str | None, str | None]:
    """Split a speaker label into ``(role, name)``; a part that is not there is None.

    Parameters
    ----------
    label : str or None
        The label as written (``議長（石川良一君）``, ``山田委員長``, ``上田勇君``, ``江戸川区``…).

    Returns
    -------
    tuple of (str or None, str or None)
        The role (役職, or the body the speaker speaks for) and the name without
        honorific, both NFKC-normalised with white space removed.

    Examples
    --------
    >>> split_label("議長（石川良一君）"), split_label("山田委員長")
    (('議長', '石川良一'), ('委員長', '山田'))
    >>> split_label("百十四番（荒木ちはる君）"), split_label("上田勇君")
    (('百十四番', '荒木ちはる'), (None, '上田勇'))
    >>> split_label("議員（南原　茂）"), split_label("江戸川区")
    (('議員', '南原茂'), ('江戸川区', None))
    >>> split_label("千代田区（情報政策課長）"), split_label("司会（都デジタル局）")
    (('情報政策課長', None), ('司会', None))
    """
    key = speaker_key(label)
    return (None, None) if key is None else _split(key)


def is_speaker_label(label: str, *, known=frozenset(), bracketed: bool = False) -> bool:
    """True if a label seen only once is shaped like a speaker's.

    A speaker: a municipality (江戸川区, 調布市), a role (情報政策課長, 委員,
    知事, 司会…), a name with an honorific (川口さん, 上田勇君), the
    ``役職（氏名）`` / ``区（役職）`` shape, or a label whose :func:`speaker_key`
    is in ``known`` (e.g. the speakers table's keys). Not a speaker: header
    words (日時, 場所, 注, 議題, 出席者…) and other words. ``bracketed``: the
    file's recurring labels have the ``…（…）`` shape, so any label of that
    shape counts.

    >>> [is_speaker_label(x) for x in ("練馬区", "山田課長", "川口さん", "日時", "注", "結論")]
    [True, True, True, False, False, False]
    >>> is_speaker_label("結論", known={"結論"}), is_speaker_label("出席委員")
    (True, False)
    """
    key = speaker_key(label)
    if not key:
        return False
    if key in known:
        return True
    if _HEADERS.match(key):
        return False
    m = _PAREN.match(key)
    if m and m.group("after") is not None:
        if bracketed:
            return True
        outer, inner, after = m.group("outer"), m.group("inner"), m.group("after")
        return any(_shaped(p) for p in (outer, inner, after) if p) or (outer and _is_name(inner))
    return _shaped(key)


# --------------------------------------------------------------------------- helpers

def _key(label: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", label))


def _shaped(part: str) -> bool:
    """A municipality, a role ending or an honorific ending."""
    return part.endswith(HONORIFICS) or _role_suffix(part) is not None or _municipal(part)


def _municipal(part: str) -> bool:
    return len(part) >= 2 and part.endswith(_MUNICIPAL) and not part.endswith(_NOT_MUNICIPAL)


def _role_suffix(part: str) -> str | None:
    for word in ROLE_WORDS:
        if part.endswith(word) and (len(word) >= 2 or len(part) > len(word)):
            return word
    return None


def _strip_honorific(part: str) -> tuple[str, bool]:
    for h in HONORIFICS:
        if part.endswith(h) and len(part) > len(h):
            return part[: -len(h)], True
    return part, False


@lru_cache(maxsize=4096)
def _split(key: str) -> tuple[str | None, str | None]:
    m = _PAREN.match(key)
    if m:
        outer, inner, after = m.group("outer"), m.group("inner"), m.group("after") or ""
        if after:  # 中川(宏)委員: the bracket tells two 中川 apart; the role follows
            return after, f"{outer}({inner})" if inner else outer or None
        if not outer:
            return _split(inner) if inner else (None, None)
        if len(outer) > 12:  # a bill's title with its number (…法律案(参第二号)): no person
            return key, None
        name, honorific = _strip_honorific(inner)
        if honorific or _is_name(inner) or (inner and not _body(inner) and _role_suffix(inner) is None):
            return outer, name or None  # 議長(石川良一君), 議員(南原茂), 百十四番(荒木ちはる君)
        if _role_suffix(inner) is not None:  # 千代田区(情報政策課長): the body's officer
            role, person = _split(inner)
            return role or inner, person
        return _split(outer) if outer else (None, None)  # 司会(都デジタル局)
    name, honorific = _strip_honorific(key)
    if honorific:
        return None, name
    word = _role_suffix(key)
    if word is not None:
        head = key[: -len(word)]
        if not head:
            return key, None
        if word in _STANDALONE and not head.endswith(_ORGAN):
            return word, head  # 山田委員長, 上川国務大臣
        person = _leading_name(key)
        if person and person != key:
            return key[len(person):], person  # 伊藤土木部長
        return key, None  # 情報政策課長, 江戸川区長
    if _municipal(key) and not all(kind == "person" for _, kind in _morphemes(key)):
        return key, None  # 江戸川区 (a place name, not a surname such as 野々村)
    if _ASCII_NAME.match(key) or _is_name(key):
        return None, key  # A, 山田太郎, 磯部
    return key, None  # 江戸川区, 議事日程: a body or a capacity, not a person


def _body(part: str) -> bool:
    return len(part) >= 2 and part.endswith(_BODY) and not part.endswith(_NOT_MUNICIPAL)


@lru_cache(maxsize=4096)
def _morphemes(text: str) -> tuple[tuple[str, str], ...]:
    """SudachiPy's morphemes of ``text`` as (surface, kind): kind "person" (人名), "proper" or "other"."""
    try:
        from ..tokenize.sudachi import get_tokenizer

        morphemes = get_tokenizer("C").tokenize(text)
    except Exception:  # pragma: no cover - no dictionary: no name is found, the label stays a role
        return ()
    out = []
    for m in morphemes:
        pos = m.part_of_speech()
        kind = "person" if pos[2] == "人名" else "proper" if pos[1] == "固有名詞" else "other"
        out.append((m.surface(), kind))
    return tuple(out)


def _leading_name(text: str) -> str:
    """The surname at the start of ``text`` (SudachiPy's proper nouns before the title), or ''.

    ``伊藤土木部長`` → ``伊藤``; ``櫛田農林水産部長`` → ``櫛田`` (SudachiPy takes 櫛田
    for a place name, but a place name standing before a department title is
    a surname here).
    """
    out = []
    for surface, kind in _morphemes(text):
        if kind == "other":
            break
        out.append(surface)
    return "".join(out)


def _is_name(text: str) -> bool:
    """Every morpheme a person's name (山田太郎, 南原茂), or one proper noun alone (磯部)."""
    tokens = _morphemes(text)
    if not tokens:
        return False
    return all(kind == "person" for _, kind in tokens) or (len(tokens) == 1 and tokens[0][1] == "proper")
