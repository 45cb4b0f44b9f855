"""KWIC by searching the analysed text: every occurrence of a string, also inside longer compounds.

:func:`cooccur.kwic.concordance` calls :func:`find_lines`. Each analysed
utterance's ``text`` is NFKC normalised (as the tokenizer does) and searched
for the term (non-overlapping, left to right: the occurrences ``str.count``
counts); each hit is mapped to the tokens whose spans it touches. Tokens
whose counted ``term`` is the term but whose surface differs (a conjugated
verb, a synonym, another spelling) are added. :func:`read_folder_tables`
reads what an analysed output folder holds, so ``cooccur kwic OUT TERM``
answers from it without reading transcripts or running SudachiPy.
"""

from __future__ import annotations

import difflib
from itertools import accumulate
import json
import unicodedata
import weakref
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["find_lines", "folder_concordance", "is_output_folder", "read_folder_tables", "LINE_COLUMNS",
           "check_width_limit", "fast_spans", "unknown_term", "utterance_spans", "nfkc_text"]

#: Columns of a concordance line.
LINE_COLUMNS = ["doc_id", "utterance_id", "speaker", "left", "keyword", "right", "line", "term", "match"]

#: id(utterances) -> (weak reference, len, _Texts).
_TEXTS: dict = {}


class _Texts:
    """The analysed utterances' NFKC texts joined by NUL (so no hit spans two utterances)."""

    def __init__(self, utterances: pd.DataFrame):
        u = utterances
        if "exclusion" in u.columns:
            u = u[u["exclusion"].isna().to_numpy()]
        u = u.drop_duplicates(["doc_id", "utterance_id"])
        texts = [(t if unicodedata.is_normalized("NFKC", t) else unicodedata.normalize("NFKC", t))
                 if isinstance(t, str) else "" for t in u["text"].tolist()]
        self.doc = u["doc_id"].astype(str).tolist()
        self.utt = [int(x) for x in u["utterance_id"].tolist()]
        self.speaker = (u["speaker"].tolist() if "speaker" in u.columns else [pd.NA] * len(u))
        self.line = (u["line"].tolist() if "line" in u.columns else [pd.NA] * len(u))
        self.texts = texts
        self.joined = "\0".join(texts)
        lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
        self.starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(texts) else np.zeros(0, np.int64)
        self.row = {k: i for i, k in enumerate(zip(self.doc, self.utt))}

    def find(self, term: str):
        """(utterance index, start) of every non-overlapping occurrence of ``term``."""
        at, k, n, joined = [], self.joined.find(term), len(term), self.joined
        while k >= 0:
            at.append(k)
            k = joined.find(term, k + n)
        at = np.asarray(at, dtype=np.int64)
        i = np.searchsorted(self.starts, at, side="right") - 1
        return i, at - self.starts[i] if len(at) else at


def _texts(utterances) -> _Texts:
    held = _TEXTS.get(id(utterances))
    if held is not None and held[0]() is utterances and held[1] == len(utterances):
        return held[2]
    entry = _Texts(utterances)
    key = id(utterances)
    _TEXTS[key] = (weakref.ref(utterances, lambda _r, k=key, c=_TEXTS: c.pop(k, None)), len(utterances), entry)
    return entry


def find_lines(tokens: pd.DataFrame, utterances: pd.DataFrame, term: str, *, width: int, limit: int | None,
               exact: bool) -> pd.DataFrame:
    """The lines of :func:`cooccur.kwic.concordance` (see there for the columns)."""
    return _find(_FrameRows(tokens), _texts(utterances), term, width=width, limit=limit, exact=exact)


def folder_concordance(folder, term: str, *, width: int = 30, limit: int | None = None,
                       exact: bool = False) -> pd.DataFrame:
    """:func:`cooccur.kwic.concordance` of an analysed output folder, from its tables alone.

    Reads the ``utterances`` and ``tokens`` tables (Parquet or CSV) of a
    folder ``cooccur analyze -o`` wrote; no transcript is read and SudachiPy
    does not run. The lines are those :func:`cooccur.kwic.concordance` gives
    on the analysis the folder holds.
    """
    check_width_limit(width, limit)
    tokens, utterances = read_folder_tables(folder)
    source = _FrameRows(tokens) if isinstance(tokens, pd.DataFrame) else _ArrowRows(tokens)
    return _find(source, _Texts(utterances), term, width=width, limit=limit, exact=bool(exact))


def _find(source, ct: _Texts, term: str, *, width: int, limit: int | None, exact: bool) -> pd.DataFrame:
    if not isinstance(term, str) or not term.strip() or "\0" in term:
        raise ValueError(f"term must be a non-empty string, not {term!r}")
    query = unicodedata.normalize("NFKC", term)
    hit_utt, hit_start = ct.find(query)
    by_key: dict = {}
    for i, s in zip(hit_utt.tolist(), hit_start.tolist()):
        by_key.setdefault((ct.doc[i], ct.utt[i]), []).append((s, s + len(query)))
    sub = source.rows(term, set(by_key))
    if not by_key and not len(sub):
        raise unknown_term(term, source.vocabulary())
    records, seen_keys = [], set()
    for key, text, a, b, held_terms, is_term in _utterances(sub, ct, term):
        i = ct.row.get(key)
        seen_keys.add(key)
        found, covered = [], np.zeros(len(a), dtype=bool)
        for s, e in by_key.get(key, []):
            cover = np.flatnonzero((a < e) & (b > s))
            covered[cover] = True
            if len(cover) == 1 and is_term[cover[0]]:  # the term's own token (手続 as 手続き): the whole token
                j = int(cover[0])
                s, e, match, held = int(a[j]), int(b[j]), "token", term
            elif len(cover) == 1:
                j = int(cover[0])
                match, held = ("token" if (a[j], b[j]) == (s, e) else "inside"), held_terms[j]
            elif len(cover):
                parts = [str(held_terms[j]) for j in cover.tolist() if isinstance(held_terms[j], str)]
                match, held = "across", ("+".join(parts) if parts else pd.NA)
            else:  # a lean table holds no row for this text (an uncounted word)
                match, held = pd.NA, pd.NA
            found.append((s, e, held, match))
        for j in np.flatnonzero(is_term & ~covered & (a >= 0)).tolist():  # the term under another surface
            found.append((int(a[j]), int(b[j]), term, "token"))
        speaker, line = (ct.speaker[i], ct.line[i]) if i is not None else (pd.NA, pd.NA)
        seen = set()
        for s, e, held, match in found:
            if (s, e) in seen:  # two hits inside one token of the term are one occurrence of it
                continue
            seen.add((s, e))
            if exact and not (isinstance(match, str) and match == "token"):
                continue
            records.append((key[0], key[1], s, speaker, text[max(0, s - width):s].replace("\n", " "), text[s:e],
                            text[e:e + width].replace("\n", " "), line, held, match))
    if not exact:  # hits in utterances the tokens table holds no row of (it should not happen): still lines
        for key in sorted(set(by_key) - seen_keys):
            i = ct.row[key]
            text = ct.texts[i]
            for s, e in by_key[key]:
                records.append((key[0], key[1], s, ct.speaker[i], text[max(0, s - width):s].replace("\n", " "),
                                text[s:e], text[e:e + width].replace("\n", " "), ct.line[i], pd.NA, pd.NA))
    if exact and not records:
        raise ValueError(f"term {term!r} occurs only inside longer words (no token is exactly {term!r}); "
                         "drop exact=True (--exact) to see those lines")
    out = pd.DataFrame(records, columns=["doc_id", "utterance_id", "_s", *LINE_COLUMNS[2:]])
    out = out.sort_values(["doc_id", "utterance_id", "_s"], kind="mergesort").drop(columns="_s")
    total = len(out)
    if limit is not None:
        out = out.head(limit)
    out = out.reset_index(drop=True)
    out.attrs = {"total": total}
    return out


def _utterances(sub: pd.DataFrame, ct: _Texts, term: str):
    """Per utterance of ``sub``: (key, NFKC text, token starts, ends, counted terms, is-``term`` flags).

    Tokens are in position order; a token whose place in the text is unknown
    has start and end −1. The spans come from the ``offset`` column (lean
    tables), else from the surfaces' lengths when the surfaces tile the text
    without its line breaks (as the tokenizer makes them), else by searching
    each surface from a moving cursor.
    """
    if not len(sub):
        return
    doc = _values(sub["doc_id"])
    utt = sub["utterance_id"].to_numpy()
    order = np.lexsort((sub["position"].to_numpy(), utt, doc.astype(str)))
    doc, utt = doc[order], utt[order]
    surface = sub["surface"] if "surface" in sub.columns else sub["term"]
    lengths = _lengths(surface)[order]
    surf = None  # object strings only when a fallback needs them
    held = _values(sub["term"])[order]
    is_term = _equals(sub["term"], term)[order]
    offset = sub["offset"].to_numpy()[order] if "offset" in sub.columns else None
    change = np.flatnonzero(np.r_[True, (doc[1:] != doc[:-1]) | (utt[1:] != utt[:-1]), True])
    for lo, hi in zip(change[:-1].tolist(), change[1:].tolist()):
        key = (str(doc[lo]), int(utt[lo]))
        n = lengths[lo:hi]
        i = ct.row.get(key)
        if i is None:  # no analysed text for it: the surfaces are all there is
            surf = _values(surface)[order] if surf is None else surf
            text = "".join(x if isinstance(x, str) else "" for x in surf[lo:hi])
        else:
            text = ct.texts[i]
        if offset is not None:
            a = offset[lo:hi].astype(np.int64)
            b = a + n
        else:
            breaks = np.asarray([k for k, ch in enumerate(text) if ch == "\n"] if "\n" in text else [],
                                dtype=np.int64)
            if int(n.sum()) == len(text) - len(breaks):
                ends = np.cumsum(n)
                starts = ends - n
                shift = breaks - np.arange(len(breaks))  # each break's place among the other characters
                a = starts + np.searchsorted(shift, starts, side="right")
                b = a + n
            else:
                surf = _values(surface)[order] if surf is None else surf
                a, b = _cursor_spans(text, surf[lo:hi])
        yield key, text, a, b, held[lo:hi], is_term[lo:hi]


def _lengths(column: pd.Series) -> np.ndarray:
    """Characters of each value (0 for NA), through the categories of a categorical."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        cats = np.fromiter((len(str(c)) for c in column.cat.categories), dtype=np.int64,
                           count=len(column.cat.categories))
        codes = column.cat.codes.to_numpy()
        return np.where(codes >= 0, cats[np.maximum(codes, 0)], 0)
    return np.fromiter((len(x) if isinstance(x, str) else 0 for x in column.tolist()), dtype=np.int64,
                       count=len(column))


def _equals(column: pd.Series, term: str) -> np.ndarray:
    if isinstance(column.dtype, pd.CategoricalDtype):
        code = column.cat.categories.get_indexer([term])[0]
        return column.cat.codes.to_numpy() == code if code >= 0 else np.zeros(len(column), dtype=bool)
    return (column == term).fillna(False).to_numpy(dtype=bool)


def _cursor_spans(text: str, surfaces) -> tuple[np.ndarray, np.ndarray]:
    a, b, cursor = [], [], 0
    for sf in surfaces:
        sf = sf if isinstance(sf, str) else ""
        k = text.find(sf, cursor) if sf else -1
        a.append(k)
        b.append(k + len(sf) if k >= 0 else -1)
        if k >= 0:
            cursor = k + len(sf)
    return np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)


def _values(column: pd.Series) -> np.ndarray:
    """A column as an object array of str and NA (categoricals through their categories)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        cats = np.asarray(column.cat.categories.astype(object), dtype=object)
        codes = column.cat.codes.to_numpy()
        out = np.empty(len(codes), dtype=object)
        ok = codes >= 0
        out[ok] = cats[codes[ok]]
        out[~ok] = pd.NA
        return out
    values = column.to_numpy(dtype=object)
    return np.where(pd.isna(values), pd.NA, values).astype(object)




class _FrameRows:
    """Token rows of the utterances with hits, and of the term's own tokens, from a tokens DataFrame."""

    def __init__(self, tokens: pd.DataFrame):
        self.tokens = tokens

    def vocabulary(self):
        column = self.tokens["term"]
        return column.cat.categories if isinstance(column.dtype, pd.CategoricalDtype) else column.dropna().unique()

    def rows(self, term: str, keys: set) -> pd.DataFrame:
        from .matrix import category_codes

        tokens = self.tokens
        column = tokens["term"]
        if isinstance(column.dtype, pd.CategoricalDtype):
            code = column.cat.categories.get_indexer([term])[0]
            is_term = column.cat.codes.to_numpy() == code if code >= 0 else np.zeros(len(tokens), dtype=bool)
        else:
            is_term = (column == term).fillna(False).to_numpy(dtype=bool)
        doc_codes, docs = category_codes(tokens["doc_id"])
        utt = tokens["utterance_id"].to_numpy()
        code_of = {str(d): c for c, d in enumerate(docs)}
        want = {(code_of[d], u) for d, u in keys if d in code_of}
        r = np.flatnonzero(is_term)
        want |= set(zip(doc_codes[r].tolist(), utt[r].tolist()))
        mask = np.zeros(len(tokens), dtype=bool)
        if want:
            near = np.flatnonzero(np.isin(doc_codes, np.unique([d for d, _ in want])))
            mask[near] = pd.MultiIndex.from_arrays([doc_codes[near], utt[near]]).isin(list(want))
        return tokens[mask]


class _ArrowRows:
    """The same from a pyarrow Table (an output folder's tokens file), filtered before converting to pandas."""

    def __init__(self, table):
        self.table = table

    def vocabulary(self):
        column = self.table["term"].combine_chunks()
        return column.dictionary.to_pylist() if hasattr(column, "dictionary") else column.unique().to_pylist()

    def rows(self, term: str, keys: set) -> pd.DataFrame:
        import pyarrow as pa
        import pyarrow.compute as pc

        t = self.table
        term_part = t.filter(pc.fill_null(pc.equal(t["term"], term), False))
        t_docs = pc.cast(term_part["doc_id"], pa.string()).to_pylist()
        docs = sorted({d for d, _ in keys} | set(t_docs))
        if not docs:
            return _frame(t.slice(0, 0))
        value_set = pa.array(docs, type=pa.string())
        at = {d: i for i, d in enumerate(docs)}
        wanted = {at[d] * (1 << 32) + u for d, u in keys}
        wanted |= {at[d] * (1 << 32) + u for d, u in zip(t_docs, term_part["utterance_id"].to_pylist())}
        di = pa.chunked_array([_doc_index(chunk, value_set) for chunk in t["doc_id"].chunks], type=pa.int64())
        key = pc.add(pc.multiply(di, 1 << 32), pc.cast(t["utterance_id"], pa.int64()))
        mask = pc.fill_null(pc.is_in(key, value_set=pa.array(sorted(wanted), type=pa.int64())), False)
        return _frame(t.filter(mask))


def _doc_index(chunk, value_set):
    """Each row's position of its doc_id in ``value_set`` (null when absent), via the dictionary when encoded."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(chunk.type):
        at = pc.index_in(pc.cast(chunk.dictionary, pa.string()), value_set=value_set)
        return pc.cast(pc.take(at, chunk.indices), pa.int64())
    return pc.cast(pc.index_in(pc.cast(chunk, pa.string()), value_set=value_set), pa.int64())


def _frame(table) -> pd.DataFrame:
    df = table.to_pandas()
    for c in ("doc_id", "surface", "term"):
        if c in df.columns and not isinstance(df[c].dtype, pd.CategoricalDtype):
            df[c] = df[c].astype("category")
    return df


def fast_spans(text: str, rows, surfaces: list) -> dict | None:
    """Offsets when the surfaces are exactly the text without line breaks (as tokenize makes them).

    Gives the same spans as searching each surface from a moving cursor, in one
    pass; None when the surfaces do not tile the text (then the caller searches).
    """
    if not all(isinstance(s, str) and s for s in surfaces):
        return None
    joined = "".join(surfaces)
    ends = list(accumulate(map(len, surfaces)))
    if joined == text:
        bounds = ends
    elif "\n" in text and joined == text.replace("\n", ""):
        at = [i for i, ch in enumerate(text) if ch != "\n"]  # joined index -> text index
        starts = [at[e - len(s)] for e, s in zip(ends, surfaces)]
        return {r: (a, a + len(s)) for r, a, s in zip(rows.tolist(), starts, surfaces)}
    else:
        return None
    return {r: (e - len(s), e) for r, e, s in zip(rows.tolist(), bounds, surfaces)}


def nfkc_text(raw) -> str | None:
    """An utterance's ``text`` value NFKC normalised, as the tokenizer saw it; None when missing (None, NaN, NA)."""
    if raw is None or (isinstance(raw, float) and np.isnan(raw)) or raw is pd.NA:
        return None
    return unicodedata.normalize("NFKC", str(raw))


def utterance_spans(raw, rows: np.ndarray, surfaces: list, offset) -> tuple[str, dict]:
    """(normalised text, {row: (start, end)}) of one utterance's ``rows`` (in position order).

    ``raw`` is the utterance's text (None or NA when unknown: the surfaces are
    joined instead); ``offset`` the lean table's offsets of ``rows`` (None for
    a full table). A surface that cannot be located gets no span.
    """
    text = nfkc_text(raw)
    known = text is not None
    if not known:
        text = "".join(str(s) for s in surfaces)
    if offset is not None and known:  # a lean table says where each token starts
        spans = {r: (o, o + len(str(s))) for r, o, s in zip(rows.tolist(), offset.tolist(), surfaces)}
    else:
        spans = fast_spans(text, rows, surfaces)
    if spans is None:
        spans, cursor = {}, 0
        for r, s in zip(rows, surfaces):
            s = str(s)
            k = text.find(s, cursor) if s else -1
            if k >= 0:
                spans[int(r)] = (k, k + len(s))
                cursor = k + len(s)
    return text, spans


def unknown_term(term, names):
    close = difflib.get_close_matches(str(term), [str(k) for k in names], n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return ValueError(f"term {term!r} does not occur in the tokens{hint} "
                      "(terms are the display forms in the tokens' 'term' column)")

def check_width_limit(width, limit) -> None:
    if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or width < 0:
        raise ValueError(f"width must be a whole number ≥ 0, not {width!r}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 0):
        raise ValueError(f"limit must be a whole number ≥ 0 or None (all lines), not {limit!r}")


# --------------------------------------------------------------------------- analysed output folders
_UTTERANCE_COLUMNS = ["doc_id", "utterance_id", "speaker", "text", "exclusion", "line"]
_TOKEN_COLUMNS = ["doc_id", "utterance_id", "position", "surface", "term"]


def _table(folder: Path, stem: str) -> Path | None:
    for kind in ("parquet", "csv"):
        if (folder / f"{stem}.{kind}").is_file():
            return folder / f"{stem}.{kind}"
    return None


def is_output_folder(path) -> bool:
    """True for a folder ``cooccur analyze -o`` wrote: ``manifest.json`` and the utterances and tokens tables."""
    path = Path(path)
    if not path.is_dir() or not (path / "manifest.json").is_file():
        return False
    return _table(path, "utterances") is not None and _table(path, "tokens") is not None


def read_folder_tables(folder):
    """(tokens, utterances) of an analysed output folder, only the columns KWIC needs.

    ``tokens`` is a pyarrow Table (dictionary-encoded strings) for a Parquet
    tokens file, so only the rows a query needs become pandas rows; a
    DataFrame for CSV. ``utterances`` is a DataFrame.

    Raises
    ------
    ValueError
        ``folder`` is not an output folder of ``cooccur analyze`` (with what is missing).
    """
    folder = Path(folder)
    if not is_output_folder(folder):
        raise ValueError(f"{folder} is not an analysed output folder (it needs manifest.json, "
                         "utterances.parquet/.csv and tokens.parquet/.csv): run `cooccur analyze INPUT -o "
                         f"{folder}` first, or give the transcripts instead")
    try:
        json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{folder / 'manifest.json'}: unreadable ({exc}); rerun cooccur analyze") from None
    tokens_path = _table(folder, "tokens")
    if tokens_path.suffix == ".parquet":
        import pyarrow.parquet as pq

        have = set(pq.read_schema(tokens_path).names)
        tokens = pq.read_table(tokens_path, columns=[c for c in _TOKEN_COLUMNS if c in have],
                               read_dictionary=[c for c in ("doc_id", "surface", "term") if c in have])
    else:
        tokens = _read(tokens_path, _TOKEN_COLUMNS, {"term", "doc_id", "surface"})
    return tokens, _read(_table(folder, "utterances"), _UTTERANCE_COLUMNS, set())


def _read(path: Path, columns: list, categorical: set) -> pd.DataFrame:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        have = set(pq.read_schema(path).names)
        df = pq.read_table(path, columns=[c for c in columns if c in have]).to_pandas()
    else:
        df = pd.read_csv(path, encoding="utf-8-sig", usecols=lambda c: c in columns, keep_default_na=False,
                         na_values={c: [""] for c in ("term", "speaker", "exclusion", "line")},
                         dtype={c: str for c in ("doc_id", "speaker", "text", "exclusion", "surface", "term")})
    for c in categorical & set(df.columns):
        df[c] = df[c].astype("category")
    return df
