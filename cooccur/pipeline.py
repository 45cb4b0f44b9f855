"""Chain the stages: folder → utterances → tokens → co-occurrence → network → outputs.

:func:`analyze` is what ``cooccur analyze`` calls; every keyword it accepts is a
parameter of the table in :mod:`cooccur.config` (and so a ``--flag`` of the CLI and
a key of the TOML config). Each stage stays usable alone; :class:`Analysis` just
holds their results together for notebooks.

Examples
--------
>>> import cooccur
>>> a = cooccur.analyze("data/sample")                 # doctest: +SKIP
>>> a.keywords.head()                                   # doctest: +SKIP
>>> a.plot()                                            # doctest: +SKIP
"""

from __future__ import annotations

import shutil
import time
import warnings as _warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import __version__
from .config import DEFAULTS, PARAMS, load_config, validate_params
from .errors import AnalysisError

__all__ = ["Analysis", "analyze", "compare", "kwic_lines", "run", "resolve_params", "OUTPUT_FILES"]

#: Output files by the ``formats`` choice that produces them.
OUTPUT_FILES = {
    "png": "network.png",
    "svg": "network.svg",
    "pdf": "network.pdf",
    "graphml": "network.graphml",
    "gexf": "network.gexf",
    "json": "network.json",
    "html": "network.html",
    "report": "report.html",
}

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
        cache=None, engine=None, tokens_file: str | Path | None = None) -> Analysis:
    """Run every stage after reading on an already read corpus (and tokens, if given).

    ``cache`` is an optional :class:`cooccur.cache.TokenCache`; ``engine`` an
    optional :class:`cooccur.engine.Engine` (default: local). With
    ``tokens_file``, the tokens table is streamed to that file and the
    analysis keeps a lean table (see :func:`cooccur.tokenize.tokenize_to_file`);
    every result is the same.
    """
    from .engine import Engine

    engine = engine or Engine()
    from .cooccurrence import count_cooccurrence
    from .keywords import rank_keywords
    from .layout import network_layout
    from .network import build_network
    from .tokenize import tokenize_utterances

    timings: dict[str, float] = {}
    warnings: list[str] = list(getattr(corpus, "warnings", []))

    t0 = time.perf_counter()
    with _warnings.catch_warnings(record=True) as said:  # the term rules' warnings go into the analysis's
        _warnings.simplefilter("always", UserWarning)
        flr_counts = token_counts = None
        if tokens is None and tokens_file is not None:
            tokens, token_counts, flr_counts = _stream_tokens(corpus, params, tokens_file, cache=cache, engine=engine,
                                                              progress=progress)
        elif tokens is None:
            tok_params = pick_params(params, "tokenize")
            key = (cache.corpus_key(corpus.utterances, {k: v for k, v in tok_params.items() if k != "jobs"})
                   if cache is not None else None)
            tokens = cache.load_tokens(key) if cache is not None else None
            if tokens is None:
                tokens = tokenize_utterances(corpus.utterances, progress=progress, cache=cache,
                                             map_chunks=engine.map_chunks, **tok_params)
                if cache is not None:
                    cache.save_tokens(key, tokens)
    for w in said:
        if issubclass(w.category, UserWarning) and str(w.message).startswith("forced term"):
            warnings.append(str(w.message))
        else:  # not ours to collect: raised again as it came
            _warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    timings["tokenize"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    from .dispersion import term_dispersion

    # clustering and salience once, for the candidate selection and the keywords
    dispersion = term_dispersion(tokens) if tokens["term"].notna().any() else None
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
    keywords = rank_keywords(tokens, score=params["keyword_score"], unit=params["unit"], graph=graph,
                             flr_counts=flr_counts, dispersion=dispersion)
    timings["keywords"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    families = _families(tokens, cooc, warnings)
    timings["families"] = time.perf_counter() - t0

    attribute_graph = distinctive = comparison = None
    if params["group_by"]:
        _check_group_by(corpus.utterances, params["group_by"])
        t0 = time.perf_counter()
        attribute_graph, distinctive, comparison = _group_results(tokens, corpus.utterances, params, warnings)
        timings["groups"] = time.perf_counter() - t0

    from .analyses import run_analyses

    extra = run_analyses(corpus, tokens, cooc, params, warnings, timings)

    t0 = time.perf_counter()
    from .plot import SIZES

    width, height = SIZES[params["size"]]
    positions = network_layout(graph, seed=params["seed"], aspect=width / height)
    timings["layout"] = time.perf_counter() - t0

    applied = dict(params)
    applied["min_frequency"] = int(cooc.min_frequency_)
    applied["tokens_in_memory"] = "lean" if token_counts is not None else "all"  # what "auto" chose
    return Analysis(corpus=corpus, tokens=tokens, cooccurrence=cooc, graph=graph, keywords=keywords,
                    positions=positions, parameters=applied, families=families, attribute_graph=attribute_graph,
                    distinctive=distinctive, comparison=comparison, warnings=warnings, timings=timings,
                    tokens_file=Path(tokens_file) if token_counts is not None else None, token_counts=token_counts,
                    **extra)


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


def _stream_tokens(corpus, params: dict, tokens_file, *, cache, engine, progress):
    """Stream the tokens table to ``tokens_file``; return (lean tokens, row counts, FLR counts).

    With a cache, a re-run whose analysed text and tokenize parameters are
    unchanged, and whose tokens file is still the one written for them (the
    output folder's table ledger), reuses the cached lean table instead.
    """
    from .io import TableLedger, file_digest
    from .keywords import FLRCounts
    from .tokenize import tokenize_to_file

    tokens_file = Path(tokens_file)
    tok_params = pick_params(params, "tokenize")
    folder = tokens_file.parent / ".cache"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(".cooccur-spill-*"):  # left by a run that was killed (ours: in our .cache)
        shutil.rmtree(stale, ignore_errors=True)
    ledger = key = None
    if cache is not None:
        key = cache.corpus_key(corpus.utterances, {k: v for k, v in tok_params.items() if k != "jobs"}) + "-lean"
        ledger = TableLedger(folder / "tables.json")
        if ledger.unchanged(tokens_file, key):
            reused = cache.load_lean(key)
            if reused is not None:
                cache.hits_corpus = True
                return reused
    flr = FLRCounts()
    streamed = tokenize_to_file(corpus.utterances, tokens_file, kind=params["tables"], spill_dir=folder,
                                on_batch=flr.add, progress=progress, cache=cache, map_chunks=engine.map_chunks,
                                **tok_params)
    counts = {"tokens": streamed.n_tokens, "counted_tokens": streamed.n_counted}
    if cache is not None:
        cache.save_lean(key, streamed.tokens, counts, flr)
        ledger.note(tokens_file, key, file_digest(tokens_file), size=tokens_file.stat().st_size)
        ledger.save()
    return streamed.tokens, counts, flr


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
        Folder for the outputs (tables, network files, figures, manifest).
    config : path, optional
        A TOML file with the same keywords as this function.
    force : bool
        Write into a non-empty folder that cooccur did not create.
    cache : bool or path
        Keep SudachiPy's analysis per document in ``output/.cache/tokens``
        (``True``, the default; no cache without ``output``), in the given
        folder, or nowhere (``False``). Re-runs with other network, keyword or
        figure parameters then skip tokenizing; results are identical either way.
    progress : bool or callable
        Report tokenizing progress (characters done).
    **params
        Any parameter of :data:`cooccur.config.PARAMS` (``unit``, ``measure``,
        ``top_n``, ``min_frequency``, ``seed``, ``split_mode``, ...).

    Returns
    -------
    Analysis
    """
    from .read import read_corpus

    started = time.time()
    t_start = time.perf_counter()
    resolved = resolve_params(config, **params)
    if resolved["tokens_in_memory"] == "lean" and output is None:
        raise ValueError("tokens_in_memory='lean' streams the tokens table to the output folder; "
                         "give output= (or --output), or use tokens_in_memory='all'")
    from .analyses import check_params

    check_params(resolved)  # bad counts or a syntax error in the coding rules stop the run before tokenizing
    if output is not None:
        from .io import prepare_output_dir

        prepare_output_dir(output, force=force)

    from .engine import get_engine

    engine = get_engine(resolved["engine"], resolved["scheduler"])
    try:
        t0 = time.perf_counter()
        corpus = _set_aside_speakers(read_corpus(input, map_files=engine.map_files, **pick_params(resolved, "read")),
                                     resolved)
        read_seconds = time.perf_counter() - t0
        if resolved["group_by"]:  # fail before the expensive stages
            _check_group_by(corpus.utterances, resolved["group_by"])
        if not corpus.utterances["exclusion"].isna().any():
            bad = corpus.files[corpus.files["status"] == "error"]
            detail = "; ".join(f"{d}: {e}" for d, e in zip(bad["doc_id"], bad["error"])) or "no transcript found"
            raise AnalysisError(f"nothing to analyse in {input}: {detail}")
        token_cache = None
        if cache is not False and (output is not None or cache is not True):
            from .cache import TokenCache

            folder = Path(output) / ".cache" / "tokens" if cache is True else Path(cache)
            token_cache = TokenCache(folder)
        analysis = run(corpus, resolved, progress=progress if callable(progress) else None, cache=token_cache,
                       engine=engine, tokens_file=_lean_tokens_file(corpus, output, resolved))
    finally:
        engine.close()

    analysis.timings = {"read": read_seconds, **analysis.timings}
    if token_cache is not None:
        analysis.cache_stats = {"folder": str(token_cache.folder), "hits": token_cache.hits,
                                "misses": token_cache.misses, "tokens_reused": token_cache.hits_corpus}
    if output is not None:
        from .outputs import write_outputs

        write_outputs(analysis, output, started_at=started, t_start=t_start, reuse=cache is not False)
    return analysis


#: With ``tokens_in_memory="auto"``, corpora with more characters of remarks than this keep lean tokens.
AUTO_LEAN_CHARS = 5_000_000


def _lean_tokens_file(corpus, output, params: dict) -> Path | None:
    """The tokens file to stream to, when ``tokens_in_memory`` asks for a lean table (else None)."""
    mode = params["tokens_in_memory"]
    if output is None or mode == "all":
        return None
    if mode == "auto" and corpus.summary()["characters_out"] <= AUTO_LEAN_CHARS:
        return None
    return Path(output) / f"tokens.{params['tables']}"


def read_and_tokenize(input, resolved: dict, *, group_by: str | None = None):
    """Read ``input`` and tokenize it with the resolved parameters (checking ``group_by`` in between).

    Above :data:`AUTO_LEAN_CHARS` characters (or with ``tokens_in_memory="lean"``)
    the tokens come back as the lean table of
    :func:`cooccur.tokenize.tokenize_to_file`, with no tokens file written:
    enough for KWIC lines and group comparisons, in memory bounded by the batch.
    """
    from .read import read_corpus
    from .tokenize import tokenize_to_file, tokenize_utterances

    corpus = _set_aside_speakers(read_corpus(input, **pick_params(resolved, "read")), resolved)
    if group_by is not None:
        _check_group_by(corpus.utterances, group_by)
    mode = resolved["tokens_in_memory"]
    if mode == "lean" or (mode == "auto" and corpus.summary()["characters_out"] > AUTO_LEAN_CHARS):
        return corpus, tokenize_to_file(corpus.utterances, None, **pick_params(resolved, "tokenize")).tokens
    return corpus, tokenize_utterances(corpus.utterances, **pick_params(resolved, "tokenize"))


def kwic_lines(input: str | Path, term: str, *, width: int = 30, exact: bool = False,
               config: str | Path | None = None, **params: Any):
    """KWIC lines of ``term`` in a transcript file or folder, or in an analysed output folder.

    An output folder of ``cooccur analyze -o`` (``manifest.json`` with the
    utterances and tokens tables) is answered from its tables
    (:func:`cooccur.kwic_search.folder_concordance`), without reading
    transcripts or running SudachiPy; read and tokenize parameters then do
    not apply. Otherwise ``input`` is read and tokenized with them. Returns
    :func:`cooccur.kwic.concordance`'s DataFrame.
    """
    from .kwic_search import folder_concordance, is_output_folder

    if is_output_folder(input):
        return folder_concordance(input, term, width=width, exact=exact)
    from .kwic import concordance

    corpus, tokens = read_and_tokenize(input, resolve_params(config, **params))
    return concordance(tokens, corpus.utterances, term, width=width, exact=exact)


def compare(input: str | Path, *, group_by: str, groups: tuple[str, str] | None = None,
            output: str | Path | None = None, config: str | Path | None = None, force: bool = False,
            **params: Any):
    """Compare the co-occurrence networks of two groups of utterances.

    Reads and tokenizes ``input`` once, then runs the same co-occurrence settings
    on the two subsets (``group_by`` values, by default the two most frequent)
    and returns :func:`cooccur.network.compare_groups`'s result (``communities``
    and ``seed`` reach both networks). With ``output``, writes
    ``comparison_edges.csv``, ``comparison_terms.csv`` and a side-by-side
    ``comparison.png`` (``size``, ``seed``, ``dpi``, ``transparent``): the same
    bytes as ``analyze(..., group_by=...)`` writes with the same parameters.
    """
    from .groups import compare_groups

    resolved = resolve_params(config, **params)
    if output is not None:
        from .io import prepare_output_dir

        prepare_output_dir(output, force=force)
    corpus, tokens = read_and_tokenize(input, resolved, group_by=group_by)
    result = compare_groups(tokens, corpus.utterances, group_by=group_by, groups=groups,
                            communities=resolved["communities"], seed=resolved["seed"],
                            **pick_params(resolved, "cooccurrence"))
    if output is not None:
        from .io import atomic_write_bytes, write_table
        from .plot_groups import comparison_png

        out = Path(output)
        write_table(result.edges, out / "comparison_edges.csv", kind="csv")
        write_table(result.terms, out / "comparison_terms.csv", kind="csv")
        atomic_write_bytes(out / "comparison.png", comparison_png(
            result, size=resolved["size"], seed=resolved["seed"], dpi=resolved["dpi"],
            transparent=resolved["transparent"]))
    return result
