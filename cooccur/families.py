"""Term families: compounds that share a stem, with their combined counts.

A theme is often written in several forms — 感染, 感染症, 感染拡大,
新型コロナウイルス感染症 — each of which may fall below the network's cut-off
while together they would pass. :func:`term_families` groups the counted
terms by a shorter counted term they contain (the family's stem: 感染 in
感染症 and 感染拡大防止協力金; 協力金 in 感染拡大防止協力金) and gives each
family's combined frequency. Stems and members are nominal terms only
(:data:`NOMINAL_POS`: nouns, the compounds joined from them, and 形状詞, the
na-adjective stems such as 透明 in 透明性, which never change their form): verbs
and adjectives conjugate, so one containing another says nothing of a common
theme (新しい and 厳しい only share the letters しい, 組む and 取り組む are two
verbs). :func:`family_synonyms` writes a family as the
``variant, canonical`` table that ``--synonyms`` reads back, for the analyst to
edit (keep the rows that are one theme, delete the others) and rerun with.

>>> import pandas as pd
>>> t = pd.DataFrame({"term": ["感染", "感染症", "感染症", "感染拡大", "予算", "予算"]})
>>> f = term_families(t, min_members=2)
>>> f[["family", "term", "frequency", "family_frequency"]].values.tolist()
[['感染', '感染症', 2, 4], ['感染', '感染', 1, 4], ['感染', '感染拡大', 1, 4]]
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd

__all__ = ["term_families", "family_synonyms", "families_below_cutoff", "NOMINAL_POS"]

#: Values of the tokens' ``pos`` column that make a term nominal (a possible stem or member of a family).
NOMINAL_POS: tuple[str, ...] = ("名詞", "複合名詞", "形状詞")


def term_families(tokens: pd.DataFrame, *, min_stem_length: int = 2, min_members: int = 2,
                  candidates=(), pos: Sequence[str] | None = NOMINAL_POS) -> pd.DataFrame:
    """Families of counted terms sharing a stem (a counted term contained in the others).

    Parameters
    ----------
    tokens : DataFrame
        Tokens contract (``term``, and ``pos`` if there is one); a lean table will do.
    min_stem_length : int
        Shortest stem, in characters (one-character stems such as 市 would join everything).
    min_members : int
        Families with fewer terms (the stem included) are not listed.
    candidates : collection of str
        The network's candidate terms, marked in the ``candidate`` column.
    pos : sequence of str or None
        Values of ``pos`` that make a term nominal: only nominal terms are
        stems or members. A term is nominal when at least half of its counted
        tokens are (the display form of a term may gather tokens of several
        parts of speech). None, or a table without ``pos``: every term.

    Returns
    -------
    DataFrame
        ``family`` (the stem), ``term``, ``frequency``, ``family_frequency``
        (the sum over the family's terms), ``members``, ``candidate``; families
        by combined frequency, terms by frequency.

    Examples
    --------
    >>> t = pd.DataFrame({"term": ["組む", "取り組む", "感染", "感染症"], "pos": ["動詞", "動詞", "名詞", "名詞"]})
    >>> term_families(t)["term"].tolist(), term_families(t, pos=None)["family"].tolist()
    (['感染', '感染症'], ['感染', '感染', '組む', '組む'])
    """
    freq = _nominal_frequencies(tokens, pos)
    if freq.empty:
        return pd.DataFrame(columns=["family", "term", "frequency", "family_frequency", "members", "candidate"])
    fq = dict(zip(freq.index.tolist(), freq.to_numpy().tolist()))  # a dict: Series lookups cost 10 µs each
    known = set(fq)
    members_of: dict[str, list[str]] = {}
    for t in fq:  # every substring of a term that is itself a counted term is a stem of it
        n = len(t)
        found = {t[i:j] for i in range(n) for j in range(i + min_stem_length, n + (i > 0))
                 if j - i < n and t[i:j] in known}
        for stem in found:
            members_of.setdefault(stem, []).append(t)
    rows = []
    for stem in sorted(members_of):
        members = [stem] + sorted(members_of[stem])
        if len(members) < min_members:
            continue
        total = int(sum(fq[m] for m in members))
        for m in members:
            rows.append((stem, m, int(fq[m]), total, len(members)))
    out = pd.DataFrame(rows, columns=["family", "term", "frequency", "family_frequency", "members"])
    cand = set(candidates)
    out["candidate"] = out["term"].isin(cand)
    return out.sort_values(["family_frequency", "family", "frequency", "term"],
                           ascending=[False, True, False, True], kind="mergesort", ignore_index=True)


def _nominal_frequencies(tokens: pd.DataFrame, pos) -> pd.Series:
    """Frequency of each counted term that is nominal (see :func:`term_families`), most frequent first."""
    term = tokens["term"]
    if isinstance(term.dtype, pd.CategoricalDtype):  # on the codes: no string per row (millions in a large corpus)
        return _nominal_frequencies_of_codes(tokens, pos)
    counted = term.notna()
    terms = tokens.loc[counted, "term"].astype(str)
    freq = terms.value_counts()
    if pos is None or "pos" not in tokens.columns or freq.empty:
        return freq
    nominal = tokens.loc[counted, "pos"].isin(set(pos)).to_numpy()
    share = pd.Series(nominal, index=terms.to_numpy()).groupby(level=0, sort=False).mean()
    return freq[share.reindex(freq.index).to_numpy() >= 0.5]


def _nominal_frequencies_of_codes(tokens: pd.DataFrame, pos) -> pd.Series:
    """:func:`_nominal_frequencies` of a categorical ``term`` column, counted with ``bincount`` on its codes."""
    import numpy as np

    term = tokens["term"]
    codes = term.cat.codes.to_numpy()
    counted = codes >= 0
    names = term.cat.categories.astype(str)
    n = np.bincount(codes[counted], minlength=len(names))
    keep = n > 0
    if pos is not None and "pos" in tokens.columns:
        nominal = tokens["pos"].isin(set(pos)).to_numpy()[counted]
        k = np.bincount(codes[counted], weights=nominal, minlength=len(names))
        with np.errstate(invalid="ignore", divide="ignore"):
            keep &= k / n >= 0.5  # the share of nominal tokens, as the mean of the flags
    freq = pd.Series(n[keep], index=pd.Index(names[keep], name="term"), name="count")
    return freq.sort_values(ascending=False, kind="mergesort")


def family_synonyms(families: pd.DataFrame, *, only=None) -> pd.DataFrame:
    """``variant, canonical`` rows (each member → its stem) that ``--synonyms`` reads back.

    ``only``: the families to write (default: all). Terms that are already
    candidates of the network are left out (they stand on their own). A term
    in several families keeps the family with the largest combined frequency
    (the first row, as :func:`term_families` sorts them).
    """
    rows = families[(families["term"] != families["family"]) & ~families["candidate"]]
    if only is not None:
        rows = rows[rows["family"].isin(set(only))]
    rows = rows.drop_duplicates("term", keep="first")
    return pd.DataFrame({"variant": rows["term"].to_numpy(), "canonical": rows["family"].to_numpy()})


def families_below_cutoff(families: pd.DataFrame, cutoff: int) -> pd.DataFrame:
    """Families none of whose terms is a candidate although their combined frequency reaches ``cutoff``."""
    if families.empty:
        return families.iloc[:0]
    g = families.groupby("family", sort=False).agg(family_frequency=("family_frequency", "first"),
                                                   members=("members", "first"), any_candidate=("candidate", "any"))
    hit = g[(~g["any_candidate"]) & (g["family_frequency"] >= cutoff)]
    return hit.reset_index()[["family", "family_frequency", "members"]]
