"""Keyword rankings: which terms characterise the corpus (those of each group: :mod:`cooccur.groups`).

:func:`rank_keywords` scores every term; the score of ``keywords.csv`` is
``config.DEFAULTS["keyword_score"]`` (``"tfidf"``). Why tf-idf by default: in
transcribed talk the most frequent terms that survive the stopword list are
still talk words (思う, 考える, 今, やはり…): they occur in nearly every unit.
tf-idf over units (paragraphs by default) discounts a term by the share of units
it appears in, so topical terms — used repeatedly, but in some parts of the
discussion only — come first, while a term that appears once in one short unit
does not dominate because the per-unit vectors are L2-normalised and summed.
Caveat measured on the bundled sample minutes: the L2 normalisation also gives
a one-word unit (a backchannel paragraph such as なるほど, いかが) a full weight
of 1, so short talk turns still reach the top; ``flr`` ranked the topical
nouns (情報, システム, 区市町村, 住民, 業務, オンライン) clearly higher there.

Scores (all columns are always present):

``frequency``
    Token rows of the term.
``document_frequency``
    Units containing it.
``tfidf``
    scikit-learn's ``TfidfTransformer()`` weighting with its defaults
    (``norm="l2"``, ``use_idf=True``, ``smooth_idf=True``, ``sublinear_tf=False``,
    i.e. idf = ln((1 + n) / (1 + df)) + 1) on the unit × term **count** matrix;
    the score is the sum of the term's tf-idf weights over all units. It is
    computed by :func:`tfidf_sums` in a few sparse operations rather than by
    importing scikit-learn's text module, which costs about 1 s per process
    (measured: 1.04 s, more than tokenizing 0.5M characters); a test checks the
    values against ``TfidfTransformer`` to 1e-12.
``log_likelihood``
    Dunning's G² of the 2 × n_units table (this term vs every other counted
    token, per unit): how unevenly the term is spread over the units relative
    to their lengths. 0 when perfectly even.
``flr``
    Nakagawa & Mori's FLR for term extraction: FLR(t) = f(t) · LR(t),
    LR(t) = (Π_k (FL(p_k) + 1)(FR(p_k) + 1))^(1 / 2L) over the L parts p_k of t,
    where FL(p) (FR(p)) counts the occurrences of noun compounds in which p has
    a noun to its left (right). Runs of adjacent nouns/prefixes/suffixes in a
    sentence are the compounds; joined compound tokens (``pos == "複合名詞"``)
    are split back into parts with the SudachiPy tokenizer when available.
    Terms outside noun runs (verbs, adjectives…) have LR = 1, FLR = frequency.
``degree``, ``betweenness``
    From ``graph`` (NaN without a graph or for terms that are not nodes).

Ties in every ranking break by frequency (desc) then term; ``rank`` is 1, 2, 3…
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from .config import DEFAULTS, param_choices
from .errors import choices_message
from .matrix import as_strings, build_matrix, category_codes, check_unit
from .validate import check_int

__all__ = ["part_splitter", "rank_keywords", "keyword_table", "rank_table", "flr_scores", "FLRCounts", "tfidf_sums", "KEYWORD_SCORES"]

KEYWORD_SCORES: tuple[str, ...] = param_choices("keyword_score")
_NOUNISH = ("名詞", "複合名詞", "接頭辞", "接尾辞")

Score = Literal["salience", "tfidf", "frequency", "document_frequency", "log_likelihood", "flr", "degree", "betweenness"]


def rank_keywords(tokens: pd.DataFrame, *, score: Score = DEFAULTS["keyword_score"], unit: str = DEFAULTS["unit"],
                  graph=None, top: int | None = None, flr_counts: FLRCounts | None = None,
                  dispersion: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rank every counted term by ``score``.

    Parameters
    ----------
    tokens : DataFrame
        Tokens contract.
    score : {"salience", "tfidf", "frequency", "document_frequency", "log_likelihood", "flr", "degree", "betweenness"}
        ``salience``: frequency boosted by how the term clusters in some
        paragraphs or turns (:func:`cooccur.dispersion.term_dispersion`), so a
        word spread evenly through everything (or a one-word formula paragraph
        repeated) cannot top the list.
    unit : {"sentence", "paragraph", "utterance", "document"}
        Unit for document_frequency, tfidf and log_likelihood.
    graph : networkx.Graph, optional
        The co-occurrence network (for degree and betweenness).
    top : int, optional
        Keep the first ``top`` rows.
    flr_counts : FLRCounts, optional
        FLR's part counts summed beforehand over the full tokens, when
        ``tokens`` holds only some rows of them (a lean table).
    dispersion : DataFrame, optional
        :func:`cooccur.dispersion.term_dispersion` of these tokens, when already computed.

    Returns
    -------
    DataFrame
        ``term, score, rank, frequency, document_frequency, salience, clustering,
        tfidf, log_likelihood, flr, degree, betweenness``; sorted by rank.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"doc_id": "d", "utterance_id": 0, "paragraph_id": [0, 0, 1, 1],
    ...                   "sentence_id": 0, "position": [0, 1, 0, 1], "pos": "名詞",
    ...                   "surface": ["予算", "会議", "予算", "予算"], "term": ["予算", "会議", "予算", "予算"]})
    >>> rank_keywords(t, score="frequency")[["term", "score", "rank"]].to_dict("list")
    {'term': ['予算', '会議'], 'score': [3.0, 1.0], 'rank': [1, 2]}
    """
    if score not in KEYWORD_SCORES:
        raise ValueError(choices_message("keyword_score", score, KEYWORD_SCORES))
    check_int("top", top, minimum=1, none=True)
    table = keyword_table(tokens, unit=unit, flr_counts=flr_counts, dispersion=dispersion)
    return rank_table(table, score=score, graph=graph, top=top)


def keyword_table(tokens: pd.DataFrame, *, unit: str = DEFAULTS["unit"], flr_counts: FLRCounts | None = None,
                  dispersion: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every score of :func:`rank_keywords` that does not depend on the network, one row per counted term.

    ``term, frequency, document_frequency, tfidf, clustering, salience,
    log_likelihood, flr``, in vocabulary order (what :func:`rank_table`
    ranks); the tokens are all it reads, so a re-run with new network
    parameters can keep it (:class:`cooccur.stage_cache.StageCache`).
    """
    check_unit(unit)
    m = build_matrix(tokens, unit=unit, binary=False)
    Xc, vocab, freq, df = m.X, m.vocabulary, m.frequency, m.document_frequency
    out = pd.DataFrame({"term": pd.Series(vocab, dtype=object), "frequency": freq, "document_frequency": df})
    out["tfidf"] = tfidf_sums(Xc, df) if len(vocab) else np.zeros(0)
    if len(vocab):
        from .dispersion import term_dispersion

        disp = (term_dispersion(tokens) if dispersion is None else dispersion).set_index("term")
        out["clustering"] = out["term"].map(disp["clustering"]).to_numpy(dtype=float)
        out["salience"] = out["term"].map(disp["salience"]).to_numpy(dtype=float)
    else:
        out["clustering"] = out["salience"] = np.zeros(0)
    out["log_likelihood"] = _dispersion_g2(Xc)
    out["flr"] = flr_scores(tokens, vocab, freq, counts=flr_counts) if len(vocab) else np.zeros(0)
    return out


def rank_table(table: pd.DataFrame, *, score: Score = DEFAULTS["keyword_score"], graph=None,
               top: int | None = None) -> pd.DataFrame:
    """:func:`keyword_table`'s rows with the network's degree and betweenness, ranked by ``score`` (see
    :func:`rank_keywords`)."""
    if score not in KEYWORD_SCORES:
        raise ValueError(choices_message("keyword_score", score, KEYWORD_SCORES))
    check_int("top", top, minimum=1, none=True)
    out = table.copy()
    if graph is not None:
        deg = {n: d.get("degree", graph.degree(n)) for n, d in graph.nodes(data=True)}
        btw = {n: d.get("betweenness", np.nan) for n, d in graph.nodes(data=True)}
        out["degree"] = out["term"].map(deg).astype(float)
        out["betweenness"] = out["term"].map(btw).astype(float)
    else:
        out["degree"] = np.nan
        out["betweenness"] = np.nan
    out["score"] = out[score].astype(float)
    out = out.sort_values(["score", "frequency", "term"], ascending=[False, False, True], kind="mergesort",
                          na_position="last", ignore_index=True)
    out["rank"] = np.arange(1, len(out) + 1)
    cols = ["term", "score", "rank", "frequency", "document_frequency", "salience", "clustering", "tfidf",
            "log_likelihood", "flr", "degree", "betweenness"]
    out = out[cols]
    return out.head(top).reset_index(drop=True) if top is not None else out


def _dispersion_g2(Xc) -> np.ndarray:
    """G² of term vs other tokens over units, from the unit × term count matrix (sparse-friendly).

    G² = 2[Σ_u∋t (xlnx(O) + xlnx(L−O) − xlnx(L)) − xlnx(f) − xlnx(T−f) + xlnx(T)]
    with O the term's count in unit u, L the unit's counted tokens, f the term's
    total and T all counted tokens; units without the term contribute 0.
    """
    from scipy.special import xlogy

    n_terms = Xc.shape[1]
    if n_terms == 0:
        return np.zeros(0)
    L = np.asarray(Xc.sum(axis=1)).ravel().astype(np.float64)
    Lu = np.repeat(L, np.diff(Xc.indptr))  # each non-zero's unit length
    O = Xc.data.astype(np.float64)
    # per = xlogy(O, O) + xlogy(Lu - O, Lu - O) - xlogy(Lu, Lu), in place (same arithmetic, fewer temporaries)
    per = xlogy(O, O)
    rest = Lu - O
    per += xlogy(rest, rest)
    del rest
    per -= xlogy(Lu, Lu)
    del Lu
    s = np.bincount(Xc.indices, weights=per, minlength=n_terms)
    f = np.bincount(Xc.indices, weights=O, minlength=n_terms)
    T = float(L.sum())
    g = 2.0 * (s - xlogy(f, f) - xlogy(T - f, T - f) + xlogy(T, T))
    return np.maximum(g, 0.0)


def tfidf_sums(X, df=None) -> np.ndarray:
    """Per-term sum over units of scikit-learn's default tf-idf weights.

    ``X`` is a units × terms sparse count matrix. Same values as
    ``TfidfTransformer().fit_transform(X).sum(axis=0)``.
    """
    import scipy.sparse as sp

    X = sp.csr_matrix(X, dtype=np.float64)
    n_units = X.shape[0]
    if df is None:
        df = np.bincount(X.indices, minlength=X.shape[1])
    idf = np.log((1.0 + n_units) / (1.0 + np.asarray(df, dtype=np.float64))) + 1.0
    W = X.multiply(idf[np.newaxis, :]).tocsr()
    norms = np.sqrt(np.asarray(W.multiply(W).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    W = sp.diags(1.0 / norms) @ W
    return np.asarray(W.sum(axis=0)).ravel()


class FLRCounts:
    """What FLR needs from the tokens, summable over batches of whole documents.

    ``fl[p]`` / ``fr[p]``: occurrences of part ``p`` with a noun to its left /
    right; ``first[t]``: whether the first row of term ``t`` is a joined compound.
    :meth:`add` takes batches in corpus order (as :func:`cooccur.tokenize.tokenize_to_file`
    gives them), so the counts equal those of the whole tokens table at once.
    """

    def __init__(self, split=None):
        self.split = split or part_splitter()
        self.fl: dict[str, int] = {}
        self.fr: dict[str, int] = {}
        self.first: dict[str, bool] = {}
        self.usable = True
        self.rows = 0

    def add(self, tokens: pd.DataFrame) -> "FLRCounts":
        need = {"pos", "surface", "position", "doc_id", "utterance_id", "sentence_id"}
        if not need <= set(tokens.columns):
            self.usable = False
        if not self.usable or len(tokens) == 0:
            return self
        self.rows += len(tokens)
        fl, fr, first = _flr_counts(tokens, self.split)
        for mine, new in ((self.fl, fl), (self.fr, fr)):
            for p, c in new.items():
                mine[p] = mine.get(p, 0) + c
        for t, comp in first.items():
            self.first.setdefault(t, comp)
        return self

    def prepare(self, compounds) -> "FLRCounts":
        """Split these compound surfaces now and keep the parts, so the splitter's dictionary can be let go.

        The splitter then drops its tokenizer; a surface not split here
        loads it again when met.
        """
        for s in compounds:
            self.split(s)
        forget = getattr(self.split, "forget", None)
        if callable(forget):
            forget()
        return self


def flr_scores(tokens: pd.DataFrame, vocabulary, frequency, *, split=None,
               counts: FLRCounts | None = None) -> np.ndarray:
    """FLR score of each vocabulary term (see the module docstring).

    Needs the columns ``pos``, ``surface`` and ``position`` (plus unit keys);
    without them every LR is 1 and FLR equals frequency. ``split`` turns a joined
    compound (``pos == "複合名詞"``) into its parts; default: SudachiPy mode C.
    ``counts`` gives the part counts already summed (then ``tokens`` is not read).

    Works on integer codes: each distinct (surface, is-compound) of the noun-ish
    rows is split once; FL/FR are summed per part from the counts of those
    types (links inside a compound) and of adjacent pairs of noun-ish rows
    (links between tokens), so no table copy, sort or per-token Python loop is
    needed when the rows are in utterance/position order (as tokenize gives).
    """
    vocabulary = list(vocabulary)
    frequency = np.asarray(frequency, dtype=np.float64)
    if counts is None:
        counts = FLRCounts(split).add(tokens)
    if not counts.usable or not counts.rows:
        return frequency.copy()
    splitter = counts.split
    parts = [splitter(term) if counts.first.get(term, False) else [term] for term in vocabulary]
    flat = [p for ps in parts for p in ps]
    fl = np.fromiter((counts.fl.get(p, 0) for p in flat), dtype=np.float64, count=len(flat))
    fr = np.fromiter((counts.fr.get(p, 0) for p in flat), dtype=np.float64, count=len(flat))
    logs = np.log((fl + 1.0) * (fr + 1.0))
    n_parts = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    first = np.cumsum(n_parts) - n_parts
    out = np.empty(len(vocabulary))
    # the mean log of each term's parts, summed a row of equally many parts at a time (row sums add
    # left to right as numpy sums each term's list alone, so the scores are the same to the last bit)
    for m in np.unique(n_parts).tolist():
        k = np.flatnonzero(n_parts == m)
        total = logs[first[k][:, None] + np.arange(m)].sum(axis=1)
        out[k] = frequency[k] * np.exp(total / (2.0 * m))
    return out


def _flr_counts(tokens: pd.DataFrame, splitter) -> tuple[dict, dict, dict]:
    """(FL per part, FR per part, is-compound of each term's first row) of a tokens table."""
    order = _utterance_order(tokens)

    def col(name):
        v = tokens[name]
        return v if order is None else v.iloc[order]

    pos_c, pos_u = category_codes(col("pos"))
    pos_u = as_strings(pos_u)
    nounish_pos = np.isin(np.asarray(pos_u, dtype=object), _NOUNISH)
    nounish = np.r_[nounish_pos, False][pos_c]  # code -1 (missing) is not noun-ish
    if "pos_detail" in tokens.columns:
        det_c, det_u = category_codes(col("pos_detail"))
        numeral = np.array(["数詞" in x for x in as_strings(det_u)] + [False], dtype=bool)
        nounish &= ~numeral[det_c]
    comp_code = pos_u.index("複合名詞") if "複合名詞" in pos_u else -2
    compound = pos_c == comp_code
    surf_c, surf_u = category_codes(col("surface"))
    surf_u = as_strings(surf_u) + ["nan"]  # a missing surface reads "nan", as with astype(str)
    surf_c = np.where(surf_c < 0, len(surf_u) - 1, surf_c)
    doc_c = category_codes(col("doc_id"))[0]
    # adjacency of consecutive rows: same sentence, consecutive positions, both noun-ish
    same = ((doc_c[1:] == doc_c[:-1])
            & (col("utterance_id").to_numpy()[1:] == col("utterance_id").to_numpy()[:-1])
            & (col("sentence_id").to_numpy()[1:] == col("sentence_id").to_numpy()[:-1])
            & (col("position").to_numpy()[1:] == col("position").to_numpy()[:-1] + 1)
            & nounish[:-1] & nounish[1:])
    rows = np.flatnonzero(nounish)
    ttype, tkeys = pd.factorize(surf_c[rows] * 2 + compound[rows])  # type = (surface, compound?)
    part_id: dict[str, int] = {}
    t_first = np.empty(len(tkeys), dtype=np.int64)
    t_last = np.empty(len(tkeys), dtype=np.int64)
    t_parts = []
    for k, key in enumerate(tkeys.tolist()):
        s = surf_u[key // 2]
        parts = splitter(s) if key % 2 else [s]
        ids = [part_id.setdefault(p, len(part_id)) for p in parts]
        t_first[k], t_last[k] = ids[0], ids[-1]
        t_parts.append(ids)
    n_parts = len(part_id)
    t_count = np.bincount(ttype, minlength=len(tkeys))
    fr = np.zeros(n_parts, dtype=np.int64)  # p has a right neighbour
    fl = np.zeros(n_parts, dtype=np.int64)  # p has a left neighbour
    for ids, c in zip(t_parts, t_count.tolist()):
        for p in ids[:-1]:
            fr[p] += c
        for p in ids[1:]:
            fl[p] += c
    # links between tokens: row i (noun-ish) and row i + 1 (noun-ish) in one run
    row_type = np.full(len(tokens), -1, dtype=np.int64)
    row_type[rows] = ttype
    left = np.flatnonzero(same)
    fr += np.bincount(t_last[row_type[left]], minlength=n_parts)
    fl += np.bincount(t_first[row_type[left + 1]], minlength=n_parts)
    return (dict(zip(part_id, fl.tolist())), dict(zip(part_id, fr.tolist())),
            _first_is_compound(tokens, order))


def _utterance_order(tokens: pd.DataFrame) -> np.ndarray | None:
    """None when each utterance's rows are contiguous and by increasing position; else the sort order.

    The sort order is that of ``sort_values(["doc_id", "utterance_id", "position"], kind="mergesort")``.
    """
    doc, _ = category_codes(tokens["doc_id"])
    utt = tokens["utterance_id"].to_numpy()
    position = tokens["position"].to_numpy()
    same = (doc[1:] == doc[:-1]) & (utt[1:] == utt[:-1])
    if np.issubdtype(utt.dtype, np.integer) and bool(np.all(position[1:][same] > position[:-1][same])):
        lo = int(utt.min())
        key_c, keys = pd.factorize((doc + 1) * (int(utt.max()) - lo + 1) + (utt - lo))
        if int(np.count_nonzero(~same)) + 1 == len(keys):  # each utterance is one block of rows
            return None
    doc_sorted, _ = pd.factorize(tokens["doc_id"].astype(str).to_numpy(), sort=True)
    return np.lexsort((position, utt, doc_sorted))


def _first_is_compound(tokens: pd.DataFrame, order) -> dict[str, bool]:
    """For each term: whether its first row (in utterance/position order) is a joined compound (pos 複合名詞)."""
    term_c, term_u = category_codes(tokens["term"])
    pos_c, pos_u = category_codes(tokens["pos"])
    pos_u = as_strings(pos_u)
    comp = pos_u.index("複合名詞") if "複合名詞" in pos_u else -2
    ok = (term_c >= 0) & (pos_c >= 0)
    if order is not None:
        term_c, pos_c, ok = term_c[order], pos_c[order], ok[order]
    idx = np.flatnonzero(ok)
    tc, first = np.unique(term_c[idx], return_index=True)
    is_comp = (pos_c[idx[first]] == comp).tolist()
    names = as_strings(np.asarray(term_u, dtype=object)[tc])
    return dict(zip(names, is_comp))


def part_splitter(parts: dict[str, list[str]] | None = None):
    """A function str → list of parts (SudachiPy mode C when available, else the whole string).

    The tokenizer is created on the first call that needs it, so corpora
    without joined compounds never load the dictionary here. ``parts`` are
    splits made before (the function's ``parts`` attribute: every split it
    made, to keep and pass again), so those need no tokenizer.
    """
    cache: dict[str, list[str]] = dict(parts or {})
    state: dict = {}

    def split(s: str) -> list[str]:
        if s not in cache:
            if "tokenize" not in state:
                try:
                    from .tokenize import get_tokenizer

                    state["tokenize"] = get_tokenizer("C").tokenize
                except Exception:  # noqa: BLE001 - tokenizer unavailable: no splitting
                    state["tokenize"] = None
            parts = [s]
            if state["tokenize"] is not None:
                try:
                    parts = [m.surface() for m in state["tokenize"](s)] or [s]
                except Exception:  # noqa: BLE001
                    parts = [s]
            cache[s] = parts
        return cache[s]

    def forget() -> None:
        """Drop the tokenizer (and so the hold on its dictionary); the parts found so far are kept."""
        state.pop("tokenize", None)

    split.forget = forget
    split.parts = cache
    return split
