"""Turn a backend's analysis into the tokens table, batch by batch (vectorised).

:mod:`cooccur.tokenize` runs the backend and hands each batch of chunks
(:class:`cooccur.tokenize.chunks.Chunk`: token lengths, types, sentence ids)
to an :class:`Assembler`, which applies the term rules of
:mod:`cooccur.tokenize.terms` in three steps:

1. :meth:`Assembler.front` — look up every distinct (word id, surface) once in
   the corpus-wide type table, mark numerals, counters and stopwords, join
   forced terms and collect the runs of nouns/prefixes/suffixes;
2. :meth:`Assembler.finish` — join the runs as decided by
   :meth:`Assembler.decide` (``compounds="frequent"`` needs every run of the
   corpus first), drop the tokens inside joined spans and count each counted
   type;
3. :meth:`Assembler.frame` — after :meth:`Assembler.finalize` has chosen each
   term's display form (the most frequent written form of the corpus) and the
   sorted categories, build the DataFrame rows of the batch.

Decisions that need the whole corpus (frequent compounds, display forms,
categories) are taken between the steps, so a batch's arrays can be set aside
(on disk) in between and the result does not depend on how the corpus was cut
into batches, as long as no utterance is split.
"""

from __future__ import annotations

import numpy as np

from . import terms as _terms
from .backend import check_forms
from .phrases import REASONS, PhraseMatcher

__all__ = ["Assembler", "empty_frame", "sorted_codes", "REASON_CODES"]

#: Code of each reason a token is not counted (0: counted); the ``reason`` column's categories are :data:`REASONS`.
REASON_CODES = {name: i + 1 for i, name in enumerate(REASONS)}

_KINDS = {"": 0, "noun": 1, "prefix": 2, "suffix": 3}
_KIND_NAMES = ("", "noun", "prefix", "suffix")
_INT_COLUMNS = ("utterance_id", "paragraph_id", "sentence_id", "position")
_STR_COLUMNS = ("surface", "pos", "pos_detail", "dictionary_form", "normalized_form", "reading")


#: (``pos`` setting, POS tuple) -> its strings and rule flags, for every POS met (a per-process cache).
_POS_FLAGS: dict[tuple, tuple] = {}


def _pos_flags(pos: tuple[str, ...], p: tuple) -> tuple:
    """(pos, pos_detail, counted, compound kind, counter, numeral, conjugates, adjective stem) of the POS tuple ``p``."""
    flags = _POS_FLAGS.get((pos, p))
    if flags is None:
        flags = _POS_FLAGS[(pos, p)] = (
            p[0], "-".join(x for x in p if x != "*"), _terms.pos_is_counted(p, pos=pos),
            _KINDS[_terms.compound_kind(p)], _terms.is_counter_pos(p), p[:2] == ("名詞", "数詞"),
            p[0] in ("動詞", "形容詞"), _terms.is_adjective_stem_pos(p))
    return flags


def _encode(arr) -> tuple[np.ndarray, list]:
    """Hash-encode an arrow array: (codes as int64, distinct values in first-seen order)."""
    enc = arr.dictionary_encode()
    return enc.indices.to_numpy().astype(np.int64), enc.dictionary.to_pylist()


def sorted_codes(values: list) -> tuple:
    """(sorted distinct values as a str Index, code of each value in it): categories in string order."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    # Arrow's hash and sort (UTF-8 byte order is code point order, as str's): a third of np.unique's time on
    # object arrays, and it holds the GIL far less
    enc = pa.array(values, type=pa.string()).dictionary_encode()
    order = pc.sort_indices(enc.dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    cats = pd.Index(enc.dictionary.take(pa.array(order)).to_pylist(), dtype="str")
    return cats, rank[enc.indices.to_numpy().astype(np.int64)]


def empty_frame(columns):
    import pandas as pd

    cols = {c: pd.Series(pd.Categorical([], categories=pd.Index([], dtype="str"))) for c in columns}
    for c in _INT_COLUMNS:
        cols[c] = pd.Series([], dtype="int64")
    return pd.DataFrame(cols)


class _Types:
    """The corpus-wide table of distinct token types; rows of the output point into it."""

    def __init__(self):
        self.cols = {c: [] for c in ("surface", "dictionary_form", "normalized_form", "reading",
                                     "pos", "pos_detail", "key", "form")}
        self.counted: list[bool] = []
        self.reason: list[int] = []  # why a type is never counted (REASON_CODES), 0 if it can be
        self.index: dict = {}

    def __len__(self) -> int:
        return len(self.counted)

    def add(self, ident, *, surface, dictionary_form, normalized_form, reading, pos, pos_detail, key, form,
            counted, reason) -> int:
        i = self.index.get(ident)
        if i is None:
            i = self.index[ident] = len(self.counted)
            c = self.cols
            c["surface"].append(surface)
            c["dictionary_form"].append(dictionary_form)
            c["normalized_form"].append(normalized_form)
            c["reading"].append(reading)
            c["pos"].append(pos)
            c["pos_detail"].append(pos_detail)
            c["key"].append(key)
            c["form"].append(form)
            self.counted.append(counted)
            self.reason.append(reason)
        return i


class Assembler:
    """Corpus-wide state of the term rules while batches of chunks are assembled.

    ``backend`` (a :class:`cooccur.tokenize.backend.Backend`) gives the forms
    and POS of each word. Batches must be passed to :meth:`front` in corpus order, then to
    :meth:`finish` (after :meth:`decide`) and :meth:`frame` (after
    :meth:`finalize`) in the same order.
    """

    def __init__(self, doc_ids, utterance_ids, rules: dict, *, backend):
        self.doc_cats, self.doc_codes = sorted_codes(list(doc_ids))
        self.utterance_ids = np.asarray(utterance_ids, dtype=np.int64)
        self.rules = rules
        self.backend = backend
        from .sudachi import SudachiBackend

        self._trusted = type(backend) is SudachiBackend  # its forms are built here, never malformed
        self.compound_counted = any(t in ("名詞", "複合名詞") for t in rules["pos"])
        self.types = _Types()
        #: Occurrences of each forced term whose ends fall inside a backend's token (so they were not forced).
        self.forced_missed: dict[str, int] = {}
        phrases = rules.get("phrases") or ()
        self.matcher = PhraseMatcher(phrases) if phrases else None
        # per type (grown as types are added): numeral, counter after a numeral, compound role, breaks runs,
        # an adjective's stem (おいし of おいしい)
        self._flags: dict[str, list] = {"numeral": [], "counter": [], "kind": [], "breaks": [], "adj_stem": []}
        self._runs: dict[tuple, list[int]] = {}  # (type ids, kinds) -> [run id, occurrences]
        self._segs: list | None = None
        self._made: dict[tuple, int] = {}
        self._freq = np.zeros(0, dtype=np.int64)
        self._final: dict | None = None

    # ------------------------------------------------------------------ helpers
    def keyof(self, norm: str, surface: str) -> str:
        syn = self.rules["synonyms"]
        k = syn.get(surface) or syn.get(norm) or norm
        return syn.get(k, k) if k != norm else k

    def _base_type(self, w: int, s: str) -> int:
        i = self.types.index.get((w, s))
        if i is not None:
            return i
        sw = self.rules["stopwords"]
        base = self.rules.get("base_stopwords", sw)
        forms = self.backend.forms(w, s)
        dform, norm, reading, p = forms if self._trusted else check_forms(forms, w, s, self.backend)
        pos, detail, pos_counted, kind, counter, pos_numeral, conj, adj_stem = _pos_flags(self.rules["pos"], p)
        if not _terms.same_word(dform, norm):  # 応える is not 答える: merge spellings, never words
            norm = dform
        key = self.keyof(norm, s)
        stop = key in sw or s in sw or dform in sw
        speaker = stop and not (key in base or s in base or dform in base)  # only a speaker's name or title
        numeral = pos_numeral or _terms.is_numeral(s)
        f = self._flags
        f["numeral"].append(numeral)
        f["counter"].append(counter)
        f["adj_stem"].append(adj_stem)
        f["kind"].append(0 if numeral else kind)
        # a stopword noun removes whole terms after compounding (it does not cut デジタル版子供白書); stopword
        # prefixes and suffixes (君, 様, 第, 等 …) and speakers' names still cut runs (山田 | 委員)
        f["breaks"].append((speaker and not (kind == 1 and len(s) == 1)) or (stop and kind in (2, 3))
                           or (kind == 2 and s in _terms.NON_JOINING_PREFIXES))
        if self.matcher is not None:
            self.matcher.add_type(dform, s, detail)
        reason = (REASON_CODES["numeral"] if numeral else REASON_CODES["pos"] if not pos_counted
                  else REASON_CODES["speaker"] if speaker else REASON_CODES["stopword"] if stop else 0)
        return self.types.add((w, s), surface=s, dictionary_form=dform, normalized_form=norm, reading=reading,
                              pos=pos, pos_detail=detail, key=key,
                              form=dform if conj else s, counted=reason == 0, reason=reason)

    def _add_joined(self, ident, **values) -> int:
        """Add a forced term or compound type (never a token's base type: its run flags are all off)."""
        n = len(self.types)
        i = self.types.add(ident, **values)
        if i == n:
            for name, flags in self._flags.items():
                flags.append(0 if name == "kind" else False)
            if self.matcher is not None:
                self.matcher.add_blank()
        return i

    def _flag(self, name: str, dtype) -> np.ndarray:
        return np.asarray(self._flags[name], dtype=dtype)

    # ------------------------------------------------------------------ step 1
    def front(self, results: list) -> dict | None:
        """Type ids, forced terms and runs of one batch (chunks in corpus order); None if no token.

        ``results`` are :class:`cooccur.tokenize.chunks.Chunk`; the list is
        emptied (each chunk's arrays go as soon as they are merged).
        """
        import pyarrow as pa

        chunks = [r for r in results if len(r.lengths)]
        results.clear()
        if not chunks:
            return None
        N = np.concatenate([r.counts for r in chunks])
        n = int(N.sum())
        # token indexes and type ids fit int32 below 2**31 tokens (halves the largest temporaries)
        idx_t = np.int32 if n < 2**31 - 1 else np.int64
        # merge the chunks' type lists, then map each distinct (word id, surface) to its corpus-wide type
        offs = np.cumsum([0] + [len(r.type_word) for r in chunks])
        scode, sdict = _encode(pa.concat_arrays([r.type_surface for r in chunks]))
        winv, uw = _encode(pa.array(np.concatenate([r.type_word for r in chunks])))
        ginv, tcode = _encode(pa.array(winv * len(sdict) + scode))
        del scode, winv
        ns = len(sdict)
        gid = np.fromiter((self._base_type(uw[c // ns], sdict[c % ns]) for c in tcode), dtype=idx_t,
                          count=len(tcode))
        ginv = gid[ginv]
        del gid
        tt = np.concatenate([ginv[o + r.type_of] for o, r in zip(offs.tolist(), chunks)])
        del ginv
        prow = np.concatenate([r.row for r in chunks])
        ppara = np.concatenate([r.paragraph for r in chunks])
        psent = np.concatenate([r.sentence for r in chunks])
        L = np.concatenate([r.lengths for r in chunks])
        forced = self.rules["forced"]
        text = "".join(r.text for r in chunks) if forced else ""
        del chunks  # the texts and per-token arrays of the chunks are not needed any more
        ends = np.cumsum(L)
        starts = ends - L
        del L
        # each token's offset in its utterance's text without line breaks (pieces joined)
        row = np.repeat(prow, N)
        first = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
        offset = (starts - np.repeat(starts[first], np.diff(np.r_[first, n]))).astype(idx_t)
        del first
        piece_first = np.zeros(n + 1, dtype=bool)  # token starts a new piece (sentence)
        piece_first[np.cumsum(N) - N] = True
        same_piece = ~piece_first[:n]
        same_piece[0] = False
        del piece_first
        # counters right after a numeral (5年, 第3回) are never counted and break compounds
        t_numeral = self._flag("numeral", bool)
        after_num = np.zeros(n, dtype=bool)
        after_num[1:] = t_numeral[tt[:-1]] & same_piece[1:]
        del t_numeral
        not_counted = after_num & self._flag("counter", bool)[tt]
        merged_into = np.full(n, -1, dtype=idx_t)  # first token of a merged span -> new type
        span_end = np.arange(1, n + 1, dtype=idx_t)
        taken = np.zeros(n, dtype=bool)
        # forced terms: longest first, aligned on token boundaries, inside one sentence
        if forced:
            sent = np.repeat(psent, N)
        col = self.types.cols
        for term in sorted(forced, key=lambda x: (-len(x), x)):
            pos_ = text.find(term)
            while pos_ >= 0:
                a = int(np.searchsorted(starts, pos_))
                b = int(np.searchsorted(ends, pos_ + len(term)))
                if (a < n and b < n and starts[a] == pos_ and ends[b] == pos_ + len(term)
                        and row[a] == row[b] and sent[a] == sent[b] and not taken[a:b + 1].any()):
                    taken[a:b + 1] = True
                    k = self.keyof(term, term)
                    merged_into[a] = self._add_joined(
                        ("forced", term), surface=term, dictionary_form=term, normalized_form=term,
                        reading="".join(col["reading"][x] for x in tt[a:b + 1]), pos="名詞",
                        pos_detail="名詞-強制語", key=k, form=term, counted=True, reason=0)
                    span_end[a] = b + 1
                else:  # an occurrence inside one sentence whose ends cut a token: not forced, but counted aloud
                    a0 = int(np.searchsorted(ends, pos_, side="right"))
                    b0 = int(np.searchsorted(ends, pos_ + len(term) - 1, side="right"))
                    if (b0 < n and row[a0] == row[b0] and sent[a0] == sent[b0] and not taken[a0:b0 + 1].any()
                            and not (starts[a0] == pos_ and ends[b0] == pos_ + len(term))):
                        self.forced_missed[term] = self.forced_missed.get(term, 0) + 1
                pos_ = text.find(term, pos_ + 1)
        del starts, ends, row, text
        # an adjective's ending written again after its stem (おいし|しい): part of the adjective, not a term
        ending = self._adjective_endings(tt, same_piece) & ~taken
        reason = np.where(not_counted, np.int8(REASON_CODES["numeral"]), np.int8(0)).astype(np.int8)
        reason[ending] = REASON_CODES["pos"]
        not_counted |= ending
        # function expressions and formulas: not counted, never part of a compound
        if self.matcher is not None:
            m = self.matcher
            cand = np.flatnonzero(m.anchor_types()[tt] & ~taken)
            if len(cand):
                for a, b, why in m.match(tt, same_piece, candidates=cand, taken=taken):
                    reason[a:b] = np.where(reason[a:b] == 0, REASON_CODES[why], reason[a:b])
                    taken[a:b] = True
            not_counted = reason > 0
        # compounds
        kind = self._flag("kind", np.int8)[tt]
        kind[taken | after_num | ending | self._flag("breaks", bool)[tt]] = 0  # ending: never in a compound (しい|料理)
        del taken, after_num, ending
        run_start, run_id = (self._collect_runs(kind, same_piece, tt) if self.rules["compounds"] != "off"
                             else (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)))
        return dict(N=N, prow=prow, ppara=ppara, psent=psent, tt=tt, offset=offset, not_counted=not_counted,
                    reason=reason, merged_into=merged_into, span_end=span_end, run_start=run_start, run_id=run_id)

    def _adjective_endings(self, tt, same_piece) -> np.ndarray:
        """Counted tokens right after an adjective's stem that spell the end of that adjective.

        A syllable written twice (おいししい) leaves SudachiPy the stem おいし and
        the noun しい; the noun is the adjective's ending (おいしい ends with
        しい), not a word of its own. Decided once per distinct (stem, token) pair.
        """
        out = np.zeros(len(tt), dtype=bool)
        after = np.flatnonzero(self._flag("adj_stem", bool)[tt[:-1]] & same_piece[1:]) + 1
        if not len(after):
            return out
        pair = tt[after - 1].astype(np.int64) * len(self.types) + tt[after]
        uniq, inv = np.unique(pair, return_inverse=True)
        col, counted, nt = self.types.cols, self.types.counted, len(self.types)
        hit = np.array([counted[b] and _terms.is_adjective_ending(col["surface"][b], col["dictionary_form"][a])
                        for a, b in zip((uniq // nt).tolist(), (uniq % nt).tolist())], dtype=bool)
        out[after] = hit[inv.ravel()]
        return out

    def _collect_runs(self, kind, same_piece, tt) -> tuple[np.ndarray, np.ndarray]:
        """Runs of nouns/prefixes/suffixes (``same_piece``: token continues its sentence piece).

        Returns each run's first token (after trimming) and its id in the
        corpus-wide table of distinct runs, whose occurrences are counted.
        """
        inrun = kind > 0
        new = inrun.copy()
        new[1:] &= ~(inrun[:-1] & same_piece[1:])
        run_no = np.cumsum(new)
        idx = np.flatnonzero(inrun)
        empty = np.zeros(0, dtype=np.int64)
        if not len(idx):
            return empty, empty
        rid = run_no[idx]
        bounds = np.flatnonzero(np.r_[True, rid[1:] != rid[:-1], True])
        multi = np.flatnonzero(np.diff(bounds) >= 2)
        starts_l = idx[bounds[multi]].tolist()
        ends_l = (idx[bounds[multi + 1] - 1] + 1).tolist()
        kind_l = kind.tolist()
        tt_l = tt.tolist()
        runs = self._runs
        out_start, out_id = [], []
        for lo, hi in zip(starts_l, ends_l):
            while lo < hi and kind_l[lo] == 3:
                lo += 1
            while hi > lo and kind_l[hi - 1] == 2:
                hi -= 1
            if hi - lo < 2:
                continue
            key = (tuple(tt_l[lo:hi]), tuple(kind_l[lo:hi]))
            u = runs.get(key)
            if u is None:
                u = runs[key] = [len(runs), 0]
            u[1] += 1
            out_start.append(lo)
            out_id.append(u[0])
        return np.asarray(out_start, dtype=np.int64), np.asarray(out_id, dtype=np.int64)

    # ------------------------------------------------------------------ between steps 1 and 2
    def decide(self) -> None:
        """Decide how every distinct run of the corpus is joined (needs all batches through :meth:`front`)."""
        col = self.types.cols
        keys = list(self._runs)
        runs = [[(col["surface"][t], col["key"][t], _KIND_NAMES[k]) for t, k in zip(ids, ks)] for ids, ks in keys]
        weights = [self._runs[k][1] for k in keys]
        self._segs = _terms.compound_segments(runs, compounds=self.rules["compounds"],
                                              compound_min_frequency=self.rules["min_freq"], weights=weights)
        self._run_ids = [ids for ids, _ks in keys]
        self._runs = {}
        self._flags = {}  # only front() needs them

    # ------------------------------------------------------------------ step 2
    def finish(self, batch: dict) -> dict:
        """Join the batch's runs, drop the tokens inside joined spans; count the counted types."""
        if self._segs is None:
            raise RuntimeError("Assembler.decide() must run after every batch's front() and before finish()")
        merged_into, span_end = batch["merged_into"], batch["span_end"]
        col = self.types.cols
        sw = self.rules["stopwords"]
        ok_pos = self.compound_counted
        made = self._made
        for start, u in zip(batch["run_start"].tolist(), batch["run_id"].tolist()):
            ids = self._run_ids[u]
            for a, b in self._segs[u]:
                if b - a < 2:
                    continue
                part = ids[a:b]
                t_new = made.get(part)
                if t_new is None:
                    surface = "".join(col["surface"][t] for t in part)
                    key = self.keyof("".join(col["key"][t] for t in part), surface)
                    t_new = made[part] = self._add_joined(
                        ("compound", surface, key), surface=surface, key=key, form=surface, pos="複合名詞",
                        pos_detail="複合名詞",
                        dictionary_form="".join(col["dictionary_form"][t] for t in part),
                        normalized_form="".join(col["normalized_form"][t] for t in part),
                        reading="".join(col["reading"][t] for t in part),
                        counted=ok_pos and key not in sw and surface not in sw,
                        reason=(0 if ok_pos and key not in sw and surface not in sw
                                else REASON_CODES["pos"] if not ok_pos else REASON_CODES["stopword"]))
                merged_into[start + a] = t_new
                span_end[start + a] = start + b
        N = batch["N"]
        n = len(merged_into)
        merged = np.flatnonzero(merged_into >= 0)
        inside = np.zeros(n + 1, dtype=np.int32)  # spans do not overlap: +1 after a span's first token, -1 at its end
        np.add.at(inside, merged + 1, 1)
        np.add.at(inside, span_end[merged], -1)
        keep = np.cumsum(inside[:n]) == 0
        del inside, merged
        rtype = np.where(merged_into >= 0, merged_into, batch["tt"])[keep]
        counted = np.asarray(self.types.counted, dtype=bool)[rtype] & ~batch["not_counted"][keep]
        tok_reason = batch["reason"][keep]
        reason = np.where(tok_reason > 0, tok_reason, np.asarray(self.types.reason, dtype=np.int8)[rtype])
        reason[counted] = 0
        freq = np.bincount(rtype[counted], minlength=len(self.types))
        freq[:len(self._freq)] += self._freq
        self._freq = freq
        rrow = np.repeat(batch["prow"], N)[keep]
        first = np.flatnonzero(np.r_[True, rrow[1:] != rrow[:-1]])
        position = np.arange(len(rrow)) - np.repeat(first, np.diff(np.r_[first, len(rrow)]))
        return dict(rtype=rtype, counted=counted, reason=reason, rrow=rrow, position=position,
                    paragraph_id=np.repeat(batch["ppara"], N)[keep], sentence_id=np.repeat(batch["psent"], N)[keep],
                    offset=batch["offset"][keep])

    def compound_surfaces(self) -> list[str]:
        """The surfaces of the compounds joined so far (every one, once every batch went through :meth:`finish`)."""
        col = self.types.cols
        return [col["surface"][t] for t in self._made.values()]

    # ------------------------------------------------------------------ between steps 2 and 3
    def finalize(self) -> None:
        """Display forms (most frequent written form per key among counted rows) and sorted categories."""
        import pandas as pd

        col = self.types.cols
        freq = np.zeros(len(self.types), dtype=np.int64)
        freq[:len(self._freq)] = self._freq
        by_key: dict[str, dict[str, int]] = {}
        for t in np.flatnonzero(freq).tolist():
            d = by_key.setdefault(col["key"][t], {})
            form = col["form"][t]
            d[form] = d.get(form, 0) + int(freq[t])
        canonical = set(self.rules["synonyms"].values())  # a synonym's target is shown as the user wrote it
        display = {k: (k if k in canonical else _terms.choose_display(v)) for k, v in by_key.items()}
        names = sorted(set(display.values()))  # two keys may share a display form (n and ｎ...)
        name_idx = {v: i for i, v in enumerate(names)}
        t_term = np.array([name_idx.get(display.get(k), -1) for k in col["key"]], dtype=np.int64)
        cats = {"term": (pd.Index(names, dtype="str"), t_term)}
        for c in _STR_COLUMNS:
            cats[c] = sorted_codes(col[c])
        self._final = cats
        # only frame() runs from now on: let the type table, the runs and their segments go
        self.types = self._segs = self._run_ids = None
        self._made = {}

    # ------------------------------------------------------------------ step 3
    def frame(self, rows: dict, columns, *, offset: bool = False, int_dtype=np.int64):
        """The tokens DataFrame rows of one batch (``columns`` in order; ``offset`` adds that column).

        ``int_dtype`` is the dtype of the position columns (the tokens contract says int64).
        """
        import pandas as pd

        if self._final is None:
            raise RuntimeError("Assembler.finalize() must run after every batch's finish() and before frame()")
        rrow, rtype = rows["rrow"], rows["rtype"]
        cols = {}
        for c in columns:
            if c == "doc_id":
                cols[c] = pd.Categorical.from_codes(self.doc_codes[rrow], categories=self.doc_cats)
            elif c == "utterance_id":  # int64 always: it is the key of the utterances table
                cols[c] = self.utterance_ids[rrow]
            elif c in _INT_COLUMNS:
                cols[c] = rows[c].astype(int_dtype, copy=False)
            elif c == "term":
                cats, t_term = self._final["term"]
                cols[c] = pd.Categorical.from_codes(np.where(rows["counted"], t_term[rtype], -1), categories=cats)
            elif c == "reason":  # codes 1.. are REASONS in order (sorted), 0 (counted) is NA
                cols[c] = pd.Categorical.from_codes(rows["reason"].astype(np.int64) - 1,
                                                    categories=pd.Index(REASONS, dtype="str"))
            else:
                cats, tcodes = self._final[c]
                cols[c] = pd.Categorical.from_codes(tcodes[rtype], categories=cats)
        if offset:  # where the token starts in its utterance's NFKC text (line breaks counted)
            cols["offset"] = (rows["offset"] + rows["paragraph_id"]).astype(int_dtype, copy=False)
        # copy=False: the arrays above are this frame's alone; consolidating them would copy every int column
        return pd.DataFrame(cols, copy=False)
