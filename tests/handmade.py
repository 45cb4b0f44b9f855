"""Hand-made token tables for exact small-count tests (matrix, co-occurrence, network, groups)."""

from __future__ import annotations

import pandas as pd

# Four Japanese terms; Python string order: 予算 < 市民 < 条例 < 議会 (U+4E88 < U+5E02 < U+6761 < U+8B70).
A, B, C, D = "予算", "議会", "条例", "市民"


def make_tokens(units: list[list[str | None]], *, utterance_of: list[int] | None = None,
                doc: str = "会議録.txt") -> pd.DataFrame:
    """One paragraph per list, in utterance ``utterance_of[p]`` (default 0); None = a token that is not counted."""
    rows = []
    for p, terms in enumerate(units):
        u = utterance_of[p] if utterance_of else 0
        for k, t in enumerate(terms):
            rows.append(dict(doc_id=doc, utterance_id=u, paragraph_id=p, sentence_id=p, position=100 * p + k,
                             surface=t or "の", term=t, pos="名詞" if t else "助詞"))
    return pd.DataFrame(rows)
