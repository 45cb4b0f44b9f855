"""Chain the stages: folder → utterances → tokens → co-occurrence → network → outputs.

:func:`analyze` is what ``cooccur analyze`` calls; every keyword it accepts is a
parameter of the table in :mod:`cooccur.config` (and so a ``--flag`` of the CLI and
a key of the TOML config). Each stage stays usable alone; :class:`Analysis` just
holds their results together for notebooks. :func:`analyze`, :func:`compare` and
:func:`kwic_lines` read and tokenize the same way (:func:`read_and_tokenize`);
where files go is the output folder's business (:class:`cooccur.folder.OutputFolder`),
this module only computes.

Examples
--------
>>> import cooccur
>>> a = cooccur.analyze("data/sample")                 # doctest: +SKIP
>>> a.keywords.head()                                   # doctest: +SKIP
>>> a.plot()                                            # doctest: +SKIP
"""

from __future__ import annotations

import time
import warnings as _warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import __version__
from .config import DEFAULTS, PARAMS, load_config, validate_params
from .errors import AnalysisError

__all__ = ["Analysis", "Tokenized", "analyze", "compare", "kwic_lines", "run", "read_and_tokenize", "tokenize_corpus",
           "resolve_params"]

_STAGE_KEYS = {stage: [p.name for p in PARAMS if p.stage == stage] for stage in {p.stage for p in PARAMS}}


def resolve_params(config: str | Path | None = None, **params: Any) -> dict[str, Any]:
    """Defaults, overlaid by a TOML config file, overlaid by explicit keywords.

    Every keyword given wins over the config file, ``None`` included: ``None``
    sets the parameter to ``None`` (for ``min_frequency``: automatic; for
    ``threshold``: off, use ``top_n``). Leave a keyword out to keep the config
    file's value or the default.

    >>> resolve_params(None, unit="sentence")["unit"], resolve_params(None)["unit"]
    ('sentence', 'paragraph')
    """
    resolved = dict(DEFAULTS)
    if config is not None:
        resolved.update(load_config(config))
    resolved.update(validate_params(params))
    return resolved


@dataclass
class Analysis:
    """The results of one run, stage by stage.

    Attributes end in the stage that made them: ``corpus`` (read),
    ``tokens`` (tokenize), ``cooccurrence`` (counts and edges), ``graph``
    (network), ``keywords``, ``positions`` (layout). With ``group_by``:
    ``attribute_graph``, ``distinctive`` and ``comparison``.

    When the tokens were streamed to the output folder (``tokens_in_memory``
    lean, or auto on a large corpus), ``tokens`` is the lean table of
    :func:`cooccur.tokenize.tokenize_to_file` (counted rows and one row per
    sentence), ``tokens_file`` the full table on disk and ``token_counts`` its
    row counts; ``parameters["tokens_in_memory"]`` says which it was.
    """

    corpus: Any
    tokens: Any
    cooccurrence: Any
    graph: Any
    keywords: Any
    positions: dict
    parameters: dict
    #: Term families (compounds sharing a stem) with their combined counts; see :mod:`cooccur.families`.
    families: Any = None
    attribute_graph: Any = None
    distinctive: Any = None
    comparison: Any = None
    warnings: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    cache_stats: dict = field(default_factory=dict)
    #: Set when ``tokens`` is a lean table: the tokens file written, and the counts of all its rows.
    tokens_file: Path | None = None
    token_counts: dict | None = None
    #: KH Coder's other analyses (cooccur.analyses): correspondence (with group_by), clusters, codes.
    correspondence: Any = None
    clusters: Any = None
    codes: Any = None

    # --- convenience views -------------------------------------------------
    @property
    def utterances(self):
        return self.corpus.utterances

    @property
    def nodes(self):
        from .network import nodes_frame

        return nodes_frame(self.graph)

    @property
    def edges(self):
        from .network import edges_frame

        return edges_frame(self.graph)

    def plot(self, **kwargs):
        """The co-occurrence network figure (a matplotlib Figure)."""
        from .plot import plot_network

        opts = {k: self.parameters[k] for k in ("color_by", "size", "edge_labels", "mst", "transparent", "seed")}
        opts.update(kwargs)
        return plot_network(self.graph, self.positions, **opts)

    def kwic(self, term: str, **kwargs):
        """Concordance lines for ``term`` (who said it, in context)."""
        from .kwic import concordance

        return concordance(self.tokens, self.corpus.utterances, term, **kwargs)

    def summary(self) -> dict:
        """Counts a person checks first: files, utterances, tokens, terms, nodes, edges."""
        s = dict(self.corpus.summary())
        counted = self.tokens["term"].notna()
        counts = self.token_counts or {"tokens": len(self.tokens), "counted_tokens": counted.sum()}
        s.update(
            tokens=int(counts["tokens"]),
            counted_tokens=int(counts["counted_tokens"]),
            distinct_terms=int(self.tokens.loc[counted, "term"].nunique()),
            candidate_terms=int(len(self.cooccurrence.terms)),
            nodes=int(self.graph.number_of_nodes()),
            edges=int(self.graph.number_of_edges()),
            min_frequency_applied=int(self.cooccurrence.min_frequency_),
        )
        return s

    def __repr__(self) -> str:
        s = self.summary()
        return (f"<Analysis: {s.get('utterances_analysed', '?')} utterances, {s['counted_tokens']} counted tokens, "
                f"{s['nodes']} nodes, {s['edges']} edges (unit={self.parameters['unit']}, "
                f"measure={self.parameters['measure']}, min_frequency={s['min_frequency_applied']})>")


def pick_params(params: dict, stage: str, **rename) -> dict:
    out = {k: params[k] for k in _STAGE_KEYS[stage]}
    for old, new in rename.items():
        out[new] = out.pop(old)
    return out


def run(corpus, params: dict, *, tokens=None, progress: Callable[[int], None] | None = None,
        cache=None, engine=None, folder=None) -> Analysis:
    """Run every stage after reading on an already read corpus (and tokens, if given).

    ``tokens`` is what :func:`tokenize_corpus` returned (a :class:`Tokenized`)
    or a tokens table; without it the corpus is tokenized here by
    :func:`tokenize_corpus` with ``cache`` (a :class:`cooccur.cache.TokenCache`),
    ``engine`` (a :class:`cooccur.engine.Engine`, default local), ``folder``
    (an :class:`cooccur.folder.OutputFolder`: a lean table may then stream the
    full one to its tokens file; its figure worker starts drawing the network
    as soon as the layout is done) and ``progress``. Every result is the same.
    """
    from .engine import Engine

    engine = engine or Engine()
    from .cooccurrence import count_cooccurrence
    from .keywords import keyword_table, rank_table
    from .layout import network_layout
    from .network import build_network

    if tokens is None:
        tokens = tokenize_corpus(corpus, params, engine=engine, cache=cache, folder=folder, progress=progress,
                                 keep_tokens=True, collect_warnings=True)
    elif not isinstance(tokens, Tokenized):
        tokens = Tokenized(corpus=corpus, tokens=tokens)
    got, tokens = tokens, tokens.tokens
    timings: dict[str, float] = dict(got.timings)
    warnings: list[str] = list(getattr(corpus, "warnings", [])) + got.warnings
    flr_counts, token_counts = got.flr, got.counts

    t0 = time.perf_counter()
    from .dispersion import term_dispersion

    from .stage_cache import stage_runner

    # the stages that read only the tokens are kept in the folder's stage cache (the same frames on a re-run)
    stage = stage_runner(getattr(folder, "stages", None), tokens)
    # clustering and salience once, for the candidate selection and the keywords
    dispersion = (stage("dispersion", (), lambda: (term_dispersion(tokens), {}))[0]
                  if tokens["term"].notna().any() else None)
    with _warnings.catch_warnings():  # they are collected in cooc.warnings and reported once
        _warnings.simplefilter("ignore", UserWarning)
        try:
            cooc = count_cooccurrence(tokens, pair_counts=engine.pair_counts, dispersion=dispersion,
                                      **pick_params(params, "cooccurrence"))
        except AnalysisError as exc:  # a small input: an empty network, said in the summary and report
            cooc = _empty_cooccurrence(params, f"the network is empty: {exc}")
    warnings.extend(cooc.warnings)
    graph = build_network(cooc, communities=params["communities"], seed=params["seed"])
    timings["cooccurrence_network"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    from .plot import SIZES

    width, height = SIZES[params["size"]]
    positions = network_layout(graph, seed=params["seed"], aspect=width / height)
    timings["layout"] = time.perf_counter() - t0
    if folder is not None:  # drawn in the figure worker while the keywords and the other analyses are computed
        folder.draw_network(graph, positions, params, tokens=tokens, utterances=corpus.utterances)

    t0 = time.perf_counter()
    # FLR's counts are the full table's: a function of the tokens but for a lean table (counted while streaming)
    flr_key = (None if flr_counts is None or token_counts is None else
               (flr_counts.fl, flr_counts.fr, flr_counts.first, flr_counts.usable, flr_counts.rows))
    table = stage("keywords", (params["unit"], flr_key), lambda: (
        keyword_table(tokens, unit=params["unit"], flr_counts=flr_counts, dispersion=dispersion), {}))[0]
    keywords = rank_table(table, score=params["keyword_score"], graph=graph)
    timings["keywords"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    said: list[str] = []  # the families' warnings, kept with them
    families, extras = stage("families", (sorted(set(cooc.terms["term"])),),
                             lambda: (_families(tokens, cooc, said), {"warnings": said}))
    warnings.extend(extras["warnings"])
    timings["families"] = time.perf_counter() - t0

    attribute_graph = distinctive = comparison = None
    if params["group_by"]:
        _check_group_by(corpus.utterances, params["group_by"])
        t0 = time.perf_counter()
        attribute_graph, distinctive, comparison = _group_results(tokens, corpus.utterances, params, warnings)
        timings["groups"] = time.perf_counter() - t0

    from .analyses import run_analyses

    extra = run_analyses(corpus, tokens, cooc, params, warnings, timings, stage=stage)

    applied = dict(params)
    applied["min_frequency"] = int(cooc.min_frequency_)
    applied["tokens_in_memory"] = "lean" if token_counts is not None else "all"  # what "auto" chose
    return Analysis(corpus=corpus, tokens=tokens, cooccurrence=cooc, graph=graph, keywords=keywords,
                    positions=positions, parameters=applied, families=families, attribute_graph=attribute_graph,
                    distinctive=distinctive, comparison=comparison, warnings=warnings, timings=timings,
                    tokens_file=got.file, token_counts=token_counts, **extra)


def _families(tokens, cooc, warnings: list):
    """Term families (:mod:`cooccur.families`); warns when families pass the cut-off only together."""
    from .families import families_below_cutoff, term_families

    from .cooccurrence import auto_min_frequency

    fam = term_families(tokens, candidates=set(cooc.terms["term"]))
    freq = tokens["term"].dropna().value_counts()
    cutoff = auto_min_frequency(freq.to_numpy()) if len(freq) else 0  # KH Coder's cut-off: ~75 terms by frequency
    below = families_below_cutoff(fam, cutoff)
    fam.attrs["below_cutoff"] = below["family"].tolist()
    if len(below):
        shown = "、".join(f"{f} ({n} times in {m} terms)" for f, n, m in below.head(5).itertuples(index=False))
        warnings.append(f"{len(below)} term families reach the frequency cut-off ({cutoff}) only "
                        f"together, none of their terms alone: {shown}; see families.csv, and merge the ones that "
                        "are one theme with --synonyms family_synonyms.csv (edit it first)")
    return fam


def _group_results(tokens, utterances, params: dict, warnings: list):
    """(word–attribute network, distinctive terms, comparison) for ``params["group_by"]``.

    What a small or one-group input cannot give is None, with the reason added to ``warnings``
    (:func:`cooccur.groups.group_results`).
    """
    from .groups import group_results

    out = group_results(tokens, utterances, group_by=params["group_by"], max_groups=params["max_groups"],
                        communities=params["communities"], seed=params["seed"],
                        **pick_params(params, "cooccurrence"))
    warnings.extend(out.warnings)
    return out.attribute_graph, out.distinctive, out.comparison


def _empty_cooccurrence(params: dict, reason: str):
    """A :class:`~cooccur.cooccurrence.Cooccurrence` with no term and no edge, ``reason`` as its warning."""
    import pandas as pd

    from .cooccurrence import MEASURES, Cooccurrence

    edges = pd.DataFrame({c: pd.Series(dtype="int64" if c == "cooccurrence" else ("float64" if c in (*MEASURES,
                          "weight") else object)) for c in ("source", "target", "cooccurrence", *MEASURES, "weight")})
    terms = pd.DataFrame({"term": pd.Series(dtype=object), "frequency": pd.Series(dtype="int64"),
                          "document_frequency": pd.Series(dtype="int64")})
    applied = params["min_frequency"] if params["min_frequency"] is not None else 1
    cparams = {k: params[k] for k in _STAGE_KEYS["cooccurrence"]} | {"min_frequency": applied}
    return Cooccurrence(edges=edges, terms=terms, min_frequency_=int(applied), n_units=0, unit=params["unit"],
                        measure=params["measure"], parameters=cparams, warnings=[reason])


def _set_aside_speakers(corpus, params: dict):
    """The corpus with the chair's turns and the excluded speakers' turns marked (:mod:`cooccur.speakers`)."""
    from .speakers import exclude_speakers

    utt, exc = exclude_speakers(corpus.utterances, corpus.exclusions, **pick_params(params, "speakers"))
    if utt is not corpus.utterances:
        corpus.utterances, corpus.exclusions = utt, exc
    return corpus


def _check_group_by(utterances, column: str) -> None:
    from .groups import check_group_by

    check_group_by(utterances, column, name="--group-by")


def analyze(input: str | Path, *, output: str | Path | None = None, config: str | Path | None = None,
            force: bool = False, cache: bool | str | Path = True, progress: bool | Callable[[int], None] = False,
            **params: Any) -> Analysis:
    """Analyse a transcript file or folder; optionally write every output to ``output``.

    Parameters
    ----------
    input : path
        A transcript file or a folder (read recursively).
    output : path, optional
        Folder for the outputs (tables, network files, figures, manifest),
        opened as a :class:`cooccur.folder.OutputFolder`.
    config : path, optional
        A TOML file with the same keywords as this function.
    force : bool
        Write into a non-empty folder that cooccur did not create.
    cache : bool or path
        Keep SudachiPy's analysis per document in ``output/.cache/tokens``
        (``True``, the default; no cache without ``output``), in the given
        folder, or nowhere (``False``); with an ``output`` folder and a cache,
        each parsed transcript is also kept in ``output/.cache/read``
        (:class:`cooccur.read.cache.ReadCache`). Re-runs with other network,
        keyword or figure parameters then parse and tokenize only changed
        files; results are identical either way.
    progress : bool or callable
        Report tokenizing progress (characters done).
    **params
        Any parameter of :data:`cooccur.config.PARAMS` (``unit``, ``measure``,
        ``top_n``, ``min_frequency``, ``seed``, ``split_mode``, ...).

    Returns
    -------
    Analysis
    """
    started = time.time()
    t_start = time.perf_counter()
    resolved = resolve_params(config, **params)
    if resolved["tokens_in_memory"] == "lean" and output is None:
        raise ValueError("tokens_in_memory='lean' streams the tokens table to the output folder; "
                         "give output= (or --output), or use tokens_in_memory='all'")
    from .analyses import check_params

    check_params(resolved)  # bad counts or a syntax error in the coding rules stop the run before tokenizing
    folder, token_cache = _open_folder(output, force=force, cache=cache)
    try:
        if folder is not None:
            folder.start_figure_worker(resolved)  # matplotlib is imported there while this process reads
        analysis = _analyze_into(input, resolved, folder, token_cache, progress)
        if folder is not None:
            folder.write(analysis, started_at=started, t_start=t_start)
    finally:
        if folder is not None:
            folder.close()
    return analysis


def _analyze_into(input, resolved: dict, folder, token_cache, progress) -> Analysis:
    """Read, tokenize and run every stage for :func:`analyze`, with the cache statistics set."""
    from .engine import get_engine

    engine = get_engine(resolved["engine"], resolved["scheduler"])
    try:
        got = read_and_tokenize(input, resolved, group_by=resolved["group_by"] or None, engine=engine,
                                cache=token_cache, folder=folder, progress=progress if callable(progress) else None,
                                keep_tokens=True, collect_warnings=True, require_text=True)
        analysis = run(got.corpus, resolved, tokens=got, engine=engine, folder=folder)
    finally:
        engine.close()
    if token_cache is not None:
        analysis.cache_stats = {"folder": str(token_cache.folder), "hits": token_cache.hits,
                                "misses": token_cache.misses, "tokens_reused": token_cache.hits_corpus}
        if folder is not None and folder.read_cache is not None:
            analysis.cache_stats["files_reused"] = folder.read_cache.hits
    return analysis


def _open_folder(output, *, force: bool, cache):
    """(the :class:`~cooccur.folder.OutputFolder` at ``output``, or None; the token cache the run keeps)."""
    from .folder import OutputFolder, open_token_cache

    if output is None:
        return None, open_token_cache(cache)
    folder = OutputFolder(output, force=force, cache=cache)  # the guard runs here
    return folder, folder.cache


#: With ``tokens_in_memory="auto"``, corpora with more characters of remarks than this keep lean tokens.
AUTO_LEAN_CHARS = 5_000_000


@dataclass
class Tokenized:
    """A read and tokenized corpus, as :func:`read_and_tokenize` and :func:`tokenize_corpus` return it.

    When ``counts`` (the full table's ``tokens`` and ``counted_tokens``) is
    set, ``tokens`` is the lean table of :func:`cooccur.tokenize.tokenize_to_file`;
    ``file`` is the tokens file the full table went to. ``flr`` is FLR's part
    counts (:class:`cooccur.keywords.FLRCounts`) when they were counted while
    tokenizing (a lean table; a full one with a token cache, which keeps
    them), else None (keywords counts them). ``warnings`` the term rules'
    when collected (forced terms not forced), ``timings`` the seconds of ``read`` and ``tokenize``.
    """

    corpus: Any
    tokens: Any
    counts: dict | None = None
    flr: Any = None
    file: Path | None = None
    warnings: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)


def read_and_tokenize(input, params: dict, *, group_by: str | None = None, engine=None, cache=None, folder=None,
                      progress: Callable[[int], None] | None = None, keep_tokens: bool = False,
                      collect_warnings: bool = False, require_text: bool = False) -> Tokenized:
    """Read ``input``, set the chair's and excluded speakers' turns aside, check ``group_by``, tokenize.

    The one read → tokenize path of :func:`analyze`, :func:`compare`,
    :func:`kwic_lines` and ``cooccur ca``; ``params`` as :func:`resolve_params`
    returns them. ``group_by`` must be a column (checked before tokenizing);
    ``require_text`` raises :class:`~cooccur.errors.AnalysisError` when no
    utterance is left to analyse. ``engine`` (which also reads the files),
    ``cache``, ``folder``, ``progress``, ``keep_tokens`` and
    ``collect_warnings`` are :func:`tokenize_corpus`'s. Returns a :class:`Tokenized`.
    """
    from .engine import Engine
    from .read import read_corpus

    engine = engine or Engine()
    t0 = time.perf_counter()
    map_files = folder.map_files(engine.map_files) if folder is not None else engine.map_files
    corpus = _set_aside_speakers(read_corpus(input, map_files=map_files, **pick_params(params, "read")), params)
    from .tokenize.sudachi import release_dictionary

    release_dictionary()  # speaker labels were split with it; tokenizing maps it again, a cached re-run need not
    read_seconds = time.perf_counter() - t0
    if group_by is not None:  # fail before the expensive stages
        _check_group_by(corpus.utterances, group_by)
    if require_text and not corpus.utterances["exclusion"].isna().any():
        bad = corpus.files[corpus.files["status"] == "error"]
        detail = "; ".join(f"{d}: {e}" for d, e in zip(bad["doc_id"], bad["error"])) or "no transcript found"
        raise AnalysisError(f"nothing to analyse in {input}: {detail}")
    got = tokenize_corpus(corpus, params, engine=engine, cache=cache, folder=folder, progress=progress,
                          keep_tokens=keep_tokens, collect_warnings=collect_warnings)
    got.timings = {"read": read_seconds, **got.timings}
    return got


def tokenize_corpus(corpus, params: dict, *, engine=None, cache=None, folder=None,
                    progress: Callable[[int], None] | None = None, keep_tokens: bool = False,
                    collect_warnings: bool = False) -> Tokenized:
    """Tokenize a read corpus with the tokenize parameters of ``params``, the engine and the cache.

    A lean table is used when ``tokens_in_memory`` is ``"lean"``, or
    ``"auto"`` above :data:`AUTO_LEAN_CHARS` characters of remarks (every
    count, measure, keyword score, KWIC line and comparison is the same). With
    ``keep_tokens`` (:class:`Analysis` keeps the table) a lean table needs a
    ``folder`` (:class:`cooccur.folder.OutputFolder`) to stream the full one
    to, else every row stays in memory; without (KWIC, comparisons) no tokens
    file is written. ``cache`` (default: the folder's) reuses the whole table
    when the analysed utterances and tokenize parameters are unchanged, else
    re-analyses only changed documents. ``engine`` defaults to local;
    ``progress`` is called with the characters done. With ``collect_warnings``
    the term rules' warnings (forced terms not forced) go into the result's
    ``warnings`` instead of being raised. Returns a :class:`Tokenized`.
    """
    from .engine import Engine
    from .tokenize import tokenize_to_file, tokenize_utterances

    engine = engine or Engine()
    if cache is None and folder is not None:
        cache = folder.cache
    tok_params = pick_params(params, "tokenize")
    got = Tokenized(corpus=corpus, tokens=None)
    t0 = time.perf_counter()
    with _warnings.catch_warnings(record=collect_warnings) as said:
        if collect_warnings:
            _warnings.simplefilter("always", UserWarning)
        if (keep_tokens and folder is None) or not _wants_lean(corpus, params):
            key = (cache.corpus_key(corpus.utterances,
                                    {k: v for k, v in tok_params.items() if k not in ("jobs", "workers")})
                   if cache is not None else None)
            got.tokens = cache.load_tokens(key) if cache is not None else None
            if got.tokens is not None:
                got.flr = cache.load_flr(key)  # None from an entry kept without them: counted in keywords
            else:
                got.tokens = tokenize_utterances(corpus.utterances, progress=progress, cache=cache,
                                                 map_chunks=engine.map_chunks, **tok_params)
                if cache is not None:  # FLR's part counts kept with the tokens: a re-run does not count again
                    from .keywords import FLRCounts

                    got.flr = FLRCounts().add(got.tokens)
                    cache.save_tokens(key, got.tokens, flr=got.flr)
        elif keep_tokens:
            got.tokens, got.counts, got.flr = folder.stream_tokens(corpus.utterances, tok_params, kind=params["tables"],
                                                                   map_chunks=engine.map_chunks, progress=progress)
            got.file = folder.tokens_path(params["tables"])
        else:
            streamed = tokenize_to_file(corpus.utterances, None, spill_dir=folder.spill_dir() if folder else None,
                                        progress=progress, cache=cache, map_chunks=engine.map_chunks, **tok_params)
            got.tokens = streamed.tokens
            got.counts = {"tokens": streamed.n_tokens, "counted_tokens": streamed.n_counted}
    for w in said or ():
        if issubclass(w.category, UserWarning) and str(w.message).startswith("forced term"):
            got.warnings.append(str(w.message))
        else:  # not ours to collect: raised again as it came
            _warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    got.timings = {"tokenize": time.perf_counter() - t0}
    return got


def _wants_lean(corpus, params: dict) -> bool:
    """True when ``tokens_in_memory`` asks for a lean tokens table for this corpus."""
    mode = params["tokens_in_memory"]
    return mode == "lean" or (mode == "auto" and corpus.summary()["characters_out"] > AUTO_LEAN_CHARS)


def kwic_lines(input: str | Path, term: str, *, width: int = 30, exact: bool = False,
               config: str | Path | None = None, cache: str | Path | None = None, **params: Any):
    """KWIC lines of ``term`` in a transcript file or folder, or in an analysed output folder.

    An output folder of ``cooccur analyze -o`` (``manifest.json`` with the
    utterances and tokens tables) is answered from its tables
    (:func:`cooccur.kwic_search.folder_concordance`), without reading
    transcripts or running SudachiPy; read and tokenize parameters then do
    not apply. Otherwise ``input`` is read and tokenized with them
    (:func:`read_and_tokenize`, on the ``engine`` of the parameters); with
    ``cache`` (a token cache folder, such as an output folder's
    ``.cache/tokens``) a second run on unchanged transcripts skips SudachiPy.
    Returns :func:`cooccur.kwic.concordance`'s DataFrame.
    """
    from .kwic_search import folder_concordance, is_output_folder

    if is_output_folder(input):
        return folder_concordance(input, term, width=width, exact=exact)
    from .engine import get_engine
    from .folder import open_token_cache
    from .kwic import concordance

    resolved = resolve_params(config, **params)
    engine = get_engine(resolved["engine"], resolved["scheduler"])
    try:
        got = read_and_tokenize(input, resolved, engine=engine, cache=open_token_cache(cache))
    finally:
        engine.close()
    return concordance(got.tokens, got.corpus.utterances, term, width=width, exact=exact)


def compare(input: str | Path, *, group_by: str, groups: tuple[str, str] | None = None,
            output: str | Path | None = None, config: str | Path | None = None, force: bool = False,
            cache: bool | str | Path = True, **params: Any):
    """Compare the co-occurrence networks of two groups of utterances.

    Reads and tokenizes ``input`` once (:func:`read_and_tokenize`, on the
    ``engine`` of the parameters, with ``cache`` as for :func:`analyze`), then
    runs the same co-occurrence settings on the two subsets (``group_by``
    values, by default the two most frequent) and returns
    :func:`cooccur.groups.compare_groups`'s result (``communities`` and
    ``seed`` reach both networks). With ``output`` (an
    :class:`~cooccur.folder.OutputFolder`), writes ``comparison_edges.csv``,
    ``comparison_terms.csv`` and a side-by-side ``comparison.png`` (``size``,
    ``seed``, ``dpi``, ``transparent``): the same bytes as
    ``analyze(..., group_by=...)`` writes with the same parameters.
    """
    from .engine import get_engine
    from .groups import compare_groups

    resolved = resolve_params(config, **params)
    folder, token_cache = _open_folder(output, force=force, cache=cache)
    engine = get_engine(resolved["engine"], resolved["scheduler"])
    try:
        got = read_and_tokenize(input, resolved, group_by=group_by, engine=engine, cache=token_cache, folder=folder)
    finally:
        engine.close()
    result = compare_groups(got.tokens, got.corpus.utterances, group_by=group_by, groups=groups,
                            communities=resolved["communities"], seed=resolved["seed"],
                            **pick_params(resolved, "cooccurrence"))
    if folder is not None:
        folder.write_comparison(result, resolved)
    return result
