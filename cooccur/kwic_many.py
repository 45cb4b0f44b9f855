"""The lines of :func:`cooccur.kwic.concordances` for many terms at once (network.html's KWIC of every node).

:func:`pick_lines` finds each term's first lines on the tokens table's integer
columns; :func:`build_lines` then reads only the utterances that hold them,
once for all terms. On the tables the tokenizer writes (every row of an
utterance in order, string ``doc_id`` and term categories) the frame is the
one :func:`cooccur.kwic.concordance` gives term by term; for other tables
:func:`pick_lines` returns None and :mod:`cooccur.kwic` takes that path.
Large tables have millions of rows, so only a few arrays of the table's
length are held at a time.
"""

from __future__ import annotations

import bisect
import functools

import numpy as np
import pandas as pd

from .kwic_search import nfkc_text, utterance_spans
from .matrix import category_codes

__all__ = ["LINE_COLUMNS", "pick_lines", "build_lines", "surface_context", "rows_in"]

#: The columns of a concordance line, in order.
LINE_COLUMNS = ["doc_id", "utterance_id", "speaker", "left", "keyword", "right", "line"]


def surface_context(surf: np.ndarray, urows: np.ndarray, r, width: int) -> tuple[str, str, str]:
    """(left, keyword, right) of row ``r`` from the neighbouring surfaces, for a token with no span."""
    k = int(np.flatnonzero(urows == r)[0])
    left = "".join(str(x) for x in surf[urows[:k]])[-width:] if width else ""
    right = "".join(str(x) for x in surf[urows[k + 1:]])[:width]
    return left, str(surf[r]), right


def pick_lines(tokens: pd.DataFrame, utterances, terms: list, limit: int | None):
    """What :func:`build_lines` needs: each term's first ``limit`` rows in line order, its total, utterance keys.

    Lines are ordered by doc_id, utterance_id, position (row order without
    position), then row, as :func:`cooccur.kwic.concordance` sorts them. Returns None, so
    that the term-by-term path decides (and raises for a term that does not
    occur), unless every term is a string that occurs, every doc_id is a
    string (then this order is also that of ``cooccur.kwic._first_rows``) and
    utterance_id and position are integers.
    """
    if not terms or not len(tokens) or utterances is None or not all(isinstance(t, str) for t in terms):
        return None
    utt = tokens["utterance_id"].to_numpy()
    pos = tokens["position"].to_numpy() if "position" in tokens.columns else None
    if utt.dtype.kind not in "iu" or (pos is not None and pos.dtype.kind not in "iu") \
            or utterances["utterance_id"].to_numpy().dtype.kind not in "iu":
        return None
    # per-row arrays are what this costs on a large table (a lean one of 200 MB of text has ~7M rows): the
    # term codes are int32, and the key of every row is made in place in the doc codes' own (fresh) array
    doc_codes, docs = category_codes(tokens["doc_id"])
    doc_codes = np.asarray(doc_codes, dtype=np.int64)
    docs = np.asarray(docs, dtype=object)
    if not all(isinstance(d, str) for d in docs):
        return None
    names = list(dict.fromkeys(terms))
    column = tokens["term"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        want = column.cat.categories.get_indexer(names)
        if (want < 0).any():
            return None
        lut = np.full(len(column.cat.categories) + 1, -1, dtype=np.int32)  # code -1 (NA) reads the last
        lut[want] = np.arange(len(names))
        code = lut[column.cat.codes.to_numpy()]
    else:
        code = np.full(len(tokens), -1, dtype=np.int32)
        hit = np.flatnonzero(column.isin(names).to_numpy(dtype=bool))
        code[hit] = pd.Index(names).get_indexer(column.iloc[hit])
    rows = np.flatnonzero(code >= 0)
    c = code[rows]
    del code
    utt = utt.astype(np.int64, copy=False)
    umin, span = int(utt.min()), int(utt.max()) - int(utt.min()) + 1
    rdoc = doc_codes[rows]
    if (rdoc < 0).any() or len(docs) * span >= 2 ** 62:
        return None
    rank = np.empty(len(docs), dtype=np.int64)
    rank[np.argsort(docs, kind="stable")] = np.arange(len(docs))
    order = np.lexsort((rows if pos is None else pos[rows], utt[rows], rank[rdoc], c))
    rows = rows[order]
    counts = np.bincount(c, minlength=len(names))
    if not counts.all():
        return None
    starts = np.cumsum(counts) - counts
    first = {n: rows[s:s + (k if limit is None else min(k, limit))]
             for n, s, k in zip(names, starts.tolist(), counts.tolist())}
    key = doc_codes  # doc code × span + utterance_id − umin
    key *= span
    key += utt
    key -= umin
    return first, dict(zip(names, counts.tolist())), key, (docs, umin, span)


def rows_in(key: np.ndarray, need: np.ndarray, block: int = 1 << 20) -> np.ndarray:
    """``np.flatnonzero(np.isin(key, need))`` for a sorted ``need``, a block of rows at a time.

    ``np.isin`` sorts a copy of the whole column with ``need``; this holds two
    arrays of one block (SudachiPy-sized tables have millions of rows).

    >>> rows_in(np.array([3, 1, 2, 3]), np.array([2, 3])).tolist()
    [0, 2, 3]
    """
    if len(need) == 0:
        return np.zeros(0, dtype=np.int64)
    out = []
    for s in range(0, len(key), block):
        k = key[s:s + block]
        i = np.searchsorted(need, k)
        np.minimum(i, len(need) - 1, out=i)
        out.append(np.flatnonzero(need[i] == k) + s)
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def build_lines(tokens: pd.DataFrame, utterances: pd.DataFrame, terms: list, picked, width: int) -> pd.DataFrame:
    """:func:`cooccur.kwic.concordances`' frame for the rows :func:`pick_lines` chose, all terms at once.

    Only the utterances that hold a line are looked at. Where an utterance's
    surfaces tile its text (without line breaks), as the tokenizer makes them,
    a token's span is the sum of the surface lengths before it; elsewhere the
    spans come from :func:`cooccur.kwic_search.utterance_spans`, which :func:`cooccur.kwic.concordance` uses
    too. The frame is the one the term-by-term path builds: the same rows,
    values and dtypes.
    """
    first, totals, key, (docs, umin, span) = picked
    sel = np.concatenate([first[t] for t in terms])
    need = np.unique(key[sel])
    rows = rows_in(key, need)  # every row of those utterances
    k = key[rows]
    p = tokens["position"].to_numpy()[rows] if "position" in tokens.columns else rows
    if not ((k[1:] > k[:-1]) | ((k[1:] == k[:-1]) & (p[1:] > p[:-1]))).all():  # as tokenize writes them
        rows = rows[np.lexsort((p, k))]  # by utterance, then position, then row
        k = key[rows]
    lo = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    by_row = np.argsort(rows, kind="stable")
    j = by_row[np.searchsorted(rows, sel, sorter=by_row)]  # each line's place in rows (sel is among them)
    group = np.searchsorted(lo, j, side="right") - 1
    strings, ok, lengths = _surface_strings(tokens, rows)
    cum = np.r_[0, np.cumsum(lengths)]
    into = (cum[j] - cum[lo[group]]).tolist()  # characters of the utterance's surfaces before each line's token
    info = _utterance_info(utterances, docs, need, umin, span)
    values = _LazyValues(tokens)
    bounds = np.r_[lo, len(rows)]
    texts = _utterance_texts(tokens, values, info, rows, bounds.tolist(), cum[bounds].tolist(), "".join(strings),
                             np.logical_and.reduceat(ok, lo).tolist())
    utt = tokens["utterance_id"].to_numpy()
    labels = [t for t in terms for _ in range(len(first[t]))]
    records = []
    # the lines' own surfaces, not the whole column's (millions of strings in a large table)
    line_surface = tokens["surface"].iloc[sel].to_numpy() if "surface" in tokens.columns else [""] * len(sel)
    for i, (r, g, before, n, term) in enumerate(zip(sel.tolist(), group.tolist(), into, lengths[j].tolist(),
                                                    labels)):
        text, mode, extra = texts[g]
        if mode == "spans" and r not in extra[0]:
            left, kw, right = surface_context(values.surface, extra[1], r, width)
        else:
            if mode == "spans":
                s, e = extra[0][r]
            elif mode == "offset":
                s = values.offset[r:r + 1].tolist()[0]
                e = s + len(str(line_surface[i]))
            else:  # the surfaces tile the text: past the line breaks before the token
                s = before + bisect.bisect_right(extra, before) if mode == "breaks" else before
                e = s + n
            left, kw, right = text[max(0, s - width):s], text[s:e], text[e:e + width]
        _, speaker, line = info[g]
        records.append((docs[key[r] // span], utt[r], speaker, left.replace("\n", " "), kw, right.replace("\n", " "),
                        line, term, totals[term]))
    out = pd.DataFrame(records, columns=[*LINE_COLUMNS, "term", "total"])
    bounds = np.cumsum([0, *(len(first[t]) for t in terms)]).tolist()
    for name in ("speaker", "line"):
        _as_concatenated(out, name, [rec[LINE_COLUMNS.index(name)] for rec in records], bounds)
    out.attrs = {"totals": totals}
    return out


def _utterance_texts(tokens, values, info, rows, bounds, chars, joined, tiles) -> list:
    """Per utterance (``rows[bounds[g]:bounds[g + 1]]``): (NFKC text, how spans are found, what that needs).

    ``joined`` holds the surfaces of ``rows`` (``chars``: where each utterance's
    start), ``tiles`` says whether they are all non-empty strings. Modes:
    ``tile``, the surfaces are the text; ``breaks``, the text without its line
    breaks (with the characters before each break); ``offset``, a lean table's
    offsets; ``spans``, ({row: span}, rows) from :func:`cooccur.kwic_search.utterance_spans`.
    """
    has_offset, out = "offset" in tokens.columns, []
    for g, (raw, _, _) in enumerate(info):
        text = nfkc_text(raw)
        a, b = bounds[g], bounds[g + 1]
        if has_offset and text is not None:
            out.append((text, "offset", None))
            continue
        if tiles[g]:
            surfaces = joined[chars[g]:chars[g + 1]]
            text = surfaces if text is None else text
            if surfaces == text:
                out.append((text, "tile", None))
                continue
            if "\n" in text and surfaces == text.replace("\n", ""):
                out.append((text, "breaks", [k - i for i, k in enumerate(_newlines(text))]))
                continue
        urows = rows[a:b]
        surfaces = values.surface[urows].tolist() if "surface" in tokens.columns else [""] * len(urows)
        text, spans = utterance_spans(raw, urows, surfaces, values.offset[urows] if has_offset else None)
        out.append((text, "spans", (spans, urows)))
    return out


def _as_concatenated(out: pd.DataFrame, name: str, values: list, bounds: list) -> None:
    """Make ``out[name]`` what concatenating one frame per term (rows ``bounds[i]:bounds[i + 1]``) gives.

    A frame's column dtype depends on the types in it: a term whose lines all
    lack a speaker gets an object column, and concatenating it with a term's
    str column gives object. One frame per distinct mixture of types says
    whether the whole column's dtype is that of every term's frame.
    """
    def frame(x, y):
        return pd.DataFrame([(v,) for v in values[x:y]], columns=[name])

    kinds = {}
    for x, y in zip(bounds[:-1], bounds[1:]):
        kinds.setdefault(frozenset(map(type, values[x:y])), (x, y))
    if len(kinds) == 1 or {frame(x, y)[name].dtype for x, y in kinds.values()} == {out[name].dtype}:
        return
    out[name] = pd.concat([frame(x, y) for x, y in zip(bounds[:-1], bounds[1:])], ignore_index=True)[name]


class _LazyValues:
    """A tokens table's surface (term without one) and offset columns as numpy arrays, converted when asked."""

    def __init__(self, tokens):
        self.tokens = tokens

    @functools.cached_property
    def surface(self):
        return self.tokens["surface" if "surface" in self.tokens.columns else "term"].to_numpy()

    @functools.cached_property
    def offset(self):
        return self.tokens["offset"].to_numpy()


def _utterance_info(utterances: pd.DataFrame, docs: np.ndarray, keys: np.ndarray, umin: int, span: int) -> list:
    """(text, speaker, line) of the first utterance row of each key (doc code × span + utterance_id − umin).

    (None, NA, NA) for a key no row has, as the term-by-term path of :mod:`cooccur.kwic` looks them up.
    """
    code = pd.Index(docs).get_indexer(utterances["doc_id"])
    uu = utterances["utterance_id"].to_numpy().astype(np.int64)
    ok = np.flatnonzero((code >= 0) & (uu >= umin) & (uu < umin + span))
    ukey = code[ok] * span + (uu[ok] - umin)
    order = np.argsort(ukey, kind="stable")  # the first row of a key comes first
    ukey, ok = ukey[order], ok[order]
    i = np.minimum(np.searchsorted(ukey, keys), max(len(ukey) - 1, 0))
    found = (ukey[i] == keys) if len(ukey) else np.zeros(len(keys), dtype=bool)
    take = ok[i[found]]
    speaker, line = ([pd.NA] * len(take) if c not in utterances.columns else list(utterances[c].iloc[take])
                     for c in ("speaker", "line"))
    held = iter(zip(list(utterances["text"].iloc[take]), speaker, line))
    return [next(held) if f else (None, pd.NA, pd.NA) for f in found.tolist()]


def _newlines(text: str) -> list:
    at, k = [], text.find("\n")
    while k >= 0:
        at.append(k)
        k = text.find("\n", k + 1)
    return at


def _surface_strings(tokens: pd.DataFrame, rows: np.ndarray) -> tuple[list, np.ndarray, np.ndarray]:
    """The surfaces of ``rows`` ("" where not a non-empty string), which are, and their lengths."""
    if "surface" not in tokens.columns:
        return [""] * len(rows), np.zeros(len(rows), dtype=bool), np.zeros(len(rows), dtype=np.int64)
    column = tokens["surface"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        cats = np.asarray(column.cat.categories, dtype=object)
        if isinstance(column.cat.categories.dtype, pd.StringDtype):  # no NA among categories
            size = column.cat.categories.str.len().to_numpy(dtype=np.int64)
            good = size > 0
        else:
            good = np.fromiter((isinstance(c, str) and c != "" for c in cats), dtype=bool, count=len(cats))
            size = np.fromiter((len(c) if g else 0 for c, g in zip(cats, good)), dtype=np.int64, count=len(cats))
        codes = column.cat.codes.to_numpy()[rows]
        ok = (codes >= 0) & good[codes]
        strings = np.where(ok, cats[codes], "")
        return strings.tolist(), ok, np.where(ok, size[codes], 0)
    values = column.iloc[rows].to_numpy(dtype=object)
    ok = np.fromiter((isinstance(v, str) and v != "" for v in values), dtype=bool, count=len(values))
    strings = [v if g else "" for v, g in zip(values.tolist(), ok.tolist())]
    return strings, ok, np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
