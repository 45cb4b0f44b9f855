"""Back to the text: KWIC concordance and the evidence behind an edge.

Character offsets are derived, not stored: each utterance's ``text`` is NFKC
normalised (as the tokenizer does) and the token surfaces are located in order
from a moving cursor. A surface that cannot be found (it should not happen)
gets no offset and its context falls back to the neighbouring surfaces. A lean
tokens table (only some rows of each utterance, see
:func:`cooccur.tokenize.tokenize_to_file`) carries the offsets in its ``offset``
column instead, since its surfaces no longer tile the text. Offsets are
cached per tokens DataFrame (weakly), so the edges' evidence scans each
utterance once; :func:`concordances` (the KWIC of every node of a network)
reads only the utterances that hold its lines, once for all terms. Line breaks
inside contexts are shown as a space. ``line`` is the line where the utterance
(turn) starts in its file.
"""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

from .config import DEFAULTS
from .matrix import UNIT_KEYS, build_matrix, category_codes, check_unit
from .kwic_many import LINE_COLUMNS, build_lines, pick_lines, rows_in, surface_context
from .kwic_search import check_width_limit, unknown_term, utterance_spans

__all__ = ["concordance", "concordances", "edge_evidence"]

#: id(tokens) -> (weak reference to tokens, len(tokens), _Index); DataFrames are not hashable.
_CACHE: dict = {}


class _Index:
    """Per-tokens lookups: term → row positions, utterance → token rows, offsets."""

    def __init__(self, tokens: pd.DataFrame, utterances: pd.DataFrame | None):
        self.tokens = tokens
        counted_rows = np.flatnonzero(tokens["term"].notna().to_numpy())
        groups = pd.Series(counted_rows).groupby(
            np.asarray(tokens["term"].to_numpy()[counted_rows], dtype=object)).indices if len(counted_rows) else {}
        self.term_rows = {k: counted_rows[v] for k, v in groups.items()}
        self.utt_rows = tokens.groupby(["doc_id", "utterance_id"], sort=False).indices
        # Columns as numpy arrays, converted once: converting an Arrow-backed
        # string column costs O(len(tokens)) and would otherwise happen per call.
        self.doc = tokens["doc_id"].to_numpy()
        self.utt = tokens["utterance_id"].to_numpy()
        self.position = tokens["position"].to_numpy() if "position" in tokens.columns else None
        self.surface = (tokens["surface"].to_numpy() if "surface" in tokens.columns
                        else tokens["term"].to_numpy())
        self.offset = tokens["offset"].to_numpy() if "offset" in tokens.columns else None
        self.offsets: dict = {}
        self.utterances = utterances
        if utterances is not None:
            u = utterances.drop_duplicates(["doc_id", "utterance_id"])
            speaker = u["speaker"] if "speaker" in u.columns else pd.Series(pd.NA, index=u.index)
            line = u["line"] if "line" in u.columns else pd.Series(pd.NA, index=u.index)
            self.info = {(d, i): (t, s, ln) for d, i, t, s, ln in
                         zip(u["doc_id"], u["utterance_id"], u["text"], speaker, line)}
        else:
            self.info = {}

    def utterance(self, key):
        """(normalised text, {row: (start, end)}) for one utterance."""
        if key not in self.offsets:
            raw = self.info.get(key, (None, None, None))[0]
            rows = self.utt_rows.get(key, np.zeros(0, dtype=np.int64))
            if self.position is not None and len(rows) > 1:
                p = self.position[rows]
                if not (p[1:] > p[:-1]).all():
                    rows = rows[np.argsort(p, kind="stable")]
            surfaces = (self.surface[rows].tolist() if "surface" in self.tokens.columns
                        else [""] * len(rows))
            text, spans = utterance_spans(raw, rows, surfaces, None if self.offset is None else self.offset[rows])
            self.offsets[key] = (text, spans, rows)
        return self.offsets[key]


def _index(tokens, utterances) -> _Index:
    held = _CACHE.get(id(tokens))
    if held is not None:
        ref, n, entry = held
        if ref() is tokens and n == len(tokens) and entry.utterances is utterances:
            return entry
    entry = _Index(tokens, utterances)
    key = id(tokens)
    _CACHE[key] = (weakref.ref(tokens, lambda _r, k=key, c=_CACHE: c.pop(k, None)), len(tokens), entry)
    return entry




def concordance(tokens: pd.DataFrame, utterances: pd.DataFrame, term: str, *, width: int = 30,
                limit: int | None = None, exact: bool = False) -> pd.DataFrame:
    """KWIC lines: every occurrence of ``term`` in the analysed text, with ``width`` characters either side.

    By default the analysed utterances' texts (NFKC, as tokenized) are searched
    for the string ``term`` (non-overlapping, left to right: exactly the
    occurrences ``str.count`` counts), so occurrences inside longer compounds
    (協力金 in 感染拡大防止協力金) and of words that are not counted
    (stopwords such as 知事) are found too; the tokens whose counted ``term``
    is ``term`` under another surface (a conjugated verb, a synonym) are
    added. Each hit is mapped to the tokens it touches; a hit that is not
    aligned to token boundaries (it cuts a token or spans several) is still an
    occurrence, and ``match`` says so.

    Parameters
    ----------
    tokens, utterances : DataFrame
        The tokens table and the utterances table of the same corpus.
    term : str
        The string to find (NFKC normalised, like the text), usually a display
        form from the tokens' ``term`` column.
    width : int
        Characters of context either side.
    limit : int, optional
        Return only the first ``limit`` lines (in document order); the number
        of all occurrences is still given in ``attrs["total"]``.
    exact : bool
        Only the occurrences that are a whole token: a token whose surface is
        ``term``, or whose counted term is ``term`` (``match == "token"``).

    Returns
    -------
    DataFrame
        ``doc_id, utterance_id, speaker, left, keyword, right, line, term,
        match`` in document order (doc_id, utterance_id, offset). ``keyword``
        is the text as written (NFKC). ``term`` is the counted term of the
        token that holds the occurrence (the compound, or the term itself; NA
        when that token is not counted, e.g. a stopword; the counted terms
        joined by ``+`` when the occurrence spans several tokens). ``match``:
        ``token`` (the occurrence is one whole token; for a token counted as
        ``term`` under a longer surface, e.g. 手続き for 手続, ``keyword`` is
        the whole token), ``inside`` (part of a longer token), ``across``
        (spans or cuts token boundaries), NA (a lean tokens table holds no
        row there). ``line`` is the line where the
        utterance starts in its file. ``attrs["total"]``: the number of
        occurrences.

    Raises
    ------
    ValueError
        ``term`` never occurs (with close matches), only inside longer words
        with ``exact=True``, ``width`` < 0 or ``limit`` < 0.

    Examples
    --------
    >>> import pandas as pd
    >>> u = pd.DataFrame({"doc_id": ["d"], "utterance_id": [0], "speaker": ["山田委員"],
    ...                   "text": ["予算の話です。"], "line": [3]})
    >>> t = pd.DataFrame({"doc_id": "d", "utterance_id": 0, "position": [0, 1, 2, 3, 4],
    ...                   "surface": ["予算", "の", "話", "です", "。"], "term": ["予算", None, "話", None, None]})
    >>> concordance(t, u, "話", width=3)[["left", "keyword", "right", "term", "match"]].values.tolist()
    [['予算の', '話', 'です。', '話', 'token']]
    >>> concordance(t, u, "算", width=1)[["left", "keyword", "right", "term", "match"]].values.tolist()
    [['予', '算', 'の', '予算', 'inside']]
    """
    from .kwic_search import find_lines

    check_width_limit(width, limit)
    return find_lines(tokens, utterances, term, width=width, limit=limit, exact=bool(exact))


def _concordance(tokens: pd.DataFrame, utterances: pd.DataFrame, term: str, *, width: int,
                 limit: int | None) -> pd.DataFrame:
    """The counted tokens of ``term`` as KWIC lines, from the per-utterance index of all of ``tokens``."""
    idx = _index(tokens, utterances)
    rows = idx.term_rows.get(term)
    if rows is None:
        raise unknown_term(term, idx.term_rows)
    total = len(rows)
    doc, utt, surf = idx.doc, idx.utt, idx.surface
    pos = idx.position if idx.position is not None else np.arange(len(tokens))
    if limit is not None and limit < total:
        # the rows of the first `limit` lines of the full, stably sorted result; kept in row order so
        # the final stable sort orders them exactly as it would among all lines
        keys = pd.DataFrame({"d": doc[rows], "u": utt[rows], "p": pos[rows]})
        first = keys.sort_values(["d", "u", "p"], kind="mergesort").index.to_numpy()[:limit]
        rows = rows[np.sort(first)]
    records = []
    for r in rows:
        key = (doc[r], utt[r])
        text, spans, urows = idx.utterance(key)
        if int(r) in spans:
            s, e = spans[int(r)]
            left, kw, right = text[max(0, s - width):s], text[s:e], text[e:e + width]
        else:
            left, kw, right = surface_context(surf, urows, r, width)
        _, speaker, line = idx.info.get(key, (None, pd.NA, pd.NA))
        records.append((key[0], key[1], pos[r], speaker, left.replace("\n", " "), kw,
                        right.replace("\n", " "), line))
    out = pd.DataFrame(records, columns=["doc_id", "utterance_id", "_p", "speaker", "left", "keyword", "right",
                                         "line"])
    out = out.sort_values(["doc_id", "utterance_id", "_p"], kind="mergesort").drop(columns="_p")
    out = out.reset_index(drop=True)
    out.attrs["total"] = total
    return out


def concordances(tokens: pd.DataFrame, utterances: pd.DataFrame, terms, *, width: int = 30,
                 limit: int | None = None) -> pd.DataFrame:
    """The counted tokens of several terms as KWIC lines (what a network node counts), one DataFrame.

    Unlike :func:`concordance`, only the tokens whose counted ``term`` is one
    of ``terms`` are lines (``network.html`` shows these for each node), with
    ``doc_id, utterance_id, speaker, left, keyword, right, line`` and the
    columns ``term`` (the term asked for) and ``total`` added.

    ``attrs["totals"]`` maps each term to its number of occurrences (also
    for a term with no line shown, ``limit=0``).

    The first ``limit`` occurrences (all without ``limit``) of every term are
    found first on integer columns; then only the utterances that hold them
    are read, once for all terms, and where their surfaces tile the text (as
    the tokenizer makes them) a token's offset is the sum of the lengths
    before it. The frame (rows, values, dtypes) is the one an index of the
    whole table gives term by term, which is also the path taken for the
    tables the shortcut does not cover (see :func:`cooccur.kwic_many.pick_lines`)
    and for ``limit=0``.

    >>> import pandas as pd
    >>> u = pd.DataFrame({"doc_id": ["d", "d"], "utterance_id": [0, 1], "text": ["予算の話。", "予算です。"]})
    >>> t = pd.DataFrame({"doc_id": "d", "utterance_id": [0, 0, 0, 0, 1, 1, 1], "position": [0, 1, 2, 3, 0, 1, 2],
    ...                   "surface": ["予算", "の", "話", "。", "予算", "です", "。"],
    ...                   "term": ["予算", None, "話", None, "予算", None, None]})
    >>> concordances(t, u, ["予算", "話"], width=2, limit=1)[["term", "total", "left", "keyword", "right"]].values.tolist()
    [['予算', 2, '', '予算', 'の話'], ['話', 1, '算の', '話', '。']]
    """
    check_width_limit(width, limit)
    terms = list(terms)
    if limit != 0:
        picked = pick_lines(tokens, utterances, terms, limit)
        if picked is not None:
            return build_lines(tokens, utterances, terms, picked, width)
    sub_tokens, sub_utterances = tokens, utterances
    if terms and len(tokens):
        picked = _first_rows(tokens, terms, limit)
        if picked is not None:
            sub_tokens, sub_utterances, totals = _restrict(tokens, utterances, picked)
    frames, all_totals = [], {}
    for term in terms:
        if sub_tokens is not tokens and limit == 0:  # no line asked for: the subset holds none of its rows
            lines, total = pd.DataFrame(columns=LINE_COLUMNS), totals.get(term, 0)
        else:
            lines = _concordance(sub_tokens, sub_utterances, term, width=width, limit=limit)
            total = lines.attrs["total"] if sub_tokens is tokens else totals.get(term, 0)
        all_totals[term] = total
        frames.append(lines.assign(term=term, total=total))
    if not frames:
        out = pd.DataFrame(columns=[*LINE_COLUMNS, "term", "total"])
    else:
        out = pd.concat(frames, ignore_index=True)
    out.attrs = {"totals": all_totals}
    return out


def _first_rows(tokens: pd.DataFrame, terms: list, limit: int | None):
    """(rows of the first ``limit`` (None: all) occurrences of each term, in concordance order; occurrences
    per term; the doc_id codes of every row and their values, for :func:`_restrict`).

    None when the table is not one :func:`concordance` can be narrowed for
    (``term`` not categorical); ValueError (with close matches) for a term
    that is not one of the ``term`` categories.
    """
    term = tokens["term"]
    if not isinstance(term.dtype, pd.CategoricalDtype) or "position" not in tokens.columns:
        return None
    want = term.cat.categories.get_indexer(terms)
    if (want < 0).any():  # said here, before any index of the whole table is built
        raise unknown_term(terms[int(np.flatnonzero(want < 0)[0])], term.cat.categories)
    codes = term.cat.codes.to_numpy()
    rows = rows_in(codes, np.unique(want))
    doc_codes, docs = category_codes(tokens["doc_id"])  # categorical: its codes, no string per row
    rank = np.empty(len(docs) + 1, dtype=np.int64)  # concordance sorts by the doc_id strings
    rank[np.argsort(np.asarray([str(d) for d in docs], dtype=object), kind="stable")] = np.arange(len(docs))
    rank[-1] = len(docs)  # a missing doc_id (code -1) sorts last
    order = np.lexsort((tokens["position"].to_numpy()[rows], tokens["utterance_id"].to_numpy()[rows],
                        rank[doc_codes[rows]], codes[rows]))
    rows = rows[order]
    c = codes[rows]
    starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
    rank = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
    totals = dict(zip(term.cat.categories[c[starts]].tolist(), np.diff(np.r_[starts, len(rows)]).tolist()))
    return (rows if limit is None else rows[rank < limit]), totals, doc_codes, docs


def _restrict(tokens, utterances, picked):
    """The rows of ``tokens`` and ``utterances`` in the utterances of the picked rows."""
    rows, totals, doc_codes, docs = picked
    utt = tokens["utterance_id"].to_numpy()
    keys = set(zip(doc_codes[rows].tolist(), utt[rows].tolist()))
    near = rows_in(doc_codes, np.unique(doc_codes[rows]))  # rows of the documents concerned
    mask = np.zeros(len(tokens), dtype=bool)
    mask[near] = pd.MultiIndex.from_arrays([doc_codes[near], utt[near]]).isin(list(keys))
    ukeys = {(docs[d], u) for d, u in keys}
    umask = [k in ukeys for k in zip(utterances["doc_id"], utterances["utterance_id"])]
    return tokens[mask], utterances[np.asarray(umask, dtype=bool)], totals


def edge_evidence(tokens: pd.DataFrame, utterances: pd.DataFrame, a: str, b: str, *,
                  unit: str = DEFAULTS["unit"]) -> pd.DataFrame:
    """The units that contain both ``a`` and ``b``: what an edge's count is made of.

    Returns
    -------
    DataFrame
        The unit's key columns, then ``speaker, text, line``. ``text`` is the
        unit's text: the sentence or paragraph (from its first to its last token),
        the utterance, or for ``unit="document"`` the utterances of the document
        that mention ``a`` or ``b``, joined by newlines (speaker NA). One row per
        unit, in document order; the number of rows equals the edge's
        ``cooccurrence``.
    """
    unit = check_unit(unit)
    idx = _index(tokens, utterances)
    for term in (a, b):
        if term not in idx.term_rows:
            raise unknown_term(term, idx.term_rows)
    m = build_matrix(tokens, unit=unit, vocabulary=[a, b])
    X, units = m.X, m.units
    both = np.flatnonzero(np.asarray(X.sum(axis=1)).ravel() == 2)
    keys = list(UNIT_KEYS[unit])
    sel = units.iloc[both].reset_index(drop=True)
    if len(sel) == 0:
        return pd.DataFrame(columns=[*keys, "speaker", "text", "line"])
    rows_ab = np.concatenate([idx.term_rows[a], idx.term_rows[b]])
    texts, speakers, lines = [], [], []
    for rec in sel.itertuples(index=False):
        k = dict(zip(keys, rec))
        if unit == "document":
            mask = tokens["doc_id"].to_numpy()[rows_ab] == k["doc_id"]
            utts = sorted(set(tokens["utterance_id"].to_numpy()[rows_ab[mask]].tolist()))
            texts.append("\n".join(idx.utterance((k["doc_id"], u))[0] for u in utts))
            speakers.append(pd.NA)
            lines.append(idx.info.get((k["doc_id"], utts[0]), (None, None, pd.NA))[2] if utts else pd.NA)
            continue
        key = (k["doc_id"], k["utterance_id"])
        text, spans, urows = idx.utterance(key)
        if unit != "utterance":
            col = keys[2]
            in_unit = urows[tokens[col].to_numpy()[urows] == k[col]]
            found = [spans[int(r)] for r in in_unit if int(r) in spans]
            if found:
                text = text[min(s for s, _ in found):max(e for _, e in found)]
        _, speaker, line = idx.info.get(key, (None, pd.NA, pd.NA))
        texts.append(text)
        speakers.append(speaker)
        lines.append(line)
    sel["speaker"], sel["text"], sel["line"] = speakers, texts, lines
    return sel
