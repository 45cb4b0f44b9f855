"""Speakers' roles have a say: set aside the chair's procedure and any speakers the analyst names.

In assembly and committee minutes the presiding officer (議長, 委員長 …) opens
and closes sittings, calls on members and reads out bill lists, committee
reports and petitions; left in, those turns give the network its strongest
edges (結果–決定, 議案–付託) and say nothing about what was discussed. With
``chair="auto"`` (the default) the turns of presiding officers in documents
read as ``minutes`` are excluded; ``"exclude"`` does so in every format (a
moderator's 司会 turns are not a chair's and are kept either way),
``"keep"`` never. ``exclude_speakers`` names more speakers: each pattern is
matched (shell-style, ``*`` and ``?``, after NFKC) against the label, its role
and its name, so ``議長``, ``*委員長``, ``山田*`` and ``事務局`` all work.

Excluded turns stay in the utterances table with ``exclusion`` set to
``"chair"`` or ``"excluded_speaker"``, are listed in ``exclusions.csv`` with
their text, and are counted in the summary and the report: never silent.

>>> import pandas as pd
>>> u = pd.DataFrame({"doc_id": "d.txt", "utterance_id": [0, 1, 2], "format": "minutes",
...                   "speaker": ["議長（山田太郎君）", "佐藤委員", "小泉委員長"],
...                   "text": ["開会します。", "予算について伺います。", "散会します。"],
...                   "exclusion": pd.NA, "line": [1, 2, 3]})
>>> exclude_speakers(u)[0]["exclusion"].tolist()
['chair', <NA>, 'chair']
"""

from __future__ import annotations

import fnmatch
from typing import Iterable, Literal

import pandas as pd

from .config import DEFAULTS
from .errors import choices_message
from .read.speakers import speaker_key

__all__ = ["exclude_speakers", "label_role", "is_chair", "CHAIR_ROLES", "CHAIR_CHOICES"]

#: Roles of presiding officers (a role ending in one of these is a chair's: 副議長, 予算委員長, 委員長代理 …).
CHAIR_ROLES = ("議長", "委員長", "会長", "座長", "分科会長", "部会長", "議長代理", "委員長代理", "会長代理", "座長代理")
CHAIR_CHOICES = ("auto", "exclude", "keep")


def label_role(label: str) -> tuple[str, str]:
    """(role, name) of a speaker label: :func:`cooccur.read.speakers.split_label`, with "" for a missing part.

    >>> label_role("議長（石川良一君）"), label_role("小泉委員長"), label_role("佐藤花子君")
    (('議長', '石川良一'), ('委員長', '小泉'), ('', '佐藤花子'))
    """
    from .read.speakers import split_label

    role, name = split_label(label)
    return role or "", name or ""


def is_chair(label) -> bool:
    """Whether a label is a presiding officer's (its role ends in one of :data:`CHAIR_ROLES`).

    >>> is_chair("議長（石川良一君）"), is_chair("副委員長"), is_chair("佐藤委員"), is_chair("司会")
    (True, True, False, False)
    """
    if not isinstance(label, str) or not label.strip():
        return False
    role, _name = label_role(label)
    return any(role.endswith(r) for r in CHAIR_ROLES)


def exclude_speakers(utterances: pd.DataFrame, exclusions: pd.DataFrame | None = None, *,
                     exclude_speakers: Iterable[str] = DEFAULTS["exclude_speakers"],
                     chair: Literal["auto", "exclude", "keep"] = DEFAULTS["chair"]):
    """Mark the turns of the chair and of the named speakers as excluded.

    Parameters
    ----------
    utterances : DataFrame
        The utterances table (``speaker``, ``exclusion``; ``format`` for ``chair="auto"``).
    exclusions : DataFrame, optional
        The corpus' exclusions table; a row per excluded turn is added.
    exclude_speakers : sequence of str
        Patterns (``*``, ``?``) matched against each label, its role and its name.
    chair : {"auto", "exclude", "keep"}
        Presiding officers' turns: excluded in minutes-format documents (auto),
        in every document, or never.

    Returns
    -------
    (DataFrame, DataFrame or None)
        New utterances and exclusions tables (the inputs are not changed).
    """
    if chair not in CHAIR_CHOICES:
        raise ValueError(choices_message("chair", chair, CHAIR_CHOICES))
    patterns = [speaker_key(p) for p in ([exclude_speakers] if isinstance(exclude_speakers, str) else exclude_speakers)
                if str(p).strip()]
    if "speaker" not in utterances.columns or (chair == "keep" and not patterns) or len(utterances) == 0:
        return utterances, exclusions
    labels = utterances["speaker"]
    distinct = [x for x in labels.dropna().unique() if isinstance(x, str)]
    reason_of: dict[str, str] = {}
    for lab in distinct:
        role, name = label_role(lab)
        keys = [speaker_key(lab), role, name]
        if any(fnmatch.fnmatchcase(k, p) for p in patterns for k in keys if k):
            reason_of[lab] = "excluded_speaker"
        elif chair != "keep" and is_chair(lab):
            reason_of[lab] = "chair"
    reason = labels.map(reason_of)
    if patterns:  # the reader's own role and name columns, where it made them
        for col in ("speaker_role", "speaker_name"):
            if col in utterances.columns:
                v = utterances[col].astype("string").map(lambda x: speaker_key(x) if isinstance(x, str) else "")
                hit = v.map(lambda x: bool(x) and any(fnmatch.fnmatchcase(x, p) for p in patterns))
                reason = reason.mask(hit.astype(bool) & reason.isna(), "excluded_speaker")
    if chair == "auto":
        fmt = utterances["format"] if "format" in utterances.columns else pd.Series("", index=utterances.index)
        layout = fmt.astype(str).str.rsplit("+", n=1).str[-1]  # pdf+minutes, docx+minutes: the text's layout
        reason = reason.mask((reason == "chair") & (layout != "minutes"))
    hit = reason.notna() & utterances["exclusion"].isna()
    if not hit.any():
        return utterances, exclusions
    out = utterances.copy()
    out["exclusion"] = out["exclusion"].astype(object)
    out.loc[hit, "exclusion"] = reason[hit]
    if exclusions is not None:
        rows = out.loc[hit]
        add = pd.DataFrame({"doc_id": rows["doc_id"].to_numpy(), "utterance_id": rows["utterance_id"].to_numpy(),
                            "line": rows["line"].to_numpy() if "line" in rows.columns else pd.NA,
                            "reason": rows["exclusion"].to_numpy(), "text": rows["text"].to_numpy(),
                            "chars": rows["text"].astype(str).str.len().to_numpy()})
        add = add[[c for c in exclusions.columns if c in add.columns]] if len(exclusions.columns) else add
        exclusions = pd.concat([exclusions, add], ignore_index=True) if len(exclusions) else add
        exclusions = exclusions.sort_values(["doc_id", "line"], kind="mergesort", ignore_index=True)
    return out, exclusions
